import type ExcelJS from 'exceljs';
import { Type, type Static } from 'typebox';
import type { Ctx } from '../../../platform/context.js';
import { sql, type Sql } from '../../../platform/db/sql.js';
import { DEFAULT_MAX_ROWS } from '../../../platform/files/tabular.js';
import { OneOf, Strict } from '../../../platform/schema.js';
import { Problem } from '../../../platform/errors.js';
import { readEvent } from '../../../platform/audit/writer.js';
import { passableBy } from '../../../platform/sharing/rule.js';
import { INCIDENT_TYPES } from '../codes.js';
import { reportVisibility } from '../records/queries.js';
import type { ReportRow } from '../records/row.js';
import { reportToCells, TEMPLATE_COLUMN_NAMES } from './import/template.js';
import { Country, ReportStatus, type ReportInput } from '../schemas.js';

/**
 * Exports of reports as CSV or XLSX in the import template's columns, so an export re-imports.
 * Only what the user may see (the sharing rule; others' reports once shared) and may pass on
 * (rule 5: not others' AMBER+STRICT, RED or H2 reports). One audit row names the other members'
 * reports exported.
 */

export const ExportQuery = Strict({
  status: Type.Optional(ReportStatus),
  incidentType: Type.Optional(OneOf(INCIDENT_TYPES.codes)),
  country: Type.Optional(Country),
  from: Type.Optional(Type.String({ format: 'date', description: 'occurred on or after' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'occurred on or before' })),
  owner: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$', description: 'member code' })),
  mine: Type.Optional(Type.Boolean({ description: 'only your member’s reports' })),
  importId: Type.Optional(Type.String({ format: 'uuid', description: 'only the reports one import run of your member wrote' })),
});
export type ExportQuery = Static<typeof ExportQuery>;

/** The most reports one export holds: what one import takes back. */
const EXPORT_MAX_ROWS = DEFAULT_MAX_ROWS;
const BATCH = 5000;

/** The columns an export reads: the content a client sends (less what derives from it), the import key and the sharing fields. */
const EXPORT_COLUMNS = [
  'id', 'import_key', 'owner', 'audience_kind', 'audience_members', 'audience_groups', 'tlp', 'handling', 'handling_note', 'evaluation_source',
  'evaluation_information', 'agency', 'occurred_from', 'occurred_to', 'country', 'place', 'latitude', 'longitude', 'place_kind', 'sea_area',
  'source_region', 'named_country', 'incident_type', 'origin', 'destination', 'route', 'people', 'vulnerabilities', 'intercepted', 'rescued', 'dead', 'missing', 'returned', 'claimed_asylum',
  'fee_amount', 'fee_currency', 'fee_basis', 'fee_payment_methods', 'fee_covers', 'smugglers_count', 'smuggler_citizenships', 'smuggler_roles',
  'methods', 'document_kinds', 'document_issuers', 'arrests', 'charges', 'prosecutions', 'convictions', 'source', 'source_record_id',
  'source_url', 'source_quality', 'narrative', 'counts_in_regional', 'counts_given',
] as const satisfies readonly (keyof ReportRow)[];
const SELECTED = sql.raw(EXPORT_COLUMNS.map((column) => `r.${column}`).join(', '));

type ExportRow = Pick<ReportRow, (typeof EXPORT_COLUMNS)[number]>;

function filters(query: ExportQuery, member: string): Sql {
  const conditions: Sql[] = [];
  if (query.status) conditions.push(sql`r.status = ${query.status}`);
  if (query.incidentType) conditions.push(sql`r.incident_type = ${query.incidentType}`);
  if (query.country) conditions.push(sql`r.country = ${query.country}`);
  if (query.from) conditions.push(sql`coalesce(r.occurred_to, r.occurred_from) >= ${query.from}::date`);
  if (query.to) conditions.push(sql`r.occurred_from <= ${query.to}::date`);
  if (query.owner) conditions.push(sql`r.owner = ${query.owner}`);
  if (query.mine) conditions.push(sql`r.owner = ${member}`);
  if (query.importId) conditions.push(sql`r.import_id = ${query.importId}::uuid AND r.owner = ${member}`);
  return conditions.length > 0 ? sql`AND ${sql.join(conditions, ' AND ')}` : sql.empty;
}

// Fields left out rather than empty, as a client would send them; the result is cast to ReportInput once.
type Part = Record<string, unknown>;
const optional = (key: string, value: unknown): Part => (value === null || value === undefined ? {} : { [key]: value });
const nonEmpty = (key: string, values: readonly string[]): Part => (values.length > 0 ? { [key]: [...values] } : {});
/**
 * A count as the report gave it: a count it gave, 0 included, and nothing for one it left blank
 * (unknown). Reports from before blanks were told apart from 0 (`counts_given` null) give their
 * counts above 0, as they always exported.
 */
const given = (row: Pick<ExportRow, 'counts_given'>, key: string, value: number): Part =>
  (row.counts_given === null ? value > 0 : row.counts_given.includes(key)) ? { [key]: value } : {};
const ifAny = (key: string, value: Part): Part => (Object.keys(value).length > 0 ? { [key]: value } : {});

/** A stored report as template input. Others' audience lists are not shown (as in the API), so only "all" is written for them. */
function toInput(row: ExportRow, viewer: string): ReportInput {
  const own = row.owner === viewer;
  const audience: ReportInput['sharing']['audience'] =
    own || row.audience_kind === 'all' || row.audience_kind === 'owner'
      ? { kind: row.audience_kind, ...nonEmpty('members', row.audience_members), ...nonEmpty('groups', row.audience_groups) }
      : { kind: row.audience_kind };
  const input = {
    ...optional('agency', row.agency),
    ...(row.occurred_from ? { when: { from: row.occurred_from, ...optional('to', row.occurred_to) } } : {}),
    where: {
      ...optional('country', row.country), ...optional('place', row.place), ...optional('latitude', row.latitude), ...optional('longitude', row.longitude),
      ...optional('kind', row.place_kind), ...optional('seaArea', row.sea_area), ...optional('sourceRegion', row.source_region),
      ...optional('namedCountry', row.named_country),
    },
    incidentType: row.incident_type,
    ...optional('origin', row.origin),
    ...optional('destination', row.destination),
    ...(row.route && row.route.length > 0 ? { route: row.route } : {}),
    ...(row.people && row.people.length > 0 ? { people: row.people } : {}),
    ...nonEmpty('vulnerabilities', row.vulnerabilities),
    ...ifAny('outcomes', {
      ...given(row, 'intercepted', row.intercepted), ...given(row, 'rescued', row.rescued), ...given(row, 'dead', row.dead),
      ...given(row, 'missing', row.missing), ...given(row, 'returned', row.returned), ...given(row, 'claimedAsylum', row.claimed_asylum),
    }),
    ...(row.fee_amount !== null && row.fee_currency && row.fee_basis
      ? { fee: { amount: Number(row.fee_amount), currency: row.fee_currency, basis: row.fee_basis, ...nonEmpty('paymentMethods', row.fee_payment_methods), ...nonEmpty('covers', row.fee_covers) } }
      : {}),
    ...ifAny('smugglers', { ...optional('count', row.smugglers_count), ...nonEmpty('citizenships', row.smuggler_citizenships), ...nonEmpty('roles', row.smuggler_roles), ...nonEmpty('methods', row.methods) }),
    ...ifAny('documents', { ...nonEmpty('kinds', row.document_kinds), ...nonEmpty('issuingCountries', row.document_issuers) }),
    ...ifAny('lawEnforcement', { ...given(row, 'arrests', row.arrests), ...given(row, 'charges', row.charges), ...given(row, 'prosecutions', row.prosecutions), ...given(row, 'convictions', row.convictions) }),
    ...optional('source', row.source),
    ...ifAny('sourceDetails', {
      ...optional('recordId', row.source_record_id), ...optional('url', row.source_url), ...optional('quality', row.source_quality),
    }),
    ...(row.narrative ? { narrative: row.narrative } : {}),
    ...(row.counts_in_regional ? { countsInRegional: true } : {}),
    sharing: {
      audience,
      tlp: row.tlp,
      ...nonEmpty('handling', row.handling),
      ...optional('handlingNote', row.handling_note),
      ...(row.evaluation_source && row.evaluation_information ? { evaluation: { source: row.evaluation_source, information: row.evaluation_information } } : {}),
    },
  };
  return input as unknown as ReportInput;
}

/** Reads the exportable reports (the list's visibility, then rule 5) in batches, keyset on id, within the request's transaction. */
async function exportableRows(ctx: Ctx, query: ExportQuery): Promise<ExportRow[]> {
  const rows: ExportRow[] = [];
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const batch = await ctx.tx.query<ExportRow>(sql`
      SELECT ${SELECTED}
      FROM reports r
      WHERE ${reportVisibility(ctx, 'r')} AND ${passableBy(ctx.actor, 'r')}
        AND r.id > ${after}::uuid ${filters(query, ctx.actor.member)}
      ORDER BY r.id
      LIMIT ${BATCH}`);
    rows.push(...batch);
    if (rows.length > EXPORT_MAX_ROWS) {
      throw new Problem(413, 'Export too large', `More than ${EXPORT_MAX_ROWS} reports match; narrow the filters (dates, country, status) and export in parts.`);
    }
    const last = batch[batch.length - 1];
    if (!last || batch.length < BATCH) break;
    after = last.id;
  }
  return rows;
}

/** The exportable reports as template rows (header first), with the audit row written. */
export async function exportReports(ctx: Ctx, query: ExportQuery, format: 'csv' | 'xlsx'): Promise<string[][]> {
  const rows = await exportableRows(ctx, query);
  const event = readEvent('reports.export', 'report', ctx.actor.member, rows, { format, filters: query, count: rows.length });
  await ctx.audit(event ?? { action: 'reports.export', objectType: 'report', details: { format, filters: query, count: rows.length } });
  return [TEMPLATE_COLUMN_NAMES, ...rows.map((row) => reportToCells(row.import_key ?? row.id, toInput(row, ctx.actor.member), row.owner))];
}

/**
 * An XLSX workbook of one sheet, every cell text (so codes and identifiers are not turned into
 * numbers or dates, and a cell such as "=1+1" is a string, never a formula: no CSV-style
 * neutralising is needed, and none is done, so the text re-imports as it is).
 */
export async function toXlsx(rows: readonly (readonly string[])[], sheetName = 'Reports', extra?: (workbook: ExcelJS.Workbook) => void): Promise<Buffer> {
  // Loaded when a workbook is written, not at every start (see xlsx-read.ts).
  const { default: excel } = await import('exceljs');
  const workbook = new excel.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  for (const row of rows) sheet.addRow([...row]);
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: 1 }];
  extra?.(workbook);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
