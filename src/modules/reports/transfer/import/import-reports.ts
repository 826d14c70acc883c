import { createHash } from 'node:crypto';
import type { Ctx } from '../../../../platform/context.js';
import { readTable, type Table } from '../../../../platform/files/tabular.js';
import { invalid, Problem, type FieldError } from '../../../../platform/errors.js';
import { validateValue } from '../../../../platform/http/validate.js';
import { validateSharing } from '../../../../platform/sharing/validate.js';
import { contentErrors } from '../../records/derive.js';
import { ReportInput } from '../../schemas.js';
import { offerImported } from '../../records/entities.js';
import { BATCH_SIZE, FIRST_BATCH_SIZE, keyedReport, lockImports, prepareBatch, updateReports, writeBatch, type KeyedReport } from './bulk-insert.js';
import { cleanCells } from './cells.js';
import type { ImportFormat } from './format.js';
import { mappedFormat } from './mapped.js';
import { missingMigrants } from './missing-migrants.js';
import type { ImportOptions, ImportResult, ImportRowError } from './schemas.js';
import { lintasTemplate } from './template.js';

/**
 * Imports reports from a table already read (tabular.ts), in the caller's one transaction:
 *
 * - Every row is checked as the API checks a report (schema, `contentErrors`: consistency,
 *   non-nominal narrative, country codes; sharing), and every problem is reported with its row and column.
 * - Atomic: any bad row, and nothing is written (400 listing them all), unless `partial`, which
 *   writes the good rows. `dryRun` writes nothing and reports what would happen.
 * - Idempotent: a row is identified by (owner, format's source, key). Imported before with the same
 *   content: unchanged. With changed content: the report is rewritten while it is a draft or
 *   submitted (a correction before approval); once shared or withdrawn it is the owner's record of
 *   what was shared, so the row is rejected and the correction goes through the report itself.
 * - Every format's cells are cleaned first (cells.ts `cleanCells`): NULL, N/A and "-" are empty, and
 *   mojibake is repaired, each repair a warning. The result lists the warnings by row and column, and
 *   the shapes the dates were read in, per column, with how many rows each.
 * - One audit row for the whole import, with its counts.
 */

export const FORMATS: Record<Exclude<ImportOptions['format'], 'mapped'>, ImportFormat> = { lintas: lintasTemplate, 'missing-migrants': missingMigrants };

/** The format of an import: a fixed one, or the mapped format of its mapping (bound to the file's header first: mapped.ts). */
export function formatOf(options: ImportOptions): ImportFormat {
  if (options.format !== 'mapped') return FORMATS[options.format];
  if (!options.mapping) throw invalid([{ pointer: '/options/mapping', detail: 'is required with the format mapped (or mappingId)' }]);
  return mappedFormat(options.mapping);
}

/** How far an import is, as it goes. */
export interface ImportProgress {
  rowsRead: number;
  rowsWritten: number;
  errors: number;
}

/** An import as a run record (runs.ts): its id, stamped on the reports it writes, and who follows its progress. */
export interface ImportRunHooks {
  id: string;
  progress(progress: ImportProgress): void;
  /** Called with the result when bad rows refuse the whole import (before the 400 is thrown). */
  refused(result: ImportResult): void;
}

/** The cell an error is about, as the file holds it, cut short for the errors table. */
function cellValue(cells: Record<string, string>, column: string): { value?: string } {
  const value = cells[column];
  return value === undefined || value === '' ? {} : { value: value.slice(0, 200) };
}

export interface ImportFile {
  name: string;
  content: Buffer;
}

/**
 * Reads an import's file for its format: a 400 naming the columns when the header lacks what the
 * format needs (`readTable`'s checks, then the format's own: columns that have several names).
 */
export async function readImportTable(content: Buffer, options: Pick<ImportOptions, 'format' | 'maxRows' | 'sheet'>, fileName: string): Promise<Table> {
  // The mapped format reads any header, then binds its mapping to it (import-routes.ts readImport).
  if (options.format === 'mapped') throw invalid([{ pointer: '/options/format', detail: 'a mapped import is read with its mapping, through the API' }]);
  const format = FORMATS[options.format];
  const table = await readTable(content, {
    columns: format.columns,
    required: format.required,
    rejectUnknownColumns: format.rejectUnknownColumns,
    fileName,
    ...(options.maxRows ? { maxRows: options.maxRows } : {}),
    ...(options.sheet ? { sheet: options.sheet } : {}),
  });
  const missing = format.headerErrors?.(table.header) ?? [];
  if (missing.length > 0) throw invalid(missing, 'The header row of file lacks columns that every layout of the format has.');
  return table;
}

/** Per date column, how many rows had their date in each shape. */
function dateShapes(counts: Map<string, Map<string, number>>): ImportResult['dates'] {
  return [...counts].flatMap(([column, formats]) => [...formats].map(([format, rows]) => ({ column, format, rows })));
}

/** "/rows/<row>/<column>" with the column escaped as RFC 6901 asks. */
const rowPointer = (error: ImportRowError): string => `/rows/${error.row}/${error.column.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function schemaErrors(input: unknown): FieldError[] {
  try {
    validateValue(ReportInput, input);
    return [];
  } catch (error) {
    if (error instanceof Problem && error.errors) return error.errors;
    throw error;
  }
}

/** What the batches found, added up. */
interface Tally {
  imported: number;
  unchanged: number;
  changed: (KeyedReport & { id: string })[];
}

export async function importReports(ctx: Ctx, options: ImportOptions, table: Table, file: ImportFile, run?: ImportRunHooks): Promise<ImportResult> {
  const format = formatOf(options);
  const owner = ctx.actor.member;
  if (options.sharing) {
    const sharingErrors = await validateSharing(ctx.tx, owner, options.sharing, '/options/sharing');
    if (sharingErrors.length > 0) throw invalid(sharingErrors);
  }
  // A dry run only looks up; an import waits for another of the same member and format to commit.
  if (!options.dryRun) await lockImports(ctx.tx, owner, format.source);
  const defaults = { sharing: options.sharing, dateOrder: options.dateOrder, member: owner };
  const status = options.status ?? 'draft';
  const target = { member: owner, userId: ctx.actor.userId, source: format.source, status, importId: run?.id ?? null };
  const errors: ImportRowError[] = [];
  const warnings: ImportRowError[] = [];
  const dates = new Map<string, Map<string, number>>();
  // The column naming a row's key, kept for the rows whose column is not the first row's.
  let firstKeyColumn: string | undefined;
  const keyColumns = new Map<number, string>();
  const keyRows = new Map<string, number>();
  // A row's own sharing is checked against the directory once per distinct value.
  const checkedSharing = new Map<string, FieldError[]>();
  const tally: Tally = { imported: 0, unchanged: 0, changed: [] };
  // Rows are checked in batches; each batch's statement (find the rows imported before, insert the
  // others) runs on the server while the next batches are checked. Two statements may be on their
  // way (one running, one queued on the connection), so neither side waits for the other over one
  // slow batch; the first batches are small, so the server starts early. Inserting stops once an
  // atomic import has an error, as it will be refused (the transaction rolls back what was written).
  const inFlight: Promise<void>[] = [];
  let batch: KeyedReport[] = [];
  let batchSize = FIRST_BATCH_SIZE;
  const settle = async (keep: number): Promise<void> => {
    while (inFlight.length > keep) await inFlight.shift();
  };
  const send = async (): Promise<void> => {
    const rows = batch;
    batch = [];
    batchSize = Math.min(BATCH_SIZE, batchSize * 2);
    if (rows.length === 0) return;
    const prepared = prepareBatch(rows);
    await settle(1);
    const insert = !options.dryRun && (options.partial === true || errors.length === 0);
    const statement = writeBatch(ctx.tx, target, prepared, insert).then((found) => {
      tally.imported += insert ? found.inserted : rows.length - found.existing.length;
      if (insert) written += found.inserted;
      const byRow = found.existing.length > 0 ? new Map(rows.map((report) => [report.row, report])) : undefined;
      for (const before of found.existing) {
        const report = byRow?.get(before.line);
        if (!report) continue;
        if (before.same) tally.unchanged++;
        else if (before.status === 'draft' || before.status === 'submitted') tally.changed.push({ ...report, id: before.id });
        else {
          errors.push({
            row: report.row,
            column: keyColumns.get(report.row) ?? firstKeyColumn ?? 'row',
            message: `was imported before as a report that is now ${before.status}; correct that report itself rather than by import`,
          });
        }
      }
    });
    // Awaited before later batches are sent; a failure until then must not count as unhandled.
    statement.catch(() => undefined);
    inFlight.push(statement);
  };

  // The rows are read as the loop goes (tabular.ts), so the file is split while batches are written.
  let rowCount = 0;
  let written = 0;
  const report = (): void => run?.progress({ rowsRead: rowCount, rowsWritten: written, errors: errors.length });
  for (const { row, cells, extraCells } of table.rows) {
    rowCount++;
    if (run && (rowCount & 127) === 0) report();
    const rowErrors: ImportRowError[] = [];
    if (extraCells > 0) rowErrors.push({ row, column: 'row', message: `has ${extraCells} cell(s) beyond the last column of the header; is a delimiter or a quote misplaced?` });
    for (const warning of cleanCells(cells)) warnings.push({ row, ...warning });
    const mapped = format.mapRow(cells, defaults);
    for (const warning of mapped.warnings ?? []) warnings.push({ row, ...warning });
    for (const { column, format: shape } of mapped.dates ?? []) {
      let shapes = dates.get(column);
      if (!shapes) dates.set(column, (shapes = new Map<string, number>()));
      shapes.set(shape, (shapes.get(shape) ?? 0) + 1);
    }
    if ('errors' in mapped) {
      errors.push(...rowErrors, ...mapped.errors.map((error) => ({ row, ...error, ...cellValue(cells, error.column) })));
      continue;
    }
    const problems = [...schemaErrors(mapped.input)];
    if (problems.length === 0) {
      const input = mapped.input as ReportInput;
      problems.push(...contentErrors(input));
    }
    for (const problem of problems) {
      const column = format.columnOf(problem.pointer, cells);
      rowErrors.push({ row, column, message: problem.detail, ...cellValue(cells, column) });
    }
    const keyColumn = format.keyColumn(cells);
    firstKeyColumn ??= keyColumn;
    if (keyColumn !== firstKeyColumn) keyColumns.set(row, keyColumn);
    const earlier = keyRows.get(mapped.key);
    if (earlier !== undefined) {
      const message = mapped.keyFrom
        ? `has the same ${mapped.keyFrom} as row ${earlier}; without an identifier the two rows cannot be told apart`
        : `"${mapped.key}" is also on row ${earlier}; each row needs its own identifier`;
      rowErrors.push({ row, column: keyColumn, message });
    } else keyRows.set(mapped.key, row);
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    const input = mapped.input as ReportInput;
    if (input.sharing !== options.sharing) {
      const key = JSON.stringify(input.sharing);
      let found = checkedSharing.get(key);
      if (!found) {
        found = await validateSharing(ctx.tx, owner, input.sharing, '/sharing');
        checkedSharing.set(key, found);
      }
      if (found.length > 0) {
        errors.push(...found.map((error) => {
          const column = format.columnOf(error.pointer, cells);
          return { row, column, message: error.detail, ...cellValue(cells, column) };
        }));
        continue;
      }
    }
    batch.push(keyedReport(row, mapped.key, input));
    if (batch.length >= batchSize) {
      await send();
      report();
    }
  }
  await send();
  await settle(0);
  report();

  errors.sort((a, b) => a.row - b.row);
  warnings.sort((a, b) => a.row - b.row);
  const rejected = new Set(errors.map((error) => error.row)).size;
  const result: ImportResult = {
    dryRun: options.dryRun ?? false,
    format: format.name,
    rows: rowCount,
    imported: tally.imported,
    updated: tally.changed.length,
    unchanged: tally.unchanged,
    rejected,
    errors,
    warnings,
    dates: dateShapes(dates),
    skipped: table.skipped,
    encoding: table.encoding,
    delimiter: table.delimiter,
  };
  if (options.dryRun) return result;
  if (errors.length > 0 && !options.partial) {
    run?.refused(result);
    throw new Problem(
      400,
      'Import refused',
      `${rejected} of ${rowCount} rows have errors, so nothing was imported. Correct them, or ask for a partial import to import the other rows.`,
      errors.map((error) => ({ pointer: rowPointer(error), detail: error.message })),
      { rejected, rows: rowCount },
    );
  }
  await updateReports(ctx.tx, tally.changed, run?.id ?? null);
  // The vessels of the reports this import wrote, kept in step in its transaction: every changed one
  // (it may have lost its vessels), and the new ones that name any.
  await offerImported(ctx.tx, owner, format.source, [...keyRows.keys()], tally.changed.map((report) => report.id));
  written += tally.changed.length;
  report();
  await ctx.audit({
    action: 'reports.import',
    objectType: 'report',
    details: {
      format: format.name,
      fileName: file.name,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      rows: result.rows,
      imported: result.imported,
      updated: result.updated,
      unchanged: result.unchanged,
      rejected: result.rejected,
      warnings: result.warnings.length,
      dates: result.dates,
      partial: options.partial ?? false,
      status,
    },
  });
  return result;
}
