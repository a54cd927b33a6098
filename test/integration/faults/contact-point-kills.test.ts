/**
 * Five SIGKILLs of a contact point (its own process, NL) while copies keep arriving: after
 * each restart it resumes from the offsets stored with its inbox in PostgreSQL; in the end every
 * copy has exactly one RECEIVED receipt and every notice is in the officers' inbox view. And one
 * SIGKILL aimed at the moment the database has a batch and nothing after it is written yet (its
 * receipts, the group's offsets): nothing is lost or applied twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken, newToken } from '../../../services/shared/api-keys.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, connection, unique } from '../../support/clients.ts';
import { openTestDatabase, testDatabaseUrl } from '../../support/database.ts';
import { groupPrefixOf } from '../../../services/shared/topology.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submit, type RunningGateway } from '../../support/flow.ts';

const NOTICES = 300;
const KILLS = 5;

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
}, 120_000);
afterAll(async () => gateway?.stop());

const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));

/** A contact point of NL in its own process, with an officer's token. */
function contactPointProcess() {
  const dir = mkdtempSync(join(tmpdir(), 'liaison-cp-'));
  const credentials = join(dir, 'credentials.json');
  writeFileSync(credentials, JSON.stringify(connection().credentials), { mode: 0o600 });
  const token = newToken();
  const keys = join(dir, 'api-keys.json');
  writeFileSync(keys, JSON.stringify({ keys: [{ id: 'nl-officer-kills', country: 'NL', role: 'officer', sha256: hashToken(token) }] }), { mode: 0o600 });
  const port = 18700 + Math.floor(Math.random() * 200);
  const start = () =>
    spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'services/contact-point/main.ts'), '--countries', 'NL', '--port', String(port), '--api-keys', keys], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, KAFKA_BROKERS: connection().brokers.join(','), SCHEMA_REGISTRY_URL: connection().registryUrl, LIAISON_CREDENTIALS: credentials, DATABASE_URL: testDatabaseUrl('contact-point'), LIAISON_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  const ready = async (timeoutMs = 90_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok).catch(() => false)) return;
      await sleep(200);
    }
    throw new Error(`contact point not ready after ${timeoutMs / 1000} s`);
  };
  return { start, ready, port, token };
}

describe('a contact point killed five times while copies arrive', () => {
  it('acknowledges every copy exactly once and shows every notice in the inbox', async () => {
    const { start, ready, port, token } = contactPointProcess();
    const from = await logEnd([topics.outbox('NL')]);
    const notices = Array.from({ length: NOTICES }, () => notice({ caseRef: unique('CP-KILLS'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
    const ids = new Set(notices.map((n) => n.noticeId));
    let child = start();
    await ready();
    const sending = (async () => {
      for (let i = 0; i < notices.length; i += 10) {
        await submit('BE', ...notices.slice(i, i + 10));
        await sleep(400);
      }
    })();
    const kills: string[] = [];
    for (let k = 0; k < KILLS; k += 1) {
      await sleep(1_500 + ((k * 7919) % 1_500));
      child.kill('SIGKILL');
      await exited(child);
      kills.push(new Date().toISOString().slice(11, 23));
      child = start();
    }
    const stillSending = await Promise.race([sending.then(() => false), sleep(0).then(() => true)]);
    await sending;
    try {
      await ready();
      const received = (records: Array<{ value: EuLiaison.Receipt }>) => records.filter((r) => r.value.status === 'RECEIVED' && ids.has(r.value.noticeId));
      await readTopic<EuLiaison.Receipt>(topics.outbox('NL'), 'receipt', from, { principal: 'NL', done: (r) => new Set(received(r).map((x) => x.value.noticeId)).size === ids.size, timeoutMs: 90_000 });
      await sleep(1_000);
      const receipts = received(await readTopic<EuLiaison.Receipt>(topics.outbox('NL'), 'receipt', from, { principal: 'NL', done: () => false, timeoutMs: 4_000 }));
      const perCopy = new Map<string, number>();
      for (const r of receipts) perCopy.set(r.value.copyId, (perCopy.get(r.value.copyId) ?? 0) + 1);
      const inbox = (await (await fetch(`http://127.0.0.1:${port}/v1/inbox?limit=1000`, { headers: { authorization: `Bearer ${token}` } })).json()) as { notices: Array<{ noticeId: string }> };
      const listed = new Set(inbox.notices.map((n) => n.noticeId).filter((id) => ids.has(id)));
      console.log(`contact point kills: ${KILLS} SIGKILLs (${kills.join(', ')})${stillSending ? ' while copies were still arriving' : ''}; ${perCopy.size}/${NOTICES} copies acknowledged, ${[...perCopy.values()].filter((n) => n > 1).length} twice; ${listed.size}/${NOTICES} in the inbox view`);
      expect(stillSending).toBe(true);
      expect(perCopy.size).toBe(NOTICES);
      expect([...perCopy.values()].filter((n) => n !== 1)).toEqual([]);
      expect(listed.size).toBe(NOTICES);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  }, 300_000);
});

describe('a contact point killed right after a batch is stored', () => {
  it('restarts from the stored offsets: every copy stored once, its size counted once, every receipt sent once', async () => {
    const { start, ready } = contactPointProcess();
    const db = await openTestDatabase('contact-point');
    const inbox = topics.inbox('NL');
    const storedOffsets = async () => Number((await db.query<{ n: string | null }>('SELECT sum(next_offset) AS n FROM reader_offsets WHERE reader = $1 AND topic = $2', ['desk.NL', inbox])).rows[0]!.n ?? 0);
    const storedCopies = async (ids: string[]) => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM copies WHERE country = $1 AND notice_id = ANY($2)', ['NL', ids])).rows[0]!.n);
    const sizeKept = async () =>
      (await db.query<{ counted: string; kept: string | null }>(`SELECT (SELECT count(*) FROM copies WHERE country = 'NL' AND purged_at IS NULL) AS counted, (SELECT notices FROM inbox_sizes WHERE country = 'NL') AS kept`)).rows[0]!;
    const groupOffsets = async () => {
      const admin = adminKafka().admin();
      await admin.connect();
      try {
        const [offsets] = await admin.fetchOffsets({ groupId: `${groupPrefixOf('NL')}contact-point.state`, topics: [inbox] });
        return (offsets?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
      } finally {
        await admin.disconnect();
      }
    };
    const receiptsOf = async (ids: Set<string>, from: Awaited<ReturnType<typeof logEnd>>) =>
      (await readTopic<EuLiaison.Receipt>(topics.outbox('NL'), 'receipt', from, { principal: 'NL', done: () => false, timeoutMs: 3_000 })).filter((r) => r.value.status === 'RECEIVED' && ids.has(r.value.noticeId));
    let child = start();
    try {
      await ready();
      const from = await logEnd([topics.outbox('NL')]);
      const notices = Array.from({ length: 50 }, () => notice({ caseRef: unique('CP-APPLIED'), recipients: ['NL'], crimeAreas: ['ATM_ATTACKS'] }));
      const ids = notices.map((n) => n.noticeId);
      const before = await storedOffsets();
      await submit('BE', ...notices);
      // The moment the database has (part of) the batch: killed before the receipts and the group's offsets can follow.
      const deadline = Date.now() + 60_000;
      while ((await storedOffsets()) === before && Date.now() < deadline) await sleep(1);
      child.kill('SIGKILL');
      await exited(child);
      const atKill = { copies: await storedCopies(ids), receipts: (await receiptsOf(new Set(ids), from)).length, group: await groupOffsets(), stored: await storedOffsets() };
      expect(atKill.copies).toBeGreaterThan(0);

      child = start();
      await ready();
      const idSet = new Set(ids);
      await readTopic<EuLiaison.Receipt>(topics.outbox('NL'), 'receipt', from, { principal: 'NL', done: (r) => new Set(r.filter((x) => x.value.status === 'RECEIVED' && idSet.has(x.value.noticeId)).map((x) => x.value.noticeId)).size === ids.length, timeoutMs: 90_000 });
      await sleep(1_500);
      const receipts = await receiptsOf(idSet, from);
      const perCopy = new Map<string, number>();
      for (const r of receipts) perCopy.set(r.value.copyId, (perCopy.get(r.value.copyId) ?? 0) + 1);
      const size = await sizeKept();
      console.log(
        `contact point killed after a stored batch: at the kill ${atKill.copies}/${ids.length} copies stored, ${atKill.receipts} receipts sent, the group's offsets ${atKill.group} against ${atKill.stored} stored; ` +
          `after the restart ${await storedCopies(ids)} stored, ${perCopy.size} copies acknowledged (${[...perCopy.values()].filter((n) => n > 1).length} twice), inbox size ${size.kept} for ${size.counted} copies`,
      );
      expect(atKill.receipts).toBeLessThan(atKill.copies);
      expect(await storedCopies(ids)).toBe(ids.length);
      expect(perCopy.size).toBe(ids.length);
      expect([...perCopy.values()].filter((n) => n !== 1)).toEqual([]);
      // A batch applied twice would have counted its copies twice.
      expect(Number(size.kept)).toBe(Number(size.counted));
    } finally {
      child.kill('SIGTERM');
      await exited(child);
      await db.close();
    }
  }, 240_000);
});
