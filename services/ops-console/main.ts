/** Wires the operations console: the services to watch, API keys, HTTP. */
import { Command } from 'commander';
import { ConfigError } from '../shared/errors.ts';
import { createServiceHttp } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { loadParties } from '../shared/parties.ts';
import { apiKeysFor, runService } from '../shared/service.ts';
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

await runService('ops console', logger, async () => {
  const targets: Target[] = options.targets.split(',').map((pair) => {
    const [name, url] = pair.split('=');
    if (!name || !url || !/^https?:\/\//.test(url)) throw new ConfigError(`--targets: "${pair}" is not name=http://host:port`);
    return { name: name.trim(), url: url.trim().replace(/\/$/, '') };
  });
  const countries = loadParties().map((p) => p.code);
  const opsConsole = new OpsConsole(targets, countries, logger, Number(options.interval) * 1000);
  const http = createServiceHttp('ops-console', () => opsConsole.isReady());
  const keys = apiKeysFor(options.apiKeys, countries, http.metrics);
  mountOpsConsoleApi(http.app, { opsConsole, keys, logger });
  logger.info('watching', { targets: targets.map((t) => t.name).join(',') });
  return { http, host: options.host, port: Number(options.port), start: () => opsConsole.start(), stop: () => opsConsole.stop() };
});
