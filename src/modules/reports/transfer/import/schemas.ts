import { Type, type Static } from 'typebox';
import { OneOf, Strict } from '../../../../platform/schema.js';
import { Sharing } from '../../../../platform/sharing/model.js';
import { DEFAULT_MAX_ROWS } from '../../../../platform/files/tabular.js';
import { Id } from '../../../../platform/http/schemas.js';
import { ImportMapping } from './mapping-schemas.js';

/** The `options` field of an import (multipart, JSON). */
export const ImportOptions = Strict({
  format: OneOf(['lintas', 'missing-migrants', 'mapped'], {
    description: 'the Lintas template, the IOM Missing Migrants Project incident file, or a file of your own with a column mapping (mapping or mappingId)',
  }),
  mapping: Type.Optional(ImportMapping),
  mappingId: Type.Optional(Id),
  dryRun: Type.Optional(Type.Boolean({ description: 'check every row and report what would happen; write nothing' })),
  partial: Type.Optional(Type.Boolean({ description: 'write the good rows and report the bad ones; otherwise any bad row stops the whole import' })),
  sharing: Type.Optional(Sharing),
  status: Type.Optional(OneOf(['draft', 'submitted'], { description: 'the status of new reports (draft by default)' })),
  dateOrder: Type.Optional(OneOf(['day-first', 'month-first'], { description: 'how dates written with numbers only (01/09/2020) are read; without it such dates are refused' })),
  sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'XLSX: the sheet to read; the first by default' })),
  maxRows: Type.Optional(Type.Integer({ minimum: 1, maximum: DEFAULT_MAX_ROWS, description: `refuse files with more data rows than this (at most ${DEFAULT_MAX_ROWS})` })),
});
export type ImportOptions = Static<typeof ImportOptions>;

export const ImportRowError = Strict({
  row: Type.Integer({ description: 'the row as a spreadsheet numbers it; the header is row 1' }),
  column: Type.String(),
  message: Type.String(),
  value: Type.Optional(Type.String({ description: 'the cell as the file holds it (at most 200 characters)' })),
});
export type ImportRowError = Static<typeof ImportRowError>;

export const ImportResult = Strict({
  dryRun: Type.Boolean(),
  format: Type.String(),
  rows: Type.Integer({ description: 'data rows read (blank and repeated header rows left out)' }),
  imported: Type.Integer({ description: 'new reports (would be, in a dry run)' }),
  updated: Type.Integer({ description: 'reports imported before whose row changed, rewritten (draft and submitted reports only)' }),
  unchanged: Type.Integer({ description: 'rows imported before with the same content' }),
  rejected: Type.Integer({ description: 'rows with errors, not written' }),
  errors: Type.Array(ImportRowError),
  warnings: Type.Array(ImportRowError, { description: 'what was repaired or is doubtful in a row, imported all the same (e.g. mojibake repaired)' }),
  dates: Type.Array(Strict({ column: Type.String(), format: Type.String({ description: 'e.g. YYYY-MM-DD (also a spreadsheet date cell), D-Mon-YY, Month D, YYYY, DD/MM/YYYY' }), rows: Type.Integer() }), {
    description: 'per date column, each shape its dates were read in and in how many rows',
  }),
  skipped: Type.Array(Strict({ row: Type.Integer(), reason: Type.String() })),
  encoding: Type.String(),
  delimiter: Type.Union([Type.String(), Type.Null()]),
});
export type ImportResult = Static<typeof ImportResult>;
