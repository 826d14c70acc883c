import type { Tx } from '../../../../platform/db/database.js';
import { sql, type Sql } from '../../../../platform/db/sql.js';
import { sharingValues } from '../../../../platform/sharing/rule.js';
import { deriveColumns, type ReportColumns } from '../../records/derive.js';
import type { ReportInput, ReportStatus } from '../../schemas.js';

/**
 * Writes imported reports set-based, one statement per batch of rows, the same on both drivers:
 * every column of the batch travels as one array parameter and `unnest` turns them back into rows.
 * The statement finds the rows imported before (by owner, source and key, comparing their content
 * with the incoming row) and inserts the others, so a batch costs one round trip, and the importer
 * sends it while it checks the next batch (the server inserts while Node validates). Values come
 * from deriveColumns and sharingValues, the functions the API's writes use (records/store.ts), so an
 * imported report is the same row as one typed in.
 */

export const BATCH_SIZE = 4000;
/** The first batch of an import; each next one is twice as large, up to BATCH_SIZE. */
export const FIRST_BATCH_SIZE = 250;

export interface KeyedReport {
  /** The row in the file (as a spreadsheet numbers it). */
  row: number;
  key: string;
  /** The column values in COLUMNS order, as every statement that sends the report sends them. */
  values: unknown[];
}

export type ColumnKind = 'text' | 'smallint' | 'int' | 'float8' | 'numeric' | 'bool' | 'date' | 'jsonb' | 'text[]';
type ContentColumn = keyof ReportColumns | keyof ReturnType<typeof sharingValues>;

// Every content and sharing column with its type; text[] and jsonb travel as text and are cast, as
// unnest would flatten an array of arrays.
export const COLUMNS: readonly (readonly [ContentColumn, ColumnKind])[] = [
  ['code_list_version', 'smallint'], ['agency', 'text'], ['occurred_from', 'date'], ['occurred_to', 'date'], ['country', 'text'], ['place', 'text'],
  ['latitude', 'float8'], ['longitude', 'float8'], ['place_kind', 'text'], ['sea_area', 'text'], ['source_region', 'text'],
  ['named_country', 'text'], ['incident_type', 'text'], ['origin', 'text'], ['destination', 'text'],
  ['route', 'jsonb'], ['people', 'jsonb'], ['vulnerabilities', 'text[]'], ['modes', 'text[]'], ['flows', 'text[]'], ['citizenships', 'text[]'],
  ['people_total', 'int'], ['adult_men', 'int'], ['adult_women', 'int'], ['boys', 'int'], ['girls', 'int'], ['unknown_sex_or_age', 'int'],
  ['unaccompanied_children', 'int'], ['intercepted', 'int'], ['rescued', 'int'], ['dead', 'int'], ['missing', 'int'], ['returned', 'int'],
  ['claimed_asylum', 'int'], ['fee_amount', 'numeric'], ['fee_currency', 'text'], ['fee_basis', 'text'], ['fee_per_person', 'numeric'],
  ['fee_payment_methods', 'text[]'], ['fee_covers', 'text[]'], ['smugglers_count', 'int'], ['smuggler_citizenships', 'text[]'],
  ['smuggler_roles', 'text[]'], ['methods', 'text[]'], ['document_kinds', 'text[]'], ['document_issuers', 'text[]'], ['arrests', 'int'],
  ['charges', 'int'], ['prosecutions', 'int'], ['convictions', 'int'], ['source', 'text'], ['narrative', 'text'], ['counts_in_regional', 'bool'],
  ['counts_given', 'text[]'], ['source_record_id', 'text'], ['source_url', 'text'], ['source_quality', 'text'],
  ['audience_kind', 'text'], ['audience_members', 'text[]'], ['audience_groups', 'text[]'], ['tlp', 'text'], ['handling', 'text[]'],
  ['handling_note', 'text'], ['evaluation_source', 'text'], ['evaluation_information', 'text'],
];

const paramType = (kind: ColumnKind): string => (kind === 'jsonb' || kind === 'text[]' ? 'text' : kind);
const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

/** An element of a PostgreSQL array literal: NULL, a number, or the text quoted with backslash escapes. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, '\\$&')}"` : `"${text}"`;
}

// Codes (countries, modes, routes as FROM>TO, group codes) need no quotes in an array literal; NULL would.
const BARE = /^[A-Za-z0-9>_.+-]+$/;

/**
 * A PostgreSQL array literal of text: codes bare, anything else quoted. Bare elements keep the
 * literal free of quotes, so the batch's column literal need not escape it again.
 */
function arrayLiteral(values: readonly string[]): string {
  if (values.length === 0) return '{}';
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as string;
    text += (i > 0 ? ',' : '') + (BARE.test(value) && value.toUpperCase() !== 'NULL' ? value : element(value));
  }
  return `${text}}`;
}

/**
 * A checked row as the batches send it: its columns' values, in COLUMNS order. Made as soon as the
 * row is checked, so the report's input dies young and only the values wait for the batch (an
 * import's garbage collection copies what survives; the input's objects were most of it).
 */
export function keyedReport(row: number, key: string, input: ReportInput): KeyedReport {
  const derived = deriveColumns(input) as unknown as Record<string, unknown>;
  const sharing = sharingValues(input.sharing) as unknown as Record<string, unknown>;
  const values = COLUMNS.map(([name, kind]) => columnValue(kind, name in derived ? derived[name] : sharing[name]));
  return { row, key, values };
}

/** A column's value as a batch carries it: a text[] as its array literal, anything else as it is. */
export function columnValue(kind: ColumnKind, value: unknown): unknown {
  return kind === 'text[]' ? arrayLiteral(value as string[]) : value;
}

/** One column of a batch as the text of an array literal (a single parameter: cheaper than one per value). */
function columnLiteral(rows: readonly unknown[][], index: number): string {
  const parts = new Array<string>(rows.length);
  for (let r = 0; r < rows.length; r++) parts[r] = element((rows[r] as unknown[])[index]);
  return `{${parts.join(',')}}`;
}

/** Whether every row of the batch has the same value in a column (then it travels once, not once per row). */
function constantColumn(rows: readonly unknown[][], index: number): boolean {
  const first = (rows[0] as unknown[])[index];
  for (let r = 1; r < rows.length; r++) if ((rows[r] as unknown[])[index] !== first) return false;
  return true;
}

/**
 * `(SELECT … FROM unnest($1::int[], $2::text[], …)) AS i(line, key, col1, …)` for a batch, with
 * leading columns of its own. A column whose value is the same on every row of the batch (often:
 * most imports leave many columns empty) is one typed parameter in the select list, not an array.
 */
function unnestRows(reports: readonly KeyedReport[], leading: readonly (readonly [string, string, readonly unknown[]])[] = []): Sql {
  const rows = reports.map((report) => report.values);
  const arrays: Sql[] = [
    ...leading.map(([, type, values]) => sql`${`{${values.map(element).join(',')}}`}::${sql.raw(type)}[]`),
    sql`${`{${reports.map((report) => report.row).join(',')}}`}::int[]`,
    sql`${`{${reports.map((report) => element(report.key)).join(',')}}`}::text[]`,
  ];
  const names = [...leading.map(([name]) => name), 'line', 'key'];
  const constants: Sql[] = [];
  COLUMNS.forEach(([name, kind], index) => {
    if (rows.length > 1 && constantColumn(rows, index)) {
      const value = (rows[0] as unknown[])[index];
      // Cast once here to the stored type (jsonb, text[]), so the per-row cast below has nothing to do.
      constants.push(sql`${value ?? null}::${sql.raw(kind)} AS ${sql.raw(name)}`);
    } else {
      arrays.push(sql`${columnLiteral(rows, index)}::${sql.raw(paramType(kind))}[]`);
      names.push(name);
    }
  });
  return sql`(SELECT u.*${constants.length > 0 ? sql`, ${sql.join(constants)}` : sql``} FROM unnest(${sql.join(arrays)}) AS u(${sql.raw(names.join(', '))})) AS i`;
}

/** The incoming value of a column, cast to its stored type. */
const incoming = (name: string, kind: ColumnKind): string => (kind === 'jsonb' || kind === 'text[]' ? `i.${name}::${kind}` : `i.${name}`);
const CONTENT_NAMES = sql.raw(COLUMNS.map(([name]) => name).join(', '));
const STORED = sql.raw(COLUMNS.map(([name]) => `r.${name}`).join(', '));
/** Every content column of the batch source `i`, cast to its stored type, in COLUMNS order. */
export const INCOMING = sql.raw(COLUMNS.map(([name, kind]) => incoming(name, kind)).join(', '));

interface ExistingReport {
  /** The row in the file. */
  line: number;
  id: string;
  status: ReportStatus;
  /** Whether the stored content and sharing equal the incoming row's. */
  same: boolean;
}

interface BatchTarget {
  member: string;
  userId: string | null;
  source: string;
  status: ReportStatus;
  /** The import run stamped on the reports written (reports.import_id). */
  importId?: string | null;
}

interface BatchResult {
  /** New reports written (0 when only checking). */
  inserted: number;
  /** Rows of the batch imported before, each compared with its report. */
  existing: ExistingReport[];
}

/** A batch's rows in the form its statement sends them, built before the statement is due. */
interface PreparedBatch {
  /** The rows as the statement's source `i`. */
  rows: Sql;
}

/**
 * Builds a batch's statement source. The importer calls it before it waits for the previous
 * batch's statement, so the server writes one batch while Node builds the next.
 */
export function prepareBatch(batch: readonly KeyedReport[]): PreparedBatch {
  return { rows: unnestRows(batch) };
}

/**
 * One statement for a batch: the rows imported before (owner, source, key) with whether their
 * content changed, and, when `insert`, every other row inserted.
 *
 * - Rows imported before are found by one probe of reports_import_key per row. Statistics are
 *   taken before an import and see none of the member's rows, so the planner took any way in to
 *   "the owner's rows" as one row: joined on the key, or with the keys as `= ANY`, it scanned every
 *   report of the owner and source with the keys as a filter, and each batch read all the batches
 *   before it, so an import's cost grew with the square of its size. Now the lookup is a lateral
 *   subquery the planner cannot flatten, and owner and source are sub-selects, whose values it does
 *   not know when it plans: it counts one owner's share of the table, where the unique index on all
 *   three gives one row (bulk-insert.test.ts reads the plan).
 * - The insert leaves out the rows found before it casts their values (a re-import casts nothing).
 *   No other transaction can insert one of the keys meanwhile: an import holds its member's and
 *   format's import lock (lockImports) until it commits, so the insert needs no ON CONFLICT, whose
 *   check of the unique index before each row and speculative insertion cost the server per row.
 */
export function batchStatement(target: BatchTarget, batch: PreparedBatch, insert: boolean): Sql {
  const submitted = target.status === 'submitted';
  const write = insert
    ? sql`, n AS (
        INSERT INTO reports (owner, status, created_by, import_source, import_key, import_id, submitted_at, submitted_by, ${CONTENT_NAMES})
        SELECT ${target.member}, ${target.status}, ${target.userId}::uuid, ${target.source}, i.key, ${target.importId ?? null}::uuid,
          ${submitted ? sql`now()` : sql`NULL`}, ${submitted ? sql`${target.userId}::uuid` : sql`NULL`}, ${INCOMING}
        FROM i WHERE NOT EXISTS (SELECT 1 FROM e WHERE e.line = i.line)
        RETURNING 1)`
    : sql``;
  return sql`
    WITH i AS MATERIALIZED (SELECT * FROM ${batch.rows}),
    e AS MATERIALIZED (
      SELECT i.line, r.id, r.status, (${STORED}) IS NOT DISTINCT FROM (${INCOMING}) AS same
      FROM i CROSS JOIN LATERAL (
        SELECT * FROM reports r
        WHERE r.owner = (SELECT ${target.member}::text) AND r.import_source = (SELECT ${target.source}::text) AND r.import_key = i.key
        OFFSET 0) r)
    ${write}
    SELECT ${insert ? sql`(SELECT count(*) FROM n)::int` : sql`0`} AS inserted,
      coalesce((SELECT json_agg(json_build_array(e.line, e.id, e.status, e.same)) FROM e), '[]'::json) AS existing`;
}

/**
 * Takes, until the transaction ends, the lock on imports of one member's reports from one format:
 * a second import of the same file waits for the first to commit, then finds its rows as imported
 * before, where both would otherwise insert the same keys. Imports of other members or formats go on.
 */
export async function lockImports(tx: Tx, member: string, source: string): Promise<void> {
  await tx.query(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`reports.import/${member}/${source}`}, 0))`);
}

/** Runs a batch's statement (batchStatement). */
export async function writeBatch(tx: Tx, target: BatchTarget, batch: PreparedBatch, insert: boolean): Promise<BatchResult> {
  const result = await tx.one<{ inserted: number; existing: [number, string, ReportStatus, boolean][] }>(batchStatement(target, batch, insert));
  const existing = typeof result.existing === 'string' ? (JSON.parse(result.existing) as typeof result.existing) : result.existing;
  return { inserted: result.inserted, existing: existing.map(([line, id, status, same]) => ({ line, id, status, same })) };
}

/** Rewrites the content and sharing of imported reports whose source row changed, stamping the run that did. */
export async function updateReports(tx: Tx, reports: readonly (KeyedReport & { id: string })[], importId: string | null = null): Promise<void> {
  const assignments = sql.raw(COLUMNS.map(([name, kind]) => `${name} = ${incoming(name, kind)}`).join(', '));
  for (let start = 0; start < reports.length; start += BATCH_SIZE) {
    const batch = reports.slice(start, start + BATCH_SIZE);
    await tx.query(sql`
      UPDATE reports r SET ${assignments}, import_id = ${importId}::uuid, updated_at = now()
      FROM ${unnestRows(batch, [['id', 'uuid', batch.map((report) => report.id)]])}
      WHERE r.id = i.id`);
  }
}
