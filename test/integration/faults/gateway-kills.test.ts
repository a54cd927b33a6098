/**
 * Five SIGKILLs of the gateway at moments the test does not choose with care, with two
 * instances in one group (each kill a rebalance, each restart a fencing of the dead
 * incarnation), while 5,000 notices flow: every copy and every report exactly once, nothing
 * dead-lettered, the audit trail intact.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { loadNotice } from '../../fixtures/notices.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, policy, readTopic, registry, spawnGateway, submit, testKeys } from '../../support/flow.ts';

const NOTICES = 5_000;
const KILLS = 5;

async function waitReady(port: number, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`gateway on port ${port} not ready after ${timeoutMs / 1000} s`);
}

const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));

describe('the gateway killed five times during a flow, two instances in one group', () => {
  it(`delivers each of ${NOTICES} notices exactly once, dead-letters nothing, and keeps the audit trail intact`, async () => {
    const groupId = await newGatewayGroup();
    const keysFile = join(mkdtempSync(join(tmpdir(), 'liaison-keys-')), 'keys.json');
    writeFileSync(keysFile, JSON.stringify(Object.fromEntries(policy.agreements.map((a) => [a.id, testKeys(a.id).toString('base64')]))));
    const base = 18400 + Math.floor(Math.random() * 150) * 2;
    const instances = [0, 1].map((i) => ({ id: unique(`kills-${i}`), port: base + i, child: undefined as ChildProcess | undefined }));
    const from = await logEnd([topics.inbox('NL'), topics.reports('BE'), topics.dlq]);
    const notices = Array.from({ length: NOTICES }, (_, i) => loadNotice(i, { caseRef: unique('KILLS'), recipients: ['NL', 'LU'] }));
    const ids = new Set(notices.map((n) => n.noticeId));

    for (const instance of instances) instance.child = spawnGateway(groupId, instance.id, instance.port, keysFile);
    await Promise.all(instances.map((i) => waitReady(i.port)));
    // About 50 s of traffic, spanning the kills.
    const sending = (async () => {
      for (let i = 0; i < notices.length; i += 50) {
        await submit('BE', ...notices.slice(i, i + 50));
        await sleep(500);
      }
    })();
    // Kills every 1.5 to 4 s while notices flow, alternating instances; a restarted instance is
    // not waited for, so the next kill may find it starting, or both instances down at once.
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k += 1) {
      await sleep(1_500 + ((k * 7919) % 2_500));
      const victim = instances[k % 2]!;
      victim.child!.kill('SIGKILL');
      await exited(victim.child!);
      kills.push(`${victim.id.slice(0, 7)} at ${new Date().toISOString().slice(11, 23)}`);
      victim.child = spawnGateway(groupId, victim.id, victim.port, keysFile);
    }
    const sentAllBeforeLastKill = await Promise.race([sending.then(() => true), sleep(0).then(() => false)]);
    await sending;
    await Promise.all(instances.map((i) => waitReady(i.port)));
    try {
      const count = (records: Array<{ value: { noticeId?: string; notice?: { noticeId: string } } }>) => {
        const seen = new Map<string, number>();
        for (const r of records) {
          const id = r.value.notice?.noticeId ?? r.value.noticeId ?? '';
          if (ids.has(id)) seen.set(id, (seen.get(id) ?? 0) + 1);
        }
        return seen;
      };
      await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: (r) => count(r).size === ids.size, timeoutMs: 120_000 });
      await sleep(1_000);
      const copies = count(await readTopic<EuLiaison.NoticeCopy>(topics.inbox('NL'), 'noticeCopy', from, { principal: 'NL', done: () => false, timeoutMs: 5_000 }));
      const reports = count(await readTopic<EuLiaison.DeliveryReport>(topics.reports('BE'), 'deliveryReport', from, { principal: 'BE', done: (r) => count(r).size === ids.size, timeoutMs: 60_000 }));
      const dead = await readTopic<EuLiaison.DeadLetter>(topics.dlq, 'deadLetter', from, { done: () => false, timeoutMs: 1_500 });
      const audit = await verifyAuditLog(adminKafka(), registry());
      console.log(`gateway kills: ${KILLS} SIGKILLs (${kills.join(', ')})${sentAllBeforeLastKill ? '' : ' while notices were still being submitted'}; ${copies.size}/${NOTICES} notices in NL's inbox, ${[...copies.values()].filter((n) => n > 1).length} duplicated; ${reports.size} reported; ${dead.filter((d) => d.value.topic === topics.outbox('BE')).length} dead-lettered; audit ${audit.broken ? 'BROKEN' : 'intact'} (${audit.events} events)`);
      expect(sentAllBeforeLastKill).toBe(false);
      expect(copies.size).toBe(NOTICES);
      expect([...copies.values()].filter((n) => n !== 1)).toEqual([]);
      expect(reports.size).toBe(NOTICES);
      expect([...reports.values()].filter((n) => n !== 1)).toEqual([]);
      expect(dead.filter((d) => d.value.topic === topics.outbox('BE'))).toEqual([]);
      expect(audit.broken).toBeNull();
    } finally {
      for (const instance of instances) instance.child?.kill('SIGTERM');
      await Promise.all(instances.map((i) => exited(i.child!)));
    }
  }, 420_000);
});
