/**
 * The embedded local stack: Apache Kafka (KRaft, one node or three, SASL/SCRAM and ACLs:
 * kafka.ts), Apicurio Registry (Confluent-compatible API: registry.ts), PostgreSQL (Debian's
 * server: postgres.ts) and Prometheus when installed (prometheus.ts), run on loopback under one
 * data folder (.liaison/ by default: stack-options.ts), each process supervised (supervision.ts)
 * with its secrets generated once (credentials.ts). This file brings them up, provisions the
 * cluster, and takes them down.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { indexedAgreements, loadPolicy } from '../../services/policy/index.ts';
import { ensureLocalApiKeys } from '../../services/shared/api-keys.ts';
import { type Connection, databaseUrls, type StackCredentials, type StackState } from '../../services/shared/connection.ts';
import type { Party } from '../../services/shared/parties.ts';
import { provision, type ProvisionResult } from '../../services/shared/provisioning.ts';
import { ensureCredentials } from './credentials.ts';
import { REGISTRY_RELEASES } from './java.ts';
import { coordinatorsReady, kafkaNodes, kafkaPidNames, startKafka, withAdmin } from './kafka.ts';
import { postgresPid, startPostgres, stopPostgres } from './postgres.ts';
import { PROMETHEUS_CONFIG, prometheusBinary, startPrometheus } from './prometheus.ts';
import { recordedRegistry, registryReady, resolveArtifacts, setGlobalCompatibility, startRegistry } from './registry.ts';
import { type StackOptions, stackPaths } from './stack-options.ts';
import { runningPid, stopProcesses, waitFor } from './supervision.ts';

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

/** Registry compatibility, topics and ACLs: what every Liaison cluster needs before services start. */
export async function prepareCluster(connection: Connection, parties: readonly Party[], replicationFactor = 1, indexed = indexedAgreements(loadPolicy())): Promise<ProvisionResult> {
  await setGlobalCompatibility(connection);
  return withAdmin(connection, (admin) => provision(admin, parties, replicationFactor, indexed));
}

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

  const state: StackState = { brokers: connection.brokers, registryUrl: connection.registryUrl, credentialsFile: stackPaths(opts.home).credentials, database: { host: '127.0.0.1', port: opts.postgresPort } };
  writeFileSync(stackPaths(opts.home).state, JSON.stringify(state, null, 2));
  return { connection, started };
}

export async function stackDown(opts: StackOptions): Promise<string[]> {
  const stopped = [
    ...(await stopProcesses(opts, ['prometheus', 'registry'])),
    // The nodes of a cluster together: one left alone has no quorum to shut down with.
    ...(await stopProcesses(opts, kafkaPidNames(opts.home))),
    ...((await stopPostgres(opts.home, opts.progress)) ? ['postgres'] : []),
  ];
  rmSync(stackPaths(opts.home).state, { force: true });
  return stopped;
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
