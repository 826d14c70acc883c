import mammoth from 'mammoth';
import { invalid, Problem } from '../errors.js';
import { readZipDirectory, verifyZip, type ZipLimits } from './zip-guard.js';

/**
 * The text of a PDF or a Word document (run in the parse worker, parse-pool.ts), within limits: a
 * DOCX's ZIP is checked and every entry inflated against its declared size before mammoth reads it;
 * a PDF's pages are counted; the text stops at `maxChars`.
 */

export const DOCX_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 128 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxRatio: 250 };
export const MAX_PDF_PAGES = 5_000;

export interface TextJob {
  kind: 'pdf' | 'docx';
  maxChars: number;
  pointer: string;
}

const tooLong = (job: TextJob): Problem => invalid([{ pointer: job.pointer, detail: `its text is longer than ${job.maxChars} characters` }]);

const unreadableDocument = (job: Pick<TextJob, 'kind' | 'pointer'>): Problem =>
  invalid([{ pointer: job.pointer, detail: `the ${job.kind.toUpperCase()} file could not be read; is it damaged or password-protected?` }]);

async function pdfText(content: Buffer, job: TextJob): Promise<string> {
  const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(content), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  try {
    if (pdf.numPages > MAX_PDF_PAGES) throw new Problem(413, 'Too many pages', `The PDF has ${pdf.numPages} pages, more than the limit of ${MAX_PDF_PAGES}.`);
    const pages: string[] = [];
    let length = 0;
    for (let number = 1; number <= pdf.numPages; number++) {
      const page = await pdf.getPage(number);
      const text = await page.getTextContent();
      const pageText = text.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
      page.cleanup();
      length += pageText.length + 2;
      // The text is trimmed at the end, so a margin for white space around it before stopping.
      if (length > job.maxChars + 64 * 1024) throw tooLong(job);
      pages.push(pageText);
    }
    return pages.join('\n\n');
  } finally {
    await pdf.destroy();
  }
}

async function docxText(content: Buffer, job: TextJob): Promise<string> {
  const entries = readZipDirectory(content, DOCX_LIMITS, 'Word document', job.pointer);
  await verifyZip(content, entries, 'Word document', job.pointer);
  return (await mammoth.extractRawText({ buffer: content })).value;
}

/** The trimmed text of a PDF or DOCX; a file that cannot be read is a 400, one past a limit a 413 (or a 400 for its text's length). */
export async function documentText(content: Buffer, job: TextJob): Promise<string> {
  let text: string;
  try {
    text = (job.kind === 'pdf' ? await pdfText(content, job) : await docxText(content, job)).trim();
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw unreadableDocument(job);
  }
  if (text.length > job.maxChars) throw tooLong(job);
  return text;
}
