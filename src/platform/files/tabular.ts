import { isUtf8 } from 'node:buffer';
import { invalid, Problem } from '../errors.js';
import { countBreaks, CsvError, CsvReader, firstCsvRecord, restoreCsvCell } from './csv.js';
import { decodeText } from './extract-text.js';
import { parseInWorker } from './parse-pool.js';
import { rowLimit } from './xlsx-read.js';

/**
 * Reads a table a person prepared in a spreadsheet: CSV (RFC 4180: quoted fields, quoted newlines,
 * doubled quotes) or XLSX, into rows of strings numbered as the spreadsheet shows them (the header is
 * row 1). A mechanism: it knows columns by name, not what they mean.
 *
 * - Encoding (CSV): UTF-8 (with or without BOM), UTF-16 with its BOM, otherwise Windows-1252; the one
 *   used is reported, so Latin-1 bytes are never shown as U+FFFD.
 * - Delimiter (CSV): the one of , ; tab | under which the header names the most expected columns.
 * - Blank rows are skipped silently; copies of the header inside the data (two files pasted
 *   together) are skipped and reported.
 * - CSV cells that a CSV writer neutralised against formula injection (`'=…`, see `toCsv`) are read
 *   without the apostrophe it added, so a download re-imports as it was; XLSX cells are read as they are.
 * - Limits: bytes (413), data rows (413), characters in a cell (400 naming row and column).
 * - XLSX is read in a parse worker (parse-pool.ts, xlsx-read.ts): its ZIP checked against
 *   decompression bombs, its rows counted as they stream by, within a time limit.
 */

export type TableEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'xlsx';
export type Delimiter = ',' | ';' | '\t' | '|';
export const DELIMITERS: readonly Delimiter[] = [',', ';', '\t', '|'];

export const DEFAULT_MAX_ROWS = 200_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_CELL = 10_000;
/** How long reading one XLSX may take before it is refused. */
export const XLSX_TIME_LIMIT_MS = 120_000;

export interface TableOptions {
  /** Every column the reader knows; header cells are matched to them case-insensitively, ignoring spaces around. */
  columns: readonly string[];
  /** Columns the file must have. */
  required?: readonly string[];
  /** Columns outside `columns` are an error (true, the default) or ignored. */
  rejectUnknownColumns?: boolean;
  /**
   * Every non-empty header cell is a column (`columns` is then ignored): a file whose columns the
   * user maps. CSV: the delimiter is the one under which the header has the most cells.
   */
  acceptHeader?: boolean;
  maxRows?: number;
  maxBytes?: number;
  maxCellLength?: number;
  /** XLSX: the sheet to read; the first one otherwise. */
  sheet?: string;
  /** The uploaded name, only to say "this .xlsx is not an XLSX" rather than reading it as text. */
  fileName?: string;
  /** JSON pointer of the file in the request, for errors. */
  pointer?: string;
}

export interface TableRow {
  /** 1-based, as the spreadsheet shows it (the header is row 1). */
  row: number;
  /** Cell text by column name (only known columns; missing cells are ''). */
  cells: Record<string, string>;
  /** Non-empty cells beyond the header's last column (a stray delimiter or a broken quote). */
  extraCells: number;
}

export interface Table {
  format: 'csv' | 'xlsx';
  encoding: TableEncoding;
  delimiter: Delimiter | null;
  /** Known columns present, in the file's order. */
  header: string[];
  /**
   * The data rows, read as they are iterated: a CSV's records are split while the caller works on
   * the rows before them (an import checks and writes one batch while the next is read), so reading
   * and writing overlap and no array of every row is held. Each iteration reads the file again.
   * What is wrong with the file past its header (a broken quote, more rows than the limit, cells
   * too long) is thrown by the iteration: the caller's transaction undoes what it did meanwhile.
   */
  rows: Iterable<TableRow>;
  /** Rows left out on purpose: repeated header rows (complete once `rows` has been iterated). */
  skipped: { row: number; reason: string }[];
}

/** How many characters of decoded CSV text the reader takes at a time. */
const CSV_SLICE = 64 * 1024;

/** A header or cell as it is compared with a column's name: trimmed, inner spaces single, lower case. */
const normalise = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();

/** Reads a CSV or XLSX upload; a file that cannot be read as either is a 400 naming the file's field. */
export async function readTable(content: Buffer, options: TableOptions): Promise<Table> {
  const pointer = options.pointer ?? '/file';
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (content.length > maxBytes) throw new Problem(413, 'File too large', `The file is larger than the limit of ${maxBytes} bytes.`);
  if (content.length === 0) throw invalid([{ pointer, detail: 'the file is empty' }]);
  const zip = content[0] === 0x50 && content[1] === 0x4b && content[2] === 0x03 && content[3] === 0x04;
  if (zip) return readXlsx(content, options, pointer);
  if (/\.xls[xm]?$/i.test(options.fileName ?? '')) throw invalid([{ pointer, detail: 'the file is named as a spreadsheet but is not an XLSX workbook' }]);
  return readCsv(content, options, pointer);
}

function decode(content: Buffer): { text: string; encoding: TableEncoding } {
  if (content[0] === 0xff && content[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(content.subarray(2)), encoding: 'utf-16le' };
  if (content[0] === 0xfe && content[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(content.subarray(2)), encoding: 'utf-16be' };
  return { text: decodeText(content), encoding: isUtf8(content) ? 'utf-8' : 'windows-1252' };
}

/** Maps header cells to known column names: index → name (or null for unknown), with the problems found. */
export function matchHeader(cells: readonly string[], options: Pick<TableOptions, 'columns'>): { names: (string | null)[]; unknown: string[]; duplicates: string[]; matched: number } {
  const known = new Map(options.columns.map((column) => [normalise(column), column]));
  const seen = new Set<string>();
  const unknown: string[] = [];
  const duplicates: string[] = [];
  const names = cells.map((cell) => {
    const name = known.get(normalise(cell));
    if (!name) {
      if (cell.trim() !== '') unknown.push(cell.trim());
      return null;
    }
    if (seen.has(name)) {
      duplicates.push(name);
      return null;
    }
    seen.add(name);
    return name;
  });
  return { names, unknown, duplicates, matched: seen.size };
}

export function headerProblems(match: ReturnType<typeof matchHeader>, options: Pick<TableOptions, 'columns' | 'required' | 'rejectUnknownColumns'>, pointer: string): void {
  const present = new Set(match.names.filter((name): name is string => name !== null));
  const errors = [
    ...(options.required ?? []).filter((column) => !present.has(column)).map((column) => ({ pointer: `/rows/1/${column}`, detail: `the column "${column}" is missing` })),
    ...match.duplicates.map((column) => ({ pointer: `/rows/1/${column}`, detail: `the column "${column}" appears twice` })),
    ...(options.rejectUnknownColumns === false ? [] : match.unknown).map((column) => ({
      pointer: `/rows/1/${column}`,
      detail: `"${column}" is not a column of this format; remove it or correct its name`,
    })),
  ];
  if (errors.length > 0) throw invalid(errors, `The header row of ${pointer.slice(1)} does not match the format's columns.`);
}

function readCsv(content: Buffer, options: TableOptions, pointer: string): Table {
  if (content.includes(0) && !(content[0] === 0xff && content[1] === 0xfe) && !(content[0] === 0xfe && content[1] === 0xff)) {
    throw invalid([{ pointer, detail: 'the file is neither CSV text nor an XLSX workbook' }]);
  }
  const { text, encoding } = decode(content);
  // The header decides the delimiter: the one under which it names the most known columns.
  let best: { delimiter: Delimiter; match: ReturnType<typeof matchHeader> } | undefined;
  for (const delimiter of DELIMITERS) {
    const header = firstCsvRecord(text, delimiter);
    if (!header) continue;
    const match = matchHeader(header, options.acceptHeader ? { columns: headerColumns(header) } : options);
    if (!best || match.matched > best.match.matched) best = { delimiter, match };
  }
  if (!best || best.match.matched === 0) {
    throw invalid(
      [{ pointer: '/rows/1', detail: `the first row names none of the expected columns (${options.columns.slice(0, 5).join(', ')}, …) whether separated by comma, semicolon, tab or bar` }],
      'The header row does not match the format under any delimiter.',
    );
  }
  headerProblems(best.match, options, pointer);
  const delimiter = best.delimiter;
  const maxRecord = (options.maxCellLength ?? DEFAULT_MAX_CELL) * 4;
  const table = named({ [Symbol.iterator]: () => csvRecords(text, delimiter, maxRecord) }, best.match.names, { format: 'csv', encoding, delimiter }, options);
  // A file over the row limit is refused before anything is done with its rows. Most files have
  // fewer lines than the limit allows rows, which settles it; a file with more is read through once
  // first (its rows may yet be fewer: blank lines, line breaks inside quotes).
  if (countBreaks(text) > (options.maxRows ?? DEFAULT_MAX_ROWS)) {
    const rows = table.rows[Symbol.iterator]();
    while (!rows.next().done);
  }
  return table;
}

/** The data records of a CSV text (the header's is skipped), split a slice at a time, numbered as a spreadsheet does. */
function* csvRecords(text: string, delimiter: Delimiter, maxRecord: number): Generator<{ row: number; cells: readonly string[] }> {
  const reader = new CsvReader(delimiter, maxRecord);
  let record = 0;
  try {
    for (let at = 0; ; at += CSV_SLICE) {
      const last = at + CSV_SLICE >= text.length;
      const records = reader.push(text.slice(at, at + CSV_SLICE));
      if (last) records.push(...reader.end());
      for (const cells of records) {
        record++;
        if (record > 1) yield { row: record, cells: restoreCells(cells) };
      }
      if (last) return;
    }
  } catch (error) {
    if (error instanceof CsvError) throw csvProblem(error);
    throw error;
  }
}

/** The cells as they were before a CSV writer neutralised them (`neutraliseCsvCell`): an export re-imports as it was. */
function restoreCells(cells: string[]): string[] {
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (cell.charCodeAt(0) === 39) cells[i] = restoreCsvCell(cell);
  }
  return cells;
}

/** A CSV that cannot be read: a 400 pointing at its line. */
export function csvProblem(error: CsvError): Problem {
  return invalid([{ pointer: `/lines/${error.line}`, detail: `the CSV cannot be read: ${error.message}` }]);
}

/** The columns a header names by itself: its non-empty cells, trimmed (`acceptHeader`). */
function headerColumns(header: readonly string[]): string[] {
  return header.map((cell) => cell.trim()).filter((cell) => cell !== '');
}

async function readXlsx(content: Buffer, options: TableOptions, pointer: string): Promise<Table> {
  const { header, records } = await parseInWorker(
    { kind: 'xlsx', content, pointer, maxRows: options.maxRows ?? DEFAULT_MAX_ROWS, ...(options.sheet ? { sheet: options.sheet } : {}) },
    XLSX_TIME_LIMIT_MS,
  );
  const match = matchHeader(header, options.acceptHeader ? { columns: headerColumns(header) } : options);
  if (match.matched === 0) throw invalid([{ pointer: '/rows/1', detail: `the first row names none of the expected columns (${options.columns.slice(0, 5).join(', ')}, …)` }]);
  headerProblems(match, options, pointer);
  return named(packedRecords(records), match.names, { format: 'xlsx', encoding: 'xlsx', delimiter: null }, options);
}

/** The rows the parse worker packed (one JSON array a line: the row's number, then its cells), unpacked as they are iterated. */
function packedRecords(packed: string): Iterable<{ row: number; cells: readonly string[] }> {
  return {
    *[Symbol.iterator]() {
      for (let at = 0; at < packed.length; ) {
        const end = packed.indexOf('\n', at);
        const line = packed.slice(at, end < 0 ? packed.length : end);
        at = end < 0 ? packed.length : end + 1;
        const [row, ...cells] = JSON.parse(line) as [number, ...string[]];
        yield { row, cells };
      }
    },
  };
}

/** What a record is once the header named its columns. */
export type NamedRecord = TableRow | 'blank' | 'header';

/**
 * Names a record's cells by the header (every header column present, '' where missing), counts the
 * non-empty cells past its end, and tells blank rows and copies of the header apart. A cell longer
 * than `maxCell` is reported to `tooLong` (the caller decides whether to stop).
 */
export function rowNamer(names: readonly (string | null)[], maxCell: number, tooLong: (pointer: string, detail: string) => void): (cells: readonly string[], row: number) => NamedRecord {
  const header = names.filter((name): name is string => name !== null);
  const headerKey = names.map((name) => (name === null ? '' : normalise(name))).join('\u0000');
  // A row can repeat the header only if its first named cell does (checked first: it is cheap).
  const first = names.findIndex((name) => name !== null);
  const firstName = normalise(names[first] ?? '');
  return (cells, row) => {
    if (cells.every((cell) => cell.trim() === '')) return 'blank';
    const lead = cells[first];
    if (lead !== undefined && lead.length >= firstName.length && normalise(lead) === firstName && cells.map((cell, index) => (names[index] ? normalise(cell) : '')).join('\u0000') === headerKey) {
      return 'header';
    }
    const named: Record<string, string> = {};
    for (const name of header) named[name] = '';
    let extraCells = 0;
    for (let index = 0; index < cells.length; index++) {
      const cell = cells[index] as string;
      if (index >= names.length) {
        if (cell.trim() !== '') extraCells++;
        continue;
      }
      const name = names[index];
      if (!name) continue;
      if (cell.length > maxCell) tooLong(`/rows/${row}/${name}`, `longer than ${maxCell} characters`);
      named[name] = cell;
    }
    return { row, cells: named, extraCells };
  };
}

/**
 * A table whose rows are the records named by the header, read on each iteration: blank rows
 * dropped, repeated headers skipped (and listed), the row limit applied as the rows go by, and every
 * cell longer than the limit refused together at the end.
 */
function named(
  records: Iterable<{ row: number; cells: readonly string[] }>,
  names: readonly (string | null)[],
  kind: Pick<Table, 'format' | 'encoding' | 'delimiter'>,
  options: TableOptions,
): Table {
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const skipped: Table['skipped'] = [];
  function* rows(): Generator<TableRow> {
    skipped.length = 0;
    const tooLong: { pointer: string; detail: string }[] = [];
    const name = rowNamer(names, options.maxCellLength ?? DEFAULT_MAX_CELL, (pointer, detail) => tooLong.push({ pointer, detail }));
    let count = 0;
    for (const { row, cells } of records) {
      const record = name(cells, row);
      if (record === 'blank') continue;
      if (record === 'header') {
        skipped.push({ row, reason: 'a repeated header row' });
        continue;
      }
      if (++count > maxRows) throw rowLimit(maxRows);
      yield record;
    }
    if (tooLong.length > 0) throw invalid(tooLong);
  }
  return { ...kind, header: names.filter((column): column is string => column !== null), rows: { [Symbol.iterator]: rows }, skipped };
}
