import type { Tx } from '../../../platform/db/database.js';
import { sql, type Sql } from '../../../platform/db/sql.js';
import { sharingValues } from '../../../platform/sharing/rule.js';
import { deriveColumns, type ReportColumns } from '../derive.js';
import type { ReportInput, ReportStatus } from '../schemas.js';

/**
 * Writes many reports with one statement per batch: every column travels as one array parameter and
 * `unnest` turns them back into rows (INSERT … SELECT FROM unnest(…)), so a batch of thousands costs
 * one round trip. Values come from deriveColumns and sharingValues, the functions the API's writes
 * use (store.ts), so an imported report is the same row as one typed in.
 */

export const BATCH_SIZE = 2000;

export interface KeyedReport {
  key: string;
  input: ReportInput;
  /** The column values in COLUMNS order, filled in once however many statements send the report. */
  values?: unknown[];
}

type Kind = 'text' | 'smallint' | 'int' | 'float8' | 'numeric' | 'bool' | 'date' | 'jsonb' | 'text[]';
type ContentColumn = keyof ReportColumns | keyof ReturnType<typeof sharingValues>;

// Every content and sharing column with its type; text[] and jsonb travel as text and are cast, as
// unnest would flatten an array of arrays.
const COLUMNS: readonly (readonly [ContentColumn, Kind])[] = [
  ['code_list_version', 'smallint'], ['agency', 'text'], ['occurred_from', 'date'], ['occurred_to', 'date'], ['country', 'text'], ['place', 'text'],
  ['latitude', 'float8'], ['longitude', 'float8'], ['place_kind', 'text'], ['incident_type', 'text'], ['origin', 'text'], ['destination', 'text'],
  ['route', 'jsonb'], ['people', 'jsonb'], ['vulnerabilities', 'text[]'], ['modes', 'text[]'], ['flows', 'text[]'], ['citizenships', 'text[]'],
  ['people_total', 'int'], ['adult_men', 'int'], ['adult_women', 'int'], ['boys', 'int'], ['girls', 'int'], ['unknown_sex_or_age', 'int'],
  ['unaccompanied_children', 'int'], ['intercepted', 'int'], ['rescued', 'int'], ['dead', 'int'], ['missing', 'int'], ['returned', 'int'],
  ['claimed_asylum', 'int'], ['fee_amount', 'numeric'], ['fee_currency', 'text'], ['fee_basis', 'text'], ['fee_per_person', 'numeric'],
  ['fee_payment_methods', 'text[]'], ['fee_covers', 'text[]'], ['smugglers_count', 'int'], ['smuggler_citizenships', 'text[]'],
  ['smuggler_roles', 'text[]'], ['methods', 'text[]'], ['document_kinds', 'text[]'], ['document_issuers', 'text[]'], ['arrests', 'int'],
  ['charges', 'int'], ['prosecutions', 'int'], ['convictions', 'int'], ['source', 'text'], ['narrative', 'text'], ['counts_in_regional', 'bool'],
  ['audience_kind', 'text'], ['audience_members', 'text[]'], ['audience_groups', 'text[]'], ['tlp', 'text'], ['handling', 'text[]'],
  ['handling_note', 'text'], ['evaluation_source', 'text'], ['evaluation_information', 'text'],
];

const paramType = (kind: Kind): string => (kind === 'jsonb' || kind === 'text[]' ? 'text' : kind);

/** An element of a PostgreSQL array literal: NULL, or the value quoted with backslash escapes. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A PostgreSQL array literal of text, every element quoted. */
const arrayLiteral = (values: readonly string[]): string => `{${values.map(element).join(',')}}`;

/** The values of a report's columns, in COLUMNS order (kept on the report: the check for earlier imports and the insert both send them). */
function valuesOf(report: KeyedReport): unknown[] {
  if (!report.values) {
    const derived = deriveColumns(report.input) as unknown as Record<string, unknown>;
    const sharing = sharingValues(report.input.sharing) as unknown as Record<string, unknown>;
    report.values = COLUMNS.map(([name, kind]) => {
      const value = name in derived ? derived[name] : sharing[name];
      return kind === 'text[]' ? arrayLiteral(value as string[]) : value;
    });
  }
  return report.values;
}

/**
 * `unnest($1::text[], …) AS i(key, col1, …)` for a batch. Each column travels as one array literal
 * built here (a single text parameter), which is cheaper than letting the driver escape every element.
 */
function unnestRows(reports: readonly KeyedReport[], leading: readonly (readonly [string, string, readonly string[]])[] = []): Sql {
  const rows = reports.map(valuesOf);
  const params = [
    ...leading.map(([, type, array]) => sql`${`{${array.map(element).join(',')}}`}::${sql.raw(type)}[]`),
    sql`${`{${reports.map((report) => element(report.key)).join(',')}}`}::text[]`,
    ...COLUMNS.map(([, kind], index) => sql`${`{${rows.map((row) => element(row[index])).join(',')}}`}::${sql.raw(paramType(kind))}[]`),
  ];
  const names = [...leading.map(([name]) => name), 'key', ...COLUMNS.map(([name]) => name)];
  return sql`unnest(${sql.join(params)}) AS i(${sql.raw(names.join(', '))})`;
}

/** The incoming value of a column, cast to its stored type. */
const incoming = (name: string, kind: Kind): Sql => sql.raw(kind === 'jsonb' || kind === 'text[]' ? `i.${name}::${kind}` : `i.${name}`);
const contentList = (alias: string): Sql => sql.raw(COLUMNS.map(([name]) => `${alias}.${name}`).join(', '));
const incomingList = (): Sql => sql.join(COLUMNS.map(([name, kind]) => incoming(name, kind)));

export interface ExistingReport {
  id: string;
  status: ReportStatus;
  /** Whether the stored content and sharing equal the incoming row's. */
  same: boolean;
}

/**
 * The reports already imported under these keys by this owner and source, each compared with its
 * incoming row: first the keys alone (cheap when the rows are new), then the content of those found.
 */
export async function findExisting(tx: Tx, owner: string, source: string, reports: readonly KeyedReport[]): Promise<Map<string, ExistingReport>> {
  const found = new Map<string, ExistingReport>();
  const byKey = new Map(reports.map((report) => [report.key, report]));
  const known = await tx.query<{ key: string; id: string; status: ReportStatus }>(sql`
    SELECT import_key AS key, id, status FROM reports
    WHERE owner = ${owner} AND import_source = ${source} AND import_key = ANY(${[...byKey.keys()]}::text[])`);
  for (let start = 0; start < known.length; start += BATCH_SIZE) {
    const batch = known.slice(start, start + BATCH_SIZE);
    const incomingReports = batch.map((row) => byKey.get(row.key)).filter((report): report is KeyedReport => report !== undefined);
    const rows = await tx.query<{ key: string; same: boolean }>(sql`
      SELECT i.key, (${contentList('r')}) IS NOT DISTINCT FROM (${incomingList()}) AS same
      FROM ${unnestRows(incomingReports, [['id', 'uuid', batch.map((row) => row.id)]])}
      JOIN reports r ON r.id = i.id`);
    const same = new Map(rows.map((row) => [row.key, row.same]));
    for (const row of batch) found.set(row.key, { id: row.id, status: row.status, same: same.get(row.key) ?? false });
  }
  return found;
}

/**
 * Inserts new reports in batches; returns how many were written. A key imported meanwhile by a
 * concurrent import is skipped (ON CONFLICT), not an error.
 */
export async function insertReports(
  tx: Tx,
  owner: { member: string; userId: string | null; source: string; status: ReportStatus },
  reports: readonly KeyedReport[],
): Promise<number> {
  let written = 0;
  const submitted = owner.status === 'submitted';
  for (let start = 0; start < reports.length; start += BATCH_SIZE) {
    const batch = reports.slice(start, start + BATCH_SIZE);
    const rows = await tx.query<{ id: string }>(sql`
      INSERT INTO reports (owner, status, created_by, import_source, import_key, submitted_at, submitted_by, ${sql.raw(COLUMNS.map(([name]) => name).join(', '))})
      SELECT ${owner.member}, ${owner.status}, ${owner.userId}::uuid, ${owner.source}, i.key,
        ${submitted ? sql`now()` : sql`NULL`}, ${submitted ? sql`${owner.userId}::uuid` : sql`NULL`}, ${incomingList()}
      FROM ${unnestRows(batch)}
      ON CONFLICT (owner, import_source, import_key) WHERE import_key IS NOT NULL DO NOTHING
      RETURNING id`);
    written += rows.length;
  }
  return written;
}

/** Rewrites the content and sharing of imported reports whose source row changed. */
export async function updateReports(tx: Tx, reports: readonly (KeyedReport & { id: string })[]): Promise<void> {
  const assignments = sql.raw(COLUMNS.map(([name, kind]) => `${name} = ${kind === 'jsonb' || kind === 'text[]' ? `i.${name}::${kind}` : `i.${name}`}`).join(', '));
  for (let start = 0; start < reports.length; start += BATCH_SIZE) {
    const batch = reports.slice(start, start + BATCH_SIZE);
    await tx.query(sql`
      UPDATE reports r SET ${assignments}, updated_at = now()
      FROM ${unnestRows(batch, [['id', 'uuid', batch.map((report) => report.id)]])}
      WHERE r.id = i.id`);
  }
}
