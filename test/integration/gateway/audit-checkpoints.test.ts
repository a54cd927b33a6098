/**
 * A gateway resumes verifying the audit trail from a checkpoint (liaison.gateway.checkpoints)
 * instead of its first event, its own chain goes on intact, and a checkpoint outside the audit
 * topic is not trusted.
 */
import { describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../../services/shared/audit-log.ts';
import type { EuLiaison } from '../../../services/shared/generated/contract-types.ts';
import { readFromStart } from '../../../services/shared/topic-reader.ts';
import { topics } from '../../../services/shared/topology.ts';
import { notice } from '../../fixtures/notices.ts';
import { adminKafka, unique } from '../../support/clients.ts';
import { exchange, newGatewayGroup, registry, startGateway } from '../../support/flow.ts';
import { READER_GROUP_PREFIXES } from '../../../services/shared/vocabulary.ts';

async function auditEnd(): Promise<number> {
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    return Number((await admin.fetchTopicOffsets(topics.audit))[0]!.high);
  } finally {
    await admin.disconnect();
  }
}

/** Every checkpoint written so far, in order. */
async function checkpoints(): Promise<EuLiaison.AuditCheckpoint[]> {
  const found: EuLiaison.AuditCheckpoint[] = [];
  await readFromStart(adminKafka(), { topics: [topics.gatewayCheckpoints], groupPrefix: READER_GROUP_PREFIXES.checkpoints, follow: false }, async (message) => {
    found.push(await registry().decode(message.value, 'auditCheckpoint'));
  });
  return found;
}

const verifiedEvents = async (metrics: import('prom-client').Registry): Promise<number> =>
  (await metrics.getSingleMetric('liaison_audit_events_verified')!.get()).values[0]?.value ?? -1;

describe('audit checkpoints', () => {
  it('let a restarted gateway resume verifying from where it stopped, its chain continuing intact', async () => {
    const group = await newGatewayGroup();
    const instance = unique('gw-checkpoint');
    const chain = `gateway-${instance}`;
    const first = await startGateway(group, instance);
    await exchange('BE', notice({ recipients: ['NL', 'LU'] }));
    await first.stop();

    // The stop wrote how far this instance had verified: inside the topic, with its own chain's head.
    const written = (await checkpoints()).filter((c) => c.writtenBy === instance);
    expect(written.length).toBeGreaterThan(0);
    const last = written.at(-1)!;
    expect(last.nextOffset).toBeGreaterThan(0);
    expect(last.nextOffset).toBeLessThanOrEqual(await auditEnd());
    expect(last.broken).toBeNull();
    expect(last.chains.find((c) => c.chain === chain)).toMatchObject({ sequence: 1 }); // two decisions: NL and LU

    const second = await startGateway(group, instance);
    try {
      // It read from a checkpoint (its own or a newer one of another instance), not from the first event,
      // and counts the events before it as verified.
      expect(second.gateway.auditResumedAt).toBeGreaterThanOrEqual(last.nextOffset);
      expect(await verifiedEvents(second.metrics)).toBeGreaterThanOrEqual(last.events);
      await exchange('BE', notice({ recipients: ['NL'] }));
    } finally {
      await second.stop();
    }
    // The whole trail, verified from its first event as a data protection authority would: intact,
    // and this instance's chain goes on where the first process left it.
    const full = await verifyAuditLog(adminKafka(), registry());
    expect(full.broken).toBeNull();
    expect(full.chains.get(chain)?.sequence).toBe(2);
  });

  it('are not trusted outside the audit topic: the gateway then verifies from an earlier one or the start', async () => {
    const end = await auditEnd();
    // A checkpoint claiming a trail far longer than the topic (as if the topic had been recreated under it).
    const bogus: EuLiaison.AuditCheckpoint = {
      partition: 0,
      nextOffset: 2 ** 52,
      events: 1,
      chains: [],
      permissions: [],
      broken: null,
      writtenBy: 'test-bogus',
      writtenAt: Date.now(),
    };
    const producer = adminKafka().producer();
    await producer.connect();
    await producer.send({ topic: topics.gatewayCheckpoints, acks: -1, messages: [{ key: 'audit:0', value: await registry().encode(topics.gatewayCheckpoints, 'auditCheckpoint', bogus) }] });
    await producer.disconnect();

    const gateway = await startGateway(await newGatewayGroup());
    try {
      expect(gateway.gateway.auditResumedAt).toBeLessThanOrEqual(end);
      // Its count covers the whole trail, not the single event the bogus checkpoint claimed.
      expect(await verifiedEvents(gateway.metrics)).toBeGreaterThan(1);
      expect((await gateway.metrics.getSingleMetric('liaison_audit_chain_intact')!.get()).values[0]?.value).toBe(1);
    } finally {
      await gateway.stop();
    }
  });
});
