/**
 * The end-to-end benchmark of the gateway against a passthrough doing the same Kafka work
 * (bench/passthrough.ts), in one run on the embedded stack, so the figures are ratios measured
 * side by side: the throughput of a burst (a backlog drained), the latency at fixed rates
 * (outbox record → copy committed in the inbox, read committed), and one against two gateway
 * instances in one group. Never part of `make test`; `make bench` runs it.
 *
 *   node --import tsx bench/gateway-e2e.ts [--notices 5000] [--rates 200,500,1000] [--seconds 10]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import kafkajs, { type Kafka } from 'kafkajs';
import { PROJECT_ROOT, resolveConnection } from '../services/shared/connection.ts';
import { createKafka } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { loadParties } from '../services/shared/parties.ts';
import { ContractRegistry } from '../services/shared/registry.ts';
import { gatewayInputs, topics } from '../services/shared/topology.ts';
import { loadNotice } from '../test/fixtures/notices.ts';

const options = new Command()
  .name('bench-gateway-e2e')
  .description('End-to-end benchmark: the gateway against a kafkajs passthrough doing the same Kafka work, in one run')
  .option('--notices <n>', 'notices in each burst', '5000')
  .option('--rates <list>', 'fixed rates to hold, notices per second', '200,500,1000')
  .option('--seconds <s>', 'how long each rate is held', '10')
  .option('--rounds <n>', 'bursts of each processor, alternated; the median counts (the machine is noisy)', '3')
  .option('--no-two', 'skip the run with two gateway instances')
  .option('--profile <dir>', 'run the (single) gateway with --cpu-prof into this folder')
  .parse()
  .opts<{ notices: string; rates: string; seconds: string; rounds: string; two: boolean; profile?: string }>();

const N = Number(options.notices);
const RATES = options.rates.split(',').map(Number);
const SECONDS = Number(options.seconds);
const ROUNDS = Math.max(1, Number(options.rounds));
const DESTINATIONS = ['NL', 'LU', 'US'];
const logger = createLogger('bench', 'warn');
const connection = resolveConnection();
const kafka: Kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'bench', logger });
const registry = new ContractRegistry(connection.registryUrl);
const run = randomUUID().slice(0, 8);
const prefix = `liaison.bench.${run}`;
const bench = { outbox: `${prefix}.outbox`, inbox: `${prefix}.inbox`, reports: `${prefix}.reports`, audit: `${prefix}.audit` };
const log = (line: string) => process.stdout.write(`${line}\n`);

type Kind = 'passthrough' | 'gateway';
interface Route {
  input: string;
  reports: string;
  copies: string[];
  /** Every topic the processor's group consumes (positioned at the end before a run). */
  consumed: string[];
}
const routes: Record<Kind, Route> = {
  passthrough: { input: bench.outbox, reports: bench.reports, copies: [bench.inbox], consumed: [bench.outbox] },
  gateway: {
    input: topics.outbox('BE'),
    reports: topics.reports('BE'),
    copies: DESTINATIONS.map(topics.inbox),
    consumed: gatewayInputs(loadParties().map((p) => p.code)),
  },
};

async function logEnds(admin: kafkajs.Admin, names: string[]): Promise<Map<string, Array<{ partition: number; offset: string }>>> {
  const ends = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const topic of names) ends.set(topic, (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })));
  return ends;
}

/** A new consumer group committed at the current end of `names` (a short-lived member commits; no fetch is kept). */
async function positionedGroup(names: string[], groupId: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await logEnds(admin, names);
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

/** Records arriving (read committed) on `names` from their current end: arrival time per key. */
async function watch(names: string[], onKey: (key: string, at: number) => void): Promise<() => Promise<void>> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await logEnds(admin, names);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `bench.watch.${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: names });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  void consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      const at = Date.now();
      const start = ends.get(batch.topic)?.find((p) => p.partition === batch.partition)?.offset ?? '0';
      for (const m of batch.messages) if (BigInt(m.offset) >= BigInt(start) && m.key) onKey(m.key.toString(), at);
    },
  });
  await joined;
  for (const [topic, ps] of ends) for (const p of ps) consumer.seek({ topic, partition: p.partition, offset: p.offset });
  return () => consumer.disconnect();
}

async function produce(route: Route, notices: ReturnType<typeof loadNotice>[], sent?: Map<string, number>): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
  await producer.connect();
  const encoded = await Promise.all(notices.map(async (n) => ({ key: n.caseRef, value: await registry.encode(route.input, 'notice', n) })));
  for (let i = 0; i < encoded.length; i += 250) {
    const chunk = encoded.slice(i, i + 250);
    const at = Date.now();
    await producer.send({ topic: route.input, acks: -1, messages: chunk });
    if (sent) for (const m of chunk) sent.set(m.key, at);
  }
  await producer.disconnect();
}

function start(kind: Kind, group: string, instance: number): { child: ChildProcess; ready: Promise<void> } {
  const port = 18650 + instance;
  const args =
    kind === 'gateway'
      ? [...(options.profile && instance === 1 ? ['--cpu-prof', `--cpu-prof-dir=${options.profile}`] : []), '--import', 'tsx', join(PROJECT_ROOT, 'services/gateway/main.ts')]
      : ['--import', 'tsx', join(PROJECT_ROOT, 'bench/passthrough.ts'), '--input', bench.outbox, '--group', group, '--prefix', prefix, '--instance', String(instance)];
  const child = spawn(process.execPath, args, {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LIAISON_GATEWAY_GROUP: group, LIAISON_GATEWAY_INSTANCE: `bench-${run}-${instance}`, LIAISON_GATEWAY_PORT: String(port), LIAISON_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready =
    kind === 'passthrough'
      ? new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))
      : (async () => {
          child.stdout!.resume();
          for (let i = 0; i < 1200; i += 1) {
            if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false)) return;
            await sleep(100);
          }
          throw new Error(`gateway instance ${instance} not ready after 120 s`);
        })();
  return { child, ready };
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise((resolve) => { c.once('exit', resolve); c.kill('SIGTERM'); })));
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
};

interface Result {
  burstPerSecond: number;
  rates: Array<{ rate: number; p50: number; p99: number; delivered: number; expected: number; keptUp: boolean }>;
}

async function scenario(kind: Kind, instances: number, withRates: boolean, round = 1): Promise<Result> {
  const route = routes[kind];
  const group = `liaison.gateway.bench.${kind}.${run}.${instances}.${round}`; // the gateway principal's groups start with liaison.gateway
  await positionedGroup(route.consumed, group);
  const tag = `B${run}-${kind[0]}${instances}-${round}`;
  // Burst: the backlog waits before the processors start; measured from its first report to its last.
  const burst = Array.from({ length: N }, (_, i) => loadNotice(i, { caseRef: `${tag}-burst-${i}` }));
  const reported: number[] = [];
  const stopReports = await watch([route.reports], (key, at) => key.startsWith(`${tag}-burst-`) && reported.push(at));
  await produce(route, burst);
  const processes = Array.from({ length: instances }, (_, i) => start(kind, group, i + 1));
  // A failed run leaves no processor behind (it would hold its port and its group).
  const failed = (error: unknown) => stop(processes.map((p) => p.child)).then(() => Promise.reject(error));
  await Promise.all(processes.map((p) => p.ready)).catch(failed);
  // From the moment every instance is in the group (it consumes from then on) to the last report committed.
  const ready = Date.now();
  const deadline = Date.now() + 300_000;
  while (reported.length < N && Date.now() < deadline) await sleep(20);
  await stopReports();
  if (reported.length < N) throw new Error(`${kind}: ${reported.length} of ${N} reports after 5 minutes`);
  const seconds = (reported[N - 1]! - Math.min(ready, reported[0]!)) / 1000;
  const burstPerSecond = N / seconds;
  log(`  ${kind} ×${instances}, round ${round}: burst of ${N} in ${seconds.toFixed(1)} s = ${burstPerSecond.toFixed(0)} notices/s`);

  const rates: Result['rates'] = [];
  if (withRates) {
    for (const rate of RATES) {
      const sent = new Map<string, number>();
      const latencies: number[] = [];
      const copiesPerNotice = kind === 'gateway' ? DESTINATIONS.length : DESTINATIONS.length;
      const stopCopies = await watch(route.copies, (key, at) => {
        const t = sent.get(key);
        if (t !== undefined) latencies.push(at - t);
      });
      const total = rate * SECONDS;
      const perTick = rate / 20;
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: kafkajs.Partitioners.DefaultPartitioner });
      await producer.connect();
      const began = Date.now();
      for (let i = 0; i < total; ) {
        const due = began + (i / rate) * 1000;
        if (due > Date.now()) await sleep(due - Date.now());
        const chunk = Array.from({ length: Math.min(perTick, total - i) }, (_, j) => loadNotice(i + j, { caseRef: `${tag}-r${rate}-${i + j}` }));
        const messages = await Promise.all(chunk.map(async (n) => ({ key: n.caseRef, value: await registry.encode(route.input, 'notice', n) })));
        const at = Date.now();
        for (const m of messages) sent.set(m.key, at);
        void producer.send({ topic: route.input, acks: -1, messages });
        i += chunk.length;
      }
      const expected = total * copiesPerNotice;
      const until = Date.now() + 30_000;
      while (latencies.length < expected && Date.now() < until) await sleep(50);
      await producer.disconnect();
      await stopCopies();
      const p50 = quantile(latencies, 0.5);
      const p99 = quantile(latencies, 0.99);
      const keptUp = latencies.length >= expected && p99 < 5_000;
      rates.push({ rate, p50, p99, delivered: latencies.length, expected, keptUp });
      log(`  ${kind} ×${instances}: ${rate}/s for ${SECONDS} s: p50 ${p50} ms, p99 ${p99} ms, ${latencies.length}/${expected} copies${keptUp ? '' : ' (did not keep up)'}`);
    }
  }
  await stop(processes.map((p) => p.child));
  return { burstPerSecond, rates };
}

async function main(): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [
      { topic: bench.outbox, numPartitions: 3 },
      { topic: bench.inbox, numPartitions: 3 },
      { topic: bench.reports, numPartitions: 3 },
      { topic: bench.audit, numPartitions: 1 },
    ],
  });
  const size = (await registry.encode(topics.outbox('BE'), 'notice', loadNotice(0))).length;
  log(`Liaison end-to-end benchmark — ${new Date().toISOString().slice(0, 10)}, ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}`);
  log(`notices of ${size} bytes (Avro), BE → NL, LU, US (each 3 copies, 3 audit events, 1 report); burst ${N}; rates ${RATES.join(', ')}/s for ${SECONDS} s each`);
  try {
    // Bursts alternate between the two processors, so that a slow minute of the machine hits both; the median counts.
    const bursts: Record<Kind, number[]> = { passthrough: [], gateway: [] };
    const twoBursts: number[] = [];
    let passthrough: Result | undefined;
    let gateway: Result | undefined;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const p = await scenario('passthrough', 1, round === 1, round);
      const g = await scenario('gateway', 1, round === 1, round);
      if (options.two) twoBursts.push((await scenario('gateway', 2, false, round)).burstPerSecond);
      bursts.passthrough.push(p.burstPerSecond);
      bursts.gateway.push(g.burstPerSecond);
      passthrough ??= p;
      gateway ??= g;
    }
    passthrough = { ...passthrough!, burstPerSecond: quantile(bursts.passthrough, 0.5) };
    gateway = { ...gateway!, burstPerSecond: quantile(bursts.gateway, 0.5) };
    const two = options.two ? { burstPerSecond: quantile(twoBursts, 0.5) } : undefined;
    const ratios = bursts.gateway.map((g, i) => (g / bursts.passthrough[i]!).toFixed(2));
    log(`  bursts over ${ROUNDS} round(s), gateway ÷ passthrough per round: ${ratios.join(', ')}`);
    log('');
    log('| measure | passthrough | gateway | gateway ÷ passthrough |');
    log('| --- | --- | --- | --- |');
    log(`| burst throughput (notices/s) | ${passthrough.burstPerSecond.toFixed(0)} | ${gateway.burstPerSecond.toFixed(0)} | ${(gateway.burstPerSecond / passthrough.burstPerSecond).toFixed(2)} |`);
    for (const [i, r] of gateway.rates.entries()) {
      const p = passthrough.rates[i]!;
      log(`| ${r.rate}/s: p50 / p99 latency (ms) | ${p.p50} / ${p.p99}${p.keptUp ? '' : ' (behind)'} | ${r.p50} / ${r.p99}${r.keptUp ? '' : ' (behind)'} | ${(r.p50 / p.p50).toFixed(2)} / ${(r.p99 / p.p99).toFixed(2)} |`);
    }
    if (two) log(`| burst, 2 gateway instances vs 1 (notices/s) | | ${two.burstPerSecond.toFixed(0)} vs ${gateway.burstPerSecond.toFixed(0)} | ×${(two.burstPerSecond / gateway.burstPerSecond).toFixed(2)} |`);
  } finally {
    await admin.deleteTopics({ topics: Object.values(bench) }).catch(() => {});
    await admin.disconnect();
  }
}

await main();
process.exit(0);
