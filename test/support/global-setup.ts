/**
 * Integration tests get Kafka and the registry from one place (acquireStack), once per run,
 * and receive the connection through vitest's provide/inject.
 */
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import type { Connection } from '../../services/shared/connection.ts';
import { acquireStack } from './stack-endpoints.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    connection: Connection;
    /** Where the stack comes from: the embedded stack, Testcontainers, or an external cluster. */
    stackSource: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await acquireStack();
  console.log(`[integration] Kafka ${stack.connection.brokers.join(',')} and registry ${stack.connection.registryUrl} (${stack.source})`);
  project.provide('connection', stack.connection);
  project.provide('stackSource', stack.source);
  return stack.release;
}
