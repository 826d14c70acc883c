import type { SharingInput } from '../../../../platform/sharing/model.js';

/** A problem with one row of an import; `row` is added by the importer. */
export interface RowError {
  column: string;
  message: string;
}

/**
 * A row read into a report input (not yet validated) with its idempotency key, and what the reader
 * noticed but imported anyway (`warnings`, e.g. a place whose words name another country); or why it
 * cannot be read.
 */
export type MappedRow = { key: string; input: Record<string, unknown>; warnings?: RowError[] } | { errors: RowError[] };

/** An import format: the columns of its files and how a row becomes a report. */
export interface ImportFormat {
  name: 'lintas' | 'missing-migrants';
  /** Stored as reports.import_source: (owner, source, key) identifies an imported row. */
  source: string;
  columns: readonly string[];
  required: readonly string[];
  /** Whether a column outside `columns` stops the import (a misspelt template column would lose data). */
  rejectUnknownColumns: boolean;
  mapRow(cells: Record<string, string>, defaults: { sharing: SharingInput | undefined }): MappedRow;
  /** The column a JSON pointer into the report input (from validation) is about. */
  columnOf(pointer: string): string;
}
