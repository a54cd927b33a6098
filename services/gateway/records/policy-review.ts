/** A DPO's review of a policy change, written by the admin (liaison policy diff --record): checked, then audited (POLICY_REVIEWED). */
import type { Policy } from '../../policy/index.ts';
import { clip, requiredText } from '../../shared/text-checks.ts';
import { type RecordHandler, rejecter, serviceRecordBounds } from './handler.ts';

const REASONS = ['INVALID_POLICY_REVIEW'] as const;

export function policyReviewHandler(policy: Policy): RecordHandler<'policyReview', null> {
  const bounds = serviceRecordBounds(policy, 'policyReview', 200);
  return {
    schema: 'policyReview',
    reasons: REASONS,
    named: () => [],
    handle(input) {
      const { value: review, out } = input;
      const problems = bounds.check(review);
      const blank = requiredText('reviewedBy', review.reviewedBy, 3);
      if (blank) problems.add(blank);
      for (const field of ['fromVersion', 'toVersion'] as const) if (!/^[0-9a-f]{16}$/.test(review[field])) problems.add(`${field}: not a policy version (16 hex digits)`);
      if (!/^[0-9a-f]{64}$/.test(review.reportSha256)) problems.add('reportSha256: not a SHA-256 (64 hex digits)');
      if (problems.size > 0) return rejecter(input, REASONS)('INVALID_POLICY_REVIEW', problems.toArray().join('; '));
      const audit = out.audit({
        action: 'POLICY_REVIEWED',
        origin: null,
        destination: null,
        outcome: review.toVersion === policy.version ? 'IN_FORCE' : 'RECORDED',
        about: null,
        details: {
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
        },
        actor: clip(review.reviewedBy, 200),
      });
      return { kind: 'policy-review', review, outgoing: [], audit: [audit], ledger: [] };
    },
  };
}
