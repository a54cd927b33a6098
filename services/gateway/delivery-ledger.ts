/**
 * The gateway's record of deliveries, rebuilt from Kafka: every delivery report ever written
 * (liaison.reports.<CC>, read committed). Used to send corrections to every earlier recipient
 * (rule 12) and to check that a RESPONSE answers a notice its sender received.
 * Every gateway instance follows all reports, so instances see each other's work.
 */
import type { Kafka } from 'kafkajs';
import { type NoticeHistory, type PermissionRecord } from '../policy/index.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import { projectionOf } from '../shared/contract.ts';
import { DecodeError, decisionOf } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';

type DeliveryReport = EuLiaison.DeliveryReport;

/** What the ledger reads of a delivery report: who sent the notice, its case, when, and where each copy stands. */
export type ReportFacts = Pick<DeliveryReport, 'noticeId' | 'caseRef' | 'origin' | 'processedAt'> & {
  destinations: Array<Pick<EuLiaison.DestinationOutcome, 'destination' | 'status'>>;
};

/**
 * The reports topics read through this projection: the reasons, rules and field actions of every
 * report are skipped, not built (4 × faster per report, and a start reads every report ever written).
 */
const REPORT_FACTS = projectionOf<ReportFacts>('deliveryReport', { noticeId: true, caseRef: true, origin: true, processedAt: true, destinations: { destination: true, status: true } });

const REACHED: ReadonlySet<EuLiaison.DeliveryStatus> = new Set(['DELIVERED', 'DELIVERED_FILTERED', 'HELD_FOR_REVIEW']);
/** A copy is in the destination's inbox (a held copy is not, until released). */
const RECEIVED: ReadonlySet<EuLiaison.DeliveryStatus> = new Set(['DELIVERED', 'DELIVERED_FILTERED']);

const heldKey = (noticeId: string, destination: string): string => `${noticeId}:${destination}`;

/**
 * What the ledger keeps of a notice's reports: who sent it, under which case, and where each
 * copy stands. Not the reasons, rules and field actions, which the reports topics keep: the
 * ledger holds every notice ever sent, and full reports made a gateway's heap (and its garbage
 * collection) grow with the history.
 */
export interface Delivered {
  noticeId: string;
  caseRef: string;
  origin: string;
  destinations: Array<{ destination: string; status: EuLiaison.DeliveryStatus }>;
}

function merge(earlier: Delivered | undefined, report: ReportFacts): Delivered {
  const outcomes = report.destinations.map(({ destination, status }) => ({ destination, status }));
  if (!earlier) return { noticeId: report.noticeId, caseRef: report.caseRef, origin: report.origin, destinations: outcomes };
  // A later report (a correction, a DPO decision) updates the destinations it names.
  const destinations = new Map(earlier.destinations.map((d) => [d.destination, d]));
  for (const d of outcomes) destinations.set(d.destination, d);
  return { ...earlier, destinations: [...destinations.values()] };
}

/** What the processor reads: the deliveries so far (a batch sees its own earlier records). */
export interface LedgerView extends NoticeHistory {
  get(noticeId: string): Delivered | undefined;
  reachedDestinations(noticeId: string): string[];
  heldCopy(noticeId: string, destination: string): EuLiaison.NoticeCopy | undefined;
}

/** What the processor tells the ledger to record of a record it processed. */
export type LedgerEntry =
  | { kind: 'report'; report: ReportFacts }
  | { kind: 'held'; copy: EuLiaison.NoticeCopy }
  /** A forwarding permission the gateway delivered (rule 6), which a forward may cite (rule 11). */
  | { kind: 'permission'; permission: EuLiaison.ForwardingPermission };

abstract class LedgerReads implements LedgerView {
  abstract get(noticeId: string): Delivered | undefined;

  apply(entry: LedgerEntry): void {
    switch (entry.kind) {
      case 'report':
        return this.record(entry.report);
      case 'held':
        return this.hold(entry.copy);
      case 'permission': {
        const { permissionId, provider, grantedTo, noticeId } = entry.permission;
        return this.permit(permissionId, { provider, grantedTo, noticeId });
      }
    }
  }

  abstract record(report: ReportFacts): void;
  abstract hold(copy: EuLiaison.NoticeCopy): void;
  abstract permit(permissionId: string, permission: PermissionRecord): void;
  abstract permission(permissionId: string): PermissionRecord | undefined;
  /** The held copy by noticeId:destination, decided or not. */
  abstract heldByKey(key: string): EuLiaison.NoticeCopy | undefined;

  originOf(noticeId: string): string | undefined {
    return this.get(noticeId)?.origin;
  }

  received(noticeId: string, country: string): boolean {
    return this.get(noticeId)?.destinations.some((d) => d.destination === country && RECEIVED.has(d.status)) ?? false;
  }

  /** Destinations that received (or wait to receive) any copy of the notice. */
  reachedDestinations(noticeId: string): string[] {
    return (this.get(noticeId)?.destinations ?? []).filter((d) => REACHED.has(d.status)).map((d) => d.destination);
  }

  /** The held copy, while the latest report for that destination still says HELD_FOR_REVIEW. */
  heldCopy(noticeId: string, destination: string): EuLiaison.NoticeCopy | undefined {
    const status = this.get(noticeId)?.destinations.find((d) => d.destination === destination)?.status;
    return status === 'HELD_FOR_REVIEW' ? this.heldByKey(heldKey(noticeId, destination)) : undefined;
  }
}

export class DeliveryLedger extends LedgerReads {
  private readonly reports = new Map<string, Delivered>();
  /** Destinations whose latest outcome is HELD_FOR_REVIEW, since when (for the metrics). */
  private readonly waiting = new Map<string, { origin: string; destination: string; since: number }>();
  /** Copies held for the origin's DPO, by noticeId:destination. */
  private readonly heldCopies = new Map<string, EuLiaison.NoticeCopy>();
  private readonly permissions = new Map<string, PermissionRecord>();

  permit(permissionId: string, permission: PermissionRecord): void {
    this.permissions.set(permissionId, permission);
  }

  permission(permissionId: string): PermissionRecord | undefined {
    return this.permissions.get(permissionId);
  }

  record(report: ReportFacts): void {
    this.reports.set(report.noticeId, merge(this.reports.get(report.noticeId), report));
    for (const d of report.destinations) {
      const key = heldKey(report.noticeId, d.destination);
      if (d.status === 'HELD_FOR_REVIEW') this.waiting.set(key, { origin: report.origin, destination: d.destination, since: report.processedAt });
      else this.waiting.delete(key);
    }
  }

  heldWaiting(): Array<{ origin: string; destination: string; since: number }> {
    return [...this.waiting.values()];
  }

  hold(copy: EuLiaison.NoticeCopy): void {
    this.heldCopies.set(heldKey(copy.notice.noticeId, copy.destination), copy);
  }

  get(noticeId: string): Delivered | undefined {
    return this.reports.get(noticeId);
  }

  heldByKey(key: string): EuLiaison.NoticeCopy | undefined {
    return this.heldCopies.get(key);
  }

  /** A batch sees its own earlier records at once; they reach the ledger only if it commits. */
  batch(): LedgerBatch {
    return new LedgerBatch(this);
  }

  get size(): number {
    return this.reports.size;
  }
}

export class LedgerBatch extends LedgerReads {
  private readonly reports = new Map<string, Delivered>();
  private readonly heldCopies = new Map<string, EuLiaison.NoticeCopy>();
  private readonly permissions = new Map<string, PermissionRecord>();
  private readonly pending: Array<() => void> = [];

  constructor(private readonly ledger: DeliveryLedger) {
    super();
  }

  permit(permissionId: string, permission: PermissionRecord): void {
    this.permissions.set(permissionId, permission);
    this.pending.push(() => this.ledger.permit(permissionId, permission));
  }

  permission(permissionId: string): PermissionRecord | undefined {
    return this.permissions.get(permissionId) ?? this.ledger.permission(permissionId);
  }

  record(report: ReportFacts): void {
    this.reports.set(report.noticeId, merge(this.get(report.noticeId), report));
    this.pending.push(() => this.ledger.record(report));
  }

  hold(copy: EuLiaison.NoticeCopy): void {
    this.heldCopies.set(heldKey(copy.notice.noticeId, copy.destination), copy);
    this.pending.push(() => this.ledger.hold(copy));
  }

  get(noticeId: string): Delivered | undefined {
    return this.reports.get(noticeId) ?? this.ledger.get(noticeId);
  }

  heldByKey(key: string): EuLiaison.NoticeCopy | undefined {
    return this.heldCopies.get(key) ?? this.ledger.heldByKey(key);
  }

  /** After the transaction commits. */
  commit(): void {
    for (const apply of this.pending) apply();
  }
}

/**
 * Follows every reports topic and the held copies from the beginning;
 * resolves once caught up with the log end at start.
 */
export async function followReports(
  kafka: Kafka,
  registry: ContractRegistry,
  ledger: DeliveryLedger,
  parties: readonly string[],
  logger: Logger,
): Promise<TopicReader> {
  const reader = await readFromStart(
    kafka,
    { topics: [...parties.map((p) => topics.reports(p)), topics.held], groupPrefix: 'liaison.gateway.ledger.', follow: true, progress: { logger, what: 'the delivery ledger (report topics, held copies)' } },
    async (message, topic, partition) => {
      try {
        if (topic === topics.held) ledger.hold(await registry.decode(message.value, 'noticeCopy'));
        else {
          // Reports topics also carry the recipients' receipts, which the ledger does not need (not even decoded).
          const name = await registry.recordName(message.value);
          if (name === 'deliveryReport') ledger.record(await registry.decodeProjected(message.value, REPORT_FACTS));
          else if (name !== 'receipt') throw new DecodeError(`a ${name ?? 'record of another schema'} is not a delivery report or a receipt`);
        }
      } catch (error) {
        // The registry unreachable: the reader retries the record (skipping it would lose a delivery from the ledger).
        if (decisionOf(error) === 'retry') throw error;
        logger.error('unreadable record in the delivery ledger', { topic, partition, offset: message.offset, error: (error as Error).message });
      }
    },
  );
  await reader.caughtUp;
  logger.info('delivery ledger caught up', { notices: ledger.size });
  return reader;
}
