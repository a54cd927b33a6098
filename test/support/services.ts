/**
 * The national adapter and the contact point in the test process, on the real stack, behind
 * their real HTTP surfaces (express on an ephemeral port), with API tokens of the test's own.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Registry } from 'prom-client';
import { ALL_COUNTRIES, ApiKeys, COUNTRY_ROLES, hashToken, newToken, type Role } from '../../services/shared/api-keys.ts';
import type { Connection } from '../../services/shared/connection.ts';
import { loadContract } from '../../services/shared/contract.ts';
import { createServiceHttp, listen } from '../../services/shared/http.ts';
import { createLogger, type Logger } from '../../services/shared/logger.ts';
import type { LookupLimits } from '../../services/national-adapter/hit-index.ts';
import { createThrottle, type RateLimits } from '../../services/shared/throttle.ts';
import { NationalAdapter } from '../../services/national-adapter/adapter.ts';
import { mountAdapterApi } from '../../services/national-adapter/http-api.ts';
import { buildAsyncApi } from '../../services/national-adapter/asyncapi.ts';
import { buildOpenApi } from '../../services/national-adapter/openapi.ts';
import { ContactPoint, type WebhookOptions } from '../../services/contact-point/contact-point.ts';
import { mountContactPointApi } from '../../services/contact-point/http-api.ts';
import { contactPointMetrics } from '../../services/contact-point/metrics.ts';
import { connection } from './clients.ts';
import { policy } from './flow.ts';

const issued = new Map<string, string>();
const entries = [...[...policy.parties.keys()].flatMap((country) => COUNTRY_ROLES.map((role) => ({ country, role }))), { country: ALL_COUNTRIES, role: 'ops' as Role }].map(
  ({ country, role }) => {
    const token = newToken();
    issued.set(`${country}/${role}`, token);
    return { id: `${country.toLowerCase()}-${role}-test`, country, role, sha256: hashToken(token) };
  },
);
export const apiKeys = new ApiKeys(entries);

/** The same tokens behind the rate limits of a service (its own counters unless `shared`, its own metrics). */
export const throttledApiKeys = (limits: RateLimits, metrics: Registry, shared?: Parameters<typeof createThrottle>[2]): ApiKeys => new ApiKeys(entries, createThrottle(limits, metrics, shared));
export const tokenOf = (country: string, role: Role): string => issued.get(`${country}/${role}`)!;

export interface RunningService {
  url: string;
  metrics: Registry;
  stop: () => Promise<void>;
}

async function serve(app: Parameters<typeof listen>[0]): Promise<{ server: Server; url: string }> {
  const server = await listen(app, 0);
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startAdapter(
  options: { maxBodyBytes?: number; rateLimits?: RateLimits; connection?: Connection; lookupLimits?: LookupLimits; logger?: Logger; rateLimitsShared?: { prefix: string } } = {},
): Promise<RunningService & { adapter: NationalAdapter }> {
  const logger = options.logger ?? createLogger('national-adapter', 'warn');
  const maxBodyBytes = options.maxBodyBytes ?? 1_000_000;
  const { document, validators } = buildOpenApi(loadContract(), maxBodyBytes, policy.bounds);
  const http = createServiceHttp('national-adapter', () => adapter.isReady(), undefined, () => adapter.notReadyBecause());
  const adapter = new NationalAdapter({ connection: options.connection ?? connection(), policy, validators, logger, metrics: http.metrics, lookupLimits: options.lookupLimits });
  const shared = options.rateLimitsShared ? { database: () => adapter.database, prefix: options.rateLimitsShared.prefix } : undefined;
  const keys = options.rateLimits ? throttledApiKeys(options.rateLimits, http.metrics, shared) : apiKeys;
  const asyncapi = buildAsyncApi(loadContract(), [...policy.parties.values()], { brokers: connection().brokers, registryUrl: connection().registryUrl, ssl: false, version: policy.version });
  mountAdapterApi(http.app, { adapter, keys, document, asyncapi, maxBodyBytes, logger });
  await adapter.start();
  const { server, url } = await serve(http.app);
  return { url, adapter, metrics: http.metrics, stop: async () => { server.close(); await adapter.stop(); } };
}

export async function startContactPoint(
  countries: string[],
  options: { now?: () => number; webhook?: WebhookOptions; connection?: Connection } = {},
): Promise<RunningService & { contactPoint: ContactPoint }> {
  const logger = createLogger('contact-point', 'warn');
  const now = options.now ?? Date.now;
  let contactPoint: ContactPoint | undefined;
  const http = createServiceHttp('contact-point', () => contactPoint?.isReady() ?? false, undefined, () => contactPoint?.notReadyBecause() ?? ['starting']);
  const metrics = contactPointMetrics(http.metrics, () => contactPoint?.stores() ?? [], now, () => contactPoint?.inboxLag() ?? new Map());
  contactPoint = new ContactPoint({ connection: options.connection ?? connection(), countries, logger, metrics, now, webhook: options.webhook, purgeIntervalMs: 3_600_000 });
  mountContactPointApi(http.app, { contactPoint, keys: apiKeys, logger });
  await contactPoint.start();
  const { server, url } = await serve(http.app);
  const cp = contactPoint;
  return { url, contactPoint: cp, metrics: http.metrics, stop: async () => { server.close(); await cp.stop(); } };
}

/** A JSON request with a bearer token; returns the status and the parsed body. */
export async function api<T = Record<string, unknown>>(
  url: string,
  token: string | undefined,
  init: { method?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined && init.raw === undefined ? 'GET' : 'POST'),
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json', ...init.headers },
    body: init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  return { status: response.status, body: (await response.json().catch(() => ({}))) as T };
}
