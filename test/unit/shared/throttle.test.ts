/**
 * Rate limits per token and per country, on a real HTTP server on loopback: over a limit the
 * caller gets 429 with Retry-After and the problem, the metric counts it, and other countries
 * are not affected.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeys, hashToken } from '../../../services/shared/api-keys.ts';
import { createServiceHttp, listen } from '../../../services/shared/http.ts';
import { createThrottle, loadRateLimits } from '../../../services/shared/throttle.ts';

const tokens = { be1: 'lia_be_system_one', be2: 'lia_be_system_two', nl: 'lia_nl_system' };
let server: Server;
let url: string;
let metrics: Registry;

beforeAll(async () => {
  metrics = new Registry();
  const http = createServiceHttp('test', () => true, metrics);
  const keys = new ApiKeys(
    [
      { id: 'be-system-1', country: 'BE', role: 'system', sha256: hashToken(tokens.be1) },
      { id: 'be-system-2', country: 'BE', role: 'system', sha256: hashToken(tokens.be2) },
      { id: 'nl-system', country: 'NL', role: 'system', sha256: hashToken(tokens.nl) },
    ],
    createThrottle({ windowSeconds: 60, perToken: 5, perCountry: 8 }, metrics),
  );
  http.app.get('/v1/x', keys.require('system'), (_req, res) => void res.json({ ok: true }));
  server = await listen(http.app, 0);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/x`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const call = async (token: string) => {
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, retryAfter: r.headers.get('retry-after'), body: (await r.json()) as { problems?: string[] } };
};
const throttledCount = async (country: string, limit: string) =>
  (await metrics.getSingleMetric('liaison_http_throttled_total')!.get()).values.find((v) => v.labels.country === country && v.labels.limit === limit)?.value ?? 0;

describe('rate limits', () => {
  it('refuses a token over its limit with 429, Retry-After and the problem; then the country over its own; never another country', async () => {
    for (let i = 0; i < 5; i += 1) expect((await call(tokens.be1)).status).toBe(200);
    const overToken = await call(tokens.be1);
    expect(overToken.status).toBe(429);
    expect(Number(overToken.retryAfter)).toBeGreaterThan(0);
    expect(overToken.body.problems?.[0]).toMatch(/^token be-system-1: more than 5 requests in 60 s/);
    expect(await throttledCount('BE', 'token')).toBe(1);

    // The country's budget (8) is shared by its tokens: 5 used by the first, 3 left for the second.
    for (let i = 0; i < 3; i += 1) expect((await call(tokens.be2)).status).toBe(200);
    const overCountry = await call(tokens.be2);
    expect(overCountry.status).toBe(429);
    expect(overCountry.body.problems?.[0]).toMatch(/^country BE: more than 8 requests/);
    expect(await throttledCount('BE', 'country')).toBe(1);

    for (let i = 0; i < 5; i += 1) expect((await call(tokens.nl)).status).toBe(200);
    expect(await throttledCount('NL', 'token')).toBe(0);
  });

  it('loads the limits from the file, and names the field of a bad one', () => {
    expect(loadRateLimits().perToken).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'liaison-limits-'));
    const bad = join(dir, 'rate-limits.yaml');
    writeFileSync(bad, 'windowSeconds: 0\nperToken: 10\nperCountry: many\n');
    expect(() => loadRateLimits(bad)).toThrow(/windowSeconds: must be >= 1.*perCountry: must be integer/);
  });
});
