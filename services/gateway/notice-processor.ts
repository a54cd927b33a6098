/**
 * What the gateway does with one record of an outbox: decode, validate, route, filter per
 * destination and explain. Returns what became of it (a `Processed` of one `kind`) with the
 * records to produce, the audit facts and what the ledger records; the caller produces them in
 * one transaction with the consumed offset. No Kafka here: the decoder is injected.
 */
import { type Decision, deliveriesOf, foreignReferences, INDEX_HASH, isMember, MAX_RECORD_BYTES, type Policy, type PseudonymKey, RecordBounds, referencedBy, type RejectionCode, RULES, validateNotice } from '../policy/index.ts';
import type { AuditFacts } from '../shared/audit-chain.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { type ContractName, type ContractRecords, loadContract, type Named } from '../shared/contract.ts';
import { type DeadLetterErrorCode, isDeadLetterError } from '../shared/errors.ts';
import { partyListProblems } from '../shared/parties.ts';
import { clip, requiredText } from '../shared/text-checks.ts';
import { partyOfTopic, topics } from '../shared/topology.ts';
import type { LedgerEntry, LedgerView } from './delivery-ledger.ts';

type Notice = EuLiaison.Notice;

export interface OutboxRecord {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

/** A record to produce, typed by its contract name. */
export type Outgoing = { [N in ContractName]: { topic: string; key: string; name: N; value: ContractRecords[N] } }[ContractName];

/** Why a record went to the dead-letter topic (its `errorCode`). */
export type DeadLetterCode =
  | RejectionCode
  | DeadLetterErrorCode
  | 'UNKNOWN_CASE'
  | 'UNKNOWN_TOPIC'
  | 'DUPLICATE_ID'
  /** Processing the record threw: it goes to the dead-letter topic, the exchange goes on. */
  | 'PROCESSING_FAILED';

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
    /** A contact point's receipt, relayed to the origin. */
    | { kind: 'receipt'; origin: string; receipt: EuLiaison.Receipt }
    /** A provider's forwarding permission, delivered to the recipient it names (rule 6). */
    | { kind: 'permission'; origin: string; permission: EuLiaison.ForwardingPermission }
    /** A lookup in a hit/no-hit index (written by the adapter before it answered): audited, nothing delivered. */
    | { kind: 'lookup'; origin: string; lookup: EuLiaison.IndexLookup; hits: number }
    /** A DPO's review of a policy change (liaison policy diff --record): audited, nothing delivered. */
    | { kind: 'policy-review'; origin: null; review: EuLiaison.PolicyReview }
    /** The notice id was seen before from the same origin: nothing is produced again. */
    | { kind: 'duplicate'; origin: string; noticeId: string }
  );

/** What an outbox may carry: notices, and the contact point's receipts and the provider's permissions. */
const OUTBOX_RECORDS = ['notice', 'receipt', 'forwardingPermission'] as const;

type OutboxRecordName = (typeof OUTBOX_RECORDS)[number];

/** The notices the ledger is asked about when processing an outbox record. */
function noticesNamedBy(decoded: Named<OutboxRecordName>): string[] {
  switch (decoded.name) {
    case 'notice':
      return [decoded.value.noticeId, ...referencedBy(decoded.value).notices];
    case 'receipt':
    case 'forwardingPermission':
      return [decoded.value.noticeId];
  }
}

/** The decoder the processor reads records with (the schema registry; in unit tests, a table). */
export interface RecordDecoder {
  decode<N extends ContractName>(buffer: Buffer | null, name: N): Promise<ContractRecords[N]>;
  decodeAny<N extends ContractName>(buffer: Buffer | null, accepted: readonly N[]): Promise<Named<N>>;
}

export class NoticeProcessor {
  /** Bounds of the records that share the outboxes and the decisions topic with notices. */
  private readonly sideBounds: Record<'receipt' | 'forwardingPermission' | 'heldDecision' | 'indexLookup' | 'policyReview', RecordBounds>;
  /** Outbox records decoded ahead by `referencedNotices`, taken by `process` (by the record's bytes). */
  private readonly decodedAhead = new WeakMap<Buffer, Named<OutboxRecordName>>();

  constructor(
    private readonly policy: Policy,
    private readonly keys: PseudonymKey,
    private readonly decoder: RecordDecoder,
    private readonly actor = 'gateway',
  ) {
    const { limits } = policy.bounds;
    // Reasons and justifications up to 2,000 characters, lists up to 40: what the services themselves send.
    const sideLimits = { ...limits, defaults: { ...limits.defaults, chars: 2000, items: 40 }, fields: {} };
    const { schemas } = loadContract();
    this.sideBounds = {
      receipt: new RecordBounds(schemas.receipt, sideLimits),
      forwardingPermission: new RecordBounds(schemas.forwardingPermission, sideLimits),
      heldDecision: new RecordBounds(schemas.heldDecision, sideLimits),
      // A lookup carries up to 100 identifiers (the adapter's LookupRequest).
      indexLookup: new RecordBounds(schemas.indexLookup, { ...sideLimits, defaults: { ...sideLimits.defaults, items: 100 } }),
      policyReview: new RecordBounds(schemas.policyReview, { ...sideLimits, defaults: { ...sideLimits.defaults, items: 200 } }),
    };
  }

  /**
   * The notices processing these records will ask the ledger about, so a transaction loads them
   * in one query. The records are decoded once: `process` takes what was decoded here. A record
   * that does not decode names nothing (`process` dead-letters it).
   */
  async referencedNotices(records: readonly OutboxRecord[]): Promise<string[]> {
    const ids: string[] = [];
    for (const record of records) {
      const origin = partyOfTopic('outbox', record.topic);
      if (!record.value || origin === null || !this.policy.parties.has(origin) || record.value.length > MAX_RECORD_BYTES) continue;
      try {
        const decoded = await this.decoder.decodeAny(record.value, OUTBOX_RECORDS);
        this.decodedAhead.set(record.value, decoded);
        ids.push(...noticesNamedBy(decoded));
      } catch (error) {
        if (!isDeadLetterError(error)) throw error;
      }
    }
    return ids;
  }

  /**
   * `ledger`: the deliveries so far, including those of earlier records in the same batch.
   * Throws only what must not dead-letter the record (a `retry` error: the registry unreachable).
   */
  async process(record: OutboxRecord, now: number, ledger: LedgerView): Promise<Processed> {
    if (record.topic === topics.heldDecisions) return this.processHeldDecision(record, now, ledger);
    if (record.topic === topics.lookups) return this.processLookup(record, now);
    if (record.topic === topics.policyReviews) return this.processPolicyReview(record, now);
    const origin = partyOfTopic('outbox', record.topic);
    if (origin === null || !this.policy.parties.has(origin)) return this.reject(record, now, 'UNKNOWN_TOPIC', `${record.topic} is not the outbox of a known party`);
    if (record.value && record.value.length > MAX_RECORD_BYTES) {
      return this.reject(record, now, 'TOO_LARGE', `value of ${record.value.length} bytes exceeds ${MAX_RECORD_BYTES}`, origin);
    }
    let decoded: Named<OutboxRecordName>;
    const ahead = record.value ? this.decodedAhead.get(record.value) : undefined;
    if (ahead) this.decodedAhead.delete(record.value!);
    try {
      decoded = ahead ?? (await this.decoder.decodeAny(record.value, OUTBOX_RECORDS));
    } catch (error) {
      if (isDeadLetterError(error)) return this.reject(record, now, error.code, error.message, origin);
      throw error;
    }
    await ledger.prepare(noticesNamedBy(decoded));
    switch (decoded.name) {
      case 'receipt':
        return this.processReceipt(record, decoded.value, origin, now, ledger);
      case 'forwardingPermission':
        return this.processPermission(record, decoded.value, origin, now, ledger);
      case 'notice':
        return this.processNotice(record, decoded.value, origin, now, ledger);
    }
  }

  private processNotice(record: OutboxRecord, notice: Notice, origin: string, now: number, ledger: LedgerView): Processed {
    // A retried submission (same notice id, e.g. the adapter's Idempotency-Key) never makes a second notice.
    const seen = ledger.get(notice.noticeId);
    if (seen) {
      if (seen.origin !== origin) return this.reject(record, now, 'DUPLICATE_ID', `noticeId: ${notice.noticeId} is already a notice of ${seen.origin}`, origin);
      const audit = this.auditOf(now, 'DUPLICATE_IGNORED', origin, null, 'IGNORED', notice, { topic: record.topic, offset: record.offset });
      return { kind: 'duplicate', origin, noticeId: notice.noticeId, outgoing: [], audit: [audit], ledger: [] };
    }
    const rejection = validateNotice(notice, origin, this.policy, now);
    if (rejection) return this.reject(record, now, rejection.code, rejection.problems.join('; '), origin, notice);

    // Ownership: a correction of its own notice, a reply to what it sent or received, provenance it can show.
    const foreign = foreignReferences(notice, origin, ledger);
    if (foreign.length > 0) return this.reject(record, now, 'UNKNOWN_CASE', foreign.join('; '), origin, notice);
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
    // The same function as a preview (POST /v1/notices/preview): a preview never disagrees with this.
    const deliveries = deliveriesOf(this.policy, this.keys, notice, origin, recipients, now);
    const decisions = deliveries.map((d) => d.decision);
    const outgoing: Outgoing[] = [];
    const ledger: LedgerEntry[] = [];
    const audit: AuditFacts[] = [];
    for (const { decision: d, deliver, hold } of deliveries) {
      for (const copy of deliver) outgoing.push({ topic: topics.inbox(d.destination), key: notice.caseRef, name: 'noticeCopy', value: copy });
      if (hold) {
        outgoing.push({ topic: topics.held, key: notice.noticeId, name: 'noticeCopy', value: hold });
        ledger.push({ kind: 'held', copy: hold });
      }
      audit.push({
        ...this.auditOf(now, notice.correction ? `CORRECTION_${notice.correction.action}` : 'DELIVERY_DECISION', origin, d.destination, d.status, notice, {
          agreement: d.agreement ?? '',
          reasons: d.reasons.join('; '),
          fieldActions: d.fieldActions.map((a) => `${a.action} ${a.path} (${a.rule})`).join('; '),
        }),
        rules: d.rules,
      });
    }
    const outcomes = decisions.map(({ destination, status, agreement, reasons, rules, fieldActions, expiresAt }) => ({ destination, status, agreement, reasons, rules, fieldActions, expiresAt }));
    const report = this.report(notice, origin, now, outcomes);
    outgoing.push(report.outgoing);
    ledger.push(report.entry);
    return { kind: 'routed', notice, origin, decisions, outgoing, audit, ledger };
  }

  /** Rule 5, derogation: the origin's DPO releases a held copy to its destination, or rejects it. */
  private async processHeldDecision(record: OutboxRecord, now: number, ledger: LedgerView): Promise<Processed> {
    const decoded = await this.decodeOrReject(record, now, 'heldDecision');
    if ('rejected' in decoded) return decoded.rejected;
    const decision = decoded.value;
    await ledger.prepare([decision.noticeId]);
    const problems = this.sideBounds.heldDecision.check(decision);
    const blank = requiredText('justification', decision.justification, 10);
    if (blank) problems.add(blank);
    if (problems.size > 0) return this.reject(record, now, 'INVALID_NOTICE', problems.toArray().join('; '));
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
    const status = release ? 'DELIVERED_FILTERED' : 'BLOCKED';
    const rules = [RULES.thirdCountry, RULES.explain];
    const reason = `${release ? 'released' : 'rejected'} by ${decision.decidedBy}: ${decision.justification}`;
    const report = this.report(notice, held.origin, now, [
      {
        destination: held.destination,
        status,
        agreement: held.agreement,
        reasons: [reason],
        rules,
        fieldActions: release ? held.fieldActions : [],
        expiresAt: release ? held.expiresAt : null,
      },
    ]);
    outgoing.push(report.outgoing);
    const audit: AuditFacts = {
      ...this.auditOf(now, release ? 'HELD_RELEASED' : 'HELD_REJECTED', held.origin, held.destination, status, notice, {
        justification: decision.justification,
        decidedAt: String(decision.decidedAt),
        agreement: held.agreement,
      }, decision.decidedBy),
      rules,
    };
    return { kind: 'held-decision', origin: held.origin, decision, outgoing, audit: [audit], ledger: [report.entry] };
  }

  /**
   * A recipient's receipt (rule 12 acknowledgements, LED-logged consultations, rule 14 purges):
   * audited with the officer and justification, relayed to the origin without them.
   */
  private processReceipt(record: OutboxRecord, receipt: EuLiaison.Receipt, recipient: string, now: number, ledger: LedgerView): Processed {
    const problems = this.sideBounds.receipt.check(receipt);
    if (problems.size > 0) return this.reject(record, now, 'INVALID_NOTICE', problems.toArray().join('; '), recipient);
    if (receipt.recipient !== recipient) {
      return this.reject(record, now, 'ORIGIN_MISMATCH', `recipient: "${receipt.recipient}" is not ${recipient}, proven by the outbox topic`, recipient);
    }
    const report = ledger.get(receipt.noticeId);
    if (!report || !ledger.reachedDestinations(receipt.noticeId).includes(recipient)) {
      return this.reject(record, now, 'UNKNOWN_CASE', `noticeId: ${recipient} received no notice ${receipt.noticeId}`, recipient);
    }
    const relayed: EuLiaison.Receipt = { ...receipt, officer: null, justification: null };
    const action = receipt.status === 'READ' ? 'CONSULTATION' : `RECEIPT_${receipt.status}`;
    const audit = this.auditOf(now, action, report.origin, recipient, receipt.status, report, {
      copyId: receipt.copyId,
      by: receipt.by ?? '',
      officer: receipt.officer ?? '',
      justification: receipt.justification ?? '',
      answerNoticeId: receipt.answerNoticeId ?? '',
    }, receipt.officer ?? receipt.by ?? `contact-point@${recipient}`);
    return {
      kind: 'receipt',
      origin: recipient,
      receipt,
      outgoing: [{ topic: topics.reports(report.origin), key: report.caseRef, name: 'receipt', value: relayed }],
      audit: [audit],
      ledger: [],
    };
  }

  /** Rule 6: the provider's recorded permission to forward, delivered to the recipient it names. */
  private processPermission(record: OutboxRecord, permission: EuLiaison.ForwardingPermission, provider: string, now: number, ledger: LedgerView): Processed {
    if (permission.provider !== provider) {
      return this.reject(record, now, 'ORIGIN_MISMATCH', `provider: "${permission.provider}" is not ${provider}, proven by the outbox topic`, provider);
    }
    const report = ledger.get(permission.noticeId);
    if (!report || report.origin !== provider || !ledger.reachedDestinations(permission.noticeId).includes(permission.grantedTo)) {
      return this.reject(record, now, 'UNKNOWN_CASE', `noticeId: ${permission.grantedTo} received no notice ${permission.noticeId} from ${provider}`, provider);
    }
    const problems = this.sideBounds.forwardingPermission.check(permission);
    if (problems.size === 0) {
      partyListProblems('forwardTo', permission.forwardTo, this.policy.parties, permission.grantedTo, problems);
      if (permission.forwardTo.includes(provider)) problems.add(`forwardTo: "${provider}" is the provider itself`);
      if (permission.forwardTo.length === 0) problems.add('forwardTo: empty');
    }
    if (problems.size > 0) return this.reject(record, now, 'INVALID_NOTICE', problems.toArray().join('; '), provider);
    const audit = this.auditOf(now, 'FORWARDING_PERMITTED', provider, permission.grantedTo, 'RECORDED', report, {
      permissionId: permission.permissionId,
      forwardTo: permission.forwardTo.join(','),
      conditions: permission.conditions ?? '',
    }, permission.grantedBy);
    return {
      kind: 'permission',
      origin: provider,
      permission,
      outgoing: [{ topic: topics.inbox(permission.grantedTo), key: report.caseRef, name: 'forwardingPermission', value: permission }],
      audit: [{ ...audit, rules: [RULES.handlingCodes, RULES.explain] }],
      ledger: [{ kind: 'permission', permission }],
    };
  }

  /**
   * A lookup in an agreement's hit/no-hit index, written by the national adapter (the only writer
   * of liaison.lookups; it takes the asker from the token) before it answered: checked, then audited (INDEX_LOOKUP: who asked, why, which hashes;
   * INDEX_HIT per holder found: which of its references). Nothing is delivered. The hashes are keyed
   * pseudonyms whose key only the members hold: the audit trail names no identifier in clear.
   */
  private async processLookup(record: OutboxRecord, now: number): Promise<Processed> {
    const decoded = await this.decodeOrReject(record, now, 'indexLookup');
    if ('rejected' in decoded) return decoded.rejected;
    const lookup = decoded.value;
    const asker = lookup.asker;
    if (!this.policy.parties.has(asker)) return this.reject(record, now, 'INVALID_NOTICE', `asker: "${clip(asker, 12)}" is not a known party`);
    const problems = this.sideBounds.indexLookup.check(lookup);
    const agreement = this.policy.agreements.find((a) => a.id === lookup.agreement);
    if (!agreement || agreement.hitIndex !== true) problems.add(`agreement: "${clip(lookup.agreement, 64)}" has no hit/no-hit index`);
    else if (!isMember(this.policy, agreement, asker)) problems.add(`asker: ${asker} is not a member of ${agreement.id}`);
    const blank = requiredText('purpose', lookup.purpose, 10);
    if (blank) problems.add(blank);
    if (lookup.identifiers.length === 0) problems.add('identifiers: empty');
    lookup.identifiers.forEach((identifier, i) => {
      if (!INDEX_HASH.test(identifier.hash)) problems.add(`identifiers[${i}].hash: not 64 lower-case hex digits (a keyed pseudonym)`);
      identifier.hits.forEach((hit, j) => {
        if (hit.holder === asker || !agreement || !isMember(this.policy, agreement, hit.holder)) problems.add(`identifiers[${i}].hits[${j}].holder: "${clip(hit.holder, 12)}" is not another member of ${lookup.agreement}`);
      });
    });
    if (problems.size > 0) return this.reject(record, now, 'INVALID_NOTICE', problems.toArray().join('; '), asker);
    const about = { noticeId: null, caseRef: lookup.caseRef };
    const perHolder = new Map<string, { references: string[]; hashes: string[] }>();
    for (const identifier of lookup.identifiers) {
      for (const hit of identifier.hits) {
        const found = perHolder.get(hit.holder) ?? { references: [], hashes: [] };
        found.references.push(hit.reference);
        found.hashes.push(`${identifier.identifierType}:${identifier.hash}`);
        perHolder.set(hit.holder, found);
      }
    }
    const hits = lookup.identifiers.filter((i) => i.hits.length > 0).length;
    const common = { lookupId: lookup.lookupId, agreement: lookup.agreement, keyEpoch: String(lookup.keyEpoch) };
    const audit: AuditFacts[] = [
      {
        ...this.auditOf(now, 'INDEX_LOOKUP', asker, null, hits > 0 ? 'HIT' : 'NO_HIT', null, {
          ...common,
          purpose: lookup.purpose,
          askedBy: lookup.askedBy,
          askedAt: new Date(lookup.askedAt).toISOString(),
          identifiers: String(lookup.identifiers.length),
          hits: String(hits),
          hashes: lookup.identifiers.map((i) => `${i.identifierType}:${i.hash}`).join(','),
        }, lookup.askedBy),
        ...about,
      },
      ...[...perHolder].map(([holder, found]) => ({
        ...this.auditOf(now, 'INDEX_HIT', asker, holder, 'HIT', null, { ...common, references: found.references.join(','), hashes: found.hashes.join(',') }, lookup.askedBy),
        ...about,
      })),
    ];
    return { kind: 'lookup', origin: asker, lookup, hits, outgoing: [], audit, ledger: [] };
  }

  /** A policy review, written by the admin: checked, then audited (POLICY_REVIEWED) with its summary. */
  private async processPolicyReview(record: OutboxRecord, now: number): Promise<Processed> {
    const decoded = await this.decodeOrReject(record, now, 'policyReview');
    if ('rejected' in decoded) return decoded.rejected;
    const review = decoded.value;
    const problems = this.sideBounds.policyReview.check(review);
    const blank = requiredText('reviewedBy', review.reviewedBy, 3);
    if (blank) problems.add(blank);
    for (const field of ['fromVersion', 'toVersion'] as const) if (!/^[0-9a-f]{16}$/.test(review[field])) problems.add(`${field}: not a policy version (16 hex digits)`);
    if (!/^[0-9a-f]{64}$/.test(review.reportSha256)) problems.add('reportSha256: not a SHA-256 (64 hex digits)');
    if (problems.size > 0) return this.reject(record, now, 'INVALID_NOTICE', problems.toArray().join('; '));
    const audit = this.auditOf(now, 'POLICY_REVIEWED', null, null, review.toVersion === this.policy.version ? 'IN_FORCE' : 'RECORDED', null, {
      reviewId: review.reviewId,
      fromVersion: review.fromVersion,
      toVersion: review.toVersion,
      fromRef: clip(review.fromRef, 200),
      since: new Date(review.since).toISOString(),
      notices: String(review.notices),
      deliveries: String(review.deliveries),
      changes: String(review.changes),
      byAgreement: clip(JSON.stringify(review.byAgreement), 2000),
      reportSha256: review.reportSha256,
      reviewedAt: new Date(review.reviewedAt).toISOString(),
    }, clip(review.reviewedBy, 200));
    return { kind: 'policy-review', origin: null, review, outgoing: [], audit: [audit], ledger: [] };
  }

  /** A record of a topic that carries one contract record, decoded; or dead-lettered with the reason (a `retry` error is thrown). */
  private async decodeOrReject<N extends ContractName>(record: OutboxRecord, now: number, name: N): Promise<{ value: ContractRecords[N] } | { rejected: Processed }> {
    try {
      return { value: await this.decoder.decode(record.value, name) };
    } catch (error) {
      if (isDeadLetterError(error)) return { rejected: this.reject(record, now, error.code, error.message) };
      throw error;
    }
  }

  private auditOf(
    now: number,
    action: string,
    origin: string | null,
    destination: string | null,
    outcome: string,
    about: { noticeId: string; caseRef: string } | null,
    details: Record<string, string>,
    actor = this.actor,
  ): AuditFacts {
    return {
      at: now,
      actor,
      action,
      noticeId: about?.noticeId ?? null,
      caseRef: about?.caseRef ?? null,
      origin,
      destination,
      outcome,
      rules: [RULES.explain],
      details,
      policyVersion: this.policy.version,
    };
  }

  /** A delivery report for the origin: the record to produce and what the ledger records of it. */
  private report(notice: Notice, origin: string, now: number, destinations: EuLiaison.DestinationOutcome[]): { outgoing: Outgoing; entry: LedgerEntry } {
    const report: EuLiaison.DeliveryReport = { noticeId: notice.noticeId, caseRef: notice.caseRef, origin, policyVersion: this.policy.version, correctionOf: notice.correction?.of ?? null, processedAt: now, destinations };
    return { outgoing: { topic: topics.reports(origin), key: notice.caseRef, name: 'deliveryReport', value: report }, entry: { kind: 'report', report } };
  }

  /** A record the gateway could not process, or would not again: dead-lettered with the reason, audited. */
  deadLetter(record: OutboxRecord, now: number, code: DeadLetterCode, reason: string): Processed {
    return this.reject(record, now, code, clip(reason, 1000), partyOfTopic('outbox', record.topic) ?? undefined);
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
    const ledger: LedgerEntry[] = [];
    if (origin && notice) {
      // The origin learns of the rejection in its own reports topic: once per known recipient
      // (bounded by the parties, whatever the notice lists), or once under its own code.
      const named = [...new Set(notice.recipients)].filter((r) => this.policy.parties.has(r));
      const destinations = named.length > 0 ? named : [origin];
      const report = this.report(
        notice,
        origin,
        now,
        destinations.map((destination) => ({ destination, status: 'REJECTED', agreement: null, reasons: [`${code}: ${reason}`], rules: [], fieldActions: [], expiresAt: null })),
      );
      outgoing.push(report.outgoing);
      ledger.push(report.entry);
    }
    const audit = this.auditOf(now, 'DEAD_LETTER', origin ?? null, null, code, notice ?? null, { topic: record.topic, partition: String(record.partition), offset: record.offset, reason });
    return { kind: 'dead-lettered', code, reason, origin: origin ?? null, notice: notice ?? null, outgoing, audit: [audit], ledger };
  }
}
