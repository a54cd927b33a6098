/**
 * Sending with kafkajs's idempotent producer so that a broker failure neither loses nor
 * duplicates a record.
 *
 * kafkajs keeps one sequence number per partition. When a produce request fails it rolls the
 * number back and sends again. That is exact only while one request per partition is in flight:
 * with two, the second takes the number after the first, the first fails and is resent with a
 * number the broker has already seen. If the failed request had in fact been written, the broker
 * then takes the *other* record for a duplicate and drops it, reporting success: a record lost.
 * Or the resend is stored a second time: a duplicate. Both were seen on a three-node cluster with
 * a broker SIGKILLed (test/integration/faults/cluster-broker-kill.test.ts).
 *
 * A request spanning partitions led by several brokers has the same problem: if one broker takes
 * its part and another fails, the whole request is sent again after a leader moves, and the part
 * already written is written twice.
 *
 * So this sender:
 * - sends each request to exactly one partition, keyed as Kafka's default partitioner does;
 * - keeps at most one request in flight per partition, sending what queued meanwhile as the next
 *   request;
 * - replaces a producer whose request failed (a new producer id) before sending again, so a
 *   record whose fate is unknown can never make the broker drop the next one.
 */
import kafkajs, { type Kafka, type Message, type Producer, type ProducerConfig } from 'kafkajs';

const { Partitioners } = kafkajs;

interface Waiting {
  messages: Message[];
  bytes: number;
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Bytes one request carries at most when queued records are sent together (one record may be larger alone). */
const COALESCE_BYTES = 512 * 1024;
const sizeOf = (m: Message): number => (m.value ? Buffer.byteLength(m.value as Buffer) : 0) + (m.key ? Buffer.byteLength(m.key as Buffer) : 0);

export class PartitionedSender {
  private active?: { producer: Producer; connected: Promise<Producer> };
  private readonly counts = new Map<string, Promise<number>>();
  private readonly queues = new Map<string, { waiting: Waiting[]; running: boolean }>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: ProducerConfig,
  ) {}

  /** Connects the producer now rather than on the first send. */
  async connect(): Promise<void> {
    await this.current();
  }

  /** Resolves once every message is written (acks=all); rejects with the producer's error. */
  async send(topic: string, messages: Message[]): Promise<void> {
    if (this.stopped) throw new Error('the sender is stopped');
    const count = await this.partitionCount(topic);
    const metadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
    const byPartition = new Map<number, Message[]>();
    for (const message of messages) {
      const partition = message.partition ?? this.partitioner({ topic, partitionMetadata: metadata, message });
      (byPartition.get(partition) ?? byPartition.set(partition, []).get(partition)!).push({ ...message, partition });
    }
    await Promise.all([...byPartition].map(([partition, list]) => this.enqueue(topic, partition, list)));
  }

  async disconnect(): Promise<void> {
    this.stopped = true;
    const active = this.active;
    this.active = undefined;
    await active?.producer.disconnect();
  }

  private enqueue(topic: string, partition: number, messages: Message[]): Promise<void> {
    const key = `${topic}\u0000${partition}`;
    const queue = this.queues.get(key) ?? { waiting: [], running: false };
    this.queues.set(key, queue);
    const done = new Promise<void>((resolve, reject) => queue.waiting.push({ messages, bytes: messages.reduce((n, m) => n + sizeOf(m), 0), resolve, reject }));
    if (!queue.running) void this.drain(topic, queue);
    return done;
  }

  private async drain(topic: string, queue: { waiting: Waiting[]; running: boolean }): Promise<void> {
    queue.running = true;
    try {
      while (queue.waiting.length > 0) {
        let bytes = 0;
        let n = 0;
        while (n < queue.waiting.length && (n === 0 || bytes + queue.waiting[n]!.bytes <= COALESCE_BYTES)) bytes += queue.waiting[n++]!.bytes;
        const taken = queue.waiting.splice(0, n);
        const producer = await this.current().catch((error: Error) => error);
        if (producer instanceof Error) {
          for (const w of taken) w.reject(producer);
          continue;
        }
        try {
          await producer.send({ topic, acks: -1, messages: taken.flatMap((w) => w.messages) });
          for (const w of taken) w.resolve();
        } catch (error) {
          this.replace(producer);
          for (const w of taken) w.reject(error as Error);
        }
      }
    } finally {
      queue.running = false;
    }
  }

  private current(): Promise<Producer> {
    if (!this.active) {
      const producer = this.kafka.producer(this.config);
      const active = { producer, connected: producer.connect().then(() => producer) };
      active.connected.catch(() => this.replace(producer));
      this.active = active;
    }
    return this.active.connected;
  }

  /** The next send gets a producer of its own (a new producer id); the failed one is let go. */
  private replace(failed: Producer): void {
    if (this.active?.producer === failed) this.active = undefined;
    void failed.disconnect().catch(() => {});
  }

  /** Read from the cluster once per topic, with this sender's principal (DESCRIBE on the topics it writes). */
  private partitionCount(topic: string): Promise<number> {
    let count = this.counts.get(topic);
    if (!count) {
      count = (async () => {
        const admin = this.kafka.admin();
        await admin.connect();
        try {
          const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
          const n = topics[0]?.partitions.length ?? 0;
          if (n === 0) throw new Error(`${topic}: no partitions in the cluster's metadata`);
          return n;
        } finally {
          await admin.disconnect();
        }
      })();
      this.counts.set(topic, count);
      count.catch(() => this.counts.delete(topic));
    }
    return count;
  }
}
