import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest change time of the files under `folder` that a build reads: tests, `dist` and `node_modules` aside. */
function newestSource(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name.endsWith('.test.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    if (/[/\\](dist|node_modules)[/\\]/.test(path)) continue;
    newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/**
 * Whether `output` (a build's product) is newer than every file under `sources` (folders): then the
 * build is of these sources, and a test may use it instead of building or compiling them again. CI
 * builds before it tests; a source edited since makes the tests build it themselves.
 */
export function builtAfter(output: string, sources: readonly string[]): boolean {
  if (!existsSync(output)) return false;
  const built = statSync(output).mtimeMs;
  return sources.every((folder) => built > newestSource(folder));
}
