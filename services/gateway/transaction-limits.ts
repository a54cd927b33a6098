/** What one produce request and one transaction of the gateway may carry, read from the cluster's own limits. */
import kafkajs, { type Kafka } from 'kafkajs';
import { topics } from '../shared/topology.ts';

const { ConfigResourceTypes } = kafkajs;

export interface TransactionLimits {
  /** The smallest max.message.bytes of the broker and the topics the gateway writes. */
  brokerBytes: number;
  /** One produce request (one record batch per partition at most this): below brokerBytes. */
  requestBytes: number;
  /** A transaction ends after this many bytes produced … */
  transactionBytes: number;
  /** … or this many input records, and commits its own offsets. */
  transactionRecords: number;
  /** Partitions of each topic the gateway writes: every produce request goes to one partition. */
  partitions: ReadonlyMap<string, number>;
}

/** Bytes a message takes in a record batch, with a generous allowance for its headers. */
export const sizeOf = (m: { key?: Buffer | string | null; value: Buffer | string | null }): number =>
  (m.value === null ? 0 : Buffer.byteLength(m.value)) + (m.key === null || m.key === undefined ? 0 : Buffer.byteLength(m.key)) + 64;

/** The limit Kafka has by default (message.max.bytes), when the cluster names none. */
const KAFKA_DEFAULT_BYTES = 1_048_588;

/**
 * Reads max.message.bytes of the broker and of every topic the gateway writes: one produce
 * request stays below the smallest, whatever the cluster is configured with.
 */
export async function readTransactionLimits(kafka: Kafka, parties: readonly string[], transactionRecords: number): Promise<TransactionLimits> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const written = [...parties.flatMap((p) => [topics.inbox(p), topics.reports(p)]), topics.audit, topics.dlq, topics.held];
    const cluster = await admin.describeCluster();
    const broker = cluster.controller ?? cluster.brokers[0]?.nodeId;
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        ...(broker === undefined ? [] : [{ type: ConfigResourceTypes.BROKER, name: String(broker), configNames: ['message.max.bytes'] }]),
        ...written.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['max.message.bytes'] })),
      ],
    });
    const values = described.resources.flatMap((r) => r.configEntries.map((e) => Number(e.configValue))).filter((n) => Number.isFinite(n) && n > 0);
    const brokerBytes = Math.min(...values, KAFKA_DEFAULT_BYTES);
    const requestBytes = Math.floor(brokerBytes * 0.9);
    const metadata = await admin.fetchTopicMetadata({ topics: written });
    const partitions = new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
    return { brokerBytes, requestBytes, transactionBytes: Math.max(requestBytes * 8, 4_000_000), transactionRecords, partitions };
  } finally {
    await admin.disconnect();
  }
}
