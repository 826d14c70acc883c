import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { countryName } from '../../platform/geo/countries.js';
import { factView } from './fact-store.js';
import {
  cells, combine, feeCells, K_PLATFORM, mustSuppress, present, protectSums, type AnalysisFilters, type Cell, type CellSource, type Interval, type RawCell, type Split,
} from './analysis.js';
import { INCIDENT_TYPES, TRANSPORT_MODES } from './codes.js';

/** Grid cell size in degrees for each map zoom level (server-side clustering of incident locations). */
export const GRID_SIZES = [20, 10, 5, 2, 1, 0.5, 0.25, 0.1, 0.05] as const;
export const TOP_FLOWS = 25;
/** Splits with exactly one value per report (route, citizenship and mode may have several). */
const SINGLE_VALUED: ReadonlySet<Split> = new Set(['incidentType', 'destination', 'member']);

export interface AnalysisRequest extends AnalysisFilters {
  interval?: Interval;
  split?: Split;
  zoom?: number;
}

const byReportsDescending = (a: RawCell, b: RawCell): number => b.figures.reports - a.figures.reports || (a.keys.join() < b.keys.join() ? -1 : 1);
const sortKeys = (keys: Iterable<string>): string[] => [...new Set(keys)].sort((a, b) => (a === 'unknown' ? 1 : b === 'unknown' ? -1 : a < b ? -1 : a > b ? 1 : 0));

export function filtersOf(request: AnalysisRequest): AnalysisFilters {
  const { interval: _interval, split: _split, zoom: _zoom, ...filters } = request;
  return filters;
}

/** Totals and the time series split by one dimension, with row totals per split value. */
export async function series(ctx: Ctx, source: CellSource, filters: AnalysisFilters, interval: Interval, split: Split, k: number) {
  const grid = await cells(ctx.tx, filters, [interval, split], k, source);
  // A report has one period and one value of a single-valued split, so the grid's cells add up to the
  // total exactly (figures and hidden reports alike): no second pass over the reports for it. A
  // multi-valued split counts a report under each of its values, so the total is counted apart.
  let totalCell: RawCell | undefined;
  if (SINGLE_VALUED.has(split)) {
    totalCell = combine(grid, []);
    totalCell.suppressed = mustSuppress(totalCell, k);
  } else {
    [totalCell] = await cells(ctx.tx, filters, [], k, source);
  }
  const keys = sortKeys(grid.map((cell) => cell.keys[1] ?? ''));
  const rows = keys.map((key) => {
    const parts = grid.filter((cell) => cell.keys[1] === key);
    const row = combine(parts, [key]);
    row.suppressed = row.hidden > 0 && row.figures.reports < k;
    return { row, parts };
  });
  // Each set adds up to a figure that is shown: the grid and the row totals to the total, a row's periods to the row total.
  protectSums([grid, rows.map((r) => r.row), ...rows.map((r) => r.parts)]);
  return {
    total: totalCell,
    periods: sortKeys(grid.map((cell) => cell.keys[0] ?? '')),
    keys,
    cells: grid.map((cell) => ({ period: cell.keys[0] ?? '', key: cell.keys[1] ?? '', ...present(cell) })),
    byKey: rows.map(({ row }) => ({ key: row.keys[0] ?? '', ...present(row) })),
  };
}

/** Flows between countries (route legs), the largest first; suppressed flows are counted, not listed. */
export async function flows(ctx: Ctx, source: CellSource, filters: AnalysisFilters, k: number, limit = TOP_FLOWS) {
  const all = await cells(ctx.tx, filters, ['route'], k, source);
  // Reports without a route are never shown here: as a cell left out, they already hide a lone suppressed flow.
  for (const cell of all) if (cell.keys[0] === 'unknown') cell.suppressed = true;
  protectSums([all]);
  const known = all.filter((cell) => cell.keys[0] !== 'unknown');
  const shown = known.filter((cell) => !cell.suppressed).sort(byReportsDescending).slice(0, limit);
  return {
    top: shown.map((cell) => {
      const [from = '', to = ''] = (cell.keys[0] ?? '').split('>');
      return { from, to, ...(present(cell) as Extract<Cell, { suppressed: false }>) };
    }),
    suppressedCells: known.filter((cell) => cell.suppressed).length,
  };
}

/** Incident locations clustered into a latitude/longitude grid whose cell size follows the zoom. */
export async function mapCells(ctx: Ctx, source: CellSource, filters: AnalysisFilters, zoom: number, k: number, total: RawCell | undefined) {
  const size = GRID_SIZES[Math.min(Math.max(zoom, 0), GRID_SIZES.length - 1)] ?? 5;
  const all = await cells(ctx.tx, filters, [`grid:${size}`], k, source);
  // The grid adds up to the total only when every report has a location; reports without one are
  // never shown here, and as a cell left out they already hide a lone suppressed grid cell.
  const unlocated = (total?.figures.reports ?? 0) - all.reduce((sum, cell) => sum + cell.figures.reports, 0);
  protectSums([unlocated > 0 ? [...all, { ...combine([], ['unlocated']), suppressed: true }] : all]);
  return {
    zoom,
    cellSize: size,
    // A suppressed cell's position would place a hidden report: such cells are counted, not drawn.
    cells: all
      .filter((cell) => !cell.suppressed)
      .map((cell) => {
        const [lat = 0, lon = 0] = (cell.keys[0] ?? '0:0').split(':').map(Number);
        const clamp = (value: number, limit: number) => Math.max(-limit, Math.min(limit, value));
        return { latitude: clamp((lat + 0.5) * size, 90), longitude: clamp((lon + 0.5) * size, 180), ...(present(cell) as Extract<Cell, { suppressed: false }>) };
      }),
    suppressedCells: all.filter((cell) => cell.suppressed).length,
  };
}

/** Smuggling fees per person by route, year and currency: median and range, or suppressed. */
export async function fees(ctx: Ctx, source: CellSource, filters: AnalysisFilters, k: number) {
  const all = await feeCells(ctx.tx, filters, ['route', 'year', 'currency'], k, source);
  return all
    .sort((a, b) => (a.keys.join() < b.keys.join() ? -1 : 1))
    .map((cell) => {
      const [route = '', year = '', currency = ''] = cell.keys;
      if (cell.suppressed || !cell.fee) return { route, year, currency, suppressed: true as const };
      return { route, year, currency, suppressed: false as const, reports: cell.figures.reports, ...cell.fee };
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
 * Everything the dashboard shows for one filter, in one answer, with one audit row. The analysis
 * store (fact-store.ts) must have been caught up before the transaction (`factStoreFor(db).catchUp()`).
 */
export async function analyse(ctx: Ctx, request: AnalysisRequest, source?: CellSource) {
  const k = K_PLATFORM;
  const interval = request.interval ?? 'quarter';
  const split = request.split ?? 'incidentType';
  const filters = filtersOf(request);
  const from = source ?? (await factView(ctx));
  const timeline = await series(ctx, from, filters, interval, split, k);
  const flowBlock = await flows(ctx, from, filters, k);
  const map = await mapCells(ctx, from, filters, request.zoom ?? 2, k, timeline.total);
  const feeBlock = await fees(ctx, from, filters, k);
  await ctx.audit({ action: 'reports.analyse', objectType: 'report', details: { criteria: { ...request, interval, split } } });
  const codes = [...timeline.keys, ...flowBlock.top.flatMap((flow) => [flow.from, flow.to])];
  return {
    k,
    interval,
    split,
    filters,
    totals: present(timeline.total),
    series: { periods: timeline.periods, keys: timeline.keys, cells: timeline.cells, byKey: timeline.byKey },
    flows: flowBlock,
    map,
    fees: feeBlock,
    labels: await labelsFor(ctx, codes),
  };
}
