/**
 * Two national adapter instances on one database, on the real stack: one Idempotency-Key space
 * one lookup budget and one HTTP rate limit per country, however the requests are spread over
 * the instances.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyKeys, LookupBudget } from '../../../services/national-adapter/adapter-state.ts';
import type { Database } from '../../../services/shared/database.ts';
import { notice } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { openTestDatabase } from '../../support/database.ts';
import { api, startAdapter, tokenOf, type RunningService } from '../../support/services.ts';

let db: Database;
let other: Database;
let adapters: RunningService[] = [];
/** Two more, behind rate limits counted in the database (this run's counters set apart by a prefix). */
let throttled: RunningService[] = [];
const RATE_LIMITS = { windowSeconds: 60, perToken: 1_000, perCountry: 6 };

beforeAll(async () => {
  db = await openTestDatabase('adapter');
  other = await openTestDatabase('adapter');
  adapters = [await startAdapter(), await startAdapter()];
  const rateLimitsShared = { prefix: `${unique('run')}/` };
  throttled = [await startAdapter({ rateLimits: RATE_LIMITS, rateLimitsShared }), await startAdapter({ rateLimits: RATE_LIMITS, rateLimitsShared })];
}, 180_000);

afterAll(async () => {
  for (const a of [...adapters, ...throttled]) await a.stop().catch(() => {});
  await db?.close();
  await other?.close();
});

function submission(summary: string): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = notice({ caseRef: unique('SHARED'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], summary });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

describe('state shared by adapter instances', () => {
  it('counts a country’s requests once across instances: its limit, not twice its limit', async () => {
    // 12 requests of NL at once, spread over both instances, against a limit of 6 per country.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => api<{ problems?: string[] }>(`${throttled[i % 2]!.url}/v1/notices/${randomUUID()}`, tokenOf('NL', 'system'))));
    const refused = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status !== 429)).toHaveLength(RATE_LIMITS.perCountry);
    expect(refused).toHaveLength(12 - RATE_LIMITS.perCountry);
    expect(refused[0]!.body.problems?.[0]).toMatch(/^country NL: more than 6 requests in 60 s/);
    // Each instance counted the refusals it made (liaison_http_throttled_total), together all of them.
    const counted = await Promise.all(throttled.map(async (t) => Number(/liaison_http_throttled_total\{country="NL",limit="country",service="national-adapter"\} (\d+)/.exec(await t.metrics.metrics())?.[1] ?? 0)));
    expect(counted[0]! + counted[1]!).toBe(12 - RATE_LIMITS.perCountry);
  });

  it('accepts exactly one of two concurrent requests with one Idempotency-Key and two bodies, on two instances', async () => {
    for (let round = 0; round < 5; round += 1) {
      const key = unique('shared-key');
      const bodies = adapters.map((_, i) => submission(`Body ${i} of round ${round}: a van seen at the ATM in Hasselt.`));
      const [a, b] = await Promise.all(
        adapters.map((adapter, i) => api<{ noticeId?: string; error?: string }>(`${adapter.url}/v1/notices`, tokenOf('BE', 'system'), { body: bodies[i], headers: { 'idempotency-key': key } })),
      );
      const statuses = [a!.status, b!.status].sort();
      expect(statuses, JSON.stringify([a!.body, b!.body])).toEqual([202, 409]);
      // The same body again, on either instance: the notice of the one accepted, replayed.
      const accepted = a!.status === 202 ? a! : b!;
      const winner = a!.status === 202 ? 0 : 1;
      const again = await api<{ noticeId: string; replayed: boolean }>(`${adapters[1 - winner]!.url}/v1/notices`, tokenOf('BE', 'system'), { body: bodies[winner], headers: { 'idempotency-key': key } });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ noticeId: accepted.body.noticeId, replayed: true });
    }
  }, 120_000);

  it('reserves a key for one body only, lets a failed write release it, and takes over a reservation its instance left', async () => {
    const keys = [new IdempotencyKeys(db), new IdempotencyKeys(other)];
    const key = unique('key');
    const t = 1_000_000;
    const both = await Promise.all(keys.map((k, i) => k.reserve('BE', key, `body-${i}`, `notice-${i}`, t)));
    expect(both.map((r) => r.kind).sort()).toEqual(['reserved', 'reused']);
    const winner = both[0]!.kind === 'reserved' ? 0 : 1;
    expect(await keys[1 - winner]!.reserve('BE', key, `body-${winner}`, 'x', t + 1)).toEqual({ kind: 'in-progress' });
    await keys[winner]!.release('BE', key);
    expect(await keys[1 - winner]!.reserve('BE', key, 'body-z', 'notice-z', t + 2)).toEqual({ kind: 'reserved' });
    // Its instance died before writing: after a minute the key is taken over.
    expect(await keys[winner]!.reserve('BE', key, 'body-y', 'notice-y', t + 30_000)).toEqual({ kind: 'reused' });
    expect(await keys[winner]!.reserve('BE', key, 'body-y', 'notice-y', t + 70_000)).toEqual({ kind: 'reserved' });
    await keys[winner]!.written('BE', key);
    expect(await keys[1 - winner]!.reserve('BE', key, 'body-y', 'other', t + 200_000)).toEqual({ kind: 'replay', noticeId: 'notice-y' });
  });

  it('gives a country one sliding budget across instances: never more than its identifiers in any window', async () => {
    const limits = { windowSeconds: 60, identifiersPerCountry: 10 };
    const budgets = [new LookupBudget(db, limits), new LookupBudget(other, limits)];
    const country = unique('XX');
    const t = 120_000;
    // 20 lookups of 1 at once, spread over two instances: exactly 10 answered.
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => budgets[i % 2]!.take(country, 1, t)));
    expect(answers.filter((a) => a.ok)).toHaveLength(10);
    expect(await budgets[0]!.take(country, 1, t + 59_000)).toEqual({ ok: false, limit: 10, retryAfterSeconds: 1 });
    // A minute later they have left the window.
    expect(await budgets[1]!.take(country, 1, t + 60_000)).toEqual({ ok: true });
    // Sliding, not aligned to the clock: no boundary to spend the budget twice across.
    expect((await budgets[0]!.take(country, 10, t + 60_001)).ok).toBe(false);
    expect(await budgets[0]!.take(country, 9, t + 60_001)).toEqual({ ok: true });
    expect(await budgets[1]!.take(country, 1, t + 119_999)).toEqual({ ok: false, limit: 10, retryAfterSeconds: 1 });
    // A lookup is refused whole, and says when it would fit.
    const whole = await budgets[0]!.take(unique('YY'), 11, t);
    expect(whole).toMatchObject({ ok: false, limit: 10 });
    // Another country is not held by this one.
    expect(await budgets[1]!.take(unique('ZZ'), 10, t)).toEqual({ ok: true });
  });
});
