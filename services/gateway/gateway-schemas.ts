/** The subjects the gateway reads and writes, registered up front so national systems find them. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContractName } from '../shared/contract.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { topics } from '../shared/topology.ts';

/** Per topic, the records it carries. */
function subjects(parties: readonly string[]): Array<[string, ContractName]> {
  return [
    ...parties.flatMap((p): Array<[string, ContractName]> => [
      [topics.outbox(p), 'notice'],
      [topics.outbox(p), 'receipt'],
      [topics.outbox(p), 'forwardingPermission'],
      [topics.inbox(p), 'noticeCopy'],
      [topics.inbox(p), 'forwardingPermission'],
      [topics.reports(p), 'deliveryReport'],
      [topics.reports(p), 'receipt'],
    ]),
    [topics.audit, 'auditEvent'],
    [topics.dlq, 'deadLetter'],
    [topics.held, 'noticeCopy'],
    [topics.heldDecisions, 'heldDecision'],
    [topics.lookups, 'indexLookup'],
    [topics.policyReviews, 'policyReview'],
    [topics.gatewayAttempts, 'batchAttempt'],
    [topics.gatewayCheckpoints, 'auditCheckpoint'],
  ];
}

/** A registry that fails or does not answer in time is asked again, five times, before the start fails. */
export async function registerGatewaySchemas(registry: ContractRegistry, parties: readonly string[], logger: Logger): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await Promise.all(subjects(parties).map(([topic, name]) => registry.idFor(topic, name)));
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      logger.warn('schema registration failed, trying again', { attempt, error: (error as Error).message });
      await sleep(2_000 * attempt);
    }
  }
}
