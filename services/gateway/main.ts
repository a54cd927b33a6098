/** Wires the gateway: policy, keys, Kafka, HTTP. Configuration comes from the environment. */
import { join } from 'node:path';
import { Command } from 'commander';
import { loadPolicy, loadPseudonymKeys } from '../policy/index.ts';
import { liaisonHome, resolveConnection } from '../shared/connection.ts';
import { createServiceHttp } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { runService } from '../shared/service.ts';
import { GATEWAY_NAMES } from '../shared/vocabulary.ts';
import { Gateway } from './gateway.ts';
import { gatewayMetrics } from './metrics.ts';

const options = new Command()
  .name('liaison-gateway')
  .description('The policy enforcement point: routes and filters every notice from the outboxes to the inboxes')
  .option('--instance <id>', 'stable instance id (transactional id, audit chain)', process.env.LIAISON_GATEWAY_INSTANCE ?? '1')
  .option('--port <port>', 'HTTP port for /metrics, /healthz, /readyz', process.env.LIAISON_GATEWAY_PORT ?? '18090')
  .option('--host <host>', 'HTTP bind address', process.env.LIAISON_GATEWAY_HOST ?? '127.0.0.1')
  .option('--group <id>', 'consumer group shared by the instances', process.env.LIAISON_GATEWAY_GROUP ?? GATEWAY_NAMES.group)
  .parse()
  .opts<{ instance: string; port: string; host: string; group: string }>();

const logger = createLogger('gateway');

await runService('gateway', logger, async () => {
  const policy = loadPolicy();
  const connection = resolveConnection();
  const embedded = !process.env.KAFKA_BROKERS;
  const keysFile = process.env.LIAISON_PSEUDONYM_KEYS ?? join(liaisonHome(), 'pseudonym-keys.json');
  // Only the embedded stack may mint its own keys; a real deployment must be given them.
  const keys = loadPseudonymKeys(keysFile, policy.agreements.map((a) => a.id), { generateMissing: embedded && !process.env.LIAISON_PSEUDONYM_KEYS });

  let gateway: Gateway | undefined;
  const http = createServiceHttp('gateway', () => gateway?.isReady() ?? false, undefined, () => gateway?.notReadyBecause() ?? []);
  const metrics = gatewayMetrics(http.metrics, policy.version, {
    heldWaiting: () => gateway?.heldWaiting() ?? [],
    lag: () => gateway?.lag() ?? new Map(),
    stalled: () => gateway?.stalledPartitions() ?? 0,
    ledgerPending: () => gateway?.ledgerPending() ?? 0,
    now: Date.now,
  });
  const started = new Gateway({
    connection, policy, keys, instanceId: options.instance, groupId: options.group, logger, metrics,
    // kafkajs gave up on the consumer: exit non-zero so the supervisor (systemd, Kubernetes) starts a new one.
    onFatal: () => setTimeout(() => process.exit(1), 1_000),
  });
  gateway = started;
  return { http, host: options.host, port: Number(options.port), start: () => started.start(), stop: () => started.stop() };
});
