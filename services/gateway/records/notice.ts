/**
 * A notice, and a notice that corrects or withdraws an earlier one (rule 12): checked, then
 * decided per destination by the policy (the same function a preview uses) and routed.
 */
import { deliveriesOf, foreignReferences, type Policy, type PseudonymKey, referencedBy, validateNotice } from '../../policy/index.ts';
import type { AuditFacts } from '../../shared/audit-chain.ts';
import { topics } from '../../shared/topology.ts';
import type { LedgerEntry } from '../delivery-ledger.ts';
import { type HandlerInput, type RecordHandler, type Reject, rejecter } from './handler.ts';
import type { Outgoing, Processed } from './outcome.ts';


const REASONS = ['INVALID_NOTICE', 'ORIGIN_MISMATCH', 'DUPLICATE_ID', 'UNKNOWN_CASE'] as const;
type Reason = (typeof REASONS)[number];

/** The checks every notice passes, a correction too; a `Processed` when it stops here. */
function admit(policy: Policy, input: HandlerInput<'notice', string>, reject: Reject<Reason>): Processed | null {
  const { value: notice, sender: origin, ledger, out, record } = input;
  // A retried submission (same notice id, e.g. the adapter's Idempotency-Key) never makes a second notice.
  const seen = ledger.get(notice.noticeId);
  if (seen) {
    if (seen.origin !== origin) return reject('DUPLICATE_ID', `noticeId: ${notice.noticeId} is already a notice of ${seen.origin}`, origin);
    const audit = out.audit({ action: 'DUPLICATE_IGNORED', origin, destination: null, outcome: 'IGNORED', about: notice, details: { topic: record.topic, offset: record.offset } });
    return { kind: 'duplicate', origin, noticeId: notice.noticeId, outgoing: [], audit: [audit], ledger: [] };
  }
  const rejection = validateNotice(notice, origin, policy, out.now);
  if (rejection) return reject(rejection.code, rejection.problems.join('; '), origin, notice);
  // Ownership: a correction of its own notice, a reply to what it sent or received, provenance it can show.
  const foreign = foreignReferences(notice, origin, ledger);
  if (foreign.length > 0) return reject('UNKNOWN_CASE', foreign.join('; '), origin, notice);
  return null;
}

/** Decides every recipient and builds what goes out: copies, held copies, the origin's report, an audit event per destination. */
function route(policy: Policy, keys: PseudonymKey, { value: notice, out }: HandlerInput<'notice', string>, origin: string, recipients: readonly string[]): Processed {
  const deliveries = deliveriesOf(policy, keys, notice, origin, recipients, out.now);
  const outgoing: Outgoing[] = [];
  const ledger: LedgerEntry[] = [];
  const audit: AuditFacts[] = [];
  for (const { decision: d, deliver, hold } of deliveries) {
    for (const copy of deliver) outgoing.push({ topic: topics.inbox(d.destination), key: notice.caseRef, name: 'noticeCopy', value: copy });
    if (hold) {
      outgoing.push({ topic: topics.held, key: notice.noticeId, name: 'noticeCopy', value: hold });
      ledger.push({ kind: 'held', copy: hold });
    }
    audit.push(
      out.audit({
        action: notice.correction ? `CORRECTION_${notice.correction.action}` : 'DELIVERY_DECISION',
        origin,
        destination: d.destination,
        outcome: d.status,
        about: notice,
        details: {
          agreement: d.agreement ?? '',
          reasons: d.reasons.join('; '),
          fieldActions: d.fieldActions.map((a) => `${a.action} ${a.path} (${a.rule})`).join('; '),
        },
        rules: d.rules,
      }),
    );
  }
  const decisions = deliveries.map((d) => d.decision);
  const report = out.report(
    notice,
    origin,
    decisions.map(({ destination, status, agreement, reasons, rules, fieldActions, expiresAt }) => ({ destination, status, agreement, reasons, rules, fieldActions, expiresAt })),
  );
  outgoing.push(report.outgoing);
  ledger.push(report.entry);
  return { kind: 'routed', notice, origin, decisions, outgoing, audit, ledger };
}

/** A notice of its own: its named recipients decided. */
export function noticeHandler(policy: Policy, keys: PseudonymKey): RecordHandler<'notice', string> {
  return {
    schema: 'notice',
    reasons: REASONS,
    named: (notice) => [notice.noticeId, ...referencedBy(notice).notices],
    handle(input) {
      const stopped = admit(policy, input, rejecter(input, REASONS));
      return stopped ?? route(policy, keys, input, input.sender, input.value.recipients);
    },
  };
}

/** Rule 12: a correction goes to every earlier recipient of the notice it corrects as well as to those it names. */
export function correctionHandler(policy: Policy, keys: PseudonymKey): RecordHandler<'notice', string> {
  return {
    schema: 'notice',
    reasons: REASONS,
    named: (notice) => [notice.noticeId, ...referencedBy(notice).notices],
    handle(input) {
      const reject = rejecter(input, REASONS);
      const stopped = admit(policy, input, reject);
      if (stopped) return stopped;
      const { value: notice, ledger } = input;
      const origin = input.sender;
      if (notice.correction === null) return route(policy, keys, input, origin, notice.recipients);
      const { of } = notice.correction;
      const earlier = ledger.get(of);
      if (!earlier || earlier.origin !== origin) return reject('UNKNOWN_CASE', `correction.of: ${origin} sent no notice ${of}`, origin, notice);
      return route(policy, keys, input, origin, [...new Set([...ledger.reachedDestinations(of), ...notice.recipients])]);
    },
  };
}
