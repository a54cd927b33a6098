/**
 * The repository explains itself: every metric a service registers is in docs/metrics.md
 * (and nothing there is made up), every alert is documented, every path the README and docs/
 * cite exists, and no figure comes from a document outside the repository.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../services/shared/connection.ts';

const read = (path: string) => readFileSync(join(PROJECT_ROOT, path), 'utf8');
const files = (dir: string): string[] =>
  readdirSync(join(PROJECT_ROOT, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(PROJECT_ROOT, path)).isDirectory() ? files(path) : [path];
  });

const registered = new Set(files('services').filter((f) => f.endsWith('.ts')).flatMap((f) => [...read(f).matchAll(/name: '(liaison_[a-z_]+)'/g)].map((m) => m[1]!)));
const documented = new Set([...read('docs/metrics.md').matchAll(/^\| `(liaison_[a-z_]+)` \|/gm)].map((m) => m[1]!));

describe('docs/', () => {
  it('lists every metric the services register, and only those', () => {
    expect(registered.size).toBeGreaterThan(25);
    expect([...registered].filter((m) => !documented.has(m)).sort()).toEqual([]);
    expect([...documented].filter((m) => !registered.has(m)).sort()).toEqual([]);
  });

  it('documents every alert rule', () => {
    const alerts = [...read('infra/prometheus/rules/liaison-alerts.yml').matchAll(/alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBeGreaterThan(5);
    const doc = read('docs/metrics.md');
    expect(alerts.filter((a) => !doc.includes(`| \`${a}\` |`))).toEqual([]);
  });

  it('has every file that code and docs cite, and nothing cites a design document the repository lacks', () => {
    const sources = [...files('services'), ...files('infra'), ...files('test'), ...files('docs'), 'README.md'].filter((f) => /\.(ts|md|mjs)$/.test(f));
    const cited = new Set(sources.flatMap((f) => [...read(f).matchAll(/\bdocs\/([a-z-]+\.md)/g)].map((m) => `docs/${m[1]}`)));
    expect(cited.size).toBeGreaterThan(2);
    expect([...cited].filter((d) => !existsSync(join(PROJECT_ROOT, d)))).toEqual([]);
    expect(sources.filter((f) => f !== 'test/unit/docs.test.ts' && /DESIGN\.md/.test(read(f)))).toEqual([]);
  });

  it('has every path the README and docs/ cite, from the repository root', () => {
    // A cited path: in backquotes, with a folder and a file ending (or a folder ending in /).
    const cites = (f: string) =>
      [...read(f).matchAll(/`([A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+\/?)`/g)]
        .map((m) => m[1]!)
        .filter((p) => /\.(ts|mjs|md|ya?ml|sh|avsc|json|sql|xml|html|js|properties)$|\/$/.test(p));
    // What the stack and the tests write at run time, not in the repository.
    const runtime = /^(\.liaison[-a-z]*|test-artifacts|infra\/compose\/secrets)\//;
    const documents = ['README.md', ...files('docs').filter((f) => f.endsWith('.md'))];
    const cited = documents.flatMap((doc) => cites(doc).filter((p) => !runtime.test(p)).map((path) => ({ doc, path })));
    expect(cited.length).toBeGreaterThan(40);
    expect(cited.filter(({ path }) => !existsSync(join(PROJECT_ROOT, path))).map(({ doc, path }) => `${doc}: ${path}`)).toEqual([]);
  });

  it('takes no figure or file from outside the repository', () => {
    const documents = ['README.md', ...files('docs').filter((f) => f.endsWith('.md')), ...files('config')];
    expect(documents.filter((f) => /\.\.\/shared\/|\bseeds\b|DESIGN\.md/.test(read(f)))).toEqual([]);
  });
});
