import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { invalid, Problem } from '../errors.js';
import type { ParseAnswer, ParseJob } from './parse-pool.js';

/**
 * The parse worker (parse-pool.ts starts it): reads one file at a time and answers with what it
 * found or the problem. The readers are loaded when a file needs them (exceljs, mammoth and pdfjs
 * take a while to load, and a worker that refused a file is not kept).
 */

async function answer(job: ParseJob): Promise<ParseAnswer> {
  const content = Buffer.from(job.content.buffer, job.content.byteOffset, job.content.byteLength);
  try {
    switch (job.kind) {
      case 'xlsx':
        return { ok: true, value: await (await import('./xlsx-read.js')).readXlsxRecords(content, job) };
      case 'pdf':
      case 'docx':
        return { ok: true, value: await (await import('./document-text.js')).documentText(content, job) };
    }
  } catch (error) {
    // The readers turn what they cannot read into Problems; anything else is a file no reader took.
    const problem = error instanceof Problem ? error : invalid([{ pointer: job.pointer, detail: `the file could not be read as ${job.kind.toUpperCase()}` }]);
    return { ok: false, problem: { status: problem.status, title: problem.title, detail: problem.detail, ...(problem.errors ? { errors: problem.errors } : {}) } };
  }
}

// On Linux a thread has its own niceness: the server's main thread goes first when cores are short.
try {
  setPriority(19);
} catch {
  // Not allowed here: the worker runs at the server's priority.
}

parentPort?.on('message', (job: ParseJob) => {
  void answer(job).then((reply) => parentPort?.postMessage(reply));
});
