/**
 * The regional-analysis dashboard at scale (GitHub issue #3): 1,000,000 generated reports of
 * realistic shape (bench/reports-data.ts), the dashboard's full set of aggregations for one filter
 * (exactly what GET /reports/analysis computes: `analyse` from src/modules/reports, in one
 * transaction as the application role, with its audit row), p50/p95 over repeated runs with varied
 * filters, on PostgreSQL and PGlite; beside it the same answers from the SQL reference over `reports`
 * (src/modules/reports/analysis/sql-reference.ts, the baseline); and, side by side in the same run,
 * the same aggregations computed by DuckDB over the same data (the same file), printed as a ratio.
 *
 *   npx tsx bench/reports-dashboard.ts [--reports 1000000] [--runs 30] [--sql-runs 12] [--only postgres|pglite]
 *       [--database-url postgres://postgres@127.0.0.1:5432] [--pglite-dir /tmp/lintas-bench-reports-pglite]
 *       [--keep] [--reuse] [--skip-duckdb] [--skip-release]
 *
 * Goals: p95 at most 300 ms on PostgreSQL, 1.5 s on PGlite (the exact layer). It also times the
 * regional release job over the same reports (precomputed: no goal per request).
 *
 * Data: the reports are written once to a tab-separated file in PostgreSQL's COPY text format
 * (/tmp/lintas-bench-reports-<n>.tsv, kept for the next run), loaded with COPY into PostgreSQL
 * (pg-copy-streams), into PGlite (COPY FROM '/dev/blob') and into DuckDB (read_csv), so all three
 * hold the same rows. 90% of the reports are shared, the rest drafts, submitted or withdrawn.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { loadavg } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { seedDemo } from '../src/demo/seed.js';
import { analyse, type AnalysisRequest } from '../src/modules/reports/analysis/dashboard.js';
import { sqlReference } from '../src/modules/reports/analysis/sql-reference.js';
import { factStoreFor } from '../src/modules/reports/analysis/fact-store.js';
import { makeRelease } from '../src/modules/reports/release/job.js';
import { deriveColumns } from '../src/modules/reports/records/derive.js';
import type { Actor } from '../src/platform/auth/actor.js';
import { loadConfig } from '../src/platform/config.js';
import { runAs, type Platform } from '../src/platform/context.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { MODULES } from '../src/modules/index.js';
import { migrationsOf } from '../src/platform/module.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { sharingValues } from '../src/platform/sharing/rule.js';
import { generator, makeReport } from './reports-data.js';
import { duckdbDashboard, loadDuckdb } from './reports-duckdb.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const arg = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const REPORTS = Number(arg('reports', '1000000'));
const RUNS = Number(arg('runs', '30'));
/** Runs of the SQL baseline, the reference over `reports` (seconds each at a million reports); 0 leaves it out. */
const SQL_RUNS = Number(arg('sql-runs', '12'));
const ONLY = arg('only', '');
const SERVER = arg('database-url', process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432');
const PGLITE_DIR = arg('pglite-dir', '/tmp/lintas-bench-reports-pglite');
const DATA_VERSION = 2;
const FILE = `/tmp/lintas-bench-reports-${REPORTS}-v${DATA_VERSION}.tsv`;

/** The columns of the file, in order: what COPY loads (the id is the table's default). */
export const FILE_COLUMNS = [
  'owner', 'status', 'submitted_at', 'approved_at', 'code_list_version', 'agency', 'occurred_from', 'occurred_to', 'country', 'place', 'latitude',
  'longitude', 'place_kind', 'incident_type', 'origin', 'destination', 'route', 'people', 'vulnerabilities', 'modes', 'flows', 'citizenships',
  'people_total', 'adult_men', 'adult_women', 'boys', 'girls', 'unknown_sex_or_age', 'unaccompanied_children', 'intercepted', 'rescued', 'dead',
  'missing', 'returned', 'claimed_asylum', 'fee_amount', 'fee_currency', 'fee_basis', 'fee_per_person', 'fee_payment_methods', 'fee_covers',
  'smugglers_count', 'smuggler_citizenships', 'smuggler_roles', 'methods', 'document_kinds', 'document_issuers', 'arrests', 'charges',
  'prosecutions', 'convictions', 'source', 'narrative', 'counts_in_regional', 'audience_kind', 'audience_members', 'audience_groups', 'tlp',
  'handling', 'handling_note', 'evaluation_source', 'evaluation_information',
] as const;

/** A value in COPY text format: \N for null, arrays as literals, backslash, tab and newlines escaped. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = Array.isArray(value)
    ? `{${value.map((item) => (/^[A-Za-z0-9>_+-]+$/.test(String(item)) ? String(item) : `"${String(item).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`
    : typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`;
  return /[\\\t\n\r]/.test(text) ? text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c) : text;
}

/** Writes the reports file (once per size and data version). */
async function writeFile(): Promise<void> {
  if (existsSync(FILE)) return;
  const started = performance.now();
  const now = Date.now();
  const part = `${FILE}.part`;
  const out = createWriteStream(part);
  const random = generator(99);
  let buffer: string[] = [];
  for (let i = 0; i < REPORTS; i++) {
    const { owner, input } = makeReport(11, i);
    const draw = random();
    const status = draw < 0.9 ? 'shared' : draw < 0.94 ? 'draft' : draw < 0.97 ? 'submitted' : 'withdrawn';
    // Submitted within the last two years, so most members contribute within the reciprocity window.
    const submitted = status === 'draft' ? null : new Date(now - Math.floor(random() * 730) * 86_400_000).toISOString();
    const row = { owner, status, submitted_at: submitted, approved_at: status === 'shared' || status === 'withdrawn' ? submitted : null, ...deriveColumns(input), ...sharingValues(input.sharing) } as Record<string, unknown>;
    buffer.push(FILE_COLUMNS.map((column) => copyValue(row[column])).join('\t'));
    if (buffer.length === 10_000) {
      if (!out.write(`${buffer.join('\n')}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = [];
    }
  }
  out.end(buffer.length > 0 ? `${buffer.join('\n')}\n` : '');
  await new Promise<void>((resolve, reject) => out.on('finish', () => resolve()).on('error', reject));
  renameSync(part, FILE);
  console.log(`generated ${REPORTS} reports into ${FILE} (${Math.round(statSync(FILE).size / 1e6)} MB) in ${Math.round((performance.now() - started) / 1000)} s`);
}

const COPY_SQL = `COPY reports (${FILE_COLUMNS.join(', ')}) FROM STDIN`;

async function reportCount(db: Database): Promise<number> {
  return (await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`))).n;
}

/** Migrates, seeds the directory (the demo's members and groups) and loads the file, unless already there. */
async function prepare(db: Database, label: string, copy: () => Promise<Database | undefined>): Promise<void> {
  await migrate(db, migrationsOf(MODULES));
  const members = await db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM members`));
  if (members.n === 0) {
    // The demo's directory (members, groups, users); its illustrative reports are removed, so every
    // engine holds exactly the generated reports.
    await seedDemo(db);
    await db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports`));
  }
  const present = await reportCount(db);
  if (present >= REPORTS) {
    console.log(`${label}: ${present} generated reports already loaded`);
    return;
  }
  if (present > 0) throw new Error(`${label} holds ${present} generated reports, not ${REPORTS}: drop it or leave out --reuse`);
  const started = performance.now();
  const reopened = (await copy()) ?? db;
  await reopened.ownerTransaction((tx) => tx.execScript('ANALYZE reports'));
  console.log(`${label}: loaded ${REPORTS} reports with COPY in ${Math.round((performance.now() - started) / 1000)} s`);
}

/** Filters a dashboard user might pick, varied over the runs (with the interval, split and zoom). */
function requests(): AnalysisRequest[] {
  const base: AnalysisRequest[] = [
    {},
    { incidentType: ['smuggling-sea'] },
    { from: '2023-01-01', to: '2023-12-31' },
    { country: ['IDN'] },
    { citizenship: ['AFG'], interval: 'year' },
    { route: ['IDN>AUS'], split: 'citizenship' },
    { mode: ['air'], split: 'mode' },
    { destination: ['MYS'], split: 'destination', interval: 'month', from: '2022-01-01' },
    { member: ['THA', 'MYS'], split: 'member' },
    { incidentType: ['death-or-disappearance', 'smuggling-land'], split: 'route', zoom: 4 },
    { from: '2020-01-01', to: '2021-06-30', interval: 'month', zoom: 3 },
    { origin: ['MMR'], country: ['BGD', 'MYS', 'THA'] },
  ];
  return base;
}

const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
};

interface Timing {
  p50: number;
  p95: number;
  max: number;
}

async function viewer(db: Database, member: string): Promise<Actor> {
  const groups = await db.ownerTransaction((tx) => tx.query<{ group_code: string }>(sql`SELECT group_code FROM group_members WHERE member_code = ${member}`));
  return { userId: randomUUID(), name: 'Bench analyst', email: `analyst@${member.toLowerCase()}.bench`, roles: ['analyst'], via: 'token', member, fullMember: true, groups: groups.map((g) => g.group_code) };
}

/**
 * Times `analyse` (the dashboard's answer) over the varied filters, `runs` times in all after a
 * warm-up: as the route runs it (the in-memory store caught up, then the request's transaction), or
 * with the same aggregations from the SQL reference over `reports` (`source` 'sql', the baseline).
 */
async function measure(db: Database, label: string, actor: Actor, source: 'store' | 'sql', runs: number): Promise<{ timing: Timing; totals: number[] }> {
  const platform: Platform = { db, config: loadConfig({}), mailer: { configured: false, send: () => Promise.reject(new Error('no mail')) } };
  const list = requests();
  const store = factStoreFor(db);
  if (source === 'store' && !store.loaded) {
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    await store.catchUp();
    console.log(`${label.padEnd(12)} store loaded ${store.count} facts in ${((performance.now() - started) / 1000).toFixed(1)} s; process RSS +${Math.round((process.memoryUsage().rss - rss) / 1e6)} MB`);
  }
  const run = async (request: AnalysisRequest) => {
    if (source === 'store') await store.catchUp();
    return runAs(platform, actor, { requestId: 'bench', address: '127.0.0.1' }, (ctx) => analyse(ctx, request, source === 'sql' ? sqlReference(ctx.tx) : undefined));
  };
  for (const request of list.slice(0, 2)) await run(request);
  const times: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < runs; i++) {
    const request = list[i % list.length] as AnalysisRequest;
    const started = performance.now();
    const result = await run(request);
    times.push(performance.now() - started);
    if (i < list.length) totals.push(result.totals.reports);
  }
  const timing = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
  const name = `${label} ${source === 'store' ? '(store)' : '(SQL)'}`;
  console.log(`${name.padEnd(20)} dashboard p50 ${Math.round(timing.p50)} ms, p95 ${Math.round(timing.p95)} ms, max ${Math.round(timing.max)} ms over ${runs} runs (load average ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  return { timing, totals };
}

async function duckdbSide(connection: DuckDBConnection, actor: Actor, directory: { full: string[]; groups: Record<string, string[]> }, label: string) {
  const list = requests();
  for (const request of list.slice(0, 2)) await duckdbDashboard(connection, actor.member, directory, request);
  const times: number[] = [];
  const totals: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const request = list[i % list.length] as AnalysisRequest;
    const started = performance.now();
    const total = await duckdbDashboard(connection, actor.member, directory, request);
    times.push(performance.now() - started);
    if (i < list.length) totals.push(total);
  }
  const timing = { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times) };
  console.log(`${label.padEnd(12)} dashboard p50 ${Math.round(timing.p50)} ms, p95 ${Math.round(timing.p95)} ms, max ${Math.round(timing.max)} ms over ${RUNS} runs`);
  return { timing, totals };
}

async function directoryOf(db: Database): Promise<{ full: string[]; groups: Record<string, string[]> }> {
  return db.ownerTransaction(async (tx) => {
    const full = await tx.query<{ code: string }>(sql`SELECT code FROM members WHERE status = 'member'`);
    const groups = await tx.query<{ member_code: string; codes: string[] }>(sql`
      SELECT gm.member_code, array_agg(gm.group_code) AS codes FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
      WHERE g.ends_on IS NULL OR g.ends_on >= current_date GROUP BY gm.member_code`);
    return { full: full.map((m) => m.code), groups: Object.fromEntries(groups.map((g) => [g.member_code, g.codes])) };
  });
}

const results: Record<string, unknown> = { reports: REPORTS, runs: RUNS };
await writeFile();
const MEMBER = 'MYS';
let duck: DuckDBConnection | undefined;
let directory: { full: string[]; groups: Record<string, string[]> } | undefined;

async function compare(label: string, measured: { timing: Timing; totals: number[] }, actor: Actor): Promise<void> {
  results[label] = measured.timing;
  if (flag('skip-duckdb') || !directory) return;
  if (!duck) {
    const started = performance.now();
    duck = await (await DuckDBInstance.create(':memory:')).connect();
    await loadDuckdb(duck, FILE, FILE_COLUMNS);
    console.log(`DuckDB: loaded the same file in ${Math.round((performance.now() - started) / 1000)} s`);
    const side = await duckdbSide(duck, actor, directory, 'DuckDB');
    results.duckdb = side.timing;
    results.duckdbTotals = side.totals;
  }
  const side = results.duckdb as Timing;
  const same = JSON.stringify(results.duckdbTotals) === JSON.stringify(measured.totals);
  console.log(`${label} / DuckDB: p50 ${(measured.timing.p50 / side.p50).toFixed(1)}×, p95 ${(measured.timing.p95 / side.p95).toFixed(1)}× ` +
    `(report totals per filter ${same ? 'equal' : `DIFFER: ${JSON.stringify(measured.totals)} vs ${JSON.stringify(results.duckdbTotals)}`})`);
  results[`${label}OverDuckdb`] = { p50: measured.timing.p50 / side.p50, p95: measured.timing.p95 / side.p95, totalsEqual: same };
}

/**
 * The regional release job over every regional report (it runs when a month closes and on a
 * schedule, never per request): the first run assigns every report its key; the second, forced over
 * the same reports, is the steady cost of a scheduled run that finds changes.
 */
async function release(db: Database, label: string): Promise<void> {
  for (const run of ['first', 'again'] as const) {
    const started = performance.now();
    const outcome = await makeRelease(db, 'operator', { force: true });
    const seconds = (performance.now() - started) / 1000;
    console.log(`${label} release (${run}): ${seconds.toFixed(1)} s for ${outcome.records} regional reports, ${outcome.cells} cells shown`);
    results[`${label}Release${run === 'first' ? 'First' : 'Again'}`] = { seconds, records: outcome.records, cells: outcome.cells };
  }
}

/** The dashboard from the in-memory store, then from the SQL reference over `reports` (the baseline), and their ratio. */
async function both(db: Database, label: string, actor: Actor): Promise<void> {
  if (!flag('skip-release')) await release(db, label);
  const store = await measure(db, label, actor, 'store', RUNS);
  await compare(label, store, actor);
  if (SQL_RUNS <= 0) return;
  const baseline = await measure(db, label, actor, 'sql', SQL_RUNS);
  const same = JSON.stringify(baseline.totals) === JSON.stringify(store.totals.slice(0, baseline.totals.length));
  console.log(`${label} store / SQL: p50 ${(store.timing.p50 / baseline.timing.p50).toFixed(3)}×, p95 ${(store.timing.p95 / baseline.timing.p95).toFixed(3)}× ` +
    `(report totals per filter ${same ? 'equal' : `DIFFER: ${JSON.stringify(store.totals)} vs ${JSON.stringify(baseline.totals)}`})`);
  results[`${label}Sql`] = baseline.timing;
  results[`${label}StoreOverSql`] = { p50: store.timing.p50 / baseline.timing.p50, p95: store.timing.p95 / baseline.timing.p95, totalsEqual: same };
}

if (ONLY !== 'pglite') {
  const name = 'lintas_bench_reports';
  const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  if (exists && !flag('reuse')) await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
  if (!exists || !flag('reuse')) await admin.query(`CREATE DATABASE ${name}`);
  try {
    const db = await PostgresDatabase.open(`${SERVER}/${name}`, { poolSize: 2 });
    try {
      await prepare(db, 'PostgreSQL', async () => {
        const client = new pg.Client({ connectionString: `${SERVER}/${name}` });
        await client.connect();
        try {
          // The facts (migration 0006) are rebuilt set-based after the load rather than row by row by the triggers.
          await client.query('BEGIN');
          await client.query('SET LOCAL session_replication_role = replica');
          await pipeline(createReadStream(FILE), client.query(copyFrom(COPY_SQL)));
          await client.query('SET LOCAL session_replication_role = origin');
          await client.query('SELECT lintas_report_facts_rebuild()');
          await client.query('COMMIT');
        } finally {
          await client.end();
        }
        return undefined;
      });
      directory = await directoryOf(db);
      const actor = await viewer(db, MEMBER);
      await both(db, 'PostgreSQL', actor);
    } finally {
      await db.close();
    }
  } finally {
    if (!flag('keep')) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

if (ONLY !== 'postgres') {
  if (!flag('reuse') && existsSync(PGLITE_DIR)) (await import('node:fs')).rmSync(PGLITE_DIR, { recursive: true, force: true });
  let db = await PgliteDatabase.open(PGLITE_DIR);
  let closed = false;
  try {
    await prepare(db, 'PGlite', async () => {
      // PGlite takes COPY from a blob; the Database interface has no such call, so the folder is
      // loaded by PGlite itself (closed here first: one process, one opener), 100,000 rows a blob.
      await db.close();
      closed = true;
      const lite = await PGlite.create({ dataDir: PGLITE_DIR });
      await lite.exec('BEGIN; SET LOCAL session_replication_role = replica');
      // The file is larger than a JavaScript string may be: read line by line, 100,000 rows a blob.
      let lines: string[] = [];
      const load = async (): Promise<void> => {
        if (lines.length === 0) return;
        await lite.query(`COPY reports (${FILE_COLUMNS.join(', ')}) FROM '/dev/blob'`, [], { blob: new Blob([`${lines.join('\n')}\n`]) });
        lines = [];
      };
      for await (const line of createInterface({ input: createReadStream(FILE), crlfDelay: Infinity })) {
        if (line === '') continue;
        lines.push(line);
        if (lines.length === 100_000) await load();
      }
      await load();
      await lite.exec('SET LOCAL session_replication_role = origin; SELECT lintas_report_facts_rebuild(); COMMIT');
      await lite.close();
      db = await PgliteDatabase.open(PGLITE_DIR);
      closed = false;
      return db;
    });
    directory ??= await directoryOf(db);
    const actor = await viewer(db, MEMBER);
    await both(db, 'PGlite', actor);
  } finally {
    if (!closed) await db.close();
    if (!flag('keep')) (await import('node:fs')).rmSync(PGLITE_DIR, { recursive: true, force: true });
  }
}

mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/reports-dashboard.json', import.meta.url), `${JSON.stringify({ ...results, loadAverage: loadavg() }, null, 2)}\n`);
