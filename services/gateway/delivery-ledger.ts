/**
 * The gateway's record of deliveries, rebuilt from Kafka: every delivery report ever written
 * (liaison.reports.<CC>, read committed). Used to send corrections to every earlier recipient
 * (rule 12) and to check that a RESPONSE answers a notice its sender received.
 * Every gateway instance follows all reports, so instances see each other's work.
 */
import type { Kafka } from 'kafkajs';
import type { EuLiaison } from '../shared/contract-types.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';

type DeliveryReport = EuLiaison.DeliveryReport;

const REACHED: ReadonlySet<EuLiaison.DeliveryStatus> = new Set(['DELIVERED', 'DELIVERED_FILTERED', 'HELD_FOR_REVIEW']);

const heldKey = (noticeId: string, destination: string): string => `${noticeId}:${destination}`;

export class DeliveryLedger {
  private readonly reports = new Map<string, DeliveryReport>();
  /** Copies held for the origin's DPO, by noticeId:destination. */
  private readonly held = new Map<string, EuLiaison.NoticeCopy>();

  hold(copy: EuLiaison.NoticeCopy): void {
    this.held.set(heldKey(copy.notice.noticeId, copy.destination), copy);
  }

  /** The held copy, while the latest report for that destination still says HELD_FOR_REVIEW. */
  heldCopy(noticeId: string, destination: string): EuLiaison.NoticeCopy | undefined {
    const status = this.reports.get(noticeId)?.destinations.find((d) => d.destination === destination)?.status;
    return status === 'HELD_FOR_REVIEW' ? this.held.get(heldKey(noticeId, destination)) : undefined;
  }

  record(report: DeliveryReport): void {
    const earlier = this.reports.get(report.noticeId);
    // A correction's report adds destinations; keep what every report says.
    if (earlier) {
      const merged = new Map(earlier.destinations.map((d) => [d.destination, d]));
      for (const d of report.destinations) merged.set(d.destination, d);
      this.reports.set(report.noticeId, { ...report, destinations: [...merged.values()] });
    } else {
      this.reports.set(report.noticeId, report);
    }
  }

  get(noticeId: string): DeliveryReport | undefined {
    return this.reports.get(noticeId);
  }

  /** Destinations that received (or wait to receive) any copy of the notice. */
  reachedDestinations(noticeId: string): string[] {
    return (this.reports.get(noticeId)?.destinations ?? []).filter((d) => REACHED.has(d.status)).map((d) => d.destination);
  }

  get size(): number {
    return this.reports.size;
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
    { topics: [...parties.map((p) => topics.reports(p)), topics.held], groupPrefix: 'liaison.gateway.ledger.', follow: true },
    async (message, topic, partition) => {
      try {
        if (topic === topics.held) ledger.hold(await registry.decode<EuLiaison.NoticeCopy>(message.value, 'noticeCopy'));
        else ledger.record(await registry.decode<DeliveryReport>(message.value, 'deliveryReport'));
      } catch (error) {
        logger.error('unreadable record in the delivery ledger', { topic, partition, offset: message.offset, error: (error as Error).message });
      }
    },
  );
  await reader.caughtUp;
  logger.info('delivery ledger caught up', { notices: ledger.size });
  return reader;
}
