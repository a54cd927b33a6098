/**
 * The gateway's Kafka edge: consumes every outbox as one consumer group and, per batch,
 * produces copies, held copies, reports, audit events and dead letters together with the
 * consumed offsets in one transaction (exactly-once consume-transform-produce).
 */
import kafkajs, { type Consumer, type EachBatchPayload, type Kafka, type Message, type Producer } from 'kafkajs';
import type { Connection } from '../shared/connection.ts';
import type { EuLiaison } from '../shared/contract-types.ts';
import { createKafka } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { ContractRegistry, DecodeError } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { AuditChain, ChainVerifier, type AuditEvent, type ChainHead } from './audit-chain.ts';
import { DeliveryLedger, followReports } from './delivery-ledger.ts';
import type { GatewayMetrics } from './metrics.ts';
import { NoticeProcessor, type Outgoing, type Processed } from './notice-processor.ts';
import { blockingRule } from './policy-engine.ts';
import type { PseudonymKey } from './policy-engine.ts';
import type { Policy } from './policy.ts';

export const GATEWAY_GROUP = 'liaison.gateway';
const { Partitioners } = kafkajs;

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
}

export class Gateway {
  private readonly kafka: Kafka;
  private readonly registry: ContractRegistry;
  private readonly ledger = new DeliveryLedger();
  private readonly chain: AuditChain;
  private readonly now: () => number;
  private producer?: Producer;
  private consumer?: Consumer;
  private ledgerReader?: TopicReader;
  private auditReader?: TopicReader;
  private readonly verifier = new ChainVerifier();
  /** Records not yet consumed, by outbox topic:partition, as of the last batch. */
  private readonly lagByPartition = new Map<string, number>();
  private ready = false;
  private readonly groupId: string;

  constructor(private readonly options: GatewayOptions) {
    const { connection, instanceId, logger } = options;
    this.kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: `liaison-gateway-${instanceId}`, logger });
    this.registry = new ContractRegistry(connection.registryUrl);
    this.chain = new AuditChain(`gateway-${instanceId}`);
    this.now = options.now ?? Date.now;
    this.groupId = options.groupId ?? GATEWAY_GROUP;
  }

  isReady(): boolean {
    return this.ready;
  }

  async start(): Promise<void> {
    const { policy, logger, instanceId } = this.options;
    const parties = [...policy.parties.keys()];
    await this.registerSchemas(parties);
    this.ledgerReader = await followReports(this.kafka, this.registry, this.ledger, parties, logger);
    this.chain.restore(await this.followAudit());
    logger.info('audit chain resumed', { chain: this.chain.chain, sequence: this.chain.snapshot().sequence });

    this.producer = this.kafka.producer({
      transactionalId: `liaison.gateway.${instanceId}`,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      // Exactly-once needs the idempotent producer to retry without limit.
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
    });
    await this.producer.connect();
    // InitProducerId before consuming: it fences an earlier incarnation of this instance and
    // aborts its open transaction, and the first batch does not wait for the coordinator
    // (kafkajs would send it on the first transaction, while no heartbeat goes out).
    await (await this.producer.transaction()).abort();
    this.consumer = this.kafka.consumer({
      groupId: this.groupId,
      readUncommitted: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...parties.map((p) => topics.outbox(p)), topics.heldDecisions], fromBeginning: true });
    const processor = new NoticeProcessor(policy, this.options.keys, this.registry, `gateway-${instanceId}`);
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.processBatch(processor, payload),
    });
    await joined;
    this.ready = true;
    logger.info('gateway consuming', { instance: instanceId, outboxes: parties.length, policyVersion: policy.version });
  }

  async stop(): Promise<void> {
    this.ready = false;
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    await this.ledgerReader?.stop();
    await this.auditReader?.stop();
  }

  /** Copies waiting for their origin's DPO, for the held-copy metrics. */
  heldWaiting(): Array<{ origin: string; destination: string; since: number }> {
    return this.ledger.heldWaiting();
  }

  /** Records each outbox holds that no batch has consumed yet (as of the last batch of each partition). */
  lag(): Map<string, number> {
    const byOrigin = new Map<string, number>();
    for (const [key, lag] of this.lagByPartition) {
      const origin = key.slice('liaison.outbox.'.length, key.lastIndexOf(':'));
      byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + lag);
    }
    return byOrigin;
  }

  /** Subject per topic value, registered up front so national systems find them. */
  private async registerSchemas(parties: string[]): Promise<void> {
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
    ]);
  }

  /**
   * Follows the audit topic from its first event: verifies every chain as events arrive
   * (liaison_audit_chain_intact; rule 13) and returns the last committed event of this
   * instance's chain, so a restart continues it.
   */
  private async followAudit(): Promise<ChainHead> {
    const { logger, metrics } = this.options;
    const last = new Map<string, ChainHead>();
    metrics.auditIntact.set(1);
    this.auditReader = await readFromStart(this.kafka, { topics: [topics.audit], groupPrefix: 'liaison.gateway.audit.', follow: true }, async (message) => {
      let event: AuditEvent;
      try {
        event = await this.registry.decode<AuditEvent>(message.value, 'auditEvent');
      } catch (error) {
        if (!(error instanceof DecodeError)) throw error;
        if (!this.verifier.broken) logger.error('audit trail holds an unreadable record', { offset: message.offset });
        this.verifier.broken ??= { chain: '?', sequence: -1, offset: message.offset, problem: error.message };
        metrics.auditIntact.set(0);
        return;
      }
      last.set(event.chain, { sequence: event.sequence, hash: event.hash });
      const known = this.verifier.broken;
      const broken = this.verifier.add(event, message.offset);
      metrics.auditEvents.set(this.verifier.events);
      if (broken) {
        metrics.auditIntact.set(0);
        if (!known) logger.error('audit chain broken', { chain: broken.chain, sequence: broken.sequence, offset: broken.offset, problem: broken.problem });
      }
    });
    await this.auditReader.caughtUp;
    return last.get(this.chain.chain) ?? this.chain.snapshot();
  }

  private async processBatch(processor: NoticeProcessor, { batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const { logger, metrics } = this.options;
    const started = process.hrtime.bigint();
    const head = this.chain.snapshot();
    const transaction = await this.producer!.transaction();
    const produced = new Map<string, Message[]>();
    const ledger = this.ledger.batch();
    const observed: Array<() => void> = [];
    let last: string | undefined;
    try {
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break;
        const result = await processor.process(
          { topic: batch.topic, partition: batch.partition, offset: message.offset, key: message.key, value: message.value },
          this.now(),
          ledger,
        );
        const outgoing: Outgoing[] = [
          ...result.outgoing,
          ...result.audit.map((facts) => ({ topic: topics.audit, key: this.chain.chain, name: 'auditEvent' as const, value: this.chain.append(facts) })),
        ];
        for (const out of outgoing) {
          const value = await this.registry.encode(out.topic, out.name, out.value);
          const list = produced.get(out.topic) ?? [];
          list.push({ key: out.key, value });
          produced.set(out.topic, list);
          if (out.name === 'deliveryReport') ledger.record(out.value as EuLiaison.DeliveryReport);
          if (out.topic === topics.held) ledger.hold(out.value as EuLiaison.NoticeCopy);
        }
        const submittedAt = Number(message.timestamp);
        observed.push(() => this.observe(result, submittedAt));
        last = message.offset;
        await heartbeat();
      }
      if (last === undefined) {
        await transaction.abort();
        return;
      }
      await transaction.sendBatch({ topicMessages: [...produced].map(([topic, messages]) => ({ topic, messages })) });
      await transaction.sendOffsets({
        consumerGroupId: this.groupId,
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }] }],
      });
      await transaction.commit();
    } catch (error) {
      this.chain.restore(head);
      metrics.transactionAborts.inc();
      await transaction.abort().catch(() => {});
      logger.error('batch failed, transaction aborted; the batch will be consumed again', {
        topic: batch.topic,
        partition: batch.partition,
        error: (error as Error).message,
      });
      throw error;
    }
    resolveOffset(last);
    ledger.commit();
    this.lagByPartition.set(`${batch.topic}:${batch.partition}`, Math.max(0, Number(batch.highWatermark) - Number(last) - 1));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const observe of observed) {
      observe();
      metrics.processing.observe(seconds / observed.length);
    }
  }

  private observe(result: Processed, submittedAt: number): void {
    const { metrics, logger } = this.options;
    if (result.deadLetter) {
      metrics.deadLetters.inc({ reason: result.deadLetter.code });
      logger.warn('notice dead-lettered', { noticeId: result.notice?.noticeId, caseRef: result.notice?.caseRef, origin: result.origin, reason: result.deadLetter.code });
      return;
    }
    if (result.heldDecision) {
      const d = result.heldDecision;
      metrics.heldDecisions.inc({ origin: result.origin, destination: d.destination, decision: d.decision });
      if (d.decision === 'REJECT') metrics.blocked.inc({ origin: result.origin, destination: d.destination, rule: 'rule-5-third-country' });
      logger.info('held copy decided', { noticeId: d.noticeId, origin: result.origin, destination: d.destination, decision: d.decision });
      return;
    }
    if (result.receipt) {
      metrics.receipts.inc({ recipient: result.receipt.recipient, status: result.receipt.status });
      logger.info('receipt relayed', { noticeId: result.receipt.noticeId, recipient: result.receipt.recipient, status: result.receipt.status });
      return;
    }
    if (result.permission) {
      metrics.permissions.inc({ provider: result.permission.provider, granted_to: result.permission.grantedTo });
      logger.info('forwarding permission delivered', { noticeId: result.permission.noticeId, origin: result.origin, destination: result.permission.grantedTo });
      return;
    }
    if (result.duplicate) {
      metrics.duplicates.inc({ origin: result.origin });
      logger.info('resubmitted notice ignored', { origin: result.origin });
      return;
    }
    const notice = result.notice!;
    const origin = result.origin!;
    metrics.notices.inc({ origin, kind: notice.kind, priority: notice.priority });
    const committed = this.now();
    for (const d of result.decisions) {
      metrics.deliveries.inc({ origin, destination: d.destination, status: d.status, kind: notice.kind, priority: notice.priority });
      for (const area of notice.crimeAreas) metrics.crimeAreas.inc({ origin, destination: d.destination, crime_area: area, status: d.status });
      const rule = blockingRule(d);
      if (rule) metrics.blocked.inc({ origin, destination: d.destination, rule });
      if (d.deliver.length > 0 && submittedAt > 0) metrics.latency.observe({ destination: d.destination }, Math.max(0, committed - submittedAt) / 1000);
      for (const a of d.fieldActions) metrics.fieldActions.inc({ destination: d.destination, rule: a.rule, action: a.action });
      logger.info('delivery decision', { noticeId: notice.noticeId, caseRef: notice.caseRef, origin: result.origin, destination: d.destination, status: d.status, agreement: d.agreement });
    }
  }
}
