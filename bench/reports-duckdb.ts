/**
 * The dashboard's aggregations computed by DuckDB over the same reports, for comparison
 * (bench/reports-dashboard.ts). The queries restate, in DuckDB's SQL, what
 * `lintas_report_cells_sql` (migration 0004) builds for the same viewer and filter: the reports it
 * may see, grouped by the dashboard's dimensions (total; period × split; route; map grid), and the
 * fee cells (median, min, max per person).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { GRID_SIZES, type AnalysisRequest } from '../src/modules/reports/analysis/dashboard.js';
import type { AnalysisFilters } from '../src/modules/reports/analysis/figures.js';

const ARRAYS = new Set(['vulnerabilities', 'modes', 'flows', 'citizenships', 'fee_payment_methods', 'fee_covers', 'smuggler_citizenships', 'smuggler_roles', 'methods', 'document_kinds', 'document_issuers', 'audience_members', 'audience_groups', 'handling']);
const NUMBERS = new Set(['latitude', 'longitude', 'fee_amount', 'fee_per_person']);
const INTEGERS = new Set([
  'code_list_version', 'people_total', 'adult_men', 'adult_women', 'boys', 'girls', 'unknown_sex_or_age', 'unaccompanied_children', 'intercepted',
  'rescued', 'dead', 'missing', 'returned', 'claimed_asylum', 'smugglers_count', 'arrests', 'charges', 'prosecutions', 'convictions',
]);

/** Loads the bench's COPY-format file into a DuckDB table `reports` with the same column types. */
export async function loadDuckdb(connection: DuckDBConnection, file: string, columns: readonly string[]): Promise<void> {
  const spec = columns.map((column) => `'${column}': 'VARCHAR'`).join(', ');
  const select = columns.map((column) => {
    if (ARRAYS.has(column)) return `list_filter(string_split(trim(${column}, '{}'), ','), x -> x <> '') AS ${column}`;
    if (NUMBERS.has(column)) return `CAST(${column} AS DOUBLE) AS ${column}`;
    if (INTEGERS.has(column)) return `CAST(${column} AS INTEGER) AS ${column}`;
    if (column === 'occurred_from' || column === 'occurred_to') return `CAST(${column} AS DATE) AS ${column}`;
    if (column === 'submitted_at' || column === 'approved_at') return `CAST(${column} AS TIMESTAMPTZ) AS ${column}`;
    if (column === 'counts_in_regional') return `${column} = 't' OR ${column} = 'true' AS ${column}`;
    return column;
  });
  await connection.run(`CREATE TABLE reports AS SELECT ${select.join(', ')}
    FROM read_csv('${file}', delim = '\t', header = false, quote = '', escape = '', nullstr = '\\N', columns = {${spec}})`);
}

const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const list = (values: readonly string[]): string => `[${values.map(literal).join(', ')}]::VARCHAR[]`;

type Dim = string;

function key(dim: Dim, index: number): { expression: string; unnest?: string; condition?: string } {
  if (dim.startsWith('grid:')) {
    const size = Number(dim.slice(5));
    return {
      expression: `CAST(floor(r.latitude / ${size}) AS INTEGER)::VARCHAR || ':' || CAST(floor(r.longitude / ${size}) AS INTEGER)::VARCHAR`,
      condition: 'r.latitude IS NOT NULL AND r.longitude IS NOT NULL',
    };
  }
  switch (dim) {
    case 'month': return { expression: `coalesce(strftime(r.occurred_from, '%Y-%m'), 'unknown')` };
    case 'quarter': return { expression: `coalesce(strftime(r.occurred_from, '%Y') || '-Q' || quarter(r.occurred_from)::VARCHAR, 'unknown')` };
    case 'year': return { expression: `coalesce(strftime(r.occurred_from, '%Y'), 'unknown')` };
    case 'incidentType': return { expression: 'r.incident_type' };
    case 'country': return { expression: 'r.country' };
    case 'origin': return { expression: `coalesce(r.origin, 'unknown')` };
    case 'destination': return { expression: `coalesce(r.destination, 'unknown')` };
    case 'member': return { expression: 'r.owner' };
    case 'currency': return { expression: 'r.fee_currency' };
    case 'route': case 'citizenship': case 'mode': {
      const column = dim === 'route' ? 'flows' : dim === 'citizenship' ? 'citizenships' : 'modes';
      return { expression: `d${index}`, unnest: `unnest(CASE WHEN len(r.${column}) > 0 THEN r.${column} ELSE ['unknown'] END) AS d${index}` };
    }
    default: throw new Error(`unknown dimension ${dim}`);
  }
}

function conditions(filters: AnalysisFilters): string[] {
  const where: string[] = [`r.status = 'shared'`];
  const any = (column: string, values: string[] | undefined) => values && where.push(`${column} IN (${values.map(literal).join(', ')})`);
  const overlaps = (column: string, values: string[] | undefined) => values && where.push(`list_has_any(${column}, ${list(values)})`);
  any('r.incident_type', filters.incidentType);
  any('r.country', filters.country);
  any('r.origin', filters.origin);
  any('r.destination', filters.destination);
  any('r.owner', filters.member);
  overlaps('r.citizenships', filters.citizenship);
  overlaps('r.modes', filters.mode);
  overlaps('r.flows', filters.route);
  if (filters.from) where.push(`r.occurred_from >= DATE ${literal(filters.from)}`);
  if (filters.to) where.push(`r.occurred_from <= DATE ${literal(filters.to)}`);
  return where;
}

interface Viewer {
  member: string;
  contributor: boolean;
  full: boolean;
  groups: string[];
}

function visibleCondition(viewer: Viewer): string {
  const others = viewer.contributor
    ? `((r.audience_kind = 'all' AND ${viewer.full}) OR list_contains(r.audience_members, ${literal(viewer.member)}) OR list_has_any(r.audience_groups, ${list(viewer.groups)}))`
    : 'false';
  return `(r.owner = ${literal(viewer.member)} OR ${others})`;
}

const SUMS = ['people_total', 'adult_men', 'adult_women', 'boys', 'girls', 'unknown_sex_or_age', 'unaccompanied_children', 'intercepted', 'rescued', 'dead', 'missing', 'returned', 'claimed_asylum', 'arrests', 'convictions'];

function cellsSql(viewer: Viewer, filters: AnalysisFilters, dims: readonly Dim[], fees: boolean): string {
  const keys = dims.map(key);
  const where = [...conditions(filters), ...keys.flatMap((k) => (k.condition ? [k.condition] : []))];
  const visible = visibleCondition(viewer);
  where.push(visible);
  if (fees) where.push('r.fee_per_person IS NOT NULL');
  const unnests = keys.flatMap((k) => (k.unnest ? [k.unnest] : []));
  // Only the columns the cells read travel through the unnest, as PostgreSQL's analysis table holds only those.
  const needed = ['occurred_from', 'incident_type', 'country', 'origin', 'destination', 'owner', 'fee_currency', 'fee_per_person', 'latitude', 'longitude', 'counts_in_regional', 'audience_kind', 'audience_members', 'audience_groups', ...SUMS];
  const from = unnests.length > 0 ? `(SELECT ${needed.map((column) => `r.${column}`).join(', ')}, ${unnests.join(', ')} FROM reports r WHERE ${where.join(' AND ')}) r` : 'reports r';
  const feeColumns = fees ? ', quantile_cont(r.fee_per_person, 0.5) AS fee_median, min(r.fee_per_person) AS fee_min, max(r.fee_per_person) AS fee_max' : '';
  const group = keys.length > 0 ? `GROUP BY ${keys.map((k) => k.expression).join(', ')}` : '';
  const filter = unnests.length > 0 ? '' : `WHERE ${where.join(' AND ')}`;
  return `SELECT [${keys.map((k) => k.expression).join(', ')}]::VARCHAR[] AS keys, count(*) AS reports,
    ${SUMS.map((column) => `sum(r.${column}) AS ${column}`).join(', ')}${feeColumns}
    FROM ${from} ${filter} ${group}`;
}

const viewers = new Map<string, Viewer>();

/**
 * The dashboard's queries for one filter (as `analyse` sends them); returns the total number of
 * reports as the dashboard shows it.
 */
export async function duckdbDashboard(
  connection: DuckDBConnection,
  member: string,
  directory: { full: string[]; groups: Record<string, string[]> },
  request: AnalysisRequest,
): Promise<number> {
  let viewer = viewers.get(member);
  if (!viewer) {
    const reader = await connection.runAndReadAll(`SELECT count(*) > 0 AS yes FROM reports
      WHERE owner = ${literal(member)} AND status = 'shared' AND audience_kind <> 'owner' AND submitted_at >= now() - INTERVAL 12 MONTH`);
    viewer = { member, contributor: Boolean(reader.getRowObjects()[0]?.yes), full: directory.full.includes(member), groups: directory.groups[member] ?? [] };
    viewers.set(member, viewer);
  }
  const { interval = 'quarter', split = 'incidentType', zoom = 2, ...filters } = request;
  const size = GRID_SIZES[Math.min(Math.max(zoom, 0), GRID_SIZES.length - 1)] ?? 5;
  let total = 0;
  for (const dims of [[], [interval, split], ['route'], [`grid:${size}`]] as Dim[][]) {
    const reader = await connection.runAndReadAll(cellsSql(viewer, filters, dims, false));
    if (dims.length === 0) total = Number(reader.getRowObjects()[0]?.reports ?? 0);
  }
  await connection.runAndReadAll(cellsSql(viewer, filters, ['route', 'year', 'currency'], true));
  return total;
}
