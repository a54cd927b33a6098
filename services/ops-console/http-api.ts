/** The operations console's HTTP surface: the overview (role ops) and the page. */
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { ApiKeys } from '../shared/api-keys.ts';
import { ApiError } from '../shared/errors.ts';
import { apiErrorHandler, servePages } from '../shared/http.ts';
import type { Logger } from '../shared/logger.ts';
import type { OpsConsole } from './ops-console.ts';

const WEB_DIR = fileURLToPath(new URL('./web/', import.meta.url));

export function mountOpsConsoleApi(app: Express, { opsConsole, keys, logger }: { opsConsole: OpsConsole; keys: ApiKeys; logger: Logger }): void {
  servePages(app, WEB_DIR);
  const api = express.Router();
  api.get('/overview', keys.require('ops'), (_req, res) => {
    res.json(opsConsole.overview());
  });
  api.use((req, _res) => {
    throw new ApiError(404, 'not-found', [`${req.method} ${req.originalUrl}: no such endpoint`]);
  });
  api.use(apiErrorHandler((error) => logger.error('request failed', { error: error.message })));
  app.use('/v1', api);
}
