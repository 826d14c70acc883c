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

interface CellRow {
  keys: string[];
  reports: number;
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
