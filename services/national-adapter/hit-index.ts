/**
 * The national adapter's side of the hit/no-hit index: what the agreements' index topics hold,
 * in memory (rebuilt from the compacted topics at start), and the metrics that make a dictionary
 * attack visible (the per-country budget of identifiers looked up is shared in the database:
 * adapter-state.ts). No Kafka, no HTTP here.
 *
 * The adapter only ever holds hashes: the index key stays with the members' national systems.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { IndexedType } from '../policy/index.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';

/** The Kafka key of an entry: one per holder, type and hash (compaction keeps the latest; a tombstone withdraws it). */
export const entryKey = (holder: string, type: IndexedType, hash: string): string => `${holder}/${type}/${hash}`;

function parseEntryKey(key: string): { holder: string; type: IndexedType; hash: string } | null {
  const [holder, type, hash, ...rest] = key.split('/');
  return holder && type && hash && rest.length === 0 ? { holder, type: type as IndexedType, hash } : null;
}

interface Held {
  reference: string;
  keyEpoch: number;
  publishedAt: number;
}

export interface IndexHit {
  holder: string;
  reference: string;
  publishedAt: number;
}

/** Every agreement's index: agreement → type/hash → holder → its entry. */
export class HitIndexStore {
  private readonly agreements = new Map<string, Map<string, Map<string, Held>>>();

  /** An entry read from (or written to) the agreement's topic. */
  put(agreement: string, entry: EuLiaison.IndexEntry): void {
    const index = this.agreements.get(agreement) ?? new Map<string, Map<string, Held>>();
    this.agreements.set(agreement, index);
    const slot = `${entry.identifierType}/${entry.hash}`;
    const holders = index.get(slot) ?? new Map<string, Held>();
    index.set(slot, holders);
    holders.set(entry.holder, { reference: entry.reference, keyEpoch: entry.keyEpoch, publishedAt: entry.publishedAt });
  }

  /** A tombstone: the holder withdrew the entry. Returns false for a key that is not an entry's. */
  withdraw(agreement: string, key: string): boolean {
    const parsed = parseEntryKey(key);
    if (!parsed) return false;
    const index = this.agreements.get(agreement);
    const slot = `${parsed.type}/${parsed.hash}`;
    const holders = index?.get(slot);
    holders?.delete(parsed.holder);
    if (holders?.size === 0) index!.delete(slot);
    return true;
  }

  /**
   * The other members holding this hash under the same key epoch, published since `notBefore`
   * (an entry older than the agreement's retention no longer answers).
   */
  find(agreement: string, type: IndexedType, hash: string, keyEpoch: number, asker: string, notBefore: number): IndexHit[] {
    const holders = this.agreements.get(agreement)?.get(`${type}/${hash}`);
    if (!holders) return [];
    const hits: IndexHit[] = [];
    for (const [holder, held] of holders) {
      if (holder !== asker && held.keyEpoch === keyEpoch && held.publishedAt >= notBefore) hits.push({ holder, reference: held.reference, publishedAt: held.publishedAt });
    }
    return hits.sort((a, b) => a.holder.localeCompare(b.holder));
  }

  /** What one holder has in an agreement's index, per type and key epoch (counts, never hashes). */
  holdings(agreement: string, holder: string): Array<{ identifierType: string; keyEpoch: number; entries: number }> {
    const counts = new Map<string, number>();
    for (const [slot, holders] of this.agreements.get(agreement) ?? []) {
      const held = holders.get(holder);
      if (held) {
        const key = `${slot.slice(0, slot.indexOf('/'))}/${held.keyEpoch}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    return [...counts].map(([key, entries]) => ({ identifierType: key.slice(0, key.indexOf('/')), keyEpoch: Number(key.slice(key.indexOf('/') + 1)), entries })).sort((a, b) => a.identifierType.localeCompare(b.identifierType) || a.keyEpoch - b.keyEpoch);
  }

  /** Entries per agreement and holder (the liaison_index_entries gauge). */
  sizes(): Array<{ agreement: string; holder: string; entries: number }> {
    const out: Array<{ agreement: string; holder: string; entries: number }> = [];
    for (const [agreement, index] of this.agreements) {
      const perHolder = new Map<string, number>();
      for (const holders of index.values()) for (const holder of holders.keys()) perHolder.set(holder, (perHolder.get(holder) ?? 0) + 1);
      for (const [holder, entries] of perHolder) out.push({ agreement, holder, entries });
    }
    return out;
  }
}

export interface LookupLimits {
  windowSeconds: number;
  /** Identifiers one country may look up per window, all its tokens and agreements together. */
  identifiersPerCountry: number;
}

/** The index's metrics; labels are countries, agreements and outcomes, never a hash. */
export function hitIndexMetrics(registry: Registry, store?: HitIndexStore) {
  new Gauge({
    name: 'liaison_index_entries',
    help: 'Entries (keyed pseudonyms) in each agreement\'s hit/no-hit index, per holder',
    labelNames: ['agreement', 'holder'],
    registers: [registry],
    collect() {
      this.reset();
      for (const s of store?.sizes() ?? []) this.set({ agreement: s.agreement, holder: s.holder }, s.entries);
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
