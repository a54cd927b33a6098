/**
 * Reading topics from the beginning to rebuild state (docs/architecture.md: services rebuild their state
 * from topics). `caughtUp` resolves once every partition has been read up to its end at start;
 * with `follow` the reader then keeps going.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from './logger.ts';
import type { ReaderGroupPrefix } from './vocabulary.ts';

export interface TopicReader {
  consumer: Consumer;
  caughtUp: Promise<void>;
  stop: () => Promise<void>;
}

export async function readFromStart(
  kafka: Kafka,
  options: {
    topics: string[];
    groupPrefix: ReaderGroupPrefix;
    follow: boolean;
    onBatch?: (topic: string, partition: number, lag: number) => void;
    /** Says every 30 s, while not caught up, which partitions are still behind and where: a long start is never silent. */
    progress?: { logger: Logger; what: string };
    /**
     * Where to start instead of the beginning, by `topic:partition` (a checkpoint of what was read
     * before). Records before it are never handed on, also if kafkajs loses the seek.
     */
    from?: ReadonlyMap<string, number>;
  },
  onMessage: (message: KafkaMessage, topic: string, partition: number) => Promise<void>,
): Promise<TopicReader> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, number>();
  for (const topic of options.topics) {
    for (const p of await admin.fetchTopicOffsets(topic)) {
      const key = `${topic}:${p.partition}`;
      if (Number(p.high) > Math.max(Number(p.low), options.from?.get(key) ?? 0)) ends.set(key, Number(p.high));
    }
  }
  // A group of its own per reader: nothing is ever read from a committed position.
  const groupId = `${options.groupPrefix}${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, readUncommitted: false });
  let resolve: () => void = () => {};
  let reject: (error: Error) => void = () => {};
  const caughtUp = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // A record that cannot be read stops the rebuild with its error instead of retrying forever.
  consumer.on(consumer.events.CRASH, ({ payload }) => reject(payload.error));
  const positions = new Map<string, number>();
  const advance = (key: string, next: number) => {
    positions.set(key, Math.max(positions.get(key) ?? 0, next));
    const end = ends.get(key);
    if (end !== undefined && next >= end) ends.delete(key);
    if (ends.size === 0) resolve();
  };
  if (ends.size === 0) resolve();
  // A fetch of only aborted records or transaction markers (a crashed writer's tail) never reaches
  // eachBatch; kafkajs still reports how far it got, which is as good as reading it.
  // Its lag is reported too: otherwise the lag of the batch before (counting an open transaction
  // that was later aborted) would stand for good.
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    if (payload.batchSize > 0) return;
    advance(`${payload.topic}:${payload.partition}`, Number(payload.lastOffset) + 1);
    options.onBatch?.(payload.topic, payload.partition, Math.max(0, Number(payload.offsetLag)));
  });

  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 200,
    eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
      const from = options.from?.get(`${batch.topic}:${batch.partition}`) ?? 0;
      for (const [i, message] of batch.messages.entries()) {
        if (Number(message.offset) >= from) await onMessage(message, batch.topic, batch.partition);
        resolveOffset(message.offset);
        // A long batch of a long history must not outlast the session: the group would drop the
        // reader and it would read the batch again (kafkajs sends at most one per interval).
        if (i % 100 === 99) await heartbeat();
      }
      // lastOffset() counts transaction markers, which carry no message.
      advance(`${batch.topic}:${batch.partition}`, Number(batch.lastOffset()) + 1);
      options.onBatch?.(batch.topic, batch.partition, Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1));
      await heartbeat();
    },
  });
  for (const [key, offset] of options.from ?? []) {
    const at = key.lastIndexOf(':');
    consumer.seek({ topic: key.slice(0, at), partition: Number(key.slice(at + 1)), offset: String(offset) });
  }
  // A partition whose last records are only a transaction marker yields no batch: its
  // committed position (kafkajs commits past markers) tells instead.
  const poll = setInterval(() => {
    if (ends.size === 0) return;
    void admin
      .fetchOffsets({ groupId, topics: options.topics })
      .then((committed) => {
        for (const t of committed) for (const p of t.partitions) if (Number(p.offset) >= 0) advance(`${t.topic}:${p.partition}`, Number(p.offset));
      })
      .catch(() => {});
  }, 500);
  const started = Date.now();
  const progress = options.progress;
  const slow = progress
    ? setInterval(() => {
        if (ends.size === 0) return;
        const behind = [...ends].slice(0, 10).map(([key, end]) => `${key} at ${positions.get(key) ?? 'the start'} of ${end}`);
        progress.logger.warn(`still reading ${progress.what}`, { seconds: Math.round((Date.now() - started) / 1000), partitionsBehind: ends.size, behind });
      }, 30_000)
    : undefined;
  void caughtUp.then(() => {
    clearInterval(poll);
    clearInterval(slow);
  }, () => clearInterval(slow));

  const stop = async () => {
    clearInterval(poll);
    clearInterval(slow);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  };
  if (!options.follow) {
    try {
      await caughtUp;
    } finally {
      await stop();
    }
  }
  return { consumer, caughtUp, stop };
}
