/**
 * The gateway: consumes every outbox as one consumer group and hands each fetched batch to the
 * transaction runner. It starts and stops three parts, each with one job: the state followers
 * (the delivery ledger in PostgreSQL, the policy reviews), the audit follower (this instance's
 * chain, the trail verified, checkpoints) and the transaction runner (what each record becomes,
 * produced with the consumed offsets in one transaction); and it says whether it is ready.
 */
import type { Admin, Consumer, Kafka } from 'kafkajs';
import type { Policy, PseudonymKey } from '../policy/index.ts';
import { type Connection, serviceCredentials } from '../shared/connection.ts';
import { ConfigError } from '../shared/errors.ts';
import { createKafka } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { gatewayInputs, partyOfTopic, SERVICE_PRINCIPALS } from '../shared/topology.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';
import { AttemptLog, DEFAULT_MAX_ATTEMPTS } from './attempt-log.ts';
import { AuditFollower } from './audit-follower.ts';
import { DeliveryLedger } from './delivery-ledger.ts';
import { registerGatewaySchemas } from './gateway-schemas.ts';
import type { GatewayMetrics } from './metrics.ts';
import { PartitionProgress } from './partition-progress.ts';
import { RecordProcessor } from './records/records.ts';
import { StateFollowers } from './state-followers.ts';
import { readTransactionLimits } from './transaction-limits.ts';
import { TransactionRunner } from './transaction-runner.ts';

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
  /** The consumer stopped for good (kafkajs gave up), or a commit's outcome cannot be told: the process should exit so a supervisor restarts it. */
  onFatal?: (error: Error) => void;
}

export class Gateway {
  private readonly kafka: Kafka;
  private readonly registry: ContractRegistry;
  private readonly ledger: DeliveryLedger;
  private readonly state: StateFollowers;
  private readonly audit: AuditFollower;
  private readonly attempts: AttemptLog;
  private readonly now: () => number;
  private readonly groupId: string;
  private runner?: TransactionRunner;
  private consumer?: Consumer;
  private admin?: Admin;
  private progress?: PartitionProgress;
  private progressTimer?: NodeJS.Timeout;
  private ready = false;
  /** Set when the consumer crashed and will not restart. */
  private fatal?: Error;
  /** What start() is waiting on, for the warnings of a long start. */
  private startStep = 'registering the schemas';

  constructor(private readonly options: GatewayOptions) {
    const { connection, instanceId, logger, metrics } = options;
    this.groupId = options.groupId ?? GATEWAY_NAMES.group;
    // The gateway principal's ACLs cover its groups and transactional ids by prefix (topology.ts).
    if (!this.groupId.startsWith(GATEWAY_NAMES.group)) {
      throw new ConfigError(`--group: "${this.groupId}" must start with "${GATEWAY_NAMES.group}", the prefix of the groups ${SERVICE_PRINCIPALS.gateway} may use`);
    }
    this.kafka = createKafka({ connection, credentials: serviceCredentials(connection, 'gateway'), clientId: `liaison-gateway-${instanceId}`, logger });
    this.registry = new ContractRegistry(connection.registryUrl);
    this.now = options.now ?? Date.now;
    this.ledger = new DeliveryLedger(this.registry, logger, { now: this.now });
    this.state = new StateFollowers({ kafka: this.kafka, registry: this.registry, ledger: this.ledger, policy: options.policy, databaseUrl: connection.databases?.gateway, logger, metrics });
    this.audit = new AuditFollower({
      kafka: this.kafka,
      registry: this.registry,
      instanceId,
      logger,
      metrics,
      now: this.now,
      onPermission: (p) => this.ledger.permit(p.permissionId, { provider: p.provider, grantedTo: p.grantedTo, noticeId: p.noticeId }),
    });
    this.attempts = new AttemptLog(this.kafka, this.registry, this.groupId, instanceId, this.now);
  }

  /** The offset of liaison.audit this process started reading at: a checkpoint's, or 0. */
  get auditResumedAt(): number {
    return this.audit.resumedAt;
  }

  /** Consuming, the consumer alive, no assigned partition stalled, the ledger readable. */
  isReady(): boolean {
    return this.notReadyBecause().length === 0;
  }

  /** Why the gateway is not ready, for /readyz and the logs. */
  notReadyBecause(): string[] {
    if (!this.ready) return ['starting: reading the delivery ledger and the audit trail'];
    const fatal = this.fatal ?? this.runner?.fatal;
    if (fatal) return [`the consumer stopped: ${fatal.message}`];
    const waits = this.runner?.ledgerWaits;
    return [
      ...this.state.problems(),
      ...(waits ? [`a batch waits for the delivery ledger: ${waits}`] : []),
      ...(this.progress?.stalled() ?? []).map((p) => `${p.topic}[${p.partition}]: ${p.lag} records waiting, no progress for ${Math.round(p.stalledForMs / 1000)} s`),
    ];
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

  private async startSteps(): Promise<void> {
    const { policy, logger, instanceId, keys } = this.options;
    const parties = [...policy.parties.keys()];
    const step = (name: string) => {
      this.startStep = name;
    };
    await registerGatewaySchemas(this.registry, parties, logger);
    step('reading the size limits of the broker and topics');
    const limits = await readTransactionLimits(this.kafka, parties, this.options.transactionRecords ?? 2_000);
    const { partitions, ...bounds } = limits;
    logger.info('transaction bounds', { ...bounds, topics: partitions.size });
    step('connecting the admin client');
    this.admin = this.kafka.admin();
    await this.admin.connect();
    const progress = new PartitionProgress(this.admin, this.groupId, this.options.stallAfterMs ?? 60_000, this.now);
    this.progress = progress;
    const runner = new TransactionRunner({
      kafka: this.kafka,
      registry: this.registry,
      processor: new RecordProcessor(policy, keys, this.registry, `gateway-${instanceId}`),
      ledger: this.ledger,
      audit: this.audit,
      attempts: this.attempts,
      limits,
      groupId: this.groupId,
      instanceId,
      logger,
      metrics: this.options.metrics,
      now: this.now,
      maxAttempts: this.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      committedOffset: (topic, partition) => this.committedOffset(topic, partition),
      advanced: (topic, partition, offset) => progress.advanced(topic, partition, offset),
      onFatal: (error) => this.options.onFatal?.(error),
    });
    this.runner = runner;
    step('fencing the previous incarnation (InitProducerId)');
    await runner.start();
    // What the gateway reads before its first batch, each on its own and at once: the start is as
    // long as the longest of them (after a crash, the ledger's catch-up), not their sum.
    const reading = new Set(['the delivery ledger', 'the audit trail', 'the policy reviews', 'the attempt log']);
    const read = async (what: string, work: Promise<void>) => {
      await work;
      reading.delete(what);
      step(`reading ${[...reading].join(', ')}`);
    };
    step(`reading ${[...reading].join(', ')}`);
    await Promise.all([
      read('the delivery ledger', this.state.followLedger(parties)),
      read('the audit trail', this.audit.follow()),
      read('the policy reviews', this.state.followPolicyReviews()),
      read('the attempt log', this.attempts.start()),
    ]);
    step('joining the consumer group');
    await this.consume(parties, runner, progress);
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

  /** Joins the outboxes' consumer group and hands every batch to the runner; resolves once partitions are assigned. */
  private async consume(parties: string[], runner: TransactionRunner, progress: PartitionProgress): Promise<void> {
    const { logger } = this.options;
    const consumer = this.kafka.consumer({ groupId: this.groupId, readUncommitted: false, sessionTimeout: this.options.sessionTimeoutMs ?? 10_000, heartbeatInterval: 1_000 });
    this.consumer = consumer;
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
    // is committed here, or the partition would show records waiting and stall.
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) this.passUndelivered(payload.topic, payload.partition, Number(payload.lastOffset) + 1);
    });
    const joined = new Promise<void>((resolve) =>
      consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
        // Partitions given away may come back after a crash elsewhere: their next first batch is counted again.
        for (const [topic, partitions] of Object.entries(payload.memberAssignment)) for (const p of partitions) this.attempts.forget(topic, p);
        progress.assign(payload.memberAssignment);
        resolve();
      }),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: gatewayInputs(parties), fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => runner.processBatch(payload) });
    const joining = setInterval(() => logger.warn('still joining the consumer group', { group: this.groupId }), 30_000);
    await joined.finally(() => clearInterval(joining));
  }

  async stop(): Promise<void> {
    this.ready = false;
    clearInterval(this.progressTimer);
    await this.consumer?.disconnect();
    await this.runner?.stop();
    await this.attempts.stop();
    await this.admin?.disconnect();
    await this.state.stop();
    await this.audit.stop();
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

  /** Ledger entries committed here and not yet stored by the ledger's reader. */
  ledgerPending(): number {
    return this.ledger.pending;
  }

  /** Partitions with records waiting and no progress for the stall time. */
  stalledPartitions(): number {
    return this.progress?.stalled().length ?? 0;
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
    if (!this.admin) throw new Error('the admin client is not connected');
    const [offsets] = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [topic] });
    return Number(offsets?.partitions.find((p) => p.partition === partition)?.offset ?? -1);
  }
}
