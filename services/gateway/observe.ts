/** What one committed record tells the metrics and the log: one line and the counters of its kind. */
import { blockingRule, RULES } from '../policy/index.ts';
import type { Logger } from '../shared/logger.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { Processed } from './records/records.ts';

/** `submittedAt`: when the record was written to its outbox (0 unknown); `committedAt`: when its transaction committed. */
export function observe(metrics: GatewayMetrics, logger: Logger, result: Processed, submittedAt: number, committedAt: number): void {
  switch (result.kind) {
    case 'dead-lettered':
      metrics.deadLetters.inc({ reason: result.code });
      logger.warn('notice dead-lettered', { noticeId: result.notice?.noticeId, caseRef: result.notice?.caseRef, origin: result.origin, reason: result.code });
      return;
    case 'held-decision': {
      const d = result.decision;
      metrics.heldDecisions.inc({ origin: result.origin, destination: d.destination, decision: d.decision });
      if (d.decision === 'REJECT') metrics.blocked.inc({ origin: result.origin, destination: d.destination, rule: RULES.thirdCountry });
      logger.info('held copy decided', { noticeId: d.noticeId, origin: result.origin, destination: d.destination, decision: d.decision });
      return;
    }
    case 'receipt':
      metrics.receipts.inc({ recipient: result.recipient, status: result.receipt.status });
      logger.info('receipt relayed', { noticeId: result.receipt.noticeId, recipient: result.recipient, origin: result.origin, status: result.receipt.status });
      return;
    case 'permission':
      metrics.permissions.inc({ provider: result.provider, granted_to: result.permission.grantedTo });
      logger.info('forwarding permission delivered', { noticeId: result.permission.noticeId, origin: result.provider, destination: result.permission.grantedTo });
      return;
    case 'lookup':
      metrics.indexLookups.inc({ asker: result.asker, agreement: result.lookup.agreement, outcome: result.hits > 0 ? 'hit' : 'no_hit' });
      logger.info('index lookup audited', { lookupId: result.lookup.lookupId, agreement: result.lookup.agreement, asker: result.asker, identifiers: result.lookup.identifiers.length, hits: result.hits });
      return;
    case 'policy-review':
      logger.info('policy review audited', { reviewId: result.review.reviewId, fromVersion: result.review.fromVersion, toVersion: result.review.toVersion, reviewedBy: result.review.reviewedBy, changes: result.review.changes });
      return;
    case 'duplicate':
      metrics.duplicates.inc({ origin: result.origin });
      logger.info('resubmitted notice ignored', { origin: result.origin });
      return;
    case 'routed':
      return observeRouted(metrics, logger, result, submittedAt, committedAt);
    default: {
      const unknown: never = result;
      throw new Error(`unhandled result ${JSON.stringify(unknown)}`);
    }
  }
}

function observeRouted(metrics: GatewayMetrics, logger: Logger, { notice, origin, decisions }: Extract<Processed, { kind: 'routed' }>, submittedAt: number, committedAt: number): void {
  metrics.notices.inc({ origin, kind: notice.kind, priority: notice.priority });
  for (const d of decisions) {
    metrics.deliveries.inc({ origin, destination: d.destination, status: d.status, kind: notice.kind, priority: notice.priority });
    for (const area of notice.crimeAreas) metrics.crimeAreas.inc({ origin, destination: d.destination, crime_area: area, status: d.status });
    const rule = blockingRule(d);
    if (rule) metrics.blocked.inc({ origin, destination: d.destination, rule });
    if (d.deliver.length > 0 && submittedAt > 0) metrics.latency.observe({ destination: d.destination }, Math.max(0, committedAt - submittedAt) / 1000);
    for (const a of d.fieldActions) metrics.fieldActions.inc({ destination: d.destination, rule: a.rule, action: a.action });
    logger.info('delivery decision', { noticeId: notice.noticeId, caseRef: notice.caseRef, origin, destination: d.destination, status: d.status, agreement: d.agreement });
  }
}
