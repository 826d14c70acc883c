import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { Problem } from '../../../platform/errors.js';
import { decodeImage } from './decode.js';
import { createFaceDetector } from './detect.js';
import type { FaceJob, FaceWorkerAnswer, FaceWorkerEvent } from './pool.js';

/**
 * The face worker (pool.ts starts it): loads the detector once, then turns one image at a time
 * into a template, answering with the template or the refusal as plain data. Nothing may be
 * fetched: `fetch` throws here, and the attempts are counted for the tests.
 */

let fetchAttempts = 0;
globalThis.fetch = (input) => {
  fetchAttempts++;
  throw new Error(`the face worker fetches nothing (asked for ${input instanceof Request ? input.url : String(input)})`);
};

// On Linux a thread has its own niceness: the server's main thread goes first when cores are short.
try {
  setPriority(19);
} catch {
  // Not allowed here: the worker runs at the server's priority.
}

const port = parentPort;
if (!port) throw new Error('worker.ts runs as a worker thread (see pool.ts)');
const post = (message: FaceWorkerEvent): void => port.postMessage(message);

const detector = createFaceDetector();
detector.then(() => post({ kind: 'ready' }), (error: unknown) => post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) }));

async function answer(job: FaceJob): Promise<FaceWorkerAnswer> {
  try {
    const faces = await detector;
    switch (job.kind) {
      case 'stats':
        return { kind: 'answer', id: job.id, ok: true, stats: { tensors: faces.tensorCount(), fetchAttempts } };
      case 'template': {
        const image = await decodeImage(Buffer.from(job.image.buffer, job.image.byteOffset, job.image.byteLength));
        const face = await faces.detect(image);
        return { kind: 'answer', id: job.id, ok: true, value: { vector: face.embedding, face: { ...face.box, score: face.score }, width: image.width, height: image.height } };
      }
    }
  } catch (error) {
    if (error instanceof Problem) {
      return { kind: 'answer', id: job.id, ok: false, problem: { status: error.status, title: error.title, detail: error.detail, extra: error.extra ?? {} } };
    }
    return { kind: 'answer', id: job.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

// One image at a time, in the order they came (the pool sends one at a time anyway).
let previous: Promise<unknown> = Promise.resolve();
port.on('message', (job: FaceJob) => {
  previous = previous.then(() => answer(job)).then((reply) => {
    const transfer = reply.ok && 'value' in reply ? [reply.value.vector.buffer as ArrayBuffer] : [];
    port.postMessage(reply, transfer);
  });
});
