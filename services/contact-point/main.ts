/** Wires the contact point of one or more countries: API keys, Kafka, HTTP, the officers' page. */
import { Command } from 'commander';
import { resolveConnection } from '../shared/connection.ts';
import { ConfigError } from '../shared/errors.ts';
import { createServiceHttp } from '../shared/http.ts';
import { createLogger } from '../shared/logger.ts';
import { loadParties } from '../shared/parties.ts';
import { apiKeysFor, runService } from '../shared/service.ts';
import { ContactPoint } from './contact-point.ts';
import { mountContactPointApi } from './http-api.ts';
import { contactPointMetrics } from './metrics.ts';

const options = new Command()
  .name('liaison-contact-point')
  .description('The contact point: receives, acknowledges and answers the notices of its country (one process may serve several countries, each with its own principal)')
  .option('--countries <codes>', 'comma-separated party codes, or "all"', process.env.LIAISON_CONTACT_POINT_COUNTRIES ?? 'all')
  .option('--port <port>', 'HTTP port (API, officers’ page, /metrics)', process.env.LIAISON_CONTACT_POINT_PORT ?? '18200')
  .option('--host <host>', 'HTTP bind address', process.env.LIAISON_CONTACT_POINT_HOST ?? '127.0.0.1')
  .option('--api-keys <file>', 'hashed API keys (keys[].id, country, role, sha256)', process.env.LIAISON_API_KEYS)
  .option('--webhook <url>', 'POST each received copy to the national case-management system', process.env.LIAISON_WEBHOOK_URL)
  .option('--webhook-attempts <n>', 'attempts per copy before giving up until the next start', process.env.LIAISON_WEBHOOK_ATTEMPTS ?? '5')
  .option('--purge-interval <seconds>', 'how often expired copies are purged (rule 14)', '60')
  .parse()
  .opts<{ countries: string; port: string; host: string; apiKeys?: string; webhook?: string; webhookAttempts: string; purgeInterval: string }>();

const logger = createLogger('contact-point');

await runService('contact point', logger, async () => {
  const known = loadParties().map((p) => p.code);
  const countries = options.countries === 'all' ? known : options.countries.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = countries.filter((c) => !known.includes(c));
  if (unknown.length) throw new ConfigError(`--countries: ${unknown.map((c) => `"${c}"`).join(', ')} not a known party (${known.join(', ')})`);
  const connection = resolveConnection();
  let contactPoint: ContactPoint | undefined;
  const http = createServiceHttp('contact-point', () => contactPoint?.isReady() ?? false, undefined, () => contactPoint?.notReadyBecause() ?? ['starting']);
  const keys = apiKeysFor(options.apiKeys, known, http.metrics, () => contactPoint?.database);
  const metrics = contactPointMetrics(http.metrics, () => contactPoint?.stores() ?? [], Date.now, () => contactPoint?.inboxLag() ?? new Map());
  const started = new ContactPoint({
    connection,
    countries,
    logger,
    metrics,
    webhook: options.webhook ? { url: options.webhook, attempts: Number(options.webhookAttempts), backoffMs: 500 } : undefined,
    purgeIntervalMs: Number(options.purgeInterval) * 1000,
  });
  contactPoint = started;
  mountContactPointApi(http.app, { contactPoint: started, keys, logger });
  logger.info('serving', { countries: countries.join(',') });
  return { http, host: options.host, port: Number(options.port), start: () => started.start(), stop: () => started.stop() };
});
