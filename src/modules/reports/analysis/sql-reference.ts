import type { Tx } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import type { FactView } from './fact-store.js';
import { addFigures, EMPTY_FIGURES, figuresOf, type AnalysisFilters, type CellRow, type Dimension, type RawCell } from './figures.js';

/**
 * Analysis of the reports a viewer may see: its own shared reports and the shared reports of others
 * in its audience, read as the application role (row-level security and reciprocity apply), under
 * any filter, exact (DESIGN.md §3, rule 6). Reports it cannot see never enter these figures: they
 * reach it only through the regional release (release/), fixed tables computed by a job. Drafts,
 * submitted and withdrawn reports count nowhere, the viewer's own included.
 */

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
