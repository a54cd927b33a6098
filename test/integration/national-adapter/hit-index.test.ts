/**
 * The hit/no-hit index on the real stack, with a gateway and an adapter of the test's own. The
 * test plays the members: it holds the agreement's index key and hashes on their side, as a
 * national system does. What it checks: a hit names only the holder and its reference; no
 * identifier in clear on any topic or in any log line; a non-member is refused; every lookup is
 * audited; a dictionary attack from one country is throttled, counted and alerted by the real
 * alert rule, while another country is served.
 */
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Counter } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import winston from 'winston';
import { parse } from 'yaml';
import { openTestDatabase } from '../../support/database.ts';
import { indexedAgreements, indexHash, type IndexedType, normaliseIdentifier } from '../../../services/policy/index.ts';
import type { LookupAnswer } from '../../../services/shared/status-views.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { loadParties } from '../../../services/shared/parties.ts';
import { topicPlan, topics } from '../../../services/shared/topology.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { logEnd, newGatewayGroup, type Offsets, policy, readTopic, startGateway, type RunningGateway } from '../../support/flow.ts';
import { api, startAdapter, tokenOf, type RunningService } from '../../support/services.ts';

const AGREEMENT = 'be-nl-cross-border';
/** The agreement's index key: the members' (here, the test's), never the services'. */
const key = randomBytes(32);
const hashOf = (type: IndexedType, written: string): string => {
  const n = normaliseIdentifier(type, written);
  if ('problem' in n) throw new Error(n.problem);
  return indexHash(key, AGREEMENT, type, n.value);
};
const letters = () => Array.from(randomBytes(3), (b) => 'BCDFGHJKLMNPRSTVWXZ'[b % 19]).join('');
/** A Belgian plate as NL's ANPR system wrote it, and as the Belgian investigator types it. */
const plateCore = `${letters()}${String(100 + (randomBytes(2).readUInt16BE() % 900))}`;
const plateByNl = `1-${plateCore.slice(0, 3)}-${plateCore.slice(3)}`;
const plateByBe = `1${plateCore.toLowerCase()}`;
const clearForms = [plateByNl, plateByBe, `1${plateCore}`, `1 ${plateCore.slice(0, 3)} ${plateCore.slice(3)}`].map((f) => f.toLowerCase());

/** Every log line of the test's gateway and adapter, at debug level. */
const logLines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});
const logger = (service: string) => winston.createLogger({ level: 'debug', defaultMeta: { service }, format: winston.format.json(), transports: [new winston.transports.Stream({ stream: capture })] });

const allTopics = topicPlan(loadParties(), indexedAgreements(policy)).map((t) => t.name);
let before: Offsets;
let gateway: RunningGateway;
let adapter: RunningService;

beforeAll(async () => {
  before = await logEnd(allTopics);
  gateway = await startGateway(await newGatewayGroup(), undefined, undefined, { logger: logger('gateway') });
  // An hour's window: the burst below cannot straddle two windows but once an hour.
  // The budget is the database's, shared by every run on this stack: this file starts with none spent.
  const db = await openTestDatabase('adapter');
  await db.query('DELETE FROM lookup_spending WHERE country = ANY($1)', [[...policy.parties.keys()]]).catch(() => {});
  await db.close();
  adapter = await startAdapter({ lookupLimits: { windowSeconds: 3600, identifiersPerCountry: 300 }, logger: logger('national-adapter') });
}, 180_000);

afterAll(async () => {
  await adapter?.stop();
  await gateway?.stop();
});

const post = <T>(path: string, country: string, body: unknown, role: 'system' | 'dpo' | 'officer' = 'system', url = adapter.url) => api<T & { error?: string; problems?: string[] }>(`${url}${path}`, tokenOf(country, role), { body });
const lookupBody = (identifiers: Array<{ identifierType: IndexedType; hash: string }>, agreement = AGREEMENT) => ({
  agreement,
  purpose: 'ATM gas attack in Hasselt on 14 November: vehicle seen leaving the scene',
  caseRef: 'BE-ATM-2026-117',
  keyEpoch: 1,
  identifiers,
});

/** Raw bytes (keys and values) of every record written to `names` since `from`, up to their current end. */
async function rawRecordsSince(names: string[], from: Offsets): Promise<Array<{ topic: string; bytes: string }>> {
  const end = await logEnd(names);
  const pending = new Map<string, bigint>();
  for (const topic of names) {
    for (const p of end.get(topic)!) {
      const start = BigInt(from.get(topic)?.find((q) => q.partition === p.partition)?.offset ?? '0');
      if (BigInt(p.offset) > start) pending.set(`${topic}:${p.partition}`, BigInt(p.offset));
    }
  }
  const out: Array<{ topic: string; bytes: string }> = [];
  if (pending.size === 0) return out;
  const consumer = adminKafka().consumer({ groupId: unique('test-raw-scan'), maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    const topicsToRead = [...new Set([...pending.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))))];
    await consumer.subscribe({ topics: topicsToRead, fromBeginning: true });
    await new Promise<void>((resolve) => {
      // A partition whose last records are transaction markers never delivers its end offset: the
      // scan also ends once nothing more arrives (everything it reads was committed before it began).
      const started = Date.now();
      let last = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - started > 5_000 && Date.now() - last > 3_000) {
          clearInterval(timer);
          resolve();
        }
      }, 250);
      void consumer
        .run({
        eachMessage: async ({ topic, partition, message }) => {
          last = Date.now();
          const start = BigInt(from.get(topic)?.find((q) => q.partition === partition)?.offset ?? '0');
          if (BigInt(message.offset) >= start) out.push({ topic, bytes: `${message.key?.toString('latin1') ?? ''} ${message.value?.toString('latin1') ?? ''}`.toLowerCase() });
          const slot = `${topic}:${partition}`;
          if (pending.has(slot) && BigInt(message.offset) + 1n >= pending.get(slot)!) pending.delete(slot);
          if (pending.size === 0) {
            clearInterval(timer);
            resolve();
          }
        },
      })
        // Straight to where the test began (records before it are skipped above if a seek is lost).
        .then(() => {
          for (const topic of topicsToRead) for (const p of end.get(topic)!) consumer.seek({ topic, partition: p.partition, offset: from.get(topic)?.find((q) => q.partition === p.partition)?.offset ?? '0' });
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

async function auditOf(lookupIds: Set<string>, from: Offsets, expected: number): Promise<EuLiaison.AuditEvent[]> {
  const events = await readTopic<EuLiaison.AuditEvent>(topics.audit, 'auditEvent', from, {
    done: (records) => records.filter((r) => lookupIds.has(r.value.details.lookupId ?? '')).length >= expected,
    timeoutMs: 60_000,
  });
  return events.map((r) => r.value).filter((e) => lookupIds.has(e.details.lookupId ?? ''));
}

describe('the hit/no-hit index', () => {
  const plateHash = hashOf('LICENCE_PLATE', plateByNl);

  it('NL holds a plate, BE looks it up written its own way: a hit naming NL and its reference only, audited, and the plate in clear on no topic and in no log', { timeout: 120_000 }, async () => {
    type Holdings = { holdings: Array<{ identifierType: string; keyEpoch: number; entries: number }> };
    const platesHeld = async () => (await api<Holdings>(`${adapter.url}/v1/index/${AGREEMENT}`, tokenOf('NL', 'system'))).body.holdings.find((h) => h.identifierType === 'LICENCE_PLATE' && h.keyEpoch === 1)?.entries ?? 0;
    const heldBefore = await platesHeld();
    const published = await post<{ published: number }>(`/v1/index/${AGREEMENT}/entries`, 'NL', { keyEpoch: 1, entries: [{ identifierType: 'LICENCE_PLATE', hash: plateHash, reference: 'NL-ANPR-2026-0917' }] });
    expect(published.status, JSON.stringify(published.body)).toBe(202);
    expect(published.body.published).toBe(1);

    const unknownPhone = hashOf('PHONE', `+32 470 ${String(randomBytes(3).readUIntBE(0, 3) % 1_000_000).padStart(6, '0')}`);
    const asked = await post<LookupAnswer>('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: hashOf('LICENCE_PLATE', plateByBe) }, { identifierType: 'PHONE', hash: unknownPhone }]));
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body.results.map((r) => [r.identifierType, r.hit, r.holders.map((h) => [h.country, h.reference])])).toEqual([
      ['LICENCE_PLATE', true, [['NL', 'NL-ANPR-2026-0917']]],
      ['PHONE', false, []],
    ]);
    expect(asked.body.next).toMatch(/REQUEST notice quoting the reference/);

    // NL sees what it holds, as counts; its own lookup of its own plate is no hit (it knows).
    expect(await platesHeld()).toBe(heldBefore + 1);
    expect((await post<LookupAnswer>('/v1/lookups', 'NL', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]))).body.results[0]!.hit).toBe(false);

    // Audited by the gateway: who asked, why, which hashes; and the hit, naming the holder and its reference.
    const audit = await auditOf(new Set([asked.body.lookupId]), before, 2);
    expect(audit.map((e) => [e.action, e.origin, e.destination, e.outcome])).toEqual([
      ['INDEX_LOOKUP', 'BE', null, 'HIT'],
      ['INDEX_HIT', 'BE', 'NL', 'HIT'],
    ]);
    expect(audit[0]!.actor).toBe('system@BE (be-system-test)');
    expect(audit[0]!.caseRef).toBe('BE-ATM-2026-117');
    expect(audit[0]!.details).toMatchObject({ agreement: AGREEMENT, purpose: lookupBody([]).purpose, identifiers: '2', hits: '1', hashes: `LICENCE_PLATE:${plateHash},PHONE:${unknownPhone}` });
    expect(audit[1]!.details).toMatchObject({ references: 'NL-ANPR-2026-0917', hashes: `LICENCE_PLATE:${plateHash}` });

    // Every topic of the cluster since the test began: the hash where it belongs, the plate nowhere.
    const records = await rawRecordsSince(allTopics, before);
    const withHash = new Set(records.filter((r) => r.bytes.includes(plateHash)).map((r) => r.topic));
    expect([...withHash].sort()).toEqual([topics.audit, topics.index(AGREEMENT), topics.lookups].sort());
    for (const form of clearForms) expect(records.filter((r) => r.bytes.includes(form)).map((r) => r.topic), form).toEqual([]);
    // And every log line of the gateway and the adapter, at debug level.
    expect(logLines.some((l) => l.includes('index lookup answered'))).toBe(true);
    expect(logLines.some((l) => l.includes('index lookup audited'))).toBe(true);
    for (const form of clearForms) expect(logLines.filter((l) => l.toLowerCase().includes(form)), form).toEqual([]);
  });

  it('is rebuilt from its compacted topic by a restarted adapter, and a withdrawal removes the hit', async () => {
    const restarted = await startAdapter({ logger: logger('national-adapter-2') });
    try {
      const again = await post<LookupAnswer>('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]), 'system', restarted.url);
      expect(again.body.results[0]!.holders.map((h) => h.country)).toEqual(['NL']);
      const withdrawn = await post<{ withdrawn: number }>(`/v1/index/${AGREEMENT}/withdrawals`, 'NL', { entries: [{ identifierType: 'LICENCE_PLATE', hash: plateHash }] }, 'system', restarted.url);
      expect(withdrawn.status).toBe(202);
      expect((await post<LookupAnswer>('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]), 'system', restarted.url)).body.results[0]!.hit).toBe(false);
    } finally {
      await restarted.stop();
    }
    // The first adapter reads the tombstone from the topic.
    await expect
      .poll(async () => (await post<LookupAnswer>('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]))).body.results[0]!.hit, { timeout: 20_000, interval: 300 })
      .toBe(false);
    // NL publishes it again for the tests below.
    expect((await post(`/v1/index/${AGREEMENT}/entries`, 'NL', { keyEpoch: 1, entries: [{ identifierType: 'LICENCE_PLATE', hash: plateHash, reference: 'NL-ANPR-2026-0917' }] })).status).toBe(202);
  });

  it('refuses a country outside the agreement (403, counted), an agreement without an index (404), a clear value (400, not repeated) and an officer token (403)', async () => {
    const refused = adapter.metrics.getSingleMetric('liaison_index_lookups_refused_total') as Counter;
    const refusedOf = async (country: string) => (await refused.get()).values.find((v) => v.labels.country === country)?.value ?? 0;
    const frBefore = await refusedOf('FR');
    const fr = await post('/v1/lookups', 'FR', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]));
    expect(fr.status).toBe(403);
    expect(fr.body).toEqual({ error: 'not-a-member', problems: [`agreement: FR is not a member of ${AGREEMENT}`] });
    expect((await post(`/v1/index/${AGREEMENT}/entries`, 'FR', { keyEpoch: 1, entries: [{ identifierType: 'LICENCE_PLATE', hash: plateHash }] })).status).toBe(403);
    expect((await api(`${adapter.url}/v1/index/${AGREEMENT}`, tokenOf('US', 'system'))).status).toBe(403);
    expect(await refusedOf('FR')).toBe(frBefore + 2);

    expect((await post('/v1/lookups', 'FR', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }], 'hazeldonk'))).status).toBe(404);
    const clear = await post('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateByBe }]));
    expect(clear.status).toBe(400);
    expect(clear.body.problems!.join(' ')).toContain('identifiers[0].hash: must match pattern');
    expect(JSON.stringify(clear.body).toLowerCase()).not.toContain(plateByBe);
    expect((await post('/v1/lookups', 'BE', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]), 'officer')).status).toBe(403);
    expect((await post('/v1/lookups', 'BE', { ...lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }]), purpose: '          ' })).status).toBe(400);
  });

  it('throttles a burst of 10,000 lookups from one country, counts each refusal, fires the real alert rule, audits every answered lookup, and serves another country throughout', { timeout: 180_000 }, async () => {
    const throttled = adapter.metrics.getSingleMetric('liaison_index_lookups_throttled_total') as Counter;
    const throttledOf = async (country: string) => (await throttled.get()).values.find((v) => v.labels.country === country)?.value ?? 0;
    const scrapedBefore = await throttledOf('BE');
    const auditFrom = await logEnd([topics.audit]);

    // A dictionary attack: BE's system walks a range of mobile numbers, one per lookup, 50 at a time.
    const guesses = Array.from({ length: 10_000 }, (_, i) => hashOf('PHONE', `0470 ${String(100_000 + i)}`));
    const answered: string[] = [];
    const statuses = new Map<number, number>();
    const retryAfter = new Set<string | null>();
    let attacking = true;
    const attack = (async () => {
      for (let i = 0; i < guesses.length; i += 50) {
        await Promise.all(
          guesses.slice(i, i + 50).map(async (hash) => {
            const r = await fetch(`${adapter.url}/v1/lookups`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf('BE', 'system')}`, 'content-type': 'application/json' }, body: JSON.stringify(lookupBody([{ identifierType: 'PHONE', hash }])) });
            const body = (await r.json()) as LookupAnswer;
            statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
            if (r.status === 200) answered.push(body.lookupId);
            if (r.status === 429) retryAfter.add(r.headers.get('retry-after'));
          }),
        );
      }
      attacking = false;
    })();
    // LU, meanwhile, looks up the plate now and then in the Benelux treaty's index, on its own budget.
    const lu: number[] = [];
    while (attacking) {
      lu.push((await post<LookupAnswer>('/v1/lookups', 'LU', lookupBody([{ identifierType: 'LICENCE_PLATE', hash: plateHash }], 'benelux-police-treaty'))).status);
      await new Promise((r) => setTimeout(r, 100));
    }
    await attack;

    // The budget (300 identifiers in the window) less what BE spent in the tests above; all else refused whole.
    expect([...statuses.keys()].sort()).toEqual([200, 429]);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThanOrEqual(300);
    expect(statuses.get(429)).toBe(10_000 - answered.length);
    for (const value of retryAfter) expect(Number(value)).toBeGreaterThanOrEqual(1);
    expect(lu.length).toBeGreaterThan(0);
    expect(lu.every((s) => s === 200)).toBe(true);

    // Each refusal counted, per country.
    const scrapedAfter = await throttledOf('BE');
    expect(scrapedAfter - scrapedBefore).toBe(statuses.get(429));
    expect(await throttledOf('LU')).toBe(0);

    // The alert rule Prometheus runs, on the counter as scraped before and after the burst.
    const rules = join(PROJECT_ROOT, 'infra/prometheus/rules/liaison-alerts.yml');
    const rule = parse(readFileSync(rules, 'utf8')).groups.flatMap((g: { rules: Array<{ alert?: string; annotations: Record<string, string> }> }) => g.rules).find((r: { alert?: string }) => r.alert === 'LiaisonIndexLookupsThrottled');
    const dir = mkdtempSync(join(tmpdir(), 'liaison-alert-'));
    const series = (country: string, values: number[]) => ({ series: `liaison_index_lookups_throttled_total{country="${country}", job="liaison-national-adapter", instance="adapter"}`, values: values.join(' ') });
    writeFileSync(
      join(dir, 'burst.test.yml'),
      JSON.stringify({
        rule_files: [rules],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [series('BE', [scrapedBefore, scrapedBefore, scrapedAfter, scrapedAfter, scrapedAfter]), series('LU', [0, 0, 0, 0, 0])],
            alert_rule_test: [
              { eval_time: '1m', alertname: 'LiaisonIndexLookupsThrottled', exp_alerts: [] },
              {
                eval_time: '3m',
                alertname: 'LiaisonIndexLookupsThrottled',
                exp_alerts: [{ exp_labels: { severity: 'warning', job: 'liaison-national-adapter', country: 'BE' }, exp_annotations: { summary: 'BE spent its budget of hit/no-hit index lookups in the last 5 minutes', description: rule.annotations.description } }],
              },
            ],
          },
        ],
      }),
    );
    const promtool = spawnSync('promtool', ['test', 'rules', 'burst.test.yml'], { cwd: dir, encoding: 'utf8' });
    expect(promtool.status, promtool.stdout + promtool.stderr).toBe(0);

    // Every answered lookup of the burst is in the audit trail, once.
    const audited = await auditOf(new Set(answered), auditFrom, answered.length);
    expect(audited.filter((e) => e.action === 'INDEX_LOOKUP').length).toBe(answered.length);
    expect(new Set(audited.map((e) => e.details.lookupId)).size).toBe(answered.length);
    expect(audited.every((e) => e.origin === 'BE' && e.outcome === 'NO_HIT')).toBe(true);
    console.log(
      `index dictionary attack: 10,000 lookups from BE, ${answered.length} answered (the rest of its budget), ${statuses.get(429)} refused with 429 and counted, ` +
        `LiaisonIndexLookupsThrottled fired for BE only; ${audited.length} answered lookups audited once each; LU answered ${lu.length} of ${lu.length} meanwhile`,
    );
  });
});
