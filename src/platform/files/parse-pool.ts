import { Worker } from 'node:worker_threads';
import { Problem, type FieldError } from '../errors.js';
import type { TextJob } from './document-text.js';
import type { XlsxJob, XlsxRecords } from './xlsx-read.js';

/**
 * Parses uploaded files off the main thread, so a heavy or hostile file cannot stall the server
 * (its health checks, other requests): XLSX sheets and PDF/DOCX text are read in worker threads
 * (parse-worker.ts), at most `MAX_PARSES` at once, each with a heap limit and a time limit past
 * which the worker is ended and the file refused (413). Further files wait in a short queue;
 * beyond it the answer is 503 with Retry-After. A worker that answered well is kept a few seconds
 * for the next file; one that refused a file is ended, so nothing a bad file left behind stays.
 */

export type ParseJob = { content: Uint8Array } & (({ kind: 'xlsx' } & XlsxJob) | TextJob);

/** What the worker sends back; a problem as plain data (a class does not cross threads). */
export type ParseAnswer =
  | { ok: true; value: XlsxRecords | string }
  | { ok: false; problem: { status: number; title: string; detail: string; errors?: FieldError[] } };

export const MAX_PARSES = 2;
export const MAX_WAITING = 8;
/** The heap a worker may use; a file that needs more is refused. */
export const WORKER_HEAP_MB = 384;
const IDLE_MS = 10_000;

let running = 0;
const waiting: (() => void)[] = [];
const idle: Worker[] = [];

function spawn(): Worker {
  const options = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB, maxYoungGenerationSizeMb: 32 } };
  // Built, the worker is the compiled parse-worker.js beside this file. From the TypeScript sources
  // (tsx, vitest) it is parse-worker.ts, which the worker's own loader cannot read: tsx is
  // registered in the worker first.
  const source = new URL('./parse-worker.ts', import.meta.url).href;
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { ...options, eval: true })
    : new Worker(new URL('./parse-worker.js', import.meta.url), options);
  // A kept worker that stops is not handed another file.
  worker.once('exit', () => {
    const at = idle.indexOf(worker);
    if (at >= 0) idle.splice(at, 1);
  });
  return worker;
}

async function slot(): Promise<void> {
  if (running < MAX_PARSES) {
    running++;
    return;
  }
  if (waiting.length >= MAX_WAITING) {
    throw new Problem(503, 'Busy reading files', 'The server is reading as many files as it can at once; send this one again in a few seconds.', undefined, undefined, { 'retry-after': '5' });
  }
  // The slot is handed over by the parse that ends (see `release`).
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}

function keep(worker: Worker): void {
  worker.unref();
  idle.push(worker);
  setTimeout(() => {
    const at = idle.indexOf(worker);
    if (at >= 0) {
      idle.splice(at, 1);
      void worker.terminate();
    }
  }, IDLE_MS).unref();
}

function run(job: ParseJob, timeoutMs: number): Promise<XlsxRecords | string> {
  const worker = idle.pop() ?? spawn();
  worker.ref();
  return new Promise((resolve, reject) => {
    const end = (outcome: () => void, reuse: boolean): void => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      if (reuse) keep(worker);
      else void worker.terminate();
      outcome();
    };
    const onMessage = (answer: ParseAnswer): void => {
      if (answer.ok) end(() => resolve(answer.value), true);
      else end(() => reject(new Problem(answer.problem.status, answer.problem.title, answer.problem.detail, answer.problem.errors)), false);
    };
    const onError = (error: Error & { code?: string }): void => {
      const problem = error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? new Problem(413, 'File too large to read', `Reading the file needs more than the ${WORKER_HEAP_MB} MB one file may use; split it or make it simpler.`)
        : error;
      end(() => reject(problem), false);
    };
    const onExit = (code: number): void => end(() => reject(new Error(`the parse worker stopped (exit code ${code})`)), false);
    const timer = setTimeout(() => {
      end(() => reject(new Problem(413, 'File too slow to read', `Reading the file took longer than ${Math.round(timeoutMs / 1000)} seconds, the limit for one file; split it or make it simpler.`)), false);
    }, timeoutMs);
    worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    // A copy of the file is handed over (the caller keeps its own, to store or hash it).
    const content = new Uint8Array(job.content);
    worker.postMessage({ ...job, content }, [content.buffer]);
  });
}

/** Reads a file in a parse worker, waiting for a free one; refused files are Problems (400, 413), a full queue a 503. */
export async function parseInWorker(job: ParseJob & { kind: 'xlsx' }, timeoutMs: number): Promise<XlsxRecords>;
export async function parseInWorker(job: ParseJob & TextJob, timeoutMs: number): Promise<string>;
export async function parseInWorker(job: ParseJob, timeoutMs: number): Promise<XlsxRecords | string> {
  await slot();
  try {
    return await run(job, timeoutMs);
  } finally {
    release();
  }
}
