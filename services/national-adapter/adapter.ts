/**
 * The national adapter's logic and Kafka edge: a caller's notice goes to its own country's
 * outbox with its country's principal (the topic proves the origin, whatever the body says);
 * status, corrections, permissions and the DPO's held copies come from what Kafka holds.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { type Agreement, deliveriesOf, foreignReferences, indexedAgreements, type IndexedType, isMember, isNoticeId, MAX_RECORD_BYTES, type Policy, validateNotice } from '../policy/index.ts';
import { Registry } from 'prom-client';
import type { Caller } from '../shared/api-keys.ts';
import { type Connection, partyCredentials, serviceCredentials } from '../shared/connection.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { type Contract, type ContractName, type ContractRecords, loadContract } from '../shared/contract.ts';
import { ApiError, ConfigError, decisionOf } from '../shared/errors.ts';
import { createKafka, IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { partyListProblems } from '../shared/parties.ts';
import { ProblemList } from '../shared/problem-list.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { clip, requiredText, visibleLength } from '../shared/text-checks.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import { StateReader, type StateRecord } from '../shared/state-reader.ts';
import type { Client } from '../shared/database.ts';
import type { LookupAnswer } from '../shared/status-views.ts';
import { agreementOfIndexTopic, partyOfTopic, SERVICE_GROUP_PREFIXES, topics } from '../shared/topology.ts';
import { applyIndex, entryKey, HitIndexStore, hitIndexMetrics, type HitIndexMetrics, type IndexRecord, type LookupLimits } from './hit-index.ts';
import { IdempotencyKeys, LookupBudget } from './adapter-state.ts';
import { Database } from '../shared/database.ts';
import { applyStatus, type HeldView, NoticeStatusStore, type StatusRecord, type StatusView } from './notice-status.ts';
import { type NoticePreview, previewOf } from './notice-preview.ts';
import type { Validators } from './openapi.ts';

type Notice = EuLiaison.Notice;

export interface Accepted {
  noticeId: string;
  replayed: boolean;
}

export interface AdapterOptions {
  connection: Connection;
  policy: Policy;
  validators: Validators;
  logger: Logger;
  now?: () => number;
  /** The service's registry, for the hit/no-hit index's metrics. */
  metrics?: Registry;
  /** Identifiers a country may look up per window (config/rate-limits.yaml, lookups). */
  lookupLimits?: LookupLimits;
}

/** When config/rate-limits.yaml says nothing about lookups. */
export const DEFAULT_LOOKUP_LIMITS: LookupLimits = { windowSeconds: 60, identifiersPerCountry: 300 };


interface IndexItem {
  identifierType: IndexedType;
  hash: string;
  reference?: string;
}

/** A UUID (version 8, name-based) from the caller's country and Idempotency-Key. */
export function noticeIdFor(country: string, idempotencyKey: string): string {
  const h = createHash('sha256').update(`liaison-notice\n${country}\n${idempotencyKey}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const bodyHash = (body: unknown): string => createHash('sha256').update(JSON.stringify(body)).digest('hex');

export class NationalAdapter {
  private readonly contract: Contract = loadContract();
  private readonly registry: ContractRegistry;
  private readonly kafka: Kafka;
  private readonly producers = new Map<string, PartitionedSender>();
  /** The adapter's own principal: held decisions, index entries and lookups. */
  private decisionProducer?: PartitionedSender;
  /** The status view and the agreements' indexes, built in the database from the outboxes, reports and index topics. */
  private reader?: StateReader<void>;
  private ready = false;
  /** What the instances on one database share: the status view, the indexes (hashes only), Idempotency-Keys and lookup budgets. */
  private db?: Database;

  /** The adapter's database once started (its rate limits are counted there). */
  get database(): Database | undefined {
    return this.db;
  }
  private storeOf?: NoticeStatusStore;
  private indexOf?: HitIndexStore;
  private idempotency?: IdempotencyKeys;
  private lookupBudget?: LookupBudget;
  private housekeeping?: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly indexMetrics: HitIndexMetrics;

  constructor(private readonly options: AdapterOptions) {
    this.registry = new ContractRegistry(options.connection.registryUrl, this.contract);
    this.kafka = createKafka({ connection: options.connection, credentials: serviceCredentials(options.connection, 'adapter'), clientId: 'liaison-adapter', logger: options.logger });
    this.now = options.now ?? Date.now;
    this.indexMetrics = hitIndexMetrics(options.metrics ?? new Registry(), () => this.indexOf);
  }

  private get store(): NoticeStatusStore {
    if (!this.storeOf) throw new ApiError(503, 'starting', ['the national adapter is starting; retry shortly']);
    return this.storeOf;
  }

  private get index(): HitIndexStore {
    if (!this.indexOf) throw new ApiError(503, 'starting', ['the national adapter is starting; retry shortly']);
    return this.indexOf;
  }

  isReady(): boolean {
    return this.ready && (this.reader?.problems() ?? []).length === 0;
  }

  /** Why it is not ready: the status view behind (by how much) or its database unreachable. */
  notReadyBecause(): string[] {
    return this.reader?.problems() ?? ['starting'];
  }

  async start(): Promise<void> {
    const url = this.options.connection.databases?.adapter;
    if (!url) throw new ConfigError('no database for the national adapter: set DATABASE_URL, or start the embedded stack with `make up`');
    const db = await Database.open({ url, service: 'adapter', logger: this.options.logger });
    this.db = db;
    this.idempotency = new IdempotencyKeys(db);
    this.lookupBudget = new LookupBudget(db, this.options.lookupLimits ?? DEFAULT_LOOKUP_LIMITS);
    const idempotency = this.idempotency;
    this.housekeeping = setInterval(() => void idempotency.forgetOld(this.now()).catch((e: Error) => this.options.logger.warn('old idempotency keys not deleted', { error: e.message })), 3_600_000);
    const parties = [...this.options.policy.parties.keys()];
    this.decisionProducer = new PartitionedSender(this.kafka, IDEMPOTENT);
    await this.decisionProducer.connect();
    this.reader = new StateReader(this.kafka, {
      name: 'status',
      topics: [...parties.map(topics.outbox), ...parties.map(topics.reports), ...indexedAgreements(this.options.policy).map(topics.index)],
      groupId: `${SERVICE_GROUP_PREFIXES.adapter}status`,
      db,
      logger: this.options.logger,
      apply: (client, records) => this.apply(client, records),
      metrics: this.options.metrics,
    });
    await this.reader.start();
    await this.reader.caughtUp;
    this.storeOf = new NoticeStatusStore(db);
    this.indexOf = new HitIndexStore(db);
    this.ready = true;
  }

  /** One batch of an outbox, a reports topic or an index topic, decoded and applied in the reader's transaction. */
  private async apply(client: Client, records: StateRecord[]): Promise<void> {
    const status: StatusRecord[] = [];
    const index: IndexRecord[] = [];
    let skipped = 0;
    for (const r of records) {
      try {
        const indexed = agreementOfIndexTopic(r.topic);
        if (indexed !== null) {
          index.push({ agreement: indexed, key: r.key?.toString() ?? '', entry: r.value === null ? null : await this.registry.decode(r.value, 'indexEntry') });
          continue;
        }
        const sender = partyOfTopic('outbox', r.topic);
        if (sender !== null) {
          const record = await this.registry.decodeAny(r.value, ['notice', 'receipt', 'forwardingPermission']);
          if (record.name === 'notice') status.push({ kind: 'submitted', notice: record.value, origin: sender });
          else if (record.name === 'forwardingPermission') status.push({ kind: 'permitted', permission: record.value, provider: sender });
        } else {
          const record = await this.registry.decodeAny(r.value, ['deliveryReport', 'receipt']);
          status.push(record.name === 'deliveryReport' ? { kind: 'reported', report: record.value } : { kind: 'receipt', receipt: record.value });
        }
      } catch (error) {
        // The registry unreachable: the batch waits (skipping it would lose it from the view for good).
        if (decisionOf(error) === 'retry') throw error;
        // The gateway dead-letters what it cannot read; the status view skips it (counted, not one log line each:
        // an outbox may hold thousands of such records from a hostile sender).
        skipped += 1;
      }
    }
    await applyStatus(client, status);
    skipped += await applyIndex(client, index);
    if (skipped > 0) this.options.logger.warn('status view skipped unreadable records (the gateway dead-letters them)', { skipped, topic: records[0]!.topic, partition: records[0]!.partition });
  }

  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.housekeeping);
    await this.reader?.stop();
    await this.decisionProducer?.disconnect();
    for (const p of this.producers.values()) await p.disconnect();
    await this.db?.close();
  }

  async submit(caller: Caller, body: unknown, idempotencyKey?: string): Promise<Accepted> {
    const problems = this.options.validators.NoticeSubmission(body);
    if (problems.length) throw new ApiError(400, 'invalid-notice', [...problems, ...this.semanticProblems(caller, body, problems)]);
    return this.accept(caller, body as Partial<Notice>, idempotencyKey, (n) => n);
  }

  /**
   * One 400 lists every problem: where the shape is wrong, what the meaning checks can still say
   * about the fields that are well formed (a caller fixes one round, not two). Nothing when the
   * body is too far from a notice to be read.
   */
  private semanticProblems(caller: Caller, body: unknown, schemaProblems: string[]): string[] {
    if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
    const lists = ['recipients', 'crimeAreas', 'subjects', 'vehicles', 'vessels', 'containers', 'parcels', 'organisations', 'financial', 'seizures', 'attachments', 'receivedFrom'];
    const draft = { ...Object.fromEntries(lists.map((l) => [l, []])), inReplyTo: null, legalBasis: null, correction: null, refusal: null, reviewBy: null, expiresAt: null, specialCategories: { strictlyNecessary: false, justification: null }, ...(body as object) } as Record<string, unknown>;
    const sender = draft.sender && typeof draft.sender === 'object' ? draft.sender : {};
    const now = this.now();
    const notice = { ...draft, noticeId: draft.noticeId ?? randomUUID(), createdAt: draft.createdAt ?? now, sender: { onBehalfOf: null, ...sender, country: caller.country } } as unknown as Notice;
    const fieldOf = (problem: string) => problem.slice(0, problem.indexOf(':')).replace(/\[\d+\].*$/, '').replace(/\..*$/, '');
    const wrong = new Set(schemaProblems.map(fieldOf));
    try {
      return (validateNotice(notice, caller.country, this.options.policy, now)?.problems ?? []).filter((p) => !wrong.has(fieldOf(p)));
    } catch {
      return []; // a field the checks rely on is malformed: the schema problems say which
    }
  }

  /** Rule 12: the correction goes to every earlier recipient (the gateway adds them). */
  async correct(caller: Caller, noticeId: string, body: unknown, idempotencyKey?: string): Promise<Accepted> {
    const problems = this.options.validators.CorrectionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-correction', problems);
    const request = body as { action: EuLiaison.CorrectionAction; reason: string; notice?: Partial<Notice> };
    const blank = requiredText('reason', request.reason);
    if (blank) throw new ApiError(400, 'invalid-correction', [blank]);
    const original = await this.ownRouting(caller, noticeId);
    const correction = { of: noticeId, action: request.action, reason: request.reason };
    if (request.action === 'CORRECT') {
      if (!request.notice) throw new ApiError(400, 'invalid-correction', ['notice: required to CORRECT (the corrected notice)']);
      return this.accept(caller, { caseRef: original.caseRef, ...request.notice }, idempotencyKey, (n) => ({ ...n, correction }));
    }
    // A withdrawal routes like the original, carries none of its content, and names no one: every earlier recipient gets it.
    const withdrawal: Partial<Notice> = {
      ...original,
      noticeId: undefined,
      createdAt: undefined,
      kind: 'INFORMATION',
      inReplyTo: null,
      recipients: [],
      purpose: 'Withdrawal of an earlier notice (rule 12)',
      summary: `Withdrawn: ${request.reason}`,
      reviewBy: null,
      expiresAt: null,
    };
    return this.accept(caller, withdrawal, idempotencyKey, (n) => ({ ...n, correction }));
  }

  /** Rule 6: the provider records that a recipient may forward (e.g. an H2 notice) to the listed countries. */
  async permit(caller: Caller, noticeId: string, body: unknown): Promise<{ permissionId: string }> {
    const problems = this.options.validators.PermissionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-permission', problems);
    const request = body as { grantedTo: string; forwardTo: string[]; conditions?: string };
    await this.ownRouting(caller, noticeId);
    const { policy } = this.options;
    const listed = new ProblemList(policy.bounds.limits.problems);
    if (!policy.parties.has(request.grantedTo)) listed.add(`grantedTo: "${clip(request.grantedTo, 12)}" is not a known party`);
    else if (request.grantedTo === caller.country) listed.add(`grantedTo: "${request.grantedTo}" is the provider itself`);
    partyListProblems('forwardTo', request.forwardTo, policy.parties, request.grantedTo, listed);
    request.forwardTo.forEach((p, i) => {
      if (p === caller.country) listed.add(`forwardTo[${i}]: "${p}" is the provider itself, which holds the notice already`);
    });
    if (request.conditions !== undefined && visibleLength(request.conditions) === 0) listed.add('conditions: blank; leave it out or state the conditions');
    if (listed.size > 0) throw new ApiError(400, 'invalid-permission', listed.toArray());
    if (!(await this.store.received(noticeId, request.grantedTo))) throw new ApiError(400, 'invalid-permission', [`grantedTo: ${request.grantedTo} did not receive notice ${noticeId}`]);
    const permission: EuLiaison.ForwardingPermission = {
      permissionId: randomUUID(),
      noticeId,
      provider: caller.country,
      grantedTo: request.grantedTo,
      forwardTo: request.forwardTo,
      conditions: request.conditions ?? null,
      grantedBy: `${caller.role}@${caller.country}`,
      grantedAt: this.now(),
    };
    await this.produce(caller.country, topics.outbox(caller.country), (await this.store.routing(noticeId))!.caseRef, 'forwardingPermission', permission);
    return { permissionId: permission.permissionId };
  }

  async status(caller: Caller, noticeId: string): Promise<StatusView> {
    const view = isNoticeId(noticeId) ? await this.store.view(noticeId) : undefined;
    if (!view || view.origin !== caller.country) throw notFound(noticeId);
    return view;
  }

  async held(caller: Caller): Promise<HeldView[]> {
    return this.store.held(caller.country);
  }

  /** Rule 5: the origin's DPO releases or rejects a held copy; the justification goes into the audit trail. */
  async decideHeld(caller: Caller, noticeId: string, destination: string, decision: 'release' | 'reject', body: unknown): Promise<void> {
    const problems = this.options.validators.HeldDecisionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-decision', problems);
    const blank = requiredText('justification', (body as { justification: string }).justification, 10);
    if (blank) throw new ApiError(400, 'invalid-decision', [blank]);
    // Not a notice id or not a party (a NUL byte, a path): nothing asked of the database.
    const known = isNoticeId(noticeId) && this.options.policy.parties.has(destination);
    if (!known || (await this.store.originOf(noticeId)) !== caller.country || !(await this.store.isHeld(noticeId, destination))) {
      throw new ApiError(404, 'not-found', [`no copy of ${noticeId} for ${destination} waits for a decision of ${caller.country}`]);
    }
    const record: EuLiaison.HeldDecision = {
      noticeId,
      destination,
      decision: decision === 'release' ? 'RELEASE' : 'REJECT',
      decidedBy: `dpo@${caller.country}`,
      justification: (body as { justification: string }).justification,
      decidedAt: this.now(),
    };
    const value = await this.registry.encode(topics.heldDecisions, 'heldDecision', record);
    await withDeadline(this.decisionProducer!.send(topics.heldDecisions, [{ key: noticeId, value }]));
    this.options.logger.info('held copy decision recorded', { noticeId, origin: caller.country, destination, decision: record.decision, caller: caller.id });
  }

  /**
   * What each recipient would receive if this notice were submitted now, and nothing produced:
   * the adapter's checks as for a submission, then the gateway's own decision function
   * (`deliveriesOf`), so a preview never disagrees with a delivery made under the same policy.
   * Pseudonyms are made with a key of this request alone and shown as a placeholder: with the
   * agreements' keys a preview would tell a sender the pseudonym of any value it chose, and so
   * re-identify the pseudonymised subjects of the copies it receives.
   */
  async preview(caller: Caller, body: unknown): Promise<NoticePreview> {
    const problems = this.options.validators.NoticeSubmission(body);
    if (problems.length) throw new ApiError(400, 'invalid-notice', [...problems, ...this.semanticProblems(caller, body, problems)]);
    const draft = body as Partial<Notice>;
    checkOrigin(caller, draft);
    const now = this.now();
    const notice = await this.prepare(caller, draft, draft.noticeId ?? randomUUID(), now, (n) => n);
    const key = randomBytes(32);
    const deliveries = deliveriesOf(this.options.policy, () => key, notice, caller.country, notice.recipients, now);
    this.options.logger.info('notice previewed', { noticeId: notice.noticeId, origin: caller.country, caller: caller.id, destinations: deliveries.length });
    return previewOf(notice, caller.country, this.options.policy.version, now, deliveries);
  }

  /**
   * Publishes keyed pseudonyms of identifiers the caller's country holds to the agreement's index.
   * Only hashes arrive here (the schema refuses anything else, without repeating it).
   */
  async publishIndex(caller: Caller, agreementId: string, body: unknown): Promise<{ agreement: string; published: number }> {
    const problems = this.options.validators.IndexPublication(body);
    if (problems.length) throw new ApiError(400, 'invalid-index-entries', problems);
    const agreement = this.indexedAgreement(caller, agreementId);
    const request = body as { keyEpoch: number; entries: IndexItem[] };
    const now = this.now();
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
        return { entry, message: { key: entryKey(caller.country, item.identifierType, item.hash), value: await this.registry.encode(topics.index(agreement.id), 'indexEntry', entry) } };
      }),
    );
    await withDeadline(this.decisionProducer!.send(topics.index(agreement.id), records.map((r) => r.message)));
    // Answered from at once (the reader puts the same entries again when it reads them back).
    await this.db!.transaction((client) => applyIndex(client, records.map((r) => ({ agreement: agreement.id, key: r.message.key, entry: r.entry }))));
    this.indexMetrics.published.inc({ country: caller.country, agreement: agreement.id }, records.length);
    this.options.logger.info('index entries published', { agreement: agreement.id, holder: caller.country, entries: records.length, keyEpoch: request.keyEpoch, caller: caller.id });
    return { agreement: agreement.id, published: records.length };
  }

  /** Withdraws entries of the caller's country (tombstones): another country's entries cannot be named. */
  async withdrawIndex(caller: Caller, agreementId: string, body: unknown): Promise<{ agreement: string; withdrawn: number }> {
    const problems = this.options.validators.IndexWithdrawal(body);
    if (problems.length) throw new ApiError(400, 'invalid-index-withdrawal', problems);
    const agreement = this.indexedAgreement(caller, agreementId);
    const keys = (body as { entries: IndexItem[] }).entries.map((item) => entryKey(caller.country, item.identifierType, item.hash));
    await withDeadline(this.decisionProducer!.send(topics.index(agreement.id), keys.map((key) => ({ key, value: null }))));
    await this.db!.transaction((client) => applyIndex(client, keys.map((key) => ({ agreement: agreement.id, key, entry: null }))));
    this.indexMetrics.withdrawn.inc({ country: caller.country, agreement: agreement.id }, keys.length);
    this.options.logger.info('index entries withdrawn', { agreement: agreement.id, holder: caller.country, entries: keys.length, caller: caller.id });
    return { agreement: agreement.id, withdrawn: keys.length };
  }

  /** What the caller's country has in an agreement's index: counts per type and key epoch. */
  async indexHoldings(caller: Caller, agreementId: string): Promise<{ agreement: string; holder: string; holdings: Awaited<ReturnType<HitIndexStore['holdings']>> }> {
    const agreement = this.indexedAgreement(caller, agreementId);
    return { agreement: agreement.id, holder: caller.country, holdings: await this.index.holdings(agreement.id, caller.country) };
  }

  /**
   * Hit or no hit per identifier, and for a hit only the holders and their references. The lookup
   * is written to liaison.lookups (the gateway audits it) before anything is answered: a lookup
   * Kafka did not take is a 503, never an answer without a trace.
   */
  async lookup(caller: Caller, body: unknown): Promise<LookupAnswer> {
    const problems = this.options.validators.LookupRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-lookup', problems);
    const request = body as { agreement: string; purpose: string; caseRef?: string; keyEpoch: number; identifiers: IndexItem[] };
    const blank = requiredText('purpose', request.purpose, 10);
    if (blank) throw new ApiError(400, 'invalid-lookup', [blank]);
    const agreement = this.indexedAgreement(caller, request.agreement);
    const now = this.now();
    const budget = await this.lookupBudget!.take(caller.country, request.identifiers.length, now);
    if (!budget.ok) {
      this.indexMetrics.throttled.inc({ country: caller.country });
      throw new ApiError(429, 'too-many-lookups', [`country ${caller.country}: more than ${budget.limit} identifiers looked up in the window; retry after the time in Retry-After`], { 'Retry-After': String(budget.retryAfterSeconds) });
    }
    const notBefore = now - agreement.retentionDays * 86_400_000;
    const found = await Promise.all(request.identifiers.map(async (item) => ({ item, hits: await this.index.find(agreement.id, item.identifierType, item.hash, request.keyEpoch, caller.country, notBefore) })));
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
    const encoded = await this.registry.encode(topics.lookups, 'indexLookup', record);
    await withDeadline(this.decisionProducer!.send(topics.lookups, [{ key: record.lookupId, value: encoded }]));
    const hits = found.filter((f) => f.hits.length > 0);
    this.indexMetrics.lookups.inc({ country: caller.country, agreement: agreement.id, outcome: hits.length > 0 ? 'hit' : 'no_hit' });
    this.indexMetrics.identifiers.inc({ country: caller.country, agreement: agreement.id }, found.length);
    for (const f of hits) for (const h of f.hits) this.indexMetrics.hits.inc({ country: caller.country, agreement: agreement.id, holder: h.holder });
    this.options.logger.info('index lookup answered', { lookupId: record.lookupId, agreement: agreement.id, asker: caller.country, identifiers: found.length, hits: hits.length, caller: caller.id });
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
    const agreement = this.options.policy.agreements.find((a) => a.id === agreementId);
    if (!agreement || agreement.hitIndex !== true) throw new ApiError(404, 'not-found', [`agreement: "${clip(agreementId, 64)}" has no hit/no-hit index`]);
    if (!isMember(this.options.policy, agreement, caller.country)) {
      this.indexMetrics.refused.inc({ country: caller.country });
      this.options.logger.warn('index refused to a non-member', { agreement: agreement.id, country: caller.country, caller: caller.id });
      throw new ApiError(403, 'not-a-member', [`agreement: ${caller.country} is not a member of ${agreement.id}`]);
    }
    return agreement;
  }

  /** The notice as the gateway will read it: what the adapter owns filled in, validated as the gateway validates, its references owned. */
  private async prepare(caller: Caller, body: Partial<Notice>, noticeId: string, now: number, finish: (n: Notice) => Notice): Promise<Notice> {
    const notice = finish(
      this.contract.types.notice.clone({ ...body, noticeId, createdAt: body.createdAt ?? now, sender: { ...body.sender, country: caller.country } }) as Notice,
    );
    const rejection = validateNotice(notice, caller.country, this.options.policy, now);
    if (rejection) throw new ApiError(400, 'invalid-notice', rejection.problems);
    // Ownership before anything is recorded: a notice may point only at what its country sent or received.
    const foreign = foreignReferences(notice, caller.country, await this.store.history(notice));
    if (foreign.length > 0) throw new ApiError(404, 'not-found', foreign);
    return notice;
  }

  private async ownRouting(caller: Caller, noticeId: string): Promise<Notice> {
    const routing = isNoticeId(noticeId) ? await this.store.routing(noticeId) : undefined;
    if (!routing || routing.sender.country !== caller.country) throw notFound(noticeId);
    return routing;
  }

  /** Fill in what the adapter owns, prove the origin, validate as the gateway will, produce. */
  private async accept(caller: Caller, body: Partial<Notice>, idempotencyKey: string | undefined, finish: (n: Notice) => Notice): Promise<Accepted> {
    checkOrigin(caller, body);
    if (idempotencyKey === undefined) return this.write(caller, body, body.noticeId ?? randomUUID(), finish);
    // One key, one body, across instances: the key is reserved in the database before anything is written.
    const noticeId = body.noticeId ?? noticeIdFor(caller.country, idempotencyKey);
    const reservation = await this.idempotency!.reserve(caller.country, idempotencyKey, bodyHash(body), noticeId, this.now());
    switch (reservation.kind) {
      case 'reused':
        throw new ApiError(409, 'idempotency-key-reused', [`Idempotency-Key: "${idempotencyKey}" was used with another body`]);
      case 'in-progress':
        throw new ApiError(409, 'idempotency-key-in-progress', [`Idempotency-Key: "${idempotencyKey}": a request with this key is being written; retry after the time in Retry-After`], { 'Retry-After': '1' });
      case 'replay':
        return { noticeId: reservation.noticeId, replayed: true };
      case 'reserved':
        break;
    }
    try {
      const accepted = await this.write(caller, body, noticeId, finish);
      await this.idempotency!.written(caller.country, idempotencyKey);
      return accepted;
    } catch (error) {
      // A refused or failed attempt may be retried with the same key.
      await this.idempotency!.release(caller.country, idempotencyKey).catch(() => {});
      throw error;
    }
  }

  private async write(caller: Caller, body: Partial<Notice>, noticeId: string, finish: (n: Notice) => Notice): Promise<Accepted> {
    const knownOrigin = await this.store.originOf(noticeId);
    if (knownOrigin !== undefined) {
      if (knownOrigin !== caller.country) throw new ApiError(409, 'duplicate-id', [`noticeId: ${noticeId} is already in use`]);
      return { noticeId, replayed: true };
    }
    const now = this.now();
    const notice = await this.prepare(caller, body, noticeId, now, finish);
    await this.produce(caller.country, topics.outbox(caller.country), notice.caseRef, 'notice', notice);
    // Shown at once (the reader applies the same notice again when it reads it back: no change).
    await this.db!.transaction((client) => applyStatus(client, [{ kind: 'submitted', notice, origin: caller.country }]));
    this.options.logger.info('notice submitted', { noticeId, caseRef: notice.caseRef, origin: caller.country, caller: caller.id });
    return { noticeId, replayed: false };
  }

  private async produce<N extends ContractName>(country: string, topic: string, key: string, name: N, value: ContractRecords[N]): Promise<void> {
    const encoded = await this.registry.encode(topic, name, value);
    if (encoded.length > MAX_RECORD_BYTES) throw new ApiError(413, 'too-large', [`body: ${encoded.length} bytes encoded, above ${MAX_RECORD_BYTES}`]);
    // The first send also connects: both under the deadline.
    await withDeadline(this.producerFor(country).send(topic, [{ key, value: encoded }]));
  }

  /** One producer per country, with that country's principal: the broker lets it write only its own outbox. */
  private producerFor(country: string): PartitionedSender {
    let producer = this.producers.get(country);
    if (!producer) {
      const { connection, logger } = this.options;
      const kafka = createKafka({ connection, credentials: partyCredentials(connection, country), clientId: `liaison-adapter-${country}`, logger });
      producer = new PartitionedSender(kafka, IDEMPOTENT);
      this.producers.set(country, producer);
    }
    return producer;
  }
}

/** Kafka unreachable: the caller gets a 503 and retries with the same Idempotency-Key (never a second notice). */
async function withDeadline<T>(sending: Promise<T>, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError(503, 'kafka-unavailable', [`Kafka did not confirm the write within ${ms / 1000} s; retry with the same Idempotency-Key`])), ms);
  });
  // A write that fails for a reason of the moment (no broker, a leader election) is also a 503.
  const failed = sending.catch((error: Error & { retriable?: boolean }) => {
    if (error.retriable === true || /Connection|NumberOfRetriesExceeded|RequestTimeout|NotLeader|LeaderNotAvailable/.test(`${error.name} ${error.message}`)) {
      throw new ApiError(503, 'kafka-unavailable', [`Kafka did not take the write (${error.message}); retry with the same Idempotency-Key`]);
    }
    throw error;
  });
  try {
    return await Promise.race([failed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The token acts for one country: a body that claims another is refused, never rewritten. */
function checkOrigin(caller: Caller, body: Partial<Notice>): void {
  const claimed = body.sender?.country;
  if (claimed !== undefined && claimed !== caller.country) {
    throw new ApiError(403, 'origin-mismatch', [`sender.country: "${claimed}" is not ${caller.country}, the country this token acts for`]);
  }
}

const notFound = (noticeId: string) => new ApiError(404, 'not-found', [`no notice ${noticeId} of yours`]);
