import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

/**
 * The demo's built-in copies of the shared membership and seed documents, which `npm start` uses
 * when `../shared` is not beside the repository (and which the build copies next to the compiled
 * server): present, and the same as the shared ones when those are there.
 */
const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const shared = (path: string): string => fileURLToPath(new URL(`../../../shared/${path}`, import.meta.url));

test.each(['members.csv', 'groups.csv'])('the built-in %s is there and matches the shared one', (file) => {
  const builtIn = readFileSync(here(`./data/${file}`), 'utf8');
  expect(builtIn.split('\n')[0]).toMatch(/^code,name/);
  expect(builtIn.trim().split('\n').length).toBeGreaterThan(3);
  if (existsSync(shared(`data/${file}`))) expect(builtIn).toBe(readFileSync(shared(`data/${file}`), 'utf8'));
});

test('the built-in seed documents are there and match the shared ones', () => {
  const names = readdirSync(here('./seeds/')).sort();
  expect(names.length).toBe(5);
  if (!existsSync(shared('seeds'))) return;
  expect(names).toEqual(readdirSync(shared('seeds')).sort());
  for (const name of names) expect(readFileSync(here(`./seeds/${name}`), 'utf8')).toBe(readFileSync(shared(`seeds/${name}`), 'utf8'));
});
