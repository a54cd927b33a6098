/**
 * Rate limits per API token and per country (config/rate-limits.yaml), applied after the
 * caller is known: one national system, or one stolen token, cannot take the service from the
 * others. Over a limit: 429 with Retry-After and the problem in the body, counted in
 * liaison_http_throttled_total{country, limit} (alert LiaisonThrottled).
 */
import { fileURLToPath } from 'node:url';
import type { JSONSchemaType } from 'ajv';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { Counter, type Registry } from 'prom-client';
import type { Caller } from './api-keys.ts';
import type { Database } from './database.ts';
import { DatabaseRateLimitStore } from './rate-limit-store.ts';
import { loadYamlFile } from './config-file.ts';

export interface RateLimits {
  windowSeconds: number;
  perToken: number;
  perCountry: number;
  /** The hit/no-hit index: identifiers one country may look up per window (services/national-adapter/hit-index.ts). */
  lookups?: { windowSeconds: number; identifiersPerCountry: number };
}

export const DEFAULT_RATE_LIMITS_FILE = fileURLToPath(new URL('../../config/rate-limits.yaml', import.meta.url));

const schema: JSONSchemaType<RateLimits> = {
  type: 'object',
  required: ['windowSeconds', 'perToken', 'perCountry'],
  additionalProperties: false,
  properties: {
    windowSeconds: { type: 'integer', minimum: 1, maximum: 3600 },
    perToken: { type: 'integer', minimum: 1 },
    perCountry: { type: 'integer', minimum: 1 },
    lookups: {
      type: 'object',
      nullable: true,
      required: ['windowSeconds', 'identifiersPerCountry'],
      additionalProperties: false,
      properties: {
        windowSeconds: { type: 'integer', minimum: 1, maximum: 86400 },
        identifiersPerCountry: { type: 'integer', minimum: 1 },
      },
    },
  },
};

export function loadRateLimits(file = process.env.LIAISON_RATE_LIMITS ?? DEFAULT_RATE_LIMITS_FILE): RateLimits {
  return loadYamlFile(file, schema);
}

/**
 * The throttle of one service: call it with the caller set in res.locals (after authentication).
 * `shared`: the service's database, whose counters every instance shares (without it, the
 * counters are this process's: the ops console, which runs once); `prefix` sets its counters
 * apart from other throttles' on the same database.
 */
export function createThrottle(limits: RateLimits, metrics: Registry, shared?: { database: () => Database | undefined; prefix?: string }): RequestHandler {
  const throttled =
    (metrics.getSingleMetric('liaison_http_throttled_total') as Counter<'country' | 'limit'> | undefined) ??
    new Counter({ name: 'liaison_http_throttled_total', help: 'Requests refused with 429 for a rate limit, by country and by which limit (token or country)', labelNames: ['country', 'limit'], registers: [metrics] });
  const limiter = (limit: 'token' | 'country', max: number, keyOf: (caller: Caller) => string) =>
    rateLimit({
      windowMs: limits.windowSeconds * 1000,
      limit: max,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (_req, res) => keyOf(res.locals.caller as Caller),
      ...(shared ? { store: new DatabaseRateLimitStore(shared.database, `${shared.prefix ?? ''}${limit}/`) } : {}),
      handler: (_req, res) => {
        const caller = res.locals.caller as Caller;
        throttled.inc({ country: caller.country, limit });
        res.status(429).json({
          error: 'too-many-requests',
          problems: [`${limit === 'token' ? `token ${caller.id}` : `country ${caller.country}`}: more than ${max} requests in ${limits.windowSeconds} s; retry after the time in Retry-After`],
        });
      },
    });
  const perToken = limiter('token', limits.perToken, (c) => `token:${c.id}`);
  const perCountry = limiter('country', limits.perCountry, (c) => `country:${c.country}`);
  return (req: Request, res: Response, next: NextFunction) => {
    void perToken(req, res, (error?: unknown) => (error ? next(error) : void perCountry(req, res, next)));
  };
}
