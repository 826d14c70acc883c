import { Readable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { invalid, Problem } from '../errors.js';
import { inflateEntry, readZipDirectory, type ZipEntry, type ZipLimits } from './zip-guard.js';

/**
 * Reads one sheet of an XLSX workbook as a stream (run in the parse worker, parse-pool.ts): the ZIP
 * is checked first (zip-guard.ts), its entries are inflated one at a time and held to their
 * declared sizes, and the rows are counted as the sheet's XML goes by, so a workbook of millions
 * of small rows is refused at the limit instead of being built in memory.
 */

export const XLSX_LIMITS: ZipLimits = { maxEntries: 10_000, maxEntryBytes: 768 * 1024 * 1024, maxTotalBytes: 1024 * 1024 * 1024, maxRatio: 250 };

export interface XlsxJob {
  /** The sheet to read; the workbook's first one otherwise. */
  sheet?: string;
  /** Data rows (after the header) past which the workbook is refused. */
  maxRows: number;
  pointer: string;
}

export interface XlsxRecords {
  /** The first row with a value: its cells. */
  header: string[];
  /** The rows after it that have a value, one a line, each a JSON array: its number, then its cells. */
  records: string;
}

const WHAT = 'XLSX workbook';
const LOCAL_HEADER = 0x04034b50;
const EMPTY_SHARED_STRINGS = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>');
const SHEET = /^xl\/worksheets\/sheet(\d+)\.xml$/;

/** A file that is not a workbook we can read: a 400 naming the file's field. */
const unreadableXlsx = (pointer: string, why = 'is it damaged, or another kind of file?'): Problem =>
  invalid([{ pointer, detail: `the file is not a readable XLSX workbook (${why})` }]);

export function rowLimit(maxRows: number): Problem {
  return new Problem(413, 'Too many rows', `The file has more than ${maxRows} data rows, the limit for one import; split it into smaller files.`);
}

/** A stored (uncompressed) entry's local header, for the stream handed to exceljs. */
function storedHeader(name: string, size: number): Buffer {
  const nameBytes = Buffer.from(name, 'utf8');
  const header = Buffer.alloc(30 + nameBytes.length);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt16LE(0x800, 6);
  header.writeUInt32LE(size, 18);
  header.writeUInt32LE(size, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  nameBytes.copy(header, 30);
  return header;
}

/**
 * The entries exceljs reads, inflated by us and stored again in the order its streaming reader
 * needs (relations, workbook, styles and shared strings before the sheets; otherwise it parks each
 * sheet in a temporary file). Every entry's bytes are held to its declared size as they go.
 */
async function* orderedWorkbook(content: Buffer, entries: readonly ZipEntry[], pointer: string): AsyncGenerator<Buffer> {
  const byName = new Map(entries.map((entry) => [entry.name, entry]));
  const sheets = entries
    .map((entry) => ({ entry, number: Number(SHEET.exec(entry.name)?.[1]) }))
    .filter((sheet) => Number.isInteger(sheet.number))
    .sort((a, b) => a.number - b.number)
    .map((sheet) => sheet.entry);
  const relations = byName.get('xl/_rels/workbook.xml.rels');
  const workbook = byName.get('xl/workbook.xml');
  if (!relations || !workbook || sheets.length === 0) throw unreadableXlsx(pointer, 'it has no sheets; is it another kind of zip file?');
  const sharedStrings = byName.get('xl/sharedStrings.xml');
  const styles = byName.get('xl/styles.xml');
  for (const entry of [relations, workbook, ...(styles ? [styles] : []), ...(sharedStrings ? [sharedStrings] : [])]) {
    yield storedHeader(entry.name, entry.size);
    yield* inflateEntry(content, entry, WHAT, pointer);
  }
  if (!sharedStrings) {
    yield storedHeader('xl/sharedStrings.xml', EMPTY_SHARED_STRINGS.length);
    yield EMPTY_SHARED_STRINGS;
  }
  for (const sheet of sheets) {
    yield storedHeader(sheet.name, sheet.size);
    yield* inflateEntry(content, sheet, WHAT, pointer);
  }
}

export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('error' in value) return '';
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value) return cellText(value.text);
    return '';
  }
  return String(value);
}

/** The rows of one sheet: the header's cells and the others packed (see `XlsxRecords`), refused past `maxRows`. */
async function sheetRows(sheet: AsyncIterable<ExcelJS.Row>, job: XlsxJob): Promise<XlsxRecords> {
  let header: string[] | undefined;
  const lines: string[] = [];
  let last = 0;
  for await (const row of sheet) {
    // A row without its number (the attribute is optional) follows the one before.
    const number = Number.isInteger(row.number) && row.number > last ? row.number : last + 1;
    last = number;
    if (!row.hasValues) continue;
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    const cells = Array.from({ length: values.length }, (_, index) => cellText(values[index] ?? null));
    if (!header) header = cells;
    else if (lines.push(JSON.stringify([number, ...cells])) > job.maxRows) throw rowLimit(job.maxRows);
  }
  if (!header) throw invalid([{ pointer: job.pointer, detail: 'the sheet is empty' }]);
  return { header, records: lines.join('\n') };
}

/** Reads the sheet asked for (or the first) of an XLSX workbook; run it in the parse worker. */
export async function readXlsxRecords(content: Buffer, job: XlsxJob): Promise<XlsxRecords> {
  const entries = readZipDirectory(content, XLSX_LIMITS, WHAT, job.pointer);
  const source = Readable.from(orderedWorkbook(content, entries, job.pointer), { objectMode: false });
  // exceljs pipes the source into its unzipper, and a pipe does not pass errors on: a refusal of
  // ours (a limit, a lying header) would leave it waiting. So the reading races the source's error.
  const refused = new Promise<never>((_resolve, reject) => source.once('error', reject));
  // Loaded when a workbook is read: exceljs and what it brings (about 600 modules, a third of a second) would otherwise be loaded at every start.
  const { default: excel } = await import('exceljs');
  const reader = new excel.stream.xlsx.WorkbookReader(source, { worksheets: 'emit', sharedStrings: 'cache', styles: 'cache', hyperlinks: 'ignore', entries: 'ignore' });
  const read = async (): Promise<XlsxRecords> => {
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name?: string }).name;
      const first = (reader as unknown as { model?: { sheets?: { name?: string }[] } }).model?.sheets?.[0]?.name;
      if (name !== undefined && name === (job.sheet ?? first)) return sheetRows(sheet, job);
    }
    throw invalid([{ pointer: job.pointer, detail: job.sheet ? `the workbook has no sheet named "${job.sheet}"` : 'the workbook has no sheet' }]);
  };
  try {
    return await Promise.race([read(), refused]);
  } catch (error) {
    if (error instanceof Problem) throw error;
    throw unreadableXlsx(job.pointer);
  } finally {
    source.destroy();
  }
}
