/**
 * A three-node KRaft cluster (replication factor 3, min.insync.replicas 2, SCRAM and ACLs as
 * everywhere) beside the tests' stack, and one of its brokers SIGKILLed while 3,000 notices flow
 * from a national system through the adapter's HTTP API, the gateway and the contact points: the
 * broker leading one of the adapter's partitions goes, and comes back with its data 10 s later;
 * then another node is stopped gracefully and started again, as in a rolling restart (a planned
 * change of partition leaders).
 *
 * The national system retries what was not accepted (same Idempotency-Key). Asserted: every notice
 * the adapter accepted (202) reaches NL exactly once and is reported exactly once, the contact
 * point acknowledges every copy exactly once, nothing is dead-lettered, the audit trail verifies,
 * and the adapter answered only 202 or 503 (never a 5xx that is not a "try again").
 * Embedded stack only: Testcontainers or an external cluster give the test no broker to kill.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kafkaNodes } from '../../../infra/local/kafka.ts';
import { stackOptionsFromEnv, type StackOptions } from '../../../infra/local/stack-options.ts';
import { stackDown, stackStatus, stackUp } from '../../../infra/local/stack.ts';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { loadNotice } from '../../fixtures/notices.ts';
import { adminKafka, unique, useConnection } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, registry, startGateway, type RunningGateway } from '../../support/flow.ts';
import { startAdapter, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';
import { clusterStackEnv } from '../../support/stack-endpoints.ts';

const NOTICES = 3_000;
const SENDERS = 8;
const DOWN_MS = 10_000;
const embedded = inject('stackSource').startsWith('embedded');

let opts: StackOptions | undefined;
let gateway: RunningGateway | undefined;
let adapter: RunningService | undefined;
let contactPoint: RunningService | undefined;

beforeAll(async () => {
  if (!embedded) return;
  opts = stackOptionsFromEnv(clusterStackEnv(), (line) => console.log(`[cluster] ${line}`));
  const { connection } = await stackUp(opts);
  useConnection(connection);
  gateway = await startGateway(await newGatewayGroup());
  adapter = await startAdapter();
  contactPoint = await startContactPoint(['NL']);
}, 300_000);

afterAll(async () => {
  await contactPoint?.stop();
  await adapter?.stop();
  await gateway?.stop();
  if (opts) await stackDown(opts);
}, 120_000);

function submission(i: number): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = loadNotice(i, { caseRef: unique('CLUSTER'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

describe('a broker of a three-node cluster killed mid-stream, another restarted', () => {
  it.runIf(embedded)(`loses and duplicates none of ${NOTICES} notices submitted through the adapter`, async () => {
    const from = await logEnd([topics.inbox('NL'), topics.reports('BE'), topics.outbox('NL'), topics.dlq]);
    const statuses = new Map<number, number>();
    const accepted = new Set<string>();
    let networkErrors = 0;
    let next = 0;
    // A national system: a few connections in parallel, each notice sent until it is accepted.
    const sender = async () => {
      for (let i = next++; i < NOTICES; i = next++) {
        const body = JSON.stringify(submission(i));
        const key = unique('cluster-key');
        for (;;) {
          const response = await fetch(`${adapter!.url}/v1/notices`, {
            method: 'POST',
            headers: { authorization: `Bearer ${tokenOf('BE', 'system')}`, 'content-type': 'application/json', 'idempotency-key': key },
            body,
          }).catch(() => undefined);
          if (!response) {
            networkErrors += 1;
            await sleep(500);
            continue;
          }
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const answer = (await response.json()) as { noticeId?: string; problems?: string[] };
          if (response.status === 202) {
            accepted.add(answer.noticeId!);
            break;
          }
          if (response.status !== 503) throw new Error(`notice ${i}: HTTP ${response.status} ${JSON.stringify(answer)}`);
          await sleep(Number(response.headers.get('retry-after') ?? 1) * 200);
        }
      }
    };
    const sending = Promise.all(Array.from({ length: SENDERS }, sender));

    // Once a fifth is accepted: SIGKILL the broker leading BE's outbox partition 0 (the adapter writes there).
    while (accepted.size < NOTICES / 5) await sleep(50);
    const admin = adminKafka().admin();
    await admin.connect();
    const [outbox] = (await admin.fetchTopicMetadata({ topics: [topics.outbox('BE')] })).topics;
    await admin.disconnect();
    const leader = outbox!.partitions.find((p) => p.partitionId === 0)!.leader;
    const victim = kafkaNodes(opts!).find((n) => n.id === leader)!;
    const pid = stackStatus(opts!)[victim.name]!;
    const acceptedBefore = accepted.size;
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    await sleep(DOWN_MS);
    const acceptedWhileDown = accepted.size - acceptedBefore;
    await stackUp(opts!);
    const downFor = (Date.now() - killedAt) / 1000;

    // A planned leader change under load: another node stopped gracefully (it hands its
    // leaderships over first), as in a rolling restart, and started again.
    const rolled = kafkaNodes(opts!).find((n) => n.id !== victim.id)!;
    const acceptedBeforeRoll = accepted.size;
    const rolledAt = Date.now();
    process.kill(stackStatus(opts!)[rolled.name]!, 'SIGTERM');
    while (stackStatus(opts!)[rolled.name] !== undefined && Date.now() - rolledAt < 60_000) await sleep(200);
    const stoppedIn = (Date.now() - rolledAt) / 1000;
    await stackUp(opts!);
    const rolledFor = (Date.now() - rolledAt) / 1000;
    await sending;
    const sentAt = Date.now();

    const count = <T extends { noticeId?: string; notice?: { noticeId: string } }>(records: Array<{ value: T }>) => {
      const seen = new Map<string, number>();
      for (const r of records) {
        const id = r.value.notice?.noticeId ?? r.value.noticeId ?? '';
        if (accepted.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return seen;
    };
    await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => count(r).size === accepted.size, timeoutMs: 180_000 });
    const allDeliveredIn = (Date.now() - sentAt) / 1000;
    await sleep(1_000);
    const copies = count(await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 5_000 }));
    const reports = count(await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, { principal: 'BE', done: (r) => count(r).size === accepted.size, timeoutMs: 60_000 }));
    const receiptsOf = (records: Array<{ value: EuLiaison.Receipt }>) => records.filter((r) => r.value.status === 'RECEIVED' && accepted.has(r.value.noticeId));
    const receipts = receiptsOf(
      await readTopic<EuLiaison.Receipt>(topics.outbox('NL'), 'receipt', from, { principal: 'NL', done: (r) => new Set(receiptsOf(r).map((x) => x.value.noticeId)).size === accepted.size, timeoutMs: 120_000 }),
    );
    const perCopy = new Map<string, number>();
    for (const r of receipts) perCopy.set(r.value.copyId, (perCopy.get(r.value.copyId) ?? 0) + 1);
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
    const audit = await verifyAuditLog(adminKafka(), registry());

    console.log(
      `cluster broker kill: ${victim.name} (leader of ${topics.outbox('BE')}[0]) SIGKILLed after ${acceptedBefore} accepted, back after ${downFor.toFixed(1)} s; ` +
        `${acceptedWhileDown} accepted while it was down; ${rolled.name} stopped gracefully after ${acceptedBeforeRoll} accepted (in ${stoppedIn.toFixed(1)} s) and back after ${rolledFor.toFixed(1)} s; HTTP ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}, ${networkErrors} network errors; ` +
        `${accepted.size}/${NOTICES} accepted, ${copies.size} in NL's inbox (${[...copies.values()].filter((n) => n > 1).length} duplicated), ${reports.size} reported, ` +
        `${perCopy.size} copies acknowledged (${[...perCopy.values()].filter((n) => n > 1).length} twice), ${dead.length} dead-lettered, all delivered ${allDeliveredIn.toFixed(1)} s after the last was accepted; ` +
        `audit ${audit.broken ? 'BROKEN' : 'intact'} (${audit.events} events)`,
    );
    // Both faults hit a flow in progress.
    expect(acceptedBefore).toBeLessThan(NOTICES);
    expect(acceptedBeforeRoll).toBeLessThan(NOTICES);
    expect(accepted.size).toBe(NOTICES);
    expect([...statuses.keys()].filter((s) => s !== 202 && s !== 503)).toEqual([]);
    expect(copies.size).toBe(NOTICES);
    expect([...copies.values()].filter((n) => n !== 1)).toEqual([]);
    expect(reports.size).toBe(NOTICES);
    expect([...reports.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perCopy.size).toBe(NOTICES);
    expect([...perCopy.values()].filter((n) => n !== 1)).toEqual([]);
    expect(dead).toEqual([]);
    expect(audit.broken).toBeNull();
  }, 600_000);
});
