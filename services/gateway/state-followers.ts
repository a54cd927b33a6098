/**
 * What the gateway follows besides its input: the delivery ledger (reports and held copies,
 * stored in PostgreSQL by a state reader) and the policy reviews (whether a DPO reviewed the
 * policy version in force: liaison_policy_reviewed). Each is read before the first batch and
 * followed after; each says here when it is behind or failing.
 */
import type { Kafka } from 'kafkajs';
import type { Policy } from '../policy/index.ts';
import { Database } from '../shared/database.ts';
import { ConfigError, decisionOf } from '../shared/errors.ts';
import type { EuLiaison } from '../shared/generated/contract-types.ts';
import type { Logger } from '../shared/logger.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { readFromStart, type TopicReader } from '../shared/topic-reader.ts';
import { topics } from '../shared/topology.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';
import type { DeliveryLedger } from './delivery-ledger.ts';
import type { GatewayMetrics } from './metrics.ts';

export interface StateFollowersOptions {
  kafka: Kafka;
  registry: ContractRegistry;
  ledger: DeliveryLedger;
  policy: Policy;
  databaseUrl: string | undefined;
  logger: Logger;
  metrics: Pick<GatewayMetrics, 'policyReviewed' | 'registry'>;
}

export class StateFollowers {
  private db?: Database;
  private reviewReader?: TopicReader;
  private reviewed?: EuLiaison.PolicyReview;

  constructor(private readonly options: StateFollowersOptions) {}

  /** Opens the database and stores the ledger up to what was written before the start. */
  async followLedger(parties: readonly string[]): Promise<void> {
    const { databaseUrl: url, logger, kafka, ledger, metrics } = this.options;
    if (!url) throw new ConfigError('no database for the gateway: set DATABASE_URL, or start the embedded stack with `make up`');
    this.db = await Database.open({ url, service: 'gateway', logger });
    await ledger.follow(kafka, this.db, parties, metrics.registry);
  }

  /**
   * Whether a data protection officer reviewed the policy version in force (`liaison policy diff
   * --record`): said at start, kept in liaison_policy_reviewed, and updated when a review arrives.
   * The review itself goes into the audit trail through the consumer (POLICY_REVIEWED).
   */
  async followPolicyReviews(): Promise<void> {
    const { logger, metrics, policy, kafka } = this.options;
    metrics.policyReviewed(false);
    this.reviewReader = await readFromStart(kafka, { topics: [topics.policyReviews], groupPrefix: GATEWAY_NAMES.readers.reviews, follow: true }, (message) => this.readReview(message.value));
    await this.reviewReader.caughtUp;
    const reviewed = this.reviewed;
    if (reviewed) logger.info('policy version in force was reviewed', { version: policy.version, reviewedBy: reviewed.reviewedBy, reviewedAt: new Date(reviewed.reviewedAt).toISOString(), changes: reviewed.changes, fromVersion: reviewed.fromVersion });
    else logger.warn('policy version in force has no recorded review (liaison policy diff --record): liaison_policy_reviewed is 0', { version: policy.version });
  }

  /** Why the state is not to be trusted now (the ledger's reader behind or failing). */
  problems(): string[] {
    return this.options.ledger.problems();
  }

  async stop(): Promise<void> {
    await this.options.ledger.stop();
    await this.db?.close();
    await this.reviewReader?.stop();
  }

  /** One record of liaison.policy.reviews: a review of the version in force sets liaison_policy_reviewed. */
  async readReview(value: Buffer | null): Promise<void> {
    const { logger, metrics, policy, registry } = this.options;
    try {
      const review = await registry.decode(value, 'policyReview');
      if (review.toVersion !== policy.version) return;
      if (this.reviewed && this.reviewReader) logger.info('policy version in force reviewed again', { version: policy.version, reviewedBy: review.reviewedBy, changes: review.changes });
      this.reviewed = review;
      metrics.policyReviewed(true);
    } catch (error) {
      if (decisionOf(error) === 'retry') throw error;
      // Dead-lettered with its reason when the consumer reaches it; not a review of anything here.
    }
  }
}
