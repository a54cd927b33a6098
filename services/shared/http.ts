/** The HTTP surface every service shares: /metrics, /healthz, /readyz. */
import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ApiError, decisionOf, LiaisonError } from './errors.ts';
import { onInfraError } from './infra-errors.ts';

export interface ServiceHttp {
  app: Express;
  metrics: Registry;
}

/**
 * `metrics`: a registry the service already fills (the gateway's, in tests); a new one by default.
 * `notReadyBecause`: what /readyz says when the service is not ready.
 */
export function createServiceHttp(service: string, isReady: () => boolean, metrics = new Registry(), notReadyBecause: () => string[] = () => []): ServiceHttp {
  metrics.setDefaultLabels({ service });
  collectDefaultMetrics({ register: metrics });
  new Gauge({ name: 'liaison_service_ready', help: '1 when the service is ready (caught up, consuming), else 0', registers: [metrics], collect() { this.set(isReady() ? 1 : 0); } });
  const infraErrors = new Counter({ name: 'liaison_infra_errors_total', help: 'Errors talking to the Kafka brokers or the schema registry', labelNames: ['infra'], registers: [metrics] });
  onInfraError((infra) => infraErrors.inc({ infra }));
  const requests = new Counter({ name: 'liaison_http_requests_total', help: 'HTTP requests served, by route pattern and status', labelNames: ['method', 'route', 'status'], registers: [metrics] });
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.on('finish', () => {
      // The route pattern, never the path itself: ids stay out of the labels.
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  });
  app.get('/metrics.json', async (_req, res) => {
    res.json(await metrics.getMetricsAsJSON());
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service });
  });
  app.get('/readyz', (_req, res) => {
    const ready = isReady();
    res.status(ready ? 200 : 503).json(ready ? { status: 'ready', service } : { status: 'not-ready', service, problems: notReadyBecause() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
  return { app, metrics };
}

/**
 * The static pages of a service (the officers' page, the console), with headers that keep them
 * to their own origin: no inline script, no framing, no content sniffing.
 */
export function servePages(app: Express, dir: string): void {
  app.use(
    '/',
    (_req, res, next) => {
      res.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
      res.set('X-Content-Type-Options', 'nosniff');
      next();
    },
    express.static(dir, { index: 'index.html' }),
  );
}

/**
 * How long an idle keep-alive connection stays open, and how long a client may take to send
 * the headers. Node's default keep-alive of 5 s races with clients and proxies that keep idle
 * connections longer (60 s is common: nginx, cloud load balancers): a request sent on a
 * connection the server is just closing fails with a reset. The server must hold idle
 * connections longer than any client, and wait for headers a little longer still.
 */
export const HTTP_TIMEOUTS = { keepAliveMs: 75_000, headersMs: 80_000, requestMs: 120_000 } as const;

export function listen(app: Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
    server.keepAliveTimeout = HTTP_TIMEOUTS.keepAliveMs;
    server.headersTimeout = HTTP_TIMEOUTS.headersMs;
    server.requestTimeout = HTTP_TIMEOUTS.requestMs;
  });
}

/**
 * The last handler of an API: ApiError as its status, body-parser's own refusals (413, bad
 * JSON) as 4xx with the problem, anything else as 500 without details (logged by the caller).
 */
export function apiErrorHandler(onUnexpected: (error: Error) => void) {
  return (error: Error & { type?: string; status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      res.set(error.headers).status(error.status).json({ error: error.error, problems: error.problems });
    } else if (decisionOf(error) === 'retry') {
      // The schema registry or Kafka cannot be reached: nothing was written, the caller retries.
      // The cause goes to the log only: its addresses are the deployment's, not the caller's business.
      const code = error instanceof LiaisonError ? error.code : undefined;
      const what = code === 'LIAISON_REGISTRY_UNAVAILABLE' ? 'the schema registry' : code === 'LIAISON_DATABASE_UNAVAILABLE' ? 'the database' : 'a service Liaison depends on';
      onUnexpected(error);
      res.set('Retry-After', '5').status(503).json({ error: 'unavailable', problems: [`${what} cannot be reached; nothing was written: retry with the same Idempotency-Key`] });
    } else if (error.type === 'entity.too.large') {
      res.status(413).json({ error: 'too-large', problems: [`body: larger than the limit of ${(error as { limit?: number }).limit ?? '?'} bytes`] });
    } else if (error.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'invalid-json', problems: [`body: not valid JSON (${error.message})`] });
    } else if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: 'bad-request', problems: [error.message] });
    } else {
      onUnexpected(error);
      res.status(500).json({ error: 'internal', problems: ['the request failed; nothing was lost, retry with the same Idempotency-Key'] });
    }
  };
}
