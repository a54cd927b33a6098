/**
 * Where each service keeps what it serves: PostgreSQL, one schema per service, migrated at
 * start (node-pg-migrate, plain SQL files in services/<service>/migrations/). Kafka stays the
 * system of record; the database holds the state built from it, with the offsets it was built
 * to (services/shared/state-reader.ts), so a start never replays history.
 *
 * Which database: the connection's (services/shared/connection.ts).
 */
import { join } from 'node:path';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { type DatabaseService, PROJECT_ROOT, schemaOf } from './connection.ts';
import { ConfigError, DatabaseUnavailableError } from './errors.ts';
import type { Logger } from './logger.ts';

export const migrationsDir = (service: DatabaseService): string => join(PROJECT_ROOT, 'services', service === 'adapter' ? 'national-adapter' : service, 'migrations');

/** The server's address and the user, never the password: for logs and messages. */
export function describeDatabase(url: string): string {
  try {
    const u = new URL(url);
    return `${decodeURIComponent(u.username)}@${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(an unparsable DATABASE_URL)';
  }
}

export interface DatabaseOptions {
  url: string;
  service: DatabaseService;
  logger: Logger;
  /** Connections in the pool (default 10). */
  max?: number;
}

export type Client = pg.PoolClient;

/** A pool on the service's schema, migrated; tells whether the server answered the last time it was asked. */
export class Database {
  readonly pool: pg.Pool;
  readonly schema: string;
  private lastError: string | undefined;

  private constructor(private readonly options: DatabaseOptions) {
    this.schema = schemaOf(options.service);
    this.pool = new pg.Pool({
      connectionString: options.url,
      max: options.max ?? 10,
      // Also the wait for a free connection of the pool under load, not only the server's answer.
      connectionTimeoutMillis: 15_000,
      idleTimeoutMillis: 30_000,
      // Everything the service does is in its schema; a statement that runs away is stopped.
      options: `-c search_path=${this.schema} -c statement_timeout=60000`,
      application_name: `liaison-${options.service}`,
    });
    // A server gone away while a connection idles must not kill the process: the next query says so.
    this.pool.on('error', (error) => this.failed(error));
  }

  /** Connects (retrying while the server starts, up to `waitMs`) and applies the service's migrations. */
  static async open(options: DatabaseOptions, waitMs = 60_000): Promise<Database> {
    const db = new Database(options);
    const deadline = Date.now() + waitMs;
    for (;;) {
      try {
        await migrate(options.url, options.service, options.logger);
        await db.query('SELECT 1');
        return db;
      } catch (error) {
        if (Date.now() > deadline || error instanceof ConfigError) {
          await db.close();
          throw new ConfigError(`database ${describeDatabase(options.url)}: ${(error as Error).message}`, { cause: error });
        }
        options.logger.warn('database not reachable yet; retrying', { database: describeDatabase(options.url), error: (error as Error).message });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    try {
      const result = await this.pool.query<R>(text, values);
      this.lastError = undefined;
      return result;
    } catch (error) {
      throw this.failed(error as Error);
    }
  }

  /** `work` in one transaction: committed when it returns, rolled back when it throws. */
  async transaction<T>(work: (client: Client) => Promise<T>): Promise<T> {
    let client: Client;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failed(error as Error);
    }
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      this.lastError = undefined;
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.failed(error as Error);
    } finally {
      client.release();
    }
  }

  /** Why the database is not usable, as of the last attempt; undefined when it answered. */
  problem(): string | undefined {
    return this.lastError === undefined ? undefined : `database ${describeDatabase(this.options.url)}: ${this.lastError}`;
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  /** The error to throw: the server or the network failing makes the database unusable (a query's own error does not). */
  private failed(error: Error): Error {
    if (error instanceof DatabaseUnavailableError) return error;
    const code = (error as { code?: string }).code;
    const unreachable = code === undefined ? /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|timeout|terminat|Connection/i.test(error.message) : /^(08|57P|53)/.test(code) || /^E[A-Z]+$/.test(code);
    if (!unreachable) return error;
    this.lastError = error.message;
    return new DatabaseUnavailableError(`database ${describeDatabase(this.options.url)}: ${error.message}`, { cause: error });
  }
}

/**
 * The service's migrations, in order, each once (node-pg-migrate keeps the list in the schema's
 * `migrations` table and holds an advisory lock, so instances starting together migrate once).
 * `schema`, `count` and `direction` are for the tests of the migrations themselves.
 */
export async function migrate(url: string, service: DatabaseService, logger: Logger, options: { schema?: string; count?: number; direction?: 'up' | 'down' } = {}): Promise<string[]> {
  const schema = options.schema ?? schemaOf(service);
  // Created here only when missing (that needs CREATE on the database); the embedded stack creates
  // each schema with its owner, and an operator may do the same and grant nothing more.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    if (exists.rowCount === 0) await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  const applied = await runner({
    databaseUrl: url,
    dir: migrationsDir(service),
    direction: options.direction ?? 'up',
    count: options.count ?? Infinity,
    migrationsTable: 'migrations',
    schema,
    checkOrder: true,
    singleTransaction: true,
    // Instances starting together: the others wait for the first one's migrations, then find nothing to do.
    advisoryLockMode: 'wait',
    log: () => {},
    logger: { debug: () => {}, info: () => {}, warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
  });
  if (applied.length > 0) logger.info('database migrated', { schema, direction: options.direction ?? 'up', migrations: applied.map((m) => m.name) });
  return applied.map((m) => m.name);
}
