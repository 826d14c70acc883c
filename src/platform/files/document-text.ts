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

/** A text item of pdf.js: its string, its transform (x and y at 4 and 5), its width, and whether a line ends after it. */
export interface PdfTextItem {
  str: string;
  transform: number[];
  width: number;
  height: number;
  hasEOL: boolean;
}

/** A gap wider than this share of the font size between two items on a line is a space between words. */
const SPACE_GAP = 0.15;
/** A baseline moved by more than this share of the font size starts a new line. */
const LINE_SHIFT = 0.5;

/**
 * The text of a page rebuilt from its items' positions, in the order the page draws them: a new
 * line where the baseline moves by more than half the font size (or pdf.js ends a line), a space
 * where one item ends well before the next begins and neither side is white space already. Words
 * a PDF draws as separate items (as scanned and many generated PDFs do) are not run together.
 * A hyphen at a line's end is kept as it is: it may be part of the word.
 */
export function textOfItems(items: readonly PdfTextItem[]): string {
  let text = '';
  let last: { end: number; y: number; size: number } | undefined;
  let lineEnded = false;
  for (const item of items) {
    const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = item.transform;
    const size = Math.abs(item.height) || Math.hypot(c, d) || Math.hypot(a, b) || 1;
    if (item.str === '') {
      lineEnded ||= item.hasEOL;
      continue;
    }
    if (last && text !== '') {
      const fontSize = Math.max(last.size, size);
      if (lineEnded || Math.abs(y - last.y) > fontSize * LINE_SHIFT) {
        if (!text.endsWith('\n')) text += '\n';
      } else if (x - last.end > fontSize * SPACE_GAP && !/\s$/.test(text) && !/^\s/.test(item.str)) {
        text += ' ';
      }
    }
    text += item.str;
    // A white-space item pdf.js adds between words has no height; the line's font size is the word's.
    last = { end: x + item.width, y, size: item.str.trim() === '' && last ? last.size : size };
    lineEnded = item.hasEOL;
  }
  return text;
}

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
      const pageText = textOfItems(text.items.filter((item) => 'str' in item));
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
  // mammoth is loaded when a Word document is read, not at every start.
  const { default: mammoth } = await import('mammoth');
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
