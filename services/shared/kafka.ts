/** The one way Liaison builds a Kafka client. */
import { createRequire } from 'node:module';
import kafkajs, { Kafka, logLevel, type LogEntry, type ProducerConfig, type SASLOptions } from 'kafkajs';
import type { Connection, Credentials } from './connection.ts';
import { ConfigError } from './errors.ts';
import { infraError } from './infra-errors.ts';
import type { Logger } from './logger.ts';
import type { TransactionalId } from './vocabulary.ts';

const LEVELS: Record<number, string> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

export interface KafkaClientOptions {
  connection: Connection;
  credentials: Credentials;
  clientId: string;
  logger?: Logger;
}

// kafkajs logs every error response of a broker at ERROR, also the retriable ones it simply
// retries (coordinator loading, a concurrent transaction): a healthy exchange would show dozens.
// Its table of broker errors says which are retriable (no export of its own, hence the path).
const { errorCodes } = createRequire(import.meta.url)('kafkajs/src/protocol/error.js') as { errorCodes: Array<{ message: string; retriable: boolean }> };
const RETRIED = new Set(errorCodes.filter((e) => e.retriable).map((e) => e.message));

/** Whether a kafkajs log entry is an error operators should count: not a response kafkajs retries. */
export function isInfraError(entry: Pick<LogEntry, 'level' | 'log'>): boolean {
  if (entry.level !== logLevel.ERROR) return false;
  const { error, message, retryCount } = entry.log as { error?: unknown; message?: unknown; retryCount?: unknown };
  if (typeof error === 'string') return !RETRIED.has(error);
  // The producer's own line about a send it will retry: "Failed to send messages: <broker error>".
  const retried = typeof message === 'string' && typeof retryCount === 'number' && /^Failed to send messages: (.*)$/s.exec(message);
  return !(retried && RETRIED.has(retried[1]!));
}

export function createKafka({ connection, credentials, clientId, logger }: KafkaClientOptions): Kafka {
  if (!credentials.password) throw new ConfigError(`no password for the Kafka principal ${credentials.username}: give this service that principal's credentials`);
  const sasl = { mechanism: connection.mechanism, username: credentials.username, password: credentials.password } as SASLOptions;
  return new Kafka({
    clientId,
    brokers: connection.brokers,
    ssl: connection.ssl,
    sasl,
    connectionTimeout: 5_000,
    retry: { retries: 8, initialRetryTime: 200 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      if (isInfraError(entry)) infraError('kafka');
      if (!logger) return;
      // kafkajs messages carry broker and topic names, never record contents.
      // A response kafkajs simply retries is detail (debug), not an error: a stall it causes shows on /readyz.
      const { message, ...extra } = entry.log;
      const level = entry.level === logLevel.ERROR && !isInfraError(entry) ? 'debug' : (LEVELS[entry.level] ?? 'info');
      logger.log(level, message, { kafka: entry.namespace, ...extra });
    },
  });
}

/** An idempotent producer retries without limit (kafkajs warns otherwise); callers bound their wait. */
export const IDEMPOTENT: ProducerConfig = {
  idempotent: true,
  maxInFlightRequests: 1,
  createPartitioner: kafkajs.Partitioners.DefaultPartitioner,
  retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
};

/**
 * A transactional producer. Right after a commit the coordinator answers the next
 * transaction's AddPartitionsToTxn with CONCURRENT_TRANSACTIONS until the commit markers are
 * written (a few milliseconds); kafkajs's default first back-off (300 ms ± 20 %) turned that
 * into a pause of ≈ 200 ms per batch, a quarter of the latency at 200 notices/s. Back off from
 * 10 ms instead, doubling up to the same 5 s.
 */
export function transactional(transactionalId: TransactionalId): ProducerConfig {
  return { ...IDEMPOTENT, transactionalId, retry: { ...IDEMPOTENT.retry, initialRetryTime: 10 } };
}
