/**
 * The national adapter's side of the hit/no-hit index: what the agreements' index topics hold, in
 * the adapter's database (applied by its state reader), and the metrics that make a dictionary
 * attack visible (the per-country budget of identifiers looked up: adapter-state.ts). No Kafka,
 * no HTTP here.
 *
 * The adapter only ever holds hashes: the index key stays with the members' national systems.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IndexedType } from '../policy/index.ts';
import type { Client, Database } from '../shared/database.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';

/** The Kafka key of an entry: one per holder, type and hash (compaction keeps the latest; a tombstone withdraws it). */
export const entryKey = (holder: string, type: IndexedType, hash: string): string => `${holder}/${type}/${hash}`;

function parseEntryKey(key: string): { holder: string; type: IndexedType; hash: string } | null {
  const [holder, type, hash, ...rest] = key.split('/');
  return holder && type && hash && rest.length === 0 ? { holder, type: type as IndexedType, hash } : null;
}

export interface IndexHit {
  holder: string;
  reference: string;
  publishedAt: number;
}

/** One record of an agreement's index topic: an entry, or a tombstone (null) withdrawing the entry of its key. */
export interface IndexRecord {
  agreement: string;
  key: string;
  entry: EuLiaison.IndexEntry | null;
}

/** Applies index records in order; returns how many tombstones named no entry's key (counted as skipped). */
export async function applyIndex(client: Client, records: IndexRecord[]): Promise<number> {
  let unreadable = 0;
  for (const r of records) {
    if (r.entry) {
      const e = r.entry;
      await client.query(
        `INSERT INTO index_entries (agreement, identifier_type, hash, holder, key_epoch, reference, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (agreement, identifier_type, hash, holder) DO UPDATE SET key_epoch = EXCLUDED.key_epoch, reference = EXCLUDED.reference, published_at = EXCLUDED.published_at`,
        [r.agreement, e.identifierType, e.hash, e.holder, e.keyEpoch, e.reference, e.publishedAt],
      );
      continue;
    }
    const parsed = parseEntryKey(r.key);
    if (!parsed) {
      unreadable += 1;
      continue;
    }
    await client.query('DELETE FROM index_entries WHERE agreement = $1 AND identifier_type = $2 AND hash = $3 AND holder = $4', [r.agreement, parsed.type, parsed.hash, parsed.holder]);
  }
  return unreadable;
}

/** Every agreement's index, as the adapter's database holds it. */
export class HitIndexStore {
  constructor(private readonly db: Database) {}

  /**
   * The other members holding this hash under the same key epoch, published since `notBefore`
   * (an entry older than the agreement's retention no longer answers).
   */
  async find(agreement: string, type: IndexedType, hash: string, keyEpoch: number, asker: string, notBefore: number): Promise<IndexHit[]> {
    const rows = await this.db.query<{ holder: string; reference: string; published_at: string }>(
      `SELECT holder, reference, published_at FROM index_entries
        WHERE agreement = $1 AND identifier_type = $2 AND hash = $3 AND key_epoch = $4 AND holder <> $5 AND published_at >= $6 ORDER BY holder`,
      [agreement, type, hash, keyEpoch, asker, notBefore],
    );
    return rows.rows.map((r) => ({ holder: r.holder, reference: r.reference, publishedAt: Number(r.published_at) }));
  }

  /** What one holder has in an agreement's index, per type and key epoch (counts, never hashes). */
  async holdings(agreement: string, holder: string): Promise<Array<{ identifierType: string; keyEpoch: number; entries: number }>> {
    const rows = await this.db.query<{ identifier_type: string; key_epoch: number; entries: string }>(
      'SELECT identifier_type, key_epoch, count(*) AS entries FROM index_entries WHERE agreement = $1 AND holder = $2 GROUP BY identifier_type, key_epoch ORDER BY identifier_type, key_epoch',
      [agreement, holder],
    );
    return rows.rows.map((r) => ({ identifierType: r.identifier_type, keyEpoch: r.key_epoch, entries: Number(r.entries) }));
  }

  /** Entries per agreement and holder (the liaison_index_entries gauge). */
  async sizes(): Promise<Array<{ agreement: string; holder: string; entries: number }>> {
    const rows = await this.db.query<{ agreement: string; holder: string; entries: string }>('SELECT agreement, holder, count(*) AS entries FROM index_entries GROUP BY agreement, holder ORDER BY agreement, holder');
    return rows.rows.map((r) => ({ agreement: r.agreement, holder: r.holder, entries: Number(r.entries) }));
  }
}

export interface LookupLimits {
  windowSeconds: number;
  /** Identifiers one country may look up per window, all its tokens and agreements together. */
  identifiersPerCountry: number;
}

/** The index's metrics; labels are countries, agreements and outcomes, never a hash. */
export function hitIndexMetrics(registry: Registry, store?: () => HitIndexStore | undefined) {
  new Gauge({
    name: 'liaison_index_entries',
    help: 'Entries (keyed pseudonyms) in each agreement\'s hit/no-hit index, per holder',
    labelNames: ['agreement', 'holder'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const s of (await store?.()?.sizes().catch(() => [])) ?? []) this.set({ agreement: s.agreement, holder: s.holder }, s.entries);
    },
  });
  return {
    published: new Counter({ name: 'liaison_index_published_total', help: 'Index entries published, by holder and agreement', labelNames: ['country', 'agreement'], registers: [registry] }),
    withdrawn: new Counter({ name: 'liaison_index_withdrawn_total', help: 'Index entries withdrawn, by holder and agreement', labelNames: ['country', 'agreement'], registers: [registry] }),
    lookups: new Counter({ name: 'liaison_index_lookups_total', help: 'Lookups answered, by asking country, agreement and outcome (hit when any identifier was found)', labelNames: ['country', 'agreement', 'outcome'], registers: [registry] }),
    identifiers: new Counter({ name: 'liaison_index_identifiers_looked_up_total', help: 'Identifiers looked up in answered lookups, by asking country and agreement', labelNames: ['country', 'agreement'], registers: [registry] }),
    hits: new Counter({ name: 'liaison_index_hits_total', help: 'Identifiers found, by asking country, agreement and holder', labelNames: ['country', 'agreement', 'holder'], registers: [registry] }),
    throttled: new Counter({ name: 'liaison_index_lookups_throttled_total', help: 'Lookups refused with 429: the country\'s identifier budget (config/rate-limits.yaml, lookups) was spent (alert LiaisonIndexLookupsThrottled)', labelNames: ['country'], registers: [registry] }),
    refused: new Counter({ name: 'liaison_index_lookups_refused_total', help: 'Lookups refused with 403: the country is not a member of the agreement, or the agreement has no index', labelNames: ['country'], registers: [registry] }),
  };
}
export type HitIndexMetrics = ReturnType<typeof hitIndexMetrics>;
