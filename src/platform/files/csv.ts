/**
 * CSV as RFC 4180 writes it, read in pieces: fields separated by one delimiter, records by CRLF, LF
 * or CR (files pasted together mix them), a field in double quotes holding delimiters, line breaks
 * and doubled quotes. Records keep the cells they have (rows of different lengths are the caller's
 * to judge); an empty line is a record of one empty cell. What RFC 4180 does not allow is an error
 * naming its line, as a spreadsheet numbers lines: a quote inside an unquoted field, text after a
 * closing quote, a quote still open at the end, a record longer than the limit.
 *
 * Why not a library: csv-parse, which Lintas used before, took several times as long to split a
 * report row as this reader, which does only what RFC 4180 asks, so an import spends its time on the
 * rows, not on splitting them. csv-parse remains the reference its property test compares it with.
 */

export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(
    message: string,
    /** The physical line (1-based) where the problem is. */
    readonly line: number,
  ) {
    super(message);
  }
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

export class CsvReader {
  private readonly delimiter: number;
  /** Text fed and not yet part of a complete record. */
  private pending = '';
  /** The physical line the pending text starts on. */
  private line = 1;

  constructor(
    delimiter: string,
    /** The most characters one record may span (memory stays bounded however a quote runs on). */
    private readonly maxRecord = Number.POSITIVE_INFINITY,
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') throw new RangeError(`a CSV delimiter is one character other than a quote or a line break, not ${JSON.stringify(delimiter)}`);
    this.delimiter = delimiter.charCodeAt(0);
  }

  /** Feeds text; returns the records it completed. */
  push(text: string): string[][] {
    this.pending = this.pending === '' ? text : this.pending + text;
    return this.read(false);
  }

  /** Ends the input; returns the last record, if the text did not end with a line break. */
  end(): string[][] {
    const records = this.read(true);
    this.pending = '';
    return records;
  }

  /** Reads every whole record of `pending` (at the end of input: every record). */
  private read(final: boolean): string[][] {
    const text = this.pending;
    const length = text.length;
    const delimiter = this.delimiter;
    const records: string[][] = [];
    let start = 0;
    let line = this.line;
    while (start < length) {
      // One record from `start`; `at` walks it, `lines` counts the line breaks inside its quotes.
      const cells: string[] = [];
      let at = start;
      let lines = 0;
      let complete = false;
      for (;;) {
        if (at - start > this.maxRecord) throw new CsvError(`a record is longer than ${this.maxRecord} characters (is a quote left open?)`, line);
        if (at < length && text.charCodeAt(at) === QUOTE) {
          // A quoted field: up to the quote that is not doubled.
          let value = '';
          let from = at + 1;
          let close = -1;
          for (;;) {
            const quote = text.indexOf('"', from);
            if (quote < 0) break;
            if (quote + 1 < length && text.charCodeAt(quote + 1) === QUOTE) {
              value += text.slice(from, quote + 1);
              from = quote + 2;
              continue;
            }
            value += text.slice(from, quote);
            close = quote;
            break;
          }
          if (close < 0) {
            if (!final) break;
            throw new CsvError('a quoted field is not closed before the end of the file', line + lines);
          }
          lines += countBreaks(value);
          at = close + 1;
          cells.push(value);
          if (at === length) {
            if (!final) break; // the next piece may double that quote or break the line: read the record again then
            complete = true;
            break;
          }
          const next = text.charCodeAt(at);
          if (next === delimiter) {
            at++;
            continue;
          }
          if (next === LF || next === CR) {
            const end = lineEnd(text, at, final);
            if (end < 0) break;
            at = end;
            complete = true;
            break;
          }
          throw new CsvError(`a quoted field must end at its closing quote, but ${JSON.stringify(text[at])} follows it`, line + lines);
        }
        // An unquoted field: up to the delimiter or the line break.
        let end = at;
        while (end < length) {
          const code = text.charCodeAt(end);
          if (code === delimiter || code === LF || code === CR) break;
          if (code === QUOTE) throw new CsvError(`a quote inside an unquoted field (${JSON.stringify(text.slice(at, end + 1))}); a field with quotes must be quoted whole, its quotes doubled`, line + lines);
          end++;
        }
        if (end === length && !final) break;
        cells.push(text.slice(at, end));
        if (end === length) {
          complete = true;
          at = end;
          break;
        }
        if (text.charCodeAt(end) === delimiter) {
          at = end + 1;
          continue;
        }
        const after = lineEnd(text, end, final);
        if (after < 0) break;
        at = after;
        complete = true;
        break;
      }
      if (!complete) break;
      records.push(cells);
      line += lines + 1;
      start = at;
    }
    if (start > 0) this.pending = text.slice(start);
    if (!final && this.pending.length > this.maxRecord) throw new CsvError(`a record is longer than ${this.maxRecord} characters (is a quote left open?)`, line);
    this.line = line;
    return records;
  }
}

/** Where the line break at `at` ends (CRLF, LF or CR); -1 when a CR ends the text and an LF may follow. */
function lineEnd(text: string, at: number, final: boolean): number {
  if (text.charCodeAt(at) === LF) return at + 1;
  if (at + 1 < text.length) return text.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
  return final ? at + 1 : -1;
}

/** Line breaks (CRLF, LF or CR, each one) in a text. */
export function countBreaks(value: string): number {
  let count = 0;
  for (let i = value.indexOf('\n'); i >= 0; i = value.indexOf('\n', i + 1)) count++;
  for (let i = value.indexOf('\r'); i >= 0; i = value.indexOf('\r', i + 1)) if (value.charCodeAt(i + 1) !== LF) count++;
  return count;
}

/** Every record of a whole text. */
export function parseCsv(text: string, delimiter: string, maxRecord?: number): string[][] {
  const reader = new CsvReader(delimiter, maxRecord);
  const records = reader.push(text);
  for (const record of reader.end()) records.push(record);
  return records;
}

/** The first record of a text (a header, which quotes may spread over lines), or undefined if it is not well-formed. */
export function firstCsvRecord(text: string, delimiter: string): string[] | undefined {
  const reader = new CsvReader(delimiter);
  try {
    for (let at = 0; at < text.length; at += 4096) {
      const records = reader.push(text.slice(at, at + 4096));
      if (records.length > 0) return records[0];
    }
    return reader.end()[0];
  } catch (error) {
    if (error instanceof CsvError) return undefined;
    throw error;
  }
}

// Writing ------------------------------------------------------------------------------------------------

/**
 * A cell a spreadsheet would take for a formula (OWASP's CSV injection): one that starts with = + - @,
 * a tab or a carriage return, or their full-width forms (＝＋－＠, which some spreadsheets read as the
 * same), after any apostrophes (so that neutralising is undone exactly; see `restoreCsvCell`). A plain
 * number such as -5 or +3.25 is left alone: as a formula it is only its own value.
 */
const FORMULA_START = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const opensFormula = (value: string): boolean => FORMULA_START.test(value) && !PLAIN_NUMBER.test(value);

/** A cell as written to CSV: one a spreadsheet would run as a formula gets a leading apostrophe, so it shows as text. */
export function neutraliseCsvCell(value: string): string {
  return opensFormula(value) ? `'${value}` : value;
}

/** Undoes `neutraliseCsvCell` (a round trip gives back the same text): the apostrophe goes only where the writer put it. */
export function restoreCsvCell(value: string): string {
  return value.charCodeAt(0) === 39 && opensFormula(value.slice(1)) ? value.slice(1) : value;
}

/** One field of RFC 4180 CSV: neutralised, then quoted when it holds a delimiter, quote or line break, or spaces at its ends. */
export function csvField(value: string): string {
  const cell = neutraliseCsvCell(value);
  return /[",\r\n;\t]/.test(cell) || /^\s|\s$/.test(cell) || cell !== value ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * The CSV every download of the platform is written as: RFC 4180 with a UTF-8 BOM (so spreadsheet
 * programs read the accents) and CRLF line ends, every cell through `csvField`.
 */
export function toCsv(rows: readonly (readonly string[])[]): Buffer {
  return Buffer.from(`\uFEFF${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`, 'utf8');
}
