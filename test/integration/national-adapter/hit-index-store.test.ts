/** The adapter's index store on the real PostgreSQL: entries and tombstones applied as its reader applies them. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyIndex, entryKey, HitIndexStore } from '../../../services/national-adapter/hit-index.ts';
import type { Database } from '../../../services/shared/database.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { openTestDatabase } from '../../support/database.ts';

const day = 86_400_000;
let db: Database;
let store: HitIndexStore;

beforeAll(async () => {
  db = await openTestDatabase('adapter');
  store = new HitIndexStore(db);
});
afterAll(async () => {
  await db?.close();
});

/** An agreement name of the test's own, so other tests' entries never show. */
function agreement() {
  const id = `test-${randomUUID().slice(0, 8)}`;
  const entry = (holder: string, hash: string, over: Partial<EuLiaison.IndexEntry> = {}): EuLiaison.IndexEntry => ({
    agreement: id, holder, identifierType: 'LICENCE_PLATE', hash, keyEpoch: 1, reference: `${holder}-REF`, publishedBy: `system@${holder}`, publishedAt: 10 * day, ...over,
  });
  const put = (...entries: EuLiaison.IndexEntry[]) => db.transaction((c) => applyIndex(c, entries.map((e) => ({ agreement: id, key: entryKey(e.holder, e.identifierType, e.hash), entry: e }))));
  const withdraw = (...keys: string[]) => db.transaction((c) => applyIndex(c, keys.map((key) => ({ agreement: id, key, entry: null }))));
  return { id, entry, put, withdraw };
}

describe('HitIndexStore on PostgreSQL', () => {
  it('finds the other holders of a hash under the same key epoch and retention, never the asker itself', async () => {
    const { id, entry, put } = agreement();
    await put(entry('NL', 'a'.repeat(64)), entry('BE', 'a'.repeat(64)), entry('LU', 'b'.repeat(64)));
    expect(await store.find(id, 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([{ holder: 'NL', reference: 'NL-REF', publishedAt: 10 * day }]);
    expect((await store.find(id, 'LICENCE_PLATE', 'a'.repeat(64), 1, 'LU', 0)).map((h) => h.holder)).toEqual(['BE', 'NL']);
    // Another type, epoch, agreement, or an entry older than the retention: no hit.
    expect(await store.find(id, 'PHONE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    expect(await store.find(id, 'LICENCE_PLATE', 'a'.repeat(64), 2, 'BE', 0)).toEqual([]);
    expect(await store.find(`${id}-other`, 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    expect(await store.find(id, 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 11 * day)).toEqual([]);
  });

  it('withdraws an entry by its key (a tombstone), republishes in place, and counts what each holder has', async () => {
    const { id, entry, put, withdraw } = agreement();
    await put(entry('NL', 'a'.repeat(64)), entry('NL', 'c'.repeat(64), { identifierType: 'PHONE', keyEpoch: 2 }));
    expect(await store.holdings(id, 'NL')).toEqual([{ identifierType: 'LICENCE_PLATE', keyEpoch: 1, entries: 1 }, { identifierType: 'PHONE', keyEpoch: 2, entries: 1 }]);
    expect(await withdraw(entryKey('NL', 'LICENCE_PLATE', 'a'.repeat(64)))).toBe(0);
    expect(await store.find(id, 'LICENCE_PLATE', 'a'.repeat(64), 1, 'BE', 0)).toEqual([]);
    await put(entry('NL', 'c'.repeat(64), { identifierType: 'PHONE', keyEpoch: 3, reference: 'NL-NEW' }));
    expect(await store.find(id, 'PHONE', 'c'.repeat(64), 3, 'BE', 0)).toEqual([{ holder: 'NL', reference: 'NL-NEW', publishedAt: 10 * day }]);
    expect((await store.sizes()).filter((s) => s.agreement === id)).toEqual([{ agreement: id, holder: 'NL', entries: 1 }]);
    expect(await withdraw('not-a-key')).toBe(1);
  });
});
