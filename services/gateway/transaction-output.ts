/**
 * What one transaction produces, sent in produce requests of at most `requestBytes`, each to
 * one partition and one at a time per partition: kafkajs resends a request that spans several
 * brokers as a whole when one of them fails, and the part another broker had taken would be
 * written twice (services/shared/partitioned-sender.ts).
 *
 * The requests of one flush travel while the next records are processed: a flush waits only
 * for the flush before it, so the gateway's CPU and the broker's round trips overlap, and still
 * at most one request per partition is in flight. A failed request fails the next `add`, `flush`
 * or `drain`, and so the transaction.
 */
import kafkajs, { type Message, type Transaction } from 'kafkajs';
import type { AuditEvent } from '../shared/audit-chain.ts';
import type { WrittenEvent } from './audit-follower.ts';
import { sizeOf } from './transaction-limits.ts';

/** A record ready to produce; an audit event keeps its value, which the audit follower recognises when it reads it back. */
export interface Encoded {
  topic: string;
  message: { key: string; value: Buffer };
  event?: AuditEvent;
}

const partitioner = kafkajs.Partitioners.DefaultPartitioner();

export class TransactionOutput {
  /** Bytes added so far, sent or not. */
  bytes = 0;
  /** The audit events added, with their bytes, in order. */
  readonly audited: WrittenEvent[] = [];
  private pending: Encoded[] = [];
  private pendingBytes = 0;
  /** The requests of the last flush, still travelling. */
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly transaction: Pick<Transaction, 'send'>,
    private readonly requestBytes: number,
    private readonly partitions: ReadonlyMap<string, number>,
  ) {}

  async add(encoded: readonly Encoded[]): Promise<void> {
    const bytes = encoded.reduce((sum, e) => sum + sizeOf(e.message), 0);
    if (this.pendingBytes + bytes > this.requestBytes) await this.flush();
    this.pending.push(...encoded);
    for (const e of encoded) if (e.event) this.audited.push({ event: e.event, bytes: e.message.value });
    this.pendingBytes += bytes;
    this.bytes += bytes;
  }

  /** Sends what is pending once the previous requests are answered; does not wait for these. */
  async flush(): Promise<void> {
    await this.inflight;
    if (this.pending.length === 0) return;
    const byPartition = new Map<string, { topic: string; messages: Message[] }>();
    for (const { topic, message } of this.pending) {
      const count = this.partitions.get(topic);
      if (count === undefined) throw new Error(`${topic}: not a topic the gateway writes`);
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
      const partition = partitioner({ topic, partitionMetadata, message });
      const key = `${topic}\u0000${partition}`;
      let request = byPartition.get(key);
      if (!request) byPartition.set(key, (request = { topic, messages: [] }));
      request.messages.push({ ...message, partition });
    }
    this.pending = [];
    this.pendingBytes = 0;
    const sent = Promise.all([...byPartition.values()].map(({ topic, messages }) => this.transaction.send({ topic, acks: -1, messages }))).then(() => undefined);
    sent.catch(() => {}); // awaited by the next flush or drain, which report the failure
    this.inflight = sent;
  }

  /** Everything sent and answered: what a commit needs. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inflight;
  }

  /** Waits for requests still travelling, whatever their outcome (before the transaction is given up). */
  async settle(): Promise<void> {
    await this.inflight.catch(() => {});
  }
}
