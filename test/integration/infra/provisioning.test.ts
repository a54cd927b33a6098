/**
 * Provisioning on the real broker: the topics the services rebuild their state from are kept as
 * long as the audit trail, and a cluster provisioned with Kafka's 7-day default is brought back
 * to the plan.
 */
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadParties } from '../../../services/shared/parties.ts';
import { provision } from '../../../services/shared/provisioning.ts';
import { topics } from '../../../services/shared/topology.ts';
import { adminKafka } from '../../support/clients.ts';

const { ConfigResourceTypes } = kafkajs;

describe('provisioning', () => {
  const admin = adminKafka().admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  const retention = async (names: string[]) => {
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: names.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms'] })) });
    return Object.fromEntries(described.resources.map((r) => [r.resourceName, r.configEntries.find((e) => e.configName === 'retention.ms')?.configValue]));
  };

  it('keeps outboxes, inboxes, reports and the audit trail as long as the history they rebuild', async () => {
    const names = [topics.outbox('BE'), topics.inbox('NL'), topics.reports('BE'), topics.audit];
    expect(await retention(names)).toEqual(Object.fromEntries(names.map((n) => [n, '-1'])));
  });

  it('brings a topic provisioned with a 7-day retention back to the plan', async () => {
    const topic = topics.reports('PE');
    await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name: 'retention.ms', value: String(7 * 86_400_000) }] }] });
    expect(await retention([topic])).toEqual({ [topic]: String(7 * 86_400_000) });
    const result = await provision(admin, loadParties());
    expect(result.topicsCreated).toBe(0);
    expect(await retention([topic])).toEqual({ [topic]: '-1' });
  });
});
