/**
 * End-to-end helpers on the real stack: submit notices as a country, run gateways in a
 * consumer group of the test's own, read what each inbox, report and audit topic received.
 * Every reader starts at the log end taken before the test, so tests never see each other.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import kafkajs, { type Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { Gateway, type GatewayOptions } from '../../services/gateway/gateway.ts';
import { gatewayMetrics } from '../../services/gateway/metrics.ts';
import type { PseudonymKey } from '../../services/policy/engine.ts';
import { loadPolicy, type Policy } from '../../services/policy/policy.ts';
import { PROJECT_ROOT, serviceCredentials } from '../../services/shared/connection.ts';
import type { EuLiaison } from '../../services/shared/generated/contract-types.ts';
import type { ContractName } from '../../services/shared/contract.ts';
import { createLogger } from '../../services/shared/logger.ts';
import { ContractRegistry } from '../../services/shared/registry.ts';
import { gatewayInputs as gatewayTopics, topics } from '../../services/shared/topology.ts';
import { adminKafka, connection, partyKafka, unique } from './clients.ts';
import { testDatabaseUrl } from './database.ts';

const { Partitioners } = kafkajs;

export const policy: Policy = loadPolicy();
export const testKeys: PseudonymKey = (id) => Buffer.from(`integration-test-pseudonym-key-${id}`.padEnd(32, '#'));

let sharedRegistry: ContractRegistry | undefined;
export const registry = (): ContractRegistry => (sharedRegistry ??= new ContractRegistry(connection().registryUrl));

export type Offsets = Map<string, Array<{ partition: number; offset: string }>>;

/** The current end of each topic: where a test's readers and gateways start. */
export async function logEnd(topicNames: string[]): Promise<Offsets> {
  const admin = adminKafka().admin();
  await admin.connect();
  try {
    const result: Offsets = new Map();
    for (const topic of topicNames) {
      result.set(topic, (await admin.fetchTopicOffsets(topic)).map((p) => ({ partition: p.partition, offset: p.high })));
    }
    return result;
  } finally {
    await admin.disconnect();
  }
}

const gatewayInputs = () => gatewayTopics([...policy.parties.keys()]);

/**
 * A consumer group positioned at `from` before its real members join: a short-lived member
 * commits the offsets (one join for all topics; kafkajs's admin.setOffsets waits out a full
 * fetch per topic).
 */
async function positionGroup(groupId: string, from: Offsets): Promise<void> {
  const consumer = adminKafka().consumer({ groupId, maxWaitTimeInMs: 50 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...from.keys()] });
    // Fetches nothing it keeps: no offset is resolved or committed but those below.
    await consumer.run({ autoCommit: false, eachBatch: async () => {} });
    await joined;
    await consumer.commitOffsets([...from].flatMap(([topic, partitions]) => partitions.map((p) => ({ topic, partition: p.partition, offset: p.offset }))));
  } finally {
    await consumer.disconnect();
  }
}

/** A gateway group of the test's own, starting at the current end of its inputs. */
export async function newGatewayGroup(): Promise<string> {
  const groupId = unique('liaison.gateway.test');
  await positionGroup(groupId, await logEnd(gatewayInputs()));
  return groupId;
}

export interface RunningGateway {
  gateway: Gateway;
  metrics: Registry;
  stop: () => Promise<void>;
}

export async function startGateway(
  groupId: string,
  instanceId = unique('gw'),
  now?: () => number,
  options: Partial<Pick<GatewayOptions, 'stallAfterMs' | 'progressIntervalMs' | 'connection' | 'logger'>> = {},
): Promise<RunningGateway> {
  const metrics = new Registry();
  let gateway: Gateway | undefined;
  const gauges = { heldWaiting: () => gateway?.heldWaiting() ?? [], lag: () => gateway?.lag() ?? new Map<string, number>(), stalled: () => gateway?.stalledPartitions() ?? 0, ledgerPending: () => gateway?.ledgerPending() ?? 0, now: now ?? Date.now };
  gateway = new Gateway({
    connection: options.connection ?? connection(),
    policy,
    keys: testKeys,
    instanceId,
    groupId,
    logger: createLogger('gateway', 'warn'),
    metrics: gatewayMetrics(metrics, policy.version, gauges),
    now,
    sessionTimeoutMs: 6_000,
    ...options,
  });
  await gateway.start();
  const started = gateway;
  return { gateway: started, metrics, stop: () => started.stop() };
}

/** Environment for a Liaison process (gateway, CLI) connecting to the test's stack as the admin. */
export const adminEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  KAFKA_BROKERS: connection().brokers.join(','),
  SCHEMA_REGISTRY_URL: connection().registryUrl,
  KAFKA_USERNAME: connection().credentials.admin.username,
  KAFKA_PASSWORD: connection().credentials.admin.password,
});

/** Environment for a gateway process connecting to the test's stack with the gateway's own principal, and its database. */
export const gatewayEnv = (): NodeJS.ProcessEnv => ({
  ...adminEnv(),
  KAFKA_USERNAME: serviceCredentials(connection(), 'gateway').username,
  KAFKA_PASSWORD: serviceCredentials(connection(), 'gateway').password,
  DATABASE_URL: testDatabaseUrl('gateway'),
});

/**
 * The gateway as its own process, for the kill test. `node --import tsx`, not the tsx CLI:
 * the CLI runs the program in a child process that a SIGKILL of the CLI would leave running.
 */
export function spawnGateway(groupId: string, instanceId: string, port: number, keysFile: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'services/gateway/main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      ...gatewayEnv(),
      LIAISON_PSEUDONYM_KEYS: keysFile,
      LIAISON_GATEWAY_GROUP: groupId,
      LIAISON_GATEWAY_INSTANCE: instanceId,
      LIAISON_GATEWAY_PORT: String(port),
      LIAISON_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return child;
}

/** Produces a notice to `origin`'s outbox with that country's own principal. */
export async function submit(origin: string, ...notices: EuLiaison.Notice[]): Promise<void> {
  const producer = partyKafka(origin).producer({ idempotent: true, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    const messages = await Promise.all(notices.map(async (n) => ({ key: n.caseRef, value: await registry().encode(topics.outbox(origin), 'notice', n) })));
    await producer.send({ topic: topics.outbox(origin), messages });
  } finally {
    await producer.disconnect();
  }
}

/** Produces raw bytes to an outbox (for the dead-letter path). */
export async function submitRaw(origin: string, key: string, value: Buffer): Promise<void> {
  const producer = partyKafka(origin).producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  await producer.send({ topic: topics.outbox(origin), messages: [{ key, value }] });
  await producer.disconnect();
}

export interface Received<T> {
  topic: string;
  partition: number;
  offset: string;
  value: T;
}

/**
 * Reads `topic` from `from` (read committed) as `principal` (a party code, or the admin) until
 * `done` says enough or `timeoutMs` passes; returns what was read.
 */
export async function readTopic<T>(
  topic: string,
  name: ContractName,
  from: Offsets,
  options: { principal?: string; done: (records: Received<T>[]) => boolean; timeoutMs?: number },
): Promise<Received<T>[]> {
  const principal = options.principal;
  const kafka: Kafka = principal ? partyKafka(principal) : adminKafka();
  const groupId = principal ? `liaison.${principal}.${unique('test')}` : unique('test-reader');
  const start = new Map((from.get(topic) ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  // Short long-polls: disconnecting waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId, readUncommitted: false, maxWaitTimeInMs: 100 });
  const records: Received<T>[] = [];
  await consumer.connect();
  try {
    // From the beginning, then sought to `from`: kafkajs sometimes loses the seek of a partition
    // (seen on the three-node cluster after a leader change); that partition is then read from
    // its start, and what lies before `from` is skipped below, instead of from its end, missing
    // everything.
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 20_000);
      void consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            if (BigInt(message.offset) < (start.get(partition) ?? 0n)) return;
            // Outboxes, inboxes and reports carry more than one record type: keep those asked for.
            const record = await registry().decodeAny(message.value, [...new Set<ContractName>([name, 'notice', 'noticeCopy', 'deliveryReport', 'receipt', 'forwardingPermission'])]).catch(() => undefined);
            if (record?.name !== name) return;
            records.push({ topic: t, partition, offset: message.offset, value: record.value as T });
            if (options.done(records)) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .then(() => {
          // Applied when the partitions are assigned; faster than positioning a new group with the admin API.
          for (const [partition, offset] of start) consumer.seek({ topic, partition, offset: String(offset) });
        });
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

export interface Exchange {
  report: EuLiaison.DeliveryReport;
  /** The copies each destination's own principal reads from its inbox, for this notice. */
  copies: Map<string, EuLiaison.NoticeCopy[]>;
  held: EuLiaison.NoticeCopy[];
}

const copiesExpected = (status: EuLiaison.DeliveryStatus): number =>
  status === 'DELIVERED' || status === 'DELIVERED_FILTERED' || status === 'HELD_FOR_REVIEW' ? 1 : 0;

/** Submits a notice as `origin` and collects its report, every inbox copy and held copy. */
export async function exchange(origin: string, notice: EuLiaison.Notice): Promise<Exchange> {
  // Every inbox: a correction also reaches recipients it does not name.
  const watched = [topics.reports(origin), topics.held, ...[...policy.parties.keys()].map((d) => topics.inbox(d))];
  const from = await logEnd(watched);
  await submit(origin, notice);
  const [report] = await readTopic<EuLiaison.DeliveryReport>(topics.reports(origin), 'deliveryReport', from, {
    principal: origin,
    done: (r) => r.some((x) => x.value.noticeId === notice.noticeId),
  }).then((r) => r.filter((x) => x.value.noticeId === notice.noticeId).map((x) => x.value));
  if (!report) throw new Error(`no delivery report for ${notice.noticeId}`);
  const copies = new Map<string, EuLiaison.NoticeCopy[]>();
  for (const d of report.destinations) {
    const want = copiesExpected(d.status);
    const mine = (r: Received<EuLiaison.NoticeCopy>[]) => r.filter((x) => x.value.notice.noticeId === notice.noticeId);
    const read = await readTopic<EuLiaison.NoticeCopy>(topics.inbox(d.destination), 'noticeCopy', from, {
      principal: d.destination,
      done: (r) => mine(r).length >= want,
      timeoutMs: want === 0 ? 1_500 : 20_000,
    });
    copies.set(d.destination, mine(read).map((x) => x.value));
  }
  const heldWanted = report.destinations.filter((d) => d.status === 'HELD_FOR_REVIEW').length;
  const held = heldWanted === 0 ? [] : (await readTopic<EuLiaison.NoticeCopy>(topics.held, 'noticeCopy', from, {
    done: (r) => r.filter((x) => x.value.notice.noticeId === notice.noticeId).length >= heldWanted,
  })).filter((x) => x.value.notice.noticeId === notice.noticeId).map((x) => x.value);
  return { report, copies, held };
}
