/**
 * A chart's numbers as a table: what the page shows beside the chart and what "CSV" downloads, so
 * the file holds exactly what the user sees (within the sharing rule, because it is that view).
 */

/** Text that is data (a country's or a member's name), not words of the app: shown marked so translators leave it. */
export interface DataText {
  data: string;
}

/** A cell: text, data, a number, or nothing (unknown, or a cell the release left out). */
export type TableValue = string | number | null | DataText;

export interface TableData {
  /** Column headings in words, the first one naming the rows. */
  columns: string[];
  /** Each row's first cell is its heading. */
  rows: TableValue[][];
}

// Spreadsheets run a cell that starts with one of these as a formula (OWASP "CSV injection").
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV field (RFC 4180): quoted when it holds a quote, comma or line break; text that a spreadsheet would run as a formula is prefixed with a quote. */
export function csvField(value: TableValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const raw = typeof value === 'string' ? value : value.data;
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV text (RFC 4180: CRLF line ends, a header row of the column headings). */
export function toCsv(table: TableData): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A cell as the page shows it: numbers in the locale's way (`number`), nothing as a dash. */
export function displayed(value: TableValue, number: (value: number) => string): string {
  if (value === null) return '—';
  if (typeof value === 'number') return number(value);
  return typeof value === 'string' ? value : value.data;
}

/** Whether a cell is data (shown with translate="no"). */
export function isData(value: TableValue): value is DataText {
  return value !== null && typeof value === 'object';
}

/** A file name from a title: lower-case words (any script) joined by hyphens; `fallback` when none is left. */
export function fileNameOf(title: string, extension: string, fallback = 'table'): string {
  const stem = title
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLocaleLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${stem || fallback}.${extension}`;
}
