/**
 * Where Liaison finds Kafka, the schema registry and each service's database, and with which
 * principal it connects.
 * One place for every service, the CLI and the tests.
 *
 * Order: explicit environment (KAFKA_BROKERS, SCHEMA_REGISTRY_URL and the principals' passwords
 * from LIAISON_CREDENTIALS, LIAISON_CREDENTIALS_DIR or KAFKA_USERNAME/KAFKA_PASSWORD), else the
 * embedded stack's state file written by `make up` (.liaison/stack.json). The database: DATABASE_URL
 * (one for whichever service runs), else the embedded stack's server with each service's own role.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from './errors.ts';
import { loadParties } from './parties.ts';
import { ADMIN_PRINCIPAL, principalOf, SERVICE_PRINCIPALS, type ServiceName } from './topology.ts';

export type SaslMechanism = 'scram-sha-512' | 'scram-sha-256' | 'plain';

export interface Credentials {
  username: string;
  password: string;
}

export interface Connection {
  brokers: string[];
  registryUrl: string;
  ssl: boolean;
  mechanism: SaslMechanism;
  /** The admin principal (provisioning, CLI), one principal per service and one per party. */
  credentials: StackCredentials;
  /** Each service's database (postgres://…), where one is configured. */
  databases?: Partial<Record<DatabaseService, string>>;
}

export const DATABASE_NAME = 'liaison';
/** The services with state of their own, each in its own schema with its own role. */
export const DATABASE_SERVICES = ['gateway', 'adapter', 'contact-point'] as const;
export type DatabaseService = (typeof DATABASE_SERVICES)[number];
export const schemaOf = (service: DatabaseService): string => service.replace(/-/g, '_');
/** The role of a service on the embedded stack. */
export const databaseRoleOf = (service: DatabaseService): string => `liaison_${schemaOf(service)}`;

export function databaseUrl(p: { host: string; port: number; database: string; username: string; password: string }): string {
  return `postgres://${encodeURIComponent(p.username)}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${encodeURIComponent(p.database)}`;
}

/** The embedded stack's database credentials: the cluster's admin and one role per service. */
export interface DatabaseCredentials {
  admin: Credentials;
  services: Record<DatabaseService, Credentials>;
}

/** Each service's URL on a server (the embedded stack's). */
export function databaseUrls(server: { host: string; port: number }, credentials: DatabaseCredentials): Record<DatabaseService, string> {
  return Object.fromEntries(DATABASE_SERVICES.map((s) => [s, databaseUrl({ ...server, database: DATABASE_NAME, ...credentials.services[s] })])) as Record<DatabaseService, string>;
}

export interface StackCredentials {
  admin: Credentials;
  /** Absent in a credentials file written before the services had principals of their own. */
  services?: Partial<Record<ServiceName, Credentials>>;
  parties: Record<string, Credentials>;
  /** Absent in a credentials file written before the stack had a database. */
  database?: DatabaseCredentials;
}

/** What `make up` leaves behind for clients: .liaison/stack.json */
export interface StackState {
  brokers: string[];
  registryUrl: string;
  credentialsFile: string;
  /** The embedded PostgreSQL (absent before the stack had one). */
  database?: { host: string; port: number };
}

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function liaisonHome(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.LIAISON_HOME ?? join(PROJECT_ROOT, '.liaison'));
}

export function readCredentialsFile(file: string): StackCredentials {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackCredentials;
  } catch (cause) {
    throw new ConfigError(`${file}: cannot read the credentials file (${(cause as Error).message})`, { cause });
  }
}

const MECHANISMS: readonly SaslMechanism[] = ['scram-sha-512', 'scram-sha-256', 'plain'];

export function resolveConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const mechanism = (env.KAFKA_SASL_MECHANISM ?? 'scram-sha-512').toLowerCase() as SaslMechanism;
  if (!MECHANISMS.includes(mechanism)) {
    throw new ConfigError(`KAFKA_SASL_MECHANISM: "${env.KAFKA_SASL_MECHANISM}" is not one of ${MECHANISMS.join(', ')}`);
  }
  const ssl = env.KAFKA_SSL === 'true';

  if (env.KAFKA_BROKERS) {
    if (!env.SCHEMA_REGISTRY_URL) throw new ConfigError('SCHEMA_REGISTRY_URL: required when KAFKA_BROKERS is set');
    const credentials = env.LIAISON_CREDENTIALS
      ? readCredentialsFile(env.LIAISON_CREDENTIALS)
      : env.LIAISON_CREDENTIALS_DIR
        ? readCredentialsDir(env.LIAISON_CREDENTIALS_DIR)
        : principalFromEnv(env);
    return { brokers: env.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean), registryUrl: env.SCHEMA_REGISTRY_URL, ssl, mechanism, credentials, databases: fromEnv(env) };
  }

  const stateFile = join(liaisonHome(env), 'stack.json');
  if (!existsSync(stateFile)) {
    throw new ConfigError('no Kafka configured: set KAFKA_BROKERS and SCHEMA_REGISTRY_URL, or start the embedded stack with `make up`');
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as StackState;
  const credentials = readCredentialsFile(state.credentialsFile);
  const databases = fromEnv(env) ?? (state.database && credentials.database ? databaseUrls(state.database, credentials.database) : undefined);
  return { brokers: state.brokers, registryUrl: state.registryUrl, ssl, mechanism, credentials, databases };
}

/** DATABASE_URL: the database of whichever service this process is. */
function fromEnv(env: NodeJS.ProcessEnv): Connection['databases'] {
  if (!env.DATABASE_URL) return undefined;
  return Object.fromEntries(DATABASE_SERVICES.map((s) => [s, env.DATABASE_URL!]));
}

/**
 * One folder per principal holding its password, as Kubernetes mounts the Secrets the Strimzi
 * user operator writes for each KafkaUser: `<dir>/liaison-admin/password`,
 * `<dir>/country-nl/password`, ... A service gets only the principals it needs; a principal
 * without a folder has no password and createKafka refuses to use it.
 */
export function readCredentialsDir(dir: string): StackCredentials {
  if (!existsSync(dir)) throw new ConfigError(`LIAISON_CREDENTIALS_DIR: ${dir} does not exist`);
  const read = (username: string): Credentials => {
    const file = join(dir, username, 'password');
    return { username, password: existsSync(file) ? readFileSync(file, 'utf8').trim() : '' };
  };
  const parties = loadParties();
  return {
    admin: read(ADMIN_PRINCIPAL),
    services: { gateway: read(SERVICE_PRINCIPALS.gateway), adapter: read(SERVICE_PRINCIPALS.adapter) },
    parties: Object.fromEntries(parties.map((p) => [p.code, read(principalOf(p.code))])),
  };
}

/** KAFKA_USERNAME/KAFKA_PASSWORD: the one principal this process connects as, whichever service it is. */
function principalFromEnv(env: NodeJS.ProcessEnv): StackCredentials {
  if (!env.KAFKA_USERNAME || !env.KAFKA_PASSWORD) {
    throw new ConfigError('KAFKA_USERNAME and KAFKA_PASSWORD: required when KAFKA_BROKERS is set without LIAISON_CREDENTIALS or LIAISON_CREDENTIALS_DIR');
  }
  const principal = { username: env.KAFKA_USERNAME, password: env.KAFKA_PASSWORD };
  return { admin: principal, services: { gateway: principal, adapter: principal }, parties: {} };
}

/** The credentials of a service's own principal; a clear error when there are none. */
export function serviceCredentials(connection: Connection, service: ServiceName): Credentials {
  const found = connection.credentials.services?.[service];
  if (!found) {
    throw new ConfigError(
      `no Kafka credentials for the ${service}'s principal ${SERVICE_PRINCIPALS[service]}: a stack formatted before the services had principals of their own ` +
        'needs `make clean-stack` (drops all local data) and `make up`; elsewhere give it LIAISON_CREDENTIALS, LIAISON_CREDENTIALS_DIR or KAFKA_USERNAME/KAFKA_PASSWORD',
    );
  }
  return found;
}

/** The credentials of one party's principal; a clear error when the party has none. */
export function partyCredentials(connection: Connection, code: string): Credentials {
  const found = connection.credentials.parties[code];
  if (!found) throw new ConfigError(`no Kafka credentials for party "${code}"`);
  return found;
}
