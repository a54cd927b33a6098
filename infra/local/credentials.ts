/** The stack's secrets: a SCRAM credential per principal and a role per database service, generated once into the data folder (mode 600), never committed, never logged. */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { type Credentials, DATABASE_SERVICES, type DatabaseCredentials, databaseRoleOf, type StackCredentials } from '../../services/shared/connection.ts';
import { StackError } from '../../services/shared/errors.ts';
import type { Party } from '../../services/shared/parties.ts';
import { ADMIN_PRINCIPAL, principalOf, SERVICE_PRINCIPALS } from '../../services/shared/topology.ts';
import { type StackOptions, stackPaths } from './stack-options.ts';

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
export function ensureCredentials(opts: StackOptions): StackCredentials {
  const file = stackPaths(opts.home).credentials;
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
