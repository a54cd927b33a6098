/**
 * A recipient's receipt (rule 12 acknowledgements, LED-logged consultations, rule 14 purges):
 * audited with the officer and justification, relayed to the notice's origin without them.
 */
import type { Policy } from '../../policy/index.ts';
import type { EuLiaison } from '../../shared/generated/contract-types.ts';
import { topics } from '../../shared/topology.ts';
import { receiptAction } from '../../shared/vocabulary.ts';
import { type RecordHandler, rejecter, serviceRecordBounds } from './handler.ts';

const REASONS = ['INVALID_RECEIPT', 'ORIGIN_MISMATCH', 'UNKNOWN_CASE'] as const;

export function receiptHandler(policy: Policy): RecordHandler<'receipt', string> {
  const bounds = serviceRecordBounds(policy, 'receipt');
  return {
    schema: 'receipt',
    reasons: REASONS,
    named: (receipt) => [receipt.noticeId],
    handle(input) {
      const { value: receipt, sender: recipient, ledger, out } = input;
      const reject = rejecter(input, REASONS);
      const problems = bounds.check(receipt);
      if (problems.size > 0) return reject('INVALID_RECEIPT', problems.toArray().join('; '), recipient);
      if (receipt.recipient !== recipient) return reject('ORIGIN_MISMATCH', `recipient: "${receipt.recipient}" is not ${recipient}, proven by the outbox topic`, recipient);
      const report = ledger.get(receipt.noticeId);
      if (!report || !ledger.reachedDestinations(receipt.noticeId).includes(recipient)) {
        return reject('UNKNOWN_CASE', `noticeId: ${recipient} received no notice ${receipt.noticeId}`, recipient);
      }
      const relayed: EuLiaison.Receipt = { ...receipt, officer: null, justification: null };
      const audit = out.audit({
        action: receiptAction(receipt.status),
        origin: report.origin,
        destination: recipient,
        outcome: receipt.status,
        about: report,
        details: {
          copyId: receipt.copyId,
          by: receipt.by ?? '',
          officer: receipt.officer ?? '',
          justification: receipt.justification ?? '',
          answerNoticeId: receipt.answerNoticeId ?? '',
        },
        actor: receipt.officer ?? receipt.by ?? `contact-point@${recipient}`,
      });
      return {
        kind: 'receipt',
        recipient,
        origin: report.origin,
        receipt,
        outgoing: [{ topic: topics.reports(report.origin), key: report.caseRef, name: 'receipt', value: relayed }],
        audit: [audit],
        ledger: [],
      };
    },
  };
}
