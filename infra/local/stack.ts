/**
 * The embedded local stack: a real Apache Kafka broker (KRaft, single node, SASL/SCRAM and
 * ACLs) and Apicurio Registry (Confluent-compatible API), fetched from Maven Central, and
 * PostgreSQL (Debian's server, infra/local/postgres.ts), run on loopback under one data folder
 * (.liaison/ by default).
 *
 * Every process started here carries `-Dliaison.home=<folder>` on its command line, so that
 * `down` stops exactly the processes `up` started and nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Admin } from 'kafkajs';
import {
  DATABASE_SERVICES,
  databaseRoleOf,
  databaseUrls,
  liaisonHome,
  type Connection,
  type Credentials,
  type DatabaseCredentials,
  type StackCredentials,
  type StackState,
} from '../../services/shared/connection.ts';
import { indexedAgreements, loadPolicy } from '../../services/policy/index.ts';
import { ensureLocalApiKeys } from '../../services/shared/api-keys.ts';
import { StackError } from '../../services/shared/errors.ts';
import { createKafka } from '../../services/shared/kafka.ts';
import { loadParties, type Party } from '../../services/shared/parties.ts';
import { provision, type ProvisionResult } from '../../services/shared/provisioning.ts';
import { retryUntil } from '../../services/shared/retry.ts';
import { ADMIN_PRINCIPAL, principalOf, SERVICE_PRINCIPALS } from '../../services/shared/topology.ts';
import { postgresPid, startPostgres, stopPostgres } from './postgres.ts';
import { findJava, type JavaRuntime, REGISTRY_RELEASES, type RegistryRelease, registryRuntime, requireMaven } from './java.ts';

const POM = fileURLToPath(new URL('./pom.xml', import.meta.url));
const KAFKA_MIN_JAVA = 17;

export interface StackOptions {
  home: string;
  kafkaPort: number;
  controllerPort: number;
  registryPort: number;
  registryManagementPort: number;
  registryJava: string | undefined;
  prometheusPort: number;
  postgresPort: number;
  /** Kafka nodes (each broker and controller): 1, or 3 for a replicated cluster (LIAISON_BROKERS). */
  brokers: number;
  /** Whether to start Prometheus (LIAISON_PROMETHEUS=off: not). */
  monitoring: boolean;
  /** Where the fetched jars live; another data folder's may be shared (LIAISON_DIST). */
  dist: string;
  parties: Party[];
  /** Progress lines for the person waiting. */
  progress: (line: string) => void;
}

function port(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw new StackError(`${name}: "${raw}" is not a TCP port`);
  return value;
}

/** The cluster sizes the stack supports: one node, or three with replication factor 3 and min.insync.replicas 2. */
export const CLUSTER_SIZES = [1, 3] as const;

function brokerCount(env: NodeJS.ProcessEnv): number {
  const raw = env.LIAISON_BROKERS;
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!(CLUSTER_SIZES as readonly number[]).includes(n)) throw new StackError(`LIAISON_BROKERS: "${raw}" is not one of ${CLUSTER_SIZES.join(', ')}`);
  return n;
}

export function stackOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, progress = (line: string) => console.log(line)): StackOptions {
  const home = liaisonHome(env);
  return {
    home,
    brokers: brokerCount(env),
    monitoring: env.LIAISON_PROMETHEUS !== 'off',
    dist: env.LIAISON_DIST ? resolve(env.LIAISON_DIST) : join(home, 'dist'),
    // Off the usual defaults (9092, 8081) so a developer's own Kafka or registry does not clash.
    kafkaPort: port(env, 'LIAISON_KAFKA_PORT', 19092),
    controllerPort: port(env, 'LIAISON_CONTROLLER_PORT', 19093),
    registryPort: port(env, 'LIAISON_REGISTRY_PORT', 18081),
    registryManagementPort: port(env, 'LIAISON_REGISTRY_MANAGEMENT_PORT', 18082),
    registryJava: env.LIAISON_REGISTRY_JAVA,
    prometheusPort: port(env, 'LIAISON_PROMETHEUS_PORT', 19090),
    postgresPort: port(env, 'LIAISON_POSTGRES_PORT', 15432),
    parties: loadParties(),
    progress,
  };
}

const paths = (home: string, dist = join(home, 'dist')) => ({
  dist,
  kafkaLibs: join(dist, 'kafka', 'libs'),
  /** The folder of a registry release: `apicurio/` for the newest, `apicurio-<version>/` for an older one. */
  registryDir: (release: RegistryRelease) => join(dist, release === REGISTRY_RELEASES[0] ? 'apicurio' : `apicurio-${release.version}`),
  /** A release has its own database: an older release cannot open a newer one's. */
  registryData: (release: RegistryRelease) => join(home, release === REGISTRY_RELEASES[0] ? 'registry' : `registry-${release.version}`, 'schemas'),
  resolvedStamp: (release: RegistryRelease) => join(dist, release === REGISTRY_RELEASES[0] ? '.resolved' : `.resolved-${release.version}`),
  credentials: join(home, 'credentials.json'),
  state: join(home, 'stack.json'),
  kafkaLog4j: join(home, 'kafka', 'log4j2.properties'),
  /** The node count and cluster id the Kafka storage was formatted with. */
  kafkaCluster: join(home, 'kafka', 'cluster.json'),
  logs: join(home, 'logs'),
  pid: (name: string) => join(home, 'run', `${name}.pid`),
});

/** One Kafka process of the stack: broker and controller in one. */
export interface KafkaNode {
  id: number;
  /** Its pid and log file name: `kafka` on a one-node stack, `kafka-1`, `kafka-2`, ... on a cluster. */
  name: string;
  kafkaPort: number;
  controllerPort: number;
  config: string;
  data: string;
}

/** Node n listens on the client and controller ports plus 2(n-1): 19092/19093, 19094/19095, 19096/19097. */
export function kafkaNodes(opts: Pick<StackOptions, 'home' | 'brokers' | 'kafkaPort' | 'controllerPort'>): KafkaNode[] {
  const single = opts.brokers === 1;
  const nodes = Array.from({ length: opts.brokers }, (_, i): KafkaNode => ({
    id: i + 1,
    name: single ? 'kafka' : `kafka-${i + 1}`,
    kafkaPort: opts.kafkaPort + 2 * i,
    controllerPort: opts.controllerPort + 2 * i,
    config: join(opts.home, 'kafka', single ? 'server.properties' : `server-${i + 1}.properties`),
    data: join(opts.home, 'kafka', single ? 'data' : `data-${i + 1}`),
  }));
  const ports = nodes.flatMap((n) => [n.kafkaPort, n.controllerPort]);
  if (new Set(ports).size !== ports.length || ports.some((p) => p > 65535)) {
    throw new StackError(`the ${opts.brokers} Kafka nodes need distinct ports from LIAISON_KAFKA_PORT ${opts.kafkaPort} and LIAISON_CONTROLLER_PORT ${opts.controllerPort} (each node adds 2): ${ports.join(', ')}`);
  }
  return nodes;
}

// ---------------------------------------------------------------- artifacts

/**
 * The registry release this data folder runs: chosen on its first start (the newest this
 * machine's Java can run) and recorded, because schema ids do not carry over between releases:
 * records written under one would be unreadable under another.
 */
function recordedRegistry(opts: StackOptions): { release: RegistryRelease; java: JavaRuntime } {
  const file = join(opts.home, 'registry-release');
  if (!existsSync(file)) {
    const chosen = registryRuntime(opts.registryJava);
    writeFileSync(file, `${chosen.release.version}\n`);
    return chosen;
  }
  const version = readFileSync(file, 'utf8').trim();
  const release = REGISTRY_RELEASES.find((r) => r.version === version);
  if (!release) throw new StackError(`${file}: Apicurio Registry ${version} is no longer supported; run \`make clean-stack\` (drops all local data) and \`make up\``);
  const java = findJava(`Apicurio Registry ${version} (recorded in ${file})`, release.minJava, opts.registryJava);
  return { release, java };
}

/** Fetches the jars once; again only when the pom changes. */
function resolveArtifacts(opts: StackOptions, release: RegistryRelease): void {
  const p = paths(opts.home, opts.dist);
  const pomHash = createHash('sha256').update(readFileSync(POM)).digest('hex');
  const jar = join(p.registryDir(release), release.jar);
  if (existsSync(p.resolvedStamp(release)) && readFileSync(p.resolvedStamp(release), 'utf8') === pomHash && existsSync(jar)) return;
  const mvn = requireMaven();
  opts.progress(`Fetching Apache Kafka and Apicurio Registry ${release.version} from Maven Central (first run only, about 200 MB)...`);
  rmSync(p.registryDir(release), { recursive: true, force: true });
  rmSync(join(p.dist, 'kafka'), { recursive: true, force: true });
  // Maven's unpack markers: with them left, Maven would think the folders just removed were still unpacked.
  rmSync(join(p.dist, 'target'), { recursive: true, force: true });
  const dir = p.registryDir(release).slice(p.dist.length + 1);
  const result = spawnSync(mvn, ['-B', '-q', '-f', POM, 'generate-resources', `-Dliaison.dist=${p.dist}`, `-Dapicurio.version=${release.version}`, `-Dapicurio.dir=${dir}`], { stdio: 'inherit' });
  if (result.status !== 0) throw new StackError(`Maven could not fetch the stack (exit ${result.status}); see the output above`);
  if (!existsSync(jar)) throw new StackError(`Maven finished but ${jar} is missing`);
  writeFileSync(p.resolvedStamp(release), pomHash);
}

// ---------------------------------------------------------------- credentials

const secret = (): string => randomBytes(24).toString('base64url');

export function generateCredentials(parties: readonly Party[]): StackCredentials {
  return {
    admin: { username: ADMIN_PRINCIPAL, password: secret() },
    services: { gateway: { username: SERVICE_PRINCIPALS.gateway, password: secret() }, adapter: { username: SERVICE_PRINCIPALS.adapter, password: secret() } },
    parties: Object.fromEntries(parties.map((p) => [p.code, { username: principalOf(p.code), password: secret() }])),
    database: generateDatabaseCredentials(),
  };
}

export function generateDatabaseCredentials(): DatabaseCredentials {
  return {
    admin: { username: 'liaison_admin', password: secret() },
    services: Object.fromEntries(DATABASE_SERVICES.map((s) => [s, { username: databaseRoleOf(s), password: secret() }])) as DatabaseCredentials['services'],
  };
}

/** Every principal with a SCRAM credential: the admin, the services and the parties. */
export function principalsOf(credentials: StackCredentials): Credentials[] {
  return [credentials.admin, ...Object.values(credentials.services ?? {}), ...Object.values(credentials.parties)];
}

/** Generated once into the data folder (mode 600); never committed, never logged. */
function ensureCredentials(opts: StackOptions): StackCredentials {
  const file = paths(opts.home).credentials;
  if (existsSync(file)) {
    const existing = JSON.parse(readFileSync(file, 'utf8')) as StackCredentials;
    const missing = opts.parties.filter((p) => !existing.parties[p.code]).map((p) => p.code);
    if (!existing.services?.gateway || !existing.services.adapter) {
      throw new StackError(
        `the stack in ${opts.home} was formatted before the gateway and the adapter had Kafka principals of their own (${Object.values(SERVICE_PRINCIPALS).join(', ')}): ` +
          'run `make clean-stack` (drops all local data) and `make up` again',
      );
    }
    const renamed = opts.parties.filter((p) => existing.parties[p.code] && existing.parties[p.code]!.username !== principalOf(p.code));
    if (renamed.length > 0) {
      throw new StackError(
        `the stack in ${opts.home} was formatted with older principal names (${renamed.map((p) => existing.parties[p.code]!.username).join(', ')}; ` +
          `now ${renamed.map((p) => principalOf(p.code)).join(', ')}): run \`make clean-stack\` (drops all local data) and \`make up\` again`,
      );
    }
    if (missing.length > 0) {
      throw new StackError(
        `config/parties.yaml lists ${missing.join(', ')} that the stack in ${opts.home} was not formatted with: ` +
          'run `make clean-stack` (drops all local data) and `make up` again',
      );
    }
    // A stack from before the database: its credentials are added (the cluster is created new).
    if (!existing.database) {
      existing.database = generateDatabaseCredentials();
      writeFileSync(file, JSON.stringify(existing, null, 2), { mode: 0o600 });
    }
    return existing;
  }
  const credentials = generateCredentials(opts.parties);
  writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
  return credentials;
}

// ---------------------------------------------------------------- processes

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** What marks a process as this data folder's: the JVMs carry a property, Prometheus its storage path. */
const markers = (home: string): string[] => [`-Dliaison.home=${home}`, `--storage.tsdb.path=${join(home, 'prometheus')}`];

/** Alive, and really ours: its command line names this data folder. */
function isOurs(pid: number, home: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return markers(home).some((m) => args.includes(m));
  } catch {
    return false;
  }
}

function runningPid(home: string, name: string): number | undefined {
  const pid = readPid(paths(home).pid(name));
  return pid !== undefined && isOurs(pid, home) ? pid : undefined;
}

function startDetached(home: string, name: string, bin: string, args: string[], cwd: string, jvm = true): number {
  const p = paths(home);
  mkdirSync(p.logs, { recursive: true });
  mkdirSync(join(home, 'run'), { recursive: true });
  const out = openSync(join(p.logs, `${name}.log`), 'a');
  const child = spawn(bin, jvm ? [`-Dliaison.home=${home}`, ...args] : args, { cwd, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (child.pid === undefined) throw new StackError(`${name}: could not start ${bin}`);
  writeFileSync(p.pid(name), String(child.pid));
  return child.pid;
}

function logTail(home: string, name: string, lines = 15): string {
  const file = join(paths(home).logs, `${name}.log`);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

// ---------------------------------------------------------------- kafka

export interface KafkaListenSettings {
  /** Address the client listener binds to (127.0.0.1 on the embedded stack). */
  listenHost: string;
  /** Address clients are told to connect to. */
  advertisedHost: string;
  kafkaPort: number;
  controllerPort: number;
  logDirs: string;
}

/** Where a node stands in its cluster; one node by default. */
export interface KafkaClusterSettings {
  nodeId: number;
  /** controller.quorum.voters: `1@127.0.0.1:19093,2@...`. */
  voters: string;
  /** Replicas of every topic, internal ones included; min.insync.replicas is 2 where there are 3. */
  replicationFactor: number;
}

/** server.properties of a KRaft node (broker and controller) with SCRAM clients and ACLs; also used for containers. */
export function kafkaServerProperties(listen: KafkaListenSettings, admin: Credentials, cluster?: KafkaClusterSettings): string {
  const { nodeId, voters, replicationFactor } = cluster ?? { nodeId: 1, voters: `1@127.0.0.1:${listen.controllerPort}`, replicationFactor: 1 };
  const minIsr = Math.min(2, replicationFactor);
  const scram = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`;
  // The controller listener authenticates with PLAIN against a user defined only here, so no
  // unauthenticated principal is ever a super user.
  const plain = `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.username}" password="${admin.password}" user_${admin.username}="${admin.password}";`;
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=CLIENT://${listen.listenHost}:${listen.kafkaPort},CONTROLLER://127.0.0.1:${listen.controllerPort}`,
    `advertised.listeners=CLIENT://${listen.advertisedHost}:${listen.kafkaPort}`,
    'listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=CLIENT',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    'sasl.mechanism.controller.protocol=PLAIN',
    'listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512',
    `listener.name.client.scram-sha-512.sasl.jaas.config=${scram}`,
    'listener.name.controller.sasl.enabled.mechanisms=PLAIN',
    `listener.name.controller.plain.sasl.jaas.config=${plain}`,
    'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    `super.users=User:${admin.username}`,
    'allow.everyone.if.no.acl.found=false',
    'auto.create.topics.enable=false',
    `log.dirs=${listen.logDirs}`,
    'num.partitions=3',
    // With three nodes a write is acknowledged (acks=all) once two replicas hold it: one node may
    // die without losing an acknowledged record or stopping the writers.
    `default.replication.factor=${replicationFactor}`,
    `min.insync.replicas=${minIsr}`,
    `offsets.topic.replication.factor=${replicationFactor}`,
    `transaction.state.log.replication.factor=${replicationFactor}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${replicationFactor}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    // A replica that falls behind or dies leaves the in-sync set after this long (Kafka's default).
    'replica.lag.time.max.ms=30000',
    // Services wait for no more group members before the first rebalance.
    'group.initial.rebalance.delay.ms=0',
    '',
  ].join('\n');
}

/** Arguments of `kafka-storage format` that create every principal's SCRAM credential. */
export function scramFormatArgs(credentials: StackCredentials): string[] {
  return principalsOf(credentials).flatMap((c) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${c.username},password=${c.password}]`,
  ]);
}

/**
 * A KRaft cluster id: 16 random bytes in base64url, as Kafka writes a Uuid. Never one starting
 * with '-', as Kafka's own Uuid.randomUuid() ensures: kafka-storage's argument parser takes
 * `-t -abc…` for a missing value (one id in 64 failed the format).
 */
export function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url').slice(0, 22);
    if (!id.startsWith('-')) return id;
  }
}

const LOG4J2 = [
  'status = warn',
  'appender.console.type = Console',
  'appender.console.name = STDOUT',
  'appender.console.layout.type = PatternLayout',
  'appender.console.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.stdout.ref = STDOUT',
  'logger.kafka.name = kafka',
  'logger.kafka.level = WARN',
  'logger.apache.name = org.apache.kafka',
  'logger.apache.level = WARN',
  '',
].join('\n');

/**
 * The cluster this data folder's Kafka storage was formatted as: its size cannot change (the
 * quorum and the replicas are in the data), and every node shares one cluster id.
 */
function kafkaCluster(opts: StackOptions): { id: string; formatted: boolean } {
  const file = paths(opts.home).kafkaCluster;
  if (existsSync(file)) {
    const recorded = JSON.parse(readFileSync(file, 'utf8')) as { id: string; brokers: number };
    if (recorded.brokers !== opts.brokers) {
      throw new StackError(
        `the Kafka storage in ${opts.home} holds a ${recorded.brokers}-node cluster, not ${opts.brokers} (LIAISON_BROKERS): ` +
          `start it with LIAISON_BROKERS=${recorded.brokers}, or run \`make clean-stack\` (drops all local data) first`,
      );
    }
    return { id: recorded.id, formatted: true };
  }
  if (existsSync(join(opts.home, 'kafka', 'data', 'meta.properties'))) {
    // Formatted before the size was recorded: a one-node stack.
    if (opts.brokers !== 1) throw new StackError(`the Kafka storage in ${opts.home} holds a 1-node cluster: run \`make clean-stack\` before LIAISON_BROKERS=${opts.brokers}`);
    return { id: '', formatted: true };
  }
  const id = newClusterId();
  return { id, formatted: false };
}

function startKafka(opts: StackOptions, credentials: StackCredentials, nodes: KafkaNode[]): void {
  const p = paths(opts.home, opts.dist);
  const java = findJava('Apache Kafka', KAFKA_MIN_JAVA, undefined);
  mkdirSync(join(opts.home, 'kafka'), { recursive: true });
  writeFileSync(p.kafkaLog4j, LOG4J2);
  const common = [`-Dlog4j2.configurationFile=${p.kafkaLog4j}`, '-cp', join(p.kafkaLibs, '*')];
  const all = kafkaNodes(opts);
  const voters = all.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
  const cluster = kafkaCluster(opts);
  for (const node of all) {
    const listen = { listenHost: '127.0.0.1', advertisedHost: '127.0.0.1', kafkaPort: node.kafkaPort, controllerPort: node.controllerPort, logDirs: node.data };
    writeFileSync(node.config, kafkaServerProperties(listen, credentials.admin, { nodeId: node.id, voters, replicationFactor: Math.min(3, opts.brokers) }), { mode: 0o600 });
  }
  if (!cluster.formatted) {
    opts.progress(`Formatting Kafka storage (KRaft, ${opts.brokers} node${opts.brokers === 1 ? '' : 's'}) with the SCRAM principals...`);
    for (const node of all) {
      const format = spawnSync(java.bin, [...common, 'kafka.tools.StorageTool', 'format', '-t', cluster.id, '-c', node.config, ...scramFormatArgs(credentials)], { encoding: 'utf8' });
      if (format.status !== 0) {
        // The tool echoes its arguments on some errors; keep passwords out of what we print.
        const passwords = principalsOf(credentials).map((c) => c.password);
        const message = passwords.reduce((text, pw) => text.split(pw).join('***'), `${format.stderr}${format.stdout}`);
        throw new StackError(`Kafka storage format failed (${node.name}): ${message.trim()}`);
      }
    }
    writeFileSync(p.kafkaCluster, JSON.stringify({ id: cluster.id, brokers: opts.brokers }));
  }
  // 1 GB for one node; 512 MB each for three (about 2 GB resident with the registry).
  const heap = process.env.LIAISON_KAFKA_HEAP ?? (opts.brokers === 1 ? '1g' : '512m');
  for (const node of nodes) {
    opts.progress(`Starting Apache Kafka${opts.brokers === 1 ? '' : ` node ${node.id}`} on 127.0.0.1:${node.kafkaPort}...`);
    startDetached(opts.home, node.name, java.bin, [`-Xmx${heap}`, '-Xms256m', '-XX:+UseG1GC', '-Djava.awt.headless=true', ...common, 'kafka.Kafka', node.config], opts.home);
  }
}

// ---------------------------------------------------------------- registry

function startRegistry(opts: StackOptions, { release, java }: { release: RegistryRelease; java: JavaRuntime }): void {
  const p = paths(opts.home, opts.dist);
  startDetached(
    opts.home,
    'registry',
    java.bin,
    [
      '-Xmx512m',
      `-Dquarkus.http.host=127.0.0.1`,
      `-Dquarkus.http.port=${opts.registryPort}`,
      `-Dquarkus.management.host=127.0.0.1`,
      `-Dquarkus.management.port=${opts.registryManagementPort}`,
      // H2 on disk, not in memory: Kafka keeps its records across `down`/`up`, and each
      // record names its schema by id, so the ids must survive too.
      '-Dapicurio.storage.kind=sql',
      '-Dapicurio.storage.sql.kind=h2',
      `-Dapicurio.datasource.url=jdbc:h2:file:${p.registryData(release)};DB_CLOSE_ON_EXIT=FALSE`,
      '-jar',
      join(p.registryDir(release), release.jar),
    ],
    p.registryDir(release),
  );
}

// ---------------------------------------------------------------- readiness

async function waitFor<T>(what: string, names: string | string[], opts: StackOptions, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  try {
    return await retryUntil(attempt, {
      timeoutMs,
      intervalMs: 500,
      giveUp: () => {
        const gone = [names].flat().find((name) => runningPid(opts.home, name) === undefined);
        return gone === undefined
          ? undefined
          : new StackError(`${what} exited during start-up; last lines of ${join(paths(opts.home).logs, `${gone}.log`)}:\n${logTail(opts.home, gone)}`);
      },
    });
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`${what} was not ready after ${timeoutMs / 1000}s (${(error as Error).message}); see ${paths(opts.home).logs}`, { cause: error });
  }
}

export function connectionOf(opts: StackOptions, credentials: StackCredentials): Connection {
  return {
    brokers: kafkaNodes(opts).map((n) => `127.0.0.1:${n.kafkaPort}`),
    registryUrl: `http://127.0.0.1:${opts.registryPort}/apis/ccompat/v7`,
    ssl: false,
    mechanism: 'scram-sha-512',
    credentials,
    databases: credentials.database ? databaseUrls({ host: '127.0.0.1', port: opts.postgresPort }, credentials.database) : undefined,
  };
}

export async function withAdmin<T>(connection: Connection, work: (admin: Admin) => Promise<T>): Promise<T> {
  const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'liaison-stack' });
  const admin = kafka.admin({ retry: { retries: 0 } });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/**
 * A fresh cluster creates __consumer_offsets and __transaction_state (50 partitions each) on
 * first use and answers "coordinator loading" meanwhile; the stack is ready once a consumer
 * group's offsets can be read and a transactional producer can be initialised, so the first
 * gateway and contact points start against loaded coordinators.
 */
async function coordinatorsReady(connection: Connection): Promise<void> {
  await withAdmin(connection, (admin) => admin.fetchOffsets({ groupId: 'liaison.stack-ready', topics: [] }));
  const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: 'liaison-stack' });
  const producer = kafka.producer({ transactionalId: 'liaison.stack-ready', idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
  await producer.connect();
  try {
    await (await producer.transaction()).abort(); // kafkajs sends InitProducerId on the first transaction
  } finally {
    await producer.disconnect();
  }
}

async function registryReady(connection: Connection): Promise<void> {
  const response = await fetch(`${connection.registryUrl}/subjects`);
  if (!response.ok) throw new Error(`registry answered ${response.status}`);
}

/** BACKWARD compatibility for every subject: consumers on the new schema can read old records. */
export async function setGlobalCompatibility(connection: Connection): Promise<void> {
  const response = await fetch(`${connection.registryUrl}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!response.ok) throw new StackError(`could not set the registry's global compatibility: ${response.status} ${await response.text()}`);
}

/** Registry compatibility, topics and ACLs: what every Liaison cluster needs before services start. */
export async function prepareCluster(connection: Connection, parties: readonly Party[], replicationFactor = 1, indexed = indexedAgreements(loadPolicy())): Promise<ProvisionResult> {
  await setGlobalCompatibility(connection);
  return withAdmin(connection, (admin) => provision(admin, parties, replicationFactor, indexed));
}

// ---------------------------------------------------------------- up / down / status

export interface StackInfo {
  connection: Connection;
  /** True when this call started a process; false when the stack was already running. */
  started: boolean;
}

export async function stackUp(opts: StackOptions): Promise<StackInfo> {
  mkdirSync(opts.home, { recursive: true, mode: 0o700 });
  chmodSync(opts.home, 0o700);
  const registry = recordedRegistry(opts);
  if (registry.release !== REGISTRY_RELEASES[0]) {
    opts.progress(
      `No Java ${REGISTRY_RELEASES[0]!.minJava}+ found: running Apicurio Registry ${registry.release.version} on Java ${registry.java.major} (${registry.java.bin}). ` +
        `With a Java ${REGISTRY_RELEASES[0]!.minJava}+ (LIAISON_REGISTRY_JAVA) the stack runs ${REGISTRY_RELEASES[0]!.version}, with a database of its own.`,
    );
  }
  resolveArtifacts(opts, registry.release);
  const credentials = ensureCredentials(opts);
  const connection = connectionOf(opts, credentials);
  // API tokens per country and role for the adapter, the contact points, the CLI and the demo.
  ensureLocalApiKeys(opts.home, opts.parties.map((p) => p.code));

  let started = false;
  const nodes = kafkaNodes(opts);
  const stopped = nodes.filter((n) => runningPid(opts.home, n.name) === undefined);
  if (stopped.length > 0) {
    startKafka(opts, credentials, stopped);
    started = true;
  }
  if (runningPid(opts.home, 'registry') === undefined) {
    opts.progress(`Starting Apicurio Registry on 127.0.0.1:${opts.registryPort}...`);
    startRegistry(opts, registry);
    started = true;
  }

  if (await startPostgres({ home: opts.home, port: opts.postgresPort, progress: opts.progress }, credentials.database!)) started = true;

  const prometheus = opts.monitoring ? prometheusBinary() : undefined;
  if (!opts.monitoring) {
    opts.progress('Prometheus: not started (LIAISON_PROMETHEUS=off).');
  } else if (!prometheus) {
    opts.progress('Prometheus is not installed (make prerequisites installs Debian\'s prometheus package): not started.');
  } else if (runningPid(opts.home, 'prometheus') === undefined) {
    opts.progress(`Starting Prometheus on 127.0.0.1:${opts.prometheusPort} (config ${PROMETHEUS_CONFIG})...`);
    startPrometheus(opts, prometheus);
    started = true;
  }

  const names = nodes.map((n) => n.name);
  await waitFor(`Apache Kafka (${nodes.length} node${nodes.length === 1 ? '' : 's'})`, names, opts, 120_000, () =>
    withAdmin(connection, async (admin) => {
      const { brokers } = await admin.describeCluster();
      if (brokers.length < nodes.length) throw new Error(`${brokers.length} of ${nodes.length} brokers registered`);
    }),
  );
  await waitFor('Apicurio Registry', 'registry', opts, 120_000, () => registryReady(connection));
  if (prometheus) {
    await waitFor('Prometheus', 'prometheus', opts, 60_000, async () => {
      const r = await fetch(`http://127.0.0.1:${opts.prometheusPort}/-/ready`);
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
    });
  }
  const replicationFactor = Math.min(3, nodes.length);
  const provisioned = await prepareCluster(connection, opts.parties, replicationFactor);
  opts.progress(`Provisioned ${provisioned.topicsTotal} topics (${provisioned.topicsCreated} new, replication factor ${replicationFactor}) and ${provisioned.acls} ACLs for ${opts.parties.length} parties.`);
  await waitFor('the group and transaction coordinators', names, opts, 120_000, () => coordinatorsReady(connection));

  const state: StackState = { brokers: connection.brokers, registryUrl: connection.registryUrl, credentialsFile: paths(opts.home).credentials, database: { host: '127.0.0.1', port: opts.postgresPort } };
  writeFileSync(paths(opts.home).state, JSON.stringify(state, null, 2));
  return { connection, started };
}

/** The Kafka nodes of the data folder, whatever size it was started with (their pid files). */
function kafkaPidNames(home: string): string[] {
  const run = join(home, 'run');
  if (!existsSync(run)) return [];
  return readdirSync(run).filter((f) => /^kafka(-\d+)?\.pid$/.test(f)).map((f) => f.slice(0, -'.pid'.length)).sort();
}

/** SIGTERM, and SIGKILL after 30 s. */
async function stopProcesses(opts: StackOptions, names: string[]): Promise<string[]> {
  const running = names.flatMap((name) => {
    const pid = runningPid(opts.home, name);
    rmSync(paths(opts.home).pid(name), { force: true });
    return pid === undefined ? [] : [{ name, pid }];
  });
  for (const { name, pid } of running) {
    opts.progress(`Stopping ${name} (pid ${pid})...`);
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 30_000;
  while (running.some(({ pid }) => isOurs(pid, opts.home)) && Date.now() < deadline) await sleep(200);
  for (const { pid } of running) if (isOurs(pid, opts.home)) process.kill(pid, 'SIGKILL');
  return running.map((r) => r.name);
}

export async function stackDown(opts: StackOptions): Promise<string[]> {
  const stopped = [
    ...(await stopProcesses(opts, ['prometheus', 'registry'])),
    // The nodes of a cluster together: one left alone has no quorum to shut down with.
    ...(await stopProcesses(opts, kafkaPidNames(opts.home))),
    ...((await stopPostgres(opts.home, opts.progress)) ? ['postgres'] : []),
  ];
  rmSync(paths(opts.home).state, { force: true });
  return stopped;
}

// ---------------------------------------------------------------- prometheus

export const PROMETHEUS_CONFIG = fileURLToPath(new URL('../prometheus/prometheus.yml', import.meta.url));

/** Debian's prometheus package (installed by make prerequisites), or LIAISON_PROMETHEUS_BIN. */
export function prometheusBinary(): string | undefined {
  if (process.env.LIAISON_PROMETHEUS_BIN) return process.env.LIAISON_PROMETHEUS_BIN;
  const found = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Scrapes every Liaison service on loopback and evaluates the alerting rules (infra/prometheus/). */
function startPrometheus(opts: StackOptions, bin: string): void {
  mkdirSync(join(opts.home, 'prometheus'), { recursive: true });
  startDetached(
    opts.home,
    'prometheus',
    bin,
    [
      `--config.file=${PROMETHEUS_CONFIG}`,
      `--storage.tsdb.path=${join(opts.home, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${opts.prometheusPort}`,
      '--storage.tsdb.retention.time=15d',
    ],
    opts.home,
    false,
  );
}

/** The pid of each process of the stack, by name (`kafka`, or `kafka-1`… on a cluster; `registry`; `prometheus` when started). */
export type StackStatus = Record<string, number | undefined>;

export function stackStatus(opts: StackOptions): StackStatus {
  return {
    ...Object.fromEntries(kafkaNodes(opts).map((n) => [n.name, runningPid(opts.home, n.name)])),
    registry: runningPid(opts.home, 'registry'),
    postgres: postgresPid(opts.home),
    ...(opts.monitoring && prometheusBinary() ? { prometheus: runningPid(opts.home, 'prometheus') } : {}),
  };
}
