// The whole test suite: runs every test on the embedded database (PGlite; the browser tests build
// and serve the web app), then every test that touches a database again, browser tests included, on a
// PostgreSQL server when one answers (LINTAS_TEST_DATABASE_URL, else
// postgres://postgres@127.0.0.1:5432/postgres; vitest.config.ts says which files), and says plainly
// which legs ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const extra = process.argv.slice(2);
const run = (command, args, env = {}) => spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

// LINTAS_TEST_RESULTS=DIR keeps each leg's vitest JSON report there (per file: its start and duration), else they go with the run.
const kept = process.env.LINTAS_TEST_RESULTS;
if (kept) mkdirSync(kept, { recursive: true });
const folder = kept || mkdtempSync(join(tmpdir(), 'lintas-results-'));
function leg(name, env) {
  const output = join(folder, `${name}.json`);
  const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`, ...extra], env);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let failures = [];
  try {
    const report = JSON.parse(readFileSync(output, 'utf8'));
    passed = report.numPassedTests;
    failed = report.numFailedTests + (status !== 0 && report.numFailedTests === 0 ? 1 : 0);
    skipped = report.numPendingTests + report.numTodoTests;
    failures = failuresIn(report);
  } catch {
    failed = 1;
  }
  console.log(`\n${name}: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  return { name, status, passed, failed, skipped, failures };
}

// The failed tests of a leg, by file and name with the first lines of their messages, so that the
// end of a long run says what failed without scrolling back through it.
function failuresIn(report) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const where = file.name.replace(`${process.cwd()}/`, '');
    for (const test of file.assertionResults ?? []) {
      if (test.status !== 'failed') continue;
      const message = (test.failureMessages ?? []).join('\n').split('\n').slice(0, 6).join('\n    ');
      out.push(`${where} > ${test.fullName}\n    ${message}`);
    }
    if ((file.assertionResults ?? []).length === 0 && file.status === 'failed') out.push(`${where}: ${file.message ?? 'failed to run'}`);
  }
  return out;
}

async function serverAnswers(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const results = [leg('PGlite', { LINTAS_TEST_DATABASE_URL: '' })];

const serverUrl = process.env.LINTAS_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
if (await serverAnswers(serverUrl)) {
  const shown = new URL(serverUrl);
  shown.password = shown.password ? '***' : '';
  console.log(`PostgreSQL leg: running the database tests against ${shown.toString()}`);
  // The PGlite leg built the web app (web/dist) from the same sources: the second leg serves it as it is.
  results.push(leg('PostgreSQL', { LINTAS_TEST_DATABASE_URL: serverUrl, ...(results[0]?.status === 0 ? { LINTAS_TEST_WEB_BUILT: '1' } : {}) }));
} else {
  console.log(`PostgreSQL leg SKIPPED: no PostgreSQL server answered at ${serverUrl} (set LINTAS_TEST_DATABASE_URL to run it).`);
  if (process.env.CI === 'true' && process.env.LINTAS_REQUIRE_POSTGRES === 'true') {
    console.error('LINTAS_REQUIRE_POSTGRES is set: failing.');
    process.exit(1);
  }
}
if (!kept) rmSync(folder, { recursive: true, force: true });

const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.failed, 0);
const skipped = results.reduce((sum, r) => sum + r.skipped, 0);
for (const r of results) {
  for (const failure of r.failures) console.log(`FAILED (${r.name}) ${failure}`);
}
console.log(`Legs run: ${results.map((r) => r.name).join(' and ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(results.every((r) => r.status === 0) ? 0 : 1);
