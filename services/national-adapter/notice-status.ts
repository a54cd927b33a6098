/**
 * What the origin sees of its notices, rebuilt from Kafka: the notices in the outboxes
 * (routing and handling only: no summary, purpose, subjects or other content; the handling
 * conditions and H3 text are kept because a withdrawal carries them, and they are the origin's
 * own text, shown to the origin only), the gateway's delivery reports and the recipients'
 * receipts in liaison.reports.<CC>.
 */
import { type NoticeHistory, type PermissionRecord } from '../policy/index.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { CorrectionView, DestinationView, HeldView, ReceiptView, StatusView } from '../shared/status-views.ts';

export type { CorrectionView, DestinationView, HeldView, ReceiptView, StatusView };

type Notice = EuLiaison.Notice;

interface Entry {
  routing?: Notice;
  report?: EuLiaison.DeliveryReport;
  /** When each destination got its latest outcome. */
  decidedAt: Map<string, number>;
  receipts: Map<string, ReceiptView[]>;
  corrections: Set<string>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

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

export class NoticeStatusStore implements NoticeHistory {
  private readonly entries = new Map<string, Entry>();
  private readonly permissions = new Map<string, PermissionRecord>();

  private entry(noticeId: string): Entry {
    let e = this.entries.get(noticeId);
    if (!e) {
      e = { decidedAt: new Map(), receipts: new Map(), corrections: new Set() };
      this.entries.set(noticeId, e);
    }
    return e;
  }

  /** `origin`: the outbox it was read from; a notice claiming another sender is not recorded (the gateway dead-letters it). */
  submitted(notice: Notice, origin = notice.sender.country): void {
    if (notice.sender.country !== origin) return;
    const e = this.entry(notice.noticeId);
    e.routing ??= routingOf(notice);
    if (notice.correction) this.entry(notice.correction.of).corrections.add(notice.noticeId);
  }

  reported(report: EuLiaison.DeliveryReport): void {
    const e = this.entry(report.noticeId);
    const destinations = new Map((e.report?.destinations ?? []).map((d) => [d.destination, d]));
    for (const d of report.destinations) {
      destinations.set(d.destination, d);
      e.decidedAt.set(d.destination, report.processedAt);
    }
    e.report = { ...report, correctionOf: report.correctionOf ?? e.report?.correctionOf ?? null, destinations: [...destinations.values()] };
    if (report.correctionOf) this.entry(report.correctionOf).corrections.add(report.noticeId);
  }

  /** `provider`: the outbox the permission came from (the topic proves it, not the field). */
  permitted(permission: EuLiaison.ForwardingPermission, provider: string): void {
    if (permission.provider !== provider) return;
    this.permissions.set(permission.permissionId, { provider, grantedTo: permission.grantedTo, noticeId: permission.noticeId });
  }

  /** NoticeHistory: a permission recorded in its provider's outbox. */
  permission(permissionId: string): PermissionRecord | undefined {
    return this.permissions.get(permissionId);
  }

  addReceipt(receipt: EuLiaison.Receipt): void {
    const e = this.entry(receipt.noticeId);
    const list = e.receipts.get(receipt.recipient) ?? [];
    list.push({ status: receipt.status, at: iso(receipt.at), by: receipt.by });
    e.receipts.set(receipt.recipient, list);
  }

  /** The origin of a known notice, for the caller check (a notice of another country is "not found"). */
  originOf(noticeId: string): string | undefined {
    const e = this.entries.get(noticeId);
    return e?.routing?.sender.country ?? e?.report?.origin;
  }

  routing(noticeId: string): Notice | undefined {
    return this.entries.get(noticeId)?.routing;
  }

  view(noticeId: string): StatusView | undefined {
    const e = this.entries.get(noticeId);
    const origin = this.originOf(noticeId);
    if (!e || !origin) return undefined;
    const report = e.report;
    return {
      noticeId,
      caseRef: report?.caseRef ?? e.routing!.caseRef,
      origin,
      kind: e.routing?.kind ?? null,
      state: report ? 'PROCESSED' : 'SUBMITTED',
      processedAt: report ? iso(report.processedAt) : null,
      policyVersion: report?.policyVersion ?? null,
      correctionOf: report?.correctionOf ?? e.routing?.correction?.of ?? null,
      destinations: (report?.destinations ?? []).map((d) => ({
        ...d,
        expiresAt: d.expiresAt === null ? null : iso(d.expiresAt),
        receipts: e.receipts.get(d.destination) ?? [],
      })),
      // Only the origin's own corrections: a notice of another country naming this one is not one of them.
      corrections: [...e.corrections].filter((id) => this.originOf(id) === origin).map((id) => this.correctionView(id)),
    };
  }

  private correctionView(noticeId: string): CorrectionView {
    const e = this.entry(noticeId);
    return {
      noticeId,
      action: e.routing?.correction?.action ?? null,
      reason: e.routing?.correction?.reason ?? null,
      recipients: (e.report?.destinations ?? []).map((d) => ({
        destination: d.destination,
        status: d.status,
        acknowledgedAt: e.receipts.get(d.destination)?.find((r) => r.status === 'CORRECTION_ACKNOWLEDGED')?.at ?? null,
      })),
    };
  }

  /** Rule 5: copies of the origin's notices that wait for its data protection officer. */
  held(origin: string): HeldView[] {
    const out: HeldView[] = [];
    for (const [noticeId, e] of this.entries) {
      if (e.report?.origin !== origin) continue;
      for (const d of e.report.destinations) {
        if (d.status !== 'HELD_FOR_REVIEW') continue;
        out.push({
          noticeId,
          caseRef: e.report.caseRef,
          destination: d.destination,
          agreement: d.agreement,
          reasons: d.reasons,
          fieldActions: d.fieldActions,
          heldSince: iso(e.decidedAt.get(d.destination) ?? e.report.processedAt),
        });
      }
    }
    return out;
  }

  isHeld(noticeId: string, destination: string): boolean {
    return this.entries.get(noticeId)?.report?.destinations.some((d) => d.destination === destination && d.status === 'HELD_FOR_REVIEW') ?? false;
  }

  /** Whether the destination received a copy: a forwarding permission, a reply and a provenance need it. */
  received(noticeId: string, destination: string): boolean {
    return this.entries.get(noticeId)?.report?.destinations.some((d) => d.destination === destination && ['DELIVERED', 'DELIVERED_FILTERED'].includes(d.status)) ?? false;
  }
}
