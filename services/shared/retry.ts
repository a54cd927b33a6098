import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Calls `attempt` until it succeeds or `timeoutMs` passes, then rethrows its last error.
 * `giveUp` ends the wait early with its own error (a process that died, say).
 */
export async function retryUntil<T>(
  attempt: () => Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; giveUp?: () => Error | undefined },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const fatal = options.giveUp?.();
    if (fatal) throw fatal;
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() >= deadline) throw error;
      await sleep(options.intervalMs ?? 250);
    }
  }
}
