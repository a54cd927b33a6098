/**
 * The schema registry unreachable for a while, mid-stream, on the real stack (the gateway and
 * the adapter reach it through a proxy the test cuts and restores). Nothing is dead-lettered
 * for it; the gateway says it is stalled, waits, and resumes; the adapter answers 503 with the
 * problem instead of accepting what it cannot write, and its status view waits rather than
 * skipping what it cannot read; afterwards every notice is delivered exactly once, shown to its
 * origin, and the refused submission, retried with its Idempotency-Key, is accepted.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../services/shared/contract.ts';
import { retryUntil } from '../../../services/shared/retry.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { loadNotice, notice } from '../../fixtures/notices.ts';
import { connection, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submitRaw, type RunningGateway } from '../../support/flow.ts';
import { startAdapter, tokenOf, type RunningService } from '../../support/services.ts';
import { tcpProxy, type TcpProxy } from '../../support/tcp-proxy.ts';

const OUTAGE_MS = 30_000;
const NOTICES = 20;

let proxy: TcpProxy;
let gateway: RunningGateway;
let adapter: RunningService;

beforeAll(async () => {
  proxy = await tcpProxy(connection().registryUrl);
  const viaProxy = { ...connection(), registryUrl: proxy.url };
  gateway = await startGateway(await newGatewayGroup(), unique('outage'), undefined, { connection: viaProxy, stallAfterMs: 3_000, progressIntervalMs: 300 });
  adapter = await startAdapter({ connection: viaProxy });
}, 120_000);

afterAll(async () => {
  await adapter?.stop();
  await gateway?.stop();
  await proxy?.close();
});

/** NL notices of a schema version nobody behind the proxy has seen: reading them needs the registry. */
async function unseenVersionNotices(caseRefs: string[]): Promise<string[]> {
  const schema = loadContract().schemas.notice;
  const variant = { ...schema, fields: [...(schema.fields as object[]), { name: 'outageProbe', type: ['null', 'string'], default: null }] };
  const registry = new SchemaRegistry({ host: connection().registryUrl });
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(variant) }, { subject: `${unique('test.outage')}-value` });
  const sender = { country: 'NL', agency: 'Politie', contactPoint: 'SPOC NL', onBehalfOf: null };
  const ids: string[] = [];
  for (const [i, caseRef] of caseRefs.entries()) {
    const n = loadNotice(i, { caseRef, sender, recipients: ['BE', 'DE'] });
    ids.push(n.noticeId);
    await submitRaw('NL', caseRef, await registry.encode(id, { ...n, outageProbe: null }));
  }
  return ids;
}

function submission(): Record<string, unknown> {
  const { noticeId: _id, createdAt: _at, ...rest } = notice({ caseRef: unique('OUTAGE-BE'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] });
  const { country: _c, ...sender } = rest.sender;
  return { ...rest, sender };
}

const post = (body: unknown, key: string) =>
  fetch(`${adapter.url}/v1/notices`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf('BE', 'system')}`, 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });

describe('the schema registry down mid-stream', () => {
  it('is waited for: nothing dead-lettered, the adapter answers 503, and afterwards every notice arrives exactly once', async () => {
    const from = await logEnd([topics.dlq, topics.reports('NL'), topics.reports('BE')]);
    expect(gateway.gateway.isReady()).toBe(true);
    await proxy.cut();
    const outageStarted = Date.now();
    const caseRefs = Array.from({ length: NOTICES }, () => unique('OUTAGE-NL'));
    const noticeIds = await unseenVersionNotices(caseRefs);

    // The adapter cannot encode a notice: 503 with the problem, and nothing written.
    const body = submission();
    const key = unique('outage-key');
    const refused = await post(body, key);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as { problems: string[] }).problems.join(' ')).toMatch(/schema registry/);

    // The gateway waits: not ready, naming the stalled partition.
    while (gateway.gateway.isReady() && Date.now() - outageStarted < OUTAGE_MS) await sleep(200);
    expect(gateway.gateway.isReady()).toBe(false);
    expect(gateway.gateway.notReadyBecause().join('; ')).toMatch(/liaison\.outbox\.NL\[\d\]: \d+ records waiting/);
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
    await proxy.restore();

    // Afterwards: the retry is accepted (a client that honours Retry-After, as the 503 asks), the
    // gateway resumes, and each notice is reported once.
    let accepted = await post(body, key);
    for (const until = Date.now() + 30_000; accepted.status === 503 && Date.now() < until; ) {
      await sleep(Number(accepted.headers.get('retry-after') ?? 1) * 1000);
      accepted = await post(body, key);
    }
    expect(accepted.status, await accepted.clone().text()).toBe(202);
    expect(((await accepted.json()) as { replayed: boolean }).replayed).toBe(false);
    const reports = await readTopic<EuLiaison.DeliveryReport>(topics.reports('NL'), 'deliveryReport', from, {
      principal: 'NL',
      done: (rs) => caseRefs.every((c) => rs.some((r) => r.value.caseRef === c)),
      timeoutMs: 90_000,
    });
    const perCase = new Map<string, number>();
    for (const r of reports) if (caseRefs.includes(r.value.caseRef)) perCase.set(r.value.caseRef, (perCase.get(r.value.caseRef) ?? 0) + 1);
    expect([...perCase.values()].filter((n) => n !== 1)).toEqual([]);
    expect(perCase.size).toBe(NOTICES);
    for (const r of reports.filter((x) => caseRefs.includes(x.value.caseRef))) expect(r.value.destinations.map((d) => d.status).every((s) => s.startsWith('DELIVERED'))).toBe(true);
    const deadline = Date.now() + 20_000;
    while (!gateway.gateway.isReady() && Date.now() < deadline) await sleep(200);
    expect(gateway.gateway.isReady()).toBe(true);
    // The adapter's status view did not skip them while it could not read them: NL sees each one.
    for (const id of noticeIds) {
      const status = await retryUntil(async () => {
        const r = await fetch(`${adapter.url}/v1/notices/${id}`, { headers: { authorization: `Bearer ${tokenOf('NL', 'system')}` } });
        const body = (await r.json()) as { state?: string };
        if (r.status !== 200 || body.state !== 'PROCESSED') throw new Error(`${id}: ${r.status} ${body.state}`);
        return body.state;
      }, { timeoutMs: 30_000, intervalMs: 200 });
      expect(status).toBe('PROCESSED');
    }
    const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
    expect(dead.filter((d) => d.value.topic === topics.outbox('NL') || d.value.topic === topics.outbox('BE'))).toEqual([]);
    console.log(`registry outage of ${OUTAGE_MS / 1000} s: ${NOTICES} notices waited and were delivered once each, 0 dead-lettered; the adapter answered 503 during it and 202 after`);
  }, 240_000);
});
