/**
 * How often the gateway has started on the same first offset of an outbox partition, kept in
 * Kafka (liaison.gateway.attempts, compacted) so that it survives the process: a record that
 * makes the gateway die (out of memory, a blocked event loop and a kill) is recognised after
 * the restart, worked on alone, and dead-lettered after `maxAttempts` instead of taking the
 * whole exchange down with it again and again.
 *
 * An attempt is written only where a crash could hide: the first batch a process works on for
 * a partition (it may follow a crash), and a batch that starts again at an offset this process
 * started and did not finish. In steady operation nothing is written.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { IDEMPOTENT } from '../shared/kafka.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';

type BatchAttempt = EuLiaison.BatchAttempt;

export const DEFAULT_MAX_ATTEMPTS = 3;

export class AttemptLog {
  private readonly log = new Map<string, { offset: string; attempt: number }>();
  private readonly started = new Map<string, string>();
  private readonly touched = new Set<string>();
  private producer?: Producer;

  constructor(
    private readonly kafka: Kafka,
    private readonly registry: ContractRegistry,
    private readonly group: string,
    private readonly instance: string,
    private readonly now: () => number,
  ) {}

  /** Reads every attempt recorded so far for this group. */
  async start(): Promise<void> {
    await readFromStart(this.kafka, { topics: [topics.gatewayAttempts], groupPrefix: GATEWAY_NAMES.readers.attempts, follow: false }, async (message) => {
      const a = await this.registry.decode(message.value, 'batchAttempt');
      if (a.group === this.group) this.log.set(keyOf(a.topic, a.partition), { offset: String(a.offset), attempt: a.attempt });
    });
    this.producer = this.kafka.producer(IDEMPOTENT);
    await this.producer.connect();
  }

  async stop(): Promise<void> {
    await this.producer?.disconnect();
  }

  /** The attempt this batch is at the partition's first offset: 1 unless an earlier one did not finish. */
  async begin(topic: string, partition: number, offset: string): Promise<number> {
    const key = keyOf(topic, partition);
    const unfinished = this.started.get(key) === offset;
    const firstHere = !this.touched.has(key);
    this.touched.add(key);
    this.started.set(key, offset);
    if (!firstHere && !unfinished) return 1;
    const previous = this.log.get(key);
    const attempt = previous?.offset === offset ? previous.attempt + 1 : 1;
    const record: BatchAttempt = { group: this.group, topic, partition, offset: Number(offset), attempt, instance: this.instance, at: this.now() };
    const value = await this.registry.encode(topics.gatewayAttempts, 'batchAttempt', record);
    await this.producer!.send({ topic: topics.gatewayAttempts, acks: -1, messages: [{ key: `${this.group}|${key}`, value }] });
    this.log.set(key, { offset, attempt });
    return attempt;
  }

  /** The batch committed: the next one at this partition is a new first attempt. */
  finish(topic: string, partition: number): void {
    this.started.delete(keyOf(topic, partition));
  }

  /**
   * The batch failed for a reason outside the record (the registry or the brokers unreachable, a
   * rebalance): trying it again is no sign of a poison record, and is not counted, also when the
   * partition is given back to this instance after a rejoin. (A crash after this counts from the
   * attempts recorded in Kafka, which may then include this one.)
   */
  release(topic: string, partition: number): void {
    const key = keyOf(topic, partition);
    const offset = this.started.get(key);
    const recorded = this.log.get(key);
    // The next start at this offset gets this attempt's number again (crashes before it still count).
    if (offset !== undefined && recorded?.offset === offset) this.log.set(key, { offset, attempt: recorded.attempt - 1 });
    this.started.delete(key);
  }

  /** A partition given to another instance: if it comes back, its first batch may follow a crash there. */
  forget(topic: string, partition: number): void {
    const key = keyOf(topic, partition);
    this.touched.delete(key);
    this.started.delete(key);
  }
}

const keyOf = (topic: string, partition: number): string => `${topic}|${partition}`;
