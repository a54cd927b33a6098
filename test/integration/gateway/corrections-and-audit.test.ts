import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AuditChain, type AuditFacts } from '../../../services/shared/audit-chain.ts';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import { PROJECT_ROOT } from '../../../services/shared/connection.ts';
import { loadContract } from '../../../services/shared/contract.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, connection, unique } from '../../support/clients.ts';
import { adminEnv, exchange, newGatewayGroup, registry, type RunningGateway, startGateway } from '../../support/flow.ts';

let gateway: RunningGateway;
beforeAll(async () => {
  gateway = await startGateway(await newGatewayGroup());
});
afterAll(async () => {
  await gateway?.stop();
});

describe('rule 12: corrections and withdrawals', () => {
  it('reach every earlier recipient, whatever the correction names', async () => {
    const original = notice({ recipients: ['NL', 'FR', 'US'] });
    const first = await exchange('BE', original);
    expect(first.report.destinations.map((d) => d.status)).toEqual(['DELIVERED_FILTERED', 'DELIVERED_FILTERED', 'DELIVERED_FILTERED']);

    const withdrawal = notice({ recipients: [], correction: { of: original.noticeId, action: 'WITHDRAW', reason: 'The container belonged to another consignee' } });
    const second = await exchange('BE', withdrawal);
    expect(second.report.destinations.map((d) => d.destination).sort()).toEqual(['FR', 'NL', 'US']);
    for (const destination of ['NL', 'FR', 'US']) {
      const [copy] = second.copies.get(destination)!;
      expect(copy!.notice.correction).toEqual({ of: original.noticeId, action: 'WITHDRAW', reason: 'The container belonged to another consignee' });
    }
  });

  it('refuses to correct a notice of another origin', async () => {
    const foreign = notice({ correction: { of: randomUUID(), action: 'CORRECT', reason: 'typo' } });
    const x = await exchange('BE', foreign);
    expect(x.report.destinations[0]).toMatchObject({ status: 'REJECTED', reasons: [expect.stringContaining('UNKNOWN_CASE')] });
  });
});

describe('the audit trail', () => {
  it('records every decision with its rules and policy version, in an intact chain', async () => {
    const n = notice({ recipients: ['NL', 'US'] });
    await exchange('BE', n);
    const result = await verifyAuditLog(adminKafka(), registry());
    expect(result.broken).toBeNull();
    expect(result.events).toBeGreaterThan(0);
  });

  it('names the first broken link when an event was altered, through the CLI', async () => {
    const topic = unique('test.audit');
    const admin = adminKafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const chain = new AuditChain('gateway-test');
    const facts = (outcome: string): AuditFacts => ({
      at: Date.now(), actor: 'gateway-test', action: 'DELIVERY_DECISION', noticeId: randomUUID(), caseRef: 'ANR-2026-0042',
      origin: 'BE', destination: 'NL', outcome, rules: ['rule-1-legal-basis'], details: {}, policyVersion: 'test',
    });
    const events = [chain.append(facts('DELIVERED')), chain.append(facts('BLOCKED')), chain.append(facts('DELIVERED'))];
    events[1] = { ...events[1]!, outcome: 'DELIVERED' }; // someone rewrites history
    const producer = adminKafka().producer();
    await producer.connect();
    for (const e of events) await producer.send({ topic, messages: [{ key: e.chain, value: await registry().encode(topic, 'auditEvent', e) }] });
    await producer.disconnect();

    const cli = spawnSync(process.execPath, ['bin/liaison.mjs', 'audit', 'verify', '--topic', topic], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
      env: adminEnv(),
    });
    await admin.deleteTopics({ topics: [topic] });
    await admin.disconnect();
    expect(cli.status).toBe(1);
    expect(cli.stderr).toContain('BROKEN at offset 1: chain gateway-test, sequence 1: hash does not match the event: it was altered');
  });
});

describe('schema evolution under BACKWARD compatibility', () => {
  const client = () => new SchemaRegistry({ host: connection().registryUrl });
  const base = loadContract().schemas.notice as { fields: Array<Record<string, unknown>> };

  it('accepts a new optional field and refuses a new required one', async () => {
    const subject = `${unique('test.evolution')}-value`;
    await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(base) }, { subject });

    const optional = { ...base, fields: [...base.fields, { name: 'operationName', type: ['null', 'string'], default: null, dp: 'non-personal' }] };
    const v2 = await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(optional) }, { subject });
    expect(v2.id).toBeGreaterThan(0);

    const required = { ...optional, fields: [...optional.fields, { name: 'jitReference', type: 'string', dp: 'non-personal' }] };
    await expect(client().register({ type: SchemaType.AVRO, schema: JSON.stringify(required) }, { subject })).rejects.toThrow(/409|ncompatible/);
  });

  it('reads a record written with the evolved schema as a notice of the current contract', async () => {
    const subject = `${unique('test.evolution')}-value`;
    const evolved = { ...base, fields: [...base.fields, { name: 'operationName', type: ['null', 'string'], default: null, dp: 'non-personal' }] };
    const { id } = await client().register({ type: SchemaType.AVRO, schema: JSON.stringify(evolved) }, { subject });
    const n = notice();
    const bytes = await client().encode(id, { ...n, operationName: 'Sky Harbour' });
    const read = await registry().decode(bytes, 'notice');
    expect(read.noticeId).toBe(n.noticeId);
    expect('operationName' in read).toBe(false);
  });
});
