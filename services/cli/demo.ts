/**
 * `liaison demo` (`make demo`): Liaison's main job on the embedded stack. Starts Kafka and the
 * registry, the gateway, the national adapter and the contact points of every party, plays
 * the scenario through the public APIs as national systems, officers and DPOs would, and
 * prints per notice and destination what was delivered, filtered, blocked or held, and why.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { stackUp } from '../../infra/local/stack.ts';
import { stackOptionsFromEnv } from '../../infra/local/stack-options.ts';
import { apiKeyFiles, type Role } from '../shared/api-keys.ts';
import { liaisonHome, PROJECT_ROOT } from '../shared/connection.ts';
import { StackError } from '../shared/errors.ts';
import { retryUntil } from '../shared/retry.ts';
import type { LookupAnswer, StatusView } from '../shared/status-views.ts';
import { defaultIndexKeyFile, hashIdentifiers, makeIndexKey, readIndexKeys } from './index-keys.ts';
import { scenarioNotices } from './demo-scenario.ts';
import { ADAPTER_URL, call, CONTACT_POINT_URL, HttpCallError, tokenFor } from './http-client.ts';
import { formatTable } from './table.ts';

const GATEWAY_URL = 'http://127.0.0.1:18090';
/** The agreement whose hit/no-hit index the demo uses. */
const INDEXED = 'be-nl-cross-border';
const OPS_CONSOLE_URL = 'http://127.0.0.1:18300';

interface Service {
  name: string;
  entry: string;
  url: string;
}

const SERVICES: Service[] = [
  { name: 'gateway', entry: 'services/gateway/main.ts', url: GATEWAY_URL },
  { name: 'national-adapter', entry: 'services/national-adapter/main.ts', url: ADAPTER_URL },
  { name: 'contact-point', entry: 'services/contact-point/main.ts', url: CONTACT_POINT_URL },
  { name: 'ops-console', entry: 'services/ops-console/main.ts', url: OPS_CONSOLE_URL },
];

interface Tracked {
  label: string;
  origin: string;
  noticeId: string;
}

const say = (line: string) => console.log(line);
const ready = async (url: string) => {
  const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
  if (!r.ok) throw new Error(`${url}/readyz: ${r.status}`);
};

async function startServices(home: string): Promise<ChildProcess[]> {
  const logs = join(home, 'logs');
  mkdirSync(logs, { recursive: true });
  const children: ChildProcess[] = [];
  for (const s of SERVICES) {
    if (await ready(s.url).then(() => true, () => false)) {
      say(`    ${s.name}: already running at ${s.url}`);
      continue;
    }
    const log = openSync(join(logs, `${s.name}.log`), 'a');
    // node --import tsx, not the tsx CLI: a signal then reaches the service itself.
    const child = spawn(process.execPath, ['--import', 'tsx', s.entry], { cwd: PROJECT_ROOT, env: process.env, stdio: ['ignore', log, log] });
    children.push(child);
    say(`    ${s.name}: starting (log: ${join(logs, `${s.name}.log`)})`);
  }
  for (const s of SERVICES) {
    const child = children.find((c) => c.spawnargs.includes(s.entry));
    await retryUntil(() => ready(s.url), {
      timeoutMs: 90_000,
      intervalMs: 300,
      giveUp: () => (child && child.exitCode !== null ? new StackError(`${s.name} exited (code ${child.exitCode}); see ${join(home, 'logs', `${s.name}.log`)}`) : undefined),
    });
    say(`    ${s.name}: ready at ${s.url}`);
  }
  return children;
}

const post = <T>(base: string, path: string, country: string, role: Role, body: unknown) => call<T>(base, path, tokenFor(country, role), { method: 'POST', body }).then((r) => r.body);
const status = (t: Tracked) => call<StatusView>(ADAPTER_URL, `/v1/notices/${t.noticeId}`, tokenFor(t.origin, 'system')).then((r) => r.body);

async function waitProcessed(tracked: Tracked[]): Promise<void> {
  await retryUntil(
    async () => {
      const states = await Promise.all(tracked.map(status));
      const waiting = states.filter((s) => s.state !== 'PROCESSED').length;
      if (waiting > 0) throw new Error(`${waiting} notices not yet decided by the gateway`);
    },
    { timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** What officers, DPOs and national systems do once the notices are in. */
async function officersAtWork(byLabel: (label: string) => Tracked, track: (t: Tracked) => void): Promise<void> {
  const act = async (what: string, action: () => Promise<string | undefined>) => {
    try {
      const result = await action();
      say(`    ${what}${result ? `: ${result}` : ''}`);
    } catch (error) {
      if (!(error instanceof HttpCallError)) throw error;
      say(`    ${what}: refused, HTTP ${error.status}: ${error.problems.join('; ')}`);
    }
  };
  const consignee = byLabel('Antwerp: who is the Rotterdam consignee?');
  const read = (country: string, t: Tracked, why: string) => call(CONTACT_POINT_URL, `/v1/inbox/${t.noticeId}`, tokenFor(country, 'officer'), { headers: { 'x-justification': why } });

  await act('NL officer reads the Antwerp request (logged with the justification)', async () => {
    await read('NL', consignee, 'Investigation into the Antwerp container, case ANR-2026');
    return undefined;
  });
  await act('NL officer answers it in the same case', async () => {
    const r = await post<{ noticeId: string }>(CONTACT_POINT_URL, `/v1/inbox/${consignee.noticeId}/reply`, 'NL', 'officer', { summary: 'The forwarder is owned by a holding in Curaçao; directors identified.' });
    track({ label: 'NL answers the consignee request', origin: 'NL', noticeId: r.noticeId });
    return `RESPONSE ${r.noticeId}`;
  });
  const luRequest = byLabel('Luxembourg asks Belgium for records');
  await act('BE officer refuses the Luxembourg request (structured ground)', async () => {
    const r = await post<{ noticeId: string }>(CONTACT_POINT_URL, `/v1/inbox/${luRequest.noticeId}/refuse`, 'BE', 'officer', { ground: 'JUDICIAL_AUTHORISATION_REFUSED', explanation: 'The investigating judge did not authorise disclosure.' });
    track({ label: 'BE refuses the Luxembourg request', origin: 'BE', noticeId: r.noticeId });
    return `refusal ${r.noticeId}`;
  });
  const h2 = byLabel('H2: informant information from Rotterdam');
  await act('BE officer tries to forward the H2 notice to Germany without permission (rule 6)', async () => {
    await post(CONTACT_POINT_URL, `/v1/inbox/${h2.noticeId}/forward`, 'BE', 'officer', { to: ['DE'] });
    return 'forwarded (unexpected)';
  });
  await act('NL records its permission that BE may forward it to Germany', async () => {
    const r = await post<{ permissionId: string }>(ADAPTER_URL, `/v1/notices/${h2.noticeId}/permissions`, 'NL', 'system', { grantedTo: 'BE', forwardTo: ['DE'], conditions: 'For the BKA only' });
    return `permission ${r.permissionId}`;
  });
  await act('BE officer forwards it to Germany under the permission', async () => {
    const r = await retryUntil(() => post<{ noticeId: string }>(CONTACT_POINT_URL, `/v1/inbox/${h2.noticeId}/forward`, 'BE', 'officer', { to: ['DE'] }), { timeoutMs: 15_000, intervalMs: 300 });
    track({ label: 'BE forwards the H2 notice to DE', origin: 'BE', noticeId: r.noticeId });
    return `forward ${r.noticeId}`;
  });
  const route = byLabel('Antwerp: route via Guayaquil (derogation)');
  await act('BE data protection officer releases the held copy for Colombia', async () => {
    await post(ADAPTER_URL, `/v1/held/${route.noticeId}/CO/release`, 'BE', 'dpo', { justification: 'Necessary to stop the next shipment; DIJIN counterpart vetted.' });
    return undefined;
  });
  await act('BE data protection officer rejects the held copy for Ecuador', async () => {
    await post(ADAPTER_URL, `/v1/held/${route.noticeId}/EC/reject`, 'BE', 'dpo', { justification: 'No assurance on the treatment of the data in this case.' });
    return undefined;
  });
  const genk = byLabel('ATM gas attack in Genk');
  await act('BE withdraws the Genk notice (rule 12)', async () => {
    const r = await post<{ noticeId: string }>(ADAPTER_URL, `/v1/notices/${genk.noticeId}/corrections`, 'BE', 'system', { action: 'WITHDRAW', reason: 'The Genk incident was vandalism, not a gas attack.' });
    track({ label: 'BE withdraws the Genk notice', origin: 'BE', noticeId: r.noticeId });
    return `withdrawal ${r.noticeId}`;
  });
  await act('NL officer acknowledges the withdrawal', async () => {
    const withdrawal = (await status(genk)).corrections[0]?.noticeId;
    if (!withdrawal) return 'no withdrawal yet';
    await retryUntil(() => post(CONTACT_POINT_URL, `/v1/inbox/${withdrawal}/acknowledge`, 'NL', 'officer', {}), { timeoutMs: 15_000, intervalMs: 300 });
    return undefined;
  });
  await act('US officer consults the Belgian request about the money launderer', async () => {
    await read('US', byLabel('Request to the US: a money launderer'), 'HSI case on the Miami accounts of the Antwerp network');
    return undefined;
  });
  // The hit/no-hit index: the demo plays every member, so one machine holds the agreement's index key.
  const keyFile = defaultIndexKeyFile();
  if (!readIndexKeys(keyFile)[INDEXED]) makeIndexKey(keyFile, INDEXED, false);
  const phone = (written: string) => hashIdentifiers(readIndexKeys(keyFile), INDEXED, 'PHONE', [written]);
  await act('NL system publishes a phone number of its case file to the Belgian-Dutch hit/no-hit index (hashed on its side)', async () => {
    const { keyEpoch, hashed } = phone('+32 470 12 34 56');
    await post(ADAPTER_URL, `/v1/index/${INDEXED}/entries`, 'NL', 'system', { keyEpoch, entries: [{ identifierType: 'PHONE', hash: hashed[0]!.hash, reference: 'NL-OM-2026-3311' }] });
    return `hash ${hashed[0]!.hash.slice(0, 16)}…, reference NL-OM-2026-3311`;
  });
  const lookup = (country: string) => {
    const { keyEpoch, hashed } = phone('0470/12.34.56');
    return post<LookupAnswer>(ADAPTER_URL, '/v1/lookups', country, 'system', {
      agreement: INDEXED,
      purpose: 'ATM gas attack in Hasselt: number seen on the getaway car',
      caseRef: 'BE-ATM-2026-117',
      keyEpoch,
      identifiers: [{ identifierType: 'PHONE', hash: hashed[0]!.hash }],
    });
  };
  await act('BE system asks whether anyone holds the number seen at the Hasselt ATM gas attack (written its own way)', async () => {
    const answer = await lookup('BE');
    const holders = answer.results[0]!.holders;
    return holders.length > 0 ? `HIT: ${holders.map((h) => `${h.country}, reference ${h.reference}`).join('; ')} (lookup ${answer.lookupId}, audited); BE now sends NL a REQUEST` : 'no hit';
  });
  await act('FR system asks the same index (FR is not a member of the agreement)', async () => {
    await lookup('FR');
    return 'answered (unexpected)';
  });
  const liege = byLabel('SENN-POST: parcel seized in Liège');
  await act('BE corrects the Liège parcel notice', async () => {
    const original = (await status(liege)).caseRef;
    const r = await post<{ noticeId: string }>(ADAPTER_URL, `/v1/notices/${liege.noticeId}/corrections`, 'BE', 'system', {
      action: 'CORRECT',
      reason: 'The substance was methamphetamine, 2.4 kg',
      notice: { ...scenarioNotices().find((n) => n.label === 'SENN-POST: parcel seized in Liège')!.notice, caseRef: original, summary: 'bpost intercepted a parcel with 2.4 kg methamphetamine in Liège.' },
    });
    track({ label: 'BE corrects the Liège parcel notice', origin: 'BE', noticeId: r.noticeId });
    return `correction ${r.noticeId}`;
  });
}

export async function runDemo({ keepRunning }: { keepRunning: boolean }): Promise<void> {
  const started = Date.now();
  const home = liaisonHome();
  say('[1/5] The embedded stack: Apache Kafka and Apicurio Registry on loopback');
  await stackUp(stackOptionsFromEnv(process.env, (line) => say(`    ${line}`)));

  say('[2/5] Liaison services: gateway, national adapter, contact points of all 17 parties, operations console');
  const children = await startServices(home);
  const stop = async () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  };

  try {
    const scenario = scenarioNotices();
    say(`[3/5] National systems submit ${scenario.length} notices through the adapter`);
    const tracked: Tracked[] = [];
    for (const [i, s] of scenario.entries()) {
      const r = await post<{ noticeId: string }>(ADAPTER_URL, '/v1/notices', s.as, 'system', s.notice);
      tracked.push({ label: s.label, origin: s.as, noticeId: r.noticeId });
      say(`    [${String(i + 1).padStart(2)}/${scenario.length}] ${s.as.padEnd(5)} → ${(s.notice.recipients ?? []).join(',').padEnd(16)} ${s.label}`);
    }
    say('    spoofing check: NL tries to submit a notice claiming to come from BE');
    try {
      await post(ADAPTER_URL, '/v1/notices', 'NL', 'system', { ...scenario[0]!.notice, sender: { ...scenario[0]!.notice.sender, country: 'BE' } });
      say('      accepted (unexpected)');
    } catch (error) {
      say(`      refused: ${error instanceof HttpCallError ? `HTTP ${error.status}: ${error.problems.join('; ')}` : (error as Error).message}`);
    }
    await waitProcessed(tracked);
    say('    the gateway decided every destination of every notice');

    say('[4/5] Officers, DPOs and national systems at work');
    const byLabel = (label: string) => tracked.find((t) => t.label === label)!;
    await officersAtWork(byLabel, (t) => tracked.push(t));
    await waitProcessed(tracked);

    say('[5/5] What happened, per notice and destination');
    const rows: string[][] = [];
    const views = await Promise.all(tracked.map(status));
    const counts = new Map<string, number>();
    views.forEach((v, i) => {
      for (const d of v.destinations) {
        counts.set(d.status, (counts.get(d.status) ?? 0) + 1);
        const changes = [...new Set(d.fieldActions.map((a) => `${a.action} ${a.path.replace(/\[\d+\]/g, '[]')}`))];
        rows.push([
          String(i + 1),
          tracked[i]!.label,
          `${v.origin} → ${d.destination}`,
          d.status,
          d.agreement ?? '-',
          [...d.reasons, ...changes].join('; ') || '-',
          d.receipts.map((r) => r.status).filter((s, k, all) => all.indexOf(s) === k).join(',') || '-',
        ]);
      }
    });
    say(formatTable(['#', 'notice', 'route', 'outcome', 'agreement', 'why / what was removed or changed', 'receipts'], rows, [0, 44, 0, 0, 0, 70, 30]));
    say('');
    say(`Totals: ${[...counts].map(([k, v]) => `${v} ${k}`).join(', ')}; ${tracked.length} notices in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    const nl = await call<{ overdue: number }>(CONTACT_POINT_URL, '/v1/inbox', tokenFor('NL', 'officer'));
    say(`Overdue requests in the Dutch inbox: ${nl.body.overdue} (rule 15; see liaison_requests_overdue).`);
    say('');
    say('Look around:');
    say(`  Contact-point page (sign in with an officer token from ${apiKeyFiles(home).tokens}): ${CONTACT_POINT_URL}/`);
    say(`  CLI: npm exec liaison -- inbox --country NL    npm exec liaison -- status ${tracked[0]!.noticeId} --as BE`);
    say(`  Adapter API: ${ADAPTER_URL}/openapi.json    Topics for national systems that speak Kafka (AsyncAPI): ${ADAPTER_URL}/asyncapi.json`);
    say(`  Operations console (sign in with the "ops" token from the same file): ${OPS_CONSOLE_URL}/`);
    say(`  Prometheus (scrapes every service, evaluates the alerts): http://127.0.0.1:19090/alerts`);
    say(`  Metrics: ${GATEWAY_URL}/metrics  ${ADAPTER_URL}/metrics  ${CONTACT_POINT_URL}/metrics  ${OPS_CONSOLE_URL}/metrics`);
    say('  Audit trail: npm exec liaison -- audit verify');
  } catch (error) {
    await stop();
    throw error;
  }
  if (!keepRunning || children.length === 0) {
    await stop();
    if (children.length === 0) say('(The services were already running; they stay up.)');
    return;
  }
  say('');
  say('The services keep running; Ctrl-C stops them (the stack stays up: make down stops it).');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  say('Stopping the services...');
  await stop();
}
