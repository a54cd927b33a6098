/** The transaction's output without Kafka: requests per partition, bounded in bytes, failures carried to the commit. */
import { describe, expect, it } from 'vitest';
import { sizeOf } from '../../../services/gateway/transaction-limits.ts';
import { type Encoded, TransactionOutput } from '../../../services/gateway/transaction-output.ts';

function recorder(fail?: (topic: string) => boolean) {
  const requests: Array<{ topic: string; partitions: number[]; keys: string[] }> = [];
  const send = async ({ topic, messages }: { topic: string; messages: Array<{ key?: unknown; partition?: number }> }) => {
    requests.push({ topic, partitions: [...new Set(messages.map((m) => m.partition ?? -1))], keys: messages.map((m) => String(m.key)) });
    if (fail?.(topic)) throw new Error(`${topic}: not leader`);
    return [];
  };
  return { requests, transaction: { send } as never };
}

const record = (topic: string, key: string, bytes = 100): Encoded => ({ topic, message: { key, value: Buffer.alloc(bytes) } });
const partitions = new Map([
  ['liaison.inbox.NL', 3],
  ['liaison.reports.BE', 2],
]);

describe('TransactionOutput', () => {
  it('sends each request to one partition of one topic, every record once, in the order added per key', async () => {
    const { requests, transaction } = recorder();
    const output = new TransactionOutput(transaction, 10_000, partitions);
    const added = Array.from({ length: 30 }, (_, i) => record(i % 2 ? 'liaison.inbox.NL' : 'liaison.reports.BE', `case-${i % 7}`));
    for (const r of added) await output.add([r]);
    await output.drain();
    for (const r of requests) expect(r.partitions).toHaveLength(1);
    expect(requests.flatMap((r) => r.keys).sort()).toEqual(added.map((r) => r.message.key).sort());
    // One key, one partition: the records of a case keep their order.
    const partitionsOfKey = new Map<string, Set<string>>();
    for (const r of requests) for (const k of r.keys) partitionsOfKey.set(`${r.topic} ${k}`, (partitionsOfKey.get(`${r.topic} ${k}`) ?? new Set()).add(String(r.partitions[0])));
    for (const seen of partitionsOfKey.values()) expect(seen.size).toBe(1);
  });

  it('flushes before a request would pass its bound, and counts every byte added', async () => {
    const { requests, transaction } = recorder();
    const bound = 1_000;
    const output = new TransactionOutput(transaction, bound, new Map([['liaison.inbox.NL', 1]]));
    const added = Array.from({ length: 10 }, (_, i) => record('liaison.inbox.NL', `k${i}`, 300));
    for (const r of added) await output.add([r]);
    await output.drain();
    expect(requests.length).toBeGreaterThan(3);
    for (const r of requests) expect(r.keys.length * sizeOf(added[0]!.message)).toBeLessThanOrEqual(bound);
    expect(output.bytes).toBe(added.reduce((n, r) => n + sizeOf(r.message), 0));
  });

  it('fails the drain when a request failed, and settles without throwing', async () => {
    const { transaction } = recorder((topic) => topic === 'liaison.reports.BE');
    const output = new TransactionOutput(transaction, 10_000, partitions);
    await output.add([record('liaison.inbox.NL', 'a'), record('liaison.reports.BE', 'b')]);
    await expect(output.drain()).rejects.toThrow('not leader');
    await expect(output.settle()).resolves.toBeUndefined();
  });

  it('refuses a topic the gateway does not write', async () => {
    const { transaction } = recorder();
    const output = new TransactionOutput(transaction, 10_000, partitions);
    await output.add([record('liaison.inbox.XX', 'a')]);
    await expect(output.drain()).rejects.toThrow('liaison.inbox.XX: not a topic the gateway writes');
  });

  it('keeps the audit events added with the bytes they are written as', async () => {
    const { transaction } = recorder();
    const output = new TransactionOutput(transaction, 10_000, new Map([['liaison.audit', 1]]));
    const event = { chain: 'gateway-1', sequence: 0 } as never;
    const value = Buffer.from('event bytes');
    await output.add([{ topic: 'liaison.audit', message: { key: 'gateway-1', value }, event }]);
    expect(output.audited).toEqual([{ event, bytes: value }]);
  });
});
