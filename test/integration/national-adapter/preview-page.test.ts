/**
 * The sender's drafting page of the national adapter in a real browser (Debian's chromium,
 * headless, driven by playwright-core): sign in as BE's DPO, preview the example draft, and see
 * side by side per destination what would arrive. The screenshot is kept in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { topics } from '../../../services/shared/topology.ts';
import { logEnd } from '../../support/flow.ts';
import { startAdapter, tokenOf, type RunningService } from '../../support/services.ts';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const CHROMIUM = process.env.LIAISON_CHROMIUM ?? '/usr/bin/chromium';

let adapter: RunningService;
let browser: Browser;

beforeAll(async () => {
  adapter = await startAdapter();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await adapter?.stop();
});

describe('the drafting page', () => {
  it('shows side by side per destination what a draft would deliver, and submits nothing', async () => {
    const before = await logEnd([topics.outbox('BE')]);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    try {
      await page.goto(`${adapter.url}/`);
      await page.fill('#token', tokenOf('BE', 'dpo'));
      await page.click('#signin-button');
      await page.waitForFunction(() => (document.getElementById('draft') as HTMLTextAreaElement).value.includes('ANR-2026-0042'));
      await page.click('#preview-button');
      await page.waitForSelector('.destination');
      expect(await page.locator('.destination').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-destination')))).toEqual(['NL', 'FR', 'US', 'CO']);
      const column = (d: string) => page.locator(`.destination[data-destination="${d}"]`);
      expect(await column('NL').locator('.status').textContent()).toBe('DELIVERED');
      // FR: the witness pseudonymised, never the pseudonym itself.
      expect(await column('FR').locator('.status').textContent()).toBe('DELIVERED FILTERED');
      expect(await column('FR').locator('.actions').textContent()).toContain('PSEUDONYMISED subjects[1].familyName');
      expect(await column('FR').locator('.copy-subjects').textContent()).toContain('WITNESS: PSN-(made at delivery) PSN-(made at delivery)');
      // The US: the witness and the contact removed, the witness's name masked in the summary.
      expect(await column('US').locator('.actions').textContent()).toContain('REMOVED subjects[1]');
      const usSummary = await column('US').locator('.copy-summary').textContent();
      expect(usSummary).not.toContain('Peeters');
      expect(usSummary).toContain('Container MSCU1234565');
      // CO: the personal data waits for the DPO, the rest arrives now.
      expect(await column('CO').locator('.status').textContent()).toBe('HELD FOR REVIEW');
      expect(await column('CO').locator('.copy h3').allTextContents()).toEqual([expect.stringContaining('Arrives now (non personal'), expect.stringContaining('Waits for your DPO')]);
      expect(await page.textContent('#summary')).toContain('nothing was submitted');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'drafting-page.png'), fullPage: true });

      // A draft that is not a notice: the problems by field, on the page.
      await page.fill('#draft', JSON.stringify({ caseRef: 'ANR-2026-0042', recipients: ['NL'] }));
      await page.click('#preview-button');
      await page.waitForFunction(() => document.getElementById('error')!.textContent!.startsWith('400'));
      expect(await page.textContent('#error')).toContain('kind');
    } finally {
      await page.close();
    }
    expect(await logEnd([topics.outbox('BE')])).toEqual(before);
  });

  it('signs an officer out again: the preview is for the system and the DPO', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${adapter.url}/`);
      await page.fill('#token', tokenOf('BE', 'officer'));
      await page.click('#signin-button');
      await page.waitForFunction(() => (document.getElementById('draft') as HTMLTextAreaElement).value.length > 0);
      await page.click('#preview-button');
      await page.waitForFunction(() => document.getElementById('error')!.textContent!.startsWith('403'));
      expect(await page.isVisible('#signin')).toBe(true);
    } finally {
      await page.close();
    }
  });
});
