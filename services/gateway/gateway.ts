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
import { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { AuditChain, type AuditEvent, type ChainHead } from './audit-chain.ts';
import { DeliveryLedger, followReports } from './delivery-ledger.ts';
import type { GatewayMetrics } from './metrics.ts';
import { NoticeProcessor, type Outgoing } from './notice-processor.ts';
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
    this.chain.restore(await this.chainHead());
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

  /** The last committed event of this instance's chain, so a restart continues it. */
  private async chainHead(): Promise<ChainHead> {
    let head: ChainHead = this.chain.snapshot();
    await readFromStart(this.kafka, { topics: [topics.audit], groupPrefix: 'liaison.gateway.audit-resume.', follow: false }, async (message) => {
      const event = await this.registry.decode<AuditEvent>(message.value, 'auditEvent');
      if (event.chain === this.chain.chain) head = { sequence: event.sequence, hash: event.hash };
    });
    return head;
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
        observed.push(() => this.observe(result));
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
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const observe of observed) {
      observe();
      metrics.processing.observe(seconds / observed.length);
    }
  }

  private observe(result: Awaited<ReturnType<NoticeProcessor['process']>>): void {
    const { metrics, logger } = this.options;
    if (result.deadLetter) {
      metrics.deadLetters.inc({ reason: result.deadLetter.code });
      logger.warn('notice dead-lettered', { noticeId: result.notice?.noticeId, caseRef: result.notice?.caseRef, origin: result.origin, reason: result.deadLetter.code });
      return;
    }
    if (result.heldDecision) {
      const d = result.heldDecision;
      metrics.heldDecisions.inc({ origin: result.origin, destination: d.destination, decision: d.decision });
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
    metrics.notices.inc({ origin: result.origin, kind: notice.kind });
    for (const d of result.decisions) {
      metrics.deliveries.inc({ origin: result.origin, destination: d.destination, status: d.status });
      for (const a of d.fieldActions) metrics.fieldActions.inc({ destination: d.destination, rule: a.rule, action: a.action });
      logger.info('delivery decision', { noticeId: notice.noticeId, caseRef: notice.caseRef, origin: result.origin, destination: d.destination, status: d.status, agreement: d.agreement });
    }
  }
}
