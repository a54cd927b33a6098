/**
 * express-rate-limit's counters in the service's own PostgreSQL schema, so that every instance
 * of a service counts against one limit (two adapter replicas do not give a country twice its
 * requests). One atomic upsert per request: a fixed window per key, as the library's memory
 * store counts. The library's own PostgreSQL store (@acpr/rate-limit-postgresql) needs a
 * `rate_limit` schema and the uuid-ossp extension created by the service's role; Liaison's roles
 * may create nothing outside their own schema, so the counters live there, through the `Store`
 * interface the library defines for this.
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Database } from './database.ts';
import { DatabaseUnavailableError } from './errors.ts';

export class DatabaseRateLimitStore implements Store {
  /** The counters are shared: the library must not assume it sees every hit itself. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly database: () => Database | undefined,
    /** Tells the limiters that share the table apart (one store per limiter). */
    readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const rows = await this.db().query<{ hits: number; resets_at: string }>('SELECT hits, resets_at FROM rate_limits WHERE key = $1 AND resets_at > $2', [this.prefix + key, this.now()]);
    const row = rows.rows[0];
    return row ? { totalHits: row.hits, resetTime: new Date(Number(row.resets_at)) } : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.now();
    const rows = await this.db().query<{ hits: number; resets_at: string }>(
      `INSERT INTO rate_limits AS r (key, hits, resets_at) VALUES ($1, 1, $2::bigint + $3::bigint)
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.resets_at <= $2 THEN 1 ELSE r.hits + 1 END,
         resets_at = CASE WHEN r.resets_at <= $2 THEN $2::bigint + $3::bigint ELSE r.resets_at END
       RETURNING hits, resets_at`,
      [this.prefix + key, now, this.windowMs],
    );
    const row = rows.rows[0]!;
    return { totalHits: row.hits, resetTime: new Date(Number(row.resets_at)) };
  }

  async decrement(key: string): Promise<void> {
    await this.db().query('UPDATE rate_limits SET hits = GREATEST(hits - 1, 0) WHERE key = $1', [this.prefix + key]);
  }

  async resetKey(key: string): Promise<void> {
    await this.db().query('DELETE FROM rate_limits WHERE key = $1', [this.prefix + key]);
  }

  private db(): Database {
    const db = this.database();
    // Before the service opened its database: refused with 503 and Retry-After, never let through uncounted.
    if (!db) throw new DatabaseUnavailableError('the rate limits are not readable yet: the service is starting');
    return db;
  }
}
