/** Where the embedded stack lives and listens: its data folder, ports and cluster size, from the environment. */
import { join, resolve } from 'node:path';
import { liaisonHome } from '../../services/shared/connection.ts';
import { StackError } from '../../services/shared/errors.ts';
import { loadParties, type Party } from '../../services/shared/parties.ts';
import { REGISTRY_RELEASES, type RegistryRelease } from './java.ts';

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

/** Where everything of a data folder is. */
export const stackPaths = (home: string, dist = join(home, 'dist')) => ({
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
