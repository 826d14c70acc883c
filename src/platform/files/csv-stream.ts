import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { invalid, Problem } from '../http/problem.js';
import { DEFAULT_MAX_CELL, DELIMITERS, type Delimiter, type TableEncoding } from './tabular.js';

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

const normalise = (name: string): string => name.trim().replace(/\s+/g, ' ').toLowerCase();
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

/** The first record's cells under a delimiter (a quoted header may span lines). */
function headerCells(text: string, delimiter: Delimiter): string[] | undefined {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  if (!firstLine.includes('"')) return firstLine.split(delimiter);
  return undefined;
}

function matchHeader(cells: readonly string[], options: CsvStreamOptions) {
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
    const cells = headerCells(headText, delimiter) ?? (await firstRecord(headText, delimiter));
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
  const present = new Set(best.match.names.filter((name): name is string => name !== null));
  const headerErrors = [
    ...(options.required ?? []).filter((column) => !present.has(column)).map((column) => ({ pointer: `/rows/1/${column}`, detail: `the column "${column}" is missing` })),
    ...best.match.duplicates.map((column) => ({ pointer: `/rows/1/${column}`, detail: `the column "${column}" appears twice` })),
    ...best.match.unknown.map((column) => ({ pointer: `/rows/1/${column}`, detail: `"${column}" is not a column of this format; remove it or correct its name` })),
  ];
  if (headerErrors.length > 0) throw invalid(headerErrors, 'The header row of the file does not match the format’s columns.');

  const names = best.match.names;
  const header = names.filter((name): name is string => name !== null);
  const headerKey = names.map((name) => (name === null ? '' : normalise(name))).join('\u0000');
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

  async function* rows(): AsyncGenerator<CsvStreamRow> {
    const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: false, max_record_size: maxCell * 4 });
    const feeding = (async () => {
      try {
        for await (const piece of text()) {
          if (parser.destroyed) return;
          if (!parser.write(piece)) {
            // Wait for the consumer, or for the end of a reading it gave up.
            await new Promise<void>((resolve) => {
              const done = (): void => {
                parser.off('drain', done);
                parser.off('close', done);
                resolve();
              };
              parser.on('drain', done);
              parser.on('close', done);
            });
          }
        }
        parser.end();
      } catch (error) {
        parser.destroy(error instanceof Error ? error : new Error(String(error)));
      }
    })();
    let record = 0;
    try {
      for await (const cells of parser as AsyncIterable<string[]>) {
        record++;
        if (record === 1) continue;
        if (cells.every((cell) => cell.trim() === '')) continue;
        if (cells.map((cell, index) => (names[index] === null || names[index] === undefined ? '' : normalise(cell))).join('\u0000') === headerKey) {
          skippedHeaders.push(record);
          continue;
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
          if (cell.length > maxCell) throw invalid([{ pointer: `/rows/${record}/${name}`, detail: `longer than ${maxCell} characters` }]);
          named[name] = cell;
        }
        yield { row: record, cells: named, extraCells };
      }
    } catch (error) {
      if (error instanceof Problem) throw error;
      const message = error instanceof Error ? error.message : String(error);
      const line = /line (\d+)/i.exec(message)?.[1];
      throw invalid([{ pointer: line ? `/lines/${line}` : '/file', detail: `the CSV cannot be read: ${message.replace(/^Invalid Record Length: |^CsvError: /, '')}` }]);
    } finally {
      if (!parser.writableFinished) parser.destroy();
      await feeding;
    }
  }

  return { encoding, delimiter, header, rows: rows(), skippedHeaders, bytes: () => bytes };
}

/** The header record parsed properly (quotes, quoted newlines), when a naive split will not do. */
async function firstRecord(text: string, delimiter: Delimiter): Promise<string[] | undefined> {
  try {
    const parser = parse(text, { delimiter, relax_column_count: true, to_line: 1, relax_quotes: true });
    for await (const record of parser as AsyncIterable<string[]>) return record;
  } catch {
    return undefined;
  }
  return undefined;
}
