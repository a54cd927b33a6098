/**
 * One country's inbox as its contact point sees it, rebuilt from Kafka on every start: the
 * copies and forwarding permissions in liaison.inbox.<CC>, and what the contact point itself
 * sent back through liaison.outbox.<CC> (receipts, replies, refusals). Pure: no I/O, the
 * clock is an argument.
 */
import type { EuLiaison } from '../shared/generated/contract-types.ts';

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

export class InboxStore {
  private readonly items = new Map<string, InboxItem>();
  /** Receipts and answers can be read before the copy they are about (another partition). */
  private readonly early = new Map<string, Array<(item: InboxItem) => void>>();
  private readonly permissionsEarly = new Map<string, EuLiaison.ForwardingPermission[]>();
  private readonly sentRequests: Array<{ createdAt: number; priority: EuLiaison.Priority }> = [];
  private readonly sent = new Set<string>();

  constructor(readonly country: string) {}

  get(noticeId: string): InboxItem | undefined {
    return this.items.get(noticeId);
  }

  /** A copy from the inbox; returns true when the notice is new to this inbox. */
  addCopy(copy: NoticeCopy): boolean {
    const notice = copy.notice;
    const existing = this.items.get(notice.noticeId);
    if (existing) {
      existing.copy = copy;
      return false;
    }
    const item: InboxItem = {
      noticeId: notice.noticeId,
      copy,
      dueAt: dueTimeOf(notice),
      receipts: new Map(),
      corrections: [],
      permissions: this.permissionsEarly.get(notice.noticeId) ?? [],
    };
    this.items.set(notice.noticeId, item);
    this.permissionsEarly.delete(notice.noticeId);
    for (const apply of this.early.get(notice.noticeId) ?? []) apply(item);
    this.early.delete(notice.noticeId);
    if (notice.correction) this.about(notice.correction.of, (original) => original.corrections.push({ noticeId: notice.noticeId, action: notice.correction!.action }));
    return true;
  }

  addPermission(permission: EuLiaison.ForwardingPermission): void {
    const item = this.items.get(permission.noticeId);
    if (item) item.permissions.push(permission);
    else this.permissionsEarly.set(permission.noticeId, [...(this.permissionsEarly.get(permission.noticeId) ?? []), permission]);
  }

  /** A receipt this contact point sent (read back from its own outbox). */
  addReceipt(receipt: EuLiaison.Receipt): void {
    this.about(receipt.noticeId, (item) => {
      if (!item.receipts.has(receipt.status)) item.receipts.set(receipt.status, receipt.at);
      if (receipt.status === 'PURGED') this.purge(item, receipt.at);
    });
  }

  /** A notice this country sent: an answer to a received request, or a request of its own (statistics). */
  addSent(notice: Notice): void {
    if (this.sent.has(notice.noticeId)) return; // recorded when sent, read back from the outbox later
    this.sent.add(notice.noticeId);
    if (notice.kind === 'REQUEST') this.sentRequests.push({ createdAt: notice.createdAt, priority: notice.priority });
    if (notice.kind === 'RESPONSE' && notice.inReplyTo) {
      this.about(notice.inReplyTo, (item) => {
        item.answer ??= { noticeId: notice.noticeId, at: notice.createdAt, refusal: notice.refusal?.ground ?? null };
      });
    }
  }

  private about(noticeId: string, apply: (item: InboxItem) => void): void {
    const item = this.items.get(noticeId);
    if (item) apply(item);
    else this.early.set(noticeId, [...(this.early.get(noticeId) ?? []), apply]);
  }

  isOverdue(item: InboxItem, now: number): boolean {
    return item.dueAt !== null && !item.answer && item.purgedAt === undefined && now > item.dueAt;
  }

  /** Overdue requests first (most overdue first), then the newest. */
  list(filter: InboxFilter, now: number): InboxItem[] {
    const n = (i: InboxItem) => i.copy.notice;
    return [...this.items.values()]
      .filter((i) => i.purgedAt === undefined)
      .filter((i) => !filter.kind || n(i).kind === filter.kind)
      .filter((i) => !filter.priority || n(i).priority === filter.priority)
      .filter((i) => !filter.crimeArea || n(i).crimeAreas.includes(filter.crimeArea))
      .filter((i) => filter.overdue === undefined || this.isOverdue(i, now) === filter.overdue)
      .sort((a, b) => {
        const ao = this.isOverdue(a, now);
        const bo = this.isOverdue(b, now);
        if (ao !== bo) return ao ? -1 : 1;
        if (ao) return a.dueAt! - b.dueAt!;
        return b.copy.deliveredAt - a.copy.deliveredAt;
      });
  }

  /** Copies that still need their RECEIVED receipt (after a restart, or just arrived). */
  unacknowledged(): InboxItem[] {
    return [...this.items.values()].filter((i) => !i.receipts.has('RECEIVED') && i.purgedAt === undefined);
  }

  /** Rule 14: copies past their expiry that are not yet purged. */
  expired(now: number): InboxItem[] {
    return [...this.items.values()].filter((i) => i.purgedAt === undefined && i.copy.expiresAt <= now);
  }

  /** Forget the content; only the fact that it was held and purged remains. */
  purge(item: InboxItem, at: number): void {
    item.purgedAt = at;
    item.copy = { ...item.copy, notice: { ...item.copy.notice, summary: '', subjects: [], vehicles: [], vessels: [], containers: [], parcels: [], organisations: [], financial: [], seizures: [], attachments: [] } };
  }

  overdueCount(now: number): number {
    return [...this.items.values()].filter((i) => this.isOverdue(i, now)).length;
  }

  get size(): number {
    return this.items.size;
  }

  /** Rule 15's yearly statistics: requests sent and received, urgent or not, refusals by ground, late answers. */
  statistics(year: number, now: number): YearStatistics {
    const inYear = (ms: number) => new Date(ms).getUTCFullYear() === year;
    const requests = [...this.items.values()].filter((i) => i.copy.notice.kind === 'REQUEST' && inYear(i.copy.notice.createdAt));
    const refusalsByGround: Record<string, number> = {};
    for (const i of requests) if (i.answer?.refusal) refusalsByGround[i.answer.refusal] = (refusalsByGround[i.answer.refusal] ?? 0) + 1;
    const sent = this.sentRequests.filter((r) => inYear(r.createdAt));
    return {
      country: this.country,
      year,
      received: {
        requests: requests.length,
        urgent: requests.filter((i) => i.copy.notice.priority === 'URGENT').length,
        answered: requests.filter((i) => i.answer && !i.answer.refusal).length,
        answeredLate: requests.filter((i) => i.answer && i.dueAt !== null && i.answer.at > i.dueAt).length,
        refused: requests.filter((i) => i.answer?.refusal).length,
        refusalsByGround,
        overdue: requests.filter((i) => this.isOverdue(i, now)).length,
      },
      sent: { requests: sent.length, urgent: sent.filter((r) => r.priority === 'URGENT').length },
    };
  }
}
