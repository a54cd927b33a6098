/**
 * Exactly once: copies, reports, audit events and consumed offsets commit in one transaction,
 * so a gateway killed mid-stream and restarted delivers every copy once and only once, and
 * two instances in one group share the work without duplicates.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, type Offsets, policy, readTopic, registry, spawnGateway, startGateway, submit, testKeys } from '../../support/flow.ts';

const stream = (count: number, origin = 'BE') =>
  Array.from({ length: count }, (_, i) =>
    notice({
      caseRef: `ANR-2026-${String(i % 7).padStart(4, '0')}`,
      sender: { country: origin, agency: 'Federale Gerechtelijke Politie', contactPoint: `SPOC ${origin}`, onBehalfOf: null },
      recipients: origin === 'BE' ? ['NL'] : ['BE'],
    }),
  );

/**
 * Waits until the inbox holds a copy of every id, then reads it once more from the start
 * (the gateway is idle by then) and counts the copies of each: a duplicate shows as 2.
 */
async function copiesPerNotice(destination: string, from: Offsets, ids: Set<string>): Promise<Map<string, number>> {
  const count = (records: { value: EuLiaison.NoticeCopy }[]) => {
    const seen = new Map<string, number>();
    for (const r of records) if (ids.has(r.value.notice.noticeId)) seen.set(r.value.notice.noticeId, (seen.get(r.value.notice.noticeId) ?? 0) + 1);
    return seen;
  };
  const read = (done: (r: { value: EuLiaison.NoticeCopy }[]) => boolean, timeoutMs: number) =>
    readTopic<EuLiaison.NoticeCopy>(topics.inbox(destination), 'noticeCopy', from, { principal: destination, done, timeoutMs });
  await read((r) => count(r).size === ids.size, 60_000);
  await sleep(1_000);
  return count(await read(() => false, 4_000));
}

async function waitReady(port: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`gateway on port ${port} not ready after ${timeoutMs / 1000}s`);
}

describe('exactly once', () => {
  it('delivers every copy once and only once across a SIGKILL of the gateway in mid-stream', async () => {
    const groupId = await newGatewayGroup();
    const keysFile = join(mkdtempSync(join(tmpdir(), 'liaison-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify(Object.fromEntries(policy.agreements.map((a) => [a.id, testKeys(a.id).toString('base64')]))));
    const instance = unique('kill');
    const port = 18600 + Math.floor(Math.random() * 300);
    const from = await logEnd([topics.inbox('NL'), topics.reports('BE')]);
    const notices = stream(120);

    const first = spawnGateway(groupId, instance, port, keysFile);
    await waitReady(port);
    const sending = (async () => {
      for (let i = 0; i < notices.length; i += 4) {
        await submit('BE', ...notices.slice(i, i + 4));
        await sleep(40);
      }
    })();
    await sleep(1_200);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // Mid-stream: the killed gateway had delivered some of the notices, not all.
    const beforeKill = await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 1_500 });
    expect(beforeKill.length).toBeGreaterThan(0);
    expect(beforeKill.length).toBeLessThan(notices.length);

    const second = spawnGateway(groupId, instance, port, keysFile);
    try {
      await waitReady(port);
      await sending;
      const ids = new Set(notices.map((n) => n.noticeId));
      const seen = await copiesPerNotice('NL', from, ids);
      expect(seen.size).toBe(ids.size);
      expect([...seen.values()].filter((n) => n !== 1)).toEqual([]);

      const reports = await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, {
        principal: 'BE',
        done: () => false,
        timeoutMs: 3_000,
      });
      const reportCounts = new Map<string, number>();
      for (const r of reports) if (ids.has(r.value.noticeId)) reportCounts.set(r.value.noticeId, (reportCounts.get(r.value.noticeId) ?? 0) + 1);
      expect(reportCounts.size).toBe(ids.size);
      expect([...reportCounts.values()].every((n) => n === 1)).toBe(true);

      // The restarted instance continued its audit chain from the last committed event.
      const audit = await verifyAuditLog(adminKafka(), registry());
      expect(audit.broken).toBeNull();
      expect(audit.chains.get(`gateway-${instance}`)!.sequence).toBe(notices.length - 1);
    } finally {
      second.kill('SIGTERM');
      await new Promise((resolve) => second.once('exit', resolve));
    }
  }, 120_000);

  it('shares the work between two instances of one group without duplicates', async () => {
    const groupId = await newGatewayGroup();
    const from = await logEnd([topics.inbox('NL'), topics.inbox('BE')]);
    const a = await startGateway(groupId, unique('a'));
    const b = await startGateway(groupId, unique('b'));
    try {
      const fromBe = stream(40, 'BE');
      const fromNl = stream(40, 'NL');
      await submit('BE', ...fromBe);
      await submit('NL', ...fromNl);
      const nl = await copiesPerNotice('NL', from, new Set(fromBe.map((n) => n.noticeId)));
      const be = await copiesPerNotice('BE', from, new Set(fromNl.map((n) => n.noticeId)));
      expect(nl.size + be.size).toBe(80);
      expect([...nl.values(), ...be.values()].filter((n) => n !== 1)).toEqual([]);

      const processed = async (g: typeof a) =>
        (await g.metrics.getSingleMetric('liaison_notices_total')!.get()).values.reduce((sum, v) => sum + v.value, 0);
      const [byA, byB] = [await processed(a), await processed(b)];
      expect(byA + byB).toBe(80);
      expect(byA).toBeGreaterThan(0);
      expect(byB).toBeGreaterThan(0);
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 120_000);
});
