/** The contact point's metrics. Labels are countries and enums: bounded, never ids. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { InboxStore } from './inbox-store.ts';

export function contactPointMetrics(registry: Registry, stores: () => InboxStore[], now: () => number, inboxLag: () => Map<string, number> = () => new Map()) {
  new Gauge({
    name: 'liaison_inbox_lag_records',
    help: 'Records in the country’s inbox (as a read-committed consumer sees it) not yet stored in the contact point’s database',
    labelNames: ['country'],
    registers: [registry],
    collect() {
      for (const [country, lag] of inboxLag()) this.set({ country }, lag);
    },
  });
  new Gauge({
    name: 'liaison_inbox_unacknowledged',
    help: 'Copies in the inbox without a RECEIVED receipt yet (e.g. the webhook is failing)',
    labelNames: ['country'],
    registers: [registry],
    async collect() {
      for (const s of stores()) this.set({ country: s.country }, await s.unacknowledgedCount().catch(() => Number.NaN));
    },
  });
  new Gauge({
    name: 'liaison_requests_overdue',
    help: 'Received requests past their due time and not answered (rule 15)',
    labelNames: ['country'],
    registers: [registry],
    async collect() {
      for (const s of stores()) this.set({ country: s.country }, await s.overdueCount(now()).catch(() => Number.NaN));
    },
  });
  new Gauge({
    name: 'liaison_inbox_notices',
    help: 'Notices in the contact point’s inbox (purged ones excluded)',
    labelNames: ['country'],
    registers: [registry],
    async collect() {
      for (const s of stores()) this.set({ country: s.country }, await s.size().catch(() => Number.NaN));
    },
  });
  return {
    registry,
    receiptsSent: new Counter({ name: 'liaison_contact_point_receipts_total', help: 'Receipts sent by the contact point', labelNames: ['country', 'status'], registers: [registry] }),
    purged: new Counter({ name: 'liaison_copies_purged_total', help: 'Expired copies purged (rule 14)', labelNames: ['country'], registers: [registry] }),
    webhookFailures: new Counter({ name: 'liaison_webhook_failures_total', help: 'Failed webhook attempts (retried)', labelNames: ['country'], registers: [registry] }),
    forwardRefusals: new Counter({ name: 'liaison_forward_refusals_total', help: 'Forwards refused for want of the provider’s permission (rule 6)', labelNames: ['country'], registers: [registry] }),
  };
}

export type ContactPointMetrics = ReturnType<typeof contactPointMetrics>;
