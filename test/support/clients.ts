import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { inject } from 'vitest';
import { partyCredentials, serviceCredentials, type Connection } from '../../services/shared/connection.ts';
import type { ServiceName } from '../../services/shared/topology.ts';
import { createKafka } from '../../services/shared/kafka.ts';

let override: Connection | undefined;
/** The stack the helpers of this test file use: the run's own, unless the file chose another (a cluster). */
export const connection = (): Connection => override ?? inject('connection');
/** Points every helper of this test file (each file has its own module instance) at another stack. */
export function useConnection(other: Connection): void {
  override = other;
}

/** Unique per test, so tests never see each other's topics, groups or records. */
export const unique = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export const adminKafka = (clientId = unique('test-admin')): Kafka =>
  createKafka({ connection: connection(), credentials: connection().credentials.admin, clientId });

export const partyKafka = (code: string, clientId = unique(`test-${code}`)): Kafka =>
  createKafka({ connection: connection(), credentials: partyCredentials(connection(), code), clientId });

/** A Liaison service's own principal (the gateway's, the adapter's). */
export const serviceKafka = (service: ServiceName, clientId = unique(`test-${service}`)): Kafka =>
  createKafka({ connection: connection(), credentials: serviceCredentials(connection(), service), clientId });
