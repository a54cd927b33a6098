/**
 * The agreements' hit/no-hit indexes: a member publishes keyed pseudonyms of identifiers it
 * holds and withdraws them, and asks which other members hold an identifier. Entries and
 * lookups are written with the adapter's principal; every lookup is written to liaison.lookups
 * (the gateway audits it) before it is answered.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type Agreement, type IndexedType, isMember, type Policy } from '../policy/index.ts';
import type { Caller } from '../shared/api-keys.ts';
import type { Database } from '../shared/database.ts';
import { ApiError } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import type { LookupAnswer } from '../shared/status-views.ts';
import { clip, requiredText } from '../shared/text-checks.ts';
import { topics } from '../shared/topology.ts';
import type { LookupBudget } from './adapter-state.ts';
import { withDeadline } from './adapter-writes.ts';
import { applyIndex, entryKey, type HitIndexMetrics, type HitIndexStore } from './hit-index.ts';
import type { Validators } from './openapi.ts';

interface IndexItem {
  identifierType: IndexedType;
  hash: string;
  reference?: string;
}

/** What the index desk uses of the adapter's database once started (503 before). */
export interface IndexState {
  db: Database;
  index: HitIndexStore;
  lookupBudget: LookupBudget;
}

export interface IndexDeskOptions {
  kafka: Kafka;
  registry: ContractRegistry;
  policy: Policy;
  validators: Validators;
  logger: Logger;
  metrics: HitIndexMetrics;
  now: () => number;
  state: () => IndexState;
}

export class IndexDesk {
  /** Writes the index topics and liaison.lookups, with the adapter's principal. */
  private readonly entriesAndLookups: PartitionedSender;

  constructor(private readonly options: IndexDeskOptions) {
    this.entriesAndLookups = new PartitionedSender(options.kafka, IDEMPOTENT);
  }

  async start(): Promise<void> {
    await this.entriesAndLookups.connect();
  }

  async stop(): Promise<void> {
    await this.entriesAndLookups.disconnect();
  }

  /** Publishes keyed pseudonyms of identifiers the caller's country holds. Only hashes arrive here (the schema refuses anything else, without repeating it). */
  async publish(caller: Caller, agreementId: string, body: unknown): Promise<{ agreement: string; published: number }> {
    const { validators, registry, metrics, logger } = this.options;
    const problems = validators.IndexPublication(body);
    if (problems.length) throw new ApiError(400, 'invalid-index-entries', problems);
    const agreement = this.indexedAgreement(caller, agreementId);
    const { db } = this.options.state();
    const request = body as { keyEpoch: number; entries: IndexItem[] };
    const now = this.options.now();
    const records = await Promise.all(
      request.entries.map(async (item) => {
        const entry: EuLiaison.IndexEntry = {
          agreement: agreement.id,
          holder: caller.country,
          identifierType: item.identifierType,
          hash: item.hash,
          keyEpoch: request.keyEpoch,
          reference: item.reference ?? `IDX-${item.hash.slice(0, 16)}`,
          publishedBy: `${caller.role}@${caller.country}`,
          publishedAt: now,
        };
        return { entry, message: { key: entryKey(caller.country, item.identifierType, item.hash), value: await registry.encode(topics.index(agreement.id), 'indexEntry', entry) } };
      }),
    );
    await withDeadline(this.entriesAndLookups.send(topics.index(agreement.id), records.map((r) => r.message)));
    // Answered from at once (the reader puts the same entries again when it reads them back).
    await db.transaction((client) => applyIndex(client, records.map((r) => ({ agreement: agreement.id, key: r.message.key, entry: r.entry }))));
    metrics.published.inc({ country: caller.country, agreement: agreement.id }, records.length);
    logger.info('index entries published', { agreement: agreement.id, holder: caller.country, entries: records.length, keyEpoch: request.keyEpoch, caller: caller.id });
    return { agreement: agreement.id, published: records.length };
  }

  /** Withdraws entries of the caller's country (tombstones): another country's entries cannot be named. */
  async withdraw(caller: Caller, agreementId: string, body: unknown): Promise<{ agreement: string; withdrawn: number }> {
    const { validators, metrics, logger } = this.options;
    const problems = validators.IndexWithdrawal(body);
    if (problems.length) throw new ApiError(400, 'invalid-index-withdrawal', problems);
    const agreement = this.indexedAgreement(caller, agreementId);
    const { db } = this.options.state();
    const keys = (body as { entries: IndexItem[] }).entries.map((item) => entryKey(caller.country, item.identifierType, item.hash));
    await withDeadline(this.entriesAndLookups.send(topics.index(agreement.id), keys.map((key) => ({ key, value: null }))));
    await db.transaction((client) => applyIndex(client, keys.map((key) => ({ agreement: agreement.id, key, entry: null }))));
    metrics.withdrawn.inc({ country: caller.country, agreement: agreement.id }, keys.length);
    logger.info('index entries withdrawn', { agreement: agreement.id, holder: caller.country, entries: keys.length, caller: caller.id });
    return { agreement: agreement.id, withdrawn: keys.length };
  }

  /** What the caller's country has in an agreement's index: counts per type and key epoch. */
  async holdings(caller: Caller, agreementId: string): Promise<{ agreement: string; holder: string; holdings: Awaited<ReturnType<HitIndexStore['holdings']>> }> {
    const agreement = this.indexedAgreement(caller, agreementId);
    return { agreement: agreement.id, holder: caller.country, holdings: await this.options.state().index.holdings(agreement.id, caller.country) };
  }

  /**
   * Hit or no hit per identifier, and for a hit only the holders and their references. The lookup
   * is written to liaison.lookups (the gateway audits it) before anything is answered: a lookup
   * Kafka did not take is a 503, never an answer without a trace.
   */
  async lookup(caller: Caller, body: unknown): Promise<LookupAnswer> {
    const { validators, registry, metrics, logger } = this.options;
    const problems = validators.LookupRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-lookup', problems);
    const request = body as { agreement: string; purpose: string; caseRef?: string; keyEpoch: number; identifiers: IndexItem[] };
    const blank = requiredText('purpose', request.purpose, 10);
    if (blank) throw new ApiError(400, 'invalid-lookup', [blank]);
    const agreement = this.indexedAgreement(caller, request.agreement);
    const { index, lookupBudget } = this.options.state();
    const now = this.options.now();
    const budget = await lookupBudget.take(caller.country, request.identifiers.length, now);
    if (!budget.ok) {
      metrics.throttled.inc({ country: caller.country });
      throw new ApiError(429, 'too-many-lookups', [`country ${caller.country}: more than ${budget.limit} identifiers looked up in the window; retry after the time in Retry-After`], { 'Retry-After': String(budget.retryAfterSeconds) });
    }
    const notBefore = now - agreement.retentionDays * 86_400_000;
    const found = await Promise.all(request.identifiers.map(async (item) => ({ item, hits: await index.find(agreement.id, item.identifierType, item.hash, request.keyEpoch, caller.country, notBefore) })));
    const record: EuLiaison.IndexLookup = {
      lookupId: randomUUID(),
      agreement: agreement.id,
      asker: caller.country,
      askedBy: `${caller.role}@${caller.country} (${caller.id})`,
      purpose: request.purpose,
      caseRef: request.caseRef ?? null,
      keyEpoch: request.keyEpoch,
      identifiers: found.map(({ item, hits }) => ({ identifierType: item.identifierType, hash: item.hash, hits: hits.map((h) => ({ holder: h.holder, reference: h.reference })) })),
      askedAt: now,
    };
    // Written before the answer, by the adapter's principal: liaison.lookups has no other writer.
    const encoded = await registry.encode(topics.lookups, 'indexLookup', record);
    await withDeadline(this.entriesAndLookups.send(topics.lookups, [{ key: record.lookupId, value: encoded }]));
    const hits = found.filter((f) => f.hits.length > 0);
    metrics.lookups.inc({ country: caller.country, agreement: agreement.id, outcome: hits.length > 0 ? 'hit' : 'no_hit' });
    metrics.identifiers.inc({ country: caller.country, agreement: agreement.id }, found.length);
    for (const f of hits) for (const h of f.hits) metrics.hits.inc({ country: caller.country, agreement: agreement.id, holder: h.holder });
    logger.info('index lookup answered', { lookupId: record.lookupId, agreement: agreement.id, asker: caller.country, identifiers: found.length, hits: hits.length, caller: caller.id });
    return {
      lookupId: record.lookupId,
      agreement: agreement.id,
      keyEpoch: request.keyEpoch,
      results: found.map(({ item, hits: h }) => ({
        identifierType: item.identifierType,
        hash: item.hash,
        hit: h.length > 0,
        holders: h.map((x) => ({ country: x.holder, reference: x.reference, publishedAt: new Date(x.publishedAt).toISOString() })),
      })),
      next: 'To obtain what a holder knows, send it a REQUEST notice quoting the reference (and this lookupId): the agreements and deadlines of any request apply.',
    };
  }

  /** The agreement of an index route: it must have an index (404), and the caller's country must be a member (403). */
  private indexedAgreement(caller: Caller, agreementId: string): Agreement {
    const { policy, metrics, logger } = this.options;
    const agreement = policy.agreements.find((a) => a.id === agreementId);
    if (!agreement || agreement.hitIndex !== true) throw new ApiError(404, 'not-found', [`agreement: "${clip(agreementId, 64)}" has no hit/no-hit index`]);
    if (!isMember(policy, agreement, caller.country)) {
      metrics.refused.inc({ country: caller.country });
      logger.warn('index refused to a non-member', { agreement: agreement.id, country: caller.country, caller: caller.id });
      throw new ApiError(403, 'not-a-member', [`agreement: ${caller.country} is not a member of ${agreement.id}`]);
    }
    return agreement;
  }
}
