import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const INCLUDE = ['src/**/*.test.ts', 'test/**/*.test.ts'];

/**
 * Browser tests that walk every page for layout (widths, overflow), keyboard use and the words of the
 * pseudo-locale: what they check is the web app's, not the database's, so they run on the PGlite leg
 * only (the words a page reads from the demo's records are the same on both). Every page's behaviour
 * still runs in a browser on both legs (the other files in test/e2e).
 */
const LAYOUT_WALKERS = ['test/e2e/tablet.e2e.test.ts', 'test/e2e/keyboard.e2e.test.ts', 'test/e2e/pseudo-locale.e2e.test.ts'];

/**
 * Files whose subject is not the database though they open one: the file parsers' limits (bombs
 * refused in their workers, the pool's queue) check "nothing written" through the app, which the
 * PGlite leg does; their minute of CPU-bound parsing would only repeat on the server leg.
 */
const DATABASE_INCIDENTAL = ['src/platform/files/bombs.test.ts'];

/**
 * The slowest files start first (measured on this project's 2-core machines, on either leg: each
 * leg skips the files it does not run), so that no long file starts last and leaves one worker idle;
 * the others follow in vitest's own order. Measure again when a file grows: `LINTAS_TEST_RESULTS=DIR
 * npm test` keeps each file's start and duration.
 */
const SLOWEST_FIRST = [
  'src/platform/backup/across-kinds.test.ts', 'test/image-build.test.ts', 'test/e2e/tablet.e2e.test.ts', 'test/e2e/biometrics.e2e.test.ts', 'src/platform/files/bombs.test.ts',
  'src/server-demo.test.ts', 'src/modules/linkage/links.test.ts', 'test/e2e/pseudo-locale.e2e.test.ts', 'src/platform/backup/backup.test.ts', 'test/crash.test.ts',
  'test/e2e/bulletins.e2e.test.ts', 'src/platform/vectors/vectors.test.ts', 'src/modules/linkage/visibility.test.ts', 'src/modules/reports/analysis/aggregates.test.ts',
  'test/e2e/keyboard.e2e.test.ts', 'src/cli.test.ts', 'src/modules/reports/transfer/import/import.test.ts', 'test/readme.test.ts', 'src/platform/db/db.test.ts',
  'src/platform/http/outsiders.test.ts', 'src/modules/account/totp-code.test.ts', 'src/modules/documents/cli.test.ts', 'src/modules/reports/release/release.test.ts',
  'test/e2e/reports.e2e.test.ts', 'src/modules/reports/release/disclosure.test.ts', 'test/e2e/dashboard.e2e.test.ts', 'src/platform/notify/outbox-crash.test.ts',
];

class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = SLOWEST_FIRST.indexOf(relative(process.cwd(), file.moduleId));
      return at < 0 ? SLOWEST_FIRST.length : at;
    };
    const sorted = await super.sort(files);
    return sorted.map((file, index) => ({ file, index })).sort((a, b) => rank(a.file) - rank(b.file) || a.index - b.index).map(({ file }) => file);
  }
}

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
    exclude: ['node_modules/**', ...(serverLeg ? [...LAYOUT_WALKERS, ...DATABASE_INCIDENTAL, ...databaseFree()] : [])],
    sequence: { sequencer: SlowestFirst },
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
