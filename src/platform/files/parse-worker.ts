import { parentPort } from 'node:worker_threads';
import { Problem } from '../http/problem.js';
import { documentText, unreadableDocument } from './document-text.js';
import type { ParseAnswer, ParseJob } from './parse-pool.js';
import { readXlsxRecords, unreadableXlsx } from './xlsx-read.js';

/** The parse worker (parse-pool.ts starts it): reads one file at a time and answers with what it found or the problem. */

async function answer(job: ParseJob): Promise<ParseAnswer> {
  const content = Buffer.from(job.content.buffer, job.content.byteOffset, job.content.byteLength);
  try {
    switch (job.kind) {
      case 'xlsx':
        return { ok: true, value: await readXlsxRecords(content, job) };
      case 'pdf':
      case 'docx':
        return { ok: true, value: await documentText(content, job) };
    }
  } catch (error) {
    const problem = error instanceof Problem ? error : job.kind === 'xlsx' ? unreadableXlsx(job.pointer) : unreadableDocument(job);
    return { ok: false, problem: { status: problem.status, title: problem.title, detail: problem.detail, ...(problem.errors ? { errors: problem.errors } : {}) } };
  }
}

parentPort?.on('message', (job: ParseJob) => {
  void answer(job).then((reply) => parentPort?.postMessage(reply));
});
