/**
 * Apache Kafka on the embedded stack: KRaft nodes (broker and controller in one, one or three),
 * SASL/SCRAM clients and ACLs, storage formatted once with every principal, and ready once the
 * group and transaction coordinators answer.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Admin } from 'kafkajs';
import type { Connection, Credentials, StackCredentials } from '../../services/shared/connection.ts';
import { StackError } from '../../services/shared/errors.ts';
import { createKafka } from '../../services/shared/kafka.ts';
import { principalsOf } from './credentials.ts';
import { findJava } from './java.ts';
import { type StackOptions, stackPaths } from './stack-options.ts';
import { startDetached } from './supervision.ts';

const KAFKA_MIN_JAVA = 17;

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
  const file = stackPaths(opts.home).kafkaCluster;
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

export function startKafka(opts: StackOptions, credentials: StackCredentials, nodes: KafkaNode[]): void {
  const p = stackPaths(opts.home, opts.dist);
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

/** The Kafka nodes of the data folder, whatever size it was started with (their pid files). */
export function kafkaPidNames(home: string): string[] {
  const run = join(home, 'run');
  if (!existsSync(run)) return [];
  return readdirSync(run).filter((f) => /^kafka(-\d+)?\.pid$/.test(f)).map((f) => f.slice(0, -'.pid'.length)).sort();
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
export async function coordinatorsReady(connection: Connection): Promise<void> {
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
