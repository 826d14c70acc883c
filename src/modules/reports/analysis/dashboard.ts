import type { Ctx } from '../../../platform/context.js';
import { sql } from '../../../platform/db/sql.js';
import { countryName } from '../../../platform/geo/countries.js';
import { factView } from './fact-store.js';
import { combine, type AnalysisFilters, type Dimension, type Interval, type RawCell, type Split } from './figures.js';
import { INCIDENT_TYPES, TRANSPORT_MODES } from '../codes.js';

/** Grid cell size in degrees for each map zoom level (server-side clustering of incident locations). */
export const GRID_SIZES = [20, 10, 5, 2, 1, 0.5, 0.25, 0.1, 0.05] as const;
const TOP_FLOWS = 25;
/** Splits with exactly one value per report (route, citizenship and mode may have several). */
const SINGLE_VALUED: ReadonlySet<Split> = new Set(['incidentType', 'destination', 'member']);

/**
 * Where the dashboard reads its cells: the viewer's view of the analysis store (`factView`,
 * fact-store.ts), the one aggregation the server runs. The SQL reference (sql-reference.ts) gives
 * the same cells from the database, for the property test and the bench.
 */
export interface CellReader {
  /** Cells over the reports the viewer may see, grouped by `dims`. */
  cells(filters: AnalysisFilters, dims: readonly Dimension[]): RawCell[] | Promise<RawCell[]>;
  /** Fee cells (per person: median, min, max) over the reports the viewer may see. */
  feeCells(filters: AnalysisFilters, dims: readonly Dimension[]): RawCell[] | Promise<RawCell[]>;
  /** The owners of every report that entered the cells read so far (for the audit row). */
  owners(): string[];
}

export interface AnalysisRequest extends AnalysisFilters {
  interval?: Interval;
  split?: Split;
  zoom?: number;
}

const byReportsDescending = (a: RawCell, b: RawCell): number => b.figures.reports - a.figures.reports || (a.keys.join() < b.keys.join() ? -1 : 1);
const sortKeys = (keys: Iterable<string>): string[] => [...new Set(keys)].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a < b ? -1 : a > b ? 1 : 0));

function filtersOf(request: AnalysisRequest): AnalysisFilters {
  const { interval: _interval, split: _split, zoom: _zoom, ...filters } = request;
  return filters;
}

/** Totals and the time series split by one dimension, with row totals per split value. */
async function series(from: CellReader, filters: AnalysisFilters, interval: Interval, split: Split) {
  const grid = await from.cells(filters, [interval, split]);
  // A report has one period and one value of a single-valued split, so the grid's cells add up to the
  // total exactly: no second pass over the reports for it. A multi-valued split counts a report under
  // each of its values, so the total is counted apart.
  const [total] = SINGLE_VALUED.has(split) ? [combine(grid, [])] : await from.cells(filters, []);
  const keys = sortKeys(grid.map((cell) => cell.keys[1] ?? ''));
  return {
    total: total ?? combine([], []),
    periods: sortKeys(grid.map((cell) => cell.keys[0] ?? '')),
    keys,
    cells: grid.map((cell) => ({ period: cell.keys[0] ?? '', key: cell.keys[1] ?? '', ...cell.figures })),
    byKey: keys.map((key) => ({ key, ...combine(grid.filter((cell) => cell.keys[1] === key), [key]).figures })),
  };
}

/** Flows between countries (route legs), the largest first. */
async function flows(from: CellReader, filters: AnalysisFilters, limit = TOP_FLOWS) {
  const all = (await from.cells(filters, ['route'])).filter((cell) => cell.keys[0] !== 'unknown');
  return {
    top: all.sort(byReportsDescending).slice(0, limit).map((cell) => {
      const [from = '', to = ''] = (cell.keys[0] ?? '').split('>');
      return { from, to, ...cell.figures };
    }),
  };
}

/** Incident locations clustered into a latitude/longitude grid whose cell size follows the zoom. */
async function mapCells(from: CellReader, filters: AnalysisFilters, zoom: number) {
  const size = GRID_SIZES[Math.min(Math.max(zoom, 0), GRID_SIZES.length - 1)] ?? 5;
  const all = await from.cells(filters, [`grid:${size}`]);
  const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
  return {
    zoom,
    cellSize: size,
    cells: all.map((cell) => {
      const [lat = 0, lon = 0] = (cell.keys[0] ?? '0:0').split(':').map(Number);
      return { latitude: clamp((lat + 0.5) * size, 90), longitude: clamp((lon + 0.5) * size, 180), ...cell.figures };
    }),
  };
}

/** Smuggling fees per person by route, year and currency: median and range. */
async function fees(from: CellReader, filters: AnalysisFilters) {
  const all = await from.feeCells(filters, ['route', 'year', 'currency']);
  return all
    .filter((cell) => cell.fee)
    .sort((a, b) => (a.keys.join() < b.keys.join() ? -1 : 1))
    .map((cell) => {
      const [route = '', year = '', currency = ''] = cell.keys;
      return { route, year, currency, reports: cell.figures.reports, median: cell.fee?.median ?? 0, min: cell.fee?.min ?? 0, max: cell.fee?.max ?? 0 };
    });
}

/** Display names for the codes that appear: incident types, modes, members and countries. */
export async function labelsFor(ctx: Ctx, codes: Iterable<string>): Promise<Record<string, string>> {
  const wanted = [...new Set(codes)].filter((code) => code !== '' && code !== 'unknown');
  const labels: Record<string, string> = {};
  const types: Record<string, string> = INCIDENT_TYPES.labels;
  const modes: Record<string, string> = TRANSPORT_MODES.labels;
  const members = await ctx.tx.query<{ code: string; name: string }>(sql`SELECT code, name FROM members WHERE code = ANY(${wanted}::text[])`);
  for (const code of wanted) labels[code] = types[code] ?? modes[code] ?? (/^[A-Z]{3}$/.test(code) ? countryName(code) : code);
  for (const member of members) labels[member.code] = member.name;
  return labels;
}

/**
 * Everything the dashboard shows of the reports the viewer may see, for one filter, exactly, in one
 * answer, with one audit row. The analysis store (fact-store.ts) must have been caught up before
 * the transaction (`factStoreFor(db).catchUp()`). The bench passes the SQL reference as `cells`.
 */
export async function analyse(ctx: Ctx, request: AnalysisRequest, cells?: CellReader) {
  const interval = request.interval ?? 'quarter';
  const split = request.split ?? 'incidentType';
  const filters = filtersOf(request);
  const from = cells ?? (await factView(ctx));
  const timeline = await series(from, filters, interval, split);
  const flowBlock = await flows(from, filters);
  const map = await mapCells(from, filters, request.zoom ?? 2);
  const feeBlock = await fees(from, filters);
  // The owners whose reports entered the figures are named, so each can list who read its records.
  const owners = from.owners().filter((owner) => owner !== ctx.actor.member);
  await ctx.audit({ action: 'reports.analyse', objectType: 'report', ...(owners.length ? { objectOwners: owners } : {}), details: { criteria: { ...request, interval, split } } });
  const codes = [...timeline.keys, ...flowBlock.top.flatMap((flow) => [flow.from, flow.to])];
  return {
    interval,
    split,
    filters,
    totals: timeline.total.figures,
    series: { periods: timeline.periods, keys: timeline.keys, cells: timeline.cells, byKey: timeline.byKey },
    flows: flowBlock,
    map,
    fees: feeBlock,
    labels: await labelsFor(ctx, codes),
  };
}
