/** Wires the national adapter: policy, API keys, Kafka, HTTP. */
import { Command } from 'commander';
import { loadPolicy } from '../policy/index.ts';
import { apiKeyFiles, ApiKeys, ensureLocalApiKeys } from '../shared/api-keys.ts';
import { liaisonHome, resolveConnection } from '../shared/connection.ts';
import { loadContract } from '../shared/contract.ts';
import { ConfigError, LiaisonError } from '../shared/errors.ts';
import { createServiceHttp, listen } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { NationalAdapter } from './adapter.ts';
import { mountAdapterApi } from './http-api.ts';
import { buildOpenApi } from './openapi.ts';

const options = new Command()
  .name('liaison-adapter')
  .description('The REST API for national systems that do not speak Kafka: submit notices, follow their delivery, correct them, decide held copies')
  .option('--port <port>', 'HTTP port', process.env.LIAISON_ADAPTER_PORT ?? '18100')
  .option('--host <host>', 'HTTP bind address', process.env.LIAISON_ADAPTER_HOST ?? '127.0.0.1')
  .option('--api-keys <file>', 'hashed API keys (JSON or YAML: keys[].id, country, role, sha256)', process.env.LIAISON_API_KEYS)
  .option('--max-body-bytes <n>', 'largest accepted request body', process.env.LIAISON_ADAPTER_MAX_BODY ?? '1000000')
  .parse()
  .opts<{ port: string; host: string; apiKeys?: string; maxBodyBytes: string }>();

const logger = createLogger('national-adapter');

try {
  const policy = loadPolicy();
  const connection = resolveConnection();
  let keysFile = options.apiKeys;
  if (!keysFile) {
    // Only the embedded stack mints its own tokens; a real deployment must be given its keys.
    if (process.env.KAFKA_BROKERS) throw new ConfigError('--api-keys (LIAISON_API_KEYS): required outside the embedded stack');
    ensureLocalApiKeys(liaisonHome(), [...policy.parties.keys()]);
    keysFile = apiKeyFiles(liaisonHome()).hashes;
  }
  const keys = ApiKeys.load(keysFile);
  const maxBodyBytes = Number(options.maxBodyBytes);
  const { document, validators } = buildOpenApi(loadContract(), maxBodyBytes, policy.bounds);
  const adapter = new NationalAdapter({ connection, policy, validators, logger });
  const http = createServiceHttp('national-adapter', () => adapter.isReady());
  mountAdapterApi(http.app, { adapter, keys, document, maxBodyBytes, logger });
  const server = await listen(http.app, Number(options.port), options.host);
  logger.info('national adapter HTTP listening', { url: `http://${options.host}:${options.port}` });
  const shutdown = async (signal: string) => {
    logger.info('stopping', { signal });
    server.close();
    await adapter.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
  await adapter.start();
  logger.info('national adapter ready', { notices: 'status view caught up' });
} catch (error) {
  logger.error('national adapter failed to start', { error: (error as Error).message, code: error instanceof LiaisonError ? error.code : undefined });
  process.exit(error instanceof LiaisonError && error.decision === 'stop' ? 2 : 1);
}
