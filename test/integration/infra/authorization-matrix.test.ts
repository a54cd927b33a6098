/**
 * The full authorization matrix of the broker, on the real stack: for every party's principal
 * (17) against every party's topics, consumer groups and transactional ids, and the gateway's
 * own topics, what it may describe (and so read or write), write, join and administer. A party
 * reaches its own outbox, inbox and reports, its own groups and transactional ids, and nothing
 * else; it cannot create, delete or change topics or ACLs. The matrix is printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { indexedAgreements, loadPolicy } from '../../../services/policy/index.ts';
import { groupPrefixOf, SERVICE_GROUP_PREFIXES, SERVICE_PRINCIPALS, type ServiceName, topicPlan, topics } from '../../../services/shared/topology.ts';
import { loadParties } from '../../../services/shared/parties.ts';
import { partyKafka, serviceKafka, unique } from '../../support/clients.ts';

const { ConfigResourceTypes } = kafkajs;

const parties = loadParties().map((p) => p.code);
const allTopics = topicPlan(loadParties(), indexedAgreements(loadPolicy())).map((t) => t.name);

/** Whether the call succeeded; the broker's refusal otherwise. */
async function allowed(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return true;
  } catch {
    return false;
  }
}

interface Row {
  party: string;
  checks: number;
  /** What the principal could do that it should not, or could not do that it should. */
  wrong: string[];
  summary: string;
}

async function matrixRow(party: string): Promise<Row> {
  const kafka: Kafka = partyKafka(party);
  const admin: Admin = kafka.admin({ retry: { retries: 0 } });
  const producer: Producer = kafka.producer({ retry: { retries: 0 } });
  await admin.connect();
  await producer.connect();
  const wrong: string[] = [];
  let checks = 0;
  const expectThat = async (what: string, shouldBeAllowed: boolean, call: () => Promise<unknown>): Promise<boolean> => {
    checks += 1;
    const was = await allowed(call);
    if (was !== shouldBeAllowed) wrong.push(`${what}: ${was ? 'allowed' : 'refused'}`);
    return was;
  };
  try {
    const own = new Set([topics.outbox(party), topics.inbox(party), topics.reports(party)]);
    let described = 0;
    // DESCRIBE is implied by READ and WRITE: a topic a principal cannot describe, it can neither read nor write.
    for (const topic of allTopics) if (await expectThat(`describe ${topic}`, own.has(topic), () => admin.fetchTopicMetadata({ topics: [topic] }))) described += 1;
    let written = 0;
    const writable = allTopics.filter((t) => t !== topics.outbox(party));
    for (const topic of writable) if (await expectThat(`write ${topic}`, false, () => producer.send({ topic, acks: -1, messages: [{ key: 'authz-probe', value: 'authz-probe' }] }))) written += 1;
    let groups = 0;
    for (const other of parties) if (await expectThat(`group ${groupPrefixOf(other)}probe`, other === party, () => admin.describeGroups([`${groupPrefixOf(other)}probe`]))) groups += 1;
    let transactional = 0;
    for (const other of parties.filter((p) => p !== party)) {
      const tx = kafka.producer({ transactionalId: `${groupPrefixOf(other)}probe`, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 10 } });
      if (await expectThat(`transactional id ${groupPrefixOf(other)}probe`, false, async () => {
        await tx.connect();
        try {
          await (await tx.transaction()).abort();
        } finally {
          await tx.disconnect();
        }
      })) transactional += 1;
    }
    let administered = 0;
    const victim = parties.find((p) => p !== party)!;
    for (const [what, call] of [
      ['create a topic', () => admin.createTopics({ topics: [{ topic: `${topics.outbox(party)}.probe` }] })],
      ['delete another outbox', () => admin.deleteTopics({ topics: [topics.outbox(victim)], timeout: 2_000 })],
      ['delete its own outbox', () => admin.deleteTopics({ topics: [topics.outbox(party)], timeout: 2_000 })],
      ['change a topic config', () => admin.alterConfigs({ validateOnly: true, resources: [{ type: 2, name: topics.outbox(victim), configEntries: [{ name: 'retention.ms', value: '1' }] }] })],
      ['grant itself an ACL', () => admin.createAcls({ acl: [{ resourceType: 2, resourceName: topics.inbox(victim), resourcePatternType: 3, principal: `User:country-${party.toLowerCase()}`, host: '*', operation: 3, permissionType: 3 }] })],
    ] as const) {
      if (await expectThat(what, false, call)) administered += 1;
    }
    const summary = `${party.padEnd(6)} describe ${described}/${allTopics.length} (own 3), write ${written}/${writable.length}, groups ${groups}/${parties.length} (own 1), transactional ids ${transactional}/${parties.length - 1}, administer ${administered}/5`;
    return { party, checks, wrong, summary };
  } finally {
    await producer.disconnect();
    await admin.disconnect();
  }
}

describe('the authorization matrix of the broker', () => {
  const rows: Row[] = [];
  afterAll(() => {
    if (rows.length === 0) return;
    console.log(['authorization matrix (allowed / tried per party):', ...rows.map((r) => `  ${r.summary}`)].join('\n'));
  });

  it(`gives each of the ${parties.length} parties its own topics, groups and transactional ids, and nothing else`, async () => {
    for (const party of parties) rows.push(await matrixRow(party));
    const checks = rows.reduce((n, r) => n + r.checks, 0);
    console.log(`authorization matrix: ${checks} checks over ${parties.length} principals, ${rows.reduce((n, r) => n + r.wrong.length, 0)} wrong`);
    expect(rows.flatMap((r) => r.wrong.map((w) => `${r.party} ${w}`))).toEqual([]);
    expect(checks).toBeGreaterThan(parties.length * (allTopics.length * 2 + parties.length * 2));
  }, 300_000);
});

/**
 * Whether the principal may fetch from the topic: a consumer of a group it may use joins, and
 * either fetches (allowed) or crashes with the broker's refusal.
 */
async function canRead(kafka: Kafka, topic: string, groupId: string): Promise<boolean> {
  const consumer = kafka.consumer({ groupId, retry: { retries: 0, restartOnFailure: async () => false }, maxWaitTimeInMs: 100 });
  try {
    const outcome = new Promise<boolean>((resolve) => {
      consumer.on(consumer.events.CRASH, () => resolve(false));
      consumer.on(consumer.events.FETCH, () => resolve(true));
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    await consumer.run({ eachBatch: async () => {} });
    return await Promise.race([outcome, new Promise<boolean>((_, reject) => setTimeout(() => reject(new Error(`no fetch and no refusal reading ${topic} within 30 s`)), 30_000))]);
  } catch {
    return false;
  } finally {
    await consumer.disconnect();
  }
}

/**
 * Whether the principal may write the topic, proved inside a transaction that is then aborted, so
 * nothing is ever visible to the readers of a real topic (they read committed records only).
 */
async function canWriteAborted(kafka: Kafka, topic: string, transactionalId: string): Promise<boolean> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, retry: { retries: 1, initialRetryTime: 10 } });
  await producer.connect();
  try {
    const tx = await producer.transaction();
    try {
      await tx.send({ topic, acks: -1, messages: [{ key: 'authz-probe', value: 'authz-probe' }] });
      return true;
    } catch {
      return false;
    } finally {
      await tx.abort().catch(() => {});
    }
  } finally {
    await producer.disconnect();
  }
}

describe('the services’ own principals', () => {
  const others = (service: ServiceName) => Object.values(SERVICE_GROUP_PREFIXES).filter((p) => p !== SERVICE_GROUP_PREFIXES[service]);

  async function probe(service: ServiceName, expected: { read: Record<string, boolean>; writeAborted?: Record<string, boolean>; writeRefused: string[]; describeBroker: boolean }): Promise<string[]> {
    const kafka = serviceKafka(service);
    const admin = kafka.admin({ retry: { retries: 0 } });
    const producer = kafka.producer({ retry: { retries: 0 } });
    await admin.connect();
    await producer.connect();
    const wrong: string[] = [];
    const check = (what: string, expectedAllowed: boolean, was: boolean) => {
      if (was !== expectedAllowed) wrong.push(`${what}: ${was ? 'allowed' : 'refused'}`);
    };
    const own = `${SERVICE_GROUP_PREFIXES[service]}${service === 'gateway' ? '.' : ''}authz-${unique('probe')}`;
    try {
      for (const [topic, allowedToRead] of Object.entries(expected.read)) check(`read ${topic}`, allowedToRead, await canRead(kafka, topic, own));
      for (const [topic, allowedToWrite] of Object.entries(expected.writeAborted ?? {})) check(`write ${topic}`, allowedToWrite, await canWriteAborted(kafka, topic, `${own}-tx`));
      for (const topic of expected.writeRefused) check(`write ${topic}`, false, await allowed(() => producer.send({ topic, acks: -1, messages: [{ key: 'authz-probe', value: 'authz-probe' }] })));
      check(`group ${own}`, true, await allowed(() => admin.describeGroups([own])));
      for (const prefix of [...others(service), groupPrefixOf('BE')]) check(`group ${prefix}probe`, false, await allowed(() => admin.describeGroups([`${prefix}probe`])));
      check(`transactional id ${groupPrefixOf('BE')}probe`, false, await canWriteAborted(kafka, topics.dlq, `${groupPrefixOf('BE')}probe`).catch(() => false));
      check('describe the broker configuration', expected.describeBroker, await allowed(async () => {
        const cluster = await admin.describeCluster();
        await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.BROKER, name: String(cluster.brokers[0]!.nodeId), configNames: ['message.max.bytes'] }] });
      }));
      for (const [what, call] of [
        ['create a topic', () => admin.createTopics({ topics: [{ topic: `${topics.dlq}.probe` }] })],
        ['delete a topic', () => admin.deleteTopics({ topics: [topics.outbox('BE')], timeout: 2_000 })],
        ['change a topic config', () => admin.alterConfigs({ validateOnly: true, resources: [{ type: 2, name: topics.audit, configEntries: [{ name: 'retention.ms', value: '1' }] }] })],
        ['grant itself an ACL', () => admin.createAcls({ acl: [{ resourceType: 2, resourceName: topics.inbox('BE'), resourcePatternType: 3, principal: `User:${SERVICE_PRINCIPALS[service]}`, host: '*', operation: 2, permissionType: 3 }] })],
      ] as const) {
        check(what, false, await allowed(call));
      }
      return wrong;
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  }

  it('the gateway reads the outboxes and writes inboxes, reports and its own topics; it cannot write an outbox, read an inbox or administer', async () => {
    const wrong = await probe('gateway', {
      read: { [topics.outbox('BE')]: true, [topics.heldDecisions]: true, [topics.lookups]: true, [topics.reports('NL')]: true, [topics.audit]: true, [topics.inbox('BE')]: false, [topics.dlq]: false, [topics.index('be-nl-cross-border')]: false },
      writeAborted: { [topics.inbox('NL')]: true, [topics.reports('BE')]: true, [topics.audit]: true, [topics.held]: true, [topics.dlq]: true, [topics.outbox('BE')]: false, [topics.heldDecisions]: false, [topics.lookups]: false },
      writeRefused: [topics.outbox('NL'), topics.heldDecisions, topics.lookups, topics.index('be-nl-cross-border')],
      describeBroker: true,
    });
    expect(wrong).toEqual([]);
  }, 180_000);

  it('the adapter reads the outboxes and reports for its status view; it cannot write an outbox, an inbox or the audit trail, nor read inboxes, held copies or the audit trail', async () => {
    const wrong = await probe('adapter', {
      read: { [topics.outbox('NL')]: true, [topics.reports('BE')]: true, [topics.index('be-nl-cross-border')]: true, [topics.inbox('NL')]: false, [topics.audit]: false, [topics.held]: false, [topics.heldDecisions]: false, [topics.lookups]: false, [topics.dlq]: false },
      writeRefused: [topics.outbox('NL'), topics.inbox('NL'), topics.reports('NL'), topics.audit, topics.held, topics.dlq],
      describeBroker: false,
    });
    expect(wrong).toEqual([]);
  }, 180_000);
});
