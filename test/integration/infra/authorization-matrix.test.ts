/**
 * The full authorization matrix of the broker, on the real stack: for every party's principal
 * (17) against every party's topics, consumer groups and transactional ids, and the gateway's
 * own topics, what it may describe (and so read or write), write, join and administer. A party
 * reaches its own outbox, inbox and reports, its own groups and transactional ids, and nothing
 * else; it cannot create, delete or change topics or ACLs. The matrix is printed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { groupPrefixOf, topicPlan, topics } from '../../../services/shared/topology.ts';
import { loadParties } from '../../../services/shared/parties.ts';
import { partyKafka } from '../../support/clients.ts';

const parties = loadParties().map((p) => p.code);
const allTopics = topicPlan(loadParties()).map((t) => t.name);

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
