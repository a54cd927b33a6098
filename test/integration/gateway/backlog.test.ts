/**
 * The gateway under load, on the real stack: a backlog waiting in an outbox when the gateway
 * starts is drained in bounded transactions, every copy and report exactly once; a gateway
 * killed in the middle of it restarts ready within seconds and duplicates nothing; a consumer
 * that makes no progress shows on /readyz and in the lag metric. Sizes are tuned for a 2-core
 * machine; the asserts are not.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, Socket, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../services/shared/contract.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { loadNotice } from '../../fixtures/notices.ts';
import { connection, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, policy, readTopic, spawnGateway, startGateway, submit, submitRaw, testKeys, type Offsets } from '../../support/flow.ts';

/**
 * Third countries under the Latin-American derogation: each gets the non-personal part at once
 * and a copy held for the DPO. No test runs a contact point for them, so thousands of copies
 * left in their inboxes never make a later test's contact point acknowledge them all.
 */
const DESTINATIONS = ['PA', 'PY', 'BO'];

async function produceBacklog(count: number, tag: string): Promise<EuLiaison.Notice[]> {
  const notices = Array.from({ length: count }, (_, i) => loadNotice(i, { caseRef: `${tag}-${i % 61}`, recipients: DESTINATIONS }));
  for (let i = 0; i < notices.length; i += 500) await submit('BE', ...notices.slice(i, i + 500));
  return notices;
}

/** How many copies (per destination) and reports each notice got, once every notice has them all. */
async function tally(from: Offsets, ids: Set<string>, timeoutMs: number): Promise<{ copies: Map<string, Map<string, number>>; held: Map<string, Map<string, number>>; reports: Map<string, number> }> {
  const count = <T>(records: { value: T }[], id: (v: T) => string) => {
    const seen = new Map<string, number>();
    for (const r of records) if (ids.has(id(r.value))) seen.set(id(r.value), (seen.get(id(r.value)) ?? 0) + 1);
    return seen;
  };
  const reportsRead = await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, {
    principal: 'BE',
    done: (r) => count(r, (v) => v.noticeId).size === ids.size,
    timeoutMs,
  });
  await sleep(1_000); // anything duplicated would have arrived by now
  const reports = count(await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, { principal: 'BE', done: (r) => r.length > reportsRead.length, timeoutMs: 3_000 }), (v) => v.noticeId);
  const copies = new Map<string, Map<string, number>>();
  for (const d of DESTINATIONS) {
    const read = await readTopic<EuLiaison.NoticeCopy>(topics.inbox(d), 'noticeCopy', from, { principal: d, done: () => false, timeoutMs: 4_000 });
    copies.set(d, count(read, (v) => v.notice.noticeId));
  }
  const heldRead = await readTopic<EuLiaison.NoticeCopy>(topics.held, 'noticeCopy', from, { done: () => false, timeoutMs: 4_000 });
  const held = new Map(DESTINATIONS.map((d) => [d, count(heldRead.filter((r) => r.value.destination === d), (v) => v.notice.noticeId)]));
  return { copies, held, reports };
}

function expectExactlyOnce(result: Awaited<ReturnType<typeof tally>>, ids: Set<string>): void {
  expect(result.reports.size).toBe(ids.size);
  expect([...result.reports.values()].filter((n) => n !== 1)).toEqual([]);
  for (const d of DESTINATIONS) {
    for (const [what, counts] of [['inbox', result.copies.get(d)!], ['held', result.held.get(d)!]] as const) {
      expect(counts.size, `${what} ${d}`).toBe(ids.size);
      expect([...counts.values()].filter((n) => n !== 1), `${what} ${d}`).toEqual([]);
    }
  }
}

async function waitReady(port: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false)) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`gateway on port ${port} not ready after ${timeoutMs / 1000} s`);
}

describe('a backlog', () => {
  it('waiting when the gateway starts is drained in bounded transactions: every copy and report exactly once, nothing dead-lettered', async () => {
    const groupId = await newGatewayGroup();
    const from = await logEnd([topics.reports('BE'), topics.dlq, topics.held, ...DESTINATIONS.map(topics.inbox)]);
    const notices = await produceBacklog(5_000, unique('BACKLOG'));
    const gateway = await startGateway(groupId);
    try {
      const ids = new Set(notices.map((n) => n.noticeId));
      expectExactlyOnce(await tally(from, ids, 120_000), ids);
      const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
      expect(dead).toEqual([]);
      const aborts = (await gateway.metrics.getSingleMetric('liaison_gateway_transaction_aborts_total')!.get()).values[0]?.value ?? 0;
      expect(aborts).toBe(0);
      const lag = (await gateway.metrics.getSingleMetric('liaison_gateway_lag_records')!.get()).values.find((v) => v.labels.origin === 'BE');
      expect(lag?.value ?? 0).toBe(0);
    } finally {
      await gateway.stop();
    }
  }, 240_000);

  it('survives a SIGKILL of the gateway in the middle: the restarted gateway is ready within seconds and duplicates nothing', async () => {
    const groupId = await newGatewayGroup();
    const keysFile = join(mkdtempSync(join(tmpdir(), 'liaison-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify(Object.fromEntries(policy.agreements.map((a) => [a.id, testKeys(a.id).toString('base64')]))));
    const instance = unique('backlog-kill');
    const port = 18300 + Math.floor(Math.random() * 250) + 250;
    const from = await logEnd([topics.reports('BE'), topics.held, ...DESTINATIONS.map(topics.inbox)]);
    const notices = await produceBacklog(3_000, unique('KILL'));
    const ids = new Set(notices.map((n) => n.noticeId));

    const first = spawnGateway(groupId, instance, port, keysFile);
    await waitReady(port, 60_000);
    // Kill it once part of the backlog is reported, in the middle of its transactions.
    const partial = await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, { principal: 'BE', done: (r) => r.filter((x) => ids.has(x.value.noticeId)).length >= 300, timeoutMs: 60_000 });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(partial.filter((x) => ids.has(x.value.noticeId)).length).toBeLessThan(ids.size);

    const second = spawnGateway(groupId, instance, port, keysFile);
    try {
      const readyAfterMs = await waitReady(port, 60_000);
      expect(readyAfterMs).toBeLessThan(30_000);
      expectExactlyOnce(await tally(from, ids, 120_000), ids);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  }, 300_000);
});

/** A TCP proxy to the schema registry that the test can cut: the registry becomes unreachable for the gateway only. */
async function registryProxy(): Promise<{ url: string; cut: () => Promise<void> }> {
  const target = new URL(connection().registryUrl);
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = new Socket();
    sockets.add(client).add(upstream);
    upstream.connect(Number(target.port), target.hostname, () => client.pipe(upstream).pipe(client));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    cut: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * NL notices written with a compatible schema version this gateway has never seen (one optional
 * field more): decoding them needs the registry, which the test has cut.
 */
async function produceUnseenSchema(count: number): Promise<void> {
  const notice = loadContract().schemas.notice;
  const variant = { ...notice, fields: [...(notice.fields as object[]), { name: 'stallProbe', type: ['null', 'string'], default: null }] };
  const schemas = new SchemaRegistry({ host: connection().registryUrl });
  const { id } = await schemas.register({ type: SchemaType.AVRO, schema: JSON.stringify(variant) }, { subject: `${unique('test.stall')}-value` });
  const sender = { country: 'NL', agency: 'Politie', contactPoint: 'SPOC NL', onBehalfOf: null };
  for (let i = 0; i < count; i += 1) {
    await submitRaw('NL', unique('STALL'), await schemas.encode(id, { ...loadNotice(i, { sender, recipients: ['BE'] }), stallProbe: null }));
  }
}

describe('a gateway that makes no progress', () => {
  it('is not ready, names the stalled partition, and its lag grows while nothing commits', async () => {
    const proxy = await registryProxy();
    const groupId = await newGatewayGroup();
    const from = await logEnd([topics.dlq]);
    const gateway = await startGateway(groupId, unique('stall'), undefined, { connection: { ...connection(), registryUrl: proxy.url }, stallAfterMs: 3_000, progressIntervalMs: 300 });
    try {
      expect(gateway.gateway.isReady()).toBe(true);
      await proxy.cut(); // the registry is unreachable for this gateway: it retries, never dead-letters, and stalls
      const lagOf = async () => (await gateway.metrics.getSingleMetric('liaison_gateway_lag_records')!.get()).values.find((v) => v.labels.origin === 'NL')?.value ?? 0;
      await produceUnseenSchema(20);
      const deadline = Date.now() + 30_000;
      while (gateway.gateway.isReady() && Date.now() < deadline) await sleep(200);
      expect(gateway.gateway.isReady()).toBe(false);
      expect(gateway.gateway.notReadyBecause().join('; ')).toMatch(/liaison\.outbox\.NL\[\d\]: \d+ records waiting, no progress for \d+ s/);
      expect(await lagOf()).toBeGreaterThanOrEqual(1);
      const stalled = (await gateway.metrics.getSingleMetric('liaison_gateway_stalled_partitions')!.get()).values[0]?.value ?? 0;
      expect(stalled).toBeGreaterThanOrEqual(1);
      const before = await lagOf();
      await produceUnseenSchema(5);
      await sleep(1_000);
      expect(await lagOf()).toBeGreaterThanOrEqual(before);
      // An unreachable registry is waited for, never a reason to dead-letter.
      const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
      expect(dead.filter((d) => d.value.topic === topics.outbox('NL'))).toEqual([]);
    } finally {
      await gateway.stop();
    }
  }, 120_000);
});
