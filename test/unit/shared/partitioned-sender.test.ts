/**
 * The sender's rules, against a recording stand-in for kafkajs (the real broker behaviour is in
 * test/integration/faults/cluster-broker-kill.test.ts): one partition per request, never two
 * requests in flight for one partition, what queued meanwhile sent together, and a producer
 * whose request failed replaced before the next request.
 */
import type { Kafka, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { PartitionedSender } from '../../../services/shared/partitioned-sender.ts';

interface Sent {
  producer: number;
  topic: string;
  partitions: number[];
  keys: string[];
}

function fakeKafka(options: { partitions: number; failFirstOf?: number }) {
  const sent: Sent[] = [];
  const inFlight = new Map<string, number>();
  let maxInFlightPerPartition = 0;
  let producers = 0;
  let releases: Array<() => void> = [];
  let failures = options.failFirstOf ?? 0;
  const kafka = {
    producer: () => {
      const id = ++producers;
      return {
        connect: async () => {},
        disconnect: async () => {},
        send: async (record: ProducerRecord) => {
          const partitions = [...new Set(record.messages.map((m) => m.partition!))];
          for (const p of partitions) {
            const key = `${record.topic}:${p}`;
            inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
            maxInFlightPerPartition = Math.max(maxInFlightPerPartition, inFlight.get(key)!);
          }
          // Held until the test releases it, so that more sends queue meanwhile.
          await new Promise<void>((resolve) => releases.push(resolve));
          for (const p of partitions) inFlight.set(`${record.topic}:${p}`, inFlight.get(`${record.topic}:${p}`)! - 1);
          if (failures > 0) {
            failures -= 1;
            throw new Error('broker went away');
          }
          sent.push({ producer: id, topic: record.topic, partitions, keys: record.messages.map((m) => String(m.key)) });
        },
      };
    },
    admin: () => ({
      connect: async () => {},
      disconnect: async () => {},
      fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({
        topics: topics.map((name) => ({ name, partitions: Array.from({ length: options.partitions }, (_, partitionId) => ({ partitionId })) })),
      }),
    }),
  } as unknown as Kafka;
  const releaseAll = async () => {
    for (let i = 0; i < 50; i += 1) {
      const now = releases;
      releases = [];
      for (const r of now) r();
      await new Promise((r) => setTimeout(r, 1));
    }
  };
  return { kafka, sent, releaseAll, maxInFlight: () => maxInFlightPerPartition, producers: () => producers };
}

const messages = (n: number, prefix = 'case') => Array.from({ length: n }, (_, i) => ({ key: `${prefix}-${i}`, value: Buffer.from(`notice ${i}`) }));

describe('PartitionedSender', () => {
  it('sends each request to one partition, keyed as Kafka’s default partitioner does, and every message once', async () => {
    const fake = fakeKafka({ partitions: 3 });
    const sender = new PartitionedSender(fake.kafka, {});
    const done = sender.send('liaison.outbox.BE', messages(60));
    await fake.releaseAll();
    await done;
    expect(fake.sent.every((s) => s.partitions.length === 1)).toBe(true);
    expect(fake.sent.flatMap((s) => s.keys).sort()).toEqual(messages(60).map((m) => m.key).sort());
    expect(new Set(fake.sent.map((s) => s.partitions[0])).size).toBe(3);
    // The same key always lands on the same partition.
    const again = fakeKafka({ partitions: 3 });
    const second = new PartitionedSender(again.kafka, {});
    const twice = second.send('liaison.outbox.BE', messages(60));
    await again.releaseAll();
    await twice;
    const partitionOf = (sent: Sent[]) => new Map(sent.flatMap((s) => s.keys.map((k) => [k, s.partitions[0]])));
    expect(partitionOf(again.sent)).toEqual(partitionOf(fake.sent));
  });

  it('never has two requests in flight for one partition, and sends what queued meanwhile together', async () => {
    const fake = fakeKafka({ partitions: 1 });
    const sender = new PartitionedSender(fake.kafka, {});
    const all = Promise.all(Array.from({ length: 20 }, (_, i) => sender.send('liaison.inbox.NL', [{ key: `k${i}`, value: Buffer.from('x') }])));
    await fake.releaseAll();
    await all;
    expect(fake.maxInFlight()).toBe(1);
    expect(fake.sent.flatMap((s) => s.keys)).toHaveLength(20);
    expect(fake.sent.length).toBeLessThan(20);
  });

  it('rejects the sends of a failed request and replaces its producer before the next one', async () => {
    const fake = fakeKafka({ partitions: 1, failFirstOf: 1 });
    const sender = new PartitionedSender(fake.kafka, {});
    const first = sender.send('liaison.outbox.NL', messages(1, 'first')).then(() => 'sent', (e: Error) => e.message);
    await fake.releaseAll();
    expect(await first).toBe('broker went away');
    const second = sender.send('liaison.outbox.NL', messages(1, 'second'));
    await fake.releaseAll();
    await second;
    expect(fake.producers()).toBe(2);
    expect(fake.sent).toEqual([{ producer: 2, topic: 'liaison.outbox.NL', partitions: [0], keys: ['second-0'] }]);
  });
});
