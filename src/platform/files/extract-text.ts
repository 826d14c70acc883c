import { invalid } from '../errors.js';
import { parseInWorker } from './parse-pool.js';

export type FileKind = 'pdf' | 'docx' | 'txt';

export const FILE_TYPES: Record<FileKind, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain; charset=utf-8',
};

/** What a file is, by its bytes rather than its name: PDF, DOCX (a zip holding word/document.xml) or plain text. */
export function detectKind(content: Buffer): FileKind | null {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'pdf';
  if (content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04) {
    return content.includes('word/document.xml') ? 'docx' : null;
  }
  return content.includes(0) ? null : 'txt';
}

// Windows-1252 bytes 0x80–0x9F (WHATWG index). Node 20.18.3+ and 22.13+ decode 'windows-1252' as
// ISO-8859-1, turning curly quotes, dashes and € into control characters (nodejs/node#60888).
const WINDOWS_1252_C1 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** Text as UTF-8 (a BOM is dropped); bytes that are not UTF-8 are read as Windows-1252, the usual other. */
export function decodeText(content: Buffer): string {
  const bytes = content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf ? content.subarray(3) : content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes).replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_C1[c.charCodeAt(0) - 0x80] ?? c);
  }
}

/** How long reading one PDF or DOCX may take before it is refused. */
export const TEXT_TIME_LIMIT_MS = 60_000;

/**
 * The searchable text of an uploaded file; a file that is none of the kinds, or is broken, is a 400
 * naming the field, and so is text longer than `maxChars`. PDF and DOCX are read in a parse worker
 * (parse-pool.ts, document-text.ts), within limits of size, pages and time (413 past them).
 */
export async function extractText(content: Buffer, pointer = '/file', maxChars = Number.MAX_SAFE_INTEGER): Promise<{ kind: FileKind; text: string }> {
  const kind = detectKind(content);
  if (!kind) throw invalid([{ pointer, detail: 'send a PDF, a Word document (.docx) or a plain-text file' }]);
  const text = kind === 'txt' ? decodeText(content).trim() : await parseInWorker({ kind, content, maxChars, pointer }, TEXT_TIME_LIMIT_MS);
  if (text.length > maxChars) throw invalid([{ pointer, detail: `its text is longer than ${maxChars} characters` }]);
  return { kind, text };
}
