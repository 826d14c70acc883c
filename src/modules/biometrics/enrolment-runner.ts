/**
 * A bulk enrolment's run, after the request that asked for it was answered: each row's image is
 * read in the face worker and the row settled in a transaction of its own, which enrols the subject
 * (or writes the row's rejection) and counts it in the run's record, so the record never disagrees
 * with the gallery, whatever stops the run. Every run of this process takes its turn on one lane, one
 * image at a time, so an archive of thousands of images holds at most one place in the face worker's
 * queue and searches keep theirs. A worker too busy to take an image (503) is asked again, waiting
 * longer each time; an image it still cannot take is rejected as `reader-busy`.
 */
import type { Actor } from '../../platform/auth/actor.js';
import { runAs, type Ctx, type Platform, type RequestInfo } from '../../platform/context.js';
import type { Database } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { Problem } from '../../platform/errors.js';
import { entryBytes } from '../../platform/files/zip-guard.js';
import { oneAtATime } from '../../platform/jobs.js';
import type { RejectionReason } from './codes.js';
import type { EnrolmentRow, RowRejection } from './enrolment-archive.js';
import { refusal } from './faces/decode.js';
import { FACE_FORMAT, faceRefusalOf, faceTemplate, keptImage, MAX_IMAGE_BYTES, type FaceRefusal } from './faces/index.js';
import { insertSubject } from './galleries.js';

// Every refusal of the face reader is a rejection a run reports.
type Assert<T extends true> = T;
export type RefusalsAreRejections = Assert<FaceRefusal extends RejectionReason ? true : false>;

/** Waits between asks of a busy face worker, in milliseconds: about two minutes in all. */
const BUSY_WAITS = [500, 1000, 2000, 4000, 8000, 15_000, 30_000, 60_000];

/** Why a run stopped before its end, as its record keeps it. */
export const INTERRUPTED = {
  status: 503,
  title: 'Enrolment interrupted',
  detail: 'The server stopped before every row was read. The subjects enrolled so far stay in your gallery; send the archive again to enrol the rest (the rows enrolled already are then reported as references your gallery has).',
};

export interface RunWork {
  platform: Platform;
  actor: Actor;
  request: RequestInfo;
  runId: string;
  /** The archive, held until the run ends. */
  content: Buffer;
  rows: readonly EnrolmentRow[];
  onError: (error: unknown) => void;
}

interface LiveRun {
  abort: AbortController;
  finished: Promise<void>;
}

type Outcome = { kind: 'face'; vector: number[]; kept: Buffer } | { kind: 'rejected'; reason: RejectionReason; detail: string } | { kind: 'stopped' };

const live = new WeakMap<Database, Map<string, LiveRun>>();
/** The face worker's lane for bulk work: one image of one run at a time, runs taking turns. */
const faceLane = oneAtATime();

function runsOf(db: Database): Map<string, LiveRun> {
  let runs = live.get(db);
  if (!runs) {
    runs = new Map();
    live.set(db, runs);
  }
  return runs;
}

/** Runs an enrolment after the request's answer; its end (done, failed or interrupted) is written to its record. */
export function startEnrolmentRun(work: RunWork): void {
  const runs = runsOf(work.platform.db);
  const abort = new AbortController();
  const run: LiveRun = { abort, finished: Promise.resolve() };
  runs.set(work.runId, run);
  run.finished = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => execute(work, abort.signal))
    .catch(work.onError)
    .finally(() => runs.delete(work.runId));
}

/** The runs this process is running on a database (the retention job leaves them be). */
export function liveEnrolmentIds(db: Database): string[] {
  return [...(live.get(db)?.keys() ?? [])];
}

/** Resolves once every run of this process on the database has ended (tests; a server stops them instead). */
export async function enrolmentRunsEnded(db: Database): Promise<void> {
  await Promise.all([...(live.get(db)?.values() ?? [])].map((run) => run.finished));
}

/** Stops the runs on a database after the image each is reading, each marked interrupted (before the database closes). */
export async function stopEnrolmentRuns(db: Database): Promise<void> {
  const runs = [...(live.get(db)?.values() ?? [])];
  for (const run of runs) run.abort.abort();
  await Promise.all(runs.map((run) => run.finished));
}

async function execute(work: RunWork, signal: AbortSignal): Promise<void> {
  const inRun = <T>(act: (ctx: Ctx) => Promise<T>): Promise<T> => runAs(work.platform, work.actor, work.request, act);
  try {
    await inRun((ctx) => ctx.tx.query(sql`UPDATE biometric_enrolment_runs SET status = 'running', updated_at = now() WHERE id = ${work.runId}`));
    for (const row of work.rows) {
      const outcome = await faceLane(() => readFace(work.content, row, signal));
      if (outcome.kind === 'stopped') break;
      try {
        await inRun((ctx) => settle(ctx, work.runId, row, outcome));
      } finally {
        // Sealed in the gallery now (or rejected): the clear image and template are overwritten.
        if (outcome.kind === 'face') {
          outcome.kept.fill(0);
          outcome.vector.fill(0);
        }
      }
    }
    const end = signal.aborted ? { status: 'interrupted', problem: INTERRUPTED } : { status: 'done', problem: null };
    await inRun((ctx) => finish(ctx, work.runId, end.status, end.problem));
  } catch (error) {
    work.onError(error);
    const problem = {
      status: 500,
      title: 'Enrolment failed',
      detail: `The enrolment stopped on an error of the server. The subjects enrolled so far stay in your gallery; send the archive again to enrol the rest. Quote ${work.request.requestId} to the administrators.`,
    };
    await inRun((ctx) => finish(ctx, work.runId, 'failed', problem));
  } finally {
    // The archive's images are read once; its bytes live no longer than the run.
    work.content.fill(0);
  }
}

/** The template and the image to keep of one row's image, or why it gives none; `stopped` when the run was stopped first. */
async function readFace(content: Buffer, row: EnrolmentRow, signal: AbortSignal): Promise<Outcome> {
  if (signal.aborted) return { kind: 'stopped' };
  // Not inflated at all: the face reader would refuse it whole.
  if (row.entry.size > MAX_IMAGE_BYTES) return rejected(refusal('too-large'), 'too-large');
  let image: Buffer;
  try {
    image = await entryBytes(content, row.entry, 'ZIP archive');
  } catch (error) {
    if (!(error instanceof Problem)) throw error;
    return { kind: 'rejected', reason: 'damaged-file', detail: error.errors?.[0]?.detail ?? error.detail };
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        const found = await faceTemplate(image);
        const vector = Array.from(found.vector);
        found.vector.fill(0);
        return { kind: 'face', vector, kept: await keptImage(image) };
      } catch (error) {
        const reason = faceRefusalOf(error);
        if (reason) return rejected(error, reason);
        if (!(error instanceof Problem) || error.status !== 503) throw error;
        const wait = BUSY_WAITS[attempt];
        if (wait === undefined) return { kind: 'rejected', reason: 'reader-busy', detail: 'The face reader stayed too busy to read this image; send it again.' };
        if (!(await pause(wait, signal))) return { kind: 'stopped' };
      }
    }
  } finally {
    image.fill(0);
  }
}

function rejected(error: unknown, reason: RejectionReason): Outcome {
  return { kind: 'rejected', reason, detail: error instanceof Problem ? error.detail : reason };
}

/** Waits, unless the run is stopped meanwhile: true when it waited the whole time. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', stop);
      resolve(true);
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** One row settled in its own transaction: its subject enrolled (audited, as any enrolment), or its rejection written; counted in the run. */
async function settle(ctx: Ctx, runId: string, row: EnrolmentRow, outcome: Exclude<Outcome, { kind: 'stopped' }>): Promise<void> {
  if (outcome.kind === 'face') {
    const subject = { ...row.subject, template: { format: FACE_FORMAT, vector: outcome.vector } };
    const id = await insertSubject(ctx, subject, { bytes: outcome.kept, type: 'image/jpeg' }, { enrolment: runId });
    if (id) {
      await ctx.tx.query(sql`UPDATE biometric_enrolment_runs SET processed = processed + 1, enrolled = enrolled + 1, updated_at = now() WHERE id = ${runId}`);
      return;
    }
    outcome = { kind: 'rejected', reason: 'reference-taken', detail: TAKEN };
  }
  const column = outcome.reason === 'reference-taken' ? 'reference' : null;
  await insertRejections(ctx, runId, [{ row: row.row, file: row.file, reference: row.subject.reference, reason: outcome.reason, column, detail: outcome.detail }]);
  await ctx.tx.query(sql`UPDATE biometric_enrolment_runs SET processed = processed + 1, rejected = rejected + 1, updated_at = now() WHERE id = ${runId}`);
}

export const TAKEN = 'Your gallery has a subject with this reference already.';

const clip = (value: string | null, length: number): string | null => (value === null || value.length <= length ? value : `${value.slice(0, length - 1)}…`);

/** Writes rows' rejections for the actor's member (the run's owner). */
export async function insertRejections(ctx: Ctx, runId: string, rejections: readonly RowRejection[]): Promise<void> {
  if (rejections.length === 0) return;
  const rows = rejections.map((each) => ({
    csv_row: each.row, file: clip(each.file, 1000), reference: clip(each.reference, 1000), reason: each.reason, csv_column: each.column, detail: clip(each.detail, 2000),
  }));
  await ctx.tx.query(sql`INSERT INTO biometric_enrolment_rejections (run_id, owner, csv_row, file, reference, reason, csv_column, detail)
    SELECT ${runId}::uuid, ${ctx.actor.member}, r.csv_row, r.file, r.reference, r.reason, r.csv_column, r.detail
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(csv_row int, file text, reference text, reason text, csv_column text, detail text)`);
}

async function finish(ctx: Ctx, runId: string, status: string, problem: { status: number; title: string; detail: string } | null): Promise<void> {
  await ctx.tx.query(sql`UPDATE biometric_enrolment_runs SET status = ${status}, problem = ${problem === null ? null : JSON.stringify(problem)}::jsonb,
    finished_at = now(), updated_at = now() WHERE id = ${runId}`);
}
