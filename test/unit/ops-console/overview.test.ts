import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { gatewayMetrics } from '../../../services/gateway/metrics.ts';
import { buildOverview, quantile, sumBy, type MetricsSnapshot, type ServiceHealth } from '../../../services/ops-console/overview.ts';

const NOW = Date.parse('2026-11-22T10:00:00Z');
const HEALTHY: ServiceHealth[] = [{ name: 'gateway', url: 'http://127.0.0.1:18090', up: true, ready: true, problems: [], lastScrape: null, error: null }];

/** Two gateway instances, as the console sees them: each registry's JSON snapshot. */
async function twoGateways(): Promise<MetricsSnapshot[]> {
  const a = new Registry();
  const b = new Registry();
  const held = [{ origin: 'CO', destination: 'NL', since: NOW - 90_000 }, { origin: 'CO', destination: 'BE', since: NOW - 30_000 }];
  const ma = gatewayMetrics(a, 'v1', { heldWaiting: () => held, lag: () => new Map([['BE', 4]]), stalled: () => 0, now: () => NOW });
  const mb = gatewayMetrics(b, 'v1', { heldWaiting: () => [], lag: () => new Map([['BE', 1], ['NL', 2]]), stalled: () => 0, now: () => NOW });
  const flow = { kind: 'INFORMATION', priority: 'ROUTINE' };
  ma.deliveries.inc({ origin: 'BE', destination: 'NL', status: 'DELIVERED', ...flow }, 3);
  mb.deliveries.inc({ origin: 'BE', destination: 'NL', status: 'DELIVERED', ...flow }, 2);
  mb.deliveries.inc({ origin: 'BE', destination: 'NL', status: 'DELIVERED', kind: 'REQUEST', priority: 'URGENT' });
  ma.deliveries.inc({ origin: 'BE', destination: 'US', status: 'DELIVERED_FILTERED', ...flow });
  ma.deliveries.inc({ origin: 'BE', destination: 'FR', status: 'BLOCKED', ...flow }, 2);
  ma.blocked.inc({ origin: 'BE', destination: 'FR', rule: 'NO_AGREEMENT' }, 2);
  mb.blocked.inc({ origin: 'NL', destination: 'US', rule: 'NO_TRANSFER_BASIS' });
  mb.blocked.inc({ origin: 'BE', destination: 'ES', rule: 'NO_AGREEMENT' });
  ma.deadLetters.inc({ reason: 'DECODE_FAILED' });
  mb.deadLetters.inc({ reason: 'DECODE_FAILED' });
  for (const seconds of [0.02, 0.03, 0.04, 0.2, 3]) ma.latency.observe({ destination: 'NL' }, seconds);
  ma.auditIntact.set(1);
  mb.auditIntact.set(1);
  return [await a.getMetricsAsJSON(), await b.getMetricsAsJSON()] as MetricsSnapshot[];
}

async function contactPoint(overdue: Record<string, number>): Promise<MetricsSnapshot> {
  const r = new Registry();
  const g = new Gauge({ name: 'liaison_requests_overdue', help: 'h', labelNames: ['country'], registers: [r] });
  for (const [country, n] of Object.entries(overdue)) g.set({ country }, n);
  return (await r.getMetricsAsJSON()) as MetricsSnapshot;
}

describe('quantile (as histogram_quantile computes it)', () => {
  it('interpolates linearly within the bucket that holds the rank', () => {
    // 10 observations: 4 ≤ 0.1, 8 ≤ 0.5, 10 ≤ 1 → the median (rank 5) lies a quarter into (0.1, 0.5].
    const buckets = [{ le: 0.1, count: 4 }, { le: 0.5, count: 8 }, { le: 1, count: 10 }, { le: Infinity, count: 10 }];
    expect(quantile(0.5, buckets)).toBeCloseTo(0.2, 10);
    expect(quantile(0.2, buckets)).toBeCloseTo(0.05, 10);
    expect(quantile(0.9, buckets)).toBeCloseTo(0.75, 10);
  });

  it('answers the highest finite bound when the rank falls in +Inf, and nothing without observations', () => {
    expect(quantile(0.99, [{ le: 1, count: 1 }, { le: Infinity, count: 5 }])).toBe(1);
    expect(quantile(0.5, [{ le: 1, count: 0 }, { le: Infinity, count: 0 }])).toBeNull();
    expect(quantile(0.5, [])).toBeNull();
  });

  it('does not depend on the order of the buckets', () => {
    const ordered = [{ le: 0.1, count: 1 }, { le: 1, count: 3 }, { le: Infinity, count: 3 }];
    expect(quantile(0.5, [...ordered].reverse())).toBe(quantile(0.5, ordered));
  });
});

describe('sumBy', () => {
  it('adds the same labels across instances and drops the labels not asked for', async () => {
    const counts = sumBy(await twoGateways(), 'liaison_blocked_total', ['rule']);
    expect(counts).toEqual([
      { labels: { rule: 'NO_AGREEMENT' }, value: 3 },
      { labels: { rule: 'NO_TRANSFER_BASIS' }, value: 1 },
    ]);
  });

  it('takes the maximum for gauges every instance reports the same way', async () => {
    const snapshots = [await contactPoint({ NL: 6, BE: 1 }), await contactPoint({ NL: 6 })];
    expect(sumBy(snapshots, 'liaison_requests_overdue', ['country'], 'max')).toEqual([
      { labels: { country: 'NL' }, value: 6 },
      { labels: { country: 'BE' }, value: 1 },
    ]);
  });

  it('leaves out zero counts and unknown metrics', async () => {
    expect(sumBy([await contactPoint({ LU: 0 })], 'liaison_requests_overdue', ['country'])).toEqual([]);
    expect(sumBy(await twoGateways(), 'liaison_no_such_metric', ['x'])).toEqual([]);
  });
});

describe('buildOverview', () => {
  it('builds the origin × destination matrix per status from both instances, with totals', async () => {
    const o = buildOverview(HEALTHY, await twoGateways(), ['BE', 'NL', 'FR', 'US'], NOW);
    expect(o.flows).toEqual({ BE: { NL: { DELIVERED: 6 }, US: { DELIVERED_FILTERED: 1 }, FR: { BLOCKED: 2 } } });
    expect(o.totals).toEqual({ DELIVERED: 6, DELIVERED_FILTERED: 1, BLOCKED: 2 });
    expect(o.generatedAt).toBe('2026-11-22T10:00:00.000Z');
  });

  it('reports held copies per pair with the oldest wait, dead letters, lag and the audit chain', async () => {
    const o = buildOverview(HEALTHY, await twoGateways(), [], NOW);
    expect(o.heldWaiting).toEqual([
      { labels: { origin: 'CO', destination: 'NL' }, value: 1 },
      { labels: { origin: 'CO', destination: 'BE' }, value: 1 },
    ]);
    expect(o.heldOldestSeconds).toEqual([{ labels: { origin: 'CO' }, value: 90 }]);
    expect(o.deadLetters).toEqual([{ labels: { reason: 'DECODE_FAILED' }, value: 2 }]);
    expect(o.gatewayLag).toEqual([{ labels: { origin: 'BE' }, value: 5 }, { labels: { origin: 'NL' }, value: 2 }]);
    expect(o.auditIntact).toBe(true);
  });

  it('shows each state reader behind or failing once, however many instances report it', async () => {
    const reader = (lag: Record<string, number>, failing: Record<string, number>) => [
      { name: 'liaison_state_reader_lag_records', type: 'gauge', help: '', aggregator: 'sum', values: Object.entries(lag).map(([r, value]) => ({ labels: { reader: r }, value })) },
      { name: 'liaison_state_reader_failing', type: 'gauge', help: '', aggregator: 'sum', values: Object.entries(failing).map(([r, value]) => ({ labels: { reader: r }, value })) },
    ] as unknown as MetricsSnapshot;
    const o = buildOverview(HEALTHY, [reader({ ledger: 1_200 }, { ledger: 0 }), reader({ ledger: 1_200 }, { ledger: 1 }), reader({ 'desk.NL': 0, 'desk.BE': 40 }, { 'desk.NL': 0 })], [], NOW);
    expect(o.stateReaderLag).toEqual([{ labels: { reader: 'ledger' }, value: 1_200 }, { labels: { reader: 'desk.BE' }, value: 40 }]);
    expect(o.stateReadersFailing).toEqual([{ labels: { reader: 'ledger' }, value: 1 }]);
  });

    it('takes the latency quantiles from the histogram buckets', async () => {
    const o = buildOverview(HEALTHY, await twoGateways(), [], NOW);
    expect(o.latency.count).toBe(5);
    // Ranks: p50 = 2.5 of 5 → within (0.025, 0.05]; p95 = 4.75 → within (2.5, 5].
    expect(o.latency.p50).toBeGreaterThan(0.025);
    expect(o.latency.p50).toBeLessThanOrEqual(0.05);
    expect(o.latency.p95).toBeGreaterThan(2.5);
    expect(o.latency.p95).toBeLessThanOrEqual(5);
  });

  it('shows a broken audit chain as soon as one instance reports it, and nothing known without a gateway', async () => {
    const snapshots = await twoGateways();
    const broken = snapshots[1]!.map((m) => (m.name === 'liaison_audit_chain_intact' ? { ...m, values: [{ value: 0, labels: {} }] } : m));
    expect(buildOverview(HEALTHY, [snapshots[0]!, broken as MetricsSnapshot], [], NOW).auditIntact).toBe(false);
    expect(buildOverview(HEALTHY, [await contactPoint({ NL: 1 })], [], NOW).auditIntact).toBeNull();
  });
});
