import { describe, expect, it } from 'vitest';
import type { Party } from '../../../services/shared/parties.ts';
import { aclPlan, groupPrefixOf, SERVICE_PRINCIPALS, topicPlan, topics } from '../../../services/shared/topology.ts';

const parties: Party[] = [
  { code: 'BE', name: 'Belgium', region: 'eu' },
  { code: 'DE-NW', name: 'North Rhine-Westphalia', region: 'eu', parent: 'DE' },
];

describe('topicPlan', () => {
  it('gives every party an outbox, an inbox and a reports topic, plus the shared audit and dead-letter topics', () => {
    expect(topicPlan(parties).map((t) => t.name)).toEqual([
      'liaison.outbox.BE', 'liaison.inbox.BE', 'liaison.reports.BE',
      'liaison.outbox.DE-NW', 'liaison.inbox.DE-NW', 'liaison.reports.DE-NW',
      'liaison.audit', 'liaison.dlq', 'liaison.held', 'liaison.held.decisions', 'liaison.lookups', 'liaison.policy.reviews', 'liaison.gateway.attempts', 'liaison.gateway.checkpoints',
    ]);
  });

  it('gives every agreement with a hit/no-hit index one compacted topic', () => {
    const plan = topicPlan(parties, ['be-nl-cross-border']);
    expect(plan.filter((t) => t.name.startsWith('liaison.index.'))).toEqual([{ name: 'liaison.index.be-nl-cross-border', partitions: 1, config: { 'cleanup.policy': 'compact' } }]);
    expect(topicPlan(parties).some((t) => t.name.startsWith('liaison.index.'))).toBe(false);
  });

  it('keeps the audit trail in one partition, forever', () => {
    const audit = topicPlan(parties).find((t) => t.name === topics.audit);
    expect(audit).toMatchObject({ partitions: 1, config: { 'retention.ms': '-1' } });
  });

  it('keeps every topic a service rebuilds its state from as long as the audit trail, not Kafka’s 7 days', () => {
    const plan = new Map(topicPlan(parties).map((t) => [t.name, t.config]));
    for (const name of [topics.outbox('BE'), topics.inbox('BE'), topics.reports('BE'), topics.held, topics.heldDecisions, topics.lookups, topics.policyReviews]) expect(plan.get(name), name).toMatchObject({ 'retention.ms': '-1' });
  });
});

describe('aclPlan', () => {
  const be = aclPlan(parties).filter((a) => a.principal === 'User:country-be');

  it('lets a party write only its own outbox', () => {
    expect(be.filter((a) => a.operation === 'WRITE' && a.resource === 'TOPIC').map((a) => a.name)).toEqual(['liaison.outbox.BE']);
  });

  it('lets a party read only its own outbox, inbox and reports', () => {
    expect(be.filter((a) => a.operation === 'READ' && a.resource === 'TOPIC').map((a) => a.name).sort()).toEqual([
      'liaison.inbox.BE',
      'liaison.outbox.BE',
      'liaison.reports.BE',
    ]);
  });

  it('restricts consumer groups and transactional ids to the party prefix', () => {
    const prefixed = be.filter((a) => a.pattern === 'PREFIXED');
    expect(new Set(prefixed.map((a) => a.name))).toEqual(new Set(['liaison.BE.']));
    expect(prefixed.map((a) => `${a.resource}:${a.operation}`).sort()).toEqual([
      'GROUP:DELETE', 'GROUP:READ', 'TRANSACTIONAL_ID:DESCRIBE', 'TRANSACTIONAL_ID:WRITE',
    ]);
  });

  it('grants nothing on another party’s resources', () => {
    expect(be.some((a) => a.name.includes('DE-NW'))).toBe(false);
  });

  it('grants a party nothing on an index or the lookups: guesses could be tested offline, without rate limit or audit', () => {
    const withIndex = aclPlan(parties, ['be-nl-cross-border']).filter((a) => a.principal === 'User:country-be');
    expect(withIndex.some((a) => a.name.startsWith('liaison.index.') || a.name === topics.lookups)).toBe(false);
  });
});

describe('serviceAclPlan', () => {
  const indexed = ['be-nl-cross-border'];
  const of = (principal: string) => aclPlan(parties, indexed).filter((a) => a.principal === `User:${principal}`);
  const topicOps = (acls: ReturnType<typeof of>, operation: string) => acls.filter((a) => a.resource === 'TOPIC' && a.operation === operation).map((a) => a.name).sort();
  const gateway = of(SERVICE_PRINCIPALS.gateway);
  const adapter = of(SERVICE_PRINCIPALS.adapter);
  const codes = parties.map((p) => p.code);

  it('lets the gateway write inboxes, reports and its own topics, never an outbox or a held decision', () => {
    expect(topicOps(gateway, 'WRITE')).toEqual([...codes.map(topics.inbox), ...codes.map(topics.reports), topics.audit, topics.dlq, topics.held, topics.gatewayAttempts, topics.gatewayCheckpoints].sort());
  });

  it('lets the gateway read the outboxes, the held decisions, the lookups and what it rebuilds its state from, never an inbox, the dead letters or an index', () => {
    expect(topicOps(gateway, 'READ')).toEqual([...codes.map(topics.outbox), ...codes.map(topics.reports), topics.audit, topics.held, topics.heldDecisions, topics.lookups, topics.policyReviews, topics.gatewayAttempts, topics.gatewayCheckpoints].sort());
  });

  it('lets the adapter read outboxes, reports and the indexes, and write only the held decisions, the lookups and the indexes', () => {
    expect(topicOps(adapter, 'READ')).toEqual([...codes.map(topics.outbox), ...codes.map(topics.reports), ...indexed.map(topics.index)].sort());
    expect(topicOps(adapter, 'WRITE')).toEqual([topics.heldDecisions, ...indexed.map(topics.index), topics.lookups].sort());
    expect(adapter.some((a) => a.resource === 'TRANSACTIONAL_ID' || a.resource === 'CLUSTER')).toBe(false);
  });

  it('gives no service CREATE, ALTER or DELETE of a topic, and no party’s group', () => {
    for (const acl of [...gateway, ...adapter]) {
      expect(acl.resource === 'TOPIC' && ['CREATE', 'DELETE'].includes(acl.operation), JSON.stringify(acl)).toBe(false);
      if (acl.resource === 'GROUP') expect(parties.some((p) => acl.name.startsWith(groupPrefixOf(p.code)) || groupPrefixOf(p.code).startsWith(acl.name)), acl.name).toBe(false);
    }
  });
});
