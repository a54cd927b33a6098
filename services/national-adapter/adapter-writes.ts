/**
 * How the national adapter writes to Kafka: a country's records into its own outbox with that
 * country's principal (the broker lets it write nothing else, so the topic proves the origin),
 * and every write under a deadline, so a caller gets a 503 and retries rather than waiting.
 */
import { MAX_RECORD_BYTES } from '../policy/index.ts';
import { type Connection, partyCredentials } from '../shared/connection.ts';
import type { ContractName, ContractRecords } from '../shared/contract.ts';
import { ApiError } from '../shared/errors.ts';
import { createKafka, IDEMPOTENT } from '../shared/kafka.ts';
import type { Logger } from '../shared/logger.ts';
import { PartitionedSender } from '../shared/partitioned-sender.ts';
import type { ContractRegistry } from '../shared/registry.ts';
import { topics } from '../shared/topology.ts';

/** One producer per country, with that country's principal, each connected on its first write. */
export class CountryOutboxes {
  private readonly producers = new Map<string, PartitionedSender>();

  constructor(
    private readonly connection: Connection,
    private readonly registry: ContractRegistry,
    private readonly logger: Logger,
  ) {}

  /** Encodes and writes a record to the country's outbox; a record above what the gateway reads is a 413. */
  async write<N extends ContractName>(country: string, key: string, name: N, value: ContractRecords[N]): Promise<void> {
    const topic = topics.outbox(country);
    const encoded = await this.registry.encode(topic, name, value);
    if (encoded.length > MAX_RECORD_BYTES) throw new ApiError(413, 'too-large', [`body: ${encoded.length} bytes encoded, above ${MAX_RECORD_BYTES}`]);
    // The first send also connects: both under the deadline.
    await withDeadline(this.producerOf(country).send(topic, [{ key, value: encoded }]));
  }

  async stop(): Promise<void> {
    for (const p of this.producers.values()) await p.disconnect();
  }

  private producerOf(country: string): PartitionedSender {
    let producer = this.producers.get(country);
    if (!producer) {
      const kafka = createKafka({ connection: this.connection, credentials: partyCredentials(this.connection, country), clientId: `liaison-adapter-${country}`, logger: this.logger });
      producer = new PartitionedSender(kafka, IDEMPOTENT);
      this.producers.set(country, producer);
    }
    return producer;
  }
}

/** Kafka unreachable: the caller gets a 503 and retries with the same Idempotency-Key (never a second notice). */
export async function withDeadline<T>(sending: Promise<T>, ms = 15_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ApiError(503, 'kafka-unavailable', [`Kafka did not confirm the write within ${ms / 1000} s; retry with the same Idempotency-Key`])), ms);
  });
  // A write that fails for a reason of the moment (no broker, a leader election) is also a 503.
  const failed = sending.catch((error: Error & { retriable?: boolean }) => {
    if (error.retriable === true || /Connection|NumberOfRetriesExceeded|RequestTimeout|NotLeader|LeaderNotAvailable/.test(`${error.name} ${error.message}`)) {
      throw new ApiError(503, 'kafka-unavailable', [`Kafka did not take the write (${error.message}); retry with the same Idempotency-Key`]);
    }
    throw error;
  });
  try {
    return await Promise.race([failed, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
