import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import type { FactView } from './fact-store.js';

/**
 * Regional analysis of incident reports: grouped cells over a viewer's population, with small-cell
 * suppression (DESIGN.md §3, rule 6).
 *
 * Population: the shared reports the viewer may see (read as the application role, so row-level
 * security and reciprocity apply) plus the shared reports marked `counts_in_regional` that it may
 * not see, read only through `lintas_report_hidden_cells`, a SECURITY DEFINER function that returns
 * cells (keys, number of reports, sums), never ids or rows (migration 0004). Drafts, submitted and
 * withdrawn reports count nowhere, the viewer's own included: analysis describes approved reports.
 *
 * Suppression: a cell with any hidden contribution and fewer than k reports (k = 5 in the platform,
 * 11 in a published summary) is `{ suppressed: true }` with no numbers at all (sums and fee medians
 * included). Cells made of visible reports only are never suppressed, so a viewer that sees
 * everything sees no suppression. Secondary suppression: where a set of cells adds up to a figure
 * that is shown (a split's cells to the total, a value's periods to its row total), a set with
 * exactly one suppressed cell has its smallest other cell with a hidden contribution suppressed too, so the
 * suppressed one cannot be got back by subtraction; cells of visible reports only are never hidden.
 */

export const K_PLATFORM = 5;
export const K_PUBLISHED = 11;

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];
export const SPLITS = ['incidentType', 'route', 'citizenship', 'mode', 'destination', 'member'] as const;
export type Split = (typeof SPLITS)[number];
export type Dimension = Interval | Split | 'country' | 'origin' | 'currency' | `grid:${string}`;

/** Filters on every dimension; absent means any. Dates are on the day the incident began. */
export interface AnalysisFilters {
  incidentType?: string[];
  country?: string[];
  citizenship?: string[];
  mode?: string[];
  origin?: string[];
  destination?: string[];
  route?: string[];
  member?: string[];
  from?: string;
  to?: string;
}

export const FIGURES = [
  'people', 'adultMen', 'adultWomen', 'boys', 'girls', 'unknownSexOrAge', 'unaccompaniedChildren', 'intercepted', 'rescued', 'dead',
  'missing', 'returned', 'claimedAsylum', 'arrests', 'convictions',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure | 'reports', number>;

/** A cell as the API presents it: its numbers, or only that it was suppressed. */
export type Cell = ({ suppressed: false } & Figures) | { suppressed: true };

/** A cell before presentation: visible and hidden parts combined. */
export interface RawCell {
  keys: string[];
  hidden: number;
  figures: Figures;
  fee: { median: number; min: number; max: number } | null;
  suppressed: boolean;
}

interface CellRow {
  keys: string[];
  reports: number;
  hidden: number;
  people: number;
  adult_men: number;
  adult_women: number;
  boys: number;
  girls: number;
  unknown_sex_or_age: number;
  unaccompanied_children: number;
  intercepted: number;
  rescued: number;
  dead: number;
  missing: number;
  returned: number;
  claimed_asylum: number;
  arrests: number;
  convictions: number;
  fee_median: number | null;
  fee_min: number | null;
  fee_max: number | null;
}

function figuresOf(row: CellRow): Figures {
  return {
    reports: row.reports, people: row.people, adultMen: row.adult_men, adultWomen: row.adult_women,
    boys: row.boys, girls: row.girls, unknownSexOrAge: row.unknown_sex_or_age,
    unaccompaniedChildren: row.unaccompanied_children, intercepted: row.intercepted, rescued: row.rescued,
    dead: row.dead, missing: row.missing, returned: row.returned, claimedAsylum: row.claimed_asylum,
    arrests: row.arrests, convictions: row.convictions,
  };
}

function addFigures(a: Figures, b: Figures): Figures {
  const sum = { ...a };
  for (const key of ['reports', ...FIGURES] as const) sum[key] += b[key];
  return sum;
}

export const EMPTY_FIGURES: Figures = Object.fromEntries(['reports', ...FIGURES].map((key) => [key, 0])) as Figures;

const keyOf = (keys: readonly string[]): string => keys.join('\u0001');

/**
 * Where cells are read from: a `FactView`, the in-memory store's view for the viewer (fact-store.ts,
 * migration 0007), which the dashboard and the summary use; `facts`, the same aggregation in SQL over
 * the narrow analysis table kept in step with the shared reports by triggers (migration 0006); or
 * `reports`, the direct computation over the reports themselves (migration 0004). The property test
 * in aggregates.test.ts compares the three.
 */
export type CellSource = 'facts' | 'reports' | FactView;
const CELL_FUNCTIONS: Record<'facts' | 'reports', { visible: string; hidden: string; fees: string }> = {
  facts: { visible: 'lintas_report_fact_cells', hidden: 'lintas_report_fact_hidden_cells', fees: 'lintas_report_fact_fee_cells' },
  reports: { visible: 'lintas_report_cells', hidden: 'lintas_report_hidden_cells', fees: 'lintas_report_fee_cells' },
};

/**
 * Cells over the viewer's population grouped by `dims`: the visible part (as the application
 * role) and the hidden regional part (definer function) combined per key, marked for suppression.
 */
export async function cells(tx: Tx, filters: AnalysisFilters, dims: readonly Dimension[], k: number, source: CellSource): Promise<RawCell[]> {
  if (typeof source === 'object') return suppressed(source.cells(filters, dims), k);
  const spec = JSON.stringify({ filters, dims });
  const functions = CELL_FUNCTIONS[source];
  const visible = await tx.query<CellRow>(sql`SELECT * FROM ${sql.raw(functions.visible)}(${spec}::jsonb)`);
  const hidden = await tx.query<CellRow>(sql`SELECT * FROM ${sql.raw(functions.hidden)}(${spec}::jsonb)`);
  const byKey = new Map<string, RawCell>();
  for (const row of [...visible, ...hidden]) {
    const key = keyOf(row.keys);
    const existing = byKey.get(key);
    const figures = figuresOf(row);
    if (existing) {
      existing.figures = addFigures(existing.figures, figures);
      existing.hidden += row.hidden;
    } else {
      byKey.set(key, { keys: row.keys, hidden: row.hidden, figures, fee: null, suppressed: false });
    }
  }
  return suppressed([...byKey.values()], k);
}

function suppressed(list: RawCell[], k: number): RawCell[] {
  for (const cell of list) cell.suppressed = mustSuppress(cell, k);
  return list;
}

/** Fee cells (per person: median, min, max) over visible and hidden regional reports together. */
export async function feeCells(tx: Tx, filters: AnalysisFilters, dims: readonly Dimension[], k: number, source: CellSource): Promise<RawCell[]> {
  if (typeof source === 'object') return suppressed(source.feeCells(filters, dims), k);
  const rows = await tx.query<CellRow>(sql`SELECT * FROM ${sql.raw(CELL_FUNCTIONS[source].fees)}(${JSON.stringify({ filters, dims })}::jsonb)`);
  return suppressed(
    rows.map((row) => ({
      keys: row.keys,
      hidden: row.hidden,
      figures: figuresOf(row),
      fee: row.fee_median === null || row.fee_min === null || row.fee_max === null ? null : { median: row.fee_median, min: row.fee_min, max: row.fee_max },
      suppressed: false,
    })),
    k,
  );
}

/** Rule 6: a cell that counts reports the viewer cannot see needs at least k reports. */
export function mustSuppress(cell: Pick<RawCell, 'hidden' | 'figures'>, k: number): boolean {
  return cell.hidden > 0 && cell.figures.reports < k;
}

/**
 * Secondary suppression over sets of cells that each add up to a figure that is shown: while a set
 * has exactly one suppressed cell, suppress its smallest other cell that has a hidden contribution.
 * Cells of visible reports only reveal nothing the viewer could not count itself, so they stay.
 * Returns the cells it suppressed.
 */
export function protectSums(sets: readonly (readonly RawCell[])[]): RawCell[] {
  const added: RawCell[] = [];
  let changed = true;
  while (changed) {
    changed = false;
    for (const set of sets) {
      if (set.filter((cell) => cell.suppressed).length !== 1) continue;
      const candidates = set.filter((cell) => !cell.suppressed && cell.hidden > 0).sort((a, b) => a.figures.reports - b.figures.reports);
      const smallest = candidates[0];
      if (!smallest) continue;
      smallest.suppressed = true;
      added.push(smallest);
      changed = true;
    }
  }
  return added;
}

/** What leaves the server for a cell: numbers, or only the flag. */
export function present(cell: Pick<RawCell, 'suppressed' | 'figures'> | undefined): Cell {
  if (!cell) return { suppressed: false, ...EMPTY_FIGURES };
  return cell.suppressed ? { suppressed: true } : { suppressed: false, ...cell.figures };
}

/** The figures of a set of cells added up (for the row totals of a split; only from unsuppressed arithmetic). */
export function combine(parts: readonly RawCell[], keys: string[]): RawCell {
  return {
    keys,
    hidden: parts.reduce((total, part) => total + part.hidden, 0),
    figures: parts.reduce((total, part) => addFigures(total, part.figures), EMPTY_FIGURES),
    fee: null,
    suppressed: false,
  };
}
