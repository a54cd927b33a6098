import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { DASHBOARD_DIR, DATASOURCE, liaisonDashboards, render } from '../../../infra/grafana/dashboards.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { liaisonMetricNames, metricsIn } from '../../support/metric-names.ts';

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource: { uid: string };
  transformations: Array<{ id: string; options: Record<string, unknown> }>;
  targets: Array<{ refId: string; expr: string; datasource: { uid: string } }>;
}
interface DashboardJson {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; definition: string }> };
}

const committed = (): Map<string, DashboardJson> =>
  new Map(readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.json')).map((f) => [f, JSON.parse(readFileSync(join(DASHBOARD_DIR, f), 'utf8'))]));
const exprs = (d: DashboardJson) => [...d.panels.flatMap((p) => p.targets.map((t) => ({ panel: p.title, expr: t.expr }))), ...d.templating.list.map((v) => ({ panel: `variable ${v.name}`, expr: v.definition }))];

/** Grafana's variables replaced by what Prometheus would receive. */
const asPromQL = (expr: string) => expr.replaceAll('$__range', '6h').replace(/\$[a-z]+/g, '.*');

describe('Grafana dashboards (infra/grafana)', () => {
  it('are the generated ones (run npm run grafana:dashboards after editing dashboards.ts)', () => {
    const files = committed();
    const generated = liaisonDashboards();
    expect([...files.keys()].sort()).toEqual(generated.map((d) => d.file).sort());
    for (const d of generated) expect(readFileSync(join(DASHBOARD_DIR, d.file), 'utf8'), d.file).toBe(render(d));
  });

  it('cover the flow matrix, blocking by rule, latency, backlog and deadlines, and health', () => {
    const byUid = new Map([...committed().values()].map((d) => [d.uid, d]));
    expect([...byUid.keys()].sort()).toEqual(['liaison-backlog', 'liaison-filtering', 'liaison-flow', 'liaison-health', 'liaison-latency']);
    const uses = (uid: string, pattern: RegExp) => exprs(byUid.get(uid)!).some((e) => pattern.test(e.expr));

    const matrices = byUid.get('liaison-flow')!.panels.filter((p) => p.transformations.some((t) => t.id === 'groupingToMatrix' && t.options.rowField === 'origin' && t.options.columnField === 'destination'));
    expect(matrices.length).toBeGreaterThan(0);
    expect(matrices[0]!.targets[0]!.expr).toMatch(/sum by \(origin, destination\) \(increase\(liaison_deliveries_total/);
    expect(uses('liaison-filtering', /sum by \(rule\) \(increase\(liaison_blocked_total/)).toBe(true);
    expect(uses('liaison-filtering', /liaison_field_actions_total/) && uses('liaison-filtering', /liaison_dead_letters_total/)).toBe(true);
    expect(uses('liaison-latency', /histogram_quantile\(0\.95, .*liaison_delivery_latency_seconds_bucket/)).toBe(true);
    for (const m of ['liaison_requests_overdue', 'liaison_held_copies_waiting', 'liaison_inbox_lag_records', 'liaison_gateway_lag_records']) expect(uses('liaison-backlog', new RegExp(m)), m).toBe(true);
    for (const m of [/^up\{/, /liaison_audit_chain_intact/, /liaison_infra_errors_total/, /liaison_service_ready/]) expect(uses('liaison-health', m), String(m)).toBe(true);
  });

  it('query only metrics the services really expose', () => {
    const known = liaisonMetricNames();
    for (const [file, d] of committed()) {
      for (const { panel, expr } of exprs(d)) {
        const metrics = metricsIn(expr);
        expect(metrics.length, `${file} · ${panel}: ${expr}`).toBeGreaterThan(0);
        for (const metric of metrics) expect(known.has(metric), `${file} · ${panel}: ${metric}`).toBe(true);
      }
    }
  });

  it('are valid PromQL (promtool parses every query as a recording rule)', () => {
    const rules = [...committed()].flatMap(([file, d]) => d.panels.flatMap((p) => p.targets.map((t) => ({ record: `check:${file.replace(/\W/g, '_')}:${p.id}${t.refId}`, expr: asPromQL(t.expr) }))));
    const dir = mkdtempSync(join(tmpdir(), 'liaison-grafana-'));
    writeFileSync(join(dir, 'queries.yml'), stringify({ groups: [{ name: 'dashboards', rules }] }));
    const result = spawnSync('promtool', ['check', 'rules', join(dir, 'queries.yml')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(result.status).toBe(0);
  });

  it('use the provisioned datasource, unique panel ids, and a layout without overlaps', () => {
    const datasources = parse(readFileSync(join(PROJECT_ROOT, 'infra/grafana/provisioning/datasources/prometheus.yaml'), 'utf8')).datasources;
    expect(datasources.map((d: { uid: string; type: string }) => [d.uid, d.type])).toEqual([[DATASOURCE.uid, DATASOURCE.type]]);
    for (const [file, d] of committed()) {
      expect(new Set(d.panels.map((p) => p.id)).size, file).toBe(d.panels.length);
      const cells = new Set<string>();
      for (const p of d.panels) {
        expect(p.datasource.uid, `${file} · ${p.title}`).toBe(DATASOURCE.uid);
        for (const t of p.targets) expect(t.datasource.uid).toBe(DATASOURCE.uid);
        expect(p.gridPos.x + p.gridPos.w, `${file} · ${p.title} fits in 24 columns`).toBeLessThanOrEqual(24);
        for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
          for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
            expect(cells.has(`${x},${y}`), `${file} · ${p.title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
    }
  });

  it('are loaded from the folder the provisioning names', () => {
    const providers = parse(readFileSync(join(PROJECT_ROOT, 'infra/grafana/provisioning/dashboards/liaison.yaml'), 'utf8')).providers;
    expect(providers).toHaveLength(1);
    expect(providers[0].type).toBe('file');
    expect(providers[0].options.path).toBe('/var/lib/grafana/dashboards/liaison');
  });
});
