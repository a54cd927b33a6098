/** The `liaison` command: one entry point for operators and developers. */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { setGlobalCompatibility } from '../../infra/local/registry.ts';
import { stackOptionsFromEnv } from '../../infra/local/stack-options.ts';
import { prepareCluster, stackDown, stackStatus, stackUp } from '../../infra/local/stack.ts';
import type { LookupAnswer, StatusView } from '../shared/status-views.ts';
import { hashToken, newToken, type Role, ROLES } from '../shared/api-keys.ts';
import { verifyAuditLog } from '../shared/audit-log.ts';
import { DEFAULT_AGREEMENTS_FILE, INDEXED_TYPES, indexedAgreements, type IndexedType, loadPolicy } from '../policy/index.ts';
import { defaultIndexKeyFile, hashIdentifiers, makeIndexKey, readIndexKeys } from './index-keys.ts';
import { resolveConnection } from '../shared/connection.ts';
import { LiaisonError } from '../shared/errors.ts';
import { createKafka } from '../shared/kafka.ts';
import { loadParties } from '../shared/parties.ts';
import { ContractRegistry } from '../shared/registry.ts';
import { retryUntil } from '../shared/retry.ts';
import { topics } from '../shared/topology.ts';
import { runDemo } from './demo.ts';
import { agreementsAt, diffPolicies, readOutboxNotices, recordReview } from './policy-diff.ts';
import { ADAPTER_URL, call, CONTACT_POINT_URL, tokenFor } from './http-client.ts';
import { formatTable } from './table.ts';

const program = new Command()
  .name('liaison')
  .description('Liaison: the gateway through which national contact points exchange intelligence notices')
  .showHelpAfterError();

const stack = program
  .command('stack')
  .description('the embedded local stack: Apache Kafka, Apicurio Registry and PostgreSQL on loopback (data in .liaison/, or $LIAISON_HOME)');

stack
  .command('up')
  .description('fetch (first run), start and provision the stack; does nothing to a stack that already runs')
  .action(async () => {
    const opts = stackOptionsFromEnv();
    const { connection, started } = await stackUp(opts);
    console.log(started ? 'The stack is up.' : 'The stack was already up.');
    console.log(`  Kafka (SASL/SCRAM-SHA-512): ${connection.brokers.join(',')}`);
    console.log(`  Schema registry (Confluent API): ${connection.registryUrl}`);
    console.log(`  PostgreSQL: 127.0.0.1:${opts.postgresPort}, database liaison, one role and schema per service`);
    console.log(`  Credentials: ${opts.home}/credentials.json, API tokens: ${opts.home}/api-tokens.json (mode 600)`);
    if (stackStatus(opts).prometheus !== undefined) console.log(`  Prometheus: http://127.0.0.1:${opts.prometheusPort}/ (alerts: /alerts)`);
  });

stack
  .command('down')
  .description('stop exactly the processes `stack up` started; data stays in the data folder')
  .action(async () => {
    const stopped = await stackDown(stackOptionsFromEnv());
    console.log(stopped.length ? `Stopped ${stopped.join(' and ')}.` : 'Nothing of the stack was running.');
  });

stack
  .command('status')
  .description('show which processes of the stack run (exit 1 if not all)')
  .action(() => {
    const status = stackStatus(stackOptionsFromEnv());
    for (const [name, pid] of Object.entries(status)) console.log(`${name}: ${pid === undefined ? 'stopped' : `running (pid ${pid})`}`);
    if (Object.values(status).some((pid) => pid === undefined)) process.exitCode = 1;
  });

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
};

program
  .command('provision')
  .description(
    'prepare a cluster that is not the embedded stack (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, the admin principal): ' +
      'the registry\'s BACKWARD compatibility rule, and the topics and per-country ACLs of the topology; idempotent',
  )
  .option('--skip-kafka', 'only the registry: topics and ACLs are declared elsewhere (Strimzi KafkaTopic and KafkaUser)')
  .option('--replication-factor <n>', 'replicas of each topic created', positiveInteger, 1)
  .option('--wait <seconds>', 'how long to wait for Kafka and the registry to answer', positiveInteger, 180)
  .action(async (o: { skipKafka?: boolean; replicationFactor: number; wait: number }) => {
    const connection = resolveConnection();
    const parties = loadParties();
    const timeoutMs = o.wait * 1000;
    console.log(`Waiting for the registry at ${connection.registryUrl}...`);
    await retryUntil(() => setGlobalCompatibility(connection), { timeoutMs, intervalMs: 2_000 });
    console.log('Registry: global compatibility BACKWARD.');
    if (o.skipKafka) return;
    console.log(`Provisioning ${connection.brokers.join(',')}...`);
    const result = await retryUntil(() => prepareCluster(connection, parties, o.replicationFactor), { timeoutMs, intervalMs: 2_000 });
    console.log(`Provisioned ${result.topicsTotal} topics (${result.topicsCreated} new) and ${result.acls} ACLs for ${parties.length} parties.`);
  });

const audit = program.command('audit').description('the hash-chained audit trail (liaison.audit)');

audit
  .command('verify')
  .description('read every audit event and check each chain; names the first broken link (exit 1)')
  .option('--topic <topic>', 'audit topic to verify', topics.audit)
  .action(async (opts: { topic: string }) => {
    const connection = resolveConnection();
    const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'liaison-cli' });
    const result = await verifyAuditLog(kafka, new ContractRegistry(connection.registryUrl), opts.topic);
    if (result.broken) {
      const b = result.broken;
      console.error(`BROKEN at offset ${b.offset}: chain ${b.chain}, sequence ${b.sequence}: ${b.problem}`);
      process.exitCode = 1;
      return;
    }
    console.log(`OK: ${result.events} events in ${result.chains.size} chains, every link intact.`);
    for (const [chain, head] of result.chains) console.log(`  ${chain}: ${head.sequence + 1} events, head ${head.hash.slice(0, 16)}…`);
  });

program
  .command('submit')
  .description('submit a notice (JSON or YAML, the Avro schema\'s JSON form) through the national adapter, as a country')
  .argument('<file>', 'the notice; noticeId, createdAt and sender.country may be left out')
  .requiredOption('--as <country>', 'the country you submit for (its system token is used)')
  .option('--idempotency-key <key>', 'retrying with the same key never creates a second notice')
  .option('--token <token>', 'bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .action(async (file: string, opts: { as: string; idempotencyKey?: string; token?: string }) => {
    let body: unknown;
    try {
      body = parseYaml(readFileSync(file, 'utf8'));
    } catch (cause) {
      throw new LiaisonError('LIAISON_INPUT', `${file}: cannot be read as JSON or YAML (${(cause as Error).message})`, { cause });
    }
    const headers: Record<string, string> = opts.idempotencyKey ? { 'idempotency-key': opts.idempotencyKey } : {};
    const { body: accepted } = await call<{ noticeId: string; replayed: boolean }>(ADAPTER_URL, '/v1/notices', tokenFor(opts.as, 'system', opts.token), { method: 'POST', body, headers });
    console.log(`${accepted.replayed ? 'Already accepted' : 'Accepted'}: notice ${accepted.noticeId}`);
    console.log(`  follow it with: liaison status ${accepted.noticeId} --as ${opts.as}`);
  });

program
  .command('status')
  .description('per destination: delivered, filtered, blocked or held and why; receipts; corrections')
  .argument('<noticeId>')
  .requiredOption('--as <country>', 'the origin country (only its own notices are visible)')
  .option('--token <token>', 'bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .option('--json', 'print the raw status')
  .action(async (noticeId: string, opts: { as: string; token?: string; json?: boolean }) => {
    const { body: s } = await call<StatusView>(ADAPTER_URL, `/v1/notices/${encodeURIComponent(noticeId)}`, tokenFor(opts.as, 'system', opts.token));
    if (opts.json) return console.log(JSON.stringify(s, null, 2));
    console.log(`${s.kind ?? 'notice'} ${s.noticeId}  case ${s.caseRef}  from ${s.origin}  ${s.state}${s.processedAt ? ` at ${s.processedAt}` : ''}`);
    console.log(formatTable(
      ['to', 'status', 'agreement', 'why / what changed', 'receipts'],
      s.destinations.map((d) => [
        d.destination,
        d.status,
        d.agreement ?? '-',
        [...d.reasons, ...d.fieldActions.map((a) => `${a.action} ${a.path}`)].join('; ') || '-',
        d.receipts.map((r) => `${r.status} ${r.at.slice(0, 19)}`).join(', ') || '-',
      ]),
      [0, 0, 0, 60, 40],
    ));
    for (const c of s.corrections) {
      console.log(`correction ${c.noticeId} (${c.action ?? '?'}: ${c.reason ?? ''}): ${c.recipients.map((r) => `${r.destination} ${r.acknowledgedAt ? `acknowledged ${r.acknowledgedAt.slice(0, 19)}` : 'not yet acknowledged'}`).join(', ')}`);
    }
  });

program
  .command('inbox')
  .description('a country\'s inbox at its contact point: overdue requests first')
  .requiredOption('--country <country>', 'whose inbox (its officer token is used)')
  .addOption(new Option('--kind <kind>', 'only this kind').choices(['INFORMATION', 'REQUEST', 'RESPONSE', 'ALERT']))
  .option('--overdue', 'only overdue requests')
  .option('--token <token>', 'officer bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .action(async (opts: { country: string; kind?: string; overdue?: boolean; token?: string }) => {
    const query = new URLSearchParams({ ...(opts.kind ? { kind: opts.kind } : {}), ...(opts.overdue ? { overdue: 'true' } : {}) });
    type Row = { noticeId: string; caseRef: string; kind: string; priority: string; origin: string; handlingCode: string; dueAt: string | null; overdue: boolean; answered: unknown; crimeAreas: string[] };
    const { body } = await call<{ country: string; overdue: number; notices: Row[] }>(CONTACT_POINT_URL, `/v1/inbox?${query}`, tokenFor(opts.country, 'officer', opts.token));
    console.log(`Inbox of ${body.country}: ${body.notices.length} notices, ${body.overdue} overdue`);
    console.log(formatTable(
      ['notice', 'case', 'kind', 'priority', 'from', 'handling', 'due', 'state', 'crime areas'],
      body.notices.map((n) => [n.noticeId, n.caseRef, n.kind, n.priority, n.origin, n.handlingCode, n.dueAt?.slice(0, 16) ?? '-', n.overdue ? 'OVERDUE' : n.answered ? 'answered' : '-', n.crimeAreas.join(',')]),
    ));
  });

const keys = program.command('keys').description('API tokens for national systems, DPOs and officers (stored hashed by the services)');
keys
  .command('issue')
  .description('issue a token: prints it once, and the entry to add to the services\' keys file (LIAISON_API_KEYS)')
  .requiredOption('--country <country>', 'the country the holder acts for')
  .addOption(new Option('--role <role>', 'what the holder may do').choices([...ROLES]).makeOptionMandatory())
  .requiredOption('--id <id>', 'names the holder in logs and the audit trail, e.g. nl-officer-17')
  .action((opts: { country: string; role: Role; id: string }) => {
    const token = newToken();
    console.log(`token (give it to the holder; it is not stored anywhere): ${token}`);
    console.log(`entry for the keys file:\n${JSON.stringify({ id: opts.id, country: opts.country, role: opts.role, sha256: hashToken(token) }, null, 2)}`);
  });

const policyCommand = program.command('policy').description('the agreements the gateway applies (config/agreements.yaml)');

policyCommand
  .command('diff')
  .description('decide the notices of the outboxes again under two versions of the agreements and print which deliveries would change; nothing is produced')
  .option('--from <git-ref|file>', 'the agreements in force: a file, or a git revision whose config/agreements.yaml is taken', 'HEAD')
  .option('--to <file>', 'the proposed agreements', DEFAULT_AGREEMENTS_FILE)
  .option('--days <n>', 'replay the notices of the last n days', positiveInteger, 30)
  .option('--json', 'print the report as JSON')
  .option('--record', 'record this review: the gateway writes it into the audit trail (POLICY_REVIEWED), and a gateway that runs the proposed version reports it reviewed (liaison_policy_reviewed)')
  .option('--reviewer <id>', 'who reviewed, e.g. dpo@BE (required with --record)')
  .action(async (opts: { from: string; to: string; days: number; json?: boolean; record?: boolean; reviewer?: string }) => {
    if (opts.record && !opts.reviewer?.trim()) throw new LiaisonError('LIAISON_INPUT', '--reviewer: required with --record (who reviewed, e.g. dpo@BE)');
    const before = loadPolicy(agreementsAt(opts.from));
    const after = loadPolicy(opts.to);
    const since = Date.now() - opts.days * 86_400_000;
    const connection = resolveConnection();
    const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'liaison-cli-policy-diff' });
    const replayed = await readOutboxNotices(kafka, new ContractRegistry(connection.registryUrl), [...after.parties.keys()], since, (n) => console.error(`  read ${n} notices...`));
    const diff = diffPolicies(before, after, replayed.notices, Date.now());
    const report = JSON.stringify({ from: opts.from, to: opts.to, since: new Date(since).toISOString(), policyVersions: { before: before.version, after: after.version }, ...diff, byAgreement: Object.fromEntries(diff.byAgreement), skipped: replayed.skipped }, null, 2);
    if (opts.record) {
      const review = await recordReview(kafka, connection.registryUrl, { before, after, fromRef: opts.from, since, diff, report, reviewedBy: opts.reviewer!.trim() });
      console.error(`Review ${review.reviewId} recorded by ${review.reviewedBy}: policy ${review.fromVersion} → ${review.toVersion}, ${review.changes} deliveries change, report SHA-256 ${review.reportSha256}. The gateway writes it into the audit trail.`);
    }
    if (opts.json) {
      console.log(report);
      return;
    }
    console.log(`Policy ${before.version} (${opts.from}) → ${after.version} (${opts.to}); ${diff.notices} notices since ${new Date(since).toISOString().slice(0, 10)}, ${diff.deliveries} deliveries, ${diff.changes.length} would change.`);
    if (replayed.skipped > 0) console.log(`(${replayed.skipped} outbox records were not readable as notices and are left out.)`);
    if (diff.changes.length === 0) return;
    console.log('');
    console.log(
      formatTable(
        ['notice', 'case', 'route', 'before', 'after', 'withheld now', 'released now'],
        diff.changes.map((c) => [c.noticeId.slice(0, 8), c.caseRef, `${c.origin} → ${c.destination}`, `${c.before.status} ${c.before.agreement ?? ''}`.trim(), `${c.after.status} ${c.after.agreement ?? ''}`.trim(), c.withheld.join(', ') || '-', c.released.join(', ') || '-']),
        [10, 18, 10, 30, 30, 40, 40],
      ),
    );
    console.log('');
    console.log(formatTable(['agreement', 'deliveries that change'], [...diff.byAgreement].sort((a, b) => b[1] - a[1]).map(([a, n]) => [a, String(n)])));
  });

const index = program
  .command('index')
  .description('the hit/no-hit index: publish keyed pseudonyms of identifiers your country holds, and ask whether another member holds one; identifiers are hashed here, with the agreement\'s index key, and never sent in clear');

const indexTypeOption = () => new Option('--type <type>', 'the identifiers\' type').choices([...INDEXED_TYPES]).makeOptionMandatory();
const indexValues = (values: string[], file?: string): string[] => {
  const all = [...values, ...(file ? readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '') : [])];
  if (all.length === 0) throw new LiaisonError('LIAISON_INPUT', 'no identifiers: give them as arguments or with --file (one per line, kept out of the shell history)');
  return all;
};

index
  .command('keygen')
  .description('make an agreement\'s index key (epoch 1), or with --rotate its next one; hand the file to the other members through your national secure channel, never to Liaison')
  .requiredOption('--agreement <id>', 'an agreement with hitIndex: true')
  .option('--key-file <file>', 'the index keys (default: $LIAISON_INDEX_KEYS, else the embedded stack\'s .liaison/index-keys.json)')
  .option('--rotate', 'replace an existing key by the next epoch (members re-publish their entries under it)')
  .action((opts: { agreement: string; keyFile?: string; rotate?: boolean }) => {
    indexedAgreementOf(opts.agreement);
    const file = opts.keyFile ?? defaultIndexKeyFile();
    const made = makeIndexKey(file, opts.agreement, opts.rotate === true);
    console.log(`${made.rotated ? 'Rotated' : 'Made'} the index key of ${opts.agreement}, epoch ${made.epoch}, in ${file} (mode 0600).`);
  });

index
  .command('hash')
  .description('print the index hash of each identifier (normalised first: 0470 12 34 56 and +32 470 12 34 56 are one number); nothing is sent')
  .requiredOption('--agreement <id>', 'an agreement with hitIndex: true')
  .addOption(indexTypeOption())
  .argument('[values...]', 'the identifiers')
  .option('--file <file>', 'identifiers, one per line')
  .option('--key-file <file>', 'the index keys (default: $LIAISON_INDEX_KEYS, else .liaison/index-keys.json)')
  .option('--json', 'print the body of a lookup or publication')
  .action((values: string[], opts: { agreement: string; type: IndexedType; file?: string; keyFile?: string; json?: boolean }) => {
    const { keyEpoch, hashed } = hashIdentifiers(readIndexKeys(opts.keyFile ?? defaultIndexKeyFile()), opts.agreement, opts.type, indexValues(values, opts.file));
    if (opts.json) return console.log(JSON.stringify({ keyEpoch, identifiers: hashed.map((h) => ({ identifierType: h.identifierType, hash: h.hash })) }, null, 2));
    console.log(formatTable(['identifier', 'type', `hash (key epoch ${keyEpoch})`], hashed.map((h) => [h.value, h.identifierType, h.hash])));
  });

index
  .command('publish')
  .description('publish identifiers your country holds to an agreement\'s index (hashed here; a hash published again is refreshed)')
  .requiredOption('--as <country>', 'your country (its system token is used)')
  .requiredOption('--agreement <id>', 'an agreement with hitIndex: true')
  .addOption(indexTypeOption())
  .argument('[values...]', 'the identifiers')
  .option('--file <file>', 'identifiers, one per line')
  .option('--reference <ref>', 'your reference for them, which an asker quotes in its REQUEST (default: IDX- and the hash\'s first 16 hex digits)')
  .option('--key-file <file>', 'the index keys (default: $LIAISON_INDEX_KEYS, else .liaison/index-keys.json)')
  .option('--token <token>', 'bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .action(async (values: string[], opts: { as: string; agreement: string; type: IndexedType; file?: string; reference?: string; keyFile?: string; token?: string }) => {
    const { keyEpoch, hashed } = hashIdentifiers(readIndexKeys(opts.keyFile ?? defaultIndexKeyFile()), opts.agreement, opts.type, indexValues(values, opts.file));
    const entries = hashed.map((h) => ({ identifierType: h.identifierType, hash: h.hash, ...(opts.reference ? { reference: opts.reference } : {}) }));
    const { body } = await call<{ published: number }>(ADAPTER_URL, `/v1/index/${encodeURIComponent(opts.agreement)}/entries`, tokenFor(opts.as, 'system', opts.token), { method: 'POST', body: { keyEpoch, entries } });
    console.log(`Published ${countOf(body.published, opts.type)} of ${opts.as} to the index of ${opts.agreement} (key epoch ${keyEpoch}).`);
  });

index
  .command('lookup')
  .description('does another member of the agreement hold these identifiers? hit or no hit each, and for a hit the holder and its reference; the lookup is audited')
  .requiredOption('--as <country>', 'your country (its system token is used)')
  .requiredOption('--agreement <id>', 'an agreement with hitIndex: true')
  .addOption(indexTypeOption())
  .requiredOption('--purpose <text>', 'why, for the audit trail (no identifier in clear)')
  .option('--case-ref <ref>', 'your case')
  .argument('[values...]', 'the identifiers')
  .option('--file <file>', 'identifiers, one per line')
  .option('--key-file <file>', 'the index keys (default: $LIAISON_INDEX_KEYS, else .liaison/index-keys.json)')
  .option('--token <token>', 'bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .option('--json', 'print the raw answer')
  .action(async (values: string[], opts: { as: string; agreement: string; type: IndexedType; purpose: string; caseRef?: string; file?: string; keyFile?: string; token?: string; json?: boolean }) => {
    const { keyEpoch, hashed } = hashIdentifiers(readIndexKeys(opts.keyFile ?? defaultIndexKeyFile()), opts.agreement, opts.type, indexValues(values, opts.file));
    const request = { agreement: opts.agreement, purpose: opts.purpose, ...(opts.caseRef ? { caseRef: opts.caseRef } : {}), keyEpoch, identifiers: hashed.map((h) => ({ identifierType: h.identifierType, hash: h.hash })) };
    const { body } = await call<LookupAnswer>(ADAPTER_URL, '/v1/lookups', tokenFor(opts.as, 'system', opts.token), { method: 'POST', body: request });
    if (opts.json) return console.log(JSON.stringify(body, null, 2));
    console.log(`Lookup ${body.lookupId} in ${body.agreement} (audited):`);
    console.log(formatTable(['identifier', 'answer', 'holder', 'reference'], body.results.flatMap((r, i) => (r.hit ? r.holders.map((h) => [hashed[i]!.value, 'HIT', h.country, h.reference]) : [[hashed[i]!.value, 'no hit', '-', '-']]))));
    if (body.results.some((r) => r.hit)) console.log(`\n${body.next}`);
  });

index
  .command('withdraw')
  .description('withdraw identifiers of your country from an agreement\'s index')
  .requiredOption('--as <country>', 'your country (its system token is used)')
  .requiredOption('--agreement <id>', 'an agreement with hitIndex: true')
  .addOption(indexTypeOption())
  .argument('[values...]', 'the identifiers')
  .option('--file <file>', 'identifiers, one per line')
  .option('--key-file <file>', 'the index keys (default: $LIAISON_INDEX_KEYS, else .liaison/index-keys.json)')
  .option('--token <token>', 'bearer token (default: $LIAISON_TOKEN, else the embedded stack\'s token)')
  .action(async (values: string[], opts: { as: string; agreement: string; type: IndexedType; file?: string; keyFile?: string; token?: string }) => {
    const { hashed } = hashIdentifiers(readIndexKeys(opts.keyFile ?? defaultIndexKeyFile()), opts.agreement, opts.type, indexValues(values, opts.file));
    const { body } = await call<{ withdrawn: number }>(ADAPTER_URL, `/v1/index/${encodeURIComponent(opts.agreement)}/withdrawals`, tokenFor(opts.as, 'system', opts.token), { method: 'POST', body: { entries: hashed.map((h) => ({ identifierType: h.identifierType, hash: h.hash })) } });
    console.log(`Withdrew ${countOf(body.withdrawn, opts.type)} of ${opts.as} from the index of ${opts.agreement}.`);
  });

const countOf = (n: number, type: string): string => `${n} ${type} ${n === 1 ? 'entry' : 'entries'}`;

/** An agreement of the policy with an index, or a clear error naming those that have one. */
function indexedAgreementOf(id: string): void {
  const indexed = indexedAgreements(loadPolicy());
  if (!indexed.includes(id)) throw new LiaisonError('LIAISON_INPUT', `--agreement: "${id}" has no hit/no-hit index; these have one: ${indexed.join(', ') || 'none'}`);
}

program
  .command('demo')
  .description('the main job on the embedded stack: start Kafka, the registry, the gateway, the adapter and the contact points, play the scenario, print what happened; runs until Ctrl-C')
  .option('--no-keep', 'stop the services after the scenario instead of running until Ctrl-C')
  .action(async (opts: { keep: boolean }) => {
    await runDemo({ keepRunning: opts.keep });
  });

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof LiaisonError) {
    console.error(`liaison: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
