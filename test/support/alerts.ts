/**
 * An alert rule of infra/prometheus judged on what a real service exposes: its metrics, as
 * scraped now, held for `minutes` of promtool's time (a quiet service's numbers do not move),
 * with the expectation that the alert does not fire. promtool prints what fired when it does.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { PROJECT_ROOT } from '../../services/shared/connection.ts';

export async function alertStaysSilent(alertname: string, metrics: Registry, labels: { job: string; instance: string }, minutes = 15): Promise<{ silent: boolean; output: string }> {
  const series: Array<{ series: string; values: string }> = [];
  for (const metric of await metrics.getMetricsAsJSON()) {
    for (const v of metric.values as Array<{ labels: Record<string, string | number>; value: number; metricName?: string }>) {
      if (!Number.isFinite(v.value)) continue; // a gauge with nothing to say (NaN): no sample
      const all = { ...v.labels, ...labels };
      const text = Object.entries(all).map(([k, value]) => `${k}=${JSON.stringify(String(value))}`).join(', ');
      series.push({ series: `${v.metricName ?? metric.name}{${text}}`, values: `${v.value}x${minutes}` });
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'liaison-alert-'));
  try {
    const file = join(dir, 'test.yml');
    writeFileSync(file, stringify({
      rule_files: [join(PROJECT_ROOT, 'infra/prometheus/rules/liaison-alerts.yml')],
      evaluation_interval: '1m',
      tests: [{ interval: '1m', input_series: series, alert_rule_test: [{ eval_time: `${minutes}m`, alertname, exp_alerts: [] }] }],
    }));
    const run = spawnSync('promtool', ['test', 'rules', file], { encoding: 'utf8' });
    if (run.error) throw run.error;
    return { silent: run.status === 0, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
