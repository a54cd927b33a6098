/**
 * Builds a service's state in its database from Kafka topics, the Kafka Connect JDBC sink way:
 * each fetched batch is applied and the partition's next offset stored in one database
 * transaction, and every record below the stored offset is skipped. So a start resumes where
 * the database is (no replay of history), a record is never applied twice (also after a
 * SIGKILL between the two, or with several instances on one database), and nothing is lost.
 *
 * Instances of one service share a consumer group: Kafka splits the partitions between them.
 * The group's committed offset only says where to fetch from; the database's is the truth.
 * Progress is measured in the database against what a read-committed consumer can receive
 * (the last stable offset), so aborted transactions and markers are passed, never "behind".
 */
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { Gauge, type Registry } from 'prom-client';
import type { Client, Database } from './database.ts';
import type { Logger } from './logger.ts';
import type { StateGroup } from './vocabulary.ts';

export interface StateRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Records a read-committed consumer can receive that the database does not have yet. */
  lag: number;
}

export interface StateReaderOptions<A> {
  /** The reader's name in the offsets table: one per state built (e.g. `desk.BE`). */
  name: string;
  topics: string[];
  /** Shared by the instances of the service. */
  groupId: StateGroup;
  db: Database;
  logger: Logger;
  /** Applies records to the database, inside the batch's transaction; what it returns goes to `committed`. */
  apply: (client: Client, records: StateRecord[]) => Promise<A>;
  /** After the transaction committed: what the service does about what it just stored (never inside the transaction). */
  committed?: (result: A) => void;
  /** How often the log ends and the stored offsets are compared (default 2 s). */
  progressIntervalMs?: number;
  /** The service's metrics: the reader's lag and whether it is failing (alerts LiaisonStateReaderBehind, LiaisonStateReaderFailing). */
  metrics?: Registry;
}

/** The readers of each service's metrics registry (one process may hold several services in tests). */
const watched = new WeakMap<Registry, Set<StateReader<unknown>>>();

/** The state readers' metrics in a service's registry (once per registry); returns the set of readers they report. */
export function stateReaderMetrics(registry: Registry): Set<StateReader<unknown>> {
  const known = watched.get(registry);
  if (known) return known;
  const all = new Set<StateReader<unknown>>();
  watched.set(registry, all);
  new Gauge({
    name: 'liaison_state_reader_lag_records',
    help: 'Records of the topics a state reader follows (as a read-committed consumer sees them) not yet stored in the service’s database',
    labelNames: ['reader'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of all) this.set({ reader: r.name }, r.lag().reduce((sum, l) => sum + l.lag, 0));
    },
  });
  new Gauge({
    name: 'liaison_state_reader_failing',
    help: '1 while a state reader cannot store (its database unreachable, or a batch it cannot apply), else 0',
    labelNames: ['reader'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of all) this.set({ reader: r.name }, r.failing() ? 1 : 0);
    },
  });
  return all;
}

function watch(registry: Registry, reader: StateReader<unknown>): () => void {
  const readers = stateReaderMetrics(registry);
  readers.add(reader);
  return () => readers.delete(reader);
}

const RETRY_MAX_MS = 5_000;

export class StateReader<A = void> {
  private consumer?: Consumer;
  private admin?: ReturnType<Kafka['admin']>;
  private timer?: NodeJS.Timeout;
  private slow?: NodeJS.Timeout;
  /** Per `topic:partition`: the log end (last stable offset) as last fetched, and the stored next offset. */
  private readonly ends = new Map<string, number>();
  private readonly stored = new Map<string, number>();
  /** The ends at start: caught up once the database reached every one of them. */
  private targets?: Map<string, number>;
  private caught = false;
  /** When the last progress check began, and the ends it read. */
  private checked = { began: 0, ends: new Map<string, number>() };
  private previouslyChecked = { began: 0, ends: new Map<string, number>() };
  /** Why the last batch could not be stored (it is being retried). */
  private failure: string | undefined;
  /** Why the database did not answer the last progress check. */
  private unreachable: string | undefined;
  private resolveCaughtUp: () => void = () => {};
  readonly caughtUp: Promise<void> = new Promise((resolve) => (this.resolveCaughtUp = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly options: StateReaderOptions<A>,
  ) {}

  get name(): string {
    return this.options.name;
  }

  /** The database unreachable, or a batch waiting to be stored. */
  failing(): boolean {
    return this.unreachable !== undefined || this.failure !== undefined;
  }

  private unwatch?: () => void;

  async start(): Promise<void> {
    const { options } = this;
    if (options.metrics) this.unwatch = watch(options.metrics, this as StateReader<unknown>);
    this.admin = this.kafka.admin();
    await this.admin.connect();
    await this.refresh();
    this.targets = new Map(this.ends);
    this.checkCaughtUp();
    this.consumer = this.kafka.consumer({ groupId: options.groupId, readUncommitted: false, maxWaitTimeInMs: 500 });
    const consumer = this.consumer;
    // A fetch of only aborted records or transaction markers yields no batch: its end is stored all the same.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) void this.store(payload.topic, payload.partition, [], Number(payload.lastOffset) + 1).catch(() => {});
    });
    // Where the database is, not where the group committed (it may have expired, or be behind).
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      void (async () => {
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) {
          for (const partition of partitions) {
            const next = await this.storedOffset(topic, partition).catch(() => undefined);
            if (next !== undefined && next > 0) consumer.seek({ topic, partition, offset: String(next) });
          }
        }
      })();
    });
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: true });
    await consumer.run({ autoCommit: true, autoCommitInterval: 1_000, eachBatch: (payload) => this.batch(payload) });
    this.timer = setInterval(() => void this.refresh().then(() => this.checkCaughtUp()).catch(() => {}), options.progressIntervalMs ?? 2_000);
    // A long catch-up is never silent.
    const started = Date.now();
    this.slow = setInterval(() => {
      if (this.caught) return clearInterval(this.slow);
      options.logger.warn('still catching up', { reader: options.name, seconds: Math.round((Date.now() - started) / 1000), problems: this.problems() });
    }, 30_000);
  }

  async stop(): Promise<void> {
    this.unwatch?.();
    clearInterval(this.timer);
    clearInterval(this.slow);
    await this.consumer?.disconnect();
    await this.admin?.disconnect();
  }

  isCaughtUp(): boolean {
    return this.caught;
  }

  /** Whether everything written to `topic` before `t` is stored: the ends read by a progress check that began after `t` are reached. */
  storedSince(topic: string, t: number): boolean {
    return this.storedAfter(t, (key) => key.startsWith(`${topic}:`));
  }

  /** Whether everything written to any of the reader's topics before `t` is stored. */
  storedEverythingSince(t: number): boolean {
    return this.storedAfter(t, () => true);
  }

  /**
   * Whether a progress check that began after `t` read ends the database has reached, on the
   * partitions `counts`. The check before the last one is asked too: under a steady flow the
   * newest ends are always a little ahead of what other instances stored when they were read.
   */
  private storedAfter(t: number, counts: (key: string) => boolean): boolean {
    return [this.checked, this.previouslyChecked].some((check) => {
      if (check.began <= t) return false;
      for (const [key, end] of check.ends) if (counts(key) && (this.stored.get(key) ?? 0) < end) return false;
      return true;
    });
  }

  /** Per partition, what the database does not have yet of what can be read. */
  lag(): PartitionLag[] {
    return [...this.ends].map(([key, end]) => {
      const at = key.lastIndexOf(':');
      return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)), lag: Math.max(0, end - (this.stored.get(key) ?? 0)) };
    });
  }

  /** Why this reader's state is not to be served: the database failing, or still catching up (with how far). */
  problems(): string[] {
    const out: string[] = [];
    if (this.unreachable) out.push(`${this.options.name}: database unreachable (${this.unreachable})`);
    if (this.failure) out.push(`${this.options.name}: a batch waits (${this.failure})`);
    if (!this.caught) {
      const behind = this.lag().filter((l) => l.lag > 0);
      const total = behind.reduce((sum, l) => sum + l.lag, 0);
      out.push(`${this.options.name}: catching up, ${total} records behind (${behind.slice(0, 5).map((l) => `${l.topic}[${l.partition}] ${l.lag}`).join(', ')})`);
    }
    return out;
  }

  private async batch({ batch, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const records = batch.messages.map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value }));
    // Past trailing markers too: the batch's last offset counts control records.
    const next = Math.max(Number(batch.lastOffset()) + 1, Number(records[records.length - 1]!.offset) + 1);
    for (let wait = 200; ; wait = Math.min(wait * 2, RETRY_MAX_MS)) {
      try {
        const result = await this.store(batch.topic, batch.partition, records, next);
        if (this.failure) this.options.logger.info('state reader resumed', { reader: this.options.name });
        this.failure = undefined;
        if (result !== undefined) this.options.committed?.(result);
        return;
      } catch (error) {
        // The database or the registry unreachable, or a record the service cannot apply: the batch
        // waits (never skipped, never half applied) and the reader says why it is not ready.
        const message = (error as Error).message;
        if (this.failure !== message) this.options.logger.warn('state not stored; the batch is retried', { reader: this.options.name, topic: batch.topic, partition: batch.partition, error: message });
        this.failure = message;
        if (!isRunning() || isStale()) throw error;
        await new Promise((r) => setTimeout(r, wait));
        await heartbeat();
      }
    }
  }

  /** One transaction: the records above the stored offset applied, and `next` stored. Undefined when nothing was new. */
  private async store(topic: string, partition: number, records: StateRecord[], next: number): Promise<A | undefined> {
    const key = `${topic}:${partition}`;
    const outcome = await this.options.db.transaction(async (client) => {
      await client.query('INSERT INTO reader_offsets (reader, topic, partition, next_offset) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING', [this.options.name, topic, partition]);
      // Locked: another instance applying the same partition (during a rebalance) waits, then skips what this one applied.
      const row = await client.query<{ next_offset: string }>('SELECT next_offset FROM reader_offsets WHERE reader = $1 AND topic = $2 AND partition = $3 FOR UPDATE', [this.options.name, topic, partition]);
      const stored = Number(row.rows[0]!.next_offset);
      if (next <= stored) return { stored, result: undefined };
      const fresh = records.filter((r) => Number(r.offset) >= stored);
      const result = fresh.length > 0 ? await this.options.apply(client, fresh) : undefined;
      await client.query('UPDATE reader_offsets SET next_offset = GREATEST(next_offset, $4), updated_at = now() WHERE reader = $1 AND topic = $2 AND partition = $3', [this.options.name, topic, partition, next]);
      return { stored: next, result };
    });
    this.stored.set(key, Math.max(this.stored.get(key) ?? 0, outcome.stored));
    this.checkCaughtUp();
    return outcome.result;
  }

  private async storedOffset(topic: string, partition: number): Promise<number | undefined> {
    const row = await this.options.db.query<{ next_offset: string }>('SELECT next_offset FROM reader_offsets WHERE reader = $1 AND topic = $2 AND partition = $3', [this.options.name, topic, partition]);
    return row.rows[0] === undefined ? undefined : Number(row.rows[0].next_offset);
  }

  /** The log ends (last stable offsets: the admin client reads committed) and the stored offsets of every partition. */
  private async refresh(): Promise<void> {
    const began = Date.now();
    const starts = new Map<string, number>();
    for (const topic of this.options.topics) {
      for (const p of await this.admin!.fetchTopicOffsets(topic)) {
        this.ends.set(`${topic}:${p.partition}`, Number(p.high));
        starts.set(`${topic}:${p.partition}`, Number(p.low));
      }
    }
    let rows;
    try {
      rows = await this.options.db.query<{ topic: string; partition: number; next_offset: string }>('SELECT topic, partition, next_offset FROM reader_offsets WHERE reader = $1', [this.options.name]);
    } catch (error) {
      // Also a quiet reader says so when its database is gone: what it serves would fail.
      this.unreachable = (error as Error).message;
      throw error;
    }
    this.unreachable = undefined;
    for (const r of rows.rows) {
      const key = `${r.topic}:${r.partition}`;
      this.stored.set(key, Math.max(this.stored.get(key) ?? 0, Number(r.next_offset)));
    }
    // A partition emptied by retention has nothing left to wait for.
    for (const [key, low] of starts) if (low >= (this.ends.get(key) ?? 0) && low > (this.stored.get(key) ?? 0)) this.stored.set(key, low);
    this.previouslyChecked = this.checked;
    this.checked = { began, ends: new Map(this.ends) };
  }

  private checkCaughtUp(): void {
    if (this.caught || !this.targets) return;
    for (const [key, end] of this.targets) if ((this.stored.get(key) ?? 0) < end) return;
    this.caught = true;
    this.resolveCaughtUp();
  }
}
