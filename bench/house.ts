/**
 * The house's measures, for a maintainer's report: files over 400 lines, the longest functions,
 * and the `!` non-null assertions in services/. Reads the sources as TypeScript syntax (the
 * compiler's parser, not a pattern), writes nothing. Usage: node --import tsx bench/house.ts
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

// TypeScript 7's package ships no JavaScript API; the 4.9 parser that avro-ts brings reads the same syntax.
type TypeScript = typeof import('@ovotech/avro-ts/node_modules/typescript');
type Node = import('@ovotech/avro-ts/node_modules/typescript').Node;
const ts = createRequire(import.meta.url)('@ovotech/avro-ts/node_modules/typescript') as TypeScript;

const ROOT = new URL('..', import.meta.url).pathname;
const FOLDERS = ['services', 'infra', 'bin'];
const LONG_FILE = 400;

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    if (entry === 'node_modules' || entry === 'generated') return [];
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|mjs)$/.test(entry) ? [path] : [];
  });
}

interface FunctionLength { where: string; lines: number }

function measure(path: string): { lines: number; functions: FunctionLength[]; nonNull: number } {
  const text = readFileSync(path, 'utf8');
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const functions: FunctionLength[] = [];
  let nonNull = 0;
  const lineOf = (pos: number) => file.getLineAndCharacterOfPosition(pos).line + 1;
  const nameOf = (node: Node): string => {
    const named = node as { name?: Node };
    if (named.name) return named.name.getText(file);
    const parent = node.parent;
    if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(file);
    if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(file);
    return '(anonymous)';
  };
  const visit = (node: Node): void => {
    if (ts.isNonNullExpression(node)) nonNull++;
    if (ts.isFunctionLike(node) && (node as { body?: unknown }).body) {
      const start = lineOf(node.getStart(file));
      const lines = lineOf(node.getEnd()) - start + 1;
      functions.push({ where: `${relative(ROOT, path)}:${start} ${nameOf(node)}`, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return { lines: text.split('\n').length, functions, nonNull };
}

const files = FOLDERS.flatMap((folder) => sources(join(ROOT, folder))).map((path) => ({ path, ...measure(path) }));
const long = files.filter((f) => f.lines > LONG_FILE).sort((a, b) => b.lines - a.lines);
const functions = files.flatMap((f) => f.functions).sort((a, b) => b.lines - a.lines);
const nonNull = files.filter((f) => relative(ROOT, f.path).startsWith('services/')).reduce((n, f) => n + f.nonNull, 0);

console.log(`files read: ${files.length} (${FOLDERS.join(', ')}; generated/ left out)`);
console.log(`files over ${LONG_FILE} lines: ${long.length}`);
for (const f of long) console.log(`  ${String(f.lines).padStart(5)}  ${relative(ROOT, f.path)}`);
console.log('longest functions:');
for (const f of functions.slice(0, 10)) console.log(`  ${String(f.lines).padStart(5)}  ${f.where}`);
console.log(`functions over 60 lines: ${functions.filter((f) => f.lines > 60).length}`);
console.log(`non-null assertions (!) in services/: ${nonNull}`);
