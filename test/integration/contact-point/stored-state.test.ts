/**
 * The contact point's state in PostgreSQL, on the real stack. An inbox of 50,000 copies (and
 * their receipts) is stored once; a restart is ready from the stored offsets long before it
 * could have read them again. Then the database is cut for 30 s while copies arrive: the
 * contact point says it is not ready and why, waits, resumes on its own, and every copy is
 * stored and acknowledged exactly once.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../services/shared/database.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, connection } from '../../support/clients.ts';
import { openTestDatabase, testDatabaseUrl } from '../../support/database.ts';
import { logEnd, readTopic, registry } from '../../support/flow.ts';
import { startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';
import type { ContactPoint } from '../../../services/contact-point/contact-point.ts';

const COUNTRY = 'PA';
const HISTORY = 50_000;
const DURING_OUTAGE = 100;
const OUTAGE_MS = 30_000;
const DAY = 86_400_000;

let db: Database;
let proxy: TcpProxy;
let running: Array<RunningService & { contactPoint: ContactPoint }> = [];

beforeAll(async () => {
  db = await openTestDatabase('contact-point');
  proxy = await tcpProxy(`http://${new URL(testDatabaseUrl('contact-point')).host}`);
}, 60_000);

afterAll(async () => {
  for (const cp of running) await cp.stop().catch(() => {});
  await proxy?.close();
  await db?.close();
});

const copyOf = (n: EuLiaison.Notice): EuLiaison.NoticeCopy => ({
  copyId: `${n.noticeId}:${COUNTRY}:FULL`, origin: 'BE', destination: COUNTRY, agreement: 'test-stored-state', policyVersion: 'test',
  deliveredAt: Date.now(), expiresAt: Date.now() + 365 * DAY, part: 'FULL', fieldActions: [], notice: n,
});

/** Copies written to the inbox as the gateway writes them (and, when asked, their RECEIVED receipts to the outbox). */
async function deliver(count: number, withReceipts: boolean): Promise<string[]> {
  const producer = adminKafka().producer({ idempotent: true });
  await producer.connect();
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i += 1_000) {
      const notices = Array.from({ length: Math.min(1_000, count - i) }, () => notice({ noticeId: randomUUID(), caseRef: `STATE-${i}`, recipients: [COUNTRY], summary: 'Stored-state test notice.' }));
      ids.push(...notices.map((n) => n.noticeId));
      const copies = await Promise.all(notices.map(async (n) => ({ key: n.caseRef, value: await registry().encode(topics.inbox(COUNTRY), 'noticeCopy', copyOf(n)) })));
      await producer.send({ topic: topics.inbox(COUNTRY), acks: -1, messages: copies });
      if (withReceipts) {
        const receipts = await Promise.all(
          notices.map(async (n) => ({
            key: n.caseRef,
            value: await registry().encode(topics.outbox(COUNTRY), 'receipt', { noticeId: n.noticeId, copyId: `${n.noticeId}:${COUNTRY}:FULL`, recipient: COUNTRY, status: 'RECEIVED', at: Date.now(), by: null, answerNoticeId: null, officer: null, justification: null }),
          })),
        );
        await producer.send({ topic: topics.outbox(COUNTRY), acks: -1, messages: receipts });
      }
    }
  } finally {
    await producer.disconnect();
  }
  return ids;
}

async function start(viaProxy = false): Promise<{ cp: RunningService & { contactPoint: ContactPoint }; readyMs: number }> {
  const started = Date.now();
  const databases = viaProxy ? { 'contact-point': testDatabaseUrl('contact-point').replace(new URL(testDatabaseUrl('contact-point')).host, new URL(proxy.url).host) } : undefined;
  const cp = await startContactPoint([COUNTRY], viaProxy ? { connection: { ...connection(), databases } } : {});
  running.push(cp);
  return { cp, readyMs: Date.now() - started };
}

async function stop(cp: RunningService): Promise<void> {
  await cp.stop();
  running = running.filter((r) => r !== cp);
}

const stored = async (ids: string[]) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM copies WHERE country = $1 AND notice_id = ANY($2)', [COUNTRY, ids])).rows[0]!.n);
const sizeConsistent = async () => {
  const r = await db.query<{ counted: string; kept: string | null }>(
    `SELECT (SELECT count(*) FROM copies WHERE country = $1 AND purged_at IS NULL) AS counted, (SELECT notices FROM inbox_sizes WHERE country = $1) AS kept`,
    [COUNTRY],
  );
  return Number(r.rows[0]!.counted) === Number(r.rows[0]!.kept ?? 0);
};

describe('the contact point’s state in PostgreSQL', () => {
  it('stores 50,000 copies once and starts again from its offsets, not from the beginning', async () => {
    // Whatever an earlier run left is read first, so the first start below measures the history alone.
    const { cp: warm } = await start();
    await stop(warm);
    const ids = await deliver(HISTORY, true);
    const { cp: first, readyMs: replayMs } = await start();
    expect(await stored(ids)).toBe(HISTORY);
    await stop(first);
    const { cp: second, readyMs: restartMs } = await start();
    expect(await stored(ids)).toBe(HISTORY);
    expect(await sizeConsistent()).toBe(true);
    const page = await fetch(`${second.url}/v1/inbox?limit=10`, { headers: { authorization: `Bearer ${tokenOf(COUNTRY, 'officer')}` } });
    expect(((await page.json()) as { notices: unknown[] }).notices).toHaveLength(10);
    await stop(second);
    console.log(`stored state: ${HISTORY.toLocaleString('en')} copies read and stored in ${(replayMs / 1000).toFixed(1)} s; a restart on them ready in ${(restartMs / 1000).toFixed(1)} s (${(replayMs / restartMs).toFixed(0)}× faster)`);
    expect(restartMs * 4).toBeLessThan(replayMs);
  }, 300_000);

  it('waits out a database cut of 30 s, says why it is not ready, and stores and acknowledges every copy once', async () => {
    const { cp } = await start(true);
    const from = await logEnd([topics.outbox(COUNTRY)]);
    await proxy.cut();
    const cutAt = Date.now();
    const ids = await deliver(DURING_OUTAGE, false);
    while (cp.contactPoint.isReady() && Date.now() - cutAt < OUTAGE_MS) await sleep(200);
    expect(cp.contactPoint.isReady()).toBe(false);
    expect(cp.contactPoint.notReadyBecause().join('; ')).toMatch(/desk\.PA: (database unreachable|a batch waits)/);
    // A request needing the database: 503 with the reason, never a 500.
    const inbox = await fetch(`${cp.url}/v1/inbox`, { headers: { authorization: `Bearer ${tokenOf(COUNTRY, 'officer')}` } });
    expect(inbox.status).toBe(503);
    expect(JSON.stringify(await inbox.json())).toMatch(/database/);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - cutAt)));
    await proxy.restore();
    const restored = Date.now();
    while (!cp.contactPoint.isReady() && Date.now() - restored < 60_000) await sleep(200);
    expect(cp.contactPoint.isReady()).toBe(true);
    while ((await stored(ids)) < DURING_OUTAGE && Date.now() - restored < 60_000) await sleep(200);
    expect(await stored(ids)).toBe(DURING_OUTAGE);
    const received = (records: Array<{ value: EuLiaison.Receipt }>) => records.filter((r) => r.value.status === 'RECEIVED' && ids.includes(r.value.noticeId));
    await readTopic<EuLiaison.Receipt>(topics.outbox(COUNTRY), 'receipt', from, { principal: COUNTRY, done: (r) => new Set(received(r).map((x) => x.value.noticeId)).size === DURING_OUTAGE, timeoutMs: 60_000 });
    await sleep(2_000);
    const receipts = received(await readTopic<EuLiaison.Receipt>(topics.outbox(COUNTRY), 'receipt', from, { principal: COUNTRY, done: () => false, timeoutMs: 3_000 }));
    const perNotice = new Map<string, number>();
    for (const r of receipts) perNotice.set(r.value.noticeId, (perNotice.get(r.value.noticeId) ?? 0) + 1);
    expect(perNotice.size).toBe(DURING_OUTAGE);
    expect([...perNotice.values()].filter((n) => n !== 1)).toEqual([]);
    expect(await sizeConsistent()).toBe(true);
    console.log(`database cut for ${OUTAGE_MS / 1000} s: not ready during it, ready again ${((Date.now() - restored) / 1000).toFixed(1)} s after; ${DURING_OUTAGE} copies stored and acknowledged once each`);
    await stop(cp);
  }, 240_000);
});
