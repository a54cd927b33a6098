/** Wires the national adapter: policy, API keys, Kafka, HTTP. */
import { Command } from 'commander';
import { loadPolicy } from '../policy/index.ts';
import { resolveConnection } from '../shared/connection.ts';
import { loadContract } from '../shared/contract.ts';
import { createServiceHttp } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { apiKeysFor, runService } from '../shared/service.ts';
import { loadRateLimits } from '../shared/throttle.ts';
import { NationalAdapter } from './adapter.ts';
import { mountAdapterApi } from './http-api.ts';
import { buildAsyncApi } from './asyncapi.ts';
import { buildOpenApi } from './openapi.ts';

const options = new Command()
  .name('liaison-adapter')
  .description('The REST API for national systems that do not speak Kafka: submit notices, follow their delivery, correct them, decide held copies, publish to and look up in the hit/no-hit indexes')
  .option('--port <port>', 'HTTP port', process.env.LIAISON_ADAPTER_PORT ?? '18100')
  .option('--host <host>', 'HTTP bind address', process.env.LIAISON_ADAPTER_HOST ?? '127.0.0.1')
  .option('--api-keys <file>', 'hashed API keys (JSON or YAML: keys[].id, country, role, sha256)', process.env.LIAISON_API_KEYS)
  .option('--max-body-bytes <n>', 'largest accepted request body', process.env.LIAISON_ADAPTER_MAX_BODY ?? '1000000')
  .parse()
  .opts<{ port: string; host: string; apiKeys?: string; maxBodyBytes: string }>();

const logger = createLogger('national-adapter');

await runService('national adapter', logger, async () => {
  const policy = loadPolicy();
  const connection = resolveConnection();
  const maxBodyBytes = Number(options.maxBodyBytes);
  const { document, validators } = buildOpenApi(loadContract(), maxBodyBytes, policy.bounds);
  // Readiness is asked only once the adapter exists (the closure runs on requests, after start).
  const http = createServiceHttp('national-adapter', () => adapter.isReady(), undefined, () => adapter.notReadyBecause());
  const adapter = new NationalAdapter({ connection, policy, validators, logger, metrics: http.metrics, lookupLimits: loadRateLimits().lookups });
  const keys = apiKeysFor(options.apiKeys, [...policy.parties.keys()], http.metrics, () => adapter.database);
  const asyncapi = buildAsyncApi(loadContract(), [...policy.parties.values()], { brokers: connection.brokers, registryUrl: connection.registryUrl, ssl: connection.ssl, version: policy.version });
  mountAdapterApi(http.app, { adapter, keys, document, asyncapi, maxBodyBytes, logger });
  return { http, host: options.host, port: Number(options.port), start: () => adapter.start(), stop: () => adapter.stop() };
});
