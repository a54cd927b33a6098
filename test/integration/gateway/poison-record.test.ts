/**
 * A record that made the gateway die (out of memory, a blocked event loop and a kill) must not
 * stop the exchange forever: the attempts the gateway writes before such a batch survive the
 * process, and the next incarnation recognises the record, works on it alone and, after the
 * third attempt, dead-letters it unprocessed. No other gateway runs in this file, so what
 * reaches an inbox is this gateway's doing.
 */
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, partyKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, registry, startGateway } from '../../support/flow.ts';

describe('a record that made the gateway die', () => {
  it('is recognised after the restart and dead-lettered unprocessed; the records behind it are delivered', async () => {
    const group = await newGatewayGroup();
    const caseRef = unique('POISON');
    const poison = notice({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], caseRef });
    const behind = notice({ recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'], caseRef });
    const producer = partyKafka('BE').producer({ idempotent: true, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await producer.connect();
    const [meta] = await producer.send({ topic: topics.outbox('BE'), messages: [{ key: caseRef, value: await registry().encode(topics.outbox('BE'), 'notice', poison) }] });
    await producer.send({ topic: topics.outbox('BE'), messages: [{ key: caseRef, value: await registry().encode(topics.outbox('BE'), 'notice', behind) }] });
    await producer.disconnect();
    // Two earlier incarnations started on this record and died (what the gateway itself writes before such a batch).
    const admin = adminKafka().producer({ idempotent: true, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
    await admin.connect();
    const attempt: EuLiaison.BatchAttempt = { group, topic: topics.outbox('BE'), partition: meta!.partition, offset: Number(meta!.baseOffset), attempt: 2, instance: 'crashed', at: Date.now() };
    await admin.send({ topic: topics.gatewayAttempts, messages: [{ key: `${group}|${topics.outbox('BE')}|${meta!.partition}`, value: await registry().encode(topics.gatewayAttempts, 'batchAttempt', attempt) }] });
    await admin.disconnect();

    const from = await logEnd([topics.dlq, topics.inbox('NL')]);
    const restarted = await startGateway(group);
    try {
      const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: (r) => r.some((d) => d.value.errorCode === 'POISON_RECORD' && d.value.offset === Number(meta!.baseOffset)) });
      const mine = dead.find((d) => d.value.errorCode === 'POISON_RECORD' && d.value.offset === Number(meta!.baseOffset))!.value;
      expect(mine.reason).toMatch(/started on this record 3 times without finishing/);
      expect(mine.value).toEqual(await registry().encode(topics.outbox('BE'), 'notice', poison));
      const copies = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => r.some((c) => c.value.notice.noticeId === behind.noticeId) });
      expect(copies.map((c) => c.value.notice.noticeId)).toContain(behind.noticeId);
      expect(copies.map((c) => c.value.notice.noticeId)).not.toContain(poison.noticeId);
    } finally {
      await restarted.stop();
    }
  });
});

