/**
 * The life of every service process (gateway, national adapter, contact point, ops console):
 * build it, serve its HTTP surface, start it, stop it on SIGTERM or SIGINT. A failure to start
 * exits 2 when the error's decision is `stop` (configuration: a restart does not help) and 1
 * otherwise (a supervisor restarts it).
 */
import type { Registry } from 'prom-client';
import { ApiKeys, apiKeyFiles, ensureLocalApiKeys } from './api-keys.ts';
import { liaisonHome } from './connection.ts';
import type { Database } from './database.ts';
import { ConfigError, decisionOf, LiaisonError } from './errors.ts';
import { listen, type ServiceHttp } from './http.ts';
import type { Logger } from './logger.ts';
import { createThrottle, loadRateLimits } from './throttle.ts';

export interface Service {
  http: ServiceHttp;
  host: string;
  port: number;
  /** Connects and catches up; the service is ready when it resolves. */
  start(): Promise<void>;
  stop(): Promise<void> | void;
}

/** The exit code of a process that failed with this error. */
export const exitCodeOf = (error: unknown): number => (decisionOf(error) === 'stop' ? 2 : 1);

export async function runService(name: string, logger: Logger, build: () => Service | Promise<Service>): Promise<void> {
  try {
    const service = await build();
    const server = await listen(service.http.app, service.port, service.host);
    logger.info(`${name} HTTP listening`, { url: `http://${service.host}:${service.port}` });
    const shutdown = async (signal: string) => {
      logger.info('stopping', { signal });
      server.close();
      await service.stop();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
    await service.start();
    logger.info(`${name} ready`);
  } catch (error) {
    logger.error(`${name} failed to start`, { error: (error as Error).message, code: error instanceof LiaisonError ? error.code : undefined });
    process.exit(exitCodeOf(error));
  }
}

/**
 * The hashed API keys of a service: the file it is given (`--api-keys`, LIAISON_API_KEYS), or on
 * the embedded stack its own, minted on first use. A real deployment must be given its keys.
 * Every authenticated request passes the rate limits of config/rate-limits.yaml, counted in
 * `shared` (the service's database) when given, so that its instances share them.
 */
export function apiKeysFor(file: string | undefined, countries: readonly string[], metrics: Registry, shared?: () => Database | undefined): ApiKeys {
  const throttle = createThrottle(loadRateLimits(), metrics, shared ? { database: shared } : undefined);
  if (file) return ApiKeys.load(file, throttle);
  if (process.env.KAFKA_BROKERS) throw new ConfigError('--api-keys (LIAISON_API_KEYS): required outside the embedded stack');
  ensureLocalApiKeys(liaisonHome(), countries);
  return ApiKeys.load(apiKeyFiles(liaisonHome()).hashes, throttle);
}
