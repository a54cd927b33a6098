/** Rule 5 by derogation: copies held for the origin's DPO, then released or rejected. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka } from '../../support/clients.ts';
import { exchange, logEnd, newGatewayGroup, readTopic, registry, startGateway, type RunningGateway } from '../../support/flow.ts';

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
});
afterAll(async () => {
  await gateway?.stop();
});

/** What the national adapter writes when the DPO decides. */
async function decide(...decisions: EuLiaison.HeldDecision[]): Promise<void> {
  const producer = adminKafka().producer();
  await producer.connect();
  const messages = await Promise.all(decisions.map(async (d) => ({ key: d.noticeId, value: await registry().encode(topics.heldDecisions, 'heldDecision', d) })));
  await producer.send({ topic: topics.heldDecisions, messages });
  await producer.disconnect();
}

const reportFor = (from: Awaited<ReturnType<typeof logEnd>>, noticeId: string, destination: string) =>
  readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, {
    principal: 'BE',
    done: (r) => r.some((x) => x.value.noticeId === noticeId && x.value.destinations[0]?.reasons[0]?.includes('by dpo')),
  }).then((r) => r.map((x) => x.value).find((v) => v.noticeId === noticeId && v.destinations[0]!.destination === destination && v.destinations[0]!.reasons[0]!.includes('by dpo')));

describe('held copies', () => {
  it('are delivered to the destination when the origin DPO releases them, with the justification audited', async () => {
    const shipment = notice({ recipients: ['CO'] });
    const held = await exchange('BE', shipment);
    expect(held.report.destinations[0]!.status).toBe('HELD_FOR_REVIEW');

    const from = await logEnd([topics.inbox('CO'), topics.reports('BE'), topics.audit]);
    await decide({ noticeId: shipment.noticeId, destination: 'CO', decision: 'RELEASE', decidedBy: 'dpo@BE', justification: 'Necessary to stop the next shipment from Guayaquil', decidedAt: Date.now() });

    const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('CO'), 'noticeCopy', from, {
      principal: 'CO',
      done: (r) => r.some((c) => c.value.notice.noticeId === shipment.noticeId),
    });
    const released = copies.map((c) => c.value).find((c) => c.notice.noticeId === shipment.noticeId)!;
    expect(released.part).toBe('RELEASED');
    expect(released.notice.subjects[0]!.familyName).toBe('Van Damme');
    expect(released.notice.subjects[0]!.dateOfBirth).toBe('1987');

    const report = await reportFor(from, shipment.noticeId, 'CO');
    expect(report!.destinations[0]).toMatchObject({ status: 'DELIVERED_FILTERED', reasons: ['released by dpo@BE: Necessary to stop the next shipment from Guayaquil'] });

    const audit = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, { done: (r) => r.some((e) => e.value.action === 'HELD_RELEASED' && e.value.noticeId === shipment.noticeId) });
    expect(audit.map((e) => e.value).find((e) => e.noticeId === shipment.noticeId)).toMatchObject({
      actor: 'dpo@BE', action: 'HELD_RELEASED', destination: 'CO', details: expect.objectContaining({ justification: 'Necessary to stop the next shipment from Guayaquil' }),
    });
  });

  it('never reach the destination when rejected, and cannot be decided twice or by another country', async () => {
    const shipment = notice({ recipients: ['PE'] });
    await exchange('BE', shipment);
    const from = await logEnd([topics.inbox('PE'), topics.reports('BE'), topics.dlq]);
    // In one send, so that one batch (one transaction) holds all three decisions.
    await decide(
      { noticeId: shipment.noticeId, destination: 'PE', decision: 'REJECT', decidedBy: 'dpo@NL', justification: 'not mine to decide', decidedAt: Date.now() },
      { noticeId: shipment.noticeId, destination: 'PE', decision: 'REJECT', decidedBy: 'dpo@BE', justification: 'No adequate guarantee for the suspect', decidedAt: Date.now() },
      { noticeId: shipment.noticeId, destination: 'PE', decision: 'RELEASE', decidedBy: 'dpo@BE', justification: 'changed my mind', decidedAt: Date.now() },
    );

    const report = await reportFor(from, shipment.noticeId, 'PE');
    expect(report!.destinations[0]).toMatchObject({ status: 'BLOCKED', reasons: ['rejected by dpo@BE: No adequate guarantee for the suspect'] });
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: (r) => r.length >= 2 });
    expect(dead.map((d) => d.value.reason)).toEqual([
      'decidedBy: "dpo@NL" is not an officer of the origin BE',
      `no copy of ${shipment.noticeId} for PE is waiting for a decision`,
    ]);
    const pe = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('PE'), 'noticeCopy', from, { principal: 'PE', done: () => false, timeoutMs: 1_500 });
    expect(pe.filter((c) => c.value.notice.noticeId === shipment.noticeId)).toEqual([]);
  });
});
