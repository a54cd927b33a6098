/** The embedded stack's KRaft cluster ids: what kafka-storage format accepts as `-t <id>`. */
import { describe, expect, it } from 'vitest';
import { newClusterId } from '../../../infra/local/kafka.ts';

describe('a new KRaft cluster id', () => {
  it('is 22 base64url characters (16 bytes) and never starts with "-", which the storage tool takes for a missing value', () => {
    // One random id in 64 starts with '-': 5,000 ids hold several of them unless they are excluded.
    const ids = Array.from({ length: 5_000 }, () => newClusterId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
