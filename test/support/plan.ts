import type { Tx } from '../../src/platform/db/database.js';
import { sql, type Sql } from '../../src/platform/db/sql.js';

/** A node of a plan as `EXPLAIN (ANALYZE, FORMAT JSON)` gives it, with what the tests read of it. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Runs the statement under `EXPLAIN (ANALYZE, FORMAT JSON)` (so it takes effect) and gives its plan's root. */
export async function analysedPlan(tx: Tx, statement: Sql): Promise<PlanNode> {
  const row = await tx.one<{ 'QUERY PLAN': unknown }>(sql`EXPLAIN (ANALYZE, FORMAT JSON) ${statement}`);
  const json = row['QUERY PLAN'];
  // PGlite gives the JSON as text, node-postgres parses it.
  const root = (typeof json === 'string' ? JSON.parse(json) : json) as [{ Plan: PlanNode }];
  return root[0].Plan;
}

/** Rows of a table the plan read, returned or filtered out, over every loop. */
export function rowsRead(node: PlanNode, relation: string): number {
  const own = node['Relation Name'] === relation
    ? (node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * node['Actual Loops']
    : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child, relation), 0);
}

/**
 * Rows of these tables and their indexes returned or fetched so far in the transaction, from its own
 * statistics (the same measure on PGlite and PostgreSQL): the difference across a read is what it visited.
 */
export async function rowsVisited(tx: Tx, tables: readonly string[]): Promise<number> {
  const row = await tx.one<{ n: number }>(sql`
    SELECT (sum(pg_stat_get_xact_tuples_returned(c)) + sum(pg_stat_get_xact_tuples_fetched(c)))::int AS n
    FROM (SELECT t::regclass::oid AS c FROM unnest(${[...tables]}::text[]) AS t
      UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = ANY(${[...tables]}::text[]::regclass[])) r`);
  return row.n;
}
