/**
 * Five SIGKILLs of a contact point (its own process, NL) while copies keep arriving: after
 * each restart it resumes from the offsets stored with its inbox in PostgreSQL; in the end every
 * copy has exactly one RECEIVED receipt and every notice is in the officers' inbox view.
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
import { connection, unique } from '../../support/clients.ts';
import { testDatabaseUrl } from '../../support/database.ts';
import { logEnd, newGatewayGroup, readTopic, startGateway, submit, type RunningGateway } from '../../support/flow.ts';

const NOTICES = 300;
const KILLS = 5;

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
}, 120_000);
afterAll(async () => gateway?.stop());

const exited = (child: ChildProcess) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));

describe('a contact point killed five times while copies arrive', () => {
  it('acknowledges every copy exactly once and shows every notice in the inbox', async () => {
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
