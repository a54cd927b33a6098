/**
 * Where integration tests find Kafka and the schema registry:
 *  1. KAFKA_BROKERS and SCHEMA_REGISTRY_URL when set (an existing cluster; LIAISON_CREDENTIALS
 *     names the credentials file with the admin and per-party principals);
 *  2. else Testcontainers, when a container runtime answers;
 *  3. else the embedded stack, started here when it is not already running.
 * LIAISON_TEST_STACK=external|containers|embedded forces a choice.
 */
import { resolveConnection, type Connection } from '../../services/shared/connection.ts';
import { stackDown, stackOptionsFromEnv, stackUp } from '../../infra/local/stack.ts';
import { containerRuntimeAvailable, startContainerStack } from './container-stack.ts';

export interface AcquiredStack {
  connection: Connection;
  source: string;
  /** Stops what acquireStack started, and nothing else. */
  release: () => Promise<void>;
}

export async function acquireStack(env = process.env): Promise<AcquiredStack> {
  const forced = env.LIAISON_TEST_STACK;
  if (forced === 'external' || (!forced && env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL)) {
    return { connection: resolveConnection(env), source: 'external cluster from KAFKA_BROKERS', release: async () => {} };
  }
  if (forced === 'containers' || (!forced && (await containerRuntimeAvailable()))) {
    const stack = await startContainerStack();
    return { connection: stack.connection, source: 'Testcontainers', release: stack.stop };
  }
  const opts = stackOptionsFromEnv(env, (line) => console.log(`[stack] ${line}`));
  const { connection, started } = await stackUp(opts);
  return {
    connection,
    source: started ? 'embedded stack, started for this run' : 'embedded stack, already running',
    release: async () => {
      if (started) await stackDown(opts);
    },
  };
}
