/**
 * How far the audit trail has been read and verified, kept in Kafka (liaison.gateway.checkpoints,
 * compacted, written and read by the gateway principal only): a gateway that starts resumes from
 * the newest checkpoint instead of reading and hashing every event since the first, so its start
 * does not grow with the history. Any instance's checkpoint will do: every instance verifies the
 * same log. `liaison audit verify` still verifies every chain from the first event.
 *
 * A checkpoint outside the audit topic's offsets (a topic recreated under it) is not trusted: the
 * gateway takes the newest one inside, or reads from the start as it does without one. A
 * checkpoint whose chain heads do not match the events after it shows as a broken chain at the
 * first of them. Whoever deletes liaison.audit deletes liaison.gateway.checkpoints with it.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { ChainHead, VerifyResult } from '../shared/audit-chain.ts';
import { isDeadLetterError } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';

export type AuditCheckpoint = EuLiaison.AuditCheckpoint;
export type Permission = EuLiaison.PermissionAt;

/** What a verifier knows after a prefix of the trail, and where that prefix ends. */
export interface VerifiedPrefix extends VerifyResult {
  nextOffset: number;
  permissions: Permission[];
}

/** Events verified between two checkpoints. */
export const CHECKPOINT_EVERY = 10_000;

export class AuditCheckpoints {
  private producer?: Producer;
  /** One checkpoint is sent at a time; a newer one waits for it, and an older one still waiting is dropped. */
  private sending: Promise<void> = Promise.resolve();
  private queued?: VerifiedPrefix;

  constructor(
    private readonly kafka: Kafka,
    private readonly registry: ContractRegistry,
    private readonly instance: string,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  /** The newest checkpoint of the audit partition that lies within the topic, else undefined. */
  async load(partition = 0): Promise<VerifiedPrefix | undefined> {
    const found: AuditCheckpoint[] = [];
    await readFromStart(this.kafka, { topics: [topics.gatewayCheckpoints], groupPrefix: GATEWAY_NAMES.readers.checkpoints, follow: false }, async (message) => {
      try {
        const checkpoint = await this.registry.decode(message.value, 'auditCheckpoint');
        if (checkpoint.partition === partition) found.push(checkpoint);
      } catch (error) {
        if (!isDeadLetterError(error)) throw error;
        this.logger.warn('unreadable audit checkpoint ignored', { offset: message.offset, error: error.message });
      }
    });
    this.producer = this.kafka.producer(IDEMPOTENT);
    await this.producer.connect();
    if (found.length === 0) return undefined;
    const admin = this.kafka.admin();
    await admin.connect();
    let newest: AuditCheckpoint | undefined;
    try {
      const end = (await admin.fetchTopicOffsets(topics.audit)).find((p) => p.partition === partition);
      const [low, high] = [Number(end?.low ?? 0), Number(end?.high ?? 0)];
      for (const checkpoint of found) {
        if (checkpoint.nextOffset < low || checkpoint.nextOffset > high) {
          this.logger.warn('audit checkpoint outside the audit topic, not trusted', { nextOffset: checkpoint.nextOffset, low, high, writtenBy: checkpoint.writtenBy });
        } else if (!newest || checkpoint.nextOffset > newest.nextOffset) newest = checkpoint;
      }
    } finally {
      await admin.disconnect();
    }
    if (!newest) return undefined;
    return {
      nextOffset: newest.nextOffset,
      events: newest.events,
      chains: new Map<string, ChainHead>(newest.chains.map((c) => [c.chain, { sequence: c.sequence, hash: c.hash }])),
      broken: newest.broken,
      permissions: newest.permissions,
    };
  }

  /** Records a verified prefix; returns once it (or a newer one) is written. Never throws: a lost checkpoint costs only a longer start. */
  save(prefix: VerifiedPrefix, partition = 0): Promise<void> {
    this.queued = prefix;
    this.sending = this.sending.then(async () => {
      const next = this.queued;
      this.queued = undefined;
      if (!next || !this.producer) return;
      const record: AuditCheckpoint = {
        partition,
        nextOffset: next.nextOffset,
        events: next.events,
        chains: [...next.chains].map(([chain, head]) => ({ chain, sequence: head.sequence, hash: head.hash })),
        permissions: next.permissions,
        broken: next.broken,
        writtenBy: this.instance,
        writtenAt: this.now(),
      };
      try {
        const value = await this.registry.encode(topics.gatewayCheckpoints, 'auditCheckpoint', record);
        await this.producer.send({ topic: topics.gatewayCheckpoints, acks: -1, messages: [{ key: `audit:${partition}`, value }] });
      } catch (error) {
        this.logger.warn('audit checkpoint not written; the next start reads further back', { nextOffset: next.nextOffset, error: (error as Error).message });
      }
    });
    return this.sending;
  }

  async stop(): Promise<void> {
    await this.sending;
    await this.producer?.disconnect();
  }
}
