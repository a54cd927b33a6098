/**
 * What the operations console shows, computed from the services' metrics (prom-client's JSON
 * form of /metrics): the country-to-country flow, what was blocked, held or dead-lettered and
 * why, deadlines, backlog, latency and health. Pure: snapshots in, overview out.
 */
import type { MetricObjectWithValues, MetricValue, MetricValueWithName } from 'prom-client';

export type MetricsSnapshot = Array<MetricObjectWithValues<MetricValue<string> | MetricValueWithName<string>>>;

export interface ServiceHealth {
  name: string;
  url: string;
  up: boolean;
  ready: boolean;
  /** What /readyz says when the service is not ready (a stalled partition, a consumer that stopped). */
  problems: string[];
  lastScrape: string | null;
  error: string | null;
}

export interface Count {
  labels: Record<string, string>;
  value: number;
}

export interface Overview {
  generatedAt: string;
  services: ServiceHealth[];
  countries: string[];
  /** origin → destination → status → count (from liaison_deliveries_total). */
  flows: Record<string, Record<string, Record<string, number>>>;
  totals: Record<string, number>;
  blockedByRule: Count[];
  heldWaiting: Count[];
  heldOldestSeconds: Count[];
  deadLetters: Count[];
  overdue: Count[];
  inboxLag: Count[];
  gatewayLag: Count[];
  /** Per state reader (gateway ledger, adapter status, contact-point desks): records not yet in its database. */
  stateReaderLag: Count[];
  /** State readers that cannot store (their database unreachable, or a batch they cannot apply). */
  stateReadersFailing: Count[];
  latency: { count: number; p50: number | null; p95: number | null };
  infraErrors: Count[];
  auditIntact: boolean | null;
}

type Values = Array<{ value: number; labels: Record<string, string | number>; metricName?: string }>;

function valuesOf(snapshots: MetricsSnapshot[], name: string): Values {
  return snapshots.flatMap((s) => s.filter((m) => m.name === name).flatMap((m) => m.values as Values));
}

/** Sums a metric over every service, grouped by the given labels. */
export function sumBy(snapshots: MetricsSnapshot[], name: string, labels: string[], op: 'sum' | 'max' = 'sum'): Count[] {
  const groups = new Map<string, Count>();
  for (const v of valuesOf(snapshots, name)) {
    if (v.metricName && v.metricName !== name) continue;
    const picked = Object.fromEntries(labels.map((l) => [l, String(v.labels[l] ?? '')]));
    const key = JSON.stringify(picked);
    const g = groups.get(key);
    if (!g) groups.set(key, { labels: picked, value: v.value });
    else g.value = op === 'sum' ? g.value + v.value : Math.max(g.value, v.value);
  }
  return [...groups.values()].filter((c) => c.value > 0).sort((a, b) => b.value - a.value);
}

/** A quantile from cumulative histogram buckets, interpolated within the bucket (as Prometheus does). */
export function quantile(q: number, buckets: Array<{ le: number; count: number }>): number | null {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total === 0) return null;
  const rank = q * total;
  let lowerLe = 0;
  let lowerCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lowerLe;
      return lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / Math.max(b.count - lowerCount, 1);
    }
    lowerLe = b.le;
    lowerCount = b.count;
  }
  return lowerLe;
}

function latency(snapshots: MetricsSnapshot[]): Overview['latency'] {
  const byLe = new Map<number, number>();
  for (const v of valuesOf(snapshots, 'liaison_delivery_latency_seconds')) {
    if (v.metricName !== 'liaison_delivery_latency_seconds_bucket') continue;
    const le = v.labels.le === '+Inf' ? Infinity : Number(v.labels.le);
    byLe.set(le, (byLe.get(le) ?? 0) + v.value);
  }
  const buckets = [...byLe].map(([le, count]) => ({ le, count }));
  const count = byLe.get(Infinity) ?? 0;
  return { count, p50: quantile(0.5, buckets), p95: quantile(0.95, buckets) };
}

export function buildOverview(services: ServiceHealth[], snapshots: MetricsSnapshot[], countries: string[], now: number): Overview {
  const flows: Overview['flows'] = {};
  const totals: Record<string, number> = {};
  for (const c of sumBy(snapshots, 'liaison_deliveries_total', ['origin', 'destination', 'status'])) {
    const { origin, destination, status } = c.labels as { origin: string; destination: string; status: string };
    ((flows[origin] ??= {})[destination] ??= {})[status] = c.value;
    totals[status] = (totals[status] ?? 0) + c.value;
  }
  const audit = valuesOf(snapshots, 'liaison_audit_chain_intact');
  return {
    generatedAt: new Date(now).toISOString(),
    services,
    countries,
    flows,
    totals,
    blockedByRule: sumBy(snapshots, 'liaison_blocked_total', ['rule']),
    heldWaiting: sumBy(snapshots, 'liaison_held_copies_waiting', ['origin', 'destination']),
    heldOldestSeconds: sumBy(snapshots, 'liaison_held_copy_oldest_seconds', ['origin'], 'max'),
    deadLetters: sumBy(snapshots, 'liaison_dead_letters_total', ['reason']),
    overdue: sumBy(snapshots, 'liaison_requests_overdue', ['country'], 'max'),
    inboxLag: sumBy(snapshots, 'liaison_inbox_lag_records', ['country'], 'max'),
    gatewayLag: sumBy(snapshots, 'liaison_gateway_lag_records', ['origin']),
    // Every instance of a service reports its reader's lag over all partitions: the largest counts.
    stateReaderLag: sumBy(snapshots, 'liaison_state_reader_lag_records', ['reader'], 'max'),
    stateReadersFailing: sumBy(snapshots, 'liaison_state_reader_failing', ['reader'], 'max'),
    latency: latency(snapshots),
    infraErrors: sumBy(snapshots, 'liaison_infra_errors_total', ['infra']),
    auditIntact: audit.length === 0 ? null : audit.every((v) => v.value === 1),
  };
}
