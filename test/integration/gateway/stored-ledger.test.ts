/**
 * The delivery ledger in PostgreSQL (issue 24): a gateway that never saw a notice, started on
 * the database, sends its correction to every earlier recipient and releases its held copy; a
 * decided copy leaves the database; the database cut for 30 s stalls the gateway (not ready,
 * saying why) without dead-lettering anything, and it resumes on its own.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_READER } from '../../../services/gateway/delivery-ledger.ts';
import type { Database } from '../../../services/shared/database.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, connection } from '../../support/clients.ts';
import { openTestDatabase, testDatabaseUrl } from '../../support/database.ts';
import { exchange, logEnd, newGatewayGroup, readTopic, registry, startGateway, submit } from '../../support/flow.ts';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

const OUTAGE_MS = 30_000;

let db: Database;
let proxy: TcpProxy;
beforeAll(async () => {
  db = await openTestDatabase('gateway');
  proxy = await tcpProxy(`http://${new URL(testDatabaseUrl('gateway')).host}`);
});
afterAll(async () => {
  await db?.close();
  await proxy?.close();
});

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

const destinationsOf = async (noticeId: string) =>
  (await db.query<{ destination: string; status: string }>('SELECT destination, status FROM ledger_destinations WHERE notice_id = $1 ORDER BY position', [noticeId])).rows;
const heldCopies = async (noticeId: string) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM held_copies WHERE notice_id = $1', [noticeId])).rows[0]!.n);

async function decide(decision: EuLiaison.HeldDecision): Promise<void> {
  const producer = adminKafka().producer();
  await producer.connect();
  await producer.send({ topic: topics.heldDecisions, messages: [{ key: decision.noticeId, value: await registry().encode(topics.heldDecisions, 'heldDecision', decision) }] });
  await producer.disconnect();
}

describe('the delivery ledger in the database', () => {
  it('lets a gateway that never saw a notice correct it to every earlier recipient and release its held copy', async () => {
    const group = await newGatewayGroup();
    const first = await startGateway(group);
    const original = notice({ recipients: ['NL', 'CO'] });
    const sent = await exchange('BE', original);
    expect(sent.report.destinations.map((d) => [d.destination, d.status])).toEqual([['NL', expect.stringMatching(/^DELIVERED/)], ['CO', 'HELD_FOR_REVIEW']]);
    // Stopped at once: what its reader had not stored yet, the next start stores before consuming.
    await first.stop();

    const second = await startGateway(group);
    try {
      expect(await destinationsOf(original.noticeId)).toEqual([{ destination: 'NL', status: sent.report.destinations[0]!.status }, { destination: 'CO', status: 'HELD_FOR_REVIEW' }]);
      expect(await heldCopies(original.noticeId)).toBe(1);
      // The ledger's reader resumed at the log ends: every reports partition has a stored offset.
      const ends = await logEnd([topics.reports('BE')]);
      const stored = await db.query<{ partition: number; next_offset: string }>('SELECT partition, next_offset FROM reader_offsets WHERE reader = $1 AND topic = $2', [LEDGER_READER, topics.reports('BE')]);
      for (const p of ends.get(topics.reports('BE'))!) expect(Number(stored.rows.find((r) => r.partition === p.partition)?.next_offset ?? -1), `partition ${p.partition}`).toBe(Number(p.offset));

      // Rule 12 from the database: the correction names LU only, and reaches NL (and the held CO) as well.
      const correction = notice({ recipients: ['LU'], correction: { of: original.noticeId, action: 'CORRECT', reason: 'The container number was misread' } });
      const corrected = await exchange('BE', correction);
      expect(corrected.report.destinations.map((d) => d.destination).sort()).toEqual(['CO', 'LU', 'NL']);
      expect(corrected.copies.get('NL')?.map((c) => c.notice.correction?.of)).toEqual([original.noticeId]);

      // The held copy, never in this process's memory, read from the database and released.
      const from = await logEnd([topics.inbox('CO')]);
      await decide({ noticeId: original.noticeId, destination: 'CO', decision: 'RELEASE', decidedBy: 'dpo@BE', justification: 'Necessary to stop the next shipment from Guayaquil', decidedAt: Date.now() });
      const released = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('CO'), 'noticeCopy', from, { principal: 'CO', done: (r) => r.some((c) => c.value.notice.noticeId === original.noticeId) });
      expect(released.find((c) => c.value.notice.noticeId === original.noticeId)!.value.part).toBe('RELEASED');
      // Decided: the copy leaves the database, the outcome stays.
      await until('held copy kept after its release', () => heldCopies(original.noticeId), (n) => n === 0);
      expect(await destinationsOf(original.noticeId)).toContainEqual({ destination: 'CO', status: 'DELIVERED_FILTERED' });
      // What this process committed left its heap once the reader stored it.
      await until('ledger entries kept in the heap', async () => second.gateway.ledgerPending(), (n) => n === 0);
      expect(await second.metrics.getSingleMetricAsString('liaison_gateway_ledger_pending')).toMatch(/liaison_gateway_ledger_pending 0$/m);
    } finally {
      await second.stop();
    }
  }, 120_000);

  it('waits out a database cut of 30 s: not ready and saying why, nothing dead-lettered, every notice delivered once after', async () => {
    const viaProxy = { ...connection(), databases: { gateway: testDatabaseUrl('gateway').replace(new URL(testDatabaseUrl('gateway')).host, new URL(proxy.url).host) } };
    const gateway = await startGateway(await newGatewayGroup(), undefined, undefined, { connection: viaProxy, progressIntervalMs: 1_000, stallAfterMs: 5_000 });
    try {
      const from = await logEnd([topics.reports('BE'), topics.inbox('NL'), topics.dlq]);
      await proxy.cut();
      const cutAt = Date.now();
      const during = Array.from({ length: 5 }, () => notice({ recipients: ['NL'] }));
      await submit('BE', ...during);
      while (gateway.gateway.isReady() && Date.now() - cutAt < OUTAGE_MS) await sleep(200);
      expect(gateway.gateway.isReady()).toBe(false);
      expect(gateway.gateway.notReadyBecause().join('; ')).toMatch(/ledger: (database unreachable|a batch waits)|waits for the delivery ledger|no progress/);
      // The metric behind LiaisonStateReaderFailing moves.
      await until('liaison_state_reader_failing during the cut', () => gateway.metrics.getSingleMetricAsString('liaison_state_reader_failing'), (text) => text.includes('liaison_state_reader_failing{reader="ledger"} 1'), OUTAGE_MS);
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
      await proxy.restore();

      const ids = new Set(during.map((n) => n.noticeId));
      const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => r.filter((c) => ids.has(c.value.notice.noticeId)).length >= ids.size, timeoutMs: 90_000 });
      await until('gateway ready after the database came back', async () => gateway.gateway.isReady(), (ready) => ready, 60_000);
      expect(await gateway.metrics.getSingleMetricAsString('liaison_state_reader_failing')).toContain('liaison_state_reader_failing{reader="ledger"} 0');
      await sleep(1_500);
      const all = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 1_500 });
      expect(all.filter((c) => ids.has(c.value.notice.noticeId)).map((c) => c.value.notice.noticeId).sort()).toEqual([...ids].sort());
      expect(copies.length).toBeGreaterThanOrEqual(ids.size);
      const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
      expect(dead.map((d) => d.value.reason)).toEqual([]);
      await until('the notices in the ledger', async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM ledger_notices WHERE notice_id = ANY($1)', [[...ids]])).rows[0]!.n), (n) => n === ids.size);
    } finally {
      await gateway.stop();
    }
  }, 180_000);
});
