/** The state followers without Kafka: what a start without a database says, and what policy reviews set. */
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { gatewayMetrics } from '../../../services/gateway/metrics.ts';
import { StateFollowers } from '../../../services/gateway/state-followers.ts';
import { loadPolicy } from '../../../services/policy/index.ts';
import { ConfigError, DecodeError, RegistryUnavailableError } from '../../../services/shared/errors.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { ledgerWithoutHistory } from '../../support/ledger.ts';

const policy = loadPolicy();

function setup(decode: (value: Buffer | null) => Promise<unknown>) {
  const metrics = gatewayMetrics(new Registry(), policy.version);
  const followers = new StateFollowers({ kafka: {} as never, registry: { decode } as never, ledger: ledgerWithoutHistory(), policy, databaseUrl: undefined, logger: createLogger('gateway-test', 'error'), metrics });
  const reviewed = async () => (await metrics.registry.getSingleMetric('liaison_policy_reviewed')?.get())?.values.find((v) => v.labels.version === policy.version)?.value;
  return { followers, reviewed };
}

const review = (toVersion: string) => ({ reviewId: 'r-1', fromVersion: '0011223344556677', toVersion, reviewedBy: 'dpo@BE', reviewedAt: 1, changes: 2 });

describe('StateFollowers', () => {
  it('refuses to start without a database, naming what to set', async () => {
    const { followers } = setup(async () => null);
    await expect(followers.followLedger(['BE'])).rejects.toThrow(ConfigError);
    await expect(followers.followLedger(['BE'])).rejects.toThrow('DATABASE_URL');
  });

  it('sets liaison_policy_reviewed by a review of the version in force only', async () => {
    const reviews = new Map([['other', review('ffeeddccbbaa9988')], ['in-force', review(policy.version)]]);
    const { followers, reviewed } = setup(async (value) => {
      const found = reviews.get(String(value));
      if (!found) throw new DecodeError('not a policy review');
      return found;
    });
    await followers.readReview(Buffer.from('other'));
    await followers.readReview(Buffer.from('not avro'));
    expect(await reviewed()).toBe(0);
    await followers.readReview(Buffer.from('in-force'));
    expect(await reviewed()).toBe(1);
  });

  it('throws when the registry is unreachable: the reader retries, nothing is skipped', async () => {
    const { followers } = setup(async () => {
      throw new RegistryUnavailableError('connect ECONNREFUSED');
    });
    await expect(followers.readReview(Buffer.from('x'))).rejects.toBeInstanceOf(RegistryUnavailableError);
  });
});
