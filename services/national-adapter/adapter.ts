/**
 * The national adapter: a country's system talks REST, Liaison talks Kafka. It keeps the status
 * view and the agreements' indexes in its database (a state reader over the outboxes, the
 * reports and the index topics) and starts three desks, each with the producer it needs: the
 * notices (written to the caller's own outbox with its country's principal), the held copies
 * (the DPO's decisions) and the hit/no-hit indexes (entries and lookups).
 */
import type { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { indexedAgreements, type Policy } from '../policy/index.ts';
import { type Connection, serviceCredentials } from '../shared/connection.ts';
import { type Contract, loadContract } from '../shared/contract.ts';
import { type Client, Database } from '../shared/database.ts';
import { ApiError, ConfigError, decisionOf } from '../shared/errors.ts';
import { createKafka } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { StateReader, type StateRecord } from '../shared/state-reader.ts';
import { agreementOfIndexTopic, partyOfTopic, topics } from '../shared/topology.ts';
import { STATE_GROUPS } from '../shared/vocabulary.ts';
import { IdempotencyKeys, LookupBudget } from './adapter-state.ts';
import { CountryOutboxes } from './adapter-writes.ts';
import { HeldCopies } from './held-copies.ts';
import { applyIndex, HitIndexStore, hitIndexMetrics, type IndexRecord, type LookupLimits } from './hit-index.ts';
import { IndexDesk, type IndexState } from './index-desk.ts';
import { applyStatus, NoticeStatusStore, type StatusRecord } from './notice-status.ts';
import { NoticeDesk, type NoticeState } from './notices.ts';
import type { Validators } from './openapi.ts';

export { type Accepted, noticeIdFor } from './notices.ts';

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

/** What the instances on one database share: the status view, the indexes (hashes only), Idempotency-Keys and lookup budgets. */
type Started = NoticeState & IndexState;

export class NationalAdapter {
  readonly notices: NoticeDesk;
  readonly held: HeldCopies;
  readonly index: IndexDesk;
  private readonly contract: Contract = loadContract();
  private readonly registry: ContractRegistry;
  private readonly kafka: Kafka;
  private readonly outboxes: CountryOutboxes;
  /** The status view and the agreements' indexes, built in the database from the outboxes, reports and index topics. */
  private reader?: StateReader<void>;
  private db?: Database;
  private started?: Started;
  private ready = false;
  private housekeeping?: NodeJS.Timeout;
  private readonly now: () => number;

  constructor(private readonly options: AdapterOptions) {
    const { connection, logger, policy, validators } = options;
    this.registry = new ContractRegistry(connection.registryUrl, this.contract);
    this.kafka = createKafka({ connection, credentials: serviceCredentials(connection, 'adapter'), clientId: 'liaison-adapter', logger });
    this.now = options.now ?? Date.now;
    const state = () => this.state();
    this.outboxes = new CountryOutboxes(connection, this.registry, logger);
    this.notices = new NoticeDesk({ contract: this.contract, policy, validators, logger, now: this.now, outboxes: this.outboxes, state });
    this.held = new HeldCopies({ kafka: this.kafka, registry: this.registry, policy, validators, logger, now: this.now, store: () => this.state().store });
    const metrics = hitIndexMetrics(options.metrics ?? new Registry(), () => this.started?.index);
    this.index = new IndexDesk({ kafka: this.kafka, registry: this.registry, policy, validators, logger, metrics, now: this.now, state });
  }

  /** The adapter's database once started (its rate limits are counted there). */
  get database(): Database | undefined {
    return this.db;
  }

  isReady(): boolean {
    return this.ready && (this.reader?.problems() ?? []).length === 0;
  }

  /** Why it is not ready: the status view behind (by how much) or its database unreachable. */
  notReadyBecause(): string[] {
    return this.reader?.problems() ?? ['starting'];
  }

  async start(): Promise<void> {
    const { connection, logger, policy } = this.options;
    const url = connection.databases?.adapter;
    if (!url) throw new ConfigError('no database for the national adapter: set DATABASE_URL, or start the embedded stack with `make up`');
    const db = await Database.open({ url, service: 'adapter', logger });
    this.db = db;
    const idempotency = new IdempotencyKeys(db);
    this.housekeeping = setInterval(() => void idempotency.forgetOld(this.now()).catch((e: Error) => logger.warn('old idempotency keys not deleted', { error: e.message })), 3_600_000);
    await this.held.start();
    await this.index.start();
    const parties = [...policy.parties.keys()];
    this.reader = new StateReader(this.kafka, {
      name: 'status',
      topics: [...parties.map(topics.outbox), ...parties.map(topics.reports), ...indexedAgreements(policy).map(topics.index)],
      groupId: STATE_GROUPS.adapterStatus,
      db,
      logger,
      apply: (client, records) => this.apply(client, records),
      metrics: this.options.metrics,
    });
    await this.reader.start();
    await this.reader.caughtUp;
    this.started = { db, idempotency, store: new NoticeStatusStore(db), index: new HitIndexStore(db), lookupBudget: new LookupBudget(db, this.options.lookupLimits ?? DEFAULT_LOOKUP_LIMITS) };
    this.ready = true;
  }

  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.housekeeping);
    await this.reader?.stop();
    await this.held.stop();
    await this.index.stop();
    await this.outboxes.stop();
    await this.db?.close();
  }

  /** What the desks use of the database: a 503 until the status view has caught up. */
  private state(): Started {
    if (!this.started) throw new ApiError(503, 'starting', ['the national adapter is starting; retry shortly']);
    return this.started;
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
    const first = records[0];
    if (skipped > 0 && first) this.options.logger.warn('status view skipped unreadable records (the gateway dead-letters them)', { skipped, topic: first.topic, partition: first.partition });
  }
}
