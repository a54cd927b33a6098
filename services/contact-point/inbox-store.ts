/**
 * One country's inbox as its contact point serves it, in the contact point's schema: the copies
 * and forwarding permissions of liaison.inbox.<CC>, and what the contact point itself sent back
 * through liaison.outbox.<CC> (receipts, replies, refusals, requests). Records are applied by the
 * desk's state reader inside its transaction (`applyInbox`, `applyOutbox`); every write is an
 * insert-if-absent or a monotonic update, so applying a record again changes nothing. The
 * queries read only what a page or an API call shows, through the indexes of its migration.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { Client, Database } from '../shared/database.ts';

type Notice = EuLiaison.Notice;
type NoticeCopy = EuLiaison.NoticeCopy;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Rule 15: urgent requests 8 hours where the information is directly accessible, 3 days otherwise; others 7 days. */
export function dueTimeOf(notice: Notice): number | null {
  if (notice.kind !== 'REQUEST') return null;
  const allowed = notice.priority === 'URGENT' ? (notice.directlyAccessible ? 8 * HOUR : 3 * DAY) : 7 * DAY;
  return notice.createdAt + allowed;
}

export interface InboxItem {
  noticeId: string;
  /** The latest copy (a derogation's RELEASED copy supersedes its NON_PERSONAL part). */
  copy: NoticeCopy;
  dueAt: number | null;
  receipts: Map<EuLiaison.ReceiptStatus, number>;
  answer?: { noticeId: string; at: number; refusal: EuLiaison.RefusalGround | null };
  /** Corrections and withdrawals of this notice that reached this country (rule 12). */
  corrections: Array<{ noticeId: string; action: EuLiaison.CorrectionAction }>;
  permissions: EuLiaison.ForwardingPermission[];
  purgedAt?: number;
}

export interface InboxFilter {
  kind?: EuLiaison.NoticeKind;
  priority?: EuLiaison.Priority;
  crimeArea?: EuLiaison.CrimeArea;
  overdue?: boolean;
}

export interface YearStatistics {
  country: string;
  year: number;
  received: { requests: number; urgent: number; answered: number; answeredLate: number; refused: number; refusalsByGround: Record<string, number>; overdue: number };
  sent: { requests: number; urgent: number };
}

/** A request past its due time, not answered, not purged. */
export function isOverdue(item: Pick<InboxItem, 'dueAt' | 'answer' | 'purgedAt'>, now: number): boolean {
  return item.dueAt !== null && !item.answer && item.purgedAt === undefined && now > item.dueAt;
}

/** What a purge leaves of a copy: the routing, no content (rule 14). */
const PURGED_CONTENT = { summary: '', subjects: [], vehicles: [], vessels: [], containers: [], parcels: [], organisations: [], financial: [], seizures: [], attachments: [] };

/** How often a running instance says it is alive, and after how long without it its claims are taken over. */
export const INSTANCE_SEEN_MS = 3_000;
export const INSTANCE_GONE_MS = 10_000;

/** An instance seen now (and instances not seen for a day forgotten). */
export async function seeInstance(db: Database, instance: string, now: number): Promise<void> {
  await db.query('INSERT INTO instances (id, seen_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at', [instance, now]);
  await db.query('DELETE FROM instances WHERE seen_at < $1', [now - 86_400_000]);
}

/** The inbox list's page size when none is asked for, and its ceiling. */
export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1_000;

// ---------------------------------------------------------------- applying records

/** Copies and permissions read from the inbox, in order; returns the notices new to this inbox. */
export async function applyInbox(client: Client, country: string, copies: NoticeCopy[], permissions: EuLiaison.ForwardingPermission[]): Promise<string[]> {
  if (permissions.length > 0) {
    await client.query(
      `INSERT INTO permissions (country, notice_id, permission_id, permission)
       SELECT $1, n, p, j FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS t(n, p, j) ON CONFLICT DO NOTHING`,
      [country, permissions.map((p) => p.noticeId), permissions.map((p) => p.permissionId), permissions.map((p) => JSON.stringify(p))],
    );
  }
  if (copies.length === 0) return [];
  // The latest copy of a notice wins, also within one batch (a statement may change a row once).
  const latest = [...new Map(copies.map((c) => [c.notice.noticeId, c])).values()];
  const inserted = await client.query<{ notice_id: string }>(
    `INSERT INTO copies (country, notice_id, copy_id, origin, kind, priority, crime_areas, case_ref, created_at, delivered_at, expires_at, due_at, correction_of, copy)
     SELECT $1, n, ci, o, k, p, string_to_array(ca, ','), cr, c, d, e, du, co, j
       FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[], $11::bigint[], $12::bigint[], $13::text[], $14::jsonb[])
         AS t(n, ci, o, k, p, ca, cr, c, d, e, du, co, j)
     ON CONFLICT (country, notice_id) DO UPDATE
       SET copy = EXCLUDED.copy, copy_id = EXCLUDED.copy_id, delivered_at = EXCLUDED.delivered_at, expires_at = EXCLUDED.expires_at
       WHERE copies.purged_at IS NULL
     RETURNING notice_id, (xmax = 0) AS inserted`,
    [
      country,
      latest.map((c) => c.notice.noticeId),
      latest.map((c) => c.copyId),
      latest.map((c) => c.origin),
      latest.map((c) => c.notice.kind),
      latest.map((c) => c.notice.priority),
      latest.map((c) => c.notice.crimeAreas.join(',')),
      latest.map((c) => c.notice.caseRef),
      latest.map((c) => c.notice.createdAt),
      latest.map((c) => c.deliveredAt),
      latest.map((c) => c.expiresAt),
      latest.map((c) => dueTimeOf(c.notice)),
      latest.map((c) => c.notice.correction?.of ?? null),
      latest.map((c) => JSON.stringify(c)),
    ],
  );
  const fresh = (inserted.rows as Array<{ notice_id: string; inserted: boolean }>).filter((r) => r.inserted).map((r) => r.notice_id);
  if (fresh.length === 0) return [];
  // What was read before the copy (another partition): its answer, its receipts, a purge.
  await client.query(
    `UPDATE copies c SET answered_at = a.at FROM answers a
      WHERE c.country = $1 AND c.notice_id = ANY($2) AND a.country = c.country AND a.in_reply_to = c.notice_id`,
    [country, fresh],
  );
  await client.query(
    `UPDATE copies c SET received_at = r.at FROM receipts r
      WHERE c.country = $1 AND c.notice_id = ANY($2) AND r.country = c.country AND r.notice_id = c.notice_id AND r.status = 'RECEIVED'`,
    [country, fresh],
  );
  await client.query(
    `INSERT INTO corrections (country, of_notice_id, notice_id, action)
     SELECT country, correction_of, notice_id, copy->'notice'->'correction'->>'action' FROM copies
      WHERE country = $1 AND notice_id = ANY($2) AND correction_of IS NOT NULL ON CONFLICT DO NOTHING`,
    [country, fresh],
  );
  await resize(client, country, fresh.length);
  const early = await client.query<{ notice_id: string; at: string }>(`SELECT notice_id, at FROM receipts WHERE country = $1 AND notice_id = ANY($2) AND status = 'PURGED'`, [country, fresh]);
  await purge(client, country, early.rows.map((r) => ({ noticeId: r.notice_id, at: Number(r.at) })));
  return fresh.filter((id) => !early.rows.some((r) => r.notice_id === id));
}

/** Receipts and notices the country sent, read back from its outbox (or written as they are sent). */
export async function applyOutbox(client: Client, country: string, receipts: EuLiaison.Receipt[], sent: Notice[]): Promise<void> {
  if (receipts.length > 0) {
    const added = await client.query<{ notice_id: string; status: string; at: string }>(
      `INSERT INTO receipts (country, notice_id, status, at)
       SELECT $1, n, s, a FROM unnest($2::text[], $3::text[], $4::bigint[]) AS t(n, s, a) ON CONFLICT DO NOTHING
       RETURNING notice_id, status, at`,
      [country, receipts.map((r) => r.noticeId), receipts.map((r) => r.status), receipts.map((r) => r.at)],
    );
    const rows = added.rows;
    const received = rows.filter((r) => r.status === 'RECEIVED');
    if (received.length > 0) {
      await client.query(
        `UPDATE copies c SET received_at = t.a FROM unnest($2::text[], $3::bigint[]) AS t(n, a)
          WHERE c.country = $1 AND c.notice_id = t.n AND c.received_at IS NULL`,
        [country, received.map((r) => r.notice_id), received.map((r) => r.at)],
      );
    }
    await purge(client, country, rows.filter((r) => r.status === 'PURGED').map((r) => ({ noticeId: r.notice_id, at: Number(r.at) })));
    // A receipt that arrived needs no claim any more.
    await client.query(
      `DELETE FROM claims c USING unnest($2::text[], $3::text[]) AS t(n, s) WHERE c.country = $1 AND c.notice_id = t.n AND c.status = t.s`,
      [country, rows.map((r) => r.notice_id), rows.map((r) => r.status)],
    );
  }
  if (sent.length > 0) {
    await client.query(
      `INSERT INTO sent (country, notice_id, kind, priority, created_at)
       SELECT $1, n, k, p, c FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS t(n, k, p, c) ON CONFLICT DO NOTHING`,
      [country, sent.map((n) => n.noticeId), sent.map((n) => n.kind), sent.map((n) => n.priority), sent.map((n) => n.createdAt)],
    );
    const answers = sent.filter((n) => n.kind === 'RESPONSE' && n.inReplyTo);
    if (answers.length > 0) {
      // The first answer to a request counts (ordered as sent).
      const first = [...new Map([...answers].reverse().map((n) => [n.inReplyTo!, n])).values()];
      const added = await client.query<{ in_reply_to: string; at: string }>(
        `INSERT INTO answers (country, in_reply_to, answer_notice_id, at, refusal)
         SELECT $1, r, n, a, g FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS t(r, n, a, g) ON CONFLICT DO NOTHING
         RETURNING in_reply_to, at`,
        [country, first.map((n) => n.inReplyTo!), first.map((n) => n.noticeId), first.map((n) => n.createdAt), first.map((n) => n.refusal?.ground ?? null)],
      );
      if (added.rows.length > 0) {
        await client.query(
          `UPDATE copies c SET answered_at = t.a FROM unnest($2::text[], $3::bigint[]) AS t(n, a)
            WHERE c.country = $1 AND c.notice_id = t.n AND c.answered_at IS NULL`,
          [country, added.rows.map((r) => r.in_reply_to), added.rows.map((r) => r.at)],
        );
      }
    }
  }
}

/** Rule 14: the content forgotten, the fact that it was held and purged kept. */
async function purge(client: Client, country: string, purges: Array<{ noticeId: string; at: number }>): Promise<void> {
  if (purges.length === 0) return;
  const done = await client.query(
    `UPDATE copies c SET purged_at = t.a, copy = jsonb_set(c.copy, '{notice}', (c.copy->'notice') || $4::jsonb)
       FROM unnest($2::text[], $3::bigint[]) AS t(n, a)
      WHERE c.country = $1 AND c.notice_id = t.n AND c.purged_at IS NULL`,
    [country, purges.map((p) => p.noticeId), purges.map((p) => p.at), JSON.stringify(PURGED_CONTENT)],
  );
  await client.query(`DELETE FROM permissions WHERE country = $1 AND notice_id = ANY($2)`, [country, purges.map((p) => p.noticeId)]);
  await resize(client, country, -(done.rowCount ?? 0));
}

async function resize(client: Client, country: string, by: number): Promise<void> {
  if (by === 0) return;
  await client.query('INSERT INTO inbox_sizes (country, notices) VALUES ($1, $2) ON CONFLICT (country) DO UPDATE SET notices = inbox_sizes.notices + EXCLUDED.notices', [country, by]);
}

// ---------------------------------------------------------------- reading

interface CopyRow {
  notice_id: string;
  due_at: string | null;
  purged_at: string | null;
  copy: NoticeCopy;
}

const COPY_COLUMNS = 'notice_id, due_at, purged_at, copy';

/** Reads one country's inbox. */
export class InboxStore {
  constructor(
    private readonly db: Database,
    readonly country: string,
  ) {}

  async get(noticeId: string): Promise<InboxItem | undefined> {
    const row = await this.db.query<CopyRow>(`SELECT ${COPY_COLUMNS} FROM copies WHERE country = $1 AND notice_id = $2`, [this.country, noticeId]);
    if (row.rows.length === 0) return undefined;
    const [item] = await this.items(row.rows, true);
    return item;
  }

  /**
   * Overdue requests first (most overdue first), then the newest; at most `limit`. Each part is
   * one range of an index, however many copies the inbox holds.
   */
  async list(filter: InboxFilter, now: number, limit = DEFAULT_PAGE): Promise<InboxItem[]> {
    const conditions = ['c.country = $1', 'c.purged_at IS NULL'];
    const values: unknown[] = [this.country, now, limit];
    const add = (sql: string, value: unknown) => {
      values.push(value);
      conditions.push(sql.replace('?', `$${values.length}`));
    };
    if (filter.kind) add('c.kind = ?', filter.kind);
    if (filter.priority) add('c.priority = ?', filter.priority);
    if (filter.crimeArea) add('? = ANY(c.crime_areas)', filter.crimeArea);
    const where = conditions.join(' AND ');
    const overdueSql = `SELECT ${COPY_COLUMNS} FROM copies c WHERE ${where} AND c.due_at IS NOT NULL AND c.answered_at IS NULL AND c.due_at < $2 ORDER BY c.due_at LIMIT $3`;
    const overdue = filter.overdue === false ? [] : (await this.db.query<CopyRow>(overdueSql, values)).rows;
    let rest: CopyRow[] = [];
    if (filter.overdue !== true && overdue.length < limit) {
      const notOverdue = '(c.due_at IS NULL OR c.answered_at IS NOT NULL OR c.due_at >= $2)';
      rest = (await this.db.query<CopyRow>(`SELECT ${COPY_COLUMNS} FROM copies c WHERE ${where} AND ${notOverdue} ORDER BY c.delivered_at DESC LIMIT $3 - ${overdue.length}`, values)).rows;
    }
    return this.items([...overdue, ...rest], false);
  }

  async overdueCount(now: number): Promise<number> {
    const r = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM copies WHERE country = $1 AND due_at IS NOT NULL AND answered_at IS NULL AND purged_at IS NULL AND due_at < $2`, [this.country, now]);
    return Number(r.rows[0]!.n);
  }

  /** Notices in the inbox, purged ones excluded. */
  async size(): Promise<number> {
    const r = await this.db.query<{ notices: string }>('SELECT notices FROM inbox_sizes WHERE country = $1', [this.country]);
    return Number(r.rows[0]?.notices ?? 0);
  }

  /** Copies that still need their RECEIVED receipt, oldest first. */
  async unacknowledgedIds(limit: number): Promise<string[]> {
    const rows = await this.db.query<{ notice_id: string }>('SELECT notice_id FROM copies WHERE country = $1 AND received_at IS NULL AND purged_at IS NULL ORDER BY delivered_at LIMIT $2', [this.country, limit]);
    return rows.rows.map((r) => r.notice_id);
  }

  async unacknowledgedCount(): Promise<number> {
    const r = await this.db.query<{ n: string }>('SELECT count(*) AS n FROM copies WHERE country = $1 AND received_at IS NULL AND purged_at IS NULL', [this.country]);
    return Number(r.rows[0]!.n);
  }

  /** Rule 14: copies past their expiry that are not yet purged, oldest expiry first. */
  async expired(now: number, limit: number): Promise<InboxItem[]> {
    const rows = await this.db.query<CopyRow>(`SELECT ${COPY_COLUMNS} FROM copies WHERE country = $1 AND purged_at IS NULL AND expires_at <= $2 ORDER BY expires_at LIMIT $3`, [this.country, now, limit]);
    return this.items(rows.rows, false);
  }

  /**
   * Takes the sending of a receipt for `instance`: true when no other instance sends it now (an
   * instance may take its own claim again). A claim is taken over when its instance is no longer
   * seen (killed) or after `staleMs`.
   */
  async claim(noticeId: string, status: EuLiaison.ReceiptStatus, instance: string, now: number, staleMs = 5 * 60_000): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO claims (country, notice_id, status, instance, claimed_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (country, notice_id, status) DO UPDATE SET instance = EXCLUDED.instance, claimed_at = EXCLUDED.claimed_at
        WHERE claims.instance = EXCLUDED.instance OR claims.claimed_at < $6 OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = claims.instance AND i.seen_at >= $7)
       RETURNING 1`,
      [this.country, noticeId, status, instance, now, now - staleMs, now - INSTANCE_GONE_MS],
    );
    return (r.rowCount ?? 0) > 0;
  }

  /** Of these copies, the ones this instance now holds the claim of for `status` (one statement; the rules of `claim`). */
  async claimMany(noticeIds: readonly string[], status: EuLiaison.ReceiptStatus, instance: string, now: number, staleMs = 5 * 60_000): Promise<string[]> {
    if (noticeIds.length === 0) return [];
    const r = await this.db.query<{ notice_id: string }>(
      `INSERT INTO claims (country, notice_id, status, instance, claimed_at) SELECT $1, n, $3, $4, $5 FROM unnest($2::text[]) AS n
       ON CONFLICT (country, notice_id, status) DO UPDATE SET instance = EXCLUDED.instance, claimed_at = EXCLUDED.claimed_at
        WHERE claims.instance = EXCLUDED.instance OR claims.claimed_at < $6 OR NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = claims.instance AND i.seen_at >= $7)
       RETURNING notice_id`,
      [this.country, noticeIds, status, instance, now, now - staleMs, now - INSTANCE_GONE_MS],
    );
    return r.rows.map((row) => row.notice_id);
  }

  /** What a RECEIVED receipt names of each of these copies that still has none (purged ones left out). */
  async stillUnacknowledged(noticeIds: readonly string[]): Promise<Array<{ noticeId: string; copyId: string; caseRef: string }>> {
    if (noticeIds.length === 0) return [];
    const r = await this.db.query<{ notice_id: string; copy_id: string; case_ref: string }>(
      'SELECT notice_id, copy_id, case_ref FROM copies WHERE country = $1 AND notice_id = ANY($2::text[]) AND received_at IS NULL AND purged_at IS NULL',
      [this.country, noticeIds],
    );
    return r.rows.map((row) => ({ noticeId: row.notice_id, copyId: row.copy_id, caseRef: row.case_ref }));
  }

  /** Gives a claim back (the receipt could not be sent): another attempt may take it at once. */
  async release(noticeId: string, status: EuLiaison.ReceiptStatus): Promise<void> {
    await this.db.query('DELETE FROM claims WHERE country = $1 AND notice_id = $2 AND status = $3', [this.country, noticeId, status]);
  }

  /** Rule 15's yearly statistics: requests sent and received, urgent or not, refusals by ground, late answers. */
  async statistics(year: number, now: number): Promise<YearStatistics> {
    const from = Date.UTC(year, 0, 1);
    const to = Date.UTC(year + 1, 0, 1);
    const received = await this.db.query<{ requests: string; urgent: string; answered: string; late: string; refused: string; overdue: string }>(
      `SELECT count(*) AS requests,
              count(*) FILTER (WHERE c.priority = 'URGENT') AS urgent,
              count(*) FILTER (WHERE a.in_reply_to IS NOT NULL AND a.refusal IS NULL) AS answered,
              count(*) FILTER (WHERE a.in_reply_to IS NOT NULL AND c.due_at IS NOT NULL AND a.at > c.due_at) AS late,
              count(*) FILTER (WHERE a.refusal IS NOT NULL) AS refused,
              count(*) FILTER (WHERE a.in_reply_to IS NULL AND c.purged_at IS NULL AND c.due_at IS NOT NULL AND c.due_at < $4) AS overdue
         FROM copies c LEFT JOIN answers a ON a.country = c.country AND a.in_reply_to = c.notice_id
        WHERE c.country = $1 AND c.kind = 'REQUEST' AND c.created_at >= $2 AND c.created_at < $3`,
      [this.country, from, to, now],
    );
    const grounds = await this.db.query<{ refusal: string; n: string }>(
      `SELECT a.refusal, count(*) AS n FROM copies c JOIN answers a ON a.country = c.country AND a.in_reply_to = c.notice_id
        WHERE c.country = $1 AND c.kind = 'REQUEST' AND c.created_at >= $2 AND c.created_at < $3 AND a.refusal IS NOT NULL GROUP BY a.refusal`,
      [this.country, from, to],
    );
    const sent = await this.db.query<{ requests: string; urgent: string }>(
      `SELECT count(*) AS requests, count(*) FILTER (WHERE priority = 'URGENT') AS urgent FROM sent WHERE country = $1 AND kind = 'REQUEST' AND created_at >= $2 AND created_at < $3`,
      [this.country, from, to],
    );
    const r = received.rows[0]!;
    return {
      country: this.country,
      year,
      received: {
        requests: Number(r.requests),
        urgent: Number(r.urgent),
        answered: Number(r.answered),
        answeredLate: Number(r.late),
        refused: Number(r.refused),
        refusalsByGround: Object.fromEntries(grounds.rows.map((g) => [g.refusal, Number(g.n)])),
        overdue: Number(r.overdue),
      },
      sent: { requests: Number(sent.rows[0]!.requests), urgent: Number(sent.rows[0]!.urgent) },
    };
  }

  /** Rows made items: receipts, answers and corrections of the page in one query each; permissions only for one item. */
  private async items(rows: CopyRow[], withPermissions: boolean): Promise<InboxItem[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.notice_id);
    const [receipts, answers, corrections, permissions] = await Promise.all([
      this.db.query<{ notice_id: string; status: EuLiaison.ReceiptStatus; at: string }>('SELECT notice_id, status, at FROM receipts WHERE country = $1 AND notice_id = ANY($2)', [this.country, ids]),
      this.db.query<{ in_reply_to: string; answer_notice_id: string; at: string; refusal: EuLiaison.RefusalGround | null }>('SELECT in_reply_to, answer_notice_id, at, refusal FROM answers WHERE country = $1 AND in_reply_to = ANY($2)', [this.country, ids]),
      this.db.query<{ of_notice_id: string; notice_id: string; action: EuLiaison.CorrectionAction }>('SELECT of_notice_id, notice_id, action FROM corrections WHERE country = $1 AND of_notice_id = ANY($2) ORDER BY notice_id', [this.country, ids]),
      withPermissions
        ? this.db.query<{ permission: EuLiaison.ForwardingPermission }>('SELECT permission FROM permissions WHERE country = $1 AND notice_id = ANY($2) ORDER BY permission_id', [this.country, ids])
        : Promise.resolve({ rows: [] as Array<{ permission: EuLiaison.ForwardingPermission }> }),
    ]);
    return rows.map((row) => {
      const answer = answers.rows.find((a) => a.in_reply_to === row.notice_id);
      return {
        noticeId: row.notice_id,
        copy: row.copy,
        dueAt: row.due_at === null ? null : Number(row.due_at),
        receipts: new Map(receipts.rows.filter((r) => r.notice_id === row.notice_id).map((r) => [r.status, Number(r.at)])),
        ...(answer ? { answer: { noticeId: answer.answer_notice_id, at: Number(answer.at), refusal: answer.refusal } } : {}),
        corrections: corrections.rows.filter((c) => c.of_notice_id === row.notice_id).map((c) => ({ noticeId: c.notice_id, action: c.action })),
        permissions: permissions.rows.filter((p) => p.permission.noticeId === row.notice_id).map((p) => p.permission),
        ...(row.purged_at === null ? {} : { purgedAt: Number(row.purged_at) }),
      };
    });
  }
}
