/** Every metric name Liaison's services expose, from their real registries (no Kafka needed). */
import { Registry } from 'prom-client';
import { contactPointMetrics } from '../../services/contact-point/metrics.ts';
import { gatewayMetrics } from '../../services/gateway/metrics.ts';
import { hitIndexMetrics } from '../../services/national-adapter/hit-index.ts';
import { createServiceHttp } from '../../services/shared/http.ts';
import { stateReaderMetrics } from '../../services/shared/state-reader.ts';
import { createThrottle } from '../../services/shared/throttle.ts';

export function liaisonMetricNames(): Set<string> {
  const names = new Set<string>();
  const add = (registry: Registry) => {
    for (const m of registry.getMetricsAsArray()) {
      const { name, type } = m as unknown as { name: string; type: string };
      names.add(name);
      if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
      if (type === 'counter' && !name.endsWith('_total')) names.add(`${name}_total`);
    }
  };
  const http = createServiceHttp('metric-names', () => true);
  createThrottle({ windowSeconds: 60, perToken: 1, perCountry: 1 }, http.metrics);
  stateReaderMetrics(http.metrics);
  add(http.metrics);
  const gateway = new Registry();
  gatewayMetrics(gateway, 'v');
  add(gateway);
  const adapter = new Registry();
  hitIndexMetrics(adapter);
  add(adapter);
  const contactPoint = new Registry();
  contactPointMetrics(contactPoint, () => [], Date.now);
  add(contactPoint);
  names.add('up'); // Prometheus's own, per target
  names.add('ALERTS'); // Prometheus's own, per alert
  return names;
}

/**
 * Metric names used in a PromQL expression: Liaison's own, the Node.js process metrics every
 * service exports, and Prometheus's `up` and `ALERTS`. Label names and functions are left out.
 */
export function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  const words = withoutStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(words.filter((w) => /^(liaison_|process_|nodejs_|up$|ALERTS$)/.test(w)))];
}
