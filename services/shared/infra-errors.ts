/**
 * Errors of the infrastructure Liaison depends on (the Kafka brokers, the schema registry),
 * counted by every service's metrics. Reported where they happen, counted where the HTTP
 * surface is: a process-wide sink, because the Kafka log and the registry client have no
 * other way to reach the metrics.
 */
export type Infra = 'kafka' | 'schema-registry';

const sinks = new Set<(infra: Infra) => void>();

export function onInfraError(sink: (infra: Infra) => void): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

export function infraError(infra: Infra): void {
  for (const sink of sinks) sink(infra);
}
