import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { PartitionProgress } from '../../../services/gateway/partition-progress.ts';

/** The two admin calls the progress check makes, answered from numbers the test moves. */
function brokers() {
  const state = { committed: -1, low: 0, high: 0 };
  const admin = {
    fetchOffsets: async () => [{ topic: 'liaison.outbox.BE', partitions: [{ partition: 0, offset: String(state.committed), metadata: null }] }],
    fetchTopicOffsets: async () => [{ partition: 0, offset: String(state.high), low: String(state.low), high: String(state.high) }],
  } as unknown as Admin;
  return { state, admin };
}

describe('PartitionProgress', () => {
  const setup = () => {
    const { state, admin } = brokers();
    let now = 0;
    const progress = new PartitionProgress(admin, 'g', 60_000, () => now);
    progress.assign({ 'liaison.outbox.BE': [0] });
    return { state, progress, at: (t: number) => (now = t) };
  };

  it('measures the lag from the committed offset against the log end, whatever the batches did', async () => {
    const { state, progress } = setup();
    Object.assign(state, { committed: 10, high: 25 });
    await progress.poll();
    expect(progress.partitions()).toEqual([{ topic: 'liaison.outbox.BE', partition: 0, lag: 15, stalledForMs: 0 }]);
  });

  it('calls a partition stalled when records wait and nothing moves for the stall time, and not before', async () => {
    const { state, progress, at } = setup();
    Object.assign(state, { committed: 10, high: 10 });
    await progress.poll();
    at(120_000);
    state.high = 30; // records arrive at a caught-up partition: its clock starts now
    await progress.poll();
    expect(progress.stalled()).toEqual([]);
    at(150_000);
    await progress.poll();
    expect(progress.stalled()).toEqual([]);
    at(181_000);
    await progress.poll();
    expect(progress.stalled()).toEqual([{ topic: 'liaison.outbox.BE', partition: 0, lag: 20, stalledForMs: 61_000 }]);
    state.committed = 20; // a batch commits: no longer stalled, the lag falls
    await progress.poll();
    expect(progress.stalled()).toEqual([]);
    expect(progress.partitions()[0]!.lag).toBe(10);
  });

  it('counts a trailing transaction marker, which is never committed, as handled once the consumer passed it', async () => {
    const { state, progress } = setup();
    Object.assign(state, { committed: 41, high: 42 });
    await progress.poll();
    expect(progress.partitions()[0]!.lag).toBe(1);
    progress.advanced('liaison.outbox.BE', 0, 42);
    expect(progress.partitions()[0]!.lag).toBe(0);
  });

  it('keeps a position reported before its first look at the broker (a fetch of aborted records right after the join)', async () => {
    const { state, progress } = setup();
    Object.assign(state, { committed: 7, high: 9 }); // one aborted record and its marker past the committed offset
    progress.advanced('liaison.outbox.BE', 0, 9);
    await progress.poll();
    expect(progress.partitions()).toEqual([{ topic: 'liaison.outbox.BE', partition: 0, lag: 0, stalledForMs: 0 }]);
  });

  it('forgets a position reported under an assignment given up since', async () => {
    const { state, progress } = setup();
    Object.assign(state, { committed: 7, high: 9 });
    progress.advanced('liaison.outbox.BE', 0, 9);
    progress.assign({ 'liaison.outbox.BE': [0] }); // a rebalance: the position may be another instance's now
    await progress.poll();
    expect(progress.partitions()[0]!.lag).toBe(2);
  });

  it('forgets partitions given to another instance, so instances add up', async () => {
    const { state, progress } = setup();
    Object.assign(state, { committed: 1, high: 5 });
    await progress.poll();
    progress.assign({ 'liaison.outbox.NL': [2] });
    expect(progress.partitions()).toEqual([]);
  });
});
