/**
 * The gateway's Kafka edge: consumes every outbox as one consumer group and, per batch,
 * produces copies, held copies, reports, audit events and dead letters together with the
 * consumed offsets in one transaction (exactly-once consume-transform-produce).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs, { type Admin, type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Message, type Producer, type Transaction } from 'kafkajs';
import { blockingRule, type Policy, type PseudonymKey, RULES } from '../policy/index.ts';
import { AuditChain, type AuditEvent, type ChainHead, ChainVerifier } from '../shared/audit-chain.ts';
import { type Connection, serviceCredentials } from '../shared/connection.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { ConfigError, decisionOf, isDeadLetterError } from '../shared/errors.ts';
import { createKafka, transactional } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { Database } from '../shared/database.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { gatewayInputs, partyOfTopic, SERVICE_GROUP_PREFIXES, SERVICE_PRINCIPALS, topics } from '../shared/topology.ts';
import { AuditCheckpoints, CHECKPOINT_EVERY, type Permission } from './audit-checkpoints.ts';
import { AttemptLog, DEFAULT_MAX_ATTEMPTS } from './attempt-log.ts';
import { DeliveryLedger, type LedgerBatch, type LedgerView } from './delivery-ledger.ts';
import type { GatewayMetrics } from './metrics.ts';
import { type DeadLetterCode, NoticeProcessor, type OutboxRecord, type Outgoing, type Processed } from './notice-processor.ts';
import { PartitionProgress } from './partition-progress.ts';

export const GATEWAY_GROUP = SERVICE_GROUP_PREFIXES.gateway;

/** What one produce request and one transaction may carry, from the cluster's own limits. */
export interface TransactionLimits {
  /** The smallest max.message.bytes of the broker and the topics the gateway writes. */
  brokerBytes: number;
  /** One produce request (one record batch per partition at most this): below brokerBytes. */
  requestBytes: number;
  /** A transaction ends after this many bytes produced … */
  transactionBytes: number;
  /** … or this many input records, and commits its own offsets. */
  transactionRecords: number;
  /** Partitions of each topic the gateway writes: every produce request goes to one partition. */
  partitions: ReadonlyMap<string, number>;
}

/** Bytes a message takes in a record batch, with a generous allowance for its headers. */
const sizeOf = (m: { key?: Buffer | string | null; value: Buffer | string | null }): number =>
  (m.value === null ? 0 : Buffer.byteLength(m.value)) + (m.key === null || m.key === undefined ? 0 : Buffer.byteLength(m.key)) + 64;

/** A record ready to produce; an audit event keeps its value, which the audit reader recognises when it reads it back. */
interface Encoded {
  topic: string;
  message: { key: string; value: Buffer };
  event?: AuditEvent;
}
const { ConfigResourceTypes } = kafkajs;

const partitioner = kafkajs.Partitioners.DefaultPartitioner();
/** How long a failed commit waits for the cluster to tell whether it was written, before the gateway gives up (and restarts). */
const COMMIT_OUTCOME_WAIT_MS = 120_000;

/**
 * What one transaction produces, sent in produce requests of at most `requestBytes`, each to
 * one partition and one at a time per partition: kafkajs resends a request that spans several
 * brokers as a whole when one of them fails, and the part another broker had taken would be
 * written twice (services/shared/partitioned-sender.ts).
 *
 * The requests of one flush travel while the next records are processed: a flush waits only
 * for the flush before it, so the gateway's CPU and the broker's round trips overlap, and still
 * at most one request per partition is in flight. A failed request fails the next `add`, `flush`
 * or `drain`, and so the transaction.
 */
class TransactionOutput {
  /** Bytes added so far, sent or not. */
  bytes = 0;
  /** The audit events added, with their bytes, in order. */
  readonly audited: Array<{ event: AuditEvent; bytes: Buffer }> = [];
  private pending: Encoded[] = [];
  private pendingBytes = 0;
  /** The requests of the last flush, still travelling. */
  private inflight: Promise<void> = Promise.resolve();

  constructor(
    private readonly transaction: Transaction,
    private readonly requestBytes: number,
    private readonly partitions: ReadonlyMap<string, number>,
  ) {}

  async add(encoded: Encoded[]): Promise<void> {
    const bytes = encoded.reduce((sum, e) => sum + sizeOf(e.message), 0);
    if (this.pendingBytes + bytes > this.requestBytes) await this.flush();
    this.pending.push(...encoded);
    for (const e of encoded) if (e.event) this.audited.push({ event: e.event, bytes: e.message.value });
    this.pendingBytes += bytes;
    this.bytes += bytes;
  }

  /** Sends what is pending once the previous requests are answered; does not wait for these. */
  async flush(): Promise<void> {
    await this.inflight;
    if (this.pending.length === 0) return;
    const byPartition = new Map<string, { topic: string; messages: Message[] }>();
    for (const { topic, message } of this.pending) {
      const count = this.partitions.get(topic);
      if (count === undefined) throw new Error(`${topic}: not a topic the gateway writes`);
      const partitionMetadata = Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 }));
      const partition = partitioner({ topic, partitionMetadata, message });
      const key = `${topic}\u0000${partition}`;
      (byPartition.get(key) ?? byPartition.set(key, { topic, messages: [] }).get(key)!).messages.push({ ...message, partition });
    }
    this.pending = [];
    this.pendingBytes = 0;
    const sent = Promise.all([...byPartition.values()].map(({ topic, messages }) => this.transaction.send({ topic, acks: -1, messages }))).then(() => undefined);
    sent.catch(() => {}); // awaited by the next flush or drain, which report the failure
    this.inflight = sent;
  }

  /** Everything sent and answered: what a commit needs. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inflight;
  }

  /** Waits for requests still travelling, whatever their outcome (before the transaction is given up). */
  async settle(): Promise<void> {
    await this.inflight.catch(() => {});
  }
}

export interface GatewayOptions {
  connection: Connection;
  policy: Policy;
  keys: PseudonymKey;
  /** Stable per instance: the transactional id and the audit chain are derived from it. */
  instanceId: string;
  logger: Logger;
  metrics: GatewayMetrics;
  now?: () => number;
  sessionTimeoutMs?: number;
  /** The consumer group shared by all instances; tests use a group of their own. */
  groupId?: string;
  /** Attempts at the same first record of a partition (counting crashes) before it is dead-lettered. */
  maxAttempts?: number;
  /** A partition with records waiting that does not move for this long is stalled (/readyz 503). */
  stallAfterMs?: number;
  /** How often the committed offsets and log ends are read for the lag and stall checks. */
  progressIntervalMs?: number;
  /** Input records one transaction takes at most (2,000): a larger batch becomes several transactions. */
  transactionRecords?: number;
  /** The consumer stopped for good (kafkajs gave up): the process should exit so a supervisor restarts it. */
  onFatal?: (error: Error) => void;
}

export class Gateway {
  private readonly kafka: Kafka;
  private readonly registry: ContractRegistry;
  private readonly ledger: DeliveryLedger;
  private db?: Database;
  private readonly chain: AuditChain;
  private readonly now: () => number;
  private producer?: Producer;
  private consumer?: Consumer;
  private auditReader?: TopicReader;
  private reviewReader?: TopicReader;
  private verifier = new ChainVerifier();
  private readonly checkpoints: AuditCheckpoints;
  /** Records how far the audit trail is verified now (set once the trail is followed). */
  private checkpoint?: () => Promise<void>;
  /** The offset of liaison.audit this process started reading at: a checkpoint's, or 0. */
  auditResumedAt = 0;
  private readonly attempts: AttemptLog;
  /** Audit events this process committed, in order, until the audit reader reads them back. */
  private written: Array<{ event: AuditEvent; bytes: Buffer }> = [];
  private limits?: TransactionLimits;
  private progress?: PartitionProgress;
  private progressAdmin?: Admin;
  private progressTimer?: NodeJS.Timeout;
  private ready = false;
  /** A transaction of the producer failed: it is replaced before the next one. */
  private producerSuspect = false;
  /** Set when the consumer crashed and will not restart. */
  private fatal?: Error;
  private readonly groupId: string;
  /** Why the last batch could not read the delivery ledger (it waits and tries again). */
  private ledgerWaits?: string;

  constructor(private readonly options: GatewayOptions) {
    const { connection, instanceId, logger } = options;
    this.groupId = options.groupId ?? GATEWAY_GROUP;
    // The gateway principal's ACLs cover its groups and transactional ids by prefix (topology.ts).
    if (!this.groupId.startsWith(SERVICE_GROUP_PREFIXES.gateway)) {
      throw new ConfigError(`--group: "${this.groupId}" must start with "${SERVICE_GROUP_PREFIXES.gateway}", the prefix of the groups ${SERVICE_PRINCIPALS.gateway} may use`);
    }
    this.kafka = createKafka({ connection, credentials: serviceCredentials(connection, 'gateway'), clientId: `liaison-gateway-${instanceId}`, logger });
    this.registry = new ContractRegistry(connection.registryUrl);
    this.chain = new AuditChain(`gateway-${instanceId}`);
    this.now = options.now ?? Date.now;
    this.attempts = new AttemptLog(this.kafka, this.registry, this.groupId, instanceId, this.now);
    this.checkpoints = new AuditCheckpoints(this.kafka, this.registry, instanceId, logger, this.now);
    this.ledger = new DeliveryLedger(this.registry, logger, { now: this.now });
  }

  /** Consuming, the consumer alive, and no assigned partition stalled. */
  isReady(): boolean {
    return this.ready && !this.fatal && (this.progress?.stalled().length ?? 0) === 0 && this.ledger.problems().length === 0 && this.ledgerWaits === undefined;
  }

  /** Why the gateway is not ready, for /readyz and the logs. */
  notReadyBecause(): string[] {
    if (!this.ready) return ['starting: reading the delivery ledger and the audit trail'];
    if (this.fatal) return [`the consumer stopped: ${this.fatal.message}`];
    return [...this.ledger.problems(), ...(this.ledgerWaits ? [`a batch waits for the delivery ledger: ${this.ledgerWaits}`] : []), ...(this.progress?.stalled() ?? []).map((p) => `${p.topic}[${p.partition}]: ${p.lag} records waiting, no progress for ${Math.round(p.stalledForMs / 1000)} s`)];
  }

  async start(): Promise<void> {
    const { logger } = this.options;
    // A start is never silent: every 30 s it says which step it is waiting on, and for how long.
    const began = Date.now();
    const starting = setInterval(() => logger.warn('gateway still starting', { step: this.startStep, seconds: Math.round((Date.now() - began) / 1000) }), 30_000);
    try {
      await this.startSteps();
    } finally {
      clearInterval(starting);
    }
  }

  /** What start() is waiting on, for the warnings of a long start. */
  private startStep = 'registering the schemas';

  private async startSteps(): Promise<void> {
    const { policy, logger, instanceId } = this.options;
    const parties = [...policy.parties.keys()];
    const step = (name: string) => {
      this.startStep = name;
    };
    await this.registerSchemas(parties);
    step('connecting the transactional producer');
    this.producer = this.kafka.producer(transactional(`liaison.gateway.${instanceId}`));
    await this.producer.connect();
    // InitProducerId first: it fences an earlier incarnation of this instance and aborts its
    // open transaction, so the state readers below (read committed) are not held at that
    // transaction's first offset; and the first batch does not wait for the coordinator
    // (kafkajs would send it on the first transaction, while no heartbeat goes out).
    step('fencing the previous incarnation (InitProducerId)');
    await (await this.producer.transaction()).abort();
    step('opening the database');
    const url = this.options.connection.databases?.gateway;
    if (!url) throw new ConfigError('no database for the gateway: set DATABASE_URL, or start the embedded stack with `make up`');
    this.db = await Database.open({ url, service: 'gateway', logger });
    step('storing the delivery ledger');
    await this.ledger.follow(this.kafka, this.db, parties, this.options.metrics.registry);
    step('reading the audit trail');
    this.chain.restore(await this.followAudit());
    logger.info('audit chain resumed', { chain: this.chain.chain, sequence: this.chain.snapshot().sequence });
    step('reading the policy reviews');
    await this.followPolicyReviews();
    step('reading the attempt log');
    await this.attempts.start();
    step('reading the size limits of the broker and topics');
    this.limits = await this.transactionLimits(parties);
    const { partitions, ...bounds } = this.limits;
    logger.info('transaction bounds', { ...bounds, topics: partitions.size });

    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    this.progressAdmin = this.kafka.admin();
    step('connecting the admin client');
    await this.progressAdmin.connect();
    const progress = new PartitionProgress(this.progressAdmin, this.groupId, this.options.stallAfterMs ?? 60_000, this.now);
    this.progress = progress;
    const consumer = this.consumer;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart) {
        logger.warn('consumer crashed, restarting', { error: payload.error.message });
        return;
      }
      this.fatal = payload.error;
      logger.error('consumer stopped for good; the gateway is not ready', { error: payload.error.message });
      this.options.onFatal?.(payload.error);
    });
    // A fetch of only aborted records or transaction markers never reaches processBatch: its end
    // is committed here, so the group's offset (the one measure of lag, readiness, the stall
    // alert and the ops console's backlog) moves past what a read-committed consumer never gets.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) this.passUndelivered(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
    });
    step('connecting the consumer');
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: gatewayInputs(parties), fromBeginning: true });
    const processor = new NoticeProcessor(policy, this.options.keys, this.registry, `gateway-${instanceId}`);
    const joined = new Promise<void>((resolve) =>
      this.consumer!.on(this.consumer!.events.GROUP_JOIN, ({ payload }) => {
        // Partitions given away may come back after a crash elsewhere: their next first batch is counted again.
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) for (const p of partitions) this.attempts.forget(topic, p);
        progress.assign(payload.memberAssignment);
        resolve();
      }),
    );
    step('joining the consumer group');
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(processor, payload),
    });
    const joining = setInterval(() => logger.warn('still joining the consumer group', { group: this.groupId }), 30_000);
    await joined.finally(() => clearInterval(joining));
    const poll = () => {
      void progress.poll().catch((error: Error) => logger.warn('lag check failed', { error: error.message }));
      this.ledger.prune();
      void this.ledger.refreshWaiting().catch((error: Error) => logger.warn('held copies waiting not read', { error: error.message }));
    };
    poll();
    this.progressTimer = setInterval(poll, this.options.progressIntervalMs ?? 5_000);
    this.ready = true;
    logger.info('gateway consuming', { instance: instanceId, outboxes: parties.length, policyVersion: policy.version });
  }

  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.progressTimer);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.attempts.stop();
    await this.progressAdmin?.disconnect();
    await this.ledger.stop();
    await this.db?.close();
    await this.auditReader?.stop();
    await this.reviewReader?.stop();
    // What this process verified, for the next start (after the reader stopped: nothing moves any more);
    // not waited for long on a cluster that does not answer (a lost checkpoint only lengthens the next start).
    await Promise.race([this.checkpoint?.(), sleep(5_000)]);
    await this.checkpoints.stop();
  }

  /** Copies waiting for their origin's DPO, for the held-copy metrics. */
  heldWaiting(): Array<{ origin: string; destination: string; since: number }> {
    return this.ledger.heldWaiting();
  }

  /**
   * Records each outbox holds beyond the group's committed offset, over the partitions this
   * instance consumes (so instances add up), measured apart from batches: a stalled gateway
   * shows a growing lag.
   */
  lag(): Map<string, number> {
    const byOrigin = new Map<string, number>();
    for (const p of this.progress?.partitions() ?? []) {
      const origin = partyOfTopic('outbox', p.topic);
      if (origin === null) continue;
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + p.lag);
    }
    return byOrigin;
  }

  /** Partitions with records waiting and no progress for the stall time. */
  /** Ledger entries committed here and not yet stored by the ledger's reader. */
  ledgerPending(): number {
    return this.ledger.pending;
  }

  stalledPartitions(): number {
    return this.progress?.stalled().length ?? 0;
  }

  /**
   * Reads max.message.bytes of the broker and of every topic the gateway writes: one produce
   * request stays below the smallest, whatever the cluster is configured with.
   */
  private async transactionLimits(parties: string[]): Promise<TransactionLimits> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const written = [...parties.flatMap((p) => [topics.inbox(p), topics.reports(p)]), topics.audit, topics.dlq, topics.held];
      const cluster = await admin.describeCluster();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.BROKER, name: String(cluster.controller ?? cluster.brokers[0]!.nodeId), configNames: ['message.max.bytes'] },
          ...written.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
        ],
      });
      const values = described.resources.flatMap((r) => r.configEntries.map((e) => Number(e.configValue))).filter((n) => Number.isFinite(n) && n > 0);
      const brokerBytes = Math.min(...values, 1_048_588);
      const requestBytes = Math.floor(brokerBytes * 0.9);
      const metadata = await admin.fetchTopicMetadata({ topics: written });
      const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
      return { brokerBytes, requestBytes, transactionBytes: Math.max(requestBytes * 8, 4_000_000), transactionRecords: this.options.transactionRecords ?? 2_000, partitions };
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Subject per topic value, registered up front so national systems find them; a registry that
   * fails or does not answer in time is asked again, five times, before the start fails.
   */
  private async registerSchemas(parties: string[]): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.registerSchemasOnce(parties);
      } catch (error) {
        if (attempt >= 5) throw error;
        this.options.logger.warn('schema registration failed, trying again', { attempt, error: (error as Error).message });
        await sleep(2_000 * attempt);
      }
    }
  }

  private async registerSchemasOnce(parties: string[]): Promise<void> {
    await Promise.all([
      ...parties.flatMap((p) => [
        this.registry.idFor(topics.outbox(p), 'notice'),
        this.registry.idFor(topics.outbox(p), 'receipt'),
        this.registry.idFor(topics.outbox(p), 'forwardingPermission'),
        this.registry.idFor(topics.inbox(p), 'noticeCopy'),
        this.registry.idFor(topics.inbox(p), 'forwardingPermission'),
        this.registry.idFor(topics.reports(p), 'deliveryReport'),
        this.registry.idFor(topics.reports(p), 'receipt'),
      ]),
      this.registry.idFor(topics.audit, 'auditEvent'),
      this.registry.idFor(topics.dlq, 'deadLetter'),
      this.registry.idFor(topics.held, 'noticeCopy'),
      this.registry.idFor(topics.heldDecisions, 'heldDecision'),
      this.registry.idFor(topics.lookups, 'indexLookup'),
      this.registry.idFor(topics.policyReviews, 'policyReview'),
      this.registry.idFor(topics.gatewayAttempts, 'batchAttempt'),
      this.registry.idFor(topics.gatewayCheckpoints, 'auditCheckpoint'),
    ]);
  }

  /**
   * Follows the audit topic from the newest checkpoint (or its first event): verifies every chain
   * as events arrive (liaison_audit_chain_intact; rule 13), writes a checkpoint every
   * CHECKPOINT_EVERY events and once caught up, and returns the last committed event of this
   * instance's chain, so a restart continues it.
   */
  /**
   * Whether a data protection officer reviewed the policy version in force (`liaison policy diff
   * --record`): said at start, kept in liaison_policy_reviewed, and updated when a review arrives.
   * The review itself goes into the audit trail through the consumer (POLICY_REVIEWED).
   */
  private async followPolicyReviews(): Promise<void> {
    const { logger, metrics, policy } = this.options;
    let reviewed: EuLiaison.PolicyReview | undefined;
    metrics.policyReviewed(false);
    this.reviewReader = await readFromStart(this.kafka, { topics: [topics.policyReviews], groupPrefix: 'liaison.gateway.reviews.', follow: true }, async (message) => {
      try {
        const review = await this.registry.decode(message.value, 'policyReview');
        if (review.toVersion !== policy.version) return;
        if (reviewed && this.reviewReader) logger.info('policy version in force reviewed again', { version: policy.version, reviewedBy: review.reviewedBy, changes: review.changes });
        reviewed = review;
        metrics.policyReviewed(true);
      } catch (error) {
        if (decisionOf(error) === 'retry') throw error;
        // Dead-lettered with its reason when the consumer reaches it; not a review of anything here.
      }
    });
    await this.reviewReader.caughtUp;
    if (reviewed) logger.info('policy version in force was reviewed', { version: policy.version, reviewedBy: reviewed.reviewedBy, reviewedAt: new Date(reviewed.reviewedAt).toISOString(), changes: reviewed.changes, fromVersion: reviewed.fromVersion });
    else logger.warn('policy version in force has no recorded review (liaison policy diff --record): liaison_policy_reviewed is 0', { version: policy.version });
  }

  private async followAudit(): Promise<ChainHead> {
    const { logger, metrics } = this.options;
    this.startStep = 'reading the audit checkpoints';
    const prefix = await this.checkpoints.load();
    this.startStep = 'reading the audit trail';
    const permissions: Permission[] = [...(prefix?.permissions ?? [])];
    for (const p of permissions) this.ledger.permit(p.permissionId, { provider: p.provider, grantedTo: p.grantedTo, noticeId: p.noticeId });
    if (prefix) {
      this.verifier = ChainVerifier.resume(prefix);
      logger.info('audit trail resumed from a checkpoint', { nextOffset: prefix.nextOffset, events: prefix.events, chains: prefix.chains.size, intact: !prefix.broken });
    }
    const last = new Map<string, ChainHead>(this.verifier.chains);
    metrics.auditIntact.set(this.verifier.broken ? 0 : 1);
    metrics.auditEvents.set(this.verifier.events);
    let nextOffset = prefix?.nextOffset ?? 0;
    this.auditResumedAt = nextOffset;
    let sinceCheckpoint = 0;
    const checkpoint = () => {
      sinceCheckpoint = 0;
      return this.checkpoints.save({ nextOffset, events: this.verifier.events, chains: new Map(this.verifier.chains), broken: this.verifier.broken, permissions: [...permissions] });
    };
    this.checkpoint = checkpoint;
    const from = new Map([[`${topics.audit}:0`, nextOffset]]);
    this.auditReader = await readFromStart(this.kafka, { topics: [topics.audit], groupPrefix: 'liaison.gateway.audit.', follow: true, from, progress: { logger, what: 'the audit trail' } }, async (message) => {
      nextOffset = Number(message.offset) + 1;
      sinceCheckpoint += 1;
      let event: AuditEvent;
      // An event this process wrote, read back byte for byte as written: its hash was computed when it was
      // appended, so it is verified without decoding and hashing it again (any other byte is read in full).
      const own = message.value && this.written[0]?.bytes.equals(message.value) ? this.written.shift() : undefined;
      try {
        event = own?.event ?? (await this.registry.decode(message.value, 'auditEvent'));
      } catch (error) {
        if (!isDeadLetterError(error)) throw error;
        if (!this.verifier.broken) logger.error('audit trail holds an unreadable record', { offset: message.offset });
        this.verifier.broken ??= { chain: '?', sequence: -1, offset: message.offset, problem: error.message };
        metrics.auditIntact.set(0);
        return;
      }
      // Entries the reader passed before this process queued them (a race with the commit) are done with.
      while (this.written[0] && this.written[0].event.chain === event.chain && this.written[0].event.sequence <= event.sequence) this.written.shift();
      last.set(event.chain, { sequence: event.sequence, hash: event.hash });
      // Rule 11: a forward may cite a permission only once the gateway delivered it.
      if (event.action === 'FORWARDING_PERMITTED' && event.origin && event.destination && event.noticeId && event.details.permissionId) {
        const permission = { permissionId: event.details.permissionId, provider: event.origin, grantedTo: event.destination, noticeId: event.noticeId };
        permissions.push(permission);
        this.ledger.permit(permission.permissionId, { provider: permission.provider, grantedTo: permission.grantedTo, noticeId: permission.noticeId });
      }
      const known = this.verifier.broken;
      const broken = this.verifier.add(event, message.offset, own?.event.hash);
      metrics.auditEvents.set(this.verifier.events);
      if (broken) {
        metrics.auditIntact.set(0);
        if (!known) logger.error('audit chain broken', { chain: broken.chain, sequence: broken.sequence, offset: broken.offset, problem: broken.problem });
      }
      if (sinceCheckpoint >= CHECKPOINT_EVERY) void checkpoint();
    });
    await this.auditReader.caughtUp;
    if (sinceCheckpoint > 0) void checkpoint();
    return last.get(this.chain.chain) ?? this.chain.snapshot();
  }

  /**
   * One fetched batch of one partition, as one or more bounded transactions: each produces at
   * most `transactionRecords` input records' output and `transactionBytes` bytes, in produce
   * requests below the broker's record-batch limit, and commits its own offsets.
   */
  private async processBatch(processor: NoticeProcessor, payload: EachBatchPayload): Promise<void> {
    const { batch, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const { logger } = this.options;
    // A first offset this group started before without finishing (a crash, here or elsewhere): work on it alone,
    // and after maxAttempts dead-letter it unprocessed, so one record cannot stop the exchange.
    const attempt = await this.attempts.begin(batch.topic, batch.partition, batch.messages[0]!.offset);
    const messages = attempt > 1 ? batch.messages.slice(0, 1) : batch.messages;
    if (attempt > 1) logger.warn('batch retried after an unfinished attempt: its first record alone', { topic: batch.topic, partition: batch.partition, offset: messages[0]!.offset, attempt });
    let next = 0;
    try {
      while (next < messages.length && isRunning() && !isStale()) {
        next = await this.transact(processor, payload, messages, next, attempt);
      }
    } catch (error) {
      // Not the record's fault: whatever a record can cause is dead-lettered inside handle(), so
      // what reaches here is the cluster, the registry, a rebalance or a gateway that must restart.
      // Never counted towards dead-lettering the record: only a process that dies mid-batch is.
      this.attempts.release(batch.topic, batch.partition);
      throw error;
    }
    this.attempts.finish(batch.topic, batch.partition);
  }

  /**
   * A new producer of the same transactional id: InitProducerId fences the old one and makes the
   * coordinator finish its transaction (a commit it had begun is completed, anything else aborted).
   */
  private async renewProducer(): Promise<void> {
    const old = this.producer;
    this.producer = undefined;
    await old?.disconnect().catch(() => {});
    const producer = this.kafka.producer(transactional(`liaison.gateway.${this.options.instanceId}`));
    await producer.connect();
    try {
      await (await producer.transaction()).abort();
    } catch (error) {
      await producer.disconnect().catch(() => {});
      throw error;
    }
    this.producer = producer;
    this.producerSuspect = false;
  }

  /**
   * Commits `next` for a partition whose fetch held nothing to deliver. Outside any transaction:
   * nothing was produced for these records, and kafkajs hands a partition's next batch only after
   * the previous one was committed, so no offset below `next` is left behind. A failed commit is
   * retried by the next fetch after a restart; meanwhile this process counts the position.
   */
  private passUndelivered(topic: string, partition: number, next: number): void {
    this.progress?.advanced(topic, partition, next);
    void this.consumer
      ?.commitOffsets([{ topic, partition, offset: String(next) }])
      .catch((error: Error) => this.options.logger.warn('offset past aborted records or markers not committed; it is again after a restart', { topic, partition, offset: next, error: error.message }));
  }

  /** The group's committed offset of a partition (-1 when none), once any transaction of this producer is finished. */
  private async committedOffset(topic: string, partition: number): Promise<number> {
    const [offsets] = await this.progressAdmin!.fetchOffsets({ groupId: this.groupId, topics: [topic] });
    return Number(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }

  /**
   * Loads what the ledger holds of the notices the records name. While the database does not
   * answer, the batch waits here, heartbeating, and the gateway says why it
   * is not ready: nothing is dead-lettered for it, and the consumer is not crashed over and over.
   */
  private async prepareLedger(processor: NoticeProcessor, ledger: LedgerBatch, records: OutboxRecord[], { heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    // The registry unreachable while decoding is the batch's to retry, as for any record (the stall says so).
    const ids = await processor.referencedNotices(records);
    for (let wait = 200; ; wait = Math.min(wait * 2, 5_000)) {
      try {
        await ledger.prepare(ids);
        if (this.ledgerWaits) this.options.logger.info('delivery ledger readable again; the batch goes on');
        this.ledgerWaits = undefined;
        return;
      } catch (error) {
        if (decisionOf(error) !== 'retry' || !isRunning() || isStale()) throw error;
        const reason = (error as Error).message;
        if (this.ledgerWaits !== reason) this.options.logger.warn('the delivery ledger cannot be read; the batch waits', { error: reason });
        this.ledgerWaits = reason;
        await sleep(wait);
        await heartbeat();
      }
    }
  }

  /** Processes messages from `from` in one transaction until a bound is reached; returns the index after the last one committed. */
  private async transact(processor: NoticeProcessor, payload: EachBatchPayload, messages: KafkaMessage[], from: number, attempt: number): Promise<number> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const { logger, metrics } = this.options;
    const limits = this.limits!;
    const started = process.hrtime.bigint();
    // After a commit whose outcome could not be told nothing more is processed: the process restarts.
    if (this.fatal) throw this.fatal;
    if (this.producerSuspect) await this.renewProducer();
    // What the ledger holds of the notices these records name, in one query, before the transaction begins.
    const ledger = this.ledger.batch();
    const ahead = messages.slice(from, from + limits.transactionRecords).map((m) => ({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value }));
    await this.prepareLedger(processor, ledger, ahead, payload);
    const transaction = await this.producer!.transaction();
    const observed: Array<() => void> = [];
    const head = this.chain.snapshot();
    const output = new TransactionOutput(transaction, limits.requestBytes, limits.partitions);
    let index = from;
    /** Set once the commit is asked for: from then on a failure may hide a commit that happened. */
    let committing: { offset: number; last: string } | undefined;
    const committed = (offset: number, last: string) => {
      this.progress?.advanced(batch.topic, batch.partition, offset);
      this.written.push(...output.audited);
      if (this.written.length > 100_000) this.written.splice(0, this.written.length - 100_000); // a stalled reader reads them in full later
      resolveOffset(last);
    };
    try {
      while (index < messages.length && index - from < limits.transactionRecords && output.bytes < limits.transactionBytes) {
        if (!isRunning() || isStale()) break;
        const message = messages[index]!;
        const { result, encoded } = await this.handle(processor, { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value }, attempt, ledger);
        await output.add(encoded);
        for (const entry of result.ledger) ledger.apply(entry);
        const submittedAt = Number(message.timestamp);
        observed.push(() => this.observe(result, submittedAt));
        index += 1;
        await heartbeat();
      }
      if (index === from) {
        await transaction.abort();
        return index;
      }
      await output.drain();
      const last = messages[index - 1]!.offset;
      // Past trailing control records too when the whole fetched batch was handled: markers are never committed otherwise.
      const whole = messages === batch.messages && index === messages.length;
      const offset = whole ? Math.max(Number(last) + 1, Number(batch.lastOffset()) + 1) : Number(last) + 1;
      committing = { offset, last };
      await transaction.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(offset) }] }],
      });
      await transaction.commit();
      committed(offset, last);
    } catch (error) {
      await output.settle();
      metrics.transactionAborts.inc();
      // After a failure kafkajs's producer is not to be trusted: an abort that failed leaves it
      // unable to begin another transaction, and a commit that failed may have been written.
      // A new incarnation (InitProducerId) finishes whatever the coordinator holds of this one.
      this.producerSuspect = true;
      let outcome: 'committed' | 'aborted' | 'unknown' = committing ? 'unknown' : 'aborted';
      // Only a commit's outcome is worth waiting for (the cluster may be electing leaders); any
      // other failure was an abort, and the producer is renewed before the next transaction.
      const deadline = Date.now() + COMMIT_OUTCOME_WAIT_MS;
      for (let wait = 100; ; wait = Math.min(wait * 2, 5_000)) {
        try {
          await this.renewProducer();
          if (committing) outcome = (await this.committedOffset(batch.topic, batch.partition)) >= committing.offset ? 'committed' : 'aborted';
          break;
        } catch (renewal) {
          if (!committing || Date.now() + wait > deadline) {
            logger.warn('producer not renewed after a failed transaction; retried before the next one', { error: (renewal as Error).message });
            break;
          }
          await sleep(wait);
        }
      }
      if (committing) metrics.failedCommits.inc({ outcome });
      if (outcome === 'committed' && committing) {
        logger.warn('a commit reported as failed had been written; the batch is not consumed again', { topic: batch.topic, partition: batch.partition, error: (error as Error).message });
        committed(committing.offset, committing.last);
      } else {
        this.chain.restore(head);
        // A rebalance (an instance joining or leaving the group) is routine: said, not alarmed.
        const rebalance = (error as { type?: string }).type === 'REBALANCE_IN_PROGRESS';
        logger[rebalance ? 'warn' : 'error'](rebalance ? 'batch given back for a rebalance, transaction aborted; it will be consumed again' : 'batch failed, transaction aborted; the batch will be consumed again', {
          topic: batch.topic,
          partition: batch.partition,
          error: (error as Error).message,
        });
        if (outcome === 'unknown') {
          // Neither outcome can be told: only a restart, which rebuilds the ledger and the audit chain from Kafka, is safe.
          const fatal = new Error(`the outcome of a commit on ${batch.topic}[${batch.partition}] cannot be told (${(error as Error).message})`);
          this.fatal = fatal;
          this.options.onFatal?.(fatal);
        }
        throw error;
      }
    }
    ledger.commit();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const observe of observed) {
      observe();
      metrics.processing.observe(seconds / observed.length);
    }
    return index;
  }

  /**
   * One record: processed and encoded, or dead-lettered with the reason when that fails for a
   * reason of its own (a `retry` error is thrown: the batch waits). After `maxAttempts` starts
   * without finishing, the record is dead-lettered unprocessed.
   */
  private async handle(processor: NoticeProcessor, record: OutboxRecord, attempt: number, ledger: LedgerView): Promise<{ result: Processed; encoded: Encoded[] }> {
    const { logger } = this.options;
    const limits = this.limits!;
    const now = this.now();
    const before = this.chain.snapshot();
    let failure: { code: DeadLetterCode; reason: string };
    if (attempt >= (this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
      failure = { code: 'POISON_RECORD', reason: `the gateway started on this record ${attempt} times without finishing (it crashed or was killed); dead-lettered without processing` };
    } else {
      try {
        const result = await processor.process(record, now, ledger);
        const encoded = await this.encodeAll(result);
        const oversized = encoded.find((e) => sizeOf(e.message) > limits.requestBytes);
        if (!oversized) return { result, encoded };
        failure = { code: 'TOO_LARGE', reason: `a record for ${oversized.topic} would be ${sizeOf(oversized.message)} bytes, above the ${limits.requestBytes} bytes one produce request may carry (the broker's limit is ${limits.brokerBytes})` };
      } catch (error) {
        // The registry or Kafka is unreachable: the whole batch waits and is consumed again.
        if (decisionOf(error) === 'retry') throw error;
        failure = { code: isDeadLetterError(error) ? error.code : 'PROCESSING_FAILED', reason: (error as Error).message };
      }
    }
    this.chain.restore(before);
    // The original bytes go with the reason unless they alone are beyond the limit (they stay in the outbox).
    const fits = sizeOf({ key: record.key, value: record.value }) <= limits.requestBytes - 4_096;
    const result = processor.deadLetter(fits ? record : { ...record, value: null }, now, failure.code, failure.reason);
    logger.error('record dead-lettered: the gateway could not process it', { topic: record.topic, partition: record.partition, offset: record.offset, reason: failure.code, error: failure.reason });
    return { result, encoded: await this.encodeAll(result) };
  }

  /** Every record a result produces, audit events chained, encoded; throws before anything is kept. */
  private async encodeAll(result: Processed): Promise<Encoded[]> {
    const encoded: Encoded[] = [];
    for (const out of result.outgoing) encoded.push({ topic: out.topic, message: { key: out.key, value: await this.encode(out) } });
    for (const facts of result.audit) {
      const event = this.chain.append(facts);
      encoded.push({ topic: topics.audit, message: { key: this.chain.chain, value: await this.registry.encode(topics.audit, 'auditEvent', event) }, event });
    }
    return encoded;
  }

  private encode(out: Outgoing): Promise<Buffer> {
    return this.registry.encode<typeof out.name>(out.topic, out.name, out.value);
  }

  private observe(result: Processed, submittedAt: number): void {
    const { metrics, logger } = this.options;
    switch (result.kind) {
      case 'dead-lettered':
        metrics.deadLetters.inc({ reason: result.code });
        logger.warn('notice dead-lettered', { noticeId: result.notice?.noticeId, caseRef: result.notice?.caseRef, origin: result.origin, reason: result.code });
        return;
      case 'held-decision': {
        const d = result.decision;
        metrics.heldDecisions.inc({ origin: result.origin, destination: d.destination, decision: d.decision });
        if (d.decision === 'REJECT') metrics.blocked.inc({ origin: result.origin, destination: d.destination, rule: RULES.thirdCountry });
        logger.info('held copy decided', { noticeId: d.noticeId, origin: result.origin, destination: d.destination, decision: d.decision });
        return;
      }
      case 'receipt':
        metrics.receipts.inc({ recipient: result.receipt.recipient, status: result.receipt.status });
        logger.info('receipt relayed', { noticeId: result.receipt.noticeId, recipient: result.receipt.recipient, status: result.receipt.status });
        return;
      case 'permission':
        metrics.permissions.inc({ provider: result.permission.provider, granted_to: result.permission.grantedTo });
        logger.info('forwarding permission delivered', { noticeId: result.permission.noticeId, origin: result.origin, destination: result.permission.grantedTo });
        return;
      case 'lookup':
        metrics.indexLookups.inc({ asker: result.origin, agreement: result.lookup.agreement, outcome: result.hits > 0 ? 'hit' : 'no_hit' });
        logger.info('index lookup audited', { lookupId: result.lookup.lookupId, agreement: result.lookup.agreement, asker: result.origin, identifiers: result.lookup.identifiers.length, hits: result.hits });
        return;
      case 'policy-review':
        logger.info('policy review audited', { reviewId: result.review.reviewId, fromVersion: result.review.fromVersion, toVersion: result.review.toVersion, reviewedBy: result.review.reviewedBy, changes: result.review.changes });
        return;
      case 'duplicate':
        metrics.duplicates.inc({ origin: result.origin });
        logger.info('resubmitted notice ignored', { origin: result.origin });
        return;
      case 'routed':
        return this.observeRouted(result, submittedAt);
      default: {
        const unknown: never = result;
        throw new Error(`unhandled result ${JSON.stringify(unknown)}`);
      }
    }
  }

  private observeRouted({ notice, origin, decisions }: Extract<Processed, { kind: 'routed' }>, submittedAt: number): void {
    const { metrics, logger } = this.options;
    metrics.notices.inc({ origin, kind: notice.kind, priority: notice.priority });
    const committed = this.now();
    for (const d of decisions) {
      metrics.deliveries.inc({ origin, destination: d.destination, status: d.status, kind: notice.kind, priority: notice.priority });
      for (const area of notice.crimeAreas) metrics.crimeAreas.inc({ origin, destination: d.destination, crime_area: area, status: d.status });
      const rule = blockingRule(d);
      if (rule) metrics.blocked.inc({ origin, destination: d.destination, rule });
      if (d.deliver.length > 0 && submittedAt > 0) metrics.latency.observe({ destination: d.destination }, Math.max(0, committed - submittedAt) / 1000);
      for (const a of d.fieldActions) metrics.fieldActions.inc({ destination: d.destination, rule: a.rule, action: a.action });
      logger.info('delivery decision', { noticeId: notice.noticeId, caseRef: notice.caseRef, origin, destination: d.destination, status: d.status, agreement: d.agreement });
    }
  }
}
