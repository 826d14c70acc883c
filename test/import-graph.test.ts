import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/**
 * The shape of the code, held by a test: the import graph of `src/` (tests left out) has no loop;
 * the platform imports no module; a module reaches another only through its face (`index.ts`); the
 * top (`app.ts`, `server.ts`, `cli.ts`, `demo/`) reaches modules only through their faces.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/**
 * The relative imports of a file (static, re-exports and dynamic), resolved to source files. With
 * `runtime`, only those that load a file when it runs (`import type`, erased, left out).
 */
function importsOf(file: string, text: string, runtime = false): string[] {
  const specifiers = [
    ...text.matchAll(runtime ? /^\s*(?:import|export)\s(?!type\s)[^'"]*?from\s+'(\.[^']+)'/gm : /^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm),
    ...text.matchAll(/^\s*import\s+'(\.[^']+)'/gm),
    ...text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g),
  ].map((match) => match[1] as string);
  return specifiers.map((specifier) => resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
}

export function importGraph(files: readonly string[], runtime = false): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = importsOf(file, readFileSync(file, 'utf8'), runtime).map((target) => (known.has(target) ? target : known.has(target.replace(/\.ts$/, '.tsx')) ? target.replace(/\.ts$/, '.tsx') : target));
    graph.set(file, targets.filter((target) => known.has(target)));
  }
  return graph;
}

/** The loops of the graph: its strongly connected components of more than one file (Tarjan). */
export function loops(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, indices.get(next) as number));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return found;
}

type Place = { layer: 'platform' } | { layer: 'module'; module: string; face: boolean } | { layer: 'modules-list' } | { layer: 'top' };

function placeOf(file: string): Place {
  const path = relative(SRC, file).split('\\').join('/');
  if (path.startsWith('platform/')) return { layer: 'platform' };
  if (path === 'modules/index.ts') return { layer: 'modules-list' };
  const module = /^modules\/([^/]+)\/(.+)$/.exec(path);
  if (module) return { layer: 'module', module: module[1] as string, face: module[2] === 'index.ts' };
  return { layer: 'top' };
}

/** Every import that breaks the layering, as "from → to: why". */
export function layeringBreaches(graph: Map<string, string[]>): string[] {
  const breaches: string[] = [];
  const name = (file: string) => relative(SRC, file);
  for (const [from, targets] of graph) {
    const source = placeOf(from);
    for (const to of targets) {
      const target = placeOf(to);
      if (target.layer === 'top' && source.layer !== 'top') breaches.push(`${name(from)} → ${name(to)}: only the top imports the top`);
      if (target.layer === 'modules-list' && source.layer !== 'top') breaches.push(`${name(from)} → ${name(to)}: only the top imports the list of modules`);
      if (target.layer !== 'module') continue;
      if (source.layer === 'platform') breaches.push(`${name(from)} → ${name(to)}: the platform imports no module`);
      else if (source.layer === 'module' && source.module !== target.module && !target.face) breaches.push(`${name(from)} → ${name(to)}: another module's internals (import its index.ts)`);
      else if ((source.layer === 'top' || source.layer === 'modules-list') && !target.face) breaches.push(`${name(from)} → ${name(to)}: a module's internals from the top (import its index.ts)`);
    }
  }
  return breaches.sort();
}

const graph = importGraph(sourceFiles(SRC));

test('the import graph of src has no loop', () => {
  expect(loops(graph).map((component) => component.map((file) => relative(SRC, file)))).toEqual([]);
});

test('the platform imports no module, modules meet only through their faces, the top only through faces', () => {
  expect(layeringBreaches(graph)).toEqual([]);
});

test('the checks find what they are for: a loop, the platform importing a module, a module reaching into another', () => {
  const a = join(SRC, 'platform/a.ts');
  const b = join(SRC, 'platform/b.ts');
  const inside = join(SRC, 'modules/one/service.ts');
  const other = join(SRC, 'modules/two/queries.ts');
  const face = join(SRC, 'modules/two/index.ts');
  const top = join(SRC, 'server.ts');
  const made = new Map<string, string[]>([
    [a, [b]],
    [b, [a, inside]],
    [inside, [other, face]],
    [other, []],
    [face, []],
    [top, [inside, face]],
  ]);
  expect(loops(made).map((component) => component.length)).toEqual([2]);
  expect(layeringBreaches(made)).toEqual([
    'modules/one/service.ts → modules/two/queries.ts: another module\'s internals (import its index.ts)',
    'platform/b.ts → modules/one/service.ts: the platform imports no module',
    'server.ts → modules/one/service.ts: a module\'s internals from the top (import its index.ts)',
  ]);
});

/** The files a file reaches through relative imports, itself included. */
function reach(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const next of graph.get(file) ?? []) visit(next);
  };
  visit(from);
  return seen;
}

test('no bench reaches the test framework: the benches run with tsx, where importing vitest stops them at start', () => {
  const files = [...sourceFiles(SRC), ...sourceFiles(join(ROOT, 'bench')), ...sourceFiles(join(ROOT, 'test', 'support'))];
  const whole = importGraph(files, true);
  const framework = new Set(files.filter((file) => /^\s*import\s[^'"]*from\s+'vitest'/m.test(readFileSync(file, 'utf8'))));
  const breaches = sourceFiles(join(ROOT, 'bench')).flatMap((bench) => [...reach(whole, bench)].filter((file) => framework.has(file)).map((file) => `${relative(ROOT, bench)} → ${relative(ROOT, file)}`));
  expect(breaches).toEqual([]);
  // The check sees the framework where it is: the tests' database helper imports it.
  expect(framework.has(join(ROOT, 'test', 'support', 'db.ts'))).toBe(true);
});
