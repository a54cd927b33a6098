/**
 * The gateway's metrics: the flows between countries, what was filtered, blocked, held or
 * dead-lettered and why, latency, backlog and the audit trail's health. Labels are parties,
 * enums and rules: bounded, never ids. Every metric is documented in docs/metrics.md.
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface GatewayGauges {
  /** Copies waiting for the origin's DPO: per origin and destination, with the oldest wait. */
  heldWaiting(): Array<{ origin: string; destination: string; since: number }>;
  /** Records beyond the group's committed offset, per outbox (origin), over this instance's partitions. */
  lag(): Map<string, number>;
  /** Partitions with records waiting and no progress for the stall time. */
  stalled(): number;
  /** Ledger entries this process committed that the ledger's reader has not stored yet (kept in the heap meanwhile). */
  ledgerPending?(): number;
  now(): number;
}

export function gatewayMetrics(registry: Registry, policyVersion: string, gauges?: GatewayGauges) {
  const policyInfo = new Gauge({ name: 'liaison_policy_info', help: 'Policy version in force (content hash of agreements, parties and limits)', labelNames: ['version'], registers: [registry] });
  policyInfo.set({ version: policyVersion }, 1);
  const policyReviewed = new Gauge({
    name: 'liaison_policy_reviewed',
    help: '1 when a data protection officer recorded a review of the policy version in force (liaison policy diff --record), else 0 (alert LiaisonPolicyUnreviewed)',
    labelNames: ['version'],
    registers: [registry],
  });
  policyReviewed.set({ version: policyVersion }, 0);
  new Gauge({
    name: 'liaison_held_copies_waiting',
    help: 'Copies held under a derogation, waiting for the origin DPO (rule 5)',
    labelNames: ['origin', 'destination'],
    registers: [registry],
    collect() {
      this.reset();
      for (const h of gauges?.heldWaiting() ?? []) this.inc({ origin: h.origin, destination: h.destination });
    },
  });
  new Gauge({
    name: 'liaison_held_copy_oldest_seconds',
    help: 'How long the oldest held copy of each origin has been waiting for its DPO',
    labelNames: ['origin'],
    registers: [registry],
    collect() {
      this.reset();
      const oldest = new Map<string, number>();
      for (const h of gauges?.heldWaiting() ?? []) oldest.set(h.origin, Math.min(oldest.get(h.origin) ?? Infinity, h.since));
      for (const [origin, since] of oldest) this.set({ origin }, Math.max(0, (gauges!.now() - since) / 1000));
    },
  });
  new Gauge({
    name: 'liaison_gateway_lag_records',
    help: 'Records in each outbox beyond the gateway group\'s committed offset (per origin), read from the brokers every few seconds',
    labelNames: ['origin'],
    registers: [registry],
    collect() {
      for (const [origin, lag] of gauges?.lag() ?? []) this.set({ origin }, lag);
    },
  });
  new Gauge({
    name: 'liaison_gateway_ledger_pending',
    help: 'Delivery-ledger entries this process committed and keeps in its heap until the ledger’s reader has stored them (a few seconds of commits; growing means the reader is stuck)',
    registers: [registry],
    collect() {
      this.set(gauges?.ledgerPending?.() ?? 0);
    },
  });
  new Gauge({
    name: 'liaison_gateway_stalled_partitions',
    help: 'Outbox partitions of this instance with records waiting and no progress for the stall time (readiness fails)',
    registers: [registry],
    collect() {
      this.set(gauges?.stalled() ?? 0);
    },
  });
  return {
    registry,
    policyReviewed: (reviewed: boolean) => policyReviewed.set({ version: policyVersion }, reviewed ? 1 : 0),
    notices: new Counter({ name: 'liaison_notices_total', help: 'Notices accepted from outboxes', labelNames: ['origin', 'kind', 'priority'], registers: [registry] }),
    deliveries: new Counter({
      name: 'liaison_deliveries_total',
      help: 'Per-destination outcomes of accepted notices: the country-to-country flow',
      labelNames: ['origin', 'destination', 'status', 'kind', 'priority'],
      registers: [registry],
    }),
    crimeAreas: new Counter({ name: 'liaison_crime_area_deliveries_total', help: 'Per-destination outcomes by crime area (a notice counts once per area it names)', labelNames: ['origin', 'destination', 'crime_area', 'status'], registers: [registry] }),
    blocked: new Counter({ name: 'liaison_blocked_total', help: 'Destinations blocked, by the rule that blocked them', labelNames: ['origin', 'destination', 'rule'], registers: [registry] }),
    fieldActions: new Counter({ name: 'liaison_field_actions_total', help: 'Fields removed, masked, generalised, pseudonymised or raised', labelNames: ['destination', 'rule', 'action'], registers: [registry] }),
    deadLetters: new Counter({ name: 'liaison_dead_letters_total', help: 'Records sent to liaison.dlq, by reason', labelNames: ['reason'], registers: [registry] }),
    latency: new Histogram({
      name: 'liaison_delivery_latency_seconds',
      help: 'From the submission to the outbox (record timestamp) to the commit of the copy in the destination inbox',
      labelNames: ['destination'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers: [registry],
    }),
    processing: new Histogram({
      name: 'liaison_gateway_processing_seconds',
      help: 'Time from consuming a batch to committing its transaction, per notice',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    heldDecisions: new Counter({ name: 'liaison_held_decisions_total', help: 'Held copies released or rejected by the origin DPO', labelNames: ['origin', 'destination', 'decision'], registers: [registry] }),
    receipts: new Counter({ name: 'liaison_receipts_total', help: 'Receipts of recipients relayed to the origin', labelNames: ['recipient', 'status'], registers: [registry] }),
    permissions: new Counter({ name: 'liaison_forwarding_permissions_total', help: 'Forwarding permissions delivered (rule 6)', labelNames: ['provider', 'granted_to'], registers: [registry] }),
    indexLookups: new Counter({ name: 'liaison_index_lookups_audited_total', help: 'Hit/no-hit index lookups written to the audit trail, by asking country, agreement and outcome (hit or no_hit)', labelNames: ['asker', 'agreement', 'outcome'], registers: [registry] }),
    duplicates: new Counter({ name: 'liaison_duplicate_notices_total', help: 'Resubmitted notices ignored (same notice id from the same origin)', labelNames: ['origin'], registers: [registry] }),
    transactionAborts: new Counter({ name: 'liaison_gateway_transaction_aborts_total', help: 'Transactions aborted (the batch is consumed again)', registers: [registry] }),
    failedCommits: new Counter({
      name: 'liaison_gateway_failed_commits_total',
      help: 'Commits that reported a failure, by what the committed offsets showed: committed (not consumed again), aborted (consumed again), unknown (the gateway stops)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    auditIntact: new Gauge({ name: 'liaison_audit_chain_intact', help: '1 while every audit chain verifies from its first event, 0 once a link is broken (rule 13)', registers: [registry] }),
    auditEvents: new Gauge({ name: 'liaison_audit_events_verified', help: 'Audit events verified so far by this gateway instance', registers: [registry] }),
  };
}

export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;
