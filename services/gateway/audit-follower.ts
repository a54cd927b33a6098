/**
 * The gateway's part of the audit trail (rule 13): this instance's hash chain, which the
 * transaction runner appends to, and the trail followed from the newest checkpoint: every
 * chain verified as events arrive (liaison_audit_chain_intact), a checkpoint every
 * CHECKPOINT_EVERY events and once caught up, and the forwarding permissions the trail records
 * (rule 11) handed to whoever decides on forwards.
 */
import type { Kafka, KafkaMessage } from 'kafkajs';
import { AuditChain, type AuditEvent, type AuditFacts, type ChainHead, ChainVerifier } from '../shared/audit-chain.ts';
import { isDeadLetterError } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { type AuditAction, GATEWAY_NAMES } from '../shared/vocabulary.ts';
import { AuditCheckpoints, CHECKPOINT_EVERY, type Permission } from './audit-checkpoints.ts';
import type { GatewayMetrics } from './metrics.ts';

/** An audit event this process committed, with the bytes it was written as. */
export interface WrittenEvent {
  event: AuditEvent;
  bytes: Buffer;
}

/** The action that records a permission delivered: a forward may cite it from then on (rule 11). */
const FORWARDING_PERMITTED: AuditAction = 'FORWARDING_PERMITTED';

/** Own events kept until read back: a reader stalled for longer reads the rest in full. */
const WRITTEN_KEPT = 100_000;

export interface AuditFollowerOptions {
  kafka: Kafka;
  registry: ContractRegistry;
  instanceId: string;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'auditIntact' | 'auditEvents'>;
  now: () => number;
  /** A forwarding permission the trail records as delivered (rule 11: a forward may cite it from then on). */
  onPermission: (permission: Permission) => void;
}

export class AuditFollower {
  /** This instance's chain: the transaction runner appends to it, and restores it when a transaction aborts. */
  readonly chain: AuditChain;
  /** The offset of liaison.audit this process started reading at: a checkpoint's, or 0. */
  resumedAt = 0;
  private verifier = new ChainVerifier();
  private readonly checkpoints: AuditCheckpoints;
  private reader?: TopicReader;
  /** Audit events this process committed, in order, until the reader reads them back. */
  private written: WrittenEvent[] = [];
  private readonly permissions: Permission[] = [];
  private readonly heads = new Map<string, ChainHead>();
  private nextOffset = 0;
  private sinceCheckpoint = 0;

  constructor(private readonly options: AuditFollowerOptions) {
    this.chain = new AuditChain(`gateway-${options.instanceId}`);
    this.checkpoints = new AuditCheckpoints(options.kafka, options.registry, options.instanceId, options.logger, options.now);
  }

  /** Reads the trail from the newest checkpoint to its end, then follows it; this instance's chain continues where it ended. */
  async follow(step: (name: string) => void = () => {}): Promise<void> {
    const { logger, metrics, kafka } = this.options;
    step('reading the audit checkpoints');
    const prefix = await this.checkpoints.load();
    step('reading the audit trail');
    if (prefix) {
      this.verifier = ChainVerifier.resume(prefix);
      for (const p of prefix.permissions) this.permit(p);
      logger.info('audit trail resumed from a checkpoint', { nextOffset: prefix.nextOffset, events: prefix.events, chains: prefix.chains.size, intact: !prefix.broken });
    }
    for (const [chain, head] of this.verifier.chains) this.heads.set(chain, head);
    metrics.auditIntact.set(this.verifier.broken ? 0 : 1);
    metrics.auditEvents.set(this.verifier.events);
    this.nextOffset = prefix?.nextOffset ?? 0;
    this.resumedAt = this.nextOffset;
    const from = new Map([[`${topics.audit}:0`, this.nextOffset]]);
    this.reader = await readFromStart(
      kafka,
      { topics: [topics.audit], groupPrefix: GATEWAY_NAMES.readers.audit, follow: true, from, progress: { logger, what: 'the audit trail' } },
      (message) => this.read(message),
    );
    await this.reader.caughtUp;
    if (this.sinceCheckpoint > 0) void this.checkpoint();
    this.chain.restore(this.heads.get(this.chain.chain) ?? this.chain.snapshot());
    logger.info('audit chain resumed', { chain: this.chain.chain, sequence: this.chain.snapshot().sequence });
  }

  /** One record of the trail, in log order: verified (an own event by the hash computed when it was appended). */
  async read(message: Pick<KafkaMessage, 'offset' | 'value'>): Promise<void> {
    const { logger, metrics } = this.options;
    this.nextOffset = Number(message.offset) + 1;
    this.sinceCheckpoint += 1;
    // An event this process wrote, read back byte for byte as written: verified without decoding and hashing it again.
    const own = message.value && this.written[0]?.bytes.equals(message.value) ? this.written.shift() : undefined;
    let event: AuditEvent;
    try {
      event = own?.event ?? (await this.options.registry.decode(message.value, 'auditEvent'));
    } catch (error) {
      if (!isDeadLetterError(error)) throw error;
      if (!this.verifier.broken) logger.error('audit trail holds an unreadable record', { offset: message.offset });
      this.verifier.broken ??= { chain: '?', sequence: -1, offset: message.offset, problem: error.message };
      metrics.auditIntact.set(0);
      return;
    }
    // Entries the reader passed before this process queued them (a race with the commit) are done with.
    while (this.written[0] && this.written[0].event.chain === event.chain && this.written[0].event.sequence <= event.sequence) this.written.shift();
    this.heads.set(event.chain, { sequence: event.sequence, hash: event.hash });
    // Rule 11: a forward may cite a permission only once the gateway delivered it.
    if (event.action === FORWARDING_PERMITTED && event.origin && event.destination && event.noticeId && event.details.permissionId) {
      this.permit({ permissionId: event.details.permissionId, provider: event.origin, grantedTo: event.destination, noticeId: event.noticeId });
    }
    const known = this.verifier.broken;
    const broken = this.verifier.add(event, message.offset, own?.event.hash);
    metrics.auditEvents.set(this.verifier.events);
    if (broken) {
      metrics.auditIntact.set(0);
      if (!known) logger.error('audit chain broken', { chain: broken.chain, sequence: broken.sequence, offset: broken.offset, problem: broken.problem });
    }
    if (this.sinceCheckpoint >= CHECKPOINT_EVERY) void this.checkpoint();
  }

  /** Appends to this instance's chain: the event to produce, hashed. */
  append(facts: AuditFacts): AuditEvent {
    return this.chain.append(facts);
  }

  /** After a commit: the events written, recognised by their bytes when the reader reads them back. */
  committed(events: readonly WrittenEvent[]): void {
    this.written.push(...events);
    if (this.written.length > WRITTEN_KEPT) this.written.splice(0, this.written.length - WRITTEN_KEPT);
  }

  /** Whether every chain read so far is intact. */
  get intact(): boolean {
    return this.verifier.broken === null;
  }

  async stop(): Promise<void> {
    if (this.reader) {
      await this.reader.stop();
      // What this process verified, for the next start (after the reader stopped: nothing moves any more);
      // not waited for long on a cluster that does not answer (a lost checkpoint only lengthens the next start).
      await Promise.race([this.checkpoint(), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    }
    await this.checkpoints.stop();
  }

  private permit(permission: Permission): void {
    this.permissions.push(permission);
    this.options.onPermission(permission);
  }

  private checkpoint(): Promise<void> {
    this.sinceCheckpoint = 0;
    const v = this.verifier;
    return this.checkpoints.save({ nextOffset: this.nextOffset, events: v.events, chains: new Map(v.chains), broken: v.broken, permissions: [...this.permissions] });
  }
}
