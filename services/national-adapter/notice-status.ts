/**
 * What the origin sees of its notices, in the adapter's schema: the notices in the outboxes
 * (routing and handling only: no summary, purpose, subjects or other content; the handling
 * conditions and H3 text are kept because a withdrawal carries them, and they are the origin's
 * own text, shown to the origin only), the gateway's delivery reports and the recipients'
 * receipts in liaison.reports.<CC>. Records are applied by the adapter's state reader in its
 * transaction (`applyStatus`); the queries read one notice, or one origin's held copies.
 */
import { type NoticeHistory, type PermissionRecord, referencedBy } from '../policy/index.ts';
import type { Client, Database } from '../shared/database.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { CorrectionView, HeldView, ReceiptView, StatusView } from '../shared/status-views.ts';

export type { CorrectionView, DestinationView, HeldView, ReceiptView, StatusView } from '../shared/status-views.ts';

type Notice = EuLiaison.Notice;

const iso = (ms: number | string): string => new Date(Number(ms)).toISOString();

/** The notice without content: enough to route a withdrawal the way the original went. */
export function routingOf(notice: Notice): Notice {
  return {
    ...notice,
    summary: '',
    purpose: '',
    subjects: [],
    vehicles: [],
    vessels: [],
    containers: [],
    parcels: [],
    organisations: [],
    financial: [],
    seizures: [],
    attachments: [],
    specialCategories: { strictlyNecessary: false, justification: null },
  };
}

/** One record of the status view, as read from its topic (the topic proves the origin or provider). */
export type StatusRecord =
  | { kind: 'submitted'; notice: Notice; origin: string }
  | { kind: 'permitted'; permission: EuLiaison.ForwardingPermission; provider: string }
  | { kind: 'reported'; report: EuLiaison.DeliveryReport }
  | { kind: 'receipt'; receipt: EuLiaison.Receipt };

/** Applies records in their order; a notice or permission claiming another origin than its outbox is not recorded (the gateway dead-letters it). */
export async function applyStatus(client: Client, records: StatusRecord[]): Promise<void> {
  for (const r of records) {
    switch (r.kind) {
      case 'submitted': {
        if (r.notice.sender.country !== r.origin) break;
        const n = r.notice;
        await client.query(
          'INSERT INTO notices (notice_id, origin, case_ref, correction_of, routing) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
          [n.noticeId, r.origin, n.caseRef, n.correction?.of ?? null, JSON.stringify(routingOf(n))],
        );
        if (n.correction) await client.query('INSERT INTO corrections (of_notice_id, notice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [n.correction.of, n.noticeId]);
        break;
      }
      case 'permitted':
        if (r.permission.provider !== r.provider) break;
        await client.query('INSERT INTO permissions (permission_id, provider, granted_to, notice_id) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [r.permission.permissionId, r.provider, r.permission.grantedTo, r.permission.noticeId]);
        break;
      case 'reported': {
        const report = r.report;
        await client.query(
          `INSERT INTO reports (notice_id, origin, case_ref, processed_at, policy_version, correction_of) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (notice_id) DO UPDATE SET origin = EXCLUDED.origin, case_ref = EXCLUDED.case_ref, processed_at = EXCLUDED.processed_at,
             policy_version = EXCLUDED.policy_version, correction_of = COALESCE(EXCLUDED.correction_of, reports.correction_of)`,
          [report.noticeId, report.origin, report.caseRef, report.processedAt, report.policyVersion, report.correctionOf],
        );
        // Each destination's latest outcome; its place in the list is where it was first reported.
        for (const d of report.destinations) {
          await client.query(
            `INSERT INTO deliveries (notice_id, destination, position, origin, status, decided_at, outcome)
             VALUES ($1, $2, (SELECT COALESCE(max(position) + 1, 0) FROM deliveries WHERE notice_id = $1), $3, $4, $5, $6)
             ON CONFLICT (notice_id, destination) DO UPDATE SET status = EXCLUDED.status, decided_at = EXCLUDED.decided_at, outcome = EXCLUDED.outcome, origin = EXCLUDED.origin`,
            [report.noticeId, d.destination, report.origin, d.status, report.processedAt, JSON.stringify(d)],
          );
        }
        if (report.correctionOf) await client.query('INSERT INTO corrections (of_notice_id, notice_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [report.correctionOf, report.noticeId]);
        break;
      }
      case 'receipt':
        await client.query('INSERT INTO receipts (notice_id, recipient, status, at, by) VALUES ($1, $2, $3, $4, $5)', [r.receipt.noticeId, r.receipt.recipient, r.receipt.status, r.receipt.at, r.receipt.by]);
        break;
    }
  }
}

interface NoticeRow {
  notice_id: string;
  origin: string;
  case_ref: string;
  routing: Notice;
}
interface ReportRow {
  notice_id: string;
  origin: string;
  case_ref: string;
  processed_at: string;
  policy_version: string;
  correction_of: string | null;
}
interface DeliveryRow {
  notice_id: string;
  destination: string;
  status: EuLiaison.DeliveryStatus;
  decided_at: string;
  outcome: EuLiaison.DestinationOutcome;
}
interface ReceiptRow {
  notice_id: string;
  recipient: string;
  status: EuLiaison.ReceiptStatus;
  at: string;
  by: string | null;
}

/** Reads the status view. */
export class NoticeStatusStore {
  constructor(private readonly db: Database) {}

  /** The origin of a known notice, for the caller check (a notice of another country is "not found"). */
  async originOf(noticeId: string): Promise<string | undefined> {
    const r = await this.db.query<{ origin: string | null }>('SELECT COALESCE((SELECT origin FROM notices WHERE notice_id = $1), (SELECT origin FROM reports WHERE notice_id = $1)) AS origin', [noticeId]);
    return r.rows[0]?.origin ?? undefined;
  }

  async routing(noticeId: string): Promise<Notice | undefined> {
    return (await this.db.query<{ routing: Notice }>('SELECT routing FROM notices WHERE notice_id = $1', [noticeId])).rows[0]?.routing;
  }

  /** What the checks of a notice's references need to know (policy/notice-references.ts), read in three queries. */
  async history(notice: Notice): Promise<NoticeHistory> {
    const { notices, permissions } = referencedBy(notice);
    const [origins, received, granted] = await Promise.all([
      this.db.query<{ notice_id: string; origin: string }>('SELECT notice_id, origin FROM notices WHERE notice_id = ANY($1) UNION SELECT notice_id, origin FROM reports WHERE notice_id = ANY($1)', [notices]),
      this.db.query<{ notice_id: string; destination: string }>("SELECT notice_id, destination FROM deliveries WHERE notice_id = ANY($1) AND status IN ('DELIVERED', 'DELIVERED_FILTERED')", [notices]),
      this.db.query<{ permission_id: string; provider: string; granted_to: string; notice_id: string }>('SELECT permission_id, provider, granted_to, notice_id FROM permissions WHERE permission_id = ANY($1)', [permissions]),
    ]);
    const originOf = new Map(origins.rows.map((r) => [r.notice_id, r.origin]));
    const receivedBy = new Set(received.rows.map((r) => `${r.notice_id}\n${r.destination}`));
    const permitted = new Map<string, PermissionRecord>(granted.rows.map((r) => [r.permission_id, { provider: r.provider, grantedTo: r.granted_to, noticeId: r.notice_id }]));
    return {
      originOf: (id) => originOf.get(id),
      received: (id, country) => receivedBy.has(`${id}\n${country}`),
      permission: (id) => permitted.get(id),
    };
  }

  async view(noticeId: string): Promise<StatusView | undefined> {
    const [notice, report] = await Promise.all([
      this.db.query<NoticeRow>('SELECT notice_id, origin, case_ref, routing FROM notices WHERE notice_id = $1', [noticeId]),
      this.db.query<ReportRow>('SELECT * FROM reports WHERE notice_id = $1', [noticeId]),
    ]);
    const n = notice.rows[0];
    const r = report.rows[0];
    if (!n && !r) return undefined;
    const origin = n?.origin ?? r!.origin;
    const [deliveries, receipts, corrections] = await Promise.all([
      this.deliveries([noticeId]),
      this.receipts([noticeId]),
      this.db.query<{ notice_id: string }>('SELECT notice_id FROM corrections WHERE of_notice_id = $1 ORDER BY notice_id', [noticeId]),
    ]);
    return {
      noticeId,
      caseRef: r?.case_ref ?? n!.case_ref,
      origin,
      kind: n?.routing.kind ?? null,
      state: r ? 'PROCESSED' : 'SUBMITTED',
      processedAt: r ? iso(r.processed_at) : null,
      policyVersion: r?.policy_version ?? null,
      correctionOf: r?.correction_of ?? n?.routing.correction?.of ?? null,
      destinations: deliveries.map((d) => ({
        ...d.outcome,
        expiresAt: d.outcome.expiresAt === null ? null : iso(d.outcome.expiresAt),
        receipts: receipts.filter((x) => x.recipient === d.destination).map(receiptView),
      })),
      // Only the origin's own corrections: a notice of another country naming this one is not one of them.
      corrections: await this.correctionViews(corrections.rows.map((c) => c.notice_id), origin),
    };
  }

  /** Rule 5: copies of the origin's notices that wait for its data protection officer. */
  async held(origin: string): Promise<HeldView[]> {
    const rows = await this.db.query<DeliveryRow & { case_ref: string }>(
      `SELECT d.notice_id, d.destination, d.status, d.decided_at, d.outcome, r.case_ref FROM deliveries d JOIN reports r USING (notice_id)
        WHERE d.origin = $1 AND d.status = 'HELD_FOR_REVIEW' ORDER BY d.decided_at, d.notice_id, d.destination`,
      [origin],
    );
    return rows.rows.map((d) => ({
      noticeId: d.notice_id,
      caseRef: d.case_ref,
      destination: d.destination,
      agreement: d.outcome.agreement,
      reasons: d.outcome.reasons,
      fieldActions: d.outcome.fieldActions,
      heldSince: iso(d.decided_at),
    }));
  }

  async isHeld(noticeId: string, destination: string): Promise<boolean> {
    return ((await this.db.query("SELECT 1 FROM deliveries WHERE notice_id = $1 AND destination = $2 AND status = 'HELD_FOR_REVIEW'", [noticeId, destination])).rowCount ?? 0) > 0;
  }

  /** Whether the destination received a copy: a forwarding permission, a reply and a provenance need it. */
  async received(noticeId: string, destination: string): Promise<boolean> {
    return ((await this.db.query("SELECT 1 FROM deliveries WHERE notice_id = $1 AND destination = $2 AND status IN ('DELIVERED', 'DELIVERED_FILTERED')", [noticeId, destination])).rowCount ?? 0) > 0;
  }

  private async deliveries(ids: string[]): Promise<DeliveryRow[]> {
    return (await this.db.query<DeliveryRow>('SELECT notice_id, destination, status, decided_at, outcome FROM deliveries WHERE notice_id = ANY($1) ORDER BY notice_id, position', [ids])).rows;
  }

  private async receipts(ids: string[]): Promise<ReceiptRow[]> {
    return (await this.db.query<ReceiptRow>('SELECT notice_id, recipient, status, at, by FROM receipts WHERE notice_id = ANY($1) ORDER BY id', [ids])).rows;
  }

  private async correctionViews(ids: string[], origin: string): Promise<CorrectionView[]> {
    if (ids.length === 0) return [];
    const [notices, reports, deliveries, receipts] = await Promise.all([
      this.db.query<NoticeRow>('SELECT notice_id, origin, case_ref, routing FROM notices WHERE notice_id = ANY($1)', [ids]),
      this.db.query<ReportRow>('SELECT * FROM reports WHERE notice_id = ANY($1)', [ids]),
      this.deliveries(ids),
      this.receipts(ids),
    ]);
    return ids
      .filter((id) => (notices.rows.find((n) => n.notice_id === id)?.origin ?? reports.rows.find((r) => r.notice_id === id)?.origin) === origin)
      .map((id) => {
        const correction = notices.rows.find((n) => n.notice_id === id)?.routing.correction ?? null;
        return {
          noticeId: id,
          action: correction?.action ?? null,
          reason: correction?.reason ?? null,
          recipients: deliveries
            .filter((d) => d.notice_id === id)
            .map((d) => ({
              destination: d.destination,
              status: d.status,
              acknowledgedAt: (() => {
                const ack = receipts.find((r) => r.notice_id === id && r.recipient === d.destination && r.status === 'CORRECTION_ACKNOWLEDGED');
                return ack ? iso(ack.at) : null;
              })(),
            })),
        };
      });
  }
}

const receiptView = (r: ReceiptRow): ReceiptView => ({ status: r.status, at: iso(r.at), by: r.by });
