/**
 * Generates the secrets the Docker Compose deployment mounts (infra/compose/compose.yaml), with
 * the same code the embedded stack uses: SCRAM principals and the broker's server.properties,
 * the gateway's pseudonym keys, the hashed API keys (and the tokens, for the operator only),
 * the registry database's and Grafana's passwords, and Liaison's PostgreSQL: its admin, one
 * role and schema per service (an init script) and each service's DATABASE_URL.
 *
 *   npm run compose:secrets [-- --out <dir>]
 *
 * Idempotent: what exists is kept (a second run adds only what is missing), so a running
 * deployment's passwords never change under it. The folder is mode 700 and ignored by git.
 * Files a container reads are mode 644 inside it: the containers run as their own users.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { loadPolicy, loadPseudonymKeys } from '../../services/policy/index.ts';
import { apiKeyFiles, ensureLocalApiKeys } from '../../services/shared/api-keys.ts';
import { DATABASE_NAME, DATABASE_SERVICES, type DatabaseCredentials, databaseUrls, PROJECT_ROOT, schemaOf, type Credentials, type StackCredentials } from '../../services/shared/connection.ts';
import type { ServiceName } from '../../services/shared/topology.ts';
import { loadParties } from '../../services/shared/parties.ts';
import { generateCredentials, generateDatabaseCredentials, principalsOf } from '../local/credentials.ts';
import { kafkaServerProperties, newClusterId } from '../local/kafka.ts';

/** The file of each secret compose.yaml declares, relative to the secrets folder. */
export const COMPOSE_SECRETS = {
  'kafka-server-properties': 'kafka/server.properties',
  'kafka-scram-users': 'kafka/scram-users',
  'kafka-cluster-id': 'kafka/cluster-id',
  'kafka-credentials': 'kafka-credentials.json',
  'kafka-credentials-gateway': 'kafka-credentials-gateway.json',
  'kafka-credentials-adapter': 'kafka-credentials-adapter.json',
  'kafka-credentials-contact-point': 'kafka-credentials-contact-point.json',
  'pseudonym-keys': 'pseudonym-keys.json',
  'api-keys': 'api-keys.json',
  'grafana-admin-password': 'grafana-admin-password',
} as const;
/** Environment files (compose env_file): the registry database's password, Liaison's database (admin, and each service's URL). */
export const COMPOSE_ENV_FILES = ['registry-db.env', 'registry.env', 'postgres.env', 'database-gateway.env', 'database-adapter.env', 'database-contact-point.env'] as const;
/** The services whose state is in the database so far (the gateway's role and schema exist already). */
const SERVICES_ON_DATABASE = ['gateway', 'adapter', 'contact-point'] as const;
/** The init script the postgres container runs once, on an empty data folder. */
export const POSTGRES_INIT = 'postgres-init.sql';
export const POSTGRES_HOST = 'postgres';

/**
 * What each Liaison service of the deployment may connect as: the provisioning job is the only
 * holder of the admin's password; a principal left out keeps its name with an empty password,
 * which the services refuse to use.
 */
export const COMPOSE_PRINCIPALS = {
  'kafka-credentials-gateway': { services: ['gateway'], parties: false },
  'kafka-credentials-adapter': { services: ['adapter'], parties: true },
  'kafka-credentials-contact-point': { services: [], parties: true },
} as const satisfies Record<string, { services: readonly ServiceName[]; parties: boolean }>;

/** The credentials with only the given principals' passwords. */
export function restrictCredentials(credentials: StackCredentials, keep: { services: readonly ServiceName[]; parties: boolean }): StackCredentials {
  const blank = (c: Credentials): Credentials => ({ username: c.username, password: '' });
  return {
    admin: blank(credentials.admin),
    services: Object.fromEntries(Object.entries(credentials.services ?? {}).map(([name, c]) => [name, keep.services.includes(name as ServiceName) ? c : blank(c)])),
    parties: Object.fromEntries(Object.entries(credentials.parties).map(([code, c]) => [code, keep.parties ? c : blank(c)])),
  };
}

export const KAFKA_HOST = 'kafka';
export const KAFKA_PORT = 9092;
export const DEFAULT_SECRETS_DIR = join(PROJECT_ROOT, 'infra/compose/secrets');

const password = () => randomBytes(24).toString('base64url');

function writeOnce(file: string, content: () => string, mode = 0o644): boolean {
  if (existsSync(file)) return false;
  writeFileSync(file, content(), { mode });
  chmodSync(file, mode);
  return true;
}

export function generateComposeSecrets(dir: string): string[] {
  mkdirSync(join(dir, 'kafka'), { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const written: string[] = [];
  const note = (file: string, wrote: boolean) => wrote && written.push(relative(dir, file));
  const parties = loadParties();

  const credentialsFile = join(dir, COMPOSE_SECRETS['kafka-credentials']);
  note(credentialsFile, writeOnce(credentialsFile, () => `${JSON.stringify(generateCredentials(parties), null, 2)}\n`));
  const credentials = JSON.parse(readFileSync(credentialsFile, 'utf8')) as StackCredentials;
  for (const [secret, keep] of Object.entries(COMPOSE_PRINCIPALS)) {
    const file = join(dir, COMPOSE_SECRETS[secret as keyof typeof COMPOSE_PRINCIPALS]);
    note(file, writeOnce(file, () => `${JSON.stringify(restrictCredentials(credentials, keep), null, 2)}\n`));
  }
  const properties = join(dir, COMPOSE_SECRETS['kafka-server-properties']);
  note(properties, writeOnce(properties, () => kafkaServerProperties({ listenHost: '0.0.0.0', advertisedHost: KAFKA_HOST, kafkaPort: KAFKA_PORT, controllerPort: 9093, logDirs: '/var/lib/kafka/data' }, credentials.admin)));
  const scram = join(dir, COMPOSE_SECRETS['kafka-scram-users']);
  note(scram, writeOnce(scram, () => principalsOf(credentials).map((c) => `SCRAM-SHA-512=[name=${c.username},password=${c.password}]\n`).join('')));
  const clusterId = join(dir, COMPOSE_SECRETS['kafka-cluster-id']);
  note(clusterId, writeOnce(clusterId, () => `${newClusterId()}\n`));

  const keys = join(dir, COMPOSE_SECRETS['pseudonym-keys']);
  const hadKeys = existsSync(keys);
  loadPseudonymKeys(keys, loadPolicy().agreements.map((a) => a.id), { generateMissing: true });
  chmodSync(keys, 0o644);
  note(keys, !hadKeys);

  const apiKeys = apiKeyFiles(dir);
  const hadApiKeys = existsSync(apiKeys.hashes);
  ensureLocalApiKeys(dir, parties.map((p) => p.code));
  chmodSync(apiKeys.hashes, 0o644); // hashes only; the tokens file stays 600 and is never mounted
  note(apiKeys.hashes, !hadApiKeys);

  const dbPassword = join(dir, 'registry-db.env');
  if (writeOnce(dbPassword, () => `POSTGRES_PASSWORD=${password()}\n`, 0o600)) written.push('registry-db.env');
  const db = readFileSync(dbPassword, 'utf8').match(/^POSTGRES_PASSWORD=(.*)$/m)![1];
  note(join(dir, 'registry.env'), writeOnce(join(dir, 'registry.env'), () => `APICURIO_DATASOURCE_PASSWORD=${db}\n`, 0o600));
  // Liaison's database: the admin (the image's superuser) and each service's role, owner of its schema and nothing else.
  const databaseFile = join(dir, 'database-credentials.json');
  note(databaseFile, writeOnce(databaseFile, () => `${JSON.stringify(generateDatabaseCredentials(), null, 2)}\n`, 0o600));
  const database = JSON.parse(readFileSync(databaseFile, 'utf8')) as DatabaseCredentials;
  note(join(dir, 'postgres.env'), writeOnce(join(dir, 'postgres.env'), () => `POSTGRES_PASSWORD=${database.admin.password}\n`, 0o600));
  note(join(dir, POSTGRES_INIT), writeOnce(join(dir, POSTGRES_INIT), () => postgresInitScript(database)));
  const urls = databaseUrls({ host: POSTGRES_HOST, port: 5432 }, database);
  for (const service of SERVICES_ON_DATABASE) {
    const file = join(dir, `database-${service}.env`);
    note(file, writeOnce(file, () => `DATABASE_URL=${urls[service]}\n`, 0o600));
  }
  const grafana = join(dir, COMPOSE_SECRETS['grafana-admin-password']);
  note(grafana, writeOnce(grafana, () => `${password()}\n`));
  return written;
}

/** Run by the postgres image once, as its superuser, in the database `liaison`. */
export function postgresInitScript(database: DatabaseCredentials): string {
  const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;
  return [
    '-- Generated by infra/compose/secrets.ts: one role and schema per Liaison service.',
    'REVOKE ALL ON SCHEMA public FROM PUBLIC;',
    ...DATABASE_SERVICES.flatMap((service) => {
      const role = database.services[service];
      return [
        `CREATE ROLE "${role.username}" LOGIN PASSWORD ${literal(role.password)};`,
        `CREATE SCHEMA "${schemaOf(service)}" AUTHORIZATION "${role.username}";`,
        `GRANT CONNECT ON DATABASE ${DATABASE_NAME} TO "${role.username}";`,
      ];
    }),
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { out } = new Command()
    .name('compose-secrets')
    .description('generate (once) the secrets of the Docker Compose deployment: Kafka principals, pseudonym keys, API keys, passwords')
    .option('--out <dir>', 'where to write them (kept out of git)', DEFAULT_SECRETS_DIR)
    .parse()
    .opts<{ out: string }>();
  const dir = resolve(out);
  const written = generateComposeSecrets(dir);
  console.log(written.length ? `Wrote ${written.join(', ')} to ${dir}` : `All secrets already exist in ${dir}; nothing changed.`);
  console.log(`API tokens for national systems, DPOs, officers and operations: ${apiKeyFiles(dir).tokens} (mode 600)`);
}
