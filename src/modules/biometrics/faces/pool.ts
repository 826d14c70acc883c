// sharp is loaded by the main thread before the worker loads it: on glibc, a native library first
// opened by a worker thread is unloaded when that thread ends, under any other thread still using it.
import 'sharp';
import { Worker } from 'node:worker_threads';
import { Problem } from '../../../platform/errors.js';
import type { FaceBox } from './detect.js';

/**
 * One long-lived worker thread (worker.ts) turns face images into templates, one image at a time:
 * loading human's models takes about a second, so the worker is kept. It starts on the first image
 * (or `startFacePool`). At most `MAX_WAITING` images wait behind the one being read; past that the
 * answer is 503 with Retry-After. If the worker dies, every image waiting on it gets a 503 and the
 * next image starts a new worker.
 */

export const MAX_WAITING = 8;

export interface FaceTemplateValue {
  vector: Float32Array;
  face: FaceBox & { score: number };
  /** Of the decoded image, which the face box is in. */
  width: number;
  height: number;
}

/** What the worker reports about itself (for tests and the bench). */
export interface FaceWorkerStats {
  tensors: number;
  fetchAttempts: number;
}

export type FaceJob = { id: number } & ({ kind: 'template'; image: Uint8Array } | { kind: 'stats' });

/** The worker's answer to a job; a Problem as plain data (a class does not cross threads). */
export type FaceWorkerAnswer = { kind: 'answer'; id: number } & (
  | { ok: true; value: FaceTemplateValue }
  | { ok: true; stats: FaceWorkerStats }
  | { ok: false; problem: { status: number; title: string; detail: string; extra: Record<string, unknown> } }
  | { ok: false; error: string }
);

export type FaceWorkerEvent = { kind: 'ready' } | { kind: 'failed'; message: string } | FaceWorkerAnswer;

type Request = { kind: 'template'; image: Buffer } | { kind: 'stats' };

interface Pending {
  request: Request;
  resolve: (answer: FaceWorkerAnswer) => void;
  reject: (error: Error) => void;
  id?: number;
}

interface Running {
  worker: Worker;
  ready: Promise<void>;
}

let current: Running | undefined;
let busy: Pending | undefined;
const waiting: Pending[] = [];
let nextId = 1;

function retryLater(title: string, detail: string): Problem {
  return new Problem(503, title, detail, undefined, undefined, { 'retry-after': '5' });
}

function spawn(): Worker {
  // Built, the worker is the compiled worker.js beside this file. From the TypeScript sources (tsx,
  // vitest) it is worker.ts, which the worker's own loader cannot read: tsx is registered first.
  const source = new URL('./worker.ts', import.meta.url).href;
  return import.meta.url.endsWith('.ts')
    ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`, { eval: true })
    : new Worker(new URL('./worker.js', import.meta.url));
}

/** Rejects every image waiting on the worker (the one being read first) and forgets them. */
function rejectAll(error: Error): void {
  const pending = busy ? [busy, ...waiting] : [...waiting];
  busy = undefined;
  waiting.length = 0;
  for (const each of pending) each.reject(error);
}

function start(): Running {
  if (current) return current;
  const worker = spawn();
  let markReady = (): void => undefined;
  let markFailed = (_error: Error): void => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    markReady = resolve;
    markFailed = reject;
  });
  // Whoever awaits readiness sees a failure; nobody awaiting it is not an unhandled rejection.
  ready.catch(() => undefined);
  const running: Running = { worker, ready };
  current = running;
  let crash: Error | undefined;

  worker.on('message', (event: FaceWorkerEvent) => {
    switch (event.kind) {
      case 'ready':
        markReady();
        // Kept alive while it loads (someone may await `startFacePool`); idle, it does not hold the process.
        if (!busy) worker.unref();
        break;
      case 'failed': {
        // A worker that cannot load its models is a fault of the installation, not a busy server.
        const error = new Error(`the face worker could not start: ${event.message}`);
        current = undefined;
        markFailed(error);
        rejectAll(error);
        void worker.terminate();
        break;
      }
      case 'answer':
        answered(event);
        break;
    }
  });
  worker.on('error', (error) => {
    crash = error;
  });
  worker.on('exit', (code) => {
    if (current !== running) return;
    current = undefined;
    const problem = retryLater('Face reader stopped', 'The face reader stopped before it answered; send the image again in a few seconds.');
    markFailed(crash ?? new Error(`the face worker stopped (exit code ${code})`));
    rejectAll(problem);
  });
  return running;
}

function answered(answer: FaceWorkerAnswer): void {
  const pending = busy;
  if (pending?.id !== answer.id) return;
  busy = undefined;
  pending.resolve(answer);
  next();
}

/** Hands the next waiting image to the worker, if it is free; an idle worker does not keep the process alive. */
function next(): void {
  if (busy) return;
  const pending = waiting.shift();
  if (!pending) {
    current?.worker.unref();
    return;
  }
  busy = pending;
  const { worker } = start();
  worker.ref();
  pending.id = nextId++;
  if (pending.request.kind === 'stats') {
    worker.postMessage({ id: pending.id, kind: 'stats' } satisfies FaceJob);
  } else {
    // The worker gets its own copy (the caller keeps its buffer).
    const image = new Uint8Array(pending.request.image);
    worker.postMessage({ id: pending.id, kind: 'template', image } satisfies FaceJob, [image.buffer]);
  }
}

function ask(request: Request): Promise<FaceWorkerAnswer> {
  if (busy && waiting.length >= MAX_WAITING) {
    return Promise.reject(retryLater('Busy reading faces', 'The server is reading as many face images as it can; send this one again in a few seconds.'));
  }
  return new Promise((resolve, reject) => {
    waiting.push({ request, resolve, reject });
    next();
  });
}

function failure(answer: FaceWorkerAnswer & { ok: false }): Error {
  if ('problem' in answer) return new Problem(answer.problem.status, answer.problem.title, answer.problem.detail, undefined, answer.problem.extra);
  return new Error(`the face worker failed: ${answer.error}`);
}

/** The template of the one face in an image, read in the worker; refusals and a full queue are Problems. */
export async function templateInWorker(image: Buffer): Promise<FaceTemplateValue> {
  const answer = await ask({ kind: 'template', image });
  if (!answer.ok) throw failure(answer);
  if (!('value' in answer)) throw new Error('the face worker answered a template with stats');
  return answer.value;
}

/** The worker's tensor count and fetch attempts, asked in turn like an image. */
export async function faceWorkerStats(): Promise<FaceWorkerStats> {
  const answer = await ask({ kind: 'stats' });
  if (!answer.ok) throw failure(answer);
  if (!('stats' in answer)) throw new Error('the face worker answered stats with a template');
  return answer.stats;
}

/** Starts the worker now rather than on the first image; resolves once its models are loaded. */
export function startFacePool(): Promise<void> {
  return start().ready;
}

/** Ends the worker; images still waiting on it get a 503. */
export async function stopFacePool(): Promise<void> {
  if (current) await current.worker.terminate();
}
