/**
 * Where a CPU profile's time went: the functions with the most self time, as a share of the
 * samples, over the whole profile or a window of it. For profiles written by
 * `node --cpu-prof --cpu-prof-dir=DIR` (stop the process with SIGTERM).
 * Usage: node --import tsx bench/cpuprofile-top.ts FILE [FROM_MS TO_MS] [--top N]
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Command } from 'commander';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const program = new Command()
  .name('cpuprofile-top')
  .description('the functions with the most self time in a .cpuprofile, over the whole profile or from FROM to TO milliseconds after its start')
  .argument('<file>', 'a .cpuprofile written by node --cpu-prof')
  .argument('[from]', 'start of the window, in ms after the profile began')
  .argument('[to]', 'end of the window, in ms after the profile began')
  .option('--top <n>', 'how many functions to list', '25')
  .parse();

const [file, from, to] = program.args as [string, string | undefined, string | undefined];
const top = Number(program.opts<{ top: string }>().top);
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const window = { from: from === undefined ? -Infinity : Number(from), to: to === undefined ? Infinity : Number(to) };

const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
/** A function by name and file (the line is not kept by every transpiler: the file tells). */
const nameOf = (frame: ProfileNode['callFrame']): string => `${frame.functionName || '(anonymous)'} ${frame.url ? basename(frame.url) : ''}`.trim();
/** Liaison's own code, by the path of its file. */
const ours = (url: string): string | undefined => /\/(services|bench)\/.*$/.exec(url)?.[0].slice(1);

const selfTime = new Map<string, number>();
const byFile = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let at = 0;
const add = (map: Map<string, number>, key: string, ms: number) => map.set(key, (map.get(key) ?? 0) + ms);
profile.samples.forEach((id, i) => {
  const delta = (profile.timeDeltas[i] ?? 0) / 1000;
  at += delta;
  if (at < window.from || at > window.to) return;
  const frame = nodes.get(id)?.callFrame;
  if (!frame) return;
  add(selfTime, nameOf(frame), delta);
  add(byFile, ours(frame.url) ?? (/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ?? (frame.url || nameOf(frame))), delta);
  // Every function of Liaison on the stack, once per sample however deep it recurses.
  const seen = new Set<string>();
  for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
    const f = nodes.get(node)?.callFrame;
    const file = f && ours(f.url);
    if (!f || !file) continue;
    const key = `${f.functionName || '(anonymous)'} ${file}`;
    if (!seen.has(key)) add(inclusive, key, delta);
    seen.add(key);
  }
  total += delta;
});

const print = (title: string, map: Map<string, number>) => {
  console.log(title);
  for (const [name, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * ms) / total).toFixed(1).padStart(5)} %  ${Math.round(ms).toString().padStart(6)} ms  ${name}`);
};
console.log(`${file}: ${Math.round(total)} ms of samples${from === undefined ? '' : ` from ${from} to ${to ?? 'the end'} ms`}`);
print('self time by function:', selfTime);
print('self time by file or package:', byFile);
print("inclusive time of Liaison's functions:", inclusive);
