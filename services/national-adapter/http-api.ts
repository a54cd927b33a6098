/** The national adapter's HTTP surface: every route, its role and its status codes, in one place. */
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import { callerOf, type ApiKeys } from '../shared/api-keys.ts';
import { ApiError } from '../shared/errors.ts';
import { apiErrorHandler, servePages } from '../shared/http.ts';
import type { Logger } from '../shared/logger.ts';
import type { NationalAdapter } from './adapter.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

export interface AdapterHttpOptions {
  adapter: NationalAdapter;
  keys: ApiKeys;
  document: unknown;
  /** The AsyncAPI document of the topics, for national systems that speak Kafka. */
  asyncapi: unknown;
  maxBodyBytes: number;
  logger: Logger;
}

export function mountAdapterApi(app: Express, { adapter, keys, document, asyncapi, maxBodyBytes, logger }: AdapterHttpOptions): void {
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.get('/asyncapi.json', (_req, res) => {
    res.json(asyncapi);
  });
  const api = express.Router();
  api.use(express.json({ limit: maxBodyBytes }));
  api.use((_req, _res, next) => {
    if (!adapter.isReady()) throw new ApiError(503, 'starting', ['the adapter is still reading the notices’ history; retry shortly']);
    next();
  });
  const idempotencyKey = (value: string | undefined): string | undefined => {
    if (value !== undefined && (value.length === 0 || value.length > 200)) throw new ApiError(400, 'invalid-header', ['Idempotency-Key: 1 to 200 characters']);
    return value;
  };

  api.post('/notices', keys.require('system'), async (req, res) => {
    const accepted = await adapter.notices.submit(callerOf(res), req.body, idempotencyKey(req.get('idempotency-key')));
    res.status(202).json({ noticeId: accepted.noticeId, status: 'ACCEPTED', statusUrl: `/v1/notices/${accepted.noticeId}`, replayed: accepted.replayed });
  });
  api.post('/notices/preview', keys.require('system', 'dpo'), async (req, res) => {
    res.json(await adapter.notices.preview(callerOf(res), req.body));
  });
  api.get('/notices/:id', keys.require('system', 'dpo'), async (req, res) => {
    res.json(await adapter.notices.status(callerOf(res), String(req.params.id)));
  });
  api.post('/notices/:id/corrections', keys.require('system'), async (req, res) => {
    const accepted = await adapter.notices.correct(callerOf(res), String(req.params.id), req.body, idempotencyKey(req.get('idempotency-key')));
    res.status(202).json({ noticeId: accepted.noticeId, status: 'ACCEPTED', statusUrl: `/v1/notices/${String(req.params.id)}`, replayed: accepted.replayed });
  });
  api.post('/notices/:id/permissions', keys.require('system'), async (req, res) => {
    res.status(202).json({ ...(await adapter.notices.permit(callerOf(res), String(req.params.id), req.body)), status: 'RECORDED' });
  });
  // The hit/no-hit index: hashes only, per agreement with hitIndex: true.
  api.get('/index/:agreement', keys.require('system'), async (req, res) => {
    res.json(await adapter.index.holdings(callerOf(res), String(req.params.agreement)));
  });
  api.post('/index/:agreement/entries', keys.require('system'), async (req, res) => {
    res.status(202).json({ ...(await adapter.index.publish(callerOf(res), String(req.params.agreement), req.body)), status: 'PUBLISHED' });
  });
  api.post('/index/:agreement/withdrawals', keys.require('system'), async (req, res) => {
    res.status(202).json({ ...(await adapter.index.withdraw(callerOf(res), String(req.params.agreement), req.body)), status: 'WITHDRAWN' });
  });
  api.post('/lookups', keys.require('system'), async (req, res) => {
    res.json(await adapter.index.lookup(callerOf(res), req.body));
  });
  api.get('/held', keys.require('dpo'), async (_req, res) => {
    res.json({ held: await adapter.held.waiting(callerOf(res)) });
  });
  api.post('/held/:id/:destination/:decision', keys.require('dpo'), async (req, res) => {
    const decision = String(req.params.decision);
    if (decision !== 'release' && decision !== 'reject') throw new ApiError(404, 'not-found', [`decision: "${decision}" is not release or reject`]);
    await adapter.held.decide(callerOf(res), String(req.params.id), String(req.params.destination), decision, req.body);
    res.status(202).json({ status: 'RECORDED', decision });
  });
  api.use((req, _res) => {
    throw new ApiError(404, 'not-found', [`${req.method} ${req.originalUrl}: no such endpoint (see /openapi.json)`]);
  });
  api.use(apiErrorHandler((error) => logger.error('request failed', { error: error.message })));
  app.use('/v1', api);
  // The sender's page: draft a notice and preview it per destination.
  servePages(app, WEB_DIR);
}
