/**
 * Fuzzing the HTTP surfaces, on the real stack: 10,000 seeded bad requests across every route
 * of the national adapter and the contact point: wrong types, missing and extra fields, huge
 * strings and arrays, deep nesting, unicode look-alikes, impossible dates, unknown enum
 * symbols, duplicate keys, prototype-pollution keys, malformed JSON, bad headers, bad tokens,
 * the wrong role, unknown and other countries' ids. Every one gets a 4xx whose body names the
 * problem (the field where there is one); none gets a 5xx or writes a record (the contact
 * point's own acknowledgements of copies already in its inboxes are all that is written);
 * valid requests made between them are served.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { logEnd, policy, readTopic, type Offsets } from '../../support/flow.ts';
import { startAdapter, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

const REQUESTS = 10_000;
const SEED = 20261201;
const PARTIES = [...policy.parties.keys()];
const WRITABLE = [...PARTIES.map(topics.outbox), topics.heldDecisions, topics.lookups, topics.index('be-nl-cross-border')];

/** Bad bodies of the hit/no-hit index routes, each with the field its 400 must name. */
const HASH = 'a'.repeat(64);
const lookup = (over: Record<string, unknown>) => JSON.stringify({ agreement: 'be-nl-cross-border', purpose: 'ATM gas attack, getaway car', keyEpoch: 1, identifiers: [{ identifierType: 'PHONE', hash: HASH }], ...over });
const INDEX_BODIES: Array<{ route: 'lookups' | 'entries' | 'withdrawals'; body: string; field: string | null }> = [
  { route: 'lookups', body: lookup({ purpose: 'x' }), field: 'purpose' },
  { route: 'lookups', body: lookup({ purpose: ' '.repeat(12) }), field: 'purpose' },
  { route: 'lookups', body: lookup({ identifiers: [{ identifierType: 'PHONE', hash: '+32 470 12 34 56' }] }), field: 'identifiers' },
  { route: 'lookups', body: lookup({ identifiers: [{ identifierType: 'NAME', hash: HASH }] }), field: 'identifiers' },
  { route: 'lookups', body: lookup({ identifiers: Array.from({ length: 101 }, () => ({ identifierType: 'PHONE', hash: HASH })) }), field: 'identifiers' },
  { route: 'lookups', body: lookup({ identifiers: [] }), field: 'identifiers' },
  { route: 'lookups', body: lookup({ keyEpoch: -1 }), field: 'keyEpoch' },
  { route: 'lookups', body: lookup({ agreement: 'be nl' }), field: 'agreement' },
  { route: 'lookups', body: lookup({ value: '0470123456' }), field: 'value' },
  { route: 'lookups', body: '{"agreement":"be-nl-cross-border","__proto__":{"hitIndex":true}}', field: null },
  { route: 'entries', body: JSON.stringify({ keyEpoch: 1, entries: [{ identifierType: 'LICENCE_PLATE', hash: HASH, reference: '../../etc/passwd' }] }), field: 'entries' },
  { route: 'entries', body: JSON.stringify({ keyEpoch: 1, entries: Array.from({ length: 1_001 }, () => ({ identifierType: 'IBAN', hash: HASH })) }), field: 'entries' },
  { route: 'entries', body: JSON.stringify({ entries: [{ identifierType: 'IBAN', hash: HASH }] }), field: 'keyEpoch' },
  { route: 'entries', body: JSON.stringify({ keyEpoch: 1, entries: [{ identifierType: 'IBAN', hash: HASH.toUpperCase() }] }), field: 'entries' },
  { route: 'withdrawals', body: JSON.stringify({ entries: [{ identifierType: 'IBAN' }] }), field: 'entries' },
  { route: 'withdrawals', body: '[]', field: null },
];

let adapter: RunningService;
let cp: RunningService;
beforeAll(async () => {
  adapter = await startAdapter();
  cp = await startContactPoint(['NL', 'BE']);
}, 180_000);
afterAll(async () => {
  await cp?.stop();
  await adapter?.stop();
});

/** A body the adapter accepts, before a mutation breaks it. */
function validSubmission(): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = notice({ caseRef: unique('FUZZ'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

/** Each mutation makes a valid body invalid, and says which field a problem must name. */
type Mutation = { name: string; field: string | null; apply: (body: Record<string, unknown>) => string };
const json = (body: unknown) => JSON.stringify(body);
const deep = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const LOOKALIKES = ['ΝL', 'NL\u200b', 'N\u0338L', 'ＮＬ', 'nl', 'NL ', '\u202eLN'];

const mutations = () =>
  fc.oneof(
    fc.record({ field: fc.constantFrom('caseRef', 'summary', 'purpose', 'kind', 'priority', 'classification'), value: fc.oneof(fc.integer(), fc.constant([]), fc.constant({}), fc.boolean()) }).map(
      ({ field, value }): Mutation => ({ name: 'wrong type', field, apply: (b) => json({ ...b, [field]: value }) }),
    ),
    fc.constantFrom('caseRef', 'summary', 'recipients', 'kind', 'crimeAreas', 'handling', 'classification').map((field): Mutation => ({ name: 'missing field', field, apply: (b) => { const { [field]: _, ...rest } = b; return json(rest); } })),
    fc.constantFrom('x-extra', 'isAdmin', 'role').map((field): Mutation => ({ name: 'extra field', field, apply: (b) => json({ ...b, [field]: true }) })),
    fc.integer({ min: 20_001, max: 60_000 }).map((n): Mutation => ({ name: 'huge string', field: 'summary', apply: (b) => json({ ...b, summary: 'x'.repeat(n) }) })),
    fc.integer({ min: 41, max: 5_000 }).map((n): Mutation => ({ name: 'huge array', field: 'recipients', apply: (b) => json({ ...b, recipients: Array.from({ length: n }, (_, i) => `C${i}`) }) })),
    fc.integer({ min: 2, max: 3_000 }).map((n): Mutation => ({ name: 'deep nesting', field: 'handling', apply: (b) => json({ ...b, handling: '__DEEP__' }).replace('"__DEEP__"', deep(n)) })),
    fc.constantFrom(...LOOKALIKES).map((code): Mutation => ({ name: 'unicode look-alike', field: 'recipients', apply: (b) => json({ ...b, recipients: [code] }) })),
    fc.constantFrom('2026-02-30', '2026-13-01', '0000-00-00', '2026-11-31', '26-11-18', '2026-1-1').map((date): Mutation => ({ name: 'impossible date', field: 'seizures', apply: (b) => json({ ...b, seizures: [{ substance: 'cocaine', quantityKg: 1, units: null, place: 'BEANR', date }] }) })),
    fc.record({ field: fc.constantFrom('kind', 'priority', 'classification'), symbol: fc.constantFrom('SUPER_URGENT', 'information', 'TOP_SECRET', 'İNFORMATION', '') }).map(
      ({ field, symbol }): Mutation => ({ name: 'unknown enum symbol', field, apply: (b) => json({ ...b, [field]: symbol }) }),
    ),
    fc.constant<Mutation>({ name: 'duplicate key, the last one bad', field: 'recipients', apply: (b) => json(b).replace(/\}$/, ',"recipients":"NL"}') }),
    fc.constantFrom('__proto__', 'constructor', 'prototype').map((key): Mutation => ({ name: 'prototype pollution', field: key, apply: (b) => json(b).replace(/^\{/, `{"${key}":{"polluted":true,"toString":1},`) })),
    fc.integer({ min: 1, max: 60 }).map((cut): Mutation => ({ name: 'malformed JSON', field: null, apply: (b) => json(b).slice(0, -cut) })),
    fc.constantFrom('[]', '"notice"', '42', 'null', '[{"caseRef":"x"}]').map((raw): Mutation => ({ name: 'not an object', field: null, apply: () => raw })),
  );

type Sent = { label: string; url: string; method: string; token?: string; headers?: Record<string, string>; raw?: string; field: string | null };

describe('fuzzing the HTTP surfaces', () => {
  it(`answers ${REQUESTS} bad requests with a 4xx naming the problem, never a 5xx or a record, and keeps serving`, async () => {
    const own = validSubmission();
    const nl = (path: string) => `${cp.url}${path}`;
    const ad = (path: string) => `${adapter.url}${path}`;
    const ids = fc.constantFrom(randomUUID(), '..%2F..%2Fetc', 'x'.repeat(300), '%00', '__proto__', "1' OR '1'='1");
    const request = fc.oneof(
      { weight: 5, arbitrary: mutations().map((m): Sent => ({ label: `POST /v1/notices: ${m.name}`, url: ad('/v1/notices'), method: 'POST', token: tokenOf('BE', 'system'), raw: m.apply(validSubmission()), field: m.field })) },
      // A preview reads the same body the same way, and writes nothing either.
      { weight: 2, arbitrary: mutations().map((m): Sent => ({ label: `POST /v1/notices/preview: ${m.name}`, url: ad('/v1/notices/preview'), method: 'POST', token: tokenOf('BE', 'dpo'), raw: m.apply(validSubmission()), field: m.field })) },
      {
        weight: 2,
        arbitrary: fc.record({ id: ids, route: fc.constantFrom('corrections', 'permissions'), body: fc.constantFrom('{"action":"DELETE"}', '{"grantedTo":["NL"]}', '{}', '[]', '{"reason":1}', 'null') }).map(
          ({ id, route, body }): Sent => ({ label: `POST /v1/notices/:id/${route}`, url: ad(`/v1/notices/${id}/${route}`), method: 'POST', token: tokenOf('BE', 'system'), raw: body, field: null }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record({ id: ids, decision: fc.constantFrom('release', 'reject', 'approve', 'RELEASE'), body: fc.constantFrom('{}', '{"justification":""}', '{"justification":"\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b"}', '{"justification":1}') }).map(
          ({ id, decision, body }): Sent => ({ label: `POST /v1/held/:id/:destination/${decision}`, url: ad(`/v1/held/${id}/US/${decision}`), method: 'POST', token: tokenOf('BE', 'dpo'), raw: body, field: null }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...INDEX_BODIES).map(({ route, body, field }): Sent => ({
          label: `POST ${route === 'lookups' ? '/v1/lookups' : `/v1/index/:agreement/${route}`}`,
          url: ad(route === 'lookups' ? '/v1/lookups' : `/v1/index/be-nl-cross-border/${route}`),
          method: 'POST',
          token: tokenOf('NL', 'system'),
          raw: body,
          field,
        })),
      },
      { weight: 1, arbitrary: ids.map((id): Sent => ({ label: 'GET /v1/notices/:id', url: ad(`/v1/notices/${id}`), method: 'GET', token: tokenOf('NL', 'system'), field: null })) },
      {
        weight: 2,
        arbitrary: fc.record({ id: ids, route: fc.constantFrom('reply', 'refuse', 'forward', 'acknowledge'), body: fc.constantFrom('{"summary":1}', '{"ground":"BORED"}', '{"to":"LU"}', '{"to":[]}', '{}', '{"__proto__":{"x":1}}') }).map(
          ({ id, route, body }): Sent => ({ label: `POST /v1/inbox/:id/${route}`, url: nl(`/v1/inbox/${id}/${route}`), method: 'POST', token: tokenOf('NL', 'officer'), raw: body, field: null }),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.record({ name: fc.constantFrom('kind', 'priority', 'crimeArea', 'overdue'), value: fc.constantFrom('NOPE', '', 'information', '%00', 'x'.repeat(500)) }).map(
          ({ name, value }): Sent => ({ label: `GET /v1/inbox?${name}`, url: nl(`/v1/inbox?${name}=${encodeURIComponent(value)}`), method: 'GET', token: tokenOf('NL', 'officer'), field: name }),
        ),
      },
      { weight: 1, arbitrary: ids.map((id): Sent => ({ label: 'GET /v1/inbox/:id without a justification', url: nl(`/v1/inbox/${id}`), method: 'GET', token: tokenOf('NL', 'officer'), field: null })) },
      {
        weight: 2,
        arbitrary: fc
          .record({
            target: fc.constantFrom(ad('/v1/notices'), ad('/v1/held'), nl('/v1/inbox'), nl('/v1/statistics')),
            // No token, a forged or cut one, another scheme, or a real token of a role the route does not take.
            authorization: fc.constantFrom('', 'Bearer', 'Bearer ', `Bearer ${'x'.repeat(5_000)}`, `Bearer ${tokenOf('BE', 'dpo').slice(0, -1)}`, `Basic ${tokenOf('BE', 'system')}`, `Bearer ${tokenOf('BE', 'system')}x`, 'wrong-role'),
          })
          .map(({ target, authorization }): Sent => {
            const wrongRole = target.startsWith(adapter.url) ? (target.endsWith('/notices') ? tokenOf('NL', 'officer') : tokenOf('BE', 'system')) : tokenOf('NL', 'dpo');
            return { label: 'bad or wrong token', url: target, method: target.endsWith('/notices') ? 'POST' : 'GET', headers: { authorization: authorization === 'wrong-role' ? `Bearer ${wrongRole}` : authorization }, raw: json(own), field: null };
          }),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/xml').map(
          (type): Sent => ({ label: `POST /v1/notices as ${type}`, url: ad('/v1/notices'), method: 'POST', token: tokenOf('BE', 'system'), headers: { 'content-type': type }, raw: json(validSubmission()), field: null }),
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('x'.repeat(201), 'y'.repeat(5_000)).map((key): Sent => ({ label: 'bad Idempotency-Key', url: ad('/v1/notices'), method: 'POST', token: tokenOf('BE', 'system'), headers: { 'idempotency-key': key }, raw: json(validSubmission()), field: 'Idempotency-Key' })) },
      { weight: 1, arbitrary: fc.constantFrom('/v1/nope', '/v1/notices/a/b/c', '/v1/held/a/b', '/v1/inbox/a/b/c').map((path): Sent => ({ label: 'unknown route', url: path.startsWith('/v1/inbox') ? nl(path) : ad(path), method: 'POST', token: tokenOf('BE', 'system'), raw: '{}', field: null })) },
    );

    const before: Offsets = await logEnd(WRITABLE);
    const samples = fc.sample(request, { seed: SEED, numRuns: REQUESTS });
    const byStatus = new Map<number, number>();
    const byLabel = new Map<string, number>();
    const failures: string[] = [];
    let served = 0;
    for (const [i, s] of samples.entries()) {
      const response = await fetch(s.url, {
        method: s.method,
        headers: { ...(s.token ? { authorization: `Bearer ${s.token}` } : {}), 'content-type': 'application/json', ...s.headers },
        body: s.method === 'GET' ? undefined : s.raw,
      });
      const text = await response.text();
      byStatus.set(response.status, (byStatus.get(response.status) ?? 0) + 1);
      byLabel.set(s.label.replace(/:.*/, ''), (byLabel.get(s.label.replace(/:.*/, '')) ?? 0) + 1);
      let body: { error?: unknown; problems?: unknown } = {};
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        // checked below
      }
      const problems = Array.isArray(body.problems) ? body.problems.filter((p): p is string => typeof p === 'string') : [];
      const problem =
        response.status < 400 || response.status >= 500 ? `HTTP ${response.status}`
        : typeof body.error !== 'string' || problems.length === 0 ? `no problems in the body: ${text.slice(0, 200)}`
        : problems.some((p) => p.length > 2_000) ? 'a problem of more than 2,000 characters'
        : response.status === 400 && s.field !== null && !problems.some((p) => p.includes(s.field!)) ? `no problem names ${s.field}: ${problems.join(' | ').slice(0, 300)}`
        : null;
      if (problem && failures.length < 20) failures.push(`#${i} ${s.label}: ${problem}`);
      // Normal requests are served in between.
      if (i % 1_000 === 999) {
        const status = await fetch(`${adapter.url}/v1/held`, { headers: { authorization: `Bearer ${tokenOf('BE', 'dpo')}` } });
        const inbox = await fetch(`${cp.url}/v1/inbox`, { headers: { authorization: `Bearer ${tokenOf('NL', 'officer')}` } });
        if (status.status === 200 && inbox.status === 200) served += 1;
        await status.text();
        await inbox.text();
      }
    }
    console.log(`HTTP fuzz (seed ${SEED}): ${samples.length} requests; statuses ${[...byStatus].sort().map(([s, n]) => `${s}×${n}`).join(', ')}; ${[...byLabel].map(([l, n]) => `${l} ${n}`).join(', ')}`);
    expect(failures).toEqual([]);
    expect(samples).toHaveLength(REQUESTS);
    expect(served).toBe(REQUESTS / 1_000);
    expect([...byStatus.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
    // Nothing any of them asked for was written. The contact point acknowledges (RECEIVED) copies
    // that earlier tests left in the NL and BE inboxes, on its own: those receipts are all there may be.
    const after = await logEnd(WRITABLE);
    const writtenTo = (topic: string) => (after.get(topic) ?? []).reduce((n, p) => n + Number(p.offset) - Number(before.get(topic)?.find((b) => b.partition === p.partition)?.offset ?? 0), 0);
    const cpOutboxes = [topics.outbox('NL'), topics.outbox('BE')];
    expect(WRITABLE.filter((t) => !cpOutboxes.includes(t) && writtenTo(t) > 0)).toEqual([]);
    for (const topic of cpOutboxes) {
      const count = writtenTo(topic);
      if (count === 0) continue;
      const receipts = await readTopic<EuLiaison.Receipt>(topic, 'receipt', before, { done: (rs) => rs.length >= count, timeoutMs: 10_000 });
      expect(receipts.map((r) => r.value.status), topic).toEqual(Array.from({ length: count }, () => 'RECEIVED'));
    }
  }, 600_000);
});
