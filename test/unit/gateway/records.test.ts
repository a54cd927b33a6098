/**
 * The notice processor without Kafka: records are "decoded" by a table (an injected decoder),
 * the ledger is the gateway's own in-memory one. Every kind of result and every dead-letter
 * reason the processor gives, with what it produces, audits and records in the ledger.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { LedgerBatch } from '../../../services/gateway/delivery-ledger.ts';
import { ledgerWithoutHistory, viewOf } from '../../support/ledger.ts';
import { TableDecoder } from '../../support/table-decoder.ts';
import { type InputRecord, type Processed, RecordProcessor } from '../../../services/gateway/records/records.ts';
import { loadPolicy, MAX_RECORD_BYTES } from '../../../services/policy/index.ts';
import type { Named } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { RegistryUnavailableError } from '../../../services/shared/errors.ts';
import { topics } from '../../../services/shared/topology.ts';
import { isDeadLetterCode } from '../../../services/shared/vocabulary.ts';
import { notice, suspect, victim, witness } from '../../fixtures/notices.ts';

const policy = loadPolicy();
const keys = (id: string) => Buffer.from(`test-key-${id}`.padEnd(32, '#'));
const now = Date.parse('2026-11-22T10:00:00Z');

function setup() {
  const decoder = new TableDecoder();
  const processor = new RecordProcessor(policy, keys, decoder, 'gateway-test');
  const ledger = ledgerWithoutHistory();
  let offset = 0;
  const record = (topic: string, value: Buffer | null): InputRecord => ({ topic, partition: 0, offset: String((offset += 1)), key: Buffer.from('ANR-2026-0042'), value });
  /** Processes one record the way the gateway does: in a batch, whose ledger entries are committed after. */
  const process = async (topic: string, value: Named | Error | Buffer | null): Promise<Processed> => {
    const bytes = value === null || Buffer.isBuffer(value) ? value : decoder.bytesOf(value);
    const batch: LedgerBatch = ledger.batch();
    const result = await processor.process(record(topic, bytes), now, batch);
    for (const entry of result.ledger) batch.apply(entry);
    batch.commit();
    return result;
  };
  return { processor, ledger, process, record };
}

const asNotice = (value: EuLiaison.Notice): Named => ({ name: 'notice', value });
const topicsOf = (result: Processed) => result.outgoing.map((o) => `${o.topic} ${o.name}`);

function expectDeadLettered(result: Processed, code: string): Extract<Processed, { kind: 'dead-lettered' }> {
  expect(result.kind).toBe('dead-lettered');
  if (result.kind !== 'dead-lettered') throw new Error('unreachable');
  expect(result.code).toBe(code);
  const dead = result.outgoing.find((o) => o.name === 'deadLetter');
  expect(dead?.topic).toBe(topics.dlq);
  if (dead?.name === 'deadLetter') expect(dead.value.errorCode).toBe(code);
  expect(result.audit).toMatchObject([{ action: 'DEAD_LETTER', outcome: code }]);
  return result;
}

describe('the record handlers: what becomes of each record', () => {
  it('routes a notice: a copy per destination, one report to the origin, an audit fact per decision, the report in the ledger', async () => {
    const { process, ledger } = setup();
    const n = notice({ recipients: ['NL', 'LU'] });
    const result = await process(topics.outbox('BE'), asNotice(n));
    expect(result.kind).toBe('routed');
    if (result.kind !== 'routed') return;
    expect(result.origin).toBe('BE');
    expect(result.decisions.map((d) => d.destination)).toEqual(['NL', 'LU']);
    for (const d of result.decisions) expect(['DELIVERED', 'DELIVERED_FILTERED']).toContain(d.status);
    expect(topicsOf(result)).toEqual(['liaison.inbox.NL noticeCopy', 'liaison.inbox.LU noticeCopy', 'liaison.reports.BE deliveryReport']);
    expect(result.audit.map((a) => [a.action, a.destination, a.outcome])).toEqual(result.decisions.map((d) => ['DELIVERY_DECISION', d.destination, d.status]));
    expect(result.ledger.map((e) => e.kind)).toEqual(['report']);
    expect((await viewOf(ledger, n.noticeId)).reachedDestinations(n.noticeId)).toEqual(['NL', 'LU']);
    // Rule 10: a copy names no other recipient.
    for (const out of result.outgoing) if (out.name === 'noticeCopy') expect(out.value.notice.recipients).toEqual([out.value.destination]);
  });

  it('holds a copy for the origin’s DPO under a derogation, and a held decision releases it', async () => {
    const { process, ledger } = setup();
    const n = notice({ recipients: ['CO'], subjects: [{ ...suspect, healthInformation: null }, witness, victim] });
    const routed = await process(topics.outbox('BE'), asNotice(n));
    expect(routed.kind).toBe('routed');
    expect(topicsOf(routed)).toContain(`${topics.held} noticeCopy`);
    expect(routed.ledger.map((e) => e.kind).sort()).toEqual(['held', 'report']);
    expect((await viewOf(ledger, n.noticeId)).heldCopy(n.noticeId, 'CO')).toBeDefined();

    const decision: EuLiaison.HeldDecision = { noticeId: n.noticeId, destination: 'CO', decision: 'RELEASE', decidedBy: 'dpo@BE', justification: 'Transfer necessary to prevent an imminent shipment', decidedAt: now };
    const released = await process(topics.heldDecisions, { name: 'heldDecision', value: decision });
    expect(released.kind).toBe('held-decision');
    expect(topicsOf(released)).toEqual(['liaison.inbox.CO noticeCopy', 'liaison.reports.BE deliveryReport']);
    expect(released.audit).toMatchObject([{ action: 'HELD_RELEASED', actor: 'dpo@BE', outcome: 'DELIVERED_FILTERED' }]);
    // Decided once: the copy no longer waits.
    expect((await viewOf(ledger, n.noticeId)).heldCopy(n.noticeId, 'CO')).toBeUndefined();
    expectDeadLettered(await process(topics.heldDecisions, { name: 'heldDecision', value: decision }), 'UNKNOWN_HELD_COPY');
  });

  it('relays a recipient’s receipt to the origin without the officer, and audits it with the officer', async () => {
    const { process } = setup();
    const n = notice({ recipients: ['NL'] });
    await process(topics.outbox('BE'), asNotice(n));
    const receipt: EuLiaison.Receipt = { noticeId: n.noticeId, copyId: `${n.noticeId}:NL:FULL`, recipient: 'NL', status: 'READ', at: now, by: 'analyst@NL', answerNoticeId: null, officer: 'nl-0042', justification: 'Checking the vessel against our own investigation' };
    const result = await process(topics.outbox('NL'), { name: 'receipt', value: receipt });
    expect(result).toMatchObject({ kind: 'receipt', recipient: 'NL', origin: 'BE' });
    expect(result.outgoing).toHaveLength(1);
    const [relayed] = result.outgoing;
    expect(relayed?.topic).toBe(topics.reports('BE'));
    if (relayed?.name === 'receipt') expect([relayed.value.officer, relayed.value.justification]).toEqual([null, null]);
    expect(result.audit).toMatchObject([{ action: 'CONSULTATION', actor: 'nl-0042', details: { officer: 'nl-0042' } }]);
  });

  it('delivers a provider’s forwarding permission to the recipient it names, and the ledger keeps it', async () => {
    const { process, ledger } = setup();
    const n = notice({ recipients: ['NL'] });
    await process(topics.outbox('BE'), asNotice(n));
    const permission: EuLiaison.ForwardingPermission = { permissionId: randomUUID(), noticeId: n.noticeId, provider: 'BE', grantedTo: 'NL', forwardTo: ['DE'], conditions: null, grantedBy: 'spoc@BE', grantedAt: now };
    const result = await process(topics.outbox('BE'), { name: 'forwardingPermission', value: permission });
    expect(result.kind).toBe('permission');
    expect(topicsOf(result)).toEqual(['liaison.inbox.NL forwardingPermission']);
    expect(result.ledger).toEqual([{ kind: 'permission', permission }]);
    expect(ledger.permission(permission.permissionId)).toEqual({ provider: 'BE', grantedTo: 'NL', noticeId: n.noticeId });
  });

  it('ignores a resubmission of the same notice by the same origin: nothing produced, one audit fact', async () => {
    const { process } = setup();
    const n = notice();
    await process(topics.outbox('BE'), asNotice(n));
    const again = await process(topics.outbox('BE'), asNotice(n));
    expect(again.kind).toBe('duplicate');
    expect(again.outgoing).toEqual([]);
    expect(again.ledger).toEqual([]);
    expect(again.audit).toMatchObject([{ action: 'DUPLICATE_IGNORED', outcome: 'IGNORED' }]);
  });

  it('waits (throws) when the registry is unreachable: the record is never dead-lettered for it', async () => {
    const { process } = setup();
    await expect(process(topics.outbox('BE'), new RegistryUnavailableError('schema id 7: connect ECONNREFUSED'))).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});

describe('the record handlers: every dead-letter reason', () => {
  const cases: Array<[string, (s: ReturnType<typeof setup>) => Promise<Processed>, boolean]> = [
    ['UNKNOWN_TOPIC', (s) => s.process('liaison.outbox.ZZ', asNotice(notice())), false],
    ['TOO_LARGE', (s) => s.process(topics.outbox('BE'), Buffer.alloc(MAX_RECORD_BYTES + 1)), false],
    ['DECODE_FAILED', (s) => s.process(topics.outbox('BE'), Buffer.from('not avro')), false],
    ['DECODE_FAILED', (s) => s.process(topics.outbox('BE'), { name: 'deliveryReport', value: { noticeId: 'x', caseRef: 'x', origin: 'BE', policyVersion: 'v', correctionOf: null, processedAt: now, destinations: [] } }), false],
    ['ORIGIN_MISMATCH', (s) => s.process(topics.outbox('BE'), asNotice(notice({ sender: { country: 'NL', agency: 'Politie', contactPoint: 'LIV', onBehalfOf: null } }))), true],
    ['INVALID_NOTICE', (s) => s.process(topics.outbox('BE'), asNotice(notice({ recipients: ['NL', 'NL'] }))), true],
    ['UNKNOWN_CASE', (s) => s.process(topics.outbox('BE'), asNotice(notice({ correction: { of: randomUUID(), action: 'WITHDRAW', reason: 'Entered in error' } }))), true],
    [
      'DUPLICATE_ID',
      async (s) => {
        const n = notice({ recipients: ['NL'] });
        await s.process(topics.outbox('BE'), asNotice(n));
        return s.process(topics.outbox('NL'), asNotice({ ...n, sender: { ...n.sender, country: 'NL' }, recipients: ['BE'] }));
      },
      false, // the notice id is BE's: NL hears of it from the dead letter, not in a report about BE's notice

    ],
    ['ORIGIN_MISMATCH', (s) => s.process(topics.outbox('NL'), { name: 'receipt', value: { noticeId: randomUUID(), copyId: 'c', recipient: 'DE', status: 'RECEIVED', at: now, by: null, answerNoticeId: null, officer: null, justification: null } }), false],
    ['UNKNOWN_CASE', (s) => s.process(topics.outbox('NL'), { name: 'receipt', value: { noticeId: randomUUID(), copyId: 'c', recipient: 'NL', status: 'RECEIVED', at: now, by: null, answerNoticeId: null, officer: null, justification: null } }), false],
    ['UNKNOWN_CASE', (s) => s.process(topics.outbox('BE'), { name: 'forwardingPermission', value: { permissionId: randomUUID(), noticeId: randomUUID(), provider: 'BE', grantedTo: 'NL', forwardTo: ['DE'], conditions: null, grantedBy: 'spoc@BE', grantedAt: now } }), false],
    [
      'INVALID_RECEIPT',
      async (s) => {
        const n = notice({ recipients: ['NL'] });
        await s.process(topics.outbox('BE'), asNotice(n));
        return s.process(topics.outbox('NL'), { name: 'receipt', value: { noticeId: n.noticeId, copyId: 'c'.repeat(3_000), recipient: 'NL', status: 'RECEIVED', at: now, by: null, answerNoticeId: null, officer: null, justification: null } });
      },
      false,
    ],
    [
      'INVALID_PERMISSION',
      async (s) => {
        const n = notice({ recipients: ['NL'] });
        await s.process(topics.outbox('BE'), asNotice(n));
        return s.process(topics.outbox('BE'), { name: 'forwardingPermission', value: { permissionId: randomUUID(), noticeId: n.noticeId, provider: 'BE', grantedTo: 'NL', forwardTo: ['BE'], conditions: null, grantedBy: 'spoc@BE', grantedAt: now } });
      },
      false,
    ],
    ['INVALID_HELD_DECISION', (s) => s.process(topics.heldDecisions, { name: 'heldDecision', value: { noticeId: randomUUID(), destination: 'CO', decision: 'RELEASE', decidedBy: 'dpo@BE', justification: '\u200b\u200b', decidedAt: now } }), false],
  ];

  it.each(cases)('%s', async (code, run, reportsToOrigin) => {
    const result = expectDeadLettered(await run(setup()), code);
    // The origin hears of a refused notice in its reports topic; a record that is not a readable notice only goes to the DLQ.
    const report = result.outgoing.find((o) => o.name === 'deliveryReport');
    expect(report !== undefined).toBe(reportsToOrigin);
    if (report?.name === 'deliveryReport') {
      expect(report.topic).toBe(topics.reports(report.value.origin));
      expect(report.value.destinations.every((d) => d.status === 'REJECTED' && d.reasons[0]!.startsWith(`${code}:`))).toBe(true);
    }
  });

  it('gives only codes of the one vocabulary, and each handler only the codes it declares', async () => {
    const { processor } = setup();
    const handlers = Object.values((processor as unknown as { handlers: Record<string, { schema: string; reasons: readonly string[] }> }).handlers);
    expect(handlers.map((h) => h.schema).sort()).toEqual(['forwardingPermission', 'heldDecision', 'indexLookup', 'notice', 'notice', 'policyReview', 'receipt']);
    for (const h of handlers) for (const code of h.reasons) expect(isDeadLetterCode(code), code).toBe(true);
    for (const [code] of cases) expect(isDeadLetterCode(code), code).toBe(true);
    // The records of one kind no longer share a code: a dead letter says which kind failed its checks.
    const invalid = handlers.flatMap((h) => h.reasons.filter((c) => c.startsWith('INVALID_')));
    expect(new Set(invalid).size).toBe(new Set(handlers.map((h) => h.schema)).size);
  });

  it.each(['PROCESSING_FAILED', 'POISON_RECORD', 'TOO_LARGE'] as const)('%s, decided by the gateway: the original bytes go with the reason', (code) => {
    const { processor, record } = setup();
    const original = record(topics.outbox('BE'), Buffer.from('the original bytes'));
    const result = expectDeadLettered(processor.deadLetter(original, now, code, 'x'.repeat(5_000)), code);
    const dead = result.outgoing[0];
    if (dead?.name !== 'deadLetter') throw new Error('no dead letter');
    expect(dead.value.value).toEqual(Buffer.from('the original bytes'));
    expect(dead.value.reason).toBe(`${'x'.repeat(1_000)}…`);
    expect(result.origin).toBe('BE');
  });
});

describe('the record handlers: index lookups (liaison.lookups)', () => {
  const hash = (c: string) => c.repeat(64);
  const lookup = (over: Partial<EuLiaison.IndexLookup> = {}): Named => ({
    name: 'indexLookup',
    value: {
      lookupId: randomUUID(),
      agreement: 'be-nl-cross-border',
      asker: 'BE',
      askedBy: 'system@BE (be-system-test)',
      purpose: 'ATM gas attack Hasselt, 14 November: phone seen on the getaway car',
      caseRef: 'BE-ATM-2026-117',
      keyEpoch: 1,
      identifiers: [
        { identifierType: 'PHONE', hash: hash('a'), hits: [{ holder: 'NL', reference: 'NL-IDX-0042' }] },
        { identifierType: 'LICENCE_PLATE', hash: hash('b'), hits: [] },
      ],
      askedAt: now,
      ...over,
    },
  });

  it('audits a lookup with its purpose and hashes, and a hit per holder naming its references; nothing is delivered', async () => {
    const { process } = setup();
    const result = await process(topics.lookups, lookup());
    expect(result.kind).toBe('lookup');
    if (result.kind !== 'lookup') return;
    expect(result.outgoing).toEqual([]);
    expect(result.hits).toBe(1);
    expect(result.audit.map((a) => [a.action, a.origin, a.destination, a.outcome, a.actor])).toEqual([
      ['INDEX_LOOKUP', 'BE', null, 'HIT', 'system@BE (be-system-test)'],
      ['INDEX_HIT', 'BE', 'NL', 'HIT', 'system@BE (be-system-test)'],
    ]);
    expect(result.audit[0]).toMatchObject({ caseRef: 'BE-ATM-2026-117', noticeId: null, details: { agreement: 'be-nl-cross-border', identifiers: '2', hits: '1', hashes: `PHONE:${hash('a')},LICENCE_PLATE:${hash('b')}` } });
    expect(result.audit[0]!.details.purpose).toMatch(/^ATM gas attack/);
    expect(result.audit[1]!.details).toMatchObject({ references: 'NL-IDX-0042', hashes: `PHONE:${hash('a')}` });
  });

  it('audits a lookup without hits as NO_HIT, with no INDEX_HIT', async () => {
    const { process } = setup();
    const result = await process(topics.lookups, lookup({ identifiers: [{ identifierType: 'IBAN', hash: hash('c'), hits: [] }] }));
    expect(result.audit.map((a) => [a.action, a.outcome])).toEqual([['INDEX_LOOKUP', 'NO_HIT']]);
  });

  it('dead-letters a lookup by a non-member, in an agreement without an index, with a clear value, a blank purpose or a hit of the asker itself', async () => {
    const { process } = setup();
    const reasonOf = async (over: Partial<EuLiaison.IndexLookup>) => {
      const result = expectDeadLettered(await process(topics.lookups, lookup(over)), 'INVALID_LOOKUP');
      return result.reason;
    };
    expect(await reasonOf({ asker: 'FR' })).toContain('asker: FR is not a member of be-nl-cross-border');
    expect(await reasonOf({ agreement: 'hazeldonk' })).toContain('agreement: "hazeldonk" has no hit/no-hit index');
    const clear = await reasonOf({ identifiers: [{ identifierType: 'PHONE', hash: '+32470123456', hits: [] }] });
    expect(clear).toContain('identifiers[0].hash: not 64 lower-case hex digits');
    expect(clear).not.toContain('470123456');
    expect(await reasonOf({ purpose: '   ' })).toContain('purpose');
    expect(await reasonOf({ identifiers: [{ identifierType: 'PHONE', hash: hash('a'), hits: [{ holder: 'BE', reference: 'x' }] }] })).toContain('identifiers[0].hits[0].holder: "BE" is not another member');
    expect(await reasonOf({ asker: 'XX' })).toContain('asker: "XX" is not a known party');
  });

  it('dead-letters what is not a lookup on liaison.lookups, or not a review on liaison.policy.reviews, with the decoder\'s reason', async () => {
    const { process } = setup();
    const notLookup = expectDeadLettered(await process(topics.lookups, asNotice(notice())), 'DECODE_FAILED');
    expect(notLookup.reason).toContain('cannot be read as indexLookup');
    expectDeadLettered(await process(topics.policyReviews, lookup()), 'DECODE_FAILED');
  });
});

describe('the record handlers: policy reviews (liaison.policy.reviews)', () => {
  const review = (over: Partial<EuLiaison.PolicyReview> = {}): Named => ({
    name: 'policyReview',
    value: {
      reviewId: randomUUID(),
      fromVersion: '00112233445566aa',
      toVersion: policy.version,
      fromRef: 'HEAD~1',
      since: now - 30 * 86_400_000,
      notices: 1_250,
      deliveries: 3_100,
      changes: 42,
      byAgreement: { 'be-nl-cross-border → benelux-police-treaty': 40, 'hazeldonk': 2 },
      reportSha256: 'c'.repeat(64),
      reviewedBy: 'dpo@BE',
      reviewedAt: now,
      ...over,
    },
  });

  it('audits a review of the version in force as POLICY_REVIEWED, IN_FORCE, by the reviewer, with its summary; another version as RECORDED', async () => {
    const { process } = setup();
    const result = await process(topics.policyReviews, review());
    expect(result.kind).toBe('policy-review');
    expect(result.outgoing).toEqual([]);
    expect(result.audit).toMatchObject([{ action: 'POLICY_REVIEWED', outcome: 'IN_FORCE', actor: 'dpo@BE', origin: null, details: { toVersion: policy.version, changes: '42', reportSha256: 'c'.repeat(64), fromRef: 'HEAD~1' } }]);
    expect(JSON.parse(result.audit[0]!.details.byAgreement!)).toEqual({ 'be-nl-cross-border → benelux-police-treaty': 40, hazeldonk: 2 });
    expect((await process(topics.policyReviews, review({ toVersion: 'ffeeddccbbaa9988' }))).audit[0]!.outcome).toBe('RECORDED');
  });

  it('dead-letters a review without a reviewer or with versions that are not versions', async () => {
    const { process } = setup();
    const result = expectDeadLettered(await process(topics.policyReviews, review({ reviewedBy: ' ', toVersion: 'latest', reportSha256: 'x' })), 'INVALID_POLICY_REVIEW');
    expect(result.reason).toContain('reviewedBy');
    expect(result.reason).toContain('toVersion: not a policy version');
    expect(result.reason).toContain('reportSha256: not a SHA-256');
  });
});
