/**
 * Rule 5, derogation: the copies held for the origin's data protection officer, and the DPO's
 * release or rejection, written to liaison.held.decisions with the adapter's principal (the
 * gateway delivers or drops the copy, and audits the justification).
 */
import type { Kafka } from 'kafkajs';
import { isNoticeId, type Policy } from '../policy/index.ts';
import type { Caller } from '../shared/api-keys.ts';
import { ApiError } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { requiredText } from '../shared/text-checks.ts';
import { topics } from '../shared/topology.ts';
import { withDeadline } from './adapter-writes.ts';
import type { HeldView, NoticeStatusStore } from './notice-status.ts';
import type { Validators } from './openapi.ts';

export interface HeldCopiesOptions {
  kafka: Kafka;
  registry: ContractRegistry;
  policy: Policy;
  validators: Validators;
  logger: Logger;
  now: () => number;
  /** The status view (503 while the adapter starts). */
  store: () => NoticeStatusStore;
}

export class HeldCopies {
  /** Writes liaison.held.decisions, with the adapter's principal. */
  private readonly decisions: PartitionedSender;

  constructor(private readonly options: HeldCopiesOptions) {
    this.decisions = new PartitionedSender(options.kafka, IDEMPOTENT);
  }

  async start(): Promise<void> {
    await this.decisions.connect();
  }

  async stop(): Promise<void> {
    await this.decisions.disconnect();
  }

  /** The copies of the caller's country's notices waiting for its DPO. */
  async waiting(caller: Caller): Promise<HeldView[]> {
    return this.options.store().held(caller.country);
  }

  /** The origin's DPO releases or rejects a held copy; the justification goes into the audit trail. */
  async decide(caller: Caller, noticeId: string, destination: string, decision: 'release' | 'reject', body: unknown): Promise<void> {
    const { validators, policy, registry, logger } = this.options;
    const problems = validators.HeldDecisionRequest(body);
    if (problems.length) throw new ApiError(400, 'invalid-decision', problems);
    const { justification } = body as { justification: string };
    const blank = requiredText('justification', justification, 10);
    if (blank) throw new ApiError(400, 'invalid-decision', [blank]);
    // Not a notice id or not a party (a NUL byte, a path): nothing asked of the database.
    const store = this.options.store();
    const known = isNoticeId(noticeId) && policy.parties.has(destination);
    if (!known || (await store.originOf(noticeId)) !== caller.country || !(await store.isHeld(noticeId, destination))) {
      throw new ApiError(404, 'not-found', [`no copy of ${noticeId} for ${destination} waits for a decision of ${caller.country}`]);
    }
    const record: EuLiaison.HeldDecision = {
      noticeId,
      destination,
      decision: decision === 'release' ? 'RELEASE' : 'REJECT',
      decidedBy: `dpo@${caller.country}`,
      justification,
      decidedAt: this.options.now(),
    };
    const value = await registry.encode(topics.heldDecisions, 'heldDecision', record);
    await withDeadline(this.decisions.send(topics.heldDecisions, [{ key: noticeId, value }]));
    logger.info('held copy decision recorded', { noticeId, origin: caller.country, destination, decision: record.decision, caller: caller.id });
  }
}
