/**
 * Hostile input from authenticated parties, on the real stack: a country's own token or
 * principal must never touch another country's notice, never make a service answer 5xx, and
 * never stop the exchange for everyone. Each finding of the hostile-input review has its test;
 * a seeded fuzz run closes with the exchange still delivering.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import { topics } from '../../../services/shared/topology.ts';
import type { StatusView } from '../../../services/national-adapter/notice-status.ts';
import { notice } from '../../fixtures/notices.ts';
import { unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, policy, readTopic, startGateway, submit, type Offsets, type RunningGateway } from '../../support/flow.ts';
import { api, startAdapter, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';
import type { ContactPoint } from '../../../services/contact-point/contact-point.ts';

type Notice = EuLiaison.Notice;
type Problem = { error: string; problems: string[] };

const PARTIES = [...policy.parties.keys()];
/** Everything a refused request could have written: every outbox and the DPO decisions. */
const WRITABLE = [...PARTIES.map(topics.outbox), topics.heldDecisions];

let gateway: RunningGateway;
let adapter: RunningService;
let cp: RunningService & { contactPoint: ContactPoint };

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  adapter = await startAdapter();
  cp = await startContactPoint(['NL', 'DE', 'FR', 'BE']);
}, 180_000);

afterAll(async () => {
  await cp?.stop();
  await adapter?.stop();
  await gateway?.stop();
});

/** What a national system sends: the adapter fills in noticeId, createdAt and sender.country. */
function submission(overrides: Partial<Notice> = {}): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = notice({ caseRef: unique('HOSTILE'), ...overrides });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

const post = <T = Problem>(path: string, country: string, role: 'system' | 'dpo', body: unknown) => api<T>(`${adapter.url}${path}`, tokenOf(country, role), { body });
const officer = <T = Problem>(path: string, country: string, body?: unknown, headers: Record<string, string> = {}) =>
  api<T>(`${cp.url}${path}`, tokenOf(country, 'officer'), { body, headers });

async function processed(noticeId: string, origin: string): Promise<StatusView> {
  return retryUntil(
    async () => {
      const { status, body } = await api<StatusView>(`${adapter.url}/v1/notices/${noticeId}`, tokenOf(origin, 'system'));
      if (status !== 200 || body.state !== 'PROCESSED') throw new Error(`notice ${noticeId}: ${status} ${body.state}`);
      return body;
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

/** Records written to any outbox or the decisions topic since `from`. */
async function writtenSince(from: Offsets): Promise<number> {
  const now = await logEnd(WRITABLE);
  let count = 0;
  for (const [topic, partitions] of now) {
    const before = new Map((from.get(topic) ?? []).map((p) => [p.partition, Number(p.offset)]));
    for (const p of partitions) count += Number(p.offset) - (before.get(p.partition) ?? 0);
  }
  return count;
}

async function inInbox(country: string, noticeId: string): Promise<void> {
  await retryUntil(
    async () => {
      const { status } = await officer(`/v1/inbox/${noticeId}`, country, undefined, { 'x-justification': 'hostile-input test: check arrival' });
      if (status !== 200) throw new Error(`${country} inbox: ${noticeId} not there (${status})`);
    },
    { timeoutMs: 20_000, intervalMs: 200 },
  );
}

async function accepted(origin: string, body: Record<string, unknown>): Promise<string> {
  const r = await post<{ noticeId: string }>('/v1/notices', origin, 'system', body);
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.noticeId;
}

describe('ownership: no country acts on another country’s notice', () => {
  it('refuses a forged withdrawal, reply or provenance before anything is recorded, and the victim’s view stays clean', async () => {
    const original = await accepted('BE', submission({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    // Quiet first: NL's RECEIVED receipt of the original is out, and no copy waits for one.
    await retryUntil(
      async () => {
        const view = await processed(original, 'BE');
        if (!view.destinations[0]?.receipts.some((r) => r.status === 'RECEIVED')) throw new Error('NL has not acknowledged the original yet');
        if (!(await cp.contactPoint.settled())) throw new Error('the contact point still acknowledges copies');
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
    const before = await logEnd(WRITABLE);

    const attempts: Array<[string, string, Record<string, unknown>, RegExp]> = [
      ['withdrawal in the body', 'NL', submission({ recipients: ['BE'], crimeAreas: ['ATM_ATTACKS'], correction: { of: original, action: 'WITHDRAW', reason: 'forged by NL' } }), /correction\.of: no notice .* of NL/],
      ['reply to a notice never received', 'FR', submission({ kind: 'RESPONSE', inReplyTo: original, recipients: ['BE'], crimeAreas: ['DRUG_TOURISM'] }), /inReplyTo: FR sent or received no notice/],
      ['provenance from a country that never sent it', 'NL', submission({ recipients: ['BE'], crimeAreas: ['ATM_ATTACKS'], receivedFrom: [{ country: 'FR', noticeId: original, onwardTransferAuthorisation: null }] }), /receivedFrom\[0\]: NL received no notice .* from FR/],
      ['provenance of a notice never received', 'DE', submission({ recipients: ['FR'], crimeAreas: ['COCAINE_TRAFFICKING'], receivedFrom: [{ country: 'BE', noticeId: original, onwardTransferAuthorisation: null }] }), /receivedFrom\[0\]: DE received no notice/],
      ['an invented authorisation', 'NL', submission({ recipients: ['US'], crimeAreas: ['COCAINE_TRAFFICKING'], receivedFrom: [{ country: 'BE', noticeId: original, onwardTransferAuthorisation: randomUUID() }] }), /onwardTransferAuthorisation: BE recorded no permission/],
    ];
    for (const [what, country, body, problem] of attempts) {
      const r = await post('/v1/notices', country, 'system', body);
      expect(r.status, what).toBe(404);
      expect(r.body.problems.join('; '), what).toMatch(problem);
    }
    const viaRoute = await post(`/v1/notices/${original}/corrections`, 'NL', 'system', { action: 'WITHDRAW', reason: 'forged by NL' });
    expect(viaRoute.status).toBe(404);
    expect(await writtenSince(before)).toBe(0);

    // The same withdrawal produced straight to NL's outbox: the gateway dead-letters it, and BE's view does not list it.
    const dlqFrom = await logEnd([topics.dlq]);
    const forged = notice({ sender: { country: 'NL', agency: 'x', contactPoint: 'x', onBehalfOf: null }, recipients: ['BE'], crimeAreas: ['ATM_ATTACKS'], correction: { of: original, action: 'WITHDRAW', reason: 'forged by NL' } });
    await submit('NL', forged);
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', dlqFrom, { done: (r) => r.some((d) => d.value.topic === topics.outbox('NL') && d.value.reason.includes(original)) });
    expect(dead.find((d) => d.value.reason.includes(original))!.value).toMatchObject({ errorCode: 'UNKNOWN_CASE', reason: expect.stringContaining(`correction.of: no notice ${original} of NL`) });
    await processed(forged.noticeId, 'NL'); // NL's own REJECTED report
    const victim = await processed(original, 'BE');
    expect(victim.corrections).toEqual([]);
    expect(victim.destinations.map((d) => d.destination)).toEqual(['NL']);
    expect(['DELIVERED', 'DELIVERED_FILTERED']).toContain(victim.destinations[0]!.status);
  });
});

describe('bounds: one request cannot stop the exchange', () => {
  it('refuses a forward to 10,000 × DE and every malformed list; the same straight to an outbox is dead-lettered in bounded work, and the next notice is delivered', async () => {
    const shared = notice({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], caseRef: unique('FWD') });
    await submit('BE', shared);
    await inInbox('NL', shared.noticeId);
    const before = await logEnd(WRITABLE);
    const refusals: Array<[unknown, RegExp]> = [
      [Array(10_000).fill('DE'), /to: must NOT have more than 40 items/],
      [['de'], /to\[0\]: "de" is not a known party/],
      [['D\u0000E'], /to\[0\]: ".*" is not a known party/],
      [['XX'], /to\[0\]: "XX" is not a known party/],
      [['NL'], /to\[0\]: "NL" is the sender's own country/],
      [['BE'], /to\[0\]: "BE" is the provider of the notice/],
      [['DE', 'FR', 'DE'], /to\[2\]: "DE" listed twice/],
    ];
    for (const [to, problem] of refusals) {
      const r = await officer(`/v1/inbox/${shared.noticeId}/forward`, 'NL', { to });
      expect(r.status, JSON.stringify(to).slice(0, 40)).toBe(400);
      expect(r.body.problems.join('; ')).toMatch(problem);
      expect(JSON.stringify(r.body).length).toBeLessThan(10_000);
    }
    expect(await writtenSince(before)).toBe(0);

    // Straight to NL's outbox: 10,000 recipients. Bounded reason, one REJECTED line, no aborted transaction.
    const aborts = async () => (await gateway.metrics.getSingleMetric('liaison_gateway_transaction_aborts_total')!.get()).values[0]?.value ?? 0;
    const abortedBefore = await aborts();
    const from = await logEnd([topics.dlq, topics.reports('NL'), topics.inbox('NL')]);
    const flood = notice({ sender: { country: 'NL', agency: 'x', contactPoint: 'x', onBehalfOf: null }, recipients: Array(10_000).fill('DE'), caseRef: unique('FLOOD') });
    const next = notice({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], caseRef: unique('NEXT') });
    const started = Date.now();
    await submit('NL', flood);
    await submit('BE', next);
    const [dead] = (await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: (r) => r.some((d) => d.value.topic === topics.outbox('NL')) })).filter((d) => d.value.topic === topics.outbox('NL'));
    expect(dead!.value.errorCode).toBe('INVALID_NOTICE');
    expect(dead!.value.reason).toBe('recipients: 10000 items, at most 40');
    const reports = await readTopic<EuLiaison.DeliveryReport>(topics.reports('NL'), 'deliveryReport', from, { principal: 'NL', done: (r) => r.some((x) => x.value.noticeId === flood.noticeId) });
    const rejected = reports.find((x) => x.value.noticeId === flood.noticeId)!.value;
    expect(rejected.destinations).toEqual([expect.objectContaining({ destination: 'DE', status: 'REJECTED', reasons: ['INVALID_NOTICE: recipients: 10000 items, at most 40'] })]);
    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => r.some((c) => c.value.notice.noticeId === next.noticeId) });
    expect(copies.filter((c) => c.value.notice.noticeId === next.noticeId)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await aborts()).toBe(abortedBefore);
  });

  it.each([
    ['expiresAt', { expiresAt: 1e20 }, /expiresAt: must be <= 253402300799999/],
    ['reviewBy', { reviewBy: 1e20 }, /reviewBy: must be <= 253402300799999/],
    ['a timestamp no date can show', { expiresAt: 9e15 }, /expiresAt: must be <= 253402300799999/],
    ['seizures[].units', { seizures: [{ substance: 'cocaine', quantityKg: null, units: 1e20, place: null, date: null }] }, /seizures\[0\]\.units: must be <= 9007199254740991/],
    ['a negative quantity', { seizures: [{ substance: 'cocaine', quantityKg: -5, units: null, place: null, date: null }] }, /seizures\[0\]\.quantityKg: negative/],
    ['month 13', { subjects: [{ ...notice().subjects[0]!, dateOfBirth: '1987-13-45' }] }, /subjects\[0\]\.dateOfBirth: not a calendar date/],
    ['day zero', { subjects: [{ ...notice().subjects[0]!, dateOfBirth: '0000-00-00' }] }, /subjects\[0\]\.dateOfBirth: year 0 is out of range/],
    ['30 February', { seizures: [{ substance: 'cocaine', quantityKg: 2, units: null, place: null, date: '2026-02-30' }] }, /seizures\[0\]\.date: not a calendar date/],
    ['10,000 crime areas', { crimeAreas: Array(10_000).fill('CANNABIS') }, /crimeAreas: must NOT have more than 40 items/],
    ['a crime area twice', { crimeAreas: ['CANNABIS', 'CANNABIS'] }, /crimeAreas\[1\]: CANNABIS listed twice/],
    ['10,000 phone numbers', { subjects: [{ ...notice().subjects[0]!, phoneNumbers: Array(10_000).fill('+32 470 12 34 56') }] }, /subjects\[0\]\.phoneNumbers: must NOT have more than 20 items/],
    ['a summary of 30,000 characters', { summary: 'x'.repeat(30_000) }, /summary: must NOT have more than 20000 characters/],
    ['an invisible H3 text', { handling: { code: 'H3', h3Text: '\u200b\u200b\u00a0', processingConditions: [] } }, /handling\.h3Text: required, and must contain visible text/],
  ])('answers 400 naming the field, never 500: %s', async (_what, overrides, problem) => {
    const before = await logEnd(WRITABLE);
    const r = await post('/v1/notices', 'BE', 'system', submission(overrides as Partial<Notice>));
    expect(r.status).toBe(400);
    expect(r.body.problems.join('; ')).toMatch(problem);
    expect(r.body.problems.length).toBeLessThanOrEqual(51);
    expect(await writtenSince(before)).toBe(0);
  });

  it('lists the schema and the meaning problems of a body in one 400', async () => {
    const body = submission({ subjects: [{ ...notice().subjects[0]!, dateOfBirth: '1987-13-45' }], crimeAreas: ['CANNABIS', 'CANNABIS'] });
    const r = await post('/v1/notices', 'BE', 'system', { ...body, priority: 'SOON' });
    expect(r.status).toBe(400);
    expect(r.body.problems).toEqual(expect.arrayContaining(['priority: must be one of ROUTINE, URGENT', 'subjects[0].dateOfBirth: not a calendar date (month 13, day 45)', 'crimeAreas[1]: CANNABIS listed twice']));
  });

  it('refuses blank and invisible reasons, and permissions for 10,000 destinations', async () => {
    const own = await accepted('BE', submission({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    await processed(own, 'BE');
    const before = await logEnd(WRITABLE);
    const cases: Array<[string, string, 'system' | 'dpo', unknown, RegExp]> = [
      [`/v1/held/${own}/CO/release`, 'BE', 'dpo', { justification: '            ' }, /justification: required, and must contain visible text/],
      [`/v1/held/${own}/CO/reject`, 'BE', 'dpo', { justification: '\u200b'.repeat(20) }, /justification: required, and must contain visible text/],
      [`/v1/notices/${own}/corrections`, 'BE', 'system', { action: 'WITHDRAW', reason: '\u200b\u2060' }, /reason: required, and must contain visible text/],
      [`/v1/notices/${own}/permissions`, 'BE', 'system', { grantedTo: 'NL', forwardTo: Array(10_000).fill('DE') }, /forwardTo: must NOT have more than 40 items/],
      [`/v1/notices/${own}/permissions`, 'BE', 'system', { grantedTo: 'NL', forwardTo: ['DE', 'DE'] }, /forwardTo\[1\]: "DE" listed twice/],
      [`/v1/notices/${own}/permissions`, 'BE', 'system', { grantedTo: 'NL', forwardTo: ['BE'] }, /forwardTo\[0\]: "BE" is the provider itself/],
    ];
    for (const [path, country, role, body, problem] of cases) {
      const r = await post(path, country, role, body);
      expect(r.status, path).toBe(400);
      expect(r.body.problems.join('; '), path).toMatch(problem);
    }
    const consult = await officer(`/v1/inbox/${own}?justification=${encodeURIComponent('\u200b'.repeat(6))}`, 'NL');
    expect(consult.status).toBe(400);
    expect(await writtenSince(before)).toBe(0);
  });
});

describe('a seeded fuzz run over every route with other countries’ tokens and ids', () => {
  it('never answers 5xx, never records a refused request, and the exchange still delivers', async () => {
    const beNotice = await accepted('BE', submission({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    const nlNotice = await accepted('NL', submission({ recipients: ['BE'], crimeAreas: ['ATM_ATTACKS'] }));
    await processed(beNotice, 'BE');
    await processed(nlNotice, 'NL');
    await inInbox('NL', beNotice);
    await inInbox('BE', nlNotice);
    const owned = [
      { id: beNotice, origin: 'BE', recipient: 'NL' },
      { id: nlNotice, origin: 'NL', recipient: 'BE' },
    ];
    const junk = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.constantFrom(1e20, -1e20, 9e15, 0.5, null, true, [], {}, '', '\u0000', '\u200b'.repeat(10), 'x'.repeat(25_000)),
      fc.array(fc.string({ maxLength: 5 }), { maxLength: 50 }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a', 'of', 'to'), fc.string({ maxLength: 5 })),
    );
    const field = fc.constantFrom('summary', 'recipients', 'crimeAreas', 'expiresAt', 'reviewBy', 'caseRef', 'purpose', 'subjects', 'seizures', 'handling', 'priority', 'kind', 'legalBasis', 'sender');
    const request = fc.oneof(
      // A notice that names another country's notice, with junk in some fields.
      fc.record({
        route: fc.constant('submit' as const),
        target: fc.constantFrom(...owned),
        reference: fc.constantFrom('correction', 'inReplyTo', 'receivedFrom'),
        mutations: fc.array(fc.tuple(field, junk), { maxLength: 3 }),
      }),
      fc.record({
        route: fc.constantFrom('status' as const, 'correct' as const, 'permit' as const, 'decide' as const, 'read' as const, 'reply' as const, 'refuse' as const, 'forward' as const, 'acknowledge' as const),
        target: fc.constantFrom(...owned, { id: randomUUID(), origin: 'BE', recipient: 'NL' }),
        body: junk,
        valid: fc.boolean(),
      }),
    ).chain((r) => fc.record({ r: fc.constant(r), caller: fc.constantFrom(...PARTIES.filter((p) => p !== r.target.origin && p !== r.target.recipient)) }));

    const before = await logEnd(WRITABLE);
    const statuses = new Map<number, number>();
    const samples = fc.sample(request, { seed: 20261130, numRuns: 1_500 });
    for (const { r, caller } of samples) {
      // Always a country that neither sent nor received the notice.
      const who = caller;
      let status: number;
      if (r.route === 'submit') {
        const body = submission({ recipients: [r.target.origin], crimeAreas: ['ATM_ATTACKS'] });
        if (r.reference === 'correction') body.correction = { of: r.target.id, action: 'WITHDRAW', reason: 'fuzz' };
        if (r.reference === 'inReplyTo') Object.assign(body, { kind: 'RESPONSE', inReplyTo: r.target.id });
        if (r.reference === 'receivedFrom') body.receivedFrom = [{ country: r.target.origin, noticeId: r.target.id, onwardTransferAuthorisation: null }];
        for (const [name, value] of r.mutations) body[name] = value;
        status = (await post('/v1/notices', who, 'system', body)).status;
      } else {
        const body = r.valid ? { action: 'WITHDRAW', reason: 'fuzz', grantedTo: r.target.recipient, forwardTo: ['DE'], justification: 'fuzzing the decision route', summary: 'fuzz', ground: 'NATIONAL_SECURITY', explanation: 'fuzz', to: ['LU'] } : r.body;
        const id = r.target.id;
        status = await (async () => {
          switch (r.route) {
            case 'status': return (await api(`${adapter.url}/v1/notices/${id}`, tokenOf(who, 'system'))).status;
            case 'correct': return (await post(`/v1/notices/${id}/corrections`, who, 'system', r.valid ? { action: 'WITHDRAW', reason: 'fuzz' } : body)).status;
            case 'permit': return (await post(`/v1/notices/${id}/permissions`, who, 'system', r.valid ? { grantedTo: r.target.recipient, forwardTo: ['DE'] } : body)).status;
            case 'decide': return (await post(`/v1/held/${id}/${r.target.recipient}/release`, who, 'dpo', r.valid ? { justification: 'fuzzing the decision route' } : body)).status;
            case 'read': return (await officer(`/v1/inbox/${id}`, who, undefined, { 'x-justification': 'fuzzing the consultation route' })).status;
            case 'reply': return (await officer(`/v1/inbox/${id}/reply`, who, r.valid ? { summary: 'fuzz' } : body)).status;
            case 'refuse': return (await officer(`/v1/inbox/${id}/refuse`, who, r.valid ? { ground: 'NATIONAL_SECURITY', explanation: 'fuzz' } : body)).status;
            case 'forward': return (await officer(`/v1/inbox/${id}/forward`, who, r.valid ? { to: ['LU'] } : body)).status;
            case 'acknowledge': return (await officer(`/v1/inbox/${id}/acknowledge`, who, body)).status;
          }
        })();
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect(status, `${r.route} as ${who}`).toBeGreaterThanOrEqual(400);
      expect(status, `${r.route} as ${who}`).toBeLessThan(500);
    }
    expect(samples).toHaveLength(1_500);
    expect(statuses.get(404)).toBeGreaterThan(100);
    expect(await writtenSince(before)).toBe(0);

    // The exchange goes on: a normal notice through the adapter reaches its recipient.
    const after = await accepted('BE', submission({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    await inInbox('NL', after);
  });
});
