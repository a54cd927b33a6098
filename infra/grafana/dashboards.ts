/**
 * The Grafana dashboards for Liaison, written as code so every panel's query is checked against
 * the metrics the services really expose (test/unit/infra/grafana.test.ts). The provisioned JSON
 * in infra/grafana/dashboards/ is generated from here:
 *
 *   npm run grafana:dashboards
 *
 * and a unit test fails when the committed JSON is stale.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The datasource every dashboard uses; provisioned by provisioning/datasources/prometheus.yaml. */
export const DATASOURCE = { type: 'prometheus', uid: 'liaison-prometheus' } as const;

export interface Target {
  expr: string;
  legendFormat?: string;
  format?: 'time_series' | 'table' | 'heatmap';
  instant?: boolean;
}

type PanelType = 'timeseries' | 'stat' | 'table' | 'bargauge' | 'heatmap' | 'text';

interface PanelSpec {
  type: PanelType;
  title: string;
  description: string;
  targets: Target[];
  width: number;
  height: number;
  unit?: string;
  stack?: boolean;
  thresholds?: Array<{ value: number | null; color: string }>;
  transformations?: unknown[];
  options?: Record<string, unknown>;
  overrides?: unknown[];
}

export interface Dashboard {
  file: string;
  json: Record<string, unknown>;
}

const GREEN_RED = [{ value: null, color: 'green' }, { value: 1, color: 'red' }];

function panel(spec: Partial<PanelSpec> & Pick<PanelSpec, 'type' | 'title' | 'description' | 'targets'>): PanelSpec {
  return { width: 12, height: 8, ...spec };
}

function fieldConfig(spec: PanelSpec): Record<string, unknown> {
  const custom: Record<string, unknown> = {};
  if (spec.type === 'timeseries') Object.assign(custom, { drawStyle: 'line', lineWidth: 1, fillOpacity: spec.stack ? 60 : 10, stacking: { mode: spec.stack ? 'normal' : 'none', group: 'A' } });
  if (spec.type === 'table') Object.assign(custom, { align: 'center', cellOptions: { type: 'color-background', mode: 'gradient' } });
  return {
    defaults: {
      unit: spec.unit ?? 'short',
      custom,
      color: { mode: spec.type === 'table' ? 'continuous-GrYlRd' : spec.thresholds ? 'thresholds' : 'palette-classic' },
      thresholds: { mode: 'absolute', steps: spec.thresholds ?? [{ value: null, color: 'green' }] },
    },
    overrides: spec.overrides ?? [],
  };
}

/** Lays the panels out left to right, wrapping at Grafana's 24 columns. */
function layout(specs: PanelSpec[]): unknown[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, i) => {
    if (x + spec.width > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const gridPos = { x, y, w: spec.width, h: spec.height };
    x += spec.width;
    rowHeight = Math.max(rowHeight, spec.height);
    return {
      id: i + 1,
      type: spec.type,
      title: spec.title,
      description: spec.description,
      datasource: DATASOURCE,
      gridPos,
      fieldConfig: fieldConfig(spec),
      options: spec.options ?? {},
      transformations: spec.transformations ?? [],
      targets: spec.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource: DATASOURCE,
        expr: t.expr,
        legendFormat: t.legendFormat ?? '__auto',
        format: t.format ?? 'time_series',
        instant: t.instant ?? false,
        range: !(t.instant ?? false),
      })),
    };
  });
}

const variable = (name: string, label: string, metric: string, labelName: string) => ({
  name,
  label,
  type: 'query',
  datasource: DATASOURCE,
  query: { query: `label_values(${metric}, ${labelName})`, refId: `${name}-values` },
  definition: `label_values(${metric}, ${labelName})`,
  includeAll: true,
  multi: true,
  allValue: '.*',
  current: { text: 'All', value: '$__all' },
  refresh: 2,
  sort: 1,
});

function dashboard(file: string, uid: string, title: string, description: string, specs: PanelSpec[], variables: unknown[] = []): Dashboard {
  return {
    file,
    json: {
      uid,
      title,
      description,
      tags: ['liaison'],
      timezone: 'utc',
      editable: true,
      schemaVersion: 39,
      version: 1,
      refresh: '30s',
      time: { from: 'now-6h', to: 'now' },
      templating: { list: variables },
      links: [{ title: 'Liaison', type: 'dashboards', tags: ['liaison'], asDropdown: true }],
      annotations: { list: [] },
      panels: layout(specs),
    },
  };
}

const FLOW = '{origin=~"$origin", destination=~"$destination"}';
const ORIGIN_DESTINATION = [variable('origin', 'Origin', 'liaison_deliveries_total', 'origin'), variable('destination', 'Destination', 'liaison_deliveries_total', 'destination')];

/** An origin × destination matrix: an instant query grouped by two labels, turned into a table. */
const matrix = (expr: string): Pick<PanelSpec, 'targets' | 'transformations' | 'options'> => ({
  targets: [{ expr, format: 'table', instant: true }],
  transformations: [{ id: 'groupingToMatrix', options: { rowField: 'origin', columnField: 'destination', valueField: 'Value', emptyValue: 'zero' } }],
  options: { showHeader: true, cellHeight: 'sm' },
});

function flowDashboard(): Dashboard {
  return dashboard('liaison-flow.json', 'liaison-flow', 'Liaison — country-to-country flow', 'Who sends what to whom: deliveries per origin and destination, by status, kind, priority and crime area.', [
    panel({ type: 'stat', title: 'Notices accepted', description: 'Notices the gateway accepted from the outboxes in the selected range.', targets: [{ expr: `sum(increase(liaison_notices_total{origin=~"$origin"}[$__range]))`, instant: true }], width: 6, height: 4 }),
    panel({ type: 'stat', title: 'Delivered (in full or filtered)', description: 'Copies committed to a destination inbox.', targets: [{ expr: `sum(increase(liaison_deliveries_total${FLOW.replace('}', ', status=~"DELIVERED.*"}')}[$__range]))`, instant: true }], width: 6, height: 4 }),
    panel({ type: 'stat', title: 'Blocked', description: 'Destinations no agreement allowed (see the filtering dashboard for the rule).', targets: [{ expr: `sum(increase(liaison_deliveries_total${FLOW.replace('}', ', status="BLOCKED"}')}[$__range]))`, instant: true }], width: 6, height: 4, thresholds: GREEN_RED }),
    panel({ type: 'stat', title: 'Held for the DPO', description: 'Copies held under a derogation (rule 5) in the selected range.', targets: [{ expr: `sum(increase(liaison_deliveries_total${FLOW.replace('}', ', status="HELD_FOR_REVIEW"}')}[$__range]))`, instant: true }], width: 6, height: 4, thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'orange' }] }),
    panel({ type: 'table', title: 'Flow matrix: origin (rows) × destination (columns)', description: 'Every outcome, delivered, filtered, blocked or held, per pair of countries in the selected range.', ...matrix(`sum by (origin, destination) (increase(liaison_deliveries_total${FLOW}[$__range]))`), width: 24, height: 10 }),
    panel({ type: 'table', title: 'Delivered copies: origin × destination', description: 'Only the copies that reached the destination inbox (in full or filtered).', ...matrix(`sum by (origin, destination) (increase(liaison_deliveries_total${FLOW.replace('}', ', status=~"DELIVERED.*"}')}[$__range]))`), width: 12, height: 10 }),
    panel({ type: 'table', title: 'Blocked: origin × destination', description: 'Destinations refused, per pair.', ...matrix(`sum by (origin, destination) (increase(liaison_deliveries_total${FLOW.replace('}', ', status="BLOCKED"}')}[$__range]))`), width: 12, height: 10 }),
    panel({ type: 'timeseries', title: 'Outcomes per minute, by status', description: 'Rate of per-destination outcomes.', targets: [{ expr: `sum by (status) (rate(liaison_deliveries_total${FLOW}[5m])) * 60`, legendFormat: '{{status}}' }], stack: true, unit: 'short' }),
    panel({ type: 'timeseries', title: 'Notices per minute, by kind and priority', description: 'Accepted notices: information, requests, responses, alerts; urgent or routine.', targets: [{ expr: `sum by (kind, priority) (rate(liaison_notices_total{origin=~"$origin"}[5m])) * 60`, legendFormat: '{{kind}} {{priority}}' }], stack: true }),
    panel({ type: 'bargauge', title: 'Crime areas (selected range)', description: 'Delivered outcomes per crime area; a notice counts once for each area it names.', targets: [{ expr: `sort_desc(sum by (crime_area) (increase(liaison_crime_area_deliveries_total${FLOW}[$__range])))`, legendFormat: '{{crime_area}}', instant: true }], options: { orientation: 'horizontal', displayMode: 'gradient', showUnfilled: true } }),
    panel({ type: 'bargauge', title: 'Receipts relayed to the origin, by status', description: 'RECEIVED, READ, ANSWERED, REFUSED, FORWARDED, PURGED, CORRECTION_ACKNOWLEDGED.', targets: [{ expr: 'sum by (status) (increase(liaison_receipts_total[$__range]))', legendFormat: '{{status}}', instant: true }], options: { orientation: 'horizontal', displayMode: 'gradient' } }),
  ], ORIGIN_DESTINATION);
}

function filteringDashboard(): Dashboard {
  return dashboard('liaison-filtering.json', 'liaison-filtering', 'Liaison — filtering and blocking by rule', 'Why destinations were blocked, what was removed or changed for each destination, dead letters and held copies.', [
    panel({ type: 'bargauge', title: 'Blocked destinations by rule', description: 'The rule that blocked each destination in the selected range (no agreement, no transfer basis, special categories, …).', targets: [{ expr: 'sort_desc(sum by (rule) (increase(liaison_blocked_total{origin=~"$origin", destination=~"$destination"}[$__range])))', legendFormat: '{{rule}}', instant: true }], options: { orientation: 'horizontal', displayMode: 'gradient' } }),
    panel({ type: 'timeseries', title: 'Blocks per minute, by rule', description: 'When blocks happen.', targets: [{ expr: 'sum by (rule) (rate(liaison_blocked_total{origin=~"$origin", destination=~"$destination"}[5m])) * 60', legendFormat: '{{rule}}' }], stack: true }),
    panel({ type: 'table', title: 'Blocked: origin × destination × rule', description: 'Every blocked pair with its rule.', targets: [{ expr: 'sum by (origin, destination, rule) (increase(liaison_blocked_total{origin=~"$origin", destination=~"$destination"}[$__range])) > 0', format: 'table', instant: true }], transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }], width: 24 }),
    panel({ type: 'bargauge', title: 'Field actions by rule and action', description: 'Fields removed, masked, generalised, pseudonymised, or handling codes raised, per rule.', targets: [{ expr: 'sort_desc(sum by (rule, action) (increase(liaison_field_actions_total{destination=~"$destination"}[$__range])))', legendFormat: '{{rule}} · {{action}}', instant: true }], options: { orientation: 'horizontal', displayMode: 'gradient' } }),
    panel({ type: 'table', title: 'Field actions per destination', description: 'What each destination receives less of (destination rows, action columns).', targets: [{ expr: 'sum by (destination, action) (increase(liaison_field_actions_total{destination=~"$destination"}[$__range]))', format: 'table', instant: true }], transformations: [{ id: 'groupingToMatrix', options: { rowField: 'destination', columnField: 'action', valueField: 'Value', emptyValue: 'zero' } }] }),
    panel({ type: 'timeseries', title: 'Dead letters by reason', description: 'Records moved to liaison.dlq with their reason; the origin received a REJECTED report where the notice was readable.', targets: [{ expr: 'sum by (reason) (increase(liaison_dead_letters_total[5m]))', legendFormat: '{{reason}}' }], stack: true, thresholds: GREEN_RED }),
    panel({ type: 'timeseries', title: 'Held copies: decisions of the DPOs', description: 'Held copies released or rejected by the origin’s data-protection officer.', targets: [{ expr: 'sum by (origin, decision) (increase(liaison_held_decisions_total{origin=~"$origin"}[1h]))', legendFormat: '{{origin}} {{decision}}' }] }),
    panel({ type: 'timeseries', title: 'Duplicates ignored and forwarding', description: 'Resubmitted notices ignored (no second copy), forwarding permissions given (rule 6) and forwards refused at the contact points.', targets: [
      { expr: 'sum by (origin) (increase(liaison_duplicate_notices_total{origin=~"$origin"}[1h]))', legendFormat: 'duplicates from {{origin}}' },
      { expr: 'sum by (provider) (increase(liaison_forwarding_permissions_total[1h]))', legendFormat: 'permissions by {{provider}}' },
      { expr: 'sum by (country) (increase(liaison_forward_refusals_total[1h]))', legendFormat: 'forwards refused at {{country}}' },
    ] }),
  ], ORIGIN_DESTINATION);
}

function latencyDashboard(): Dashboard {
  const quantile = (q: number) => `histogram_quantile(${q}, sum by (le, destination) (rate(liaison_delivery_latency_seconds_bucket{destination=~"$destination"}[5m])))`;
  return dashboard('liaison-latency.json', 'liaison-latency', 'Liaison — latency', 'From the submission to the outbox to the commit of the copy in the destination inbox, and the gateway’s own processing time.', [
    panel({ type: 'stat', title: 'p95 end-to-end, all destinations', description: 'Submission (outbox record time) to inbox commit.', targets: [{ expr: 'histogram_quantile(0.95, sum by (le) (rate(liaison_delivery_latency_seconds_bucket[5m])))' }], unit: 's', width: 8, height: 4, thresholds: [{ value: null, color: 'green' }, { value: 5, color: 'orange' }, { value: 30, color: 'red' }] }),
    panel({ type: 'stat', title: 'p50 end-to-end, all destinations', description: 'Median submission-to-inbox time.', targets: [{ expr: 'histogram_quantile(0.5, sum by (le) (rate(liaison_delivery_latency_seconds_bucket[5m])))' }], unit: 's', width: 8, height: 4 }),
    panel({ type: 'stat', title: 'Copies delivered per second', description: 'Observations of the latency histogram.', targets: [{ expr: 'sum(rate(liaison_delivery_latency_seconds_count[5m]))' }], unit: 'reqps', width: 8, height: 4 }),
    panel({ type: 'timeseries', title: 'p95 end-to-end by destination', description: '95th percentile per destination inbox.', targets: [{ expr: quantile(0.95), legendFormat: '{{destination}}' }], unit: 's' }),
    panel({ type: 'timeseries', title: 'p50 end-to-end by destination', description: 'Median per destination inbox.', targets: [{ expr: quantile(0.5), legendFormat: '{{destination}}' }], unit: 's' }),
    panel({ type: 'heatmap', title: 'End-to-end latency distribution', description: 'Copies per latency bucket over time.', targets: [{ expr: 'sum by (le) (increase(liaison_delivery_latency_seconds_bucket{destination=~"$destination"}[1m]))', legendFormat: '{{le}}', format: 'heatmap' }], options: { calculate: false, yAxis: { unit: 's' }, color: { scheme: 'Oranges', mode: 'scheme' }, cellGap: 1 }, width: 24 }),
    panel({ type: 'timeseries', title: 'Gateway processing per notice (p50, p95, p99)', description: 'From consuming a batch to committing its transaction.', targets: [0.5, 0.95, 0.99].map((q) => ({ expr: `histogram_quantile(${q}, sum by (le) (rate(liaison_gateway_processing_seconds_bucket[5m])))`, legendFormat: `p${q * 100}` })), unit: 's', width: 24 }),
  ], [variable('destination', 'Destination', 'liaison_delivery_latency_seconds_count', 'destination')]);
}

function backlogDashboard(): Dashboard {
  return dashboard('liaison-backlog.json', 'liaison-backlog', 'Liaison — backlog and deadlines', 'Overdue requests (rule 15), copies waiting for a DPO (rule 5), unread inboxes, unconsumed outboxes, purges (rule 14).', [
    panel({ type: 'bargauge', title: 'Overdue requests by country', description: 'Received requests past their due time and not answered or refused (rule 15).', targets: [{ expr: 'sort_desc(max by (country) (liaison_requests_overdue))', legendFormat: '{{country}}', instant: true }], thresholds: GREEN_RED, options: { orientation: 'horizontal', displayMode: 'lcd' } }),
    panel({ type: 'bargauge', title: 'Held copies waiting, by origin → destination', description: 'Copies held under a derogation until the origin’s DPO releases or rejects them.', targets: [{ expr: 'sort_desc(sum by (origin, destination) (liaison_held_copies_waiting))', legendFormat: '{{origin}} → {{destination}}', instant: true }], thresholds: [{ value: null, color: 'green' }, { value: 1, color: 'orange' }], options: { orientation: 'horizontal', displayMode: 'lcd' } }),
    panel({ type: 'timeseries', title: 'Oldest held copy per origin', description: 'The alert fires after a day.', targets: [{ expr: 'max by (origin) (liaison_held_copy_oldest_seconds)', legendFormat: '{{origin}}' }], unit: 's', thresholds: [{ value: null, color: 'green' }, { value: 86400, color: 'red' }] }),
    panel({ type: 'timeseries', title: 'Overdue requests over time', description: 'Per country.', targets: [{ expr: 'max by (country) (liaison_requests_overdue)', legendFormat: '{{country}}' }] }),
    panel({ type: 'timeseries', title: 'Inbox lag (records not yet read by the contact point)', description: 'Consumer lag of each country’s contact point on its inbox.', targets: [{ expr: 'max by (country) (liaison_inbox_lag_records)', legendFormat: '{{country}}' }] }),
    panel({ type: 'timeseries', title: 'Outbox lag (records the gateway has not consumed)', description: 'Per origin, summed over gateway instances: beyond the group’s committed offsets, read from the brokers, so a stalled gateway shows a growing lag.', targets: [{ expr: 'sum by (origin) (liaison_gateway_lag_records)', legendFormat: '{{origin}}' }] }),
    panel({ type: 'timeseries', title: 'Stalled outbox partitions', description: 'Partitions with records waiting and no progress for 60 s; LiaisonGatewayStalled fires, /readyz names them.', targets: [{ expr: 'sum by (instance) (liaison_gateway_stalled_partitions)', legendFormat: '{{instance}}' }], thresholds: GREEN_RED }),
    panel({ type: 'timeseries', title: 'Copies without a RECEIVED receipt', description: 'Grows when a national system’s webhook refuses copies.', targets: [{ expr: 'max by (country) (liaison_inbox_unacknowledged)', legendFormat: '{{country}}' }, { expr: 'sum by (country) (increase(liaison_webhook_failures_total[5m]))', legendFormat: 'webhook failures {{country}}' }] }),
    panel({ type: 'timeseries', title: 'Inbox size and purges (rule 14)', description: 'Notices held per contact point and expired copies purged.', targets: [{ expr: 'max by (country) (liaison_inbox_notices)', legendFormat: '{{country}}' }, { expr: 'sum by (country) (increase(liaison_copies_purged_total[1h]))', legendFormat: 'purged {{country}}' }] }),
    panel({ type: 'timeseries', title: 'Receipts sent by the contact points', description: 'RECEIVED, READ, ANSWERED, REFUSED, FORWARDED, PURGED per country.', targets: [{ expr: 'sum by (country, status) (rate(liaison_contact_point_receipts_total[5m])) * 60', legendFormat: '{{country}} {{status}}' }], stack: true, width: 24 }),
  ]);
}

function healthDashboard(): Dashboard {
  return dashboard('liaison-health.json', 'liaison-health', 'Liaison — health', 'Services up and ready, Kafka and registry errors, the audit chain, HTTP, processes, firing alerts.', [
    panel({ type: 'stat', title: 'Audit chain', description: '1 while every audit chain verifies from its first event (rule 13); 0 is critical.', targets: [{ expr: 'min(liaison_audit_chain_intact)' }], thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }], options: { colorMode: 'background' }, width: 6, height: 5 }),
    panel({ type: 'stat', title: 'Audit events verified', description: 'Per gateway instance, the most advanced.', targets: [{ expr: 'max(liaison_audit_events_verified)' }], width: 6, height: 5 }),
    panel({ type: 'stat', title: 'Services up', description: 'Scrape targets answering, per job.', targets: [{ expr: 'up{job=~"liaison-.*"}', legendFormat: '{{job}} {{instance}}' }], thresholds: [{ value: null, color: 'red' }, { value: 1, color: 'green' }], options: { colorMode: 'background', textMode: 'name' }, width: 12, height: 5 }),
    panel({ type: 'timeseries', title: 'Ready (caught up and consuming)', description: 'liaison_service_ready per job and instance.', targets: [{ expr: 'liaison_service_ready', legendFormat: '{{job}} {{instance}}' }] }),
    panel({ type: 'timeseries', title: 'Kafka and registry errors per minute', description: 'Errors talking to the brokers or the schema registry (retried).', targets: [{ expr: 'sum by (job, infra) (rate(liaison_infra_errors_total[5m])) * 60', legendFormat: '{{job}} {{infra}}' }, { expr: 'sum(rate(liaison_gateway_transaction_aborts_total[5m])) * 60', legendFormat: 'gateway transactions aborted' }] }),
    panel({ type: 'timeseries', title: 'HTTP requests by status', description: 'Adapter, contact points, ops console; 4xx are refusals with a reason in the body.', targets: [{ expr: 'sum by (job, status) (rate(liaison_http_requests_total[5m]))', legendFormat: '{{job}} {{status}}' }], unit: 'reqps' }),
    panel({ type: 'timeseries', title: 'Requests refused for a rate limit', description: 'HTTP 429 per country and limit (token or country; config/rate-limits.yaml); LiaisonThrottled fires on any.', targets: [{ expr: 'sum by (job, country, limit) (rate(liaison_http_throttled_total[5m])) * 60', legendFormat: '{{job}} {{country}} {{limit}}' }], unit: 'short' }),
    panel({ type: 'timeseries', title: 'Firing alerts', description: 'Prometheus ALERTS series (infra/prometheus/rules).', targets: [{ expr: 'sum by (alertname) (ALERTS{alertstate="firing"})', legendFormat: '{{alertname}}' }], thresholds: GREEN_RED }),
    panel({ type: 'timeseries', title: 'Resident memory', description: 'Per process.', targets: [{ expr: 'process_resident_memory_bytes{job=~"liaison-.*"}', legendFormat: '{{job}} {{instance}}' }], unit: 'bytes' }),
    panel({ type: 'timeseries', title: 'Event loop lag (p99)', description: 'Node.js event-loop delay per process.', targets: [{ expr: 'nodejs_eventloop_lag_p99_seconds{job=~"liaison-.*"}', legendFormat: '{{job}} {{instance}}' }], unit: 's' }),
    panel({ type: 'timeseries', title: 'CPU', description: 'Per process.', targets: [{ expr: 'rate(process_cpu_seconds_total{job=~"liaison-.*"}[5m])', legendFormat: '{{job}} {{instance}}' }], unit: 'percentunit' }),
  ]);
}

export function liaisonDashboards(): Dashboard[] {
  return [flowDashboard(), filteringDashboard(), latencyDashboard(), backlogDashboard(), healthDashboard()];
}

export const DASHBOARD_DIR = join(dirname(fileURLToPath(import.meta.url)), 'dashboards');

export const render = (d: Dashboard) => `${JSON.stringify(d.json, null, 2)}\n`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(DASHBOARD_DIR, { recursive: true });
  for (const d of liaisonDashboards()) {
    writeFileSync(join(DASHBOARD_DIR, d.file), render(d));
    console.log(`wrote ${join('infra/grafana/dashboards', d.file)}`);
  }
}
