/**
 * Whether the gateway is getting anywhere, measured apart from its batches: per outbox
 * partition assigned to this instance, the group's committed offset (admin API) against the
 * log end. A partition with records waiting and no progress for `stallAfterMs` is stalled:
 * /readyz turns 503 and the lag metric keeps growing, whatever happened to the consumer.
 */
import type { Admin } from 'kafkajs';

export interface PartitionState {
  topic: string;
  partition: number;
  lag: number;
  stalledForMs: number;
}

interface Tracked {
  /** The group's committed offset, as last fetched. */
  committed: number;
  /** Past the last record or control record this process handled (transaction markers are never committed). */
  position: number;
  end: number;
  /** When the partition last moved (committed or position), or was first seen. */
  movedAt: number;
}

export class PartitionProgress {
  private readonly tracked = new Map<string, Tracked>();
  private assignment = new Map<string, number[]>();
  /** Positions reported for partitions not yet tracked. */
  private readonly early = new Map<string, number>();

  constructor(
    private readonly admin: Admin,
    private readonly groupId: string,
    private readonly stallAfterMs: number,
    private readonly now: () => number,
  ) {}

  /** The partitions this instance consumes, from the latest group join. */
  assign(assignment: Record<string, number[]>): void {
    this.assignment = new Map(Object.entries(assignment));
    for (const key of [...this.tracked.keys()]) {
      const [topic, partition] = split(key);
      if (!this.assignment.get(topic)?.includes(partition)) this.tracked.delete(key);
    }
    this.early.clear();
  }

  /** The consumer handled records (or only control records) up to `next` - 1. */
  advanced(topic: string, partition: number, next: number): void {
    const key = keyOf(topic, partition);
    const t = this.tracked.get(key);
    if (!t) {
      // A fetch handled before the first look at the broker (the first batch comes quickly): kept for it.
      this.early.set(key, Math.max(this.early.get(key) ?? 0, next));
      return;
    }
    if (next > t.position) {
      t.position = next;
      t.movedAt = this.now();
    }
  }

  /** One look at the group's committed offsets and the log ends. */
  async poll(): Promise<void> {
    const topics = [...this.assignment.keys()];
    if (topics.length === 0) return;
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics });
    const ends = new Map<string, { low: number; high: number }>();
    for (const topic of topics) {
      for (const p of await this.admin.fetchTopicOffsets(topic)) ends.set(keyOf(topic, p.partition), { low: Number(p.low), high: Number(p.high) });
    }
    const now = this.now();
    for (const c of committed) {
      for (const p of c.partitions) {
        const key = keyOf(c.topic, p.partition);
        if (!this.assignment.get(c.topic)?.includes(p.partition)) continue;
        const end = ends.get(key);
        if (!end) continue;
        const offset = Number(p.offset) >= 0 ? Number(p.offset) : end.low;
        const t = this.tracked.get(key);
        if (!t) {
          this.tracked.set(key, { committed: offset, position: Math.max(offset, this.early.get(key) ?? 0), end: end.high, movedAt: now });
          this.early.delete(key);
          continue;
        }
        const caughtUp = t.end <= Math.max(t.committed, t.position);
        if (offset > t.committed) {
          t.committed = offset;
          t.movedAt = now;
        }
        t.position = Math.max(t.position, t.committed);
        // Records that arrive at a caught-up partition start its clock now, not at its last move.
        if (caughtUp && end.high > t.end) t.movedAt = now;
        t.end = end.high;
      }
    }
  }

  partitions(): PartitionState[] {
    const now = this.now();
    return [...this.tracked].map(([key, t]) => {
      const [topic, partition] = split(key);
      const lag = Math.max(0, t.end - Math.max(t.committed, t.position));
      return { topic, partition, lag, stalledForMs: lag > 0 ? now - t.movedAt : 0 };
    });
  }

  /** Partitions with records waiting that have not moved for `stallAfterMs`. */
  stalled(): PartitionState[] {
    return this.partitions().filter((p) => p.lag > 0 && p.stalledForMs >= this.stallAfterMs);
  }
}

const keyOf = (topic: string, partition: number): string => `${topic}:${partition}`;
const split = (key: string): [string, number] => {
  const at = key.lastIndexOf(':');
  return [key.slice(0, at), Number(key.slice(at + 1))];
};
