/** Wires the operations console: the services to watch, API keys, HTTP. */
import { Command } from 'commander';
import { ApiKeys, apiKeyFiles, ensureLocalApiKeys } from '../shared/api-keys.ts';
import { liaisonHome } from '../shared/connection.ts';
import { ConfigError, LiaisonError } from '../shared/errors.ts';
import { createServiceHttp, listen } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { loadParties } from '../shared/parties.ts';
import { mountOpsConsoleApi } from './http-api.ts';
import { OpsConsole, type Target } from './ops-console.ts';

const DEFAULT_TARGETS = 'gateway=http://127.0.0.1:18090,national-adapter=http://127.0.0.1:18100,contact-point=http://127.0.0.1:18200';

const options = new Command()
  .name('liaison-ops-console')
  .description('The operations console: the country-to-country flow, blocks, held copies, dead letters, deadlines, backlog and health, live')
  .option('--port <port>', 'HTTP port', process.env.LIAISON_OPS_CONSOLE_PORT ?? '18300')
  .option('--host <host>', 'HTTP bind address', process.env.LIAISON_OPS_CONSOLE_HOST ?? '127.0.0.1')
  .option('--targets <list>', 'name=url,... of the services to watch (several gateways may be listed)', process.env.LIAISON_OPS_TARGETS ?? DEFAULT_TARGETS)
  .option('--interval <seconds>', 'how often the services are polled', '5')
  .option('--api-keys <file>', 'hashed API keys (keys[].id, country, role, sha256)', process.env.LIAISON_API_KEYS)
  .parse()
  .opts<{ port: string; host: string; targets: string; interval: string; apiKeys?: string }>();

const logger = createLogger('ops-console');

try {
  const targets: Target[] = options.targets.split(',').map((pair) => {
    const [name, url] = pair.split('=');
    if (!name || !url || !/^https?:\/\//.test(url)) throw new ConfigError(`--targets: "${pair}" is not name=http://host:port`);
    return { name: name.trim(), url: url.trim().replace(/\/$/, '') };
  });
  const countries = loadParties().map((p) => p.code);
  let keysFile = options.apiKeys;
  if (!keysFile) {
    if (process.env.KAFKA_BROKERS) throw new ConfigError('--api-keys (LIAISON_API_KEYS): required outside the embedded stack');
    ensureLocalApiKeys(liaisonHome(), countries);
    keysFile = apiKeyFiles(liaisonHome()).hashes;
  }
  const keys = ApiKeys.load(keysFile);
  const opsConsole = new OpsConsole(targets, countries, logger, Number(options.interval) * 1000);
  const http = createServiceHttp('ops-console', () => opsConsole.isReady());
  mountOpsConsoleApi(http.app, { opsConsole, keys, logger });
  const server = await listen(http.app, Number(options.port), options.host);
  logger.info('ops console listening', { url: `http://${options.host}:${options.port}`, targets: targets.map((t) => t.name).join(',') });
  const shutdown = (signal: string) => {
    logger.info('stopping', { signal });
    opsConsole.stop();
    server.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await opsConsole.start();
} catch (error) {
  logger.error('ops console failed to start', { error: (error as Error).message, code: error instanceof LiaisonError ? error.code : undefined });
  process.exit(error instanceof LiaisonError && error.decision === 'stop' ? 2 : 1);
}
