import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { liaisonMetricNames, metricsIn } from '../../support/metric-names.ts';

const dir = join(PROJECT_ROOT, 'infra/prometheus');
const promtool = (...args: string[]) => spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });

describe('Prometheus configuration and alerts (infra/prometheus)', () => {
  it('passes promtool check config, rules included', () => {
    const result = promtool('check', 'config', 'prometheus.yml');
    expect(result.error, 'promtool is installed by make prerequisites (Debian package prometheus)').toBeUndefined();
    expect(result.stdout + result.stderr).toContain('SUCCESS: 13 rules found');
    expect(result.status).toBe(0);
  });

  it('passes every alert unit test (promtool test rules)', () => {
    const result = promtool('test', 'rules', 'tests/liaison-alerts.test.yml');
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });

  it('has the alerts operations asked for, each with a unit test', () => {
    const rules = parse(readFileSync(join(dir, 'rules/liaison-alerts.yml'), 'utf8')).groups.flatMap((g: { rules: Array<{ alert: string }> }) => g.rules.map((r) => r.alert));
    expect(rules.sort()).toEqual(['LiaisonAuditChainBroken', 'LiaisonDeadLetters', 'LiaisonGatewayStalled', 'LiaisonHeldCopyWaitingTooLong', 'LiaisonInboxLagGrowing', 'LiaisonIndexLookupsThrottled', 'LiaisonIndexRefusedToNonMember', 'LiaisonPolicyUnreviewed', 'LiaisonRequestOverdue', 'LiaisonServiceDown', 'LiaisonStateReaderBehind', 'LiaisonStateReaderFailing', 'LiaisonThrottled']);
    const tests = parse(readFileSync(join(dir, 'tests/liaison-alerts.test.yml'), 'utf8')).tests.flatMap((t: { alert_rule_test: Array<{ alertname: string }> }) => t.alert_rule_test.map((a) => a.alertname));
    for (const alert of rules) expect(tests, alert).toContain(alert);
  });

  it('alerts only on metrics the services really expose', () => {
    const known = liaisonMetricNames();
    const rules = parse(readFileSync(join(dir, 'rules/liaison-alerts.yml'), 'utf8')).groups.flatMap((g: { rules: Array<{ expr: string }> }) => g.rules);
    for (const rule of rules) for (const metric of metricsIn(rule.expr)) expect(known.has(metric), `${metric} in ${rule.expr}`).toBe(true);
  });

  it('scrapes every Liaison service on its default port', () => {
    const config = parse(readFileSync(join(dir, 'prometheus.yml'), 'utf8'));
    const targets = Object.fromEntries(config.scrape_configs.map((c: { job_name: string; static_configs: Array<{ targets: string[] }> }) => [c.job_name, c.static_configs[0]!.targets[0]]));
    expect(targets).toMatchObject({
      'liaison-gateway': '127.0.0.1:18090',
      'liaison-national-adapter': '127.0.0.1:18100',
      'liaison-contact-point': '127.0.0.1:18200',
      'liaison-ops-console': '127.0.0.1:18300',
    });
  });
});
