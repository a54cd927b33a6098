import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFromStart } from '../../../services/shared/topic-reader.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { READER_GROUP_PREFIXES } from '../../../services/shared/vocabulary.ts';

/** kafkajs 2.2.4 against Kafka 4.x: transactions and read_committed, which the gateway relies on. */
describe('transactions on the broker', () => {
  const kafka = adminKafka();
  const admin = kafka.admin();
  const topic = unique('test.tx');

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
  });

  it('shows a read_committed consumer the committed records only', async () => {
    const producer = kafka.producer({ transactionalId: unique('test-tx'), idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'aborted' }] });
    await aborted.abort();
    const committed = await producer.transaction();
    await committed.send({ topic, messages: [{ value: 'committed-1' }, { value: 'committed-2' }] });
    await committed.commit();
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: unique('test-group'), readUncommitted: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: string[] = [];
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message }) => {
          seen.push(message.value!.toString());
          if (seen.length === 2) resolve();
        },
      });
    });
    await consumer.disconnect();
    expect(seen).toEqual(['committed-1', 'committed-2']);

    const offsets = await admin.fetchTopicOffsets(topic);
    // Four offsets used: the aborted record, its abort marker, two records; the commit marker makes five.
    expect(offsets[0]?.high).toBe('5');
  });

  it('lets a state reader finish when a partition ends with an aborted transaction (a crashed writer’s tail)', async () => {
    const tail = unique('test.tx-tail');
    await admin.createTopics({ topics: [{ topic: tail, numPartitions: 1 }], waitForLeaders: true });
    try {
      const producer = kafka.producer({ transactionalId: unique('test-tx'), idempotent: true, maxInFlightRequests: 1 });
      await producer.connect();
      const committed = await producer.transaction();
      await committed.send({ topic: tail, messages: [{ value: 'kept' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic: tail, messages: Array.from({ length: 50 }, (_, i) => ({ value: `aborted-${i}` })) });
      await aborted.abort();
      await producer.disconnect();

      const read: string[] = [];
      const started = Date.now();
      await readFromStart(kafka, { topics: [tail], groupPrefix: READER_GROUP_PREFIXES.auditVerify, follow: false }, async (message) => {
        read.push(message.value!.toString());
      });
      expect(read).toEqual(['kept']);
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await admin.deleteTopics({ topics: [tail] });
    }
  });
});
