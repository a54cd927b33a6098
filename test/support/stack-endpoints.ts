/**
 * Where integration tests find Kafka and the schema registry:
 *  1. KAFKA_BROKERS and SCHEMA_REGISTRY_URL when set (an existing cluster; LIAISON_CREDENTIALS
 *     names the credentials file with the admin and per-party principals);
 *  2. else Testcontainers, when a container runtime answers;
 *  3. else the embedded stack of the tests, started here when it is not already running. It has a
 *     data folder (.liaison-test/, or LIAISON_TEST_HOME) and ports of its own (Kafka 29092,
 *     registry 28081, …), so the demo's stack (.liaison/, 19092, 18081) can run beside it.
 * LIAISON_TEST_STACK=external|containers|embedded forces a choice.
 */
import { join } from 'node:path';
import { PROJECT_ROOT, resolveConnection, type Connection } from '../../services/shared/connection.ts';
import { stackOptionsFromEnv } from '../../infra/local/stack-options.ts';
import { stackDown, stackUp } from '../../infra/local/stack.ts';
import { containerRuntimeAvailable, startContainerStack } from './container-stack.ts';

export interface AcquiredStack {
  connection: Connection;
  source: string;
  /** Stops what acquireStack started, and nothing else. */
  release: () => Promise<void>;
}

/** The environment that makes stackOptionsFromEnv describe the tests' own embedded stack. */
export function testStackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    LIAISON_HOME: env.LIAISON_TEST_HOME ?? join(PROJECT_ROOT, '.liaison-test'),
    LIAISON_KAFKA_PORT: env.LIAISON_TEST_KAFKA_PORT ?? '29092',
    LIAISON_CONTROLLER_PORT: env.LIAISON_TEST_CONTROLLER_PORT ?? '29093',
    LIAISON_REGISTRY_PORT: env.LIAISON_TEST_REGISTRY_PORT ?? '28081',
    LIAISON_REGISTRY_MANAGEMENT_PORT: env.LIAISON_TEST_REGISTRY_MANAGEMENT_PORT ?? '28082',
    LIAISON_PROMETHEUS_PORT: env.LIAISON_TEST_PROMETHEUS_PORT ?? '29090',
    LIAISON_POSTGRES_PORT: env.LIAISON_TEST_POSTGRES_PORT ?? '29432',
  };
}

/**
 * A three-node cluster beside the tests' stack, for the tests of a broker failure: its own data
 * folder (.liaison-test-cluster/) and ports (Kafka 29192–29197, registry 28181), the tests'
 * downloads, no Prometheus.
 */
export function clusterStackEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const tests = testStackEnv(env);
  return {
    ...env,
    LIAISON_HOME: env.LIAISON_TEST_CLUSTER_HOME ?? join(PROJECT_ROOT, '.liaison-test-cluster'),
    LIAISON_DIST: join(tests.LIAISON_HOME!, 'dist'),
    LIAISON_BROKERS: '3',
    LIAISON_KAFKA_PORT: env.LIAISON_TEST_CLUSTER_KAFKA_PORT ?? '29192',
    LIAISON_CONTROLLER_PORT: env.LIAISON_TEST_CLUSTER_CONTROLLER_PORT ?? '29193',
    LIAISON_REGISTRY_PORT: env.LIAISON_TEST_CLUSTER_REGISTRY_PORT ?? '28181',
    LIAISON_REGISTRY_MANAGEMENT_PORT: env.LIAISON_TEST_CLUSTER_REGISTRY_MANAGEMENT_PORT ?? '28182',
    LIAISON_PROMETHEUS: 'off',
    LIAISON_POSTGRES_PORT: env.LIAISON_TEST_CLUSTER_POSTGRES_PORT ?? '29532',
  };
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
  const opts = stackOptionsFromEnv(testStackEnv(env), (line) => console.log(`[stack] ${line}`));
  const { connection, started } = await stackUp(opts);
  return {
    connection,
    source: started ? 'embedded stack, started for this run' : 'embedded stack, already running',
    release: async () => {
      if (started) await stackDown(opts);
    },
  };
}
