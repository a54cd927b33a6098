/**
 * The baseline of the end-to-end benchmark: a plain kafkajs consume–decode–encode–produce loop
 * doing the Kafka work the gateway does per notice, and nothing else. For each notice of K
 * recipients: decode (Avro, through the same registry codec), then produce K copies, K audit
 * events and one report (2K+1 records), in one transaction per batch with the consumed offsets.
 * No policy, no ledger, no audit chain, no validation.
 *
 *   node --import tsx bench/passthrough.ts --input <topic> --group <id> --prefix <topic prefix>
 */
import { Command } from 'commander';
import kafkajs, { type Message } from 'kafkajs';
import { resolveConnection } from '../services/shared/connection.ts';
import type { EuLiaison } from '../services/shared/generated/contract-types.ts';
import { createKafka, transactional } from '../services/shared/kafka.ts';
import { createLogger } from '../services/shared/logger.ts';
import { ContractRegistry } from '../services/shared/registry.ts';
import { gatewayTransactionalId } from '../services/shared/vocabulary.ts';

const options = new Command()
  .name('bench-passthrough')
  .description('Consume notices, decode, produce 2K+1 records per notice in one transaction per batch (the benchmark baseline)')
  .requiredOption('--input <topic>', 'topic to consume')
  .requiredOption('--group <id>', 'consumer group (positioned by the benchmark)')
  .requiredOption('--prefix <prefix>', 'prefix of the output topics: <prefix>.inbox, <prefix>.reports, <prefix>.audit')
  .option('--instance <id>', 'transactional id suffix', '1')
  .parse()
  .opts<{ input: string; group: string; prefix: string; instance: string }>();

const logger = createLogger('bench-passthrough', 'warn');
const connection = resolveConnection();
const kafka = createKafka({ connection, credentials: connection.credentials.admin, clientId: `bench-passthrough-${options.instance}`, logger });
const registry = new ContractRegistry(connection.registryUrl);
const out = { inbox: `${options.prefix}.inbox`, reports: `${options.prefix}.reports`, audit: `${options.prefix}.audit` };

// The same producer settings as the gateway's.
const producer = kafka.producer(transactional(gatewayTransactionalId(`bench-passthrough-${options.group}-${options.instance}`)));
await producer.connect();
await (await producer.transaction()).abort();
const consumer = kafka.consumer({ groupId: options.group, readUncommitted: false, sessionTimeout: 10_000, heartbeatInterval: 1_000 });
await consumer.connect();
await consumer.subscribe({ topic: options.input, fromBeginning: true });
const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
await consumer.run({
  autoCommit: false,
  eachBatchAutoResolve: false,
  eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
    if (batch.messages.length === 0) return;
    const transaction = await producer.transaction();
    try {
      let byTopic = new Map<string, Message[]>([[out.inbox, []], [out.reports, []], [out.audit, []]]);
      let bytes = 0;
      // Produce requests below the broker's 1 MB record-batch limit, as the gateway does.
      const push = (topic: string, message: { key: string; value: Buffer }) => {
        byTopic.get(topic)!.push(message);
        bytes += message.value.length + message.key.length + 64;
      };
      const flush = async () => {
        await transaction.sendBatch({ topicMessages: [...byTopic].filter(([, m]) => m.length > 0).map(([topic, messages]) => ({ topic, messages })) });
        byTopic = new Map<string, Message[]>([[out.inbox, []], [out.reports, []], [out.audit, []]]);
        bytes = 0;
      };
      for (const message of batch.messages) {
        const notice = await registry.decode(message.value, 'notice');
        const now = Date.now();
        for (const destination of notice.recipients) {
          const copy: EuLiaison.NoticeCopy = { copyId: `${notice.noticeId}:${destination}:FULL`, origin: notice.sender.country, destination, agreement: 'bench', policyVersion: 'bench', deliveredAt: now, expiresAt: now + 86_400_000, part: 'FULL', fieldActions: [], notice };
          push(out.inbox, { key: notice.caseRef, value: await registry.encode(out.inbox, 'noticeCopy', copy) });
          const audit: EuLiaison.AuditEvent = {
            eventId: `${notice.noticeId}:${destination}`, chain: 'bench', sequence: 0, prevHash: '0', hash: '0', at: now, actor: 'bench', action: 'DELIVERY_DECISION',
            noticeId: notice.noticeId, caseRef: notice.caseRef, origin: notice.sender.country, destination, outcome: 'DELIVERED', rules: [], details: {}, policyVersion: 'bench',
          };
          push(out.audit, { key: 'bench', value: await registry.encode(out.audit, 'auditEvent', audit) });
        }
        const report: EuLiaison.DeliveryReport = {
          noticeId: notice.noticeId, caseRef: notice.caseRef, origin: notice.sender.country, policyVersion: 'bench', correctionOf: null, processedAt: now,
          destinations: notice.recipients.map((destination) => ({ destination, status: 'DELIVERED', agreement: 'bench', reasons: [], rules: [], fieldActions: [], expiresAt: null })),
        };
        push(out.reports, { key: notice.caseRef, value: await registry.encode(out.reports, 'deliveryReport', report) });
        if (bytes > 800_000) await flush();
        await heartbeat();
      }
      await flush();
      const last = batch.messages[batch.messages.length - 1]!.offset;
      await transaction.sendOffsets({ consumerGroupId: options.group, topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(Number(last) + 1) }] }] });
      await transaction.commit();
      resolveOffset(last);
    } catch (error) {
      await transaction.abort().catch(() => {});
      throw error;
    }
  },
});
await joined;
console.log('ready');
const stop = async () => {
  await consumer.disconnect();
  await producer.disconnect();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
