import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { invalid, Problem } from '../errors.js';
import { CsvError, CsvReader, firstCsvRecord } from './csv.js';
import { csvProblem, DEFAULT_MAX_CELL, DELIMITERS, headerProblems, matchHeader, rowNamer, type Delimiter, type TableEncoding } from './tabular.js';

/**
 * Reads a CSV upload as a stream of rows, for files too large to hold (millions of rows), with the
 * conventions of tabular.ts: RFC 4180 quoting; UTF-8 (BOM or not), UTF-16 with its BOM, otherwise
 * Windows-1252; the delimiter (, ; tab |) under which the header names the most known columns;
 * header names matched case-insensitively; unknown, duplicate and missing required columns refused
 * (400 at /rows/1/<column>); blank rows skipped; repeated header rows skipped and counted; rows
 * numbered as a spreadsheet shows them (the header is row 1).
 */

export interface CsvStreamOptions {
  columns: readonly string[];
  required?: readonly string[];
  maxBytes?: number;
  maxCellLength?: number;
}

export interface CsvStreamRow {
  row: number;
  cells: Record<string, string>;
  /** Non-empty cells beyond the header's last column. */
  extraCells: number;
}

export interface CsvStream {
  encoding: TableEncoding;
  delimiter: Delimiter;
  header: string[];
  rows: AsyncIterable<CsvStreamRow>;
  /** Repeated header rows skipped so far (complete once `rows` is exhausted). */
  skippedHeaders: number[];
  /** Bytes read so far. */
  bytes(): number;
}

const PEEK_BYTES = 64 * 1024;

function detectEncoding(head: Buffer): { encoding: TableEncoding; skip: number } {
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', skip: 3 };
  // A multi-byte character may be cut at the end of the peeked bytes: look at whole characters only.
  let end = head.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = head[end - back] as number;
    if ((byte & 0xc0) === 0xc0) {
      end -= back;
      break;
    }
    if ((byte & 0x80) === 0) break;
  }
  return { encoding: isUtf8(head.subarray(0, end)) ? 'utf-8' : 'windows-1252', skip: 0 };
}

async function peek(source: AsyncIterator<Buffer>): Promise<{ head: Buffer; done: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  while (size < PEEK_BYTES) {
    const next = await source.next();
    if (next.done) return { head: Buffer.concat(parts), done: true };
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
    parts.push(chunk);
    size += chunk.length;
  }
  return { head: Buffer.concat(parts), done: false };
}

/** Opens a CSV stream: reads enough to know the encoding, delimiter and header, then yields rows as they arrive. */
export async function readCsvStream(input: Readable | AsyncIterable<Buffer>, options: CsvStreamOptions): Promise<CsvStream> {
  const maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
  const maxCell = options.maxCellLength ?? DEFAULT_MAX_CELL;
  const source = (input as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  let bytes = 0;
  const { head, done } = await peek(source);
  bytes += head.length;
  if (head.length === 0) throw invalid([{ pointer: '/file', detail: 'the file is empty' }]);
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) {
    throw invalid([{ pointer: '/file', detail: 'this is a zip file (an XLSX workbook?): save it as CSV for an import of this size' }]);
  }
  const { encoding, skip } = detectEncoding(head);
  if (encoding !== 'utf-16le' && encoding !== 'utf-16be' && head.includes(0)) throw invalid([{ pointer: '/file', detail: 'the file is not CSV text' }]);
  const decoder = new TextDecoder(encoding === 'utf-16be' ? 'utf-16be' : encoding);
  const headText = decoder.decode(head.subarray(skip), { stream: !done });

  // The header decides the delimiter: the one under which it names the most known columns.
  let best: { delimiter: Delimiter; match: ReturnType<typeof matchHeader> } | undefined;
  for (const delimiter of DELIMITERS) {
    const cells = firstCsvRecord(headText, delimiter);
    if (!cells) continue;
    const match = matchHeader(cells, options);
    if (!best || match.matched > best.match.matched) best = { delimiter, match };
  }
  if (!best || best.match.matched === 0) {
    throw invalid(
      [{ pointer: '/rows/1', detail: `the first row names none of the expected columns (${options.columns.slice(0, 5).join(', ')}, …) whether separated by comma, semicolon, tab or bar` }],
      'The header row does not match the format under any delimiter.',
    );
  }
  headerProblems(best.match, options, '/file');

  const names = best.match.names;
  const header = names.filter((name): name is string => name !== null);
  const delimiter = best.delimiter;
  const skippedHeaders: number[] = [];

  async function* text(): AsyncGenerator<string> {
    yield headText;
    if (done) return;
    for (;;) {
      const next = await source.next();
      if (next.done) break;
      const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      bytes += chunk.length;
      if (bytes > maxBytes) throw new Problem(413, 'File too large', `The file is larger than the limit of ${maxBytes} bytes.`);
      yield decoder.decode(chunk, { stream: true });
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  let record = 0;
  const name = rowNamer(names, maxCell, (pointer, detail) => {
    throw invalid([{ pointer, detail }]);
  });
  /** A record as a row: undefined for the header, blank rows and repeated headers. */
  function toRow(cells: string[]): CsvStreamRow | undefined {
    record++;
    if (record === 1) return undefined;
    const named = name(cells, record);
    if (named === 'header') skippedHeaders.push(record);
    return typeof named === 'string' ? undefined : named;
  }

  async function* rows(): AsyncGenerator<CsvStreamRow> {
    const reader = new CsvReader(delimiter, maxCell * 4);
    try {
      for await (const piece of text()) {
        for (const cells of reader.push(piece)) {
          const row = toRow(cells);
          if (row) yield row;
        }
      }
      for (const cells of reader.end()) {
        const row = toRow(cells);
        if (row) yield row;
      }
    } catch (error) {
      if (error instanceof CsvError) throw csvProblem(error);
      throw error;
    }
  }

  return { encoding, delimiter, header, rows: rows(), skippedHeaders, bytes: () => bytes };
}
