/**
 * A chart's numbers as a table: what the page shows beside the chart and what "CSV" downloads, so
 * the file holds exactly what the user sees (within the sharing rule, because it is that view).
 */

/** A cell: text, a number, or nothing (unknown, or a cell the release left out). */
export type TableValue = string | number | null;

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
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The table as CSV text (RFC 4180: CRLF line ends, a header row of the column headings). */
export function toCsv(table: TableData): string {
  return [table.columns, ...table.rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A cell as the page shows it: numbers grouped by thousands, nothing as a dash. */
export function displayed(value: TableValue): string {
  if (value === null) return '—';
  return typeof value === 'number' ? value.toLocaleString('en') : value;
}

/** A file name from a title: lower-case words joined by hyphens. */
export function fileNameOf(title: string, extension: string): string {
  const stem = title.normalize('NFKD').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80);
  return `${stem || 'table'}.${extension}`;
}
