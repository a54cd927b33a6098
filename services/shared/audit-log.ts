/** Reading the audit topic back: for resuming a chain and for verifying every chain. */
import type { Kafka } from 'kafkajs';
import { type AuditEvent, verifyChains, type VerifyResult } from './audit-chain.ts';
import type { ContractRegistry } from './registry.ts';
import { readFromStart } from './topic-reader.ts';
import { topics } from './topology.ts';
import { READER_GROUP_PREFIXES } from './vocabulary.ts';

export async function readAuditLog(kafka: Kafka, registry: ContractRegistry, topic: string = topics.audit): Promise<Array<{ event: AuditEvent; offset: string }>> {
  const events: Array<{ event: AuditEvent; offset: string }> = [];
  await readFromStart(kafka, { topics: [topic], groupPrefix: READER_GROUP_PREFIXES.auditVerify, follow: false }, async (message) => {
    events.push({ event: await registry.decode(message.value, 'auditEvent'), offset: message.offset });
  });
  // One partition: log order is offset order.
  return events.sort((a, b) => Number(BigInt(a.offset) - BigInt(b.offset)));
}

export async function verifyAuditLog(kafka: Kafka, registry: ContractRegistry, topic: string = topics.audit): Promise<VerifyResult> {
  return verifyChains(await readAuditLog(kafka, registry, topic));
}
