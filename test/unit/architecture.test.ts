/**
 * The layering of services/ (docs/architecture.md): the services stand side by side above
 * `policy` and `shared` (the CLI also drives the embedded stack in infra/local); `policy` uses `shared` only; `shared` uses neither; outside its own
 * folder the policy is reached through its index only.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../services/shared/connection.ts';

const SERVICES = join(PROJECT_ROOT, 'services');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'web' ? [] : sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative module a file imports or re-exports, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) => relative(PROJECT_ROOT, resolve(dirname(file), s)));
}

/** `services/<folder>/…` → folder; anything else → null. */
const folderOf = (path: string): string | null => /^services\/([^/]+)\//.exec(path)?.[1] ?? null;

function violations(files: string[], allowed: (from: string, to: string) => boolean): string[] {
  return files.flatMap((file) => {
    const from = relative(PROJECT_ROOT, file);
    return importsOf(file)
      .filter((to) => !allowed(from, to))
      .map((to) => `${from} imports ${to}`);
  });
}

describe('the layering of services/', () => {
  const all = sourceFiles(SERVICES);

  it('finds the imports it checks (the parser reads this repository)', () => {
    const gateway = importsOf(join(SERVICES, 'gateway/gateway.ts'));
    expect(gateway).toContain('services/policy/index.ts');
    expect(gateway).toContain('services/shared/kafka.ts');
  });

  it('a service imports its own files, shared, and the policy through its index; never another service', () => {
    const services = all.filter((f) => !['shared', 'policy'].includes(folderOf(relative(PROJECT_ROOT, f))!));
    expect(services.length).toBeGreaterThan(20);
    const found = violations(services, (from, to) => {
      const target = folderOf(to);
      // The CLI is also the front of the embedded stack (`liaison stack up`).
      if (folderOf(from) === 'cli' && to.startsWith('infra/local/')) return true;
      return target === folderOf(from) || target === 'shared' || to === 'services/policy/index.ts';
    });
    expect(found).toEqual([]);
  });

  it('the policy imports only itself and shared', () => {
    const policy = all.filter((f) => folderOf(relative(PROJECT_ROOT, f)) === 'policy');
    expect(violations(policy, (_, to) => ['policy', 'shared'].includes(folderOf(to)!))).toEqual([]);
  });

  it('shared imports only shared', () => {
    const shared = all.filter((f) => folderOf(relative(PROJECT_ROOT, f)) === 'shared');
    expect(violations(shared, (_, to) => folderOf(to) === 'shared')).toEqual([]);
  });

  it('infra and bench reach the policy through its index only', () => {
    const outside = [...sourceFiles(join(PROJECT_ROOT, 'infra')), ...sourceFiles(join(PROJECT_ROOT, 'bench'))];
    expect(violations(outside, (_, to) => folderOf(to) !== 'policy' || to === 'services/policy/index.ts')).toEqual([]);
  });
});
