import type { FieldError } from '../../../../platform/errors.js';
import type { SharingInput } from '../../../../platform/sharing/model.js';
import type { DateOrder } from './cells.js';

/** A problem with one row of an import; `row` is added by the importer. */
export interface RowError {
  column: string;
  message: string;
}

/** A date cell of a row as it was read: its column and the shape it was written in (`readDateAs`). */
export interface DateCell {
  column: string;
  format: string;
}

/**
 * A row read into a report input (not yet validated) with its idempotency key, or why it cannot be.
 * Either way it may carry warnings (what was repaired or doubtful, imported all the same) and the
 * date cells it read, which the import's result counts by format.
 */
export type MappedRow = (
  | {
      key: string;
      /** When the key is made from the row's own fields (the file has no identifier): which, in words, for a duplicate's error. */
      keyFrom?: string;
      input: Record<string, unknown>;
    }
  | { errors: RowError[] }
) & { warnings?: RowError[]; dates?: DateCell[] };

/** What every row of an import shares: the options that apply where the file says nothing. */
export interface RowDefaults {
  sharing: SharingInput | undefined;
  /** How dates written with numbers only (01/09/2020) are read; such dates are refused without it. */
  dateOrder?: DateOrder | undefined;
  /** The importing member: a row that names another member as its owner is refused. */
  member?: string | undefined;
}

/** An import format: the columns of its files and how a row becomes a report. */
export interface ImportFormat {
  name: 'lintas' | 'missing-migrants' | 'mapped';
  /** Stored as reports.import_source: (owner, source, key) identifies an imported row. */
  source: string;
  /** Every column the format reads (for the file's header). */
  columns: readonly string[];
  /** Columns every file must have; a format whose columns have alternative names checks them in `headerErrors` instead. */
  required: readonly string[];
  /** Whether a column outside `columns` stops the import (a misspelt template column would lose data). */
  rejectUnknownColumns: boolean;
  /** What the header (the known columns present) lacks, each at /rows/1/<column>; the file is refused when any. */
  headerErrors?(header: readonly string[]): FieldError[];
  mapRow(cells: Record<string, string>, defaults: RowDefaults): MappedRow;
  /** The column a JSON pointer into the report input (from validation) is about, among the row's columns. */
  columnOf(pointer: string, cells: Record<string, string>): string;
  /** The column that identifies a row (named in errors about its key). */
  keyColumn(cells: Record<string, string>): string;
}
