/** Prometheus on the embedded stack: Debian's package, scraping every Liaison service on loopback and evaluating the alerting rules. */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackOptions } from './stack-options.ts';
import { startDetached } from './supervision.ts';

export const PROMETHEUS_CONFIG = fileURLToPath(new URL('../prometheus/prometheus.yml', import.meta.url));

/** Debian's prometheus package (installed by make prerequisites), or LIAISON_PROMETHEUS_BIN. */
export function prometheusBinary(): string | undefined {
  if (process.env.LIAISON_PROMETHEUS_BIN) return process.env.LIAISON_PROMETHEUS_BIN;
  const found = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Scrapes every Liaison service on loopback and evaluates the alerting rules (infra/prometheus/). */
export function startPrometheus(opts: StackOptions, bin: string): void {
  mkdirSync(join(opts.home, 'prometheus'), { recursive: true });
  startDetached(
    opts.home,
    'prometheus',
    bin,
    [
      `--config.file=${PROMETHEUS_CONFIG}`,
      `--storage.tsdb.path=${join(opts.home, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${opts.prometheusPort}`,
      '--storage.tsdb.retention.time=15d',
    ],
    opts.home,
    false,
  );
}
