/**
 * What becomes of one input record, whatever its kind: a `Processed` with the records to
 * produce, the audit facts (chained by the transaction runner) and what the delivery ledger
 * records; and the `Outcomes` every handler builds them with (audit facts, delivery reports,
 * dead letters), so that each handler holds only the checks and decisions of its kind.
 */
import { type Decision, type Policy, RULES } from '../../policy/index.ts';
import type { AuditFacts } from '../../shared/audit-chain.ts';
import type { ContractName, ContractRecords } from '../../shared/contract.ts';
import type { EuLiaison } from '../../shared/generated/contract-types.ts';
import { clip } from '../../shared/text-checks.ts';
import { partyOfTopic, topics } from '../../shared/topology.ts';
import type { AuditAction, DeadLetterCode } from '../../shared/vocabulary.ts';
import type { LedgerEntry } from '../delivery-ledger.ts';

type Notice = EuLiaison.Notice;

/** One record as consumed: where it was and its bytes. */
export interface InputRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** A record to produce, typed by its contract name. */
export type Outgoing = { [N in ContractName]: { topic: string; key: string; name: N; value: ContractRecords[N] } }[ContractName];

/** What every result produces: records, audit facts (chained by the caller) and what the ledger records. */
interface Effects {
  outgoing: Outgoing[];
  audit: AuditFacts[];
  ledger: LedgerEntry[];
}

/** What became of one record; the caller switches on `kind`. */
export type Processed = Effects &
  (
    | { kind: 'routed'; notice: Notice; origin: string; decisions: Decision[] }
    | { kind: 'dead-lettered'; code: DeadLetterCode; reason: string; origin: string | null; notice: Notice | null }
    /** The origin's DPO released or rejected a held copy (rule 5, derogation). */
    | { kind: 'held-decision'; origin: string; decision: EuLiaison.HeldDecision }
    /** A recipient's receipt, relayed to the notice's origin. */
    | { kind: 'receipt'; recipient: string; origin: string; receipt: EuLiaison.Receipt }
    /** A provider's forwarding permission, delivered to the recipient it names (rule 6). */
    | { kind: 'permission'; provider: string; permission: EuLiaison.ForwardingPermission }
    /** A lookup in a hit/no-hit index (written by the adapter before it answered): audited, nothing delivered. */
    | { kind: 'lookup'; asker: string; lookup: EuLiaison.IndexLookup; hits: number }
    /** A DPO's review of a policy change (liaison policy diff --record): audited, nothing delivered. */
    | { kind: 'policy-review'; review: EuLiaison.PolicyReview }
    /** The notice id was seen before from the same origin: nothing is produced again. */
    | { kind: 'duplicate'; origin: string; noticeId: string }
  );

export type DeadLettered = Extract<Processed, { kind: 'dead-lettered' }>;

/** What an audit event is about: a notice (or a case without one), or nothing. */
type About = { noticeId: string | null; caseRef: string | null } | null;

/** The facts of one audit event, before the chain gives it its place. */
export interface AuditOf {
  action: AuditAction;
  origin: string | null;
  destination: string | null;
  outcome: string;
  about: About;
  details: Record<string, string>;
  /** Who acted (an officer role@country); the gateway instance by default. */
  actor?: string;
  rules?: string[];
}

/** Builds what the handlers return: audit facts, delivery reports and dead letters, stamped with the time and the policy version. */
export class Outcomes {
  constructor(
    readonly policy: Policy,
    readonly now: number,
    private readonly actor: string,
  ) {}

  audit({ action, origin, destination, outcome, about, details, actor, rules }: AuditOf): AuditFacts {
    return {
      at: this.now,
      actor: actor ?? this.actor,
      action,
      noticeId: about?.noticeId ?? null,
      caseRef: about?.caseRef ?? null,
      origin,
      destination,
      outcome,
      rules: rules ?? [RULES.explain],
      details,
      policyVersion: this.policy.version,
    };
  }

  /** A delivery report for the origin: the record to produce and what the ledger records of it. */
  report(notice: Pick<Notice, 'noticeId' | 'caseRef' | 'correction'>, origin: string, destinations: EuLiaison.DestinationOutcome[]): { outgoing: Outgoing; entry: LedgerEntry } {
    const report: EuLiaison.DeliveryReport = {
      noticeId: notice.noticeId,
      caseRef: notice.caseRef,
      origin,
      policyVersion: this.policy.version,
      correctionOf: notice.correction?.of ?? null,
      processedAt: this.now,
      destinations,
    };
    return { outgoing: { topic: topics.reports(origin), key: notice.caseRef, name: 'deliveryReport', value: report }, entry: { kind: 'report', report } };
  }

  /**
   * A record dead-lettered with its reason and audited. `origin`: the party it came from, when
   * known; with the notice too, the origin learns of the rejection in its own reports topic.
   */
  deadLetter(record: InputRecord, code: DeadLetterCode, reason: string, origin?: string, notice?: Notice): DeadLettered {
    const clipped = clip(reason, 1000);
    const outgoing: Outgoing[] = [
      {
        topic: topics.dlq,
        key: record.key?.toString('utf8') ?? `${record.topic}:${record.partition}:${record.offset}`,
        name: 'deadLetter',
        value: { topic: record.topic, partition: record.partition, offset: Number(record.offset), key: record.key, value: record.value, errorCode: code, reason: clipped, failedAt: this.now },
      },
    ];
    const ledger: LedgerEntry[] = [];
    if (origin && notice) {
      // Once per known recipient (bounded by the parties, whatever the notice lists), or once under the origin's own code.
      const named = [...new Set(notice.recipients)].filter((r) => this.policy.parties.has(r));
      const destinations = named.length > 0 ? named : [origin];
      const report = this.report(
        notice,
        origin,
        destinations.map((destination) => ({ destination, status: 'REJECTED', agreement: null, reasons: [`${code}: ${clipped}`], rules: [], fieldActions: [], expiresAt: null })),
      );
      outgoing.push(report.outgoing);
      ledger.push(report.entry);
    }
    const audit = this.audit({
      action: 'DEAD_LETTER',
      origin: origin ?? null,
      destination: null,
      outcome: code,
      about: notice ?? null,
      details: { topic: record.topic, partition: String(record.partition), offset: record.offset, reason: clipped },
    });
    return { kind: 'dead-lettered', code, reason: clipped, origin: origin ?? null, notice: notice ?? null, outgoing, audit: [audit], ledger };
  }

  /** A record the gateway could not process at all (or would not again): dead-lettered under its outbox's party. */
  unprocessed(record: InputRecord, code: DeadLetterCode, reason: string): DeadLettered {
    return this.deadLetter(record, code, reason, partyOfTopic('outbox', record.topic) ?? undefined);
  }
}
