import { createHash } from 'node:crypto';
import type { Ctx } from '../../../platform/context.js';
import type { Table } from '../../../platform/files/tabular.js';
import { invalid, Problem, type FieldError } from '../../../platform/http/problem.js';
import { validateValue } from '../../../platform/http/validate.js';
import type { SharingInput } from '../../../platform/sharing/model.js';
import { validateSharing } from '../../../platform/sharing/validate.js';
import { consistencyErrors } from '../derive.js';
import { nonNominalErrors } from '../non-nominal.js';
import { ReportInput } from '../schemas.js';
import { findExisting, insertReports, updateReports, type KeyedReport } from './bulk-insert.js';
import type { ImportFormat } from './format.js';
import { missingMigrants } from './missing-migrants.js';
import type { ImportOptions, ImportResult, ImportRowError } from './schemas.js';
import { lintasTemplate } from './template.js';

/**
 * Imports reports from a table already read (tabular.ts), in the caller's one transaction:
 *
 * - Every row is checked as the API checks a report (schema, consistency, non-nominal narrative,
 *   sharing), and every problem is reported with its row and column.
 * - Atomic: any bad row, and nothing is written (400 listing them all), unless `partial`, which
 *   writes the good rows. `dryRun` writes nothing and reports what would happen.
 * - Idempotent: a row is identified by (owner, format's source, key). Imported before with the same
 *   content: unchanged. With changed content: the report is rewritten while it is a draft or
 *   submitted (a correction before approval); once shared or withdrawn it is the owner's record of
 *   what was shared, so the row is rejected and the correction goes through the report itself.
 * - One audit row for the whole import, with its counts.
 */

export const FORMATS: Record<ImportOptions['format'], ImportFormat> = { lintas: lintasTemplate, 'missing-migrants': missingMigrants };

export interface ImportFile {
  name: string;
  content: Buffer;
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

export async function importReports(ctx: Ctx, options: ImportOptions, table: Table, file: ImportFile): Promise<ImportResult> {
  const format = FORMATS[options.format];
  const owner = ctx.actor.member;
  if (options.sharing) {
    const sharingErrors = await validateSharing(ctx.tx, owner, options.sharing, '/options/sharing');
    if (sharingErrors.length > 0) throw invalid(sharingErrors);
  }
  const defaults = { sharing: options.sharing };
  const errors: ImportRowError[] = [];
  const good: (KeyedReport & { row: number })[] = [];
  const keyRows = new Map<string, number>();
  const rowSharing: { row: number; sharing: SharingInput }[] = [];

  for (const { row, cells, extraCells } of table.rows) {
    const rowErrors: ImportRowError[] = [];
    if (extraCells > 0) rowErrors.push({ row, column: 'row', message: `has ${extraCells} cell(s) beyond the last column of the header; is a delimiter or a quote misplaced?` });
    const mapped = format.mapRow(cells, defaults);
    if ('errors' in mapped) {
      errors.push(...rowErrors, ...mapped.errors.map((error) => ({ row, ...error })));
      continue;
    }
    const problems = [...schemaErrors(mapped.input)];
    if (problems.length === 0) {
      const input = mapped.input as ReportInput;
      problems.push(...consistencyErrors(input), ...nonNominalErrors(input.narrative, '/narrative'));
    }
    rowErrors.push(...problems.map((problem) => ({ row, column: format.columnOf(problem.pointer), message: problem.detail })));
    const earlier = keyRows.get(mapped.key);
    if (earlier !== undefined) rowErrors.push({ row, column: format.columns[0] ?? 'key', message: `"${mapped.key}" is also on row ${earlier}; each row needs its own identifier` });
    else keyRows.set(mapped.key, row);
    if (rowErrors.length > 0) {
      errors.push(...rowErrors);
      continue;
    }
    const input = mapped.input as ReportInput;
    if (input.sharing !== options.sharing) rowSharing.push({ row, sharing: input.sharing });
    good.push({ key: mapped.key, input, row });
  }

  // A row's own sharing is checked against the directory once per distinct value.
  const checked = new Map<string, FieldError[]>();
  const badRows = new Set<number>();
  for (const { row, sharing } of rowSharing) {
    const key = JSON.stringify(sharing);
    let found = checked.get(key);
    if (!found) {
      found = await validateSharing(ctx.tx, owner, sharing, '/sharing');
      checked.set(key, found);
    }
    if (found.length > 0) {
      badRows.add(row);
      errors.push(...found.map((error) => ({ row, column: format.columnOf(error.pointer), message: error.detail })));
    }
  }

  const candidates = good.filter((report) => !badRows.has(report.row));
  const existing = await findExisting(ctx.tx, owner, format.source, candidates);
  const fresh: KeyedReport[] = [];
  const changed: (KeyedReport & { id: string })[] = [];
  let unchanged = 0;
  for (const report of candidates) {
    const before = existing.get(report.key);
    if (!before) fresh.push(report);
    else if (before.same) unchanged++;
    else if (before.status === 'draft' || before.status === 'submitted') changed.push({ ...report, id: before.id });
    else {
      errors.push({
        row: report.row,
        column: format.columns[0] ?? 'key',
        message: `was imported before as a report that is now ${before.status}; correct that report itself rather than by import`,
      });
    }
  }

  errors.sort((a, b) => a.row - b.row);
  const rejected = new Set(errors.map((error) => error.row)).size;
  const result = (imported: number, updated: number): ImportResult => ({
    dryRun: options.dryRun ?? false,
    format: format.name,
    rows: table.rows.length,
    imported,
    updated,
    unchanged: unchanged + (fresh.length - imported),
    rejected,
    errors,
    skipped: table.skipped,
    encoding: table.encoding,
    delimiter: table.delimiter,
  });
  if (options.dryRun) return result(fresh.length, changed.length);
  if (errors.length > 0 && !options.partial) {
    throw new Problem(
      400,
      'Import refused',
      `${rejected} of ${table.rows.length} rows have errors, so nothing was imported. Correct them, or ask for a partial import to import the other rows.`,
      errors.map((error) => ({ pointer: rowPointer(error), detail: error.message })),
      { rejected, rows: table.rows.length },
    );
  }
  const status = options.status ?? 'draft';
  const imported = await insertReports(ctx.tx, { member: owner, userId: ctx.actor.userId, source: format.source, status }, fresh);
  await updateReports(ctx.tx, changed);
  const counts = result(imported, changed.length);
  await ctx.audit({
    action: 'reports.import',
    objectType: 'report',
    details: {
      format: format.name,
      fileName: file.name,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      rows: counts.rows,
      imported: counts.imported,
      updated: counts.updated,
      unchanged: counts.unchanged,
      rejected: counts.rejected,
      partial: options.partial ?? false,
      status,
    },
  });
  return counts;
}
