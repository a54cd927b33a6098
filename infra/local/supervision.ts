/**
 * The stack's processes: started detached with their output in the data folder's logs, known by
 * their pid files and by a marker on their command line (`-Dliaison.home=<folder>` for the JVMs,
 * the storage path for Prometheus), so that `down` stops exactly what `up` started; waited for
 * until ready, with the log's last lines when one exits during start-up.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { StackError } from '../../services/shared/errors.ts';
import { retryUntil } from '../../services/shared/retry.ts';
import { type StackOptions, stackPaths } from './stack-options.ts';

function readPid(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** What marks a process as this data folder's: the JVMs carry a property, Prometheus its storage path. */
const markers = (home: string): string[] => [`-Dliaison.home=${home}`, `--storage.tsdb.path=${join(home, 'prometheus')}`];

/** Alive, and really ours: its command line names this data folder. */
export function isOurs(pid: number, home: string): boolean {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return markers(home).some((m) => args.includes(m));
  } catch {
    return false;
  }
}

export function runningPid(home: string, name: string): number | undefined {
  const pid = readPid(stackPaths(home).pid(name));
  return pid !== undefined && isOurs(pid, home) ? pid : undefined;
}

export function startDetached(home: string, name: string, bin: string, args: string[], cwd: string, jvm = true): number {
  const p = stackPaths(home);
  mkdirSync(p.logs, { recursive: true });
  mkdirSync(join(home, 'run'), { recursive: true });
  const out = openSync(join(p.logs, `${name}.log`), 'a');
  const child = spawn(bin, jvm ? [`-Dliaison.home=${home}`, ...args] : args, { cwd, detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (child.pid === undefined) throw new StackError(`${name}: could not start ${bin}`);
  writeFileSync(p.pid(name), String(child.pid));
  return child.pid;
}

export function logTail(home: string, name: string, lines = 15): string {
  const file = join(stackPaths(home).logs, `${name}.log`);
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

export async function waitFor<T>(what: string, names: string | string[], opts: StackOptions, timeoutMs: number, attempt: () => Promise<T>): Promise<T> {
  try {
    return await retryUntil(attempt, {
      timeoutMs,
      intervalMs: 500,
      giveUp: () => {
        const gone = [names].flat().find((name) => runningPid(opts.home, name) === undefined);
        return gone === undefined
          ? undefined
          : new StackError(`${what} exited during start-up; last lines of ${join(stackPaths(opts.home).logs, `${gone}.log`)}:\n${logTail(opts.home, gone)}`);
      },
    });
  } catch (error) {
    if (error instanceof StackError) throw error;
    throw new StackError(`${what} was not ready after ${timeoutMs / 1000}s (${(error as Error).message}); see ${stackPaths(opts.home).logs}`, { cause: error });
  }
}

/** SIGTERM, and SIGKILL after 30 s. */
export async function stopProcesses(opts: StackOptions, names: string[]): Promise<string[]> {
  const running = names.flatMap((name) => {
    const pid = runningPid(opts.home, name);
    rmSync(stackPaths(opts.home).pid(name), { force: true });
    return pid === undefined ? [] : [{ name, pid }];
  });
  for (const { name, pid } of running) {
    opts.progress(`Stopping ${name} (pid ${pid})...`);
    process.kill(pid, 'SIGTERM');
  }
  const deadline = Date.now() + 30_000;
  while (running.some(({ pid }) => isOurs(pid, opts.home)) && Date.now() < deadline) await sleep(200);
  for (const { pid } of running) if (isOurs(pid, opts.home)) process.kill(pid, 'SIGKILL');
  return running.map((r) => r.name);
}
