/**
 * Fuzzing the outboxes, on the real stack: 1,000 seeded random and mutated payloads produced
 * straight to BE's outbox with BE's own principal (broken bytes behind a valid schema id,
 * unknown schema ids, truncated and padded records, records beyond the size limit, forged
 * senders, unknown recipients, corrections of another country's notice, receipts for notices
 * never received), interleaved with valid notices. Every hostile record reaches liaison.dlq
 * with its reason, the gateway stays ready, and every valid notice around them is delivered.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECORD_BYTES } from '../../../services/policy/index.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { partyKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, registry, startGateway, submit, type RunningGateway } from '../../support/flow.ts';

const FUZZ_CASES = 1_000;
const SEED = 20261130;

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
}, 120_000);
afterAll(async () => gateway?.stop());

type Case = { kind: string; expected: string; build: (valid: Buffer, key: string) => Promise<Buffer> | Buffer };

/** The wire header of `schemaId` (magic byte 0, the id big endian) before `body`. */
const framed = (schemaId: number, body: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

describe('fuzzing an outbox with a country’s own principal', () => {
  it(`dead-letters each of ${FUZZ_CASES} hostile records with its reason and delivers every valid notice around them`, async () => {
    const run = unique('FUZZ');
    const encode = (n: EuLiaison.Notice) => registry().encode(topics.outbox('BE'), 'notice', n);
    const encodeReceipt = (r: EuLiaison.Receipt) => registry().encode(topics.outbox('BE'), 'receipt', r);
    // A notice of NL's that BE did not receive: the target of a forged correction and receipt.
    const theirs = notice({ caseRef: `${run}-NL`, sender: { country: 'NL', agency: 'Politie', contactPoint: 'LIV', onBehalfOf: null }, recipients: ['DE'] });
    await submit('NL', theirs);

    const cases: Case[] = [
      { kind: 'truncated', expected: 'DECODE_FAILED', build: (valid) => valid.subarray(0, 5 + Math.floor((valid.length - 5) * 0.7)) },
      { kind: 'trailing bytes', expected: 'DECODE_FAILED', build: (valid) => Buffer.concat([valid, Buffer.from([0x02, 0x41, 0x42])]) },
      { kind: 'valid schema id, random body', expected: 'DECODE_FAILED', build: (valid) => Buffer.concat([valid.subarray(0, 5), Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])]) },
      { kind: 'unknown schema id', expected: 'DECODE_FAILED', build: (valid) => framed(2_000_000_000, valid.subarray(5)) },
      { kind: 'not the wire format', expected: 'DECODE_FAILED', build: (valid) => Buffer.concat([Buffer.from([0x7b]), valid.subarray(1)]) },
      { kind: 'empty', expected: 'DECODE_FAILED', build: () => Buffer.alloc(0) },
      { kind: 'forged sender', expected: 'ORIGIN_MISMATCH', build: (_, key) => encode(notice({ caseRef: key, sender: { country: 'NL', agency: 'Politie', contactPoint: 'LIV', onBehalfOf: null } })) },
      { kind: 'unknown recipients', expected: 'INVALID_NOTICE', build: (_, key) => encode(notice({ caseRef: key, recipients: ['NL', 'XX', 'ZZ'] })) },
      { kind: 'correction of another country’s notice', expected: 'UNKNOWN_CASE', build: (_, key) => encode(notice({ caseRef: key, correction: { of: theirs.noticeId, action: 'WITHDRAW', reason: 'Entered in error' } })) },
      {
        kind: 'receipt for a notice never received',
        expected: 'UNKNOWN_CASE',
        build: () => encodeReceipt({ noticeId: theirs.noticeId, copyId: `${theirs.noticeId}:BE:FULL`, recipient: 'BE', status: 'READ', at: Date.now(), by: 'analyst@BE', answerNoticeId: null, officer: null, justification: null }),
      },
      { kind: 'receipt for another recipient', expected: 'ORIGIN_MISMATCH', build: () => encodeReceipt({ noticeId: randomUUID(), copyId: 'c', recipient: 'DE', status: 'RECEIVED', at: Date.now(), by: null, answerNoticeId: null, officer: null, justification: null }) },
    ];
    // Seeded: which case, where the cut or the noise falls; the same run every time.
    const picks = fc.sample(fc.record({ which: fc.nat({ max: cases.length - 1 }), noise: fc.uint8Array({ minLength: 1, maxLength: 40 }) }), { seed: SEED, numRuns: FUZZ_CASES - 2 });
    const template = await encode(notice({ caseRef: `${run}-template` }));

    const records: Array<{ key: string; value: Buffer; expected: string | null; kind: string }> = [];
    for (const [i, pick] of picks.entries()) {
      const c = cases[pick.which]!;
      const key = `${run}-${i}`;
      let value = await c.build(template, key);
      // Noise after a header the broken-bytes cases keep: each of them is a different record.
      if (c.expected === 'DECODE_FAILED' && value.length > 5 && c.kind !== 'unknown schema id') value = Buffer.concat([value, Buffer.from(pick.noise)]);
      records.push({ key, value, expected: c.expected, kind: c.kind });
      // A valid notice every 50 records: the exchange goes on around the hostile ones.
      if (i % 50 === 0) records.push({ key: `${run}-valid-${i}`, value: await encode(notice({ caseRef: `${run}-valid-${i}`, recipients: ['NL'] })), expected: null, kind: 'valid' });
    }
    // Beyond the size a record may have (the broker takes it; the gateway does not read it).
    for (const i of [0, 1]) records.push({ key: `${run}-huge-${i}`, value: framed(1, Buffer.alloc(MAX_RECORD_BYTES + 1_000, 0x41)), expected: 'TOO_LARGE', kind: 'beyond the size limit' });
    const hostile = records.filter((r) => r.expected !== null);
    const valid = records.filter((r) => r.expected === null);
    expect(hostile.length).toBe(FUZZ_CASES);

    const from = await logEnd([topics.dlq, topics.reports('BE')]);
    const producer = partyKafka('BE').producer({ createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    try {
      for (let i = 0; i < records.length; i += 100) {
        const chunk = records.slice(i, i + 100);
        // The huge ones alone: one request each stays below the broker's request limit.
        for (const r of chunk.filter((x) => x.value.length > 100_000)) await producer.send({ topic: topics.outbox('BE'), messages: [{ key: r.key, value: r.value }] });
        await producer.send({ topic: topics.outbox('BE'), messages: chunk.filter((x) => x.value.length <= 100_000).map((r) => ({ key: r.key, value: r.value })) });
      }
    } finally {
      await producer.disconnect();
    }

    const wanted = new Set(hostile.map((r) => r.key));
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, {
      done: (rs) => rs.filter((r) => wanted.has(String(r.value.key ? Buffer.from(r.value.key).toString() : ''))).length >= wanted.size,
      timeoutMs: 120_000,
    });
    const codeOf = new Map(dead.filter((d) => d.value.key).map((d) => [Buffer.from(d.value.key!).toString(), d.value]));
    const wrong = hostile
      .filter((r) => codeOf.get(r.key)?.errorCode !== r.expected)
      .map((r) => `${r.kind} ${r.key}: ${codeOf.get(r.key)?.errorCode ?? 'not dead-lettered'} (expected ${r.expected})`);
    expect(wrong.slice(0, 10)).toEqual([]);
    for (const d of codeOf.values()) expect(d.reason.length).toBeGreaterThan(0);

    const delivered = await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, {
      principal: 'BE',
      done: (rs) => valid.every((v) => rs.some((r) => r.value.caseRef === v.key)),
      timeoutMs: 60_000,
    });
    for (const v of valid) expect(delivered.find((r) => r.value.caseRef === v.key)?.value.destinations.map((d) => d.status.replace('DELIVERED_FILTERED', 'DELIVERED')), v.key).toEqual(['DELIVERED']);
    expect(gateway.gateway.isReady()).toBe(true);
    const kinds = new Map<string, number>();
    for (const r of hostile) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    console.log(`outbox fuzz (seed ${SEED}): ${hostile.length} hostile records dead-lettered with the expected reason, ${valid.length} valid notices delivered; ${[...kinds].map(([k, n]) => `${k} ${n}`).join(', ')}`);
  }, 300_000);
});
