import type { Actor } from '../../../../platform/auth/actor.js';
import { runAs, type Ctx, type Platform, type RequestInfo } from '../../../../platform/context.js';
import type { Tx } from '../../../../platform/db/database.js';
import { sql } from '../../../../platform/db/sql.js';
import type { Table } from '../../../../platform/files/tabular.js';
import { notFound, Problem } from '../../../../platform/errors.js';
import { importReports, type ImportFile } from './import-reports.js';
import type { ImportRun } from './run-schemas.js';
import type { ImportOptions, ImportResult } from './schemas.js';

/**
 * Imports as records (migration 0019). A run is written when it is asked for (queued), the import
 * itself stays one transaction, all or nothing, and the run's final state (done with its result, or
 * failed with why) is written when it ends: with the import's own transaction when it commits, in a
 * transaction of its own when it failed. Meanwhile its counters live in the memory of the process
 * running it (`live`), because on PGlite the one connection is the import's until it commits, and on
 * a server nothing the import writes is seen before then either. A request for a run this process is
 * running is answered from memory (the owner member's users only); any other from the table, so a
 * second server process sees a run queued until it ends, then its final state.
 */

type Status = ImportRun['status'];

interface Counters {
  rowsRead: number;
  rowsWritten: number;
  errorCount: number;
}

interface LiveRun extends Counters {
  id: string;
  rowsTotal: number | null;
  owner: string;
  createdBy: string | null;
  fileName: string;
  format: string;
  dryRun: boolean;
  status: Status;
  createdAt: Date;
  /** Settles when the final state is written. */
  finished: Promise<void>;
}

const live = new Map<string, LiveRun>();

interface RunRow extends Counters {
  id: string;
  owner: string;
  created_by: string | null;
  file_name: string;
  format: string;
  dry_run: boolean;
  status: Status;
  rows_total: number | null;
  rows_read: number;
  rows_written: number;
  error_count: number;
  result: ImportResult | null;
  problem: ImportRun['problem'];
  created_at: Date;
  finished_at: Date | null;
}

const COLUMNS = sql`id, owner, created_by, file_name, format, dry_run, status, rows_total, rows_read, rows_written, error_count, result, problem, created_at, finished_at`;
const json = <T>(value: T | string | null): T | null => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

function present(row: RunRow): ImportRun {
  return {
    id: row.id,
    fileName: row.file_name,
    format: row.format,
    dryRun: row.dry_run,
    status: row.status,
    rowsTotal: row.rows_total,
    rowsRead: row.rows_read,
    rowsWritten: row.rows_written,
    errorCount: row.error_count,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    result: json(row.result),
    problem: json(row.problem),
  };
}

function presentLive(run: LiveRun): ImportRun {
  return {
    id: run.id,
    fileName: run.fileName,
    format: run.format,
    dryRun: run.dryRun,
    status: run.status,
    rowsTotal: run.rowsTotal,
    rowsRead: run.rowsRead,
    rowsWritten: run.rowsWritten,
    errorCount: run.errorCount,
    createdBy: run.createdBy,
    createdAt: run.createdAt.toISOString(),
    finishedAt: null,
    result: null,
    problem: null,
  };
}

/** A run this process is running, as its owner member sees it; undefined for any other (read the table then). */
export function liveRun(actor: Actor, id: string): ImportRun | undefined {
  const run = live.get(id);
  return run && run.owner === actor.member ? presentLive(run) : undefined;
}

/** Waits for the runs this process is running to write their final state (before the database closes). */
export async function settleRuns(): Promise<void> {
  await Promise.all([...live.values()].map((run) => run.finished));
}

export async function findRun(ctx: Ctx, id: string): Promise<ImportRun> {
  const row = await ctx.tx.maybeOne<RunRow>(sql`SELECT ${COLUMNS} FROM report_import_runs WHERE id = ${id} AND owner = ${ctx.actor.member}`);
  if (!row) throw notFound();
  return present(row);
}

/** The member's latest runs, the newest first; those this process is running with their live counters. */
export async function listRuns(ctx: Ctx, limit = 50): Promise<ImportRun[]> {
  const rows = await ctx.tx.query<RunRow>(sql`
    SELECT ${COLUMNS} FROM report_import_runs WHERE owner = ${ctx.actor.member} ORDER BY created_at DESC, id DESC LIMIT ${limit}`);
  return rows.map((row) => liveRun(ctx.actor, row.id) ?? present(row));
}

/** Writes a run record; `running` for an import done in the request itself (its final state follows in the same transaction). */
export async function insertRun(ctx: Ctx, file: { name: string }, options: ImportOptions, status: Status, rowsTotal: number | null = null): Promise<ImportRun> {
  const row = await ctx.tx.one<RunRow>(sql`
    INSERT INTO report_import_runs (owner, created_by, file_name, format, dry_run, status, rows_total)
    VALUES (${ctx.actor.member}, ${ctx.actor.userId || null}::uuid, ${file.name}, ${options.format}, ${options.dryRun ?? false}, ${status}, ${rowsTotal}::int)
    RETURNING ${COLUMNS}`);
  return present(row);
}

interface FinalState {
  status: 'done' | 'failed';
  counters: Counters;
  result: ImportResult | null;
  problem: ImportRun['problem'];
}

export async function finishRun(tx: Tx, id: string, state: FinalState): Promise<void> {
  await tx.query(sql`
    UPDATE report_import_runs SET status = ${state.status}, rows_read = ${state.counters.rowsRead}, rows_written = ${state.counters.rowsWritten},
      error_count = ${state.counters.errorCount}, result = ${state.result === null ? null : JSON.stringify(state.result)}::jsonb,
      problem = ${state.problem === null ? null : JSON.stringify(state.problem)}::jsonb, finished_at = now()
    WHERE id = ${id}`);
}

/** The counters of a finished import, from its result. */
export function countersOf(result: ImportResult): Counters {
  return { rowsRead: result.rows, rowsWritten: result.dryRun ? 0 : result.imported + result.updated, errorCount: result.errors.length };
}

interface RunWork {
  platform: Platform;
  actor: Actor;
  request: RequestInfo;
  options: ImportOptions;
  table: Table;
  file: ImportFile;
  onError: (error: unknown) => void;
}

/**
 * Runs a queued import after the request that asked for it has been answered: one transaction for
 * the import and its final state; if it fails, the failure in a transaction of its own.
 */
export function startRun(run: ImportRun, work: RunWork): void {
  const state: LiveRun = {
    id: run.id, rowsTotal: run.rowsTotal, owner: work.actor.member, createdBy: run.createdBy, fileName: run.fileName, format: run.format, dryRun: run.dryRun,
    status: 'queued', createdAt: new Date(run.createdAt), rowsRead: 0, rowsWritten: 0, errorCount: 0, finished: Promise.resolve(),
  };
  live.set(run.id, state);
  state.finished = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => execute(state, work))
    .catch(work.onError)
    .finally(() => live.delete(run.id));
}

async function execute(state: LiveRun, work: RunWork): Promise<void> {
  state.status = 'running';
  let refused: ImportResult | null = null;
  const hooks = {
    id: state.id,
    progress: (progress: { rowsRead: number; rowsWritten: number; errors: number }) => {
      state.rowsRead = progress.rowsRead;
      state.rowsWritten = work.options.dryRun ? 0 : progress.rowsWritten;
      state.errorCount = progress.errors;
    },
    refused: (result: ImportResult) => {
      refused = result;
    },
  };
  try {
    await runAs(work.platform, work.actor, work.request, async (ctx) => {
      const result = await importReports(ctx, work.options, work.table, work.file, hooks);
      await finishRun(ctx.tx, state.id, { status: 'done', counters: countersOf(result), result, problem: null });
    });
  } catch (error) {
    const known = error instanceof Problem && error.status < 500;
    if (!known) work.onError(error);
    const problem = known
      ? { status: error.status, title: error.title, detail: error.detail }
      : { status: 500, title: 'Import failed', detail: `The import stopped on an error of the server and wrote nothing. Quote ${work.request.requestId} to the administrators.` };
    const result: ImportResult | null = refused;
    const counters = result ? countersOf(result) : { rowsRead: state.rowsRead, rowsWritten: 0, errorCount: state.errorCount };
    await runAs(work.platform, work.actor, work.request, (ctx) => finishRun(ctx.tx, state.id, { status: 'failed', counters: { ...counters, rowsWritten: 0 }, result, problem }));
  }
}
