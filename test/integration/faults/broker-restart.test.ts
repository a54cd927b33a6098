/**
 * The single-node broker of the embedded stack SIGKILLed mid-stream and started again with its
 * data: the national system retries what it could not send, the gateway waits and resumes;
 * every notice reaches NL exactly once, every report once, nothing dead-lettered, the audit
 * trail intact. (On Testcontainers or an external cluster the test cannot stop the broker.)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stackOptionsFromEnv } from '../../../infra/local/stack-options.ts';
import { stackStatus, stackUp } from '../../../infra/local/stack.ts';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, registry, startGateway, submit, type RunningGateway } from '../../support/flow.ts';
import { testStackEnv } from '../../support/stack-endpoints.ts';

const NOTICES = 400;
const embedded = inject('stackSource').startsWith('embedded');

let gateway: RunningGateway | undefined;
beforeAll(async () => {
  if (embedded) gateway = await startGateway(await newGatewayGroup());
}, 120_000);
afterAll(async () => gateway?.stop());

describe('the broker killed and restarted mid-stream', () => {
  it.runIf(embedded)(`loses and duplicates none of ${NOTICES} notices`, async () => {
    const from = await logEnd([topics.inbox('NL'), topics.reports('BE'), topics.dlq]);
    const notices = Array.from({ length: NOTICES }, () => notice({ caseRef: unique('BROKER'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    const ids = new Set(notices.map((n) => n.noticeId));
    let retries = 0;
    // A national system: it sends in tens, and sends again what Kafka did not confirm.
    const sending = (async () => {
      for (let i = 0; i < notices.length; i += 10) {
        for (;;) {
          try {
            await submit('BE', ...notices.slice(i, i + 10));
            break;
          } catch {
            retries += 1;
            await sleep(1_000);
          }
        }
        await sleep(200);
      }
    })();
    await sleep(2_500);
    const opts = stackOptionsFromEnv(testStackEnv(), () => {});
    const pid = stackStatus(opts).kafka;
    expect(pid).toBeDefined();
    process.kill(pid!, 'SIGKILL');
    const killedAt = Date.now();
    while (stackStatus(opts).kafka !== undefined && Date.now() - killedAt < 10_000) await sleep(100);
    await sleep(3_000);
    await stackUp(opts);
    const downFor = (Date.now() - killedAt) / 1000;
    await sending;

    const count = (records: Array<{ value: { noticeId?: string; notice?: { noticeId: string } } }>) => {
      const seen = new Map<string, number>();
      for (const r of records) {
        const id = r.value.notice?.noticeId ?? r.value.noticeId ?? '';
        if (ids.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
      }
      return seen;
    };
    await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => count(r).size === ids.size, timeoutMs: 120_000 });
    await sleep(1_000);
    const copies = count(await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 4_000 }));
    const reports = count(await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, { principal: 'BE', done: (r) => count(r).size === ids.size, timeoutMs: 30_000 }));
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
    const audit = await verifyAuditLog(adminKafka(), registry());
    console.log(`broker restart: down ${downFor.toFixed(1)} s; the sender retried ${retries} times; ${copies.size}/${NOTICES} in NL's inbox, ${[...copies.values()].filter((n) => n > 1).length} duplicated; ${reports.size} reported; ${dead.filter((d) => d.value.topic === topics.outbox('BE')).length} dead-lettered; audit ${audit.broken ? 'BROKEN' : 'intact'}`);
    expect(copies.size).toBe(NOTICES);
    expect([...copies.values()].filter((n) => n !== 1)).toEqual([]);
    expect(reports.size).toBe(NOTICES);
    expect([...reports.values()].filter((n) => n !== 1)).toEqual([]);
    expect(dead.filter((d) => d.value.topic === topics.outbox('BE') && d.value.errorCode !== 'DUPLICATE_ID')).toEqual([]);
    expect(audit.broken).toBeNull();
    const deadline = Date.now() + 60_000;
    while (!gateway!.gateway.isReady() && Date.now() < deadline) await sleep(250);
    expect(gateway!.gateway.isReady()).toBe(true);
  }, 300_000);
});
