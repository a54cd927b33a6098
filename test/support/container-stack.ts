/**
 * The same stack as infra/local, in containers, for machines with a container runtime:
 * the official Apache Kafka image configured with the embedded stack's server.properties
 * (SCRAM, ACLs, PLAIN controller listener) and the Apicurio Registry image.
 */
import { GenericContainer, Wait, getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { type Connection, DATABASE_NAME, databaseUrls } from '../../services/shared/connection.ts';
import { provisionDatabase } from '../../infra/local/postgres.ts';
import { retryUntil } from '../../services/shared/retry.ts';
import { loadParties } from '../../services/shared/parties.ts';
import { generateCredentials } from '../../infra/local/credentials.ts';
import { kafkaServerProperties, newClusterId, scramFormatArgs, withAdmin } from '../../infra/local/kafka.ts';
import { prepareCluster } from '../../infra/local/stack.ts';

const KAFKA_IMAGE = 'apache/kafka:4.3.1';
const REGISTRY_IMAGE = 'apicurio/apicurio-registry:3.3.3';
const POSTGRES_IMAGE = 'postgres:17';

export async function containerRuntimeAvailable(): Promise<boolean> {
  try {
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

const shellQuote = (arg: string): string => `'${arg.replaceAll("'", `'\\''`)}'`;

export async function startContainerStack(): Promise<{ connection: Connection; stop: () => Promise<void> }> {
  const parties = loadParties();
  const credentials = generateCredentials(parties);
  // Clients must be told the address they reach the broker on, so the host port is fixed.
  const kafkaPort = Number(process.env.LIAISON_KAFKA_PORT ?? 19092);
  const properties = kafkaServerProperties(
    { listenHost: '0.0.0.0', advertisedHost: '127.0.0.1', kafkaPort, controllerPort: 19093, logDirs: '/tmp/kraft-logs' },
    credentials.admin,
  );
  const config = '/tmp/liaison/server.properties';
  const format = ['/opt/kafka/bin/kafka-storage.sh', 'format', '-t', newClusterId(), '-c', config, ...scramFormatArgs(credentials)];
  const started: StartedTestContainer[] = [];
  const stop = async () => {
    await Promise.all(started.map((c) => c.stop()));
  };
  try {
    started.push(
      await new GenericContainer(KAFKA_IMAGE)
        .withCopyContentToContainer([{ content: properties, target: config }])
        .withExposedPorts({ container: kafkaPort, host: kafkaPort })
        .withCommand(['bash', '-c', `${format.map(shellQuote).join(' ')} && exec /opt/kafka/bin/kafka-server-start.sh ${config}`])
        .withWaitStrategy(Wait.forListeningPorts())
        .start(),
    );
    const registry = await new GenericContainer(REGISTRY_IMAGE)
      .withExposedPorts(8080)
      .withWaitStrategy(Wait.forHttp('/apis/ccompat/v7/subjects', 8080))
      .start();
    started.push(registry);
    const database = credentials.database!;
    const postgres = await new GenericContainer(POSTGRES_IMAGE)
      .withEnvironment({ POSTGRES_USER: database.admin.username, POSTGRES_PASSWORD: database.admin.password, POSTGRES_DB: DATABASE_NAME })
      .withExposedPorts(5432)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
      .start();
    started.push(postgres);
    const server = { host: postgres.getHost(), port: postgres.getMappedPort(5432) };
    await provisionDatabase(server, database);
    const connection: Connection = {
      brokers: [`127.0.0.1:${kafkaPort}`],
      registryUrl: `http://${registry.getHost()}:${registry.getMappedPort(8080)}/apis/ccompat/v7`,
      ssl: false,
      mechanism: 'scram-sha-512',
      credentials,
      databases: databaseUrls(server, database),
    };
    await retryUntil(() => withAdmin(connection, (admin) => admin.describeCluster()), { timeoutMs: 60_000 });
    await prepareCluster(connection, parties);
    return { connection, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
