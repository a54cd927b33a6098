/**
 * The operations console's edge: polls every service's /metrics.json and /readyz, keeps the
 * latest snapshot of each, and builds the overview on request. A service that does not
 * answer is shown down, with the error; its last numbers are not shown as current.
 */
import type { Logger } from '../shared/logger.ts';
import { buildOverview, type MetricsSnapshot, type Overview, type ServiceHealth } from './overview.ts';

export interface Target {
  name: string;
  url: string;
}

export class OpsConsole {
  private readonly health = new Map<string, ServiceHealth>();
  private readonly snapshots = new Map<string, MetricsSnapshot>();
  private timer?: NodeJS.Timeout;
  private polled = false;

  constructor(
    private readonly targets: Target[],
    private readonly countries: string[],
    private readonly logger: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  isReady(): boolean {
    return this.polled;
  }

  async start(): Promise<void> {
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async poll(): Promise<void> {
    await Promise.all(this.targets.map((t) => this.scrape(t)));
    this.polled = true;
  }

  overview(now = Date.now()): Overview {
    const services = this.targets.map((t) => this.health.get(t.name) ?? { name: t.name, url: t.url, up: false, ready: false, problems: [], lastScrape: null, error: 'not scraped yet' });
    const live = this.targets.filter((t) => this.health.get(t.name)?.up).map((t) => this.snapshots.get(t.name)!).filter(Boolean);
    return buildOverview(services, live, this.countries, now);
  }

  private async scrape(target: Target): Promise<void> {
    try {
      const [metrics, ready] = await Promise.all([
        fetch(`${target.url}/metrics.json`, { signal: AbortSignal.timeout(3_000) }),
        fetch(`${target.url}/readyz`, { signal: AbortSignal.timeout(3_000) }),
      ]);
      if (!metrics.ok) throw new Error(`/metrics.json: HTTP ${metrics.status}`);
      this.snapshots.set(target.name, (await metrics.json()) as MetricsSnapshot);
      const problems = ready.ok ? [] : (((await ready.json().catch(() => ({}))) as { problems?: string[] }).problems ?? []);
      this.health.set(target.name, { name: target.name, url: target.url, up: true, ready: ready.ok, problems, lastScrape: new Date().toISOString(), error: null });
    } catch (error) {
      const previous = this.health.get(target.name);
      if (previous?.up !== false) this.logger.warn('service not reachable', { service: target.name, url: target.url, error: (error as Error).message });
      this.health.set(target.name, { name: target.name, url: target.url, up: false, ready: false, problems: [], lastScrape: previous?.lastScrape ?? null, error: (error as Error).message });
    }
  }
}
