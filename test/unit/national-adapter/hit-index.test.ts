/** The adapter's index store and lookup budget, without Kafka. */
import { describe, expect, it } from 'vitest';
import { entryKey, HitIndexStore } from '../../../services/national-adapter/hit-index.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';

const day = 86_400_000;
const entry = (holder: string, hash: string, over: Partial<EuLiaison.IndexEntry> = {}): EuLiaison.IndexEntry => ({
  agreement: 'be-nl-cross-border', holder, identifierType: 'LICENCE_PLATE', hash, keyEpoch: 1, reference: `${holder}-REF`, publishedBy: `system@${holder}`, publishedAt: 10 * day, ...over,
});

describe('HitIndexStore', () => {
  it('finds the other holders of a hash under the same key epoch and retention, never the asker itself', () => {
    const store = new HitIndexStore();
    store.put('be-nl-cross-border', entry('NL', 'a'.repeat(64)));
    store.put('be-nl-cross-border', entry('BE', 'a'.repeat(64)));
    store.put('be-nl-cross-border', entry('LU', 'b'.repeat(64)));
    expect(store.find('be-nl-cross-border', 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([{ holder: 'NL', reference: 'NL-REF', publishedAt: 10 * day }]);
    expect(store.find('be-nl-cross-border', 'LICENCE_PLATE', 'a'.repeat(64), 1, 'LU', 0).map((h) => h.holder)).toEqual(['BE', 'NL']);
    // Another type, epoch, agreement, or an entry older than the retention: no hit.
    expect(store.find('be-nl-cross-border', 'PHONE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    expect(store.find('be-nl-cross-border', 'LICENCE_PLATE', 'a'.repeat(64), 2, 'BE', 0)).toEqual([]);
    expect(store.find('benelux-police-treaty', 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    expect(store.find('be-nl-cross-border', 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 11 * day)).toEqual([]);
  });

  it('withdraws an entry by its key (a tombstone), and counts what each holder has', () => {
    const store = new HitIndexStore();
    store.put('be-nl-cross-border', entry('NL', 'a'.repeat(64)));
    store.put('be-nl-cross-border', entry('NL', 'c'.repeat(64), { identifierType: 'PHONE', keyEpoch: 2 }));
    expect(store.holdings('be-nl-cross-border', 'NL')).toEqual([{ identifierType: 'LICENCE_PLATE', keyEpoch: 1, entries: 1 }, { identifierType: 'PHONE', keyEpoch: 2, entries: 1 }]);
    expect(store.withdraw('be-nl-cross-border', entryKey('NL', 'LICENCE_PLATE', 'a'.repeat(64)))).toBe(true);
    expect(store.find('be-nl-cross-border', 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    expect(store.sizes()).toEqual([{ agreement: 'be-nl-cross-border', holder: 'NL', entries: 1 }]);
    expect(store.withdraw('be-nl-cross-border', 'not-a-key')).toBe(false);
  });
});
