/** Rule 5, derogation: the origin's DPO releases a held copy to its destination, or rejects it. */
import { type Policy, RULES } from '../../policy/index.ts';
import type { EuLiaison } from '../../shared/generated/contract-types.ts';
import { requiredText } from '../../shared/text-checks.ts';
import { topics } from '../../shared/topology.ts';
import { type RecordHandler, rejecter, serviceRecordBounds } from './handler.ts';
import type { Outgoing } from './outcome.ts';

const REASONS = ['INVALID_HELD_DECISION', 'UNKNOWN_HELD_COPY'] as const;

export function heldDecisionHandler(policy: Policy): RecordHandler<'heldDecision', null> {
  const bounds = serviceRecordBounds(policy, 'heldDecision');
  return {
    schema: 'heldDecision',
    reasons: REASONS,
    named: (decision) => [decision.noticeId],
    handle(input) {
      const { value: decision, ledger, out } = input;
      const reject = rejecter(input, REASONS);
      const problems = bounds.check(decision);
      const blank = requiredText('justification', decision.justification, 10);
      if (blank) problems.add(blank);
      if (problems.size > 0) return reject('INVALID_HELD_DECISION', problems.toArray().join('; '));
      const held = ledger.heldCopy(decision.noticeId, decision.destination);
      if (!held) return reject('UNKNOWN_HELD_COPY', `no copy of ${decision.noticeId} for ${decision.destination} is waiting for a decision`);
      if (decision.decidedBy.split('@')[1] !== held.origin) {
        return reject('INVALID_HELD_DECISION', `decidedBy: "${decision.decidedBy}" is not an officer of the origin ${held.origin}`, held.origin);
      }
      const release = decision.decision === 'RELEASE';
      const notice = held.notice;
      const outgoing: Outgoing[] = [];
      if (release) {
        const copy: EuLiaison.NoticeCopy = { ...held, copyId: `${notice.noticeId}:${held.destination}:RELEASED`, part: 'RELEASED', deliveredAt: out.now };
        outgoing.push({ topic: topics.inbox(held.destination), key: notice.caseRef, name: 'noticeCopy', value: copy });
      }
      const status = release ? 'DELIVERED_FILTERED' : 'BLOCKED';
      const rules = [RULES.thirdCountry, RULES.explain];
      const report = out.report(notice, held.origin, [
        {
          destination: held.destination,
          status,
          agreement: held.agreement,
          reasons: [`${release ? 'released' : 'rejected'} by ${decision.decidedBy}: ${decision.justification}`],
          rules,
          fieldActions: release ? held.fieldActions : [],
          expiresAt: release ? held.expiresAt : null,
        },
      ]);
      outgoing.push(report.outgoing);
      const audit = out.audit({
        action: release ? 'HELD_RELEASED' : 'HELD_REJECTED',
        origin: held.origin,
        destination: held.destination,
        outcome: status,
        about: notice,
        details: { justification: decision.justification, decidedAt: String(decision.decidedAt), agreement: held.agreement },
        actor: decision.decidedBy,
        rules,
      });
      return { kind: 'held-decision', origin: held.origin, decision, outgoing, audit: [audit], ledger: [report.entry] };
    },
  };
}
