import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import type { FactView } from './fact-store.js';

/**
 * Analysis of the reports a viewer may see: its own shared reports and the shared reports of others
 * in its audience, read as the application role (row-level security and reciprocity apply), under
 * any filter, exact (DESIGN.md §3, rule 6). Reports it cannot see never enter these figures: they
 * reach it only through the regional release (release/), fixed tables computed by a job. Drafts,
 * submitted and withdrawn reports count nowhere, the viewer's own included.
 */

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

/** A cell: its keys, figures and, for fee cells, the fee per person. */
export interface RawCell {
  keys: string[];
  figures: Figures;
  fee: { median: number; min: number; max: number } | null;
}

type CellSum = 'reports' | 'people' | 'adult_men' | 'adult_women' | 'boys' | 'girls' | 'unknown_sex_or_age' | 'unaccompanied_children'
  | 'intercepted' | 'rescued' | 'dead' | 'missing' | 'returned' | 'claimed_asylum' | 'arrests' | 'convictions';

/** A row of the cell functions; a sum over no rows is NULL. */
interface CellRow extends Record<CellSum, number | null> {
  keys: string[];
  fee_median: number | null;
  fee_min: number | null;
  fee_max: number | null;
}

/** A SQL cell's figures; sums over no rows (the total of an empty population) are NULL there and 0 here. */
function figuresOf(row: CellRow): Figures {
  const n = (value: number | null): number => value ?? 0;
  return {
    reports: n(row.reports), people: n(row.people), adultMen: n(row.adult_men), adultWomen: n(row.adult_women),
    boys: n(row.boys), girls: n(row.girls), unknownSexOrAge: n(row.unknown_sex_or_age),
    unaccompaniedChildren: n(row.unaccompanied_children), intercepted: n(row.intercepted), rescued: n(row.rescued),
    dead: n(row.dead), missing: n(row.missing), returned: n(row.returned), claimedAsylum: n(row.claimed_asylum),
    arrests: n(row.arrests), convictions: n(row.convictions),
  };
}

function addFigures(a: Figures, b: Figures): Figures {
  const sum = { ...a };
  for (const key of ['reports', ...FIGURES] as const) sum[key] += b[key];
  return sum;
}

export const EMPTY_FIGURES: Figures = Object.fromEntries(['reports', ...FIGURES].map((key) => [key, 0])) as Figures;


/**
 * Where cells are read from: a `FactView`, the in-memory store's view for the viewer (fact-store.ts,
 * migration 0007), which the dashboard uses; `facts`, the same aggregation in SQL over the narrow
 * analysis table kept in step with the shared reports by triggers (migration 0006); or `reports`,
 * the direct computation over the reports themselves (migration 0004). The property test in
 * aggregates.test.ts compares the three.
 */
export type CellSource = 'facts' | 'reports' | FactView;
const CELL_FUNCTIONS: Record<'facts' | 'reports', { visible: string; fees: string }> = {
  facts: { visible: 'lintas_report_fact_cells', fees: 'lintas_report_fact_fee_cells' },
  reports: { visible: 'lintas_report_cells', fees: 'lintas_report_fee_cells' },
};

/** Cells over the reports the viewer may see, grouped by `dims`. */
export async function cells(tx: Tx, filters: AnalysisFilters, dims: readonly Dimension[], source: CellSource): Promise<RawCell[]> {
  if (typeof source === 'object') return source.cells(filters, dims);
  const rows = await tx.query<CellRow>(sql`SELECT * FROM ${sql.raw(CELL_FUNCTIONS[source].visible)}(${JSON.stringify({ filters, dims })}::jsonb)`);
  return rows.map((row) => ({ keys: row.keys, figures: figuresOf(row), fee: null }));
}

/** Fee cells (per person: median, min, max) over the reports the viewer may see. */
export async function feeCells(tx: Tx, filters: AnalysisFilters, dims: readonly Dimension[], source: CellSource): Promise<RawCell[]> {
  if (typeof source === 'object') return source.feeCells(filters, dims);
  const rows = await tx.query<CellRow>(sql`SELECT * FROM ${sql.raw(CELL_FUNCTIONS[source].fees)}(${JSON.stringify({ filters, dims })}::jsonb)`);
  return rows.map((row) => ({
    keys: row.keys,
    figures: figuresOf(row),
    fee: row.fee_median === null || row.fee_min === null || row.fee_max === null ? null : { median: row.fee_median, min: row.fee_min, max: row.fee_max },
  }));
}

/** The figures of a set of cells added up (a split's row totals, or the total of a single-valued split). */
export function combine(parts: readonly RawCell[], keys: string[]): RawCell {
  return {
    keys,
    figures: parts.reduce((total, part) => addFigures(total, part.figures), EMPTY_FIGURES),
    fee: null,
  };
}
