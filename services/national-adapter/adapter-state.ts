/**
 * What the instances of the national adapter share in PostgreSQL (schema `adapter`): the
 * Idempotency-Keys and the countries' lookup budgets. Several instances on one database give a
 * country one budget and one key space; the database decides (a primary key, a lock per
 * country), never a check in one process's memory.
 */
import type { Database } from '../shared/database.ts';
import type { LookupLimits } from './hit-index.ts';

/** What became of a reservation of an Idempotency-Key. */
export type Reservation =
  /** The key is this request's: write the notice, then `written` (or `release` when writing failed). */
  | { kind: 'reserved' }
  /** The key made this notice already, with this very body. */
  | { kind: 'replay'; noticeId: string }
  /** The key came with another body. */
  | { kind: 'reused' }
  /** Another request with this key and body is being written right now. */
  | { kind: 'in-progress' };

/** A reservation not marked written after this long belongs to an instance that died: taken over. */
const PENDING_STALE_MS = 60_000;
/** How long a key is remembered; after that the notice id derived from it still prevents a second notice. */
export const IDEMPOTENCY_KEEP_MS = 7 * 86_400_000;

export class IdempotencyKeys {
  constructor(private readonly db: Database) {}

  async reserve(country: string, key: string, bodySha256: string, noticeId: string, now: number): Promise<Reservation> {
    const taken = await this.db.query(
      `INSERT INTO idempotency_keys (country, key, body_sha256, notice_id, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (country, key) DO UPDATE SET body_sha256 = EXCLUDED.body_sha256, notice_id = EXCLUDED.notice_id, created_at = EXCLUDED.created_at
        WHERE NOT idempotency_keys.written AND idempotency_keys.created_at < $6
       RETURNING 1`,
      [country, key, bodySha256, noticeId, now, now - PENDING_STALE_MS],
    );
    if ((taken.rowCount ?? 0) > 0) return { kind: 'reserved' };
    const row = (await this.db.query<{ body_sha256: string; notice_id: string; written: boolean }>('SELECT body_sha256, notice_id, written FROM idempotency_keys WHERE country = $1 AND key = $2', [country, key])).rows[0];
    // Released between the two statements: the caller tries again as if new.
    if (!row) return this.reserve(country, key, bodySha256, noticeId, now);
    if (row.body_sha256 !== bodySha256) return { kind: 'reused' };
    return row.written ? { kind: 'replay', noticeId: row.notice_id } : { kind: 'in-progress' };
  }

  async written(country: string, key: string): Promise<void> {
    await this.db.query('UPDATE idempotency_keys SET written = true WHERE country = $1 AND key = $2', [country, key]);
  }

  /** Writing failed: the key may be used again at once. */
  async release(country: string, key: string): Promise<void> {
    await this.db.query('DELETE FROM idempotency_keys WHERE country = $1 AND key = $2 AND NOT written', [country, key]);
  }

  /** Keys older than they are kept. */
  async forgetOld(now: number): Promise<number> {
    return (await this.db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [now - IDEMPOTENCY_KEEP_MS])).rowCount ?? 0;
  }
}

export type BudgetAnswer = { ok: true } | { ok: false; retryAfterSeconds: number; limit: number };

/**
 * Identifiers looked up per country in a sliding window: a lookup is answered whole or refused
 * whole, and a country over its budget learns nothing more until enough of its spending is
 * older than the window (no window boundary to spend twice across).
 */
export class LookupBudget {
  constructor(
    private readonly db: Database,
    private readonly limits: LookupLimits,
  ) {}

  async take(country: string, identifiers: number, now: number): Promise<BudgetAnswer> {
    const windowMs = this.limits.windowSeconds * 1000;
    const spendingSql = 'SELECT at, identifiers FROM lookup_spending WHERE country = $1 AND at > $2 ORDER BY at';
    // A country over its budget (a dictionary attack) is refused in one read, without the lock:
    // what it spent in the window can only grow meanwhile, so the refusal stands.
    const refused = this.refusal((await this.db.query<Spending>(spendingSql, [country, now - windowMs])).rows, identifiers, now);
    if (refused) return refused;
    return this.db.transaction(async (client) => {
      // One country's lookups one after another, across instances; other countries are not held.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('liaison.lookup-budget.' || $1))", [country]);
      await client.query('DELETE FROM lookup_spending WHERE country = $1 AND at <= $2', [country, now - windowMs]);
      const again = this.refusal((await client.query<Spending>(spendingSql, [country, now - windowMs])).rows, identifiers, now);
      if (again) return again;
      await client.query('INSERT INTO lookup_spending (country, at, identifiers) VALUES ($1, $2, $3)', [country, now, identifiers]);
      return { ok: true };
    });
  }

  /** A refusal when the spending in the window leaves no room, saying when enough of it will have left the window. */
  private refusal(spending: Spending[], identifiers: number, now: number): BudgetAnswer | undefined {
    const windowMs = this.limits.windowSeconds * 1000;
    let spent = spending.reduce((sum, s) => sum + s.identifiers, 0);
    if (spent + identifiers <= this.limits.identifiersPerCountry) return undefined;
    let freeAt = now + windowMs;
    for (const s of spending) {
      spent -= s.identifiers;
      if (spent + identifiers <= this.limits.identifiersPerCountry) {
        freeAt = Number(s.at) + windowMs;
        break;
      }
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)), limit: this.limits.identifiersPerCountry };
  }
}

interface Spending {
  at: string;
  identifiers: number;
}
