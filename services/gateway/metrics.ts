/** The gateway's metrics. Labels are parties, enums and rules: bounded, never ids. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function gatewayMetrics(registry: Registry, policyVersion: string) {
  const policyInfo = new Gauge({ name: 'liaison_policy_info', help: 'Policy version in force (content hash of agreements and parties)', labelNames: ['version'], registers: [registry] });
  policyInfo.set({ version: policyVersion }, 1);
  return {
    notices: new Counter({ name: 'liaison_notices_total', help: 'Notices accepted from outboxes', labelNames: ['origin', 'kind'], registers: [registry] }),
    deliveries: new Counter({ name: 'liaison_deliveries_total', help: 'Per-destination outcomes of accepted notices', labelNames: ['origin', 'destination', 'status'], registers: [registry] }),
    fieldActions: new Counter({ name: 'liaison_field_actions_total', help: 'Fields removed, masked, generalised, pseudonymised or raised', labelNames: ['destination', 'rule', 'action'], registers: [registry] }),
    deadLetters: new Counter({ name: 'liaison_dead_letters_total', help: 'Records sent to liaison.dlq', labelNames: ['reason'], registers: [registry] }),
    processing: new Histogram({
      name: 'liaison_gateway_processing_seconds',
      help: 'Time from consuming a batch to committing its transaction, per notice',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    heldDecisions: new Counter({ name: 'liaison_held_decisions_total', help: 'Held copies released or rejected by the origin DPO', labelNames: ['origin', 'destination', 'decision'], registers: [registry] }),
    receipts: new Counter({ name: 'liaison_receipts_total', help: 'Receipts of recipients relayed to the origin', labelNames: ['recipient', 'status'], registers: [registry] }),
    permissions: new Counter({ name: 'liaison_forwarding_permissions_total', help: 'Forwarding permissions delivered (rule 6)', labelNames: ['provider', 'granted_to'], registers: [registry] }),
    duplicates: new Counter({ name: 'liaison_duplicate_notices_total', help: 'Resubmitted notices ignored (same notice id from the same origin)', labelNames: ['origin'], registers: [registry] }),
    transactionAborts: new Counter({ name: 'liaison_gateway_transaction_aborts_total', help: 'Transactions aborted (the batch is consumed again)', registers: [registry] }),
  };
}

export type GatewayMetrics = ReturnType<typeof gatewayMetrics>;
