/**
 * The operations console on real data: the scenario of the demo flows through a gateway and
 * the contact points on the real stack, a dead letter and a spoofed origin among it; the
 * console polls their metrics and its page, in headless Chromium, shows the flow heatmap,
 * the reasons, the overdue request and the health. The screenshot is kept in test-artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { PROMETHEUS_CONFIG, prometheusBinary } from '../../../infra/local/prometheus.ts';
import { scenarioNotices } from '../../../services/cli/demo-scenario.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { createServiceHttp, listen } from '../../../services/shared/http.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import { mountOpsConsoleApi } from '../../../services/ops-console/http-api.ts';
import { OpsConsole } from '../../../services/ops-console/ops-console.ts';
import type { Overview } from '../../../services/ops-console/overview.ts';
import { unique } from '../../support/clients.ts';
import { newGatewayGroup, policy, startGateway, submit, submitRaw, type RunningGateway } from '../../support/flow.ts';
import { api, apiKeys, startContactPoint, tokenOf, type RunningService } from '../../support/services.ts';

const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts');
const notice = loadContract().types.notice;

let gateway: RunningGateway;
let gatewayServer: Server;
let contactPoint: RunningService;
let consoleUrl: string;
let consoleServer: Server;
let opsConsole: OpsConsole;
let browser: Browser;
let prometheus: ChildProcess | undefined;

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
  gatewayServer = await listen(createServiceHttp('gateway', () => gateway.gateway.isReady(), gateway.metrics).app, 0);
  contactPoint = await startContactPoint(['BE', 'NL', 'LU', 'DE', 'FR', 'ES', 'IT', 'US', 'CO', 'DE-NW', 'EUROPOL']);
  opsConsole = new OpsConsole(
    [
      { name: 'gateway', url: urlOf(gatewayServer) },
      { name: 'contact-point', url: contactPoint.url },
      { name: 'national-adapter', url: 'http://127.0.0.1:9' }, // not running: shown down
    ],
    [...policy.parties.keys()],
    createLogger('ops-console', 'error'),
    500,
  );
  const http = createServiceHttp('ops-console', () => opsConsole.isReady());
  mountOpsConsoleApi(http.app, { opsConsole, keys: apiKeys, logger: createLogger('ops-console', 'error') });
  consoleServer = await listen(http.app, 0);
  consoleUrl = urlOf(consoleServer);
  await opsConsole.start();
  browser = await chromium.launch({ executablePath: process.env.LIAISON_CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await browser?.close();
  opsConsole?.stop();
  consoleServer?.close();
  gatewayServer?.close();
  await contactPoint?.stop();
  await gateway?.stop();
});

describe('the operations console', () => {
  it('shows the scenario live: the flow heatmap, blocks, held copies, dead letters, the overdue request and each service’s health', async () => {
    // The demo's scenario, straight into the outboxes as national systems that speak Kafka.
    const scenario = scenarioNotices();
    const submitted: EuLiaison.Notice[] = [];
    for (const s of scenario) {
      const n = notice.clone({ ...s.notice, noticeId: randomUUID(), createdAt: s.notice.createdAt ?? Date.now(), caseRef: unique(s.notice.caseRef!), sender: { ...s.notice.sender, country: s.as } }) as EuLiaison.Notice;
      submitted.push(n);
      await submit(s.as, n);
    }
    await submitRaw('NL', 'garbage', Buffer.from('not avro at all'));
    const spoofed = submitted[0]!;
    await submit('NL', { ...spoofed, noticeId: randomUUID() }); // claims BE in NL's outbox

    const overview = await retryUntil(
      async () => {
        const { status, body } = await api<Overview>(`${consoleUrl}/v1/overview`, tokenOf('ALL', 'ops'));
        if (status !== 200) throw new Error(`overview: ${status}`);
        const decided = Object.values(body.totals).reduce((a, b) => a + b, 0);
        if (decided < 70 || body.deadLetters.length < 2 || body.overdue.length === 0) throw new Error(`only ${decided} destinations decided so far`);
        return body;
      },
      { timeoutMs: 45_000, intervalMs: 500 },
    );
    expect(overview.flows.BE!.NL!.DELIVERED).toBeGreaterThan(5);
    expect(overview.flows.NL!.FR).toEqual({ BLOCKED: 1, DELIVERED_FILTERED: 1 }); // ATM attackers (no agreement), Hazeldonk (witness pseudonymised)
    expect(overview.totals.BLOCKED).toBeGreaterThanOrEqual(5);
    expect(overview.totals.HELD_FOR_REVIEW).toBeGreaterThanOrEqual(3);
    expect(overview.blockedByRule.map((b) => b.labels.rule)).toContain('rule-1-legal-basis');
    expect(overview.heldWaiting.map((h) => `${h.labels.origin}-${h.labels.destination}`)).toEqual(expect.arrayContaining(['BE-EC', 'BE-CO', 'NL-CO']));
    expect(overview.deadLetters.map((d) => d.labels.reason).sort()).toEqual(expect.arrayContaining(['DECODE_FAILED', 'ORIGIN_MISMATCH']));
    expect(overview.overdue).toContainEqual({ labels: { country: 'NL' }, value: expect.any(Number) });
    expect(overview.latency.count).toBeGreaterThan(40);
    expect(overview.latency.p95).toBeGreaterThan(0);
    expect(overview.auditIntact).toBe(true);
    expect(Object.fromEntries(overview.services.map((s) => [s.name, s.up]))).toEqual({ gateway: true, 'contact-point': true, 'national-adapter': false });

    const refused = await api(`${consoleUrl}/v1/overview`, tokenOf('NL', 'officer'));
    expect(refused.status).toBe(403);

    const page = await browser.newPage({ viewport: { width: 1500, height: 1050 } });
    try {
      await page.goto(`${consoleUrl}/`);
      await page.fill('#token', tokenOf('ALL', 'ops'));
      await page.click('#signin-button');
      await page.waitForSelector('#matrix td[data-cell="BE-NL"]');
      expect(Number(await page.textContent('#matrix td[data-cell="BE-NL"]'))).toBeGreaterThan(5);
      expect(await page.getAttribute('#matrix td[data-cell="BE-NL"]', 'style')).toContain('rgba(18, 53, 91');
      expect(await page.textContent('#blocked')).toContain('rule-1-legal-basis');
      expect(await page.textContent('#held')).toContain('BE → EC');
      expect(await page.textContent('#dead')).toContain('ORIGIN_MISMATCH');
      expect(await page.textContent('#overdue')).toContain('NL');
      expect(await page.textContent('[data-service="national-adapter"]')).toContain('DOWN');
      expect(await page.textContent('[data-service="gateway"]')).toContain('UP');
      expect(await page.textContent('#audit')).toBe('audit trail intact');
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'ops-console.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('is scraped by Prometheus configured as on the embedded stack, whose alerts fire on the scenario', async () => {
    const bin = prometheusBinary();
    expect(bin, 'prometheus is installed by make prerequisites').toBeDefined();
    const port = await freePort();
    // infra/prometheus/prometheus.yml as `make up` runs it, with each job pointed at this test's services.
    const urls: Record<string, string> = { 'liaison-gateway': urlOf(gatewayServer), 'liaison-contact-point': contactPoint.url, 'liaison-ops-console': consoleUrl, 'liaison-national-adapter': 'http://127.0.0.1:9', prometheus: `http://127.0.0.1:${port}` };
    const config = parse(readFileSync(PROMETHEUS_CONFIG, 'utf8')) as { rule_files: string[]; scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    expect(config.scrape_configs.map((c) => c.job_name).sort()).toEqual(Object.keys(urls).sort());
    for (const job of config.scrape_configs) job.static_configs = [{ targets: [new URL(urls[job.job_name]!).host] }];
    config.rule_files = config.rule_files.map((f) => join(PROJECT_ROOT, 'infra/prometheus', f));
    const dir = mkdtempSync(join(tmpdir(), 'liaison-prometheus-'));
    writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
    prometheus = spawn(bin!, [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' });
    const query = async <T>(path: string): Promise<T> => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
      return ((await response.json()) as { data: T }).data;
    };

    type Targets = { activeTargets: Array<{ labels: { job: string }; health: string }> };
    const health = await retryUntil(
      async () => {
        const { activeTargets } = await query<Targets>('/api/v1/targets');
        const byJob = Object.fromEntries(activeTargets.map((t) => [t.labels.job, t.health]));
        if (Object.values(byJob).includes('unknown') || activeTargets.length < Object.keys(urls).length) throw new Error(`targets not all scraped yet: ${JSON.stringify(byJob)}`);
        return byJob;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(health).toEqual({ 'liaison-gateway': 'up', 'liaison-contact-point': 'up', 'liaison-ops-console': 'up', 'liaison-national-adapter': 'down', prometheus: 'up' });

    // The flow as Prometheus sees it, summed across series.
    type Vector = { result: Array<{ metric: Record<string, string>; value: [number, string] }> };
    const flow = await query<Vector>(`/api/v1/query?query=${encodeURIComponent('sum by (origin, destination) (liaison_deliveries_total{status="DELIVERED"})')}`);
    expect(Number(flow.result.find((r) => r.metric.origin === 'BE' && r.metric.destination === 'NL')!.value[1])).toBeGreaterThan(5);

    // A further unreadable record: the dead-letter counter rises between two scrapes.
    await submitRaw('NL', 'garbage', Buffer.from('still not avro'));
    type Alerts = { alerts: Array<{ labels: Record<string, string>; state: string }> };
    const alerts = await retryUntil(
      async () => {
        const { alerts } = await query<Alerts>('/api/v1/alerts');
        if (!alerts.some((a) => a.labels.alertname === 'LiaisonDeadLetters' && a.state === 'firing')) throw new Error(`no dead-letter alert yet: ${JSON.stringify(alerts.map((a) => a.labels.alertname))}`);
        return alerts;
      },
      { timeoutMs: 40_000, intervalMs: 1_000 },
    );
    const state = (name: string, label: string) => alerts.filter((a) => a.labels.alertname === name).map((a) => `${a.labels[label]}:${a.state}`);
    expect(state('LiaisonDeadLetters', 'reason')).toContain('DECODE_FAILED:firing');
    // Waiting out their `for:` before firing: the overdue request at NL, the adapter that is not running.
    expect(state('LiaisonRequestOverdue', 'country')).toContain('NL:pending');
    expect(state('LiaisonServiceDown', 'job')).toContain('liaison-national-adapter:pending');
    expect(state('LiaisonAuditChainBroken', 'job')).toEqual([]);
  }, 120_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
