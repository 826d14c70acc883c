/**
 * Import speed of reports (GitHub issue #3): the IOM Missing Migrants Project file and a generated
 * template CSV, on PGlite (in memory) and on a PostgreSQL server (a throwaway database), optionally
 * with many reports already in the table.
 *
 *   npx tsx bench/reports-import.ts [--rows 100000] [--existing 1000000] [--postgres postgres://postgres@127.0.0.1:5432] [--skip-pglite]
 *     [--skip-mmp] [--keep] [--reuse <database>] [--floor]
 *
 * --keep leaves the PostgreSQL database in place and prints its name; --reuse <name> runs on it again
 * (the bench member's reports are deleted first), which spares loading the existing reports anew.
 * On PostgreSQL the import's CPU is printed per side: this process (Node) and the server's backends
 * of the bench database (read from /proc, so only when the server runs on this machine).
 * --floor also measures, on PostgreSQL, the table's own insert rate under the import (insertFloor).
 *
 * Goal: at least 20,000 rows/s for a template CSV on PostgreSQL with 1,000,000 reports present.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
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
import { importReports, readImportTable } from '../src/modules/reports/transfer/import/import-reports.js';
import type { ImportOptions, ImportResult } from '../src/modules/reports/transfer/import/schemas.js';
import { reportToCells, TEMPLATE_COLUMN_NAMES } from '../src/modules/reports/transfer/import/template.js';
import { processCpuSeconds } from './load.js';
import { makeReport } from './reports-data.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const ROWS = Number(arg('rows', '100000'));
const EXISTING = Number(arg('existing', '0'));
const POSTGRES = arg('postgres', 'postgres://postgres@127.0.0.1:5432');
const REUSE = args.includes('--reuse') ? arg('reuse', '') : undefined;
const MMP = new URL('../../shared/data/missing-migrants-2019.csv', import.meta.url);

/** A template CSV of `rows` generated reports of realistic shape (bench/reports-data.ts), written as an export writes them. */
function templateCsv(rows: number): Buffer {
  const lines = [TEMPLATE_COLUMN_NAMES.join(',')];
  const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  for (let i = 0; i < rows; i++) {
    const { input } = makeReport(7, i);
    // The importing member is AAA: audiences it can give (all, its own, member BBB).
    const kind = input.sharing.audience.kind;
    input.sharing = kind === 'all' || kind === 'groups' ? { audience: { kind: 'all' }, tlp: input.sharing.tlp === 'RED' ? 'AMBER' : input.sharing.tlp }
      : kind === 'members' ? { audience: { kind: 'members', members: ['BBB'] }, tlp: input.sharing.tlp } : { audience: { kind: 'owner' }, tlp: 'AMBER' };
    lines.push(reportToCells(`B-${i}`, input, 'AAA').map(csvCell).join(','));
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

const actor: Actor = { userId: randomUUID(), name: 'Bench', email: 'bench@aaa.test', roles: ['officer'], via: 'token', member: 'AAA', fullMember: true, groups: [] };

async function prepare(db: Database): Promise<void> {
  await migrate(db, migrationsOf(MODULES));
  if (REUSE) {
    // The database holds the members, the bench user and the other members' reports already.
    await db.ownerTransaction(async (tx) => {
      actor.userId = (await tx.one<{ id: string }>(sql`SELECT id FROM users WHERE email = 'bench@aaa.test'`)).id;
    });
    return;
  }
  await db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('AAA', 'Member AAA', 'state', 'member'), ('BBB', 'Member BBB', 'state', 'member')`);
    await tx.query(sql`INSERT INTO users (id, member, name, email, roles) VALUES (${actor.userId}, 'AAA', 'Bench', 'bench@aaa.test', ${['officer']})`);
    if (EXISTING > 0) {
      // Other members' reports already there, so the indexes and the idempotency check work at size.
      await tx.query(sql`INSERT INTO reports (owner, code_list_version, country, incident_type, status, audience_kind, tlp, import_source, import_key, occurred_from, dead)
        SELECT 'BBB', 1, 'IDN', 'smuggling-sea', 'shared', 'all', 'GREEN', 'lintas', 'E-' || g, date '2015-01-01' + (g % 3000), g % 5
        FROM generate_series(1, ${EXISTING}) g`);
      await tx.execScript('ANALYZE reports');
    }
  });
}

/** The CPU seconds used so far by this process and by the server's backends (when they can be read). */
interface CpuSides {
  node: number;
  server: Map<number, number>;
}

async function cpuSides(serverPids: () => Promise<number[]>): Promise<CpuSides> {
  const usage = process.cpuUsage();
  const server = new Map<number, number>();
  for (const pid of await serverPids()) server.set(pid, processCpuSeconds(pid));
  return { node: (usage.user + usage.system) / 1e6, server };
}

/** "Node x s, PostgreSQL y s" between two readings; a backend that started in between counts from 0. */
function cpuSpent(before: CpuSides, after: CpuSides): string {
  let server = 0;
  for (const [pid, seconds] of after.server) server += seconds - (before.server.get(pid) ?? 0);
  const node = `Node ${(after.node - before.node).toFixed(2)} s`;
  return after.server.size === 0 || Number.isNaN(server) ? node : `${node}, PostgreSQL ${server.toFixed(2)} s`;
}

async function run(db: Database, label: string, name: string, content: Buffer, options: ImportOptions, serverPids: () => Promise<number[]>): Promise<void> {
  const platform: Platform = { db, config: loadConfig({}), mailer: { configured: false, send: () => Promise.reject(new Error('no mail')) } };
  // As the route does: the file read into a table (its rows are read as the import goes), then imported.
  const importFile = async (options: ImportOptions): Promise<ImportResult> => {
    const table = await readImportTable(content, options, name);
    return runAs(platform, actor, { requestId: 'bench', address: '127.0.0.1' }, (ctx) => importReports(ctx, options, table, { name, content }));
  };
  const started = performance.now();
  await importFile({ ...options, dryRun: true });
  const dryRun = performance.now();
  // A checkpoint first, so every run starts as far from the next one: after a checkpoint the first
  // write to each page logs the whole page, and runs that began at different distances from one
  // differed by half in the server's CPU.
  if (db.kind === 'postgres') await db.ownerTransaction((tx) => tx.execScript('CHECKPOINT'));
  const checked = performance.now();
  const cpuBefore = await cpuSides(serverPids);
  const result = await importFile(options);
  const done = performance.now();
  const cpuAfter = await cpuSides(serverPids);
  const again = await importFile(options);
  const repeated = performance.now();
  const rate = (rows: number, ms: number): string => `${Math.round((rows / ms) * 1000).toLocaleString('en')} rows/s`;
  console.log(
    `${label.padEnd(28)} ${name.padEnd(22)} rows ${result.rows} imported ${result.imported} rejected ${result.rejected} | ` +
    `dry run ${Math.round(dryRun - started)} ms, import (reading the file and writing) ${Math.round(done - checked)} ms = ${rate(result.rows, done - checked)} ` +
    `(CPU: ${cpuSpent(cpuBefore, cpuAfter)}), re-import ${Math.round(repeated - done)} ms (${again.unchanged} unchanged)`,
  );
}

/**
 * --floor: the rate at which the reports table itself takes rows, the floor under any import. The
 * rows the template import just wrote are written again with new import keys, 4,000 a statement as
 * the import writes them, in one transaction that is rolled back: no file read, nothing mapped,
 * checked or looked up, no values sent, as the table's owner without row-level security. What is
 * left is what the table asks of every row: its indexes, constraints, foreign keys and triggers.
 */
async function insertFloor(db: Database, serverPids: () => Promise<number[]>): Promise<void> {
  const columns = (
    await db.ownerTransaction((tx) =>
      tx.query<{ column_name: string }>(sql`SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'reports' AND column_name NOT IN ('id', 'import_key', 'created_at', 'updated_at')
        ORDER BY ordinal_position`),
    )
  ).map((row) => row.column_name);
  const list = columns.join(', ');
  const rolledBack = new Error('the floor is rolled back');
  let line = '';
  await db.ownerTransaction(async (tx) => {
    await tx.execScript(`CREATE TEMP TABLE floor_rows ON COMMIT DROP AS
      SELECT row_number() OVER () AS n, ${list}, import_key FROM reports WHERE owner = 'AAA' AND import_key IS NOT NULL`);
    const [{ rows } = { rows: 0 }] = await tx.query<{ rows: number }>(sql`SELECT count(*)::int AS rows FROM floor_rows`);
    const cpuBefore = await cpuSides(serverPids);
    const started = performance.now();
    for (let first = 1; first <= rows; first += 4_000) {
      await tx.execScript(`INSERT INTO reports (${list}, import_key) SELECT ${list}, import_key || '-floor' FROM floor_rows WHERE n BETWEEN ${first} AND ${first + 3_999}`);
    }
    const ms = performance.now() - started;
    const cpuAfter = await cpuSides(serverPids);
    line = `${'PostgreSQL'.padEnd(28)} ${'the table alone'.padEnd(22)} rows ${rows} inserted in ${Math.round(ms)} ms = ${Math.round((rows / ms) * 1000).toLocaleString('en')} rows/s (CPU: ${cpuSpent(cpuBefore, cpuAfter)}), rolled back`;
    throw rolledBack;
  }).catch((error: unknown) => {
    if (error !== rolledBack) throw error;
  });
  console.log(line);
}

async function bench(label: string, db: Database, serverPids: () => Promise<number[]> = () => Promise.resolve([])): Promise<void> {
  const before = performance.now();
  await prepare(db);
  console.log(`${label}: ready in ${Math.round(performance.now() - before)} ms (${REUSE ? `reusing ${REUSE}` : `${EXISTING} existing reports`})`);
  const sharing = { audience: { kind: 'all' as const }, tlp: 'GREEN' as const };
  if (existsSync(MMP) && !args.includes('--skip-mmp')) await run(db, label, 'missing-migrants.csv', readFileSync(MMP), { format: 'missing-migrants', partial: true, sharing }, serverPids);
  await run(db, label, `template-${ROWS}.csv`, templateCsv(ROWS), { format: 'lintas', sharing }, serverPids);
  if (args.includes('--floor') && db.kind === 'postgres') await insertFloor(db, serverPids);
}

if (!args.includes('--skip-pglite')) {
  const db = await PgliteDatabase.open(undefined);
  try {
    await bench('PGlite (in memory)', db);
  } finally {
    await db.close();
  }
}
if (!args.includes('--skip-postgres')) {
  const name = REUSE ?? `lintas_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  if (REUSE) {
    // The reports an earlier run imported go, and their dead rows with them; the other members' stay.
    const reused = new pg.Client({ connectionString: `${POSTGRES}/${name}` });
    await reused.connect();
    await reused.query(`DELETE FROM reports WHERE owner = 'AAA'`);
    await reused.query('VACUUM ANALYZE reports');
    await reused.end();
  } else {
    await admin.query(`CREATE DATABASE ${name}`);
  }
  try {
    const db = await PostgresDatabase.open(`${POSTGRES}/${name}`);
    const serverPids = async (): Promise<number[]> =>
      (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name])).rows.map((row) => row.pid);
    try {
      await bench('PostgreSQL', db, serverPids);
    } finally {
      await db.close();
    }
  } finally {
    if (args.includes('--keep') || REUSE) console.log(`kept the database ${name}; run again with --reuse ${name}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
