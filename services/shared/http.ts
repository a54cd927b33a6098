/** The HTTP surface every service shares: /metrics, /healthz, /readyz. */
import type { Server } from 'node:http';
import express, { type Express } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface ServiceHttp {
  app: Express;
  metrics: Registry;
}

export function createServiceHttp(service: string, isReady: () => boolean): ServiceHttp {
  const metrics = new Registry();
  metrics.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metrics });
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service });
  });
  app.get('/readyz', (_req, res) => {
    const ready = isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting', service });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return { app, metrics };
}

export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
