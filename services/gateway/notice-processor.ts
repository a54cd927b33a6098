/**
 * What the gateway does with one record of an outbox: decode, validate, route, filter per
 * destination and explain. Returns the records to produce; the caller produces them in one
 * transaction with the consumed offset.
 */
import type { EuLiaison } from '../shared/contract-types.ts';
import type { ContractName } from '../shared/contract.ts';
import { DecodeError, type ContractRegistry } from '../shared/registry.ts';
import { topics } from '../shared/topology.ts';
import type { AuditFacts } from './audit-chain.ts';
import type { LedgerView } from './delivery-ledger.ts';
import { decide, type Decision, type PseudonymKey } from './policy-engine.ts';
import type { Policy } from './policy.ts';
import { validateNotice, type RejectionCode } from './validation.ts';

type Notice = EuLiaison.Notice;

export const MAX_RECORD_BYTES = 1_000_000;

export interface OutboxRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface Outgoing {
  topic: string;
  key: string;
  name: ContractName;
  value: unknown;
}

export type DeadLetterCode = RejectionCode | 'DECODE_FAILED' | 'TOO_LARGE' | 'UNKNOWN_CASE' | 'UNKNOWN_TOPIC';

export interface Processed {
  outgoing: Outgoing[];
  audit: AuditFacts[];
  /** Set when the record was accepted. */
  notice?: Notice;
  origin?: string;
  decisions: Decision[];
  deadLetter?: { code: DeadLetterCode; reason: string };
  /** Set when a held copy was released or rejected. */
  heldDecision?: EuLiaison.HeldDecision;
}

const OUTBOX_PREFIX = 'liaison.outbox.';

export class NoticeProcessor {
  constructor(
    private readonly policy: Policy,
    private readonly keys: PseudonymKey,
    private readonly registry: ContractRegistry,
    private readonly actor = 'gateway',
  ) {}

  /** `ledger`: the deliveries so far, including those of earlier records in the same batch. */
  async process(record: OutboxRecord, now: number, ledger: LedgerView): Promise<Processed> {
    if (record.topic === topics.heldDecisions) return this.processHeldDecision(record, now, ledger);
    const origin = record.topic.startsWith(OUTBOX_PREFIX) ? record.topic.slice(OUTBOX_PREFIX.length) : undefined;
    if (!origin || !this.policy.parties.has(origin)) return this.reject(record, now, 'UNKNOWN_TOPIC', `${record.topic} is not the outbox of a known party`);
    if (record.value && record.value.length > MAX_RECORD_BYTES) {
      return this.reject(record, now, 'TOO_LARGE', `value of ${record.value.length} bytes exceeds ${MAX_RECORD_BYTES}`, origin);
    }
    let notice: Notice;
    try {
      notice = await this.registry.decode<Notice>(record.value, 'notice');
    } catch (error) {
      if (error instanceof DecodeError) return this.reject(record, now, 'DECODE_FAILED', error.message, origin);
      throw error; // the registry is unreachable: retry, do not dead-letter
    }
    const rejection = validateNotice(notice, origin, this.policy, now);
    if (rejection) return this.reject(record, now, rejection.code, rejection.problems.join('; '), origin, notice);

    if (notice.inReplyTo !== null && notice.kind === 'RESPONSE' && !ledger.reachedDestinations(notice.inReplyTo).includes(origin)) {
      return this.reject(record, now, 'UNKNOWN_CASE', `inReplyTo: ${origin} received no notice ${notice.inReplyTo}`, origin, notice);
    }
    // Rule 12: a correction goes to every earlier recipient as well as to those it names.
    let recipients = notice.recipients;
    if (notice.correction !== null) {
      const earlier = ledger.get(notice.correction.of);
      if (!earlier || earlier.origin !== origin) {
        return this.reject(record, now, 'UNKNOWN_CASE', `correction.of: ${origin} sent no notice ${notice.correction.of}`, origin, notice);
      }
      recipients = [...new Set([...ledger.reachedDestinations(notice.correction.of), ...notice.recipients])];
    }
    return this.route(notice, origin, recipients, now);
  }

  private route(notice: Notice, origin: string, recipients: string[], now: number): Processed {
    const decisions = recipients.map((destination) => decide(this.policy, this.keys, { notice, origin, destination, now }));
    const outgoing: Outgoing[] = [];
    const audit: AuditFacts[] = [];
    for (const d of decisions) {
      for (const copy of d.deliver) {
        outgoing.push({ topic: topics.inbox(d.destination), key: notice.caseRef, name: 'noticeCopy', value: this.copyRecord(notice, origin, d, copy, now) });
      }
      if (d.hold) outgoing.push({ topic: topics.held, key: notice.noticeId, name: 'noticeCopy', value: this.copyRecord(notice, origin, d, d.hold, now) });
      audit.push({
        at: now,
        actor: this.actor,
        action: notice.correction ? `CORRECTION_${notice.correction.action}` : 'DELIVERY_DECISION',
        noticeId: notice.noticeId,
        caseRef: notice.caseRef,
        origin,
        destination: d.destination,
        outcome: d.status,
        rules: d.rules,
        details: {
          agreement: d.agreement ?? '',
          reasons: d.reasons.join('; '),
          fieldActions: d.fieldActions.map((a) => `${a.action} ${a.path} (${a.rule})`).join('; '),
        },
        policyVersion: this.policy.version,
      });
    }
    const report = this.report(notice, origin, now, decisions.map((d) => ({
        destination: d.destination,
        status: d.status,
        agreement: d.agreement,
        reasons: d.reasons,
        rules: d.rules,
        fieldActions: d.fieldActions,
        expiresAt: d.expiresAt,
      })),
    );
    outgoing.push({ topic: topics.reports(origin), key: notice.caseRef, name: 'deliveryReport', value: report });
    return { outgoing, audit, notice, origin, decisions };
  }

  /** Rule 5, derogation: the origin's DPO releases a held copy to its destination, or rejects it. */
  private async processHeldDecision(record: OutboxRecord, now: number, ledger: LedgerView): Promise<Processed> {
    let decision: EuLiaison.HeldDecision;
    try {
      decision = await this.registry.decode<EuLiaison.HeldDecision>(record.value, 'heldDecision');
    } catch (error) {
      if (error instanceof DecodeError) return this.reject(record, now, 'DECODE_FAILED', error.message);
      throw error;
    }
    const held = ledger.heldCopy(decision.noticeId, decision.destination);
    if (!held) return this.reject(record, now, 'UNKNOWN_CASE', `no copy of ${decision.noticeId} for ${decision.destination} is waiting for a decision`);
    const decidedFor = decision.decidedBy.split('@')[1];
    if (decidedFor !== held.origin) {
      return this.reject(record, now, 'INVALID_NOTICE', `decidedBy: "${decision.decidedBy}" is not an officer of the origin ${held.origin}`, held.origin);
    }
    const release = decision.decision === 'RELEASE';
    const notice = held.notice;
    const outgoing: Outgoing[] = [];
    if (release) {
      const copy: EuLiaison.NoticeCopy = { ...held, copyId: `${notice.noticeId}:${held.destination}:RELEASED`, part: 'RELEASED', deliveredAt: now };
      outgoing.push({ topic: topics.inbox(held.destination), key: notice.caseRef, name: 'noticeCopy', value: copy });
    }
    const reason = `${release ? 'released' : 'rejected'} by ${decision.decidedBy}: ${decision.justification}`;
    const report = this.report(notice, held.origin, now, [
      {
        destination: held.destination,
        status: release ? 'DELIVERED_FILTERED' : 'BLOCKED',
        agreement: held.agreement,
        reasons: [reason],
        rules: ['rule-5-third-country', 'rule-13-explain'],
        fieldActions: release ? held.fieldActions : [],
        expiresAt: release ? held.expiresAt : null,
      },
    ]);
    outgoing.push({ topic: topics.reports(held.origin), key: notice.caseRef, name: 'deliveryReport', value: report });
    const audit: AuditFacts = {
      at: now,
      actor: decision.decidedBy,
      action: release ? 'HELD_RELEASED' : 'HELD_REJECTED',
      noticeId: notice.noticeId,
      caseRef: notice.caseRef,
      origin: held.origin,
      destination: held.destination,
      outcome: release ? 'DELIVERED_FILTERED' : 'BLOCKED',
      rules: ['rule-5-third-country', 'rule-13-explain'],
      details: { justification: decision.justification, decidedAt: String(decision.decidedAt), agreement: held.agreement },
      policyVersion: this.policy.version,
    };
    return { outgoing, audit: [audit], decisions: [], origin: held.origin, heldDecision: decision };
  }

  private report(notice: Notice, origin: string, now: number, destinations: EuLiaison.DestinationOutcome[]): EuLiaison.DeliveryReport {
    return { noticeId: notice.noticeId, caseRef: notice.caseRef, origin, policyVersion: this.policy.version, processedAt: now, destinations };
  }

  private copyRecord(notice: Notice, origin: string, d: Decision, copy: Decision['deliver'][number], now: number): EuLiaison.NoticeCopy {
    return {
      copyId: `${notice.noticeId}:${d.destination}:${copy.part}`,
      origin,
      destination: d.destination,
      agreement: d.agreement!,
      policyVersion: this.policy.version,
      deliveredAt: now,
      expiresAt: d.expiresAt!,
      part: copy.part,
      fieldActions: copy.fieldActions,
      notice: copy.notice,
    };
  }

  private reject(record: OutboxRecord, now: number, code: DeadLetterCode, reason: string, origin?: string, notice?: Notice): Processed {
    const outgoing: Outgoing[] = [
      {
        topic: topics.dlq,
        key: record.key?.toString('utf8') ?? `${record.topic}:${record.partition}:${record.offset}`,
        name: 'deadLetter',
        value: { topic: record.topic, partition: record.partition, offset: Number(record.offset), key: record.key, value: record.value, errorCode: code, reason, failedAt: now },
      },
    ];
    if (origin && notice) {
      // The origin learns of the rejection in its own reports topic.
      const report = this.report(
        notice,
        origin,
        now,
        notice.recipients.map((destination) => ({ destination, status: 'REJECTED', agreement: null, reasons: [`${code}: ${reason}`], rules: [], fieldActions: [], expiresAt: null })),
      );
      outgoing.push({ topic: topics.reports(origin), key: notice.caseRef, name: 'deliveryReport', value: report });
    }
    const audit: AuditFacts = {
      at: now,
      actor: this.actor,
      action: 'DEAD_LETTER',
      noticeId: notice?.noticeId ?? null,
      caseRef: notice?.caseRef ?? null,
      origin: origin ?? null,
      destination: null,
      outcome: code,
      rules: ['rule-13-explain'],
      details: { topic: record.topic, partition: String(record.partition), offset: record.offset, reason },
      policyVersion: this.policy.version,
    };
    return { outgoing, audit: [audit], decisions: [], notice, origin, deadLetter: { code, reason } };
  }
}
