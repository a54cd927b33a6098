/** The one way Liaison builds a Kafka client. */
import kafkajs, { Kafka, logLevel, type LogEntry, type ProducerConfig, type SASLOptions } from 'kafkajs';
import type { Connection, Credentials } from './connection.ts';
import { ConfigError } from './errors.ts';
import { infraError } from './infra-errors.ts';
import type { Logger } from './logger.ts';

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
      if (entry.level === logLevel.ERROR) infraError('kafka');
      if (!logger) return;
      // kafkajs messages carry broker and topic names, never record contents.
      const { message, ...extra } = entry.log;
      logger.log(LEVELS[entry.level] ?? 'info', message, { kafka: entry.namespace, ...extra });
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
