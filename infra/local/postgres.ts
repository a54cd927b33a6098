/**
 * The embedded stack's PostgreSQL: Debian's server binaries (initdb, pg_ctl, postgres), a
 * cluster under the stack's data folder, TCP on loopback only (no Unix socket), password
 * (SCRAM) authentication. One database `liaison`; each service a role of its own owning a
 * schema of its own, so a service can neither read nor change another's state.
 *
 * PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's `postgres` user
 * and every server command runs as that user (runuser); the data folder is then traversable
 * (0711), never listable, and the cluster's own folder is the server's alone (0700).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { DATABASE_NAME, DATABASE_SERVICES, type DatabaseCredentials, databaseUrl, schemaOf } from '../../services/shared/connection.ts';
import { StackError } from '../../services/shared/errors.ts';

export interface PostgresOptions {
  home: string;
  port: number;
  progress: (line: string) => void;
}

/**
 * Where the cluster lives: `<home>/postgres`, or, where the server's user cannot reach the home
 * (as root, under a folder only root may enter, such as /root), the folder that link points to.
 */
function dirs(home: string): { root: string; data: string; log: string } {
  const link = join(home, 'postgres');
  let root = link;
  try {
    if (lstatSync(link).isSymbolicLink()) root = realpathSync(link);
  } catch {
    // not created yet
  }
  return { root, data: join(root, 'data'), log: root === link ? join(home, 'logs', 'postgres.log') : join(root, 'postgres.log') };
}

/** Whether the server's user can reach `dir` (every folder above it traversable). */
const reachable = (user: string, dir: string): boolean => spawnSync('runuser', ['-u', user, '--', 'test', '-x', dir]).status === 0;

/** The newest server installed by Debian's postgresql package (or LIAISON_POSTGRES_BIN, a folder). */
export function postgresBinaries(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LIAISON_POSTGRES_BIN) return env.LIAISON_POSTGRES_BIN;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(base, versions[0], 'bin');
}

const asRoot = (): boolean => process.getuid?.() === 0;

/** The uid/gid the server runs as: ours, or Debian's postgres user when we are root. */
function serverUser(): { uid: number; gid: number; name: string } | undefined {
  if (!asRoot()) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new StackError('PostgreSQL does not run as root and there is no `postgres` user to run it as: install Debian\'s postgresql package (make prerequisites) or run as an ordinary user');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid), name: 'postgres' };
}

function run(bin: string, tool: string, args: string[]): { status: number | null; output: string } {
  const user = serverUser();
  const command = user ? ['runuser', '-u', user.name, '--', join(bin, tool), ...args] : [join(bin, tool), ...args];
  const result = spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', cwd: '/' });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? result.error.message : ''}` };
}

/** The server's pid while it runs (its postmaster.pid names it and it is alive). */
export function postgresPid(home: string): number | undefined {
  const file = join(dirs(home).data, 'postmaster.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.includes(dirs(home).data) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** initdb once (the admin password from the credentials), then the server started; idempotent. */
export async function startPostgres(opts: PostgresOptions, credentials: DatabaseCredentials): Promise<boolean> {
  const bin = postgresBinaries();
  if (!bin) throw new StackError('PostgreSQL is not installed: `make prerequisites` installs Debian\'s postgresql package (or set LIAISON_POSTGRES_BIN to the folder of pg_ctl)');
  const user = serverUser();
  if (user) chmodSync(opts.home, 0o711); // traversable by the server's user, never listable
  const link = join(opts.home, 'postgres');
  if (user && !existsSync(link) && !reachable(user.name, opts.home)) {
    const target = `/var/lib/postgresql/liaison-${createHash('sha256').update(opts.home).digest('hex').slice(0, 12)}`;
    opts.progress(`The postgres user cannot reach ${opts.home}: the cluster goes to ${target} (linked from ${link}).`);
    mkdirSync(target, { recursive: true, mode: 0o700 });
    chownSync(target, user.uid, user.gid);
    symlinkSync(target, link);
  }
  const d = dirs(opts.home);
  mkdirSync(d.root, { recursive: true, mode: 0o700 });
  mkdirSync(join(opts.home, 'logs'), { recursive: true });
  if (user) {
    chownSync(d.root, user.uid, user.gid);
    if (!existsSync(d.log)) writeFileSync(d.log, '');
    chownSync(d.log, user.uid, user.gid);
  }
  if (!existsSync(join(d.data, 'PG_VERSION'))) {
    opts.progress('Creating the PostgreSQL cluster (initdb)...');
    const pwfile = join(d.root, 'initdb-password');
    writeFileSync(pwfile, credentials.admin.password, { mode: 0o600 });
    if (user) chownSync(pwfile, user.uid, user.gid);
    try {
      const init = run(bin, 'initdb', ['-D', d.data, '-U', credentials.admin.username, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8']);
      if (init.status !== 0) throw new StackError(`initdb failed:\n${init.output.trim()}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  }
  if (postgresPid(opts.home) !== undefined) {
    await provisionDatabase({ host: '127.0.0.1', port: opts.port }, credentials);
    return false;
  }
  opts.progress(`Starting PostgreSQL on 127.0.0.1:${opts.port}...`);
  const settings = [
    `-p ${opts.port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    // Sized for the embedded stack beside Kafka on a small machine.
    '-c shared_buffers=256MB',
    '-c max_connections=200',
    '-c synchronous_commit=on',
  ].join(' ');
  const started = run(bin, 'pg_ctl', ['-D', d.data, '-l', d.log, '-o', settings, '-w', '-t', '60', 'start']);
  if (started.status !== 0) {
    const tail = existsSync(d.log) ? readFileSync(d.log, 'utf8').trimEnd().split('\n').slice(-15).join('\n') : '(no log)';
    throw new StackError(`PostgreSQL did not start:\n${started.output.trim()}\nlast lines of ${d.log}:\n${tail}`);
  }
  await provisionDatabase({ host: '127.0.0.1', port: opts.port }, credentials);
  return true;
}

/**
 * The database and each service's role and schema, on a server whose superuser is the
 * credentials' admin (the embedded stack's, a container's); idempotent: passwords are set again.
 */
export async function provisionDatabase(server: { host: string; port: number }, credentials: DatabaseCredentials): Promise<void> {
  const admin = new pg.Client({ connectionString: databaseUrl({ ...server, database: 'postgres', ...credentials.admin }) });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await admin.connect();
      break;
    } catch (error) {
      if (attempt >= 60) throw new StackError(`PostgreSQL on ${server.host}:${server.port} does not accept the stack's admin (${(error as Error).message})`);
      await sleep(500);
    }
  }
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ connectionString: databaseUrl({ ...server, database: DATABASE_NAME, ...credentials.admin }) });
  await db.connect();
  try {
    await db.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    for (const service of DATABASE_SERVICES) {
      const role = credentials.services[service];
      const literal = (await db.query('SELECT quote_literal($1) AS q', [role.password])).rows[0].q as string;
      const known = await db.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.username]);
      await db.query(`${known.rowCount === 0 ? 'CREATE' : 'ALTER'} ROLE "${role.username}" LOGIN PASSWORD ${literal}`);
      await db.query(`CREATE SCHEMA IF NOT EXISTS "${schemaOf(service)}" AUTHORIZATION "${role.username}"`);
      await db.query(`REVOKE ALL ON DATABASE ${DATABASE_NAME} FROM "${role.username}"`);
      await db.query(`GRANT CONNECT ON DATABASE ${DATABASE_NAME} TO "${role.username}"`);
    }
  } finally {
    await db.end();
  }
}

/** Fast shutdown (clients disconnected, nothing lost); SIGKILL only after 30 s. */
export async function stopPostgres(home: string, progress: (line: string) => void): Promise<boolean> {
  const pid = postgresPid(home);
  if (pid === undefined) return false;
  progress(`Stopping postgres (pid ${pid})...`);
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (postgresPid(home) !== undefined && Date.now() < deadline) await sleep(200);
  if (postgresPid(home) !== undefined) process.kill(pid, 'SIGKILL');
  return true;
}
