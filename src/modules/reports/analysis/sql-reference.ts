import type { Tx } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import type { CellReader } from './dashboard.js';
import type { AnalysisFilters, Dimension, Figures, RawCell } from './figures.js';

/**
 * The SQL reference of the analysis: the cells the analysis store (fact-store.ts) adds up, computed
 * by the database straight from `reports` (`lintas_report_cells`, migration 0004, and
 * `lintas_report_fee_cells` as 0013 redefined it), as the caller, so row-level security applies
 * besides the builder's own restatement of the rule. The server does not use it: the property test
 * (aggregates.test.ts) compares the store with it on random reports, changes, viewers and requests,
 * and the bench (bench/reports-dashboard.ts) times the dashboard over it as its baseline. It reads the
 * reports themselves, not `report_facts`, so agreeing with it also proves that the facts, their
 * change log and the store follow the reports.
 */

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

const spec = (filters: AnalysisFilters, dims: readonly Dimension[]): string => JSON.stringify({ filters, dims });

/** The reference's cells over the reports the viewer of `tx` may see, read in that transaction. */
export function sqlReference(tx: Tx): CellReader {
  return {
    async cells(filters, dims): Promise<RawCell[]> {
      const rows = await tx.query<CellRow>(sql`SELECT * FROM lintas_report_cells(${spec(filters, dims)}::jsonb)`);
      return rows.map((row) => ({ keys: row.keys, figures: figuresOf(row), fee: null }));
    },
    /** Fee cells (per person: median, min, max). */
    async feeCells(filters, dims): Promise<RawCell[]> {
      const rows = await tx.query<CellRow>(sql`SELECT * FROM lintas_report_fee_cells(${spec(filters, dims)}::jsonb)`);
      return rows.map((row) => ({
        keys: row.keys,
        figures: figuresOf(row),
        fee: row.fee_median === null || row.fee_min === null || row.fee_max === null ? null : { median: row.fee_median, min: row.fee_min, max: row.fee_max },
      }));
    },
    // A comparison, never an answer served: its audit row names no owners.
    owners: () => [],
  };
}
