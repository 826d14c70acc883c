import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Browser tests that walk every page for layout (widths, overflow), words (the pseudo-locale) and
 * keyboard use: what they check is the web app's, not the database's, so they run on the PGlite leg
 * only. Every page's behaviour still runs in a browser on both legs (the other files in test/e2e).
 */
const LAYOUT_WALKERS = ['test/e2e/tablet.e2e.test.ts', 'test/e2e/pseudo-locale.e2e.test.ts', 'test/e2e/keyboard.e2e.test.ts'];

/**
 * Test files that open no database: none of the support that gives one (test/support/db, app,
 * server, browser, sharing-harness), no template (`inject`), no database class of their own.
 * They run on the PGlite leg only; the PostgreSQL leg runs every file that touches a database.
 */
function databaseFree(): string[] {
  const touches = /support\/(db|app|server|browser|sharing-harness)\.js|inject\(|LINTAS_TEST_DATABASE_URL|PgliteDatabase|PostgresDatabase/;
  const files = ['src', 'test'].flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((file) => join(root, file)));
  return files.filter((file) => file.endsWith('.test.ts') && !touches.test(readFileSync(file, 'utf8')));
}

const serverLeg = Boolean(process.env.LINTAS_TEST_DATABASE_URL);

// One worker per core; each test file gets its own database (see test/support/db.ts). Files share
// their worker's imported modules (isolate: false): each file still opens its own database and app.
export default defineConfig({
  test: {
    include: INCLUDE,
    // The browser tests run on both legs: their server uses the leg's database (test/support/server.ts).
    exclude: ['node_modules/**', ...(serverLeg ? [...LAYOUT_WALKERS, ...databaseFree()] : [])],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    isolate: false,
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
