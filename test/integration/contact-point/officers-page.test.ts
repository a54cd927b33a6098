/**
 * The officers' page in a real browser (Debian's chromium, headless, driven by playwright-core)
 * against a contact point on the real stack: sign in, the inbox with the overdue request
 * first, a notice with its handling code, conditions and evaluation up front and what was
 * removed for this country marked. The screenshot is kept in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import { notice, suspect, witness } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { newGatewayGroup, startGateway, submit, type RunningGateway } from '../../support/flow.ts';
import { api, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const CHROMIUM = process.env.LIAISON_CHROMIUM ?? '/usr/bin/chromium';

let gateway: RunningGateway;
let cp: RunningService;
let browser: Browser;

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  cp = await startContactPoint(['NL']);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await cp?.stop();
  await gateway?.stop();
});

describe('the officers’ page', () => {
  it('shows the inbox with overdue requests first and a notice with its handling, conditions, evaluation and what was removed', async () => {
    const caseRef = unique('MAA-2026');
    const overdue = notice({
      caseRef, kind: 'REQUEST', priority: 'URGENT', recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'],
      createdAt: Date.now() - 4 * 24 * 3_600_000, summary: 'Request: telecom data of the getaway car used in Maasmechelen.', subjects: [],
      vehicles: [], financial: [],
    });
    const filtered = notice({
      caseRef, recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], createdAt: Date.now(), subjects: [suspect, witness],
      handling: { code: 'H3', h3Text: 'Only for the joint ATM task force', processingConditions: ['Not as evidence without permission of the Antwerp prosecutor'] },
      evaluation: { source: 'A', information: 'R2' },
    });
    await submit('BE', overdue, filtered);
    await retryUntil(
      async () => {
        const { body } = await api<{ notices: Array<{ noticeId: string }> }>(`${cp.url}/v1/inbox`, tokenOf('NL', 'officer'));
        if (![overdue, filtered].every((n) => body.notices.some((x) => x.noticeId === n.noticeId))) throw new Error('not yet in the inbox');
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    try {
      await page.goto(`${cp.url}/`);
      await page.fill('#token', tokenOf('NL', 'officer'));
      await page.click('#signin-button');
      await page.waitForSelector('#rows tr');
      expect(await page.textContent('#who')).toBe('Inbox of NL');
      const first = page.locator('#rows tr').first();
      expect(await first.getAttribute('class')).toContain('overdue');
      expect(await first.textContent()).toContain('OVERDUE');
      await page.locator(`tr[data-notice="${overdue.noticeId}"]`).waitFor();
      expect(await page.locator(`tr[data-notice="${overdue.noticeId}"]`).getAttribute('class')).toContain('overdue');

      await page.click(`tr[data-notice="${filtered.noticeId}"]`);
      await page.fill('#justification', 'Joint ATM task force, case Maasmechelen');
      await page.click('#open');
      await page.waitForSelector('#handling');
      const handling = await page.textContent('#handling');
      expect(handling).toContain('H3');
      expect(handling).toContain('Only for the joint ATM task force');
      expect(handling).toContain('Not as evidence without permission of the Antwerp prosecutor');
      expect(handling).toContain('A2');
      const removed = await page.textContent('#removed');
      expect(removed).toContain('REMOVED subjects[0].healthInformation');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'officers-page.png'), fullPage: false });

      // A wrong token is refused with the server's reason, and shows nothing.
      const other = await browser.newPage();
      await other.goto(`${cp.url}/`);
      await other.fill('#token', 'lia_wrong');
      await other.click('#signin-button');
      await other.waitForFunction(() => document.getElementById('error')?.textContent !== '');
      expect(await other.textContent('#error')).toMatch(/^401: Authorization/);
      expect(await other.locator('#rows tr').count()).toBe(0);
      await other.close();
    } finally {
      await page.close();
    }
  });
});
