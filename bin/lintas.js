#!/usr/bin/env node
// The lintas command: runs the compiled CLI (npm run build writes dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const compiled = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
if (!existsSync(compiled)) {
  console.error('lintas: dist/cli.js is missing; run `npm run build` first.');
  process.exit(1);
}
const { main } = await import(compiled);
process.exitCode = await main(process.argv.slice(2));
