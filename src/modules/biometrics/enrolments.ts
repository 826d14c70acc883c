/**
 * Bulk enrolment (issue 25): a ZIP archive of face images with a CSV naming each image's subject.
 * Per image, not all or nothing: the archive and the CSV are checked in the request (a bad archive,
 * a CSV without the known header: 400 or 413 and nothing written), the run is written with the rows
 * the CSV itself refuses, the answer is 202 with the run, and the images are then read in the
 * background (enrolment-runner.ts), each subject enrolled in a transaction of its own and every row
 * not enrolled kept with its reason, so the report can be read later. Runs are their member's alone.
 */
import type { FastifyRequest } from 'fastify';
import { authorize } from '../../platform/auth/authorize.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { notFound } from '../../platform/errors.js';
import { toCsv } from '../../platform/files/csv.js';
import { perform } from '../../platform/http/pipeline.js';
import { readUpload } from '../../platform/http/upload.js';
import type { EnrolmentStatus } from './codes.js';
import { ARCHIVE_FILE_LIMIT, readEnrolmentArchive, type EnrolmentPlan, type RowRejection } from './enrolment-archive.js';
import { insertRejections, startEnrolmentRun, TAKEN } from './enrolment-runner.js';
import { FACE_FORMAT } from './faces/index.js';
import { EnrolmentCreate, type EnrolmentRejection, type EnrolmentRun } from './schemas.js';

const OBJECT = 'biometric-enrolment';
/** Rejections a run's record shows; its report has them all. */
const SHOWN_REJECTIONS = 1000;

interface RunRow {
  id: string;
  file_name: string;
  csv_name: string;
  format: string;
  retain_until: string | null;
  status: EnrolmentStatus;
  total: number;
  processed: number;
  enrolled: number;
  rejected: number;
  created_by: string | null;
  created_at: Date;
  finished_at: Date | null;
  problem: EnrolmentRun['problem'] | string;
}

interface RejectionRow {
  csv_row: number;
  file: string | null;
  reference: string | null;
  reason: EnrolmentRejection['reason'];
  csv_column: string | null;
  detail: string | null;
}

const COLUMNS = sql`r.id, r.file_name, r.csv_name, r.format, to_char(r.retain_until, 'YYYY-MM-DD') AS retain_until, r.status, r.total, r.processed, r.enrolled, r.rejected,
  r.created_by::text, r.created_at, r.finished_at, r.problem`;

function present(row: RunRow, rejections?: RejectionRow[]): EnrolmentRun {
  return {
    id: row.id,
    fileName: row.file_name,
    csvName: row.csv_name,
    format: row.format,
    retainUntil: row.retain_until,
    status: row.status,
    total: row.total,
    processed: row.processed,
    enrolled: row.enrolled,
    rejected: row.rejected,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at ? row.finished_at.toISOString() : null,
    problem: typeof row.problem === 'string' ? (JSON.parse(row.problem) as EnrolmentRun['problem']) : row.problem,
    ...(rejections ? { rejections: rejections.map(presentRejection) } : {}),
  };
}

function presentRejection(row: RejectionRow): EnrolmentRejection {
  return {
    row: row.csv_row,
    file: row.file,
    reference: row.reference,
    reason: row.reason,
    column: row.csv_column,
    pointer: row.csv_column ? `/rows/${row.csv_row}/${row.csv_column}` : null,
    detail: row.detail,
  };
}

/**
 * POST /biometrics/enrolments: the archive read and checked, the run written (queued, with the rows
 * the CSV refuses, and those whose reference the gallery has), then run after the answer.
 */
export async function startEnrolment(request: FastifyRequest): Promise<{ data: EnrolmentRun }> {
  const { value, file } = await readUpload(request, { field: 'metadata', schema: EnrolmentCreate, required: false, fileSize: ARCHIVE_FILE_LIMIT, fallbackName: 'archive.zip' });
  const plan = await readEnrolmentArchive(file.content, value);
  const { run, rows } = await perform(request, (ctx) => createRun(ctx, file.name, plan, value));
  if (rows.length > 0) {
    const actor = request.actor;
    authorize(actor, 'biometrics.enrol');
    startEnrolmentRun({
      platform: request.server.platform,
      actor,
      request: { requestId: request.id, address: request.ip },
      runId: run.id,
      content: file.content,
      rows,
      onError: (error) => request.log.error({ err: error, enrolment: run.id }, 'a bulk enrolment failed'),
    });
  }
  return { data: run };
}

async function createRun(ctx: Ctx, fileName: string, plan: EnrolmentPlan, options: EnrolmentCreate) {
  // References the gallery has already are rejected before any image is read.
  const references = plan.rows.map((row) => row.subject.reference);
  const taken = new Set(
    (await ctx.tx.query<{ reference: string }>(sql`SELECT s.reference FROM biometric_subjects s WHERE s.owner = ${ctx.actor.member} AND s.reference = ANY(${references}::text[])`))
      .map((row) => row.reference),
  );
  const rows = plan.rows.filter((row) => !taken.has(row.subject.reference));
  const rejections: RowRejection[] = [
    ...plan.rejections,
    ...plan.rows.filter((row) => taken.has(row.subject.reference)).map((row) => ({ row: row.row, file: row.file, reference: row.subject.reference, reason: 'reference-taken' as const, column: 'reference', detail: TAKEN })),
  ].sort((a, b) => a.row - b.row);
  const status: EnrolmentStatus = rows.length > 0 ? 'queued' : 'done';
  const run = await ctx.tx.one<RunRow>(sql`
    INSERT INTO biometric_enrolment_runs AS r (owner, created_by, file_name, csv_name, format, retain_until, status, total, processed, rejected, finished_at)
    VALUES (${ctx.actor.member}, ${ctx.actor.userId || null}::uuid, ${fileName}, ${plan.csvName}, ${options.format ?? FACE_FORMAT}, ${options.retainUntil ?? null}::date, ${status},
      ${plan.total}, ${rejections.length}, ${rejections.length}, ${status === 'done' ? sql`now()` : sql`NULL`})
    RETURNING ${COLUMNS}`);
  await insertRejections(ctx, run.id, rejections);
  await ctx.audit({ action: 'biometrics.enrolment-start', objectType: OBJECT, objectId: run.id, details: { file: fileName, rows: plan.total, refused: rejections.length } });
  return { run: present(run, await rejectionsOf(ctx, run.id, SHOWN_REJECTIONS)), rows };
}

async function rejectionsOf(ctx: Ctx, id: string, limit: number | null): Promise<RejectionRow[]> {
  return ctx.tx.query<RejectionRow>(sql`SELECT x.csv_row, x.file, x.reference, x.reason, x.csv_column, x.detail FROM biometric_enrolment_rejections x
    WHERE x.run_id = ${id} AND x.owner = ${ctx.actor.member} ORDER BY x.csv_row ${limit === null ? sql`` : sql`LIMIT ${limit}`}`);
}

async function findRun(ctx: Ctx, id: string): Promise<RunRow> {
  const row = await ctx.tx.maybeOne<RunRow>(sql`SELECT ${COLUMNS} FROM biometric_enrolment_runs r WHERE r.id = ${id} AND r.owner = ${ctx.actor.member}`);
  if (!row) throw notFound();
  return row;
}

/** The member's latest runs (50), the newest first, without their rejections. */
export async function listEnrolments(ctx: Ctx): Promise<{ data: EnrolmentRun[] }> {
  const rows = await ctx.tx.query<RunRow>(sql`SELECT ${COLUMNS} FROM biometric_enrolment_runs r WHERE r.owner = ${ctx.actor.member} ORDER BY r.created_at DESC, r.id DESC LIMIT 50`);
  return { data: rows.map((row) => present(row)) };
}

/** A run of the member's: its progress and the rows it did not enrol so far. */
export async function getEnrolment(ctx: Ctx, id: string): Promise<{ data: EnrolmentRun }> {
  const row = await findRun(ctx, id);
  return { data: present(row, await rejectionsOf(ctx, id, SHOWN_REJECTIONS)) };
}

/** Every row a run did not enrol, as CSV (an export of the member's own records: audited). */
export async function enrolmentReport(ctx: Ctx, id: string): Promise<{ fileName: string; content: Buffer }> {
  const run = await findRun(ctx, id);
  const rejections = await rejectionsOf(ctx, id, null);
  await ctx.audit({ action: 'biometrics.enrolment-report', objectType: OBJECT, objectId: id, details: { rows: rejections.length } });
  const rows = [['row', 'file', 'reference', 'reason', 'column', 'detail'], ...rejections.map((each) => [String(each.csv_row), each.file ?? '', each.reference ?? '', each.reason, each.csv_column ?? '', each.detail ?? ''])];
  return { fileName: `enrolment-${run.id}-rejected.csv`, content: toCsv(rows) };
}
