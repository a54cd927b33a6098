/**
 * Aborted transactions on quiet outboxes, on the real stack. A read-committed consumer never
 * receives an aborted record or a transaction marker, so no batch is processed for them; the
 * gateway must still count them as passed: ready past the stall time, no lag, no backlog on the
 * ops console, no stall alert, and a restart that does not see them again. A real stall (the
 * registry cut) on the same partitions is still detected.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsConsole } from '../../../services/ops-console/ops-console.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { createServiceHttp, listen } from '../../../services/shared/http.ts';
import { transactional } from '../../../services/shared/kafka.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { groupPrefixOf, topics } from '../../../services/shared/topology.ts';
import { loadNotice } from '../../fixtures/notices.ts';
import { alertStaysSilent } from '../../support/alerts.ts';
import { adminKafka, connection, partyKafka, unique } from '../../support/clients.ts';
import { newGatewayGroup, registry, startGateway, type RunningGateway } from '../../support/flow.ts';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

const STALL_MS = 3_000;
const QUIET = ['BR', 'PY', 'PE', 'EUROPOL'];
const PARTITION = 0;

let proxy: TcpProxy;
let groupId: string;
const running: RunningGateway[] = [];

/** One record written to `origin`'s outbox in a transaction of that country's own, then committed or aborted. */
async function transaction(origin: string, value: Buffer, outcome: 'commit' | 'abort'): Promise<void> {
  const producer = partyKafka(origin).producer(transactional(`${groupPrefixOf(origin)}${unique('tx')}`));
  await producer.connect();
  try {
    const tx = await producer.transaction();
    await tx.send({ topic: topics.outbox(origin), messages: [{ key: unique('case'), value, partition: PARTITION }] });
    await (outcome === 'commit' ? tx.commit() : tx.abort());
  } finally {
    await producer.disconnect();
  }
}

/** Per outbox partition written here: the group's committed offset and the log end. */
async function committedAndEnd(origins: string[]): Promise<Array<{ origin: string; committed: number; end: number }>> {
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    const rows = [];
    for (const origin of origins) {
      const topic = topics.outbox(origin);
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
      const end = (await admin.fetchTopicOffsets(topic)).find((p) => p.partition === PARTITION)!;
      rows.push({ origin, committed: Number(offsets!.partitions.find((p) => p.partition === PARTITION)!.offset), end: Number(end.high) });
    }
    return rows;
  } finally {
    await admin.disconnect();
  }
}

/** The gateway's /readyz and /metrics.json as main.ts serves them, for the ops console to poll. */
async function serveGateway(g: RunningGateway): Promise<{ server: Server; url: string }> {
  const { app } = createServiceHttp('gateway', () => g.gateway.isReady(), g.metrics, () => g.gateway.notReadyBecause());
  const server = await listen(app, 0);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const start = async () => {
  const g = await startGateway(groupId, unique('gw-aborted'), undefined, { connection: { ...connection(), registryUrl: proxy.url }, stallAfterMs: STALL_MS, progressIntervalMs: 300 });
  running.push(g);
  return g;
};

beforeAll(async () => {
  proxy = await tcpProxy(connection().registryUrl);
  groupId = await newGatewayGroup();
}, 120_000);

afterAll(async () => {
  for (const g of running) await g.stop().catch(() => {});
  await proxy?.close();
});

describe('aborted transactions on a quiet outbox', () => {
  it('are passed: the gateway stays ready, shows no lag or backlog, does not alert, and a restart does not see them again', async () => {
    const notice = (origin: string) => registry().encode(topics.outbox(origin), 'notice', loadNotice(1, { sender: { country: origin, agency: 'Policía', contactPoint: `SPOC ${origin}`, onBehalfOf: null }, recipients: ['ES'] }));
    // Before the gateway starts: one aborted record (and its marker) on each quiet outbox.
    for (const origin of QUIET) await transaction(origin, await notice(origin), 'abort');
    // A committed transaction whose record is delivered leaves its marker at the tail.
    const nl = registry().encode(topics.outbox('NL'), 'notice', loadNotice(2, { sender: { country: 'NL', agency: 'Politie', contactPoint: 'SPOC NL', onBehalfOf: null }, recipients: ['BE'] }));
    await transaction('NL', await nl, 'commit');

    let gateway = await start();
    // And one more aborted transaction while it runs.
    await transaction('BR', await notice('BR'), 'abort');
    await sleep(STALL_MS * 3);

    expect(gateway.gateway.notReadyBecause()).toEqual([]);
    expect(gateway.gateway.isReady()).toBe(true);
    expect(gateway.gateway.stalledPartitions()).toBe(0);
    const lag = gateway.gateway.lag();
    for (const origin of [...QUIET, 'NL']) expect(lag.get(origin) ?? 0, origin).toBe(0);
    // The group's offset moved past them: a restart starts after them.
    for (const row of await committedAndEnd([...QUIET, 'NL'])) expect(row.committed, row.origin).toBe(row.end);

    // The ops console: the gateway ready, no backlog.
    const served = await serveGateway(gateway);
    try {
      const ops = new OpsConsole([{ name: 'gateway', url: served.url }], [...QUIET, 'NL'], createLogger('ops-console', 'error'));
      await ops.poll();
      const overview = ops.overview();
      expect(overview.services[0]).toMatchObject({ name: 'gateway', up: true, ready: true, problems: [] });
      expect(overview.gatewayLag.filter((c) => c.value > 0)).toEqual([]);
    } finally {
      served.server.close();
    }
    // The stall alert, evaluated on the metrics the gateway exposes, held for 15 quiet minutes.
    const alert = await alertStaysSilent('LiaisonGatewayStalled', gateway.metrics, { job: 'liaison-gateway', instance: 'gw-aborted' });
    expect(alert.silent, alert.output).toBe(true);

    // A restart in the same group: ready past the stall time again, nothing behind.
    await gateway.stop();
    gateway = await start();
    await sleep(STALL_MS * 2);
    expect(gateway.gateway.notReadyBecause()).toEqual([]);
    expect(gateway.gateway.isReady()).toBe(true);
    for (const origin of QUIET) expect(gateway.gateway.lag().get(origin) ?? 0, origin).toBe(0);

    // A real stall on the same partition is still one: a record the gateway cannot decode without the registry.
    const schema = loadContract().schemas.notice;
    const variant = { ...schema, fields: [...(schema.fields as object[]), { name: 'abortProbe', type: ['null', 'string'], default: null }] };
    const direct = new SchemaRegistry({ host: connection().registryUrl });
    const { id } = await direct.register({ type: SchemaType.AVRO, schema: JSON.stringify(variant) }, { subject: `${unique('test.aborted')}-value` });
    await proxy.cut();
    const probe = loadNotice(3, { sender: { country: 'BR', agency: 'Polícia Federal', contactPoint: 'SPOC BR', onBehalfOf: null }, recipients: ['ES'] });
    const producer = partyKafka('BR').producer();
    await producer.connect();
    await producer.send({ topic: topics.outbox('BR'), messages: [{ key: probe.caseRef, value: await direct.encode(id, { ...probe, abortProbe: null }), partition: PARTITION }] });
    await producer.disconnect();
    const cut = Date.now();
    while (gateway.gateway.isReady() && Date.now() - cut < 30_000) await sleep(200);
    expect(gateway.gateway.notReadyBecause().join('; ')).toMatch(new RegExp(`liaison\\.outbox\\.BR\\[${PARTITION}\\]: 1 records waiting`));
    expect(gateway.gateway.lag().get('BR')).toBe(1);
    await proxy.restore();
    const restored = Date.now();
    while (!gateway.gateway.isReady() && Date.now() - restored < 30_000) await sleep(200);
    expect(gateway.gateway.isReady()).toBe(true);
    expect(gateway.gateway.lag().get('BR') ?? 0).toBe(0);
    console.log(`aborted transactions on ${QUIET.join(', ')}: the gateway stayed ready ${(STALL_MS * 3) / 1000} s past a ${STALL_MS / 1000} s stall time and after a restart, lag 0, committed offsets at the log end; a registry cut on BR was called stalled after ${Math.round((restored - cut) / 1000)} s`);
  }, 180_000);
});

