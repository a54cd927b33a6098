/**
 * Start and memory against history, as an operator meets them months after go-live: N notices
 * (BE → NL, LU, US, the end-to-end bench's notice) produced into BE's outbox, drained by the
 * gateway, stored by the contact points and the national adapter; then each service restarted
 * on that history and measured at N/10 and at N: time to ready, resident memory, p99 of the
 * main queries (NL's inbox and overdue list and statistics, BE's status of one notice, a
 * hit/no-hit lookup). The two
 * stages are measured in one run, so the N/10 → N ratios compare like with like. Never part of
 * `make test`; `make bench-history` runs it on the embedded stack.
 *
 *   node --import tsx bench/history.ts [--notices 1000000]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import kafkajs from 'kafkajs';
import { indexHash } from '../services/policy/index.ts';
import { hashToken, newToken } from '../services/shared/api-keys.ts';
import { PROJECT_ROOT, resolveConnection } from '../services/shared/connection.ts';
import { createKafka } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { loadParties } from '../services/shared/parties.ts';
import { ContractRegistry } from '../services/shared/registry.ts';
import { gatewayInputs, topics } from '../services/shared/topology.ts';
import { loadNotice } from '../test/fixtures/notices.ts';

const options = new Command()
  .name('bench-history')
  .description('Start time, resident memory and query latency of each service after N notices of history, at N/10 and N')
  .argument('[notices]', 'notices of history (BE → NL, LU, US)', '1000000')
  .option('--queries <n>', 'requests per query measured', '200')
  .parse();
const N = Number(options.args[0] ?? '1000000');
const QUERIES = Number(options.opts<{ queries: string }>().queries);
if (!Number.isInteger(N) || N < 10) throw new Error(`notices: "${options.args[0]}" is not a whole number of at least 10`);

const DESTINATIONS = ['NL', 'LU', 'US'];
const connection = resolveConnection();
const logger = createLogger('bench', 'warn');
const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'bench-history', logger });
const registry = new ContractRegistry(connection.registryUrl);
const run = randomUUID().slice(0, 8);
const log = (line: string) => process.stdout.write(`${line}\n`);
const GATEWAY_PORT = 18660;
const CONTACT_POINT_PORT = 18661;
const ADAPTER_PORT = 18662;

const dir = mkdtempSync(join(tmpdir(), 'liaison-bench-history-'));
const token = newToken();
const beToken = newToken();
const keysFile = join(dir, 'api-keys.json');
// The inbox queries are NL's officer's (NL's inbox holds every notice of the history); the status and lookups BE's system's.
writeFileSync(
  keysFile,
  JSON.stringify({ keys: [{ id: 'nl-officer-bench', country: 'NL', role: 'officer', sha256: hashToken(token) }, { id: 'be-system-bench', country: 'BE', role: 'system', sha256: hashToken(beToken) }] }),
  { mode: 0o600 },
);
/** Notice ids of the history, one in a hundred: the status queries ask for them. */
const sampled: string[] = [];

interface Service {
  name: string;
  child: ChildProcess;
  port: number;
}

type ServiceName = 'gateway' | 'contact-point' | 'national-adapter';

function startService(name: ServiceName, group: string): Service {
  const port = { gateway: GATEWAY_PORT, 'contact-point': CONTACT_POINT_PORT, 'national-adapter': ADAPTER_PORT }[name];
  const args = { gateway: [], 'contact-point': ['--countries', DESTINATIONS.join(','), '--api-keys', keysFile, '--port', String(port)], 'national-adapter': ['--api-keys', keysFile, '--port', String(port)] }[name];
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, `services/${name}/main.ts`), ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LIAISON_GATEWAY_GROUP: group, LIAISON_GATEWAY_INSTANCE: `history-${run}`, LIAISON_GATEWAY_PORT: String(GATEWAY_PORT), LIAISON_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { name, child, port };
}

async function stopService(s: Service): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await Promise.race([exited, sleep(60_000).then(() => s.child.kill('SIGKILL'))]);
}

/** Milliseconds from `since` until /readyz answers 200 (the process exiting is an error). */
async function readyAfter(s: Service, since: number, timeoutMs = 30 * 60_000): Promise<number> {
  while (Date.now() - since < timeoutMs) {
    if (s.child.exitCode !== null) throw new Error(`${s.name} exited with ${s.child.exitCode} before it was ready`);
    if (await fetch(`http://127.0.0.1:${s.port}/readyz`).then((r) => r.ok).catch(() => false)) return Date.now() - since;
    await sleep(100);
  }
  throw new Error(`${s.name} not ready after ${timeoutMs / 1000} s`);
}

const residentMb = (s: Service): number => {
  const line = readFileSync(`/proc/${s.child.pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Math.round(Number(line.split(/\s+/)[1]) / 1024);
};

/** A gauge of a service's /metrics, summed over the label values given (all when none). */
async function gauge(s: Service, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `)).reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

async function positionedGroup(names: string[], groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const topic of names) ends.set(topic, (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })));
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 50 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topics: names });
  await consumer.run({ autoCommit: false, eachBatch: async () => {} });
  await joined;
  await consumer.commitOffsets([...ends].flatMap(([topic, ps]) => ps.map((p) => ({ topic, partition: p.partition, offset: p.offset }))));
  await consumer.disconnect();
}

/** `count` notices into BE's outbox, encoded and sent in chunks (the heap of this process stays small). */
async function produce(from: number, count: number): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const started = Date.now();
  for (let i = from; i < from + count; i += 500) {
    const chunk = await Promise.all(
      Array.from({ length: Math.min(500, from + count - i) }, async (_, j) => {
        // One in ten a request, so the overdue list has requests to look at.
        const n = loadNotice(i + j, { recipients: DESTINATIONS, kind: (i + j) % 10 === 0 ? 'REQUEST' : 'INFORMATION', caseRef: `HIST-${run}-${(i + j) % 997}` });
        if ((i + j) % 100 === 0) sampled.push(n.noticeId);
        return { key: n.caseRef, value: await registry.encode(topics.outbox('BE'), 'notice', n) };
      }),
    );
    await producer.send({ topic: topics.outbox('BE'), acks: -1, messages: chunk });
    if ((i - from) % 50_000 === 0 && i > from) log(`  produced ${(i - from).toLocaleString('en')} of ${count.toLocaleString('en')} (${Math.round((i - from) / ((Date.now() - started) / 1000))}/s)`);
  }
  await producer.disconnect();
}

/** Until the gateway has no lag and every inbox is stored (twice in a row), saying where it is every 30 s. */
async function drained(gateway: Service, contactPoint: Service, adapter: Service): Promise<{ gatewayMs: number; storedMs: number }> {
  const started = Date.now();
  let gatewayMs: number | undefined;
  let calm = 0;
  let said = Date.now();
  for (;;) {
    const [gw, cp, ack, status] = await Promise.all([
      gauge(gateway, 'liaison_gateway_lag_records'),
      gauge(contactPoint, 'liaison_inbox_lag_records'),
      gauge(contactPoint, 'liaison_inbox_unacknowledged'),
      gauge(adapter, 'liaison_state_reader_lag_records'),
    ]).catch(() => [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    if (gw === 0 && gatewayMs === undefined) gatewayMs = Date.now() - started;
    // Quiet also means every copy acknowledged: receipts still being sent would weigh on the queries measured next.
    calm = gw === 0 && cp === 0 && ack === 0 && status === 0 ? calm + 1 : 0;
    if (calm >= 2) return { gatewayMs: gatewayMs ?? 0, storedMs: Date.now() - started };
    if (Date.now() - said > 30_000) {
      log(`  waiting: gateway lag ${gw}, inboxes not yet stored ${cp}, copies not yet acknowledged ${ack}, adapter's status view behind ${status} (${Math.round((Date.now() - started) / 1000)} s)`);
      said = Date.now();
    }
    await sleep(1_000);
  }
}

/** The p99 of QUERIES requests, one at a time; `request(i)` gives the i-th (a URL alone is a GET as NL's officer). */
async function p99(request: string | ((i: number) => { url: string; init: RequestInit })): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < QUERIES; i += 1) {
    const { url, init } = typeof request === 'string' ? { url: request, init: { headers: { authorization: `Bearer ${token}` } } } : request(i);
    const t = process.hrtime.bigint();
    const r = await fetch(url, init);
    if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
    await r.arrayBuffer();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(times.length * 0.99) - 1)]!;
}

/** BE's status of one notice of the history (a different one each time). */
const statusOf = (i: number) => ({ url: `http://127.0.0.1:${ADAPTER_PORT}/v1/notices/${sampled[(i * 7919) % sampled.length]}`, init: { headers: { authorization: `Bearer ${beToken}` } } });
/** BE asks the be-nl-cross-border index about one licence plate (no hit: nobody published); 200 stay within the lookup budget of 300 a minute. */
const indexKey = Buffer.alloc(32, 7);
const lookup = (i: number) => ({
  url: `http://127.0.0.1:${ADAPTER_PORT}/v1/lookups`,
  init: {
    method: 'POST',
    headers: { authorization: `Bearer ${beToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agreement: 'be-nl-cross-border', purpose: 'ATM gas attack in Hasselt: vehicle seen leaving the scene', keyEpoch: 1, identifiers: [{ identifierType: 'LICENCE_PLATE', hash: indexHash(indexKey, 'be-nl-cross-border', 'LICENCE_PLATE', `1BNC${run}${i}`) }] }),
  },
});

interface Stage {
  notices: number;
  gatewayReadyMs: number;
  gatewayMb: number;
  adapterReadyMs: number;
  adapterMb: number;
  statusP99: number;
  lookupP99: number;
  contactPointReadyMs: number;
  contactPointMb: number;
  inboxP99: number;
  overdueP99: number;
  statisticsP99: number;
  drainMs: number;
  storeMs: number;
}

async function measure(notices: number, gatewayGroup: string, drain: { gatewayMs: number; storedMs: number }): Promise<Stage> {
  const gwStart = Date.now();
  const gateway = startService('gateway', gatewayGroup);
  const gatewayReadyMs = await readyAfter(gateway, gwStart);
  const cpStart = Date.now();
  const contactPoint = startService('contact-point', 'unused');
  const contactPointReadyMs = await readyAfter(contactPoint, cpStart);
  const naStart = Date.now();
  const adapter = startService('national-adapter', 'unused');
  const adapterReadyMs = await readyAfter(adapter, naStart);
  const base = `http://127.0.0.1:${CONTACT_POINT_PORT}/v1`;
  const inboxP99 = await p99(`${base}/inbox`);
  const overdueP99 = await p99(`${base}/inbox?overdue=true`);
  const statisticsP99 = await p99(`${base}/statistics`);
  const statusP99 = await p99(statusOf);
  const lookupP99 = await p99(lookup);
  const stage = {
    notices, gatewayReadyMs, gatewayMb: residentMb(gateway), contactPointReadyMs, contactPointMb: residentMb(contactPoint), adapterReadyMs, adapterMb: residentMb(adapter),
    inboxP99, overdueP99, statisticsP99, statusP99, lookupP99, drainMs: drain.gatewayMs, storeMs: drain.storedMs,
  };
  await stopService(adapter);
  await stopService(contactPoint);
  await stopService(gateway);
  return stage;
}

const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 1 });

const group = `liaison.gateway.history-${run}`;
await positionedGroup(gatewayInputs(loadParties().map((p) => p.code)), group);
const stages: Stage[] = [];
let produced = 0;
for (const target of [Math.round(N / 10), N]) {
  log(`history: producing ${fmt(target - produced)} notices (BE → ${DESTINATIONS.join(', ')}) towards ${fmt(target)}`);
  const gateway = startService('gateway', group);
  const contactPoint = startService('contact-point', 'unused');
  const adapter = startService('national-adapter', 'unused');
  await readyAfter(gateway, Date.now());
  await readyAfter(contactPoint, Date.now());
  await readyAfter(adapter, Date.now());
  const t = Date.now();
  await produce(produced, target - produced);
  log(`  produced in ${fmt((Date.now() - t) / 1000)} s; draining and storing`);
  const drain = await drained(gateway, contactPoint, adapter);
  produced = target;
  await stopService(adapter);
  await stopService(contactPoint);
  await stopService(gateway);
  log(`  the gateway drained in ${fmt(drain.gatewayMs / 1000)} s after the last was produced, the contact points had stored and acknowledged every copy after ${fmt(drain.storedMs / 1000)} s; restarting each on ${fmt(target)} notices of history`);
  const stage = await measure(target, group, drain);
  stages.push(stage);
  log(
    `  gateway ready in ${fmt(stage.gatewayReadyMs / 1000)} s at ${stage.gatewayMb} MB; contact points (${DESTINATIONS.join(', ')}) ready in ${fmt(stage.contactPointReadyMs / 1000)} s at ${stage.contactPointMb} MB; ` +
      `adapter ready in ${fmt(stage.adapterReadyMs / 1000)} s at ${stage.adapterMb} MB; p99 inbox ${fmt(stage.inboxP99)} ms, overdue ${fmt(stage.overdueP99)} ms, statistics ${fmt(stage.statisticsP99)} ms, status ${fmt(stage.statusP99)} ms, lookup ${fmt(stage.lookupP99)} ms`,
  );
}

const [small, large] = stages as [Stage, Stage];
const ratio = (a: number, b: number) => (a === 0 ? '–' : (b / a).toFixed(2));
log('');
log(`| history | gateway ready / memory | contact points (${DESTINATIONS.join(', ')}) ready / memory | adapter ready / memory | p99 inbox list | p99 overdue list | p99 statistics | p99 status of a notice | p99 lookup |`);
log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const row = (s: Stage) => [`${fmt(s.gatewayReadyMs / 1000)} s / ${s.gatewayMb} MB`, `${fmt(s.contactPointReadyMs / 1000)} s / ${s.contactPointMb} MB`, `${fmt(s.adapterReadyMs / 1000)} s / ${s.adapterMb} MB`, ...[s.inboxP99, s.overdueP99, s.statisticsP99, s.statusP99, s.lookupP99].map((q) => `${fmt(q)} ms`)];
for (const s of stages) log(`| ${fmt(s.notices)} notices | ${row(s).join(' | ')} |`);
log(
  `| N/10 → N | ${ratio(small.gatewayReadyMs, large.gatewayReadyMs)} / ${ratio(small.gatewayMb, large.gatewayMb)} | ${ratio(small.contactPointReadyMs, large.contactPointReadyMs)} / ${ratio(small.contactPointMb, large.contactPointMb)} | ` +
    `${ratio(small.adapterReadyMs, large.adapterReadyMs)} / ${ratio(small.adapterMb, large.adapterMb)} | ${[['inboxP99'], ['overdueP99'], ['statisticsP99'], ['statusP99'], ['lookupP99']].map(([k]) => ratio(small[k as keyof Stage], large[k as keyof Stage])).join(' | ')} |`,
);
log('');
log(`ingest: the last ${fmt(N - small.notices)} notices drained by the gateway in ${fmt(large.drainMs / 1000)} s after the last was produced; every copy stored by the contact points ${fmt(large.storeMs / 1000)} s after it`);
