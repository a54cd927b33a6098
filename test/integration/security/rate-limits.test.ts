/**
 * Flooding, on the real stack: one country's system floods the national adapter; it is
 * refused with 429 and Retry-After once over its limit, the refusals are counted, and another
 * country is served throughout, as fast as before the flood.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdapter, tokenOf, type RunningService } from '../../support/services.ts';

let adapter: RunningService;
beforeAll(async () => {
  adapter = await startAdapter({ rateLimits: { windowSeconds: 60, perToken: 300, perCountry: 600 } });
}, 120_000);
afterAll(async () => adapter?.stop());

async function timed(country: string): Promise<{ status: number; ms: number; retryAfter: string | null }> {
  const started = performance.now();
  const r = await fetch(`${adapter.url}/v1/notices/${randomUUID()}`, { headers: { authorization: `Bearer ${tokenOf(country, 'system')}` } });
  await r.text();
  return { status: r.status, ms: performance.now() - started, retryAfter: r.headers.get('retry-after') };
}

const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

describe('a flood from one country', () => {
  it('is throttled with 429 and Retry-After, while another country is served throughout', async () => {
    const before: number[] = [];
    for (let i = 0; i < 50; i += 1) before.push((await timed('NL')).ms);

    // BE: 3,000 requests, 20 at a time; NL meanwhile, one after the other.
    let flooding = true;
    const be: Array<{ status: number; retryAfter: string | null }> = [];
    const flood = (async () => {
      for (let i = 0; i < 3_000; i += 20) be.push(...(await Promise.all(Array.from({ length: 20 }, () => timed('BE')))));
      flooding = false;
    })();
    const during: Array<{ status: number; ms: number }> = [];
    while (flooding) during.push(await timed('NL'));
    await flood;

    const refused = be.filter((r) => r.status === 429);
    expect(be.filter((r) => r.status === 404)).toHaveLength(300); // its limit, then refused
    expect(refused).toHaveLength(2_700);
    expect(refused.every((r) => Number(r.retryAfter) > 0)).toBe(true);
    // NL: served throughout (404: no such notice of NL's), never throttled.
    expect(during.length).toBeGreaterThan(10);
    expect(during.every((r) => r.status === 404)).toBe(true);
    const metrics = await (await fetch(`${adapter.url}/metrics`)).text();
    expect(metrics).toMatch(/liaison_http_throttled_total\{country="BE",limit="token",service="national-adapter"\} 2700/);
    expect(metrics).not.toMatch(/liaison_http_throttled_total\{country="NL"/);
    const p50 = { before: quantile(before, 0.5), during: quantile(during.map((d) => d.ms), 0.5) };
    console.log(`rate limits: BE sent ${be.length}, ${refused.length} refused with 429; NL p50 ${p50.before.toFixed(1)} ms before the flood, ${p50.during.toFixed(1)} ms during it (${during.length} requests)`);
    // A generous bound, not a benchmark: the flood does not starve NL.
    expect(quantile(during.map((d) => d.ms), 0.99)).toBeLessThan(1_000);
  }, 180_000);
});
