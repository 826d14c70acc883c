/**
 * Linkage's regional release (DESIGN.md §3, rule 6): the only figures about entity values, links
 * and hit notices that reach a viewer over records it cannot see. Fixed tables (period by month,
 * quarter and year, crossed with at most two fixed dimensions) that a job computes when a month
 * closes and on a schedule, the same for every viewer; a cell is shown only when it passes the
 * platform's thresholds, perturbed by the cell-key method (src/platform/release/). A viewer's
 * request only picks which stored cells to read.
 */
import type { Ctx, Platform } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { countRelease, monthOf, type CountReleaseOutcome, type CountReleaseQuery, type CountRow } from '../../platform/release/count-release.js';
import { RANDOM_CELL_KEY, scheduleRelease, type ReleaseReason } from '../../platform/release/job.js';
import { LINKAGE_RELEASE_TABLES, type LinkageReleaseTable } from './release-tables.js';
import { linkageSettings } from './settings.js';

/**
 * Every entity row and notice written before the cutoff, added up by table, month, keys and owner
 * where they are stored. A value is linked when a record of another member holds the same key and
 * the value is not on a warning list (names by their exact key: a fuzzy figure would hang on the
 * threshold of the day). A notice counts under its holder: the figure is about the holders' records.
 */
function groupsBefore(tx: Tx, cutoff: string): Promise<CountRow<LinkageReleaseTable>[]> {
  const before = sql`(${cutoff}::date::timestamp AT TIME ZONE 'UTC')`;
  const counted = sql`count(*)::int AS records, (sum(cell_key) % 4294967296)::float8 AS key_sum`;
  return tx.query<CountRow<LinkageReleaseTable>>(sql`
    WITH e AS (
      SELECT e.kind, e.module || '/' || e.record_type AS source, e.owner, k.cell_key, ${monthOf('e.created_at')} AS month,
        (EXISTS (SELECT 1 FROM linkage_entities o WHERE o.kind = e.kind AND o.key = e.key AND o.owner <> e.owner)
          AND NOT EXISTS (SELECT 1 FROM linkage_values v WHERE v.kind = e.kind AND v.key = e.key AND v.status = 'benign')) AS linked
      FROM linkage_entities e JOIN linkage_release_keys k ON k.object_id = e.id
      WHERE e.created_at < ${before}
    ), n AS (
      SELECT n.kind, n.holder AS owner, k.cell_key, ${monthOf('n.created_at')} AS month
      FROM linkage_notices n JOIN linkage_release_keys k ON k.object_id = n.id
      WHERE n.created_at < ${before}
    )
    SELECT 'entities' AS tbl, '' AS key1, '' AS key2, month, owner, ${counted} FROM e GROUP BY month, owner
    UNION ALL SELECT 'entitiesByKind', kind, '', month, owner, ${counted} FROM e GROUP BY kind, month, owner
    UNION ALL SELECT 'entitiesBySource', kind, source, month, owner, ${counted} FROM e GROUP BY kind, source, month, owner
    UNION ALL SELECT 'linkedByKind', kind, '', month, owner, ${counted} FROM e WHERE linked GROUP BY kind, month, owner
    UNION ALL SELECT 'noticesByKind', kind, '', month, owner, ${counted} FROM n GROUP BY kind, month, owner
    ORDER BY 1, 2, 3, 4, 5`);
}

/** Gives every entity row and notice without a key its fixed random key, and forgets those of rows gone. */
async function assignKeys(tx: Tx): Promise<void> {
  await tx.query(sql`
    INSERT INTO linkage_release_keys (object_id, cell_key)
    SELECT e.id, ${RANDOM_CELL_KEY} FROM linkage_entities e WHERE NOT EXISTS (SELECT 1 FROM linkage_release_keys k WHERE k.object_id = e.id)
    UNION ALL
    SELECT n.id, ${RANDOM_CELL_KEY} FROM linkage_notices n WHERE NOT EXISTS (SELECT 1 FROM linkage_release_keys k WHERE k.object_id = n.id)`);
  await tx.query(sql`DELETE FROM linkage_release_keys k WHERE NOT EXISTS (SELECT 1 FROM linkage_entities e WHERE e.id = k.object_id)
    AND NOT EXISTS (SELECT 1 FROM linkage_notices n WHERE n.id = k.object_id)`);
}

const release = countRelease<LinkageReleaseTable>({
  prefix: 'linkage',
  lockId: 7424,
  tables: LINKAGE_RELEASE_TABLES,
  recordTables: ['entities', 'noticesByKind'],
  defaultTable: 'entitiesByKind',
  audit: { make: 'linkage.release', read: 'linkage.release-read', objectType: 'linkage-release' },
  async groups(tx, cutoff) {
    await assignKeys(tx);
    return groupsBefore(tx, cutoff);
  },
});

export type LinkageReleaseOutcome = CountReleaseOutcome;

/**
 * Computes and stores a release of linkage's records as they are now (see count-release.ts);
 * skips when nothing changed since the last release, unless `force`.
 */
export const makeLinkageRelease = (db: Database, reason: ReleaseReason, options: { now?: Date; force?: boolean } = {}) => release.make(db, reason, options);

/** Why a linkage release is due now, if it is: a month closed since the last one, or the schedule. */
export const linkageReleaseDue = (db: Database, now: Date, everyHours: number) => release.due(db, now, everyHours);

/** Runs the linkage release job (once at start, then every `everyMs`); started by the module. */
export function startLinkageRelease(platform: Platform, onError: (error: unknown) => void, everyMs = 15 * 60_000): { stop(): Promise<void> } {
  return scheduleRelease(
    {
      due: (now) => linkageReleaseDue(platform.db, now, linkageSettings.of(platform.config).releaseHours),
      make: (reason) => makeLinkageRelease(platform.db, reason),
    },
    onError,
    everyMs,
  );
}

/** One table of the latest release, by one interval: the cells stored for it, as every viewer reads them. */
export const readLinkageRelease = (ctx: Ctx, query: CountReleaseQuery<LinkageReleaseTable>) => release.read(ctx, query);
