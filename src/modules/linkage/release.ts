/**
 * Linkage's regional release (DESIGN.md §3, rule 6): the only figures about entity values, links
 * and hit notices that reach a viewer over records it cannot see. Fixed tables (period by month,
 * quarter and year, crossed with at most two fixed dimensions) that a job computes when a month
 * closes and on a schedule, the same for every viewer; a cell is shown only when it passes the
 * platform's thresholds, perturbed by the cell-key method (src/platform/release/). A viewer's
 * request only picks which stored cells to read.
 */
import { appendAudit } from '../../platform/audit/writer.js';
import type { Ctx, Platform } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { releaseCounts, type CountedGroup } from '../../platform/release/cells.js';
import { K_PLATFORM, K_PUBLISHED } from '../../platform/release/disclosure.js';
import { RANDOM_CELL_KEY, releaseDigest, releaseDueAfter, scheduleRelease, type ReleaseReason } from '../../platform/release/job.js';
import { cutoffOf, monthNumber, PERIOD_PATTERN, RELEASE_INTERVALS, type ReleaseInterval } from '../../platform/release/periods.js';
import { LINKAGE_RELEASE_TABLE_NAMES, LINKAGE_RELEASE_TABLES, type LinkageReleaseTable } from './release-tables.js';
import { linkageSettings } from './settings.js';

interface GroupRow {
  tbl: LinkageReleaseTable;
  key1: string;
  key2: string;
  month: number;
  owner: string;
  records: number;
  key_sum: number;
}

const monthOf = (column: string) =>
  sql.raw(`(extract(year FROM ${column} AT TIME ZONE 'UTC') * 12 + extract(month FROM ${column} AT TIME ZONE 'UTC') - 1)::int`);

/**
 * Every entity row and notice written before the cutoff, added up by table, month, keys and owner
 * where they are stored. A value is linked when a record of another member holds the same key and
 * the value is not on a warning list (names by their exact key: a fuzzy figure would hang on the
 * threshold of the day). A notice counts under its holder: the figure is about the holders' records.
 */
function groupsBefore(tx: Tx, cutoff: string): Promise<GroupRow[]> {
  const before = sql`(${cutoff}::date::timestamp AT TIME ZONE 'UTC')`;
  const counted = sql`count(*)::int AS records, (sum(cell_key) % 4294967296)::float8 AS key_sum`;
  return tx.query<GroupRow>(sql`
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

export interface LinkageReleaseOutcome {
  /** The release made, or null when the records were unchanged since the last one. */
  releaseId: string | null;
  cutoff: string;
  cells: number;
  records: number;
}

/**
 * Computes and stores a release of linkage's records as they are now, for the periods closed
 * before `now`'s month, as the schema owner (only cells that pass the thresholds leave it); one
 * transaction with its audit row naming the owners whose records entered. Skips when nothing
 * changed since the last release, unless `force`.
 */
export async function makeLinkageRelease(db: Database, reason: ReleaseReason, options: { now?: Date; force?: boolean } = {}): Promise<LinkageReleaseOutcome> {
  const now = options.now ?? new Date();
  const cutoff = cutoffOf(now);
  return db.ownerTransaction(async (tx) => {
    // One release at a time across every process of a deployment.
    await tx.query(sql`SELECT pg_advisory_xact_lock(7424)`);
    await assignKeys(tx);
    const rows = await groupsBefore(tx, cutoff);
    const groups: CountedGroup<LinkageReleaseTable>[] = rows.map((row) => ({
      table: row.tbl,
      keys: LINKAGE_RELEASE_TABLES[row.tbl].dimensions.map((_, index) => (index === 0 ? row.key1 : row.key2)),
      month: row.month,
      owner: row.owner,
      records: row.records,
      keySum: row.key_sum,
    }));
    const records = groups.filter((group) => group.table === 'entities' || group.table === 'noticesByKind').reduce((sum, group) => sum + group.records, 0);
    const hash = releaseDigest(cutoff, groups);
    const last = await tx.maybeOne<{ id: string; digest: string }>(sql`SELECT id, digest FROM linkage_releases ORDER BY computed_at DESC, id DESC LIMIT 1`);
    if (last && last.digest === hash && !options.force) {
      await tx.query(sql`UPDATE linkage_releases SET checked_at = ${now} WHERE id = ${last.id}`);
      return { releaseId: null, cutoff, cells: 0, records };
    }
    const cells = releaseCounts(groups, monthNumber(cutoff));
    const owners = [...new Set(groups.map((group) => group.owner))].sort();
    const { id } = await tx.one<{ id: string }>(sql`
      INSERT INTO linkage_releases (computed_at, checked_at, cutoff, reason, digest, records, owners)
      VALUES (${now}, ${now}, ${cutoff}, ${reason}, ${hash}, ${records}, ${owners}::text[]) RETURNING id`);
    for (let start = 0; start < cells.length; start += 2000) {
      const batch = cells.slice(start, start + 2000);
      await tx.query(sql`
        INSERT INTO linkage_release_cells (release_id, tbl, period, key1, key2, published, count)
        SELECT ${id}, c.tbl, c.period, c.key1, c.key2, c.published, c.count
        FROM unnest(${batch.map((c) => c.table)}::text[], ${batch.map((c) => c.period)}::text[], ${batch.map((c) => c.keys[0] ?? '')}::text[],
          ${batch.map((c) => c.keys[1] ?? '')}::text[], ${batch.map((c) => c.published)}::boolean[], ${batch.map((c) => c.count)}::int[])
          AS c (tbl, period, key1, key2, published, count)`);
    }
    await appendAudit(tx, {}, [{
      action: 'linkage.release',
      objectType: 'linkage-release',
      objectId: id,
      ...(owners.length ? { objectOwners: owners } : {}),
      details: { cutoff, reason, cells: cells.length },
    }]);
    return { releaseId: id, cutoff, cells: cells.length, records };
  });
}

/** Why a linkage release is due now, if it is: a month closed since the last one, or the schedule. */
export async function linkageReleaseDue(db: Database, now: Date, everyHours: number): Promise<ReleaseReason | null> {
  const last = await db.ownerTransaction((tx) =>
    tx.maybeOne<{ cutoff: string; checked_at: Date }>(sql`SELECT cutoff::text AS cutoff, checked_at FROM linkage_releases ORDER BY computed_at DESC, id DESC LIMIT 1`),
  );
  return releaseDueAfter(last, now, everyHours);
}

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
export async function readLinkageRelease(ctx: Ctx, query: { table?: LinkageReleaseTable; interval?: ReleaseInterval; published?: boolean }) {
  const table = query.table ?? 'entitiesByKind';
  const interval = query.interval ?? 'quarter';
  const published = query.published ?? false;
  const row = await ctx.tx.maybeOne<{ id: string; computed_at: Date; cutoff: string; reason: ReleaseReason }>(
    sql`SELECT id, computed_at, cutoff::text AS cutoff, reason FROM linkage_releases ORDER BY computed_at DESC, id DESC LIMIT 1`,
  );
  const release = row ? { id: row.id, computedAt: row.computed_at.toISOString(), cutoff: row.cutoff, reason: row.reason } : null;
  const cells = release
    ? await ctx.tx.query<{ period: string; key1: string; key2: string; count: number }>(sql`
        SELECT period, key1, key2, count FROM linkage_release_cells
        WHERE release_id = ${release.id} AND tbl = ${table} AND period ~ ${PERIOD_PATTERN[interval]} AND (published OR NOT ${published})
        ORDER BY period, key1, key2`)
    : [];
  await ctx.audit({ action: 'linkage.release-read', objectType: 'linkage-release', ...(release ? { objectId: release.id } : {}), details: { criteria: { table, interval, published } } });
  return {
    release,
    tables: LINKAGE_RELEASE_TABLE_NAMES.map((name) => ({ name, label: LINKAGE_RELEASE_TABLES[name].label, dimensions: [...LINKAGE_RELEASE_TABLES[name].dimensions] })),
    intervals: [...RELEASE_INTERVALS],
    table,
    interval,
    k: published ? K_PUBLISHED : K_PLATFORM,
    cells: cells.map((cell) => ({
      period: cell.period,
      keys: LINKAGE_RELEASE_TABLES[table].dimensions.map((_, index) => (index === 0 ? cell.key1 : cell.key2)),
      count: cell.count,
    })),
  };
}
