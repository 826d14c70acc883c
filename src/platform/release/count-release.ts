import { appendAudit, type AuditAction } from '../audit/writer.js';
import type { Ctx } from '../context.js';
import type { Database, Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import { releaseCounts, type CountedGroup } from './cells.js';
import { K_PLATFORM, K_PUBLISHED } from './disclosure.js';
import { releaseDigest, releaseDueAfter, type ReleaseReason } from './job.js';
import { cutoffOf, monthNumber, PERIOD_PATTERN, RELEASE_INTERVALS, type ReleaseInterval } from './periods.js';

/**
 * A module's regional release of counts (DESIGN.md §3, rule 6), stored in two tables of its own:
 * `<prefix>_releases` (one row a release: when, its cutoff, why, the digest of what it read, the
 * owners that entered it) and `<prefix>_release_cells` (the cells that passed the thresholds,
 * perturbed). The module says how its records are added up into groups (table, keys, month,
 * owner, records, sum of their fixed keys); this file computes, stores and reads the release the
 * same way for every module. A viewer's request only picks which stored cells to read.
 */

/** A fixed table of a release: a period crossed with at most two fixed dimensions. */
export interface CountTable {
  readonly dimensions: readonly string[];
  readonly label: string;
}

/** A group of records as the module adds them up where they are stored. */
export interface CountRow<T extends string> {
  tbl: T;
  key1: string;
  key2: string;
  month: number;
  owner: string;
  records: number;
  key_sum: number;
}

export interface CountReleaseSpec<T extends string> {
  /** The module's tables are `<prefix>_releases` and `<prefix>_release_cells`. */
  prefix: string;
  /** Serialises the module's release across every process of a deployment. */
  lockId: number;
  tables: Readonly<Record<T, CountTable>>;
  /** The tables whose records together count each record once (the release's `records`). */
  recordTables: readonly T[];
  defaultTable: T;
  /** Audit actions and object type: computing a release, and reading one. */
  audit: { make: AuditAction; read: AuditAction; objectType: string };
  /** The groups of every record written before `cutoff` (a date), as the schema owner. */
  groups(tx: Tx, cutoff: string): Promise<CountRow<T>[]>;
}

export interface CountReleaseOutcome {
  /** The release made, or null when the records were unchanged since the last one. */
  releaseId: string | null;
  cutoff: string;
  cells: number;
  records: number;
}

export interface CountReleaseQuery<T extends string> {
  table?: T;
  interval?: ReleaseInterval;
  published?: boolean;
}

export function countRelease<T extends string>(spec: CountReleaseSpec<T>) {
  const releases = sql.ident(`${spec.prefix}_releases`);
  const cellsTable = sql.ident(`${spec.prefix}_release_cells`);
  const names = Object.keys(spec.tables) as T[];
  const keysOf = (table: T, key1: string, key2: string) => spec.tables[table].dimensions.map((_, index) => (index === 0 ? key1 : key2));

  /**
   * Computes and stores a release of the records as they are now, for the periods closed before
   * `now`'s month, as the schema owner (only cells that pass the thresholds leave it); one
   * transaction with its audit row naming the owners whose records entered. Skips when nothing
   * changed since the last release, unless `force`.
   */
  async function make(db: Database, reason: ReleaseReason, options: { now?: Date; force?: boolean } = {}): Promise<CountReleaseOutcome> {
    const now = options.now ?? new Date();
    const cutoff = cutoffOf(now);
    return db.ownerTransaction(async (tx) => {
      await tx.query(sql`SELECT pg_advisory_xact_lock(${spec.lockId})`);
      const rows = await spec.groups(tx, cutoff);
      const groups: CountedGroup<T>[] = rows.map((row) => ({
        table: row.tbl,
        keys: keysOf(row.tbl, row.key1, row.key2),
        month: row.month,
        owner: row.owner,
        records: row.records,
        keySum: row.key_sum,
      }));
      const records = groups.filter((group) => spec.recordTables.includes(group.table)).reduce((sum, group) => sum + group.records, 0);
      const hash = releaseDigest(cutoff, groups);
      const last = await tx.maybeOne<{ id: string; digest: string }>(sql`SELECT id, digest FROM ${releases} ORDER BY computed_at DESC, id DESC LIMIT 1`);
      if (last && last.digest === hash && !options.force) {
        await tx.query(sql`UPDATE ${releases} SET checked_at = ${now} WHERE id = ${last.id}`);
        return { releaseId: null, cutoff, cells: 0, records };
      }
      const cells = releaseCounts(groups, monthNumber(cutoff));
      const owners = [...new Set(groups.map((group) => group.owner))].sort();
      const { id } = await tx.one<{ id: string }>(sql`
        INSERT INTO ${releases} (computed_at, checked_at, cutoff, reason, digest, records, owners)
        VALUES (${now}, ${now}, ${cutoff}, ${reason}, ${hash}, ${records}, ${owners}::text[]) RETURNING id`);
      for (let start = 0; start < cells.length; start += 2000) {
        const batch = cells.slice(start, start + 2000);
        await tx.query(sql`
          INSERT INTO ${cellsTable} (release_id, tbl, period, key1, key2, published, count)
          SELECT ${id}, c.tbl, c.period, c.key1, c.key2, c.published, c.count
          FROM unnest(${batch.map((c) => c.table)}::text[], ${batch.map((c) => c.period)}::text[], ${batch.map((c) => c.keys[0] ?? '')}::text[],
            ${batch.map((c) => c.keys[1] ?? '')}::text[], ${batch.map((c) => c.published)}::boolean[], ${batch.map((c) => c.count)}::int[])
            AS c (tbl, period, key1, key2, published, count)`);
      }
      await appendAudit(tx, {}, [{
        action: spec.audit.make,
        objectType: spec.audit.objectType,
        objectId: id,
        ...(owners.length ? { objectOwners: owners } : {}),
        details: { cutoff, reason, cells: cells.length },
      }]);
      return { releaseId: id, cutoff, cells: cells.length, records };
    });
  }

  /** Why a release is due now, if it is: a month closed since the last one, or the schedule. */
  async function due(db: Database, now: Date, everyHours: number): Promise<ReleaseReason | null> {
    const last = await db.ownerTransaction((tx) =>
      tx.maybeOne<{ cutoff: string; checked_at: Date }>(sql`SELECT cutoff::text AS cutoff, checked_at FROM ${releases} ORDER BY computed_at DESC, id DESC LIMIT 1`),
    );
    return releaseDueAfter(last, now, everyHours);
  }

  /** One table of the latest release, by one interval: the cells stored for it, as every viewer reads them. Audited. */
  async function read(ctx: Ctx, query: CountReleaseQuery<T>) {
    const table = query.table ?? spec.defaultTable;
    const interval = query.interval ?? 'quarter';
    const published = query.published ?? false;
    const row = await ctx.tx.maybeOne<{ id: string; computed_at: Date; cutoff: string; reason: ReleaseReason }>(
      sql`SELECT id, computed_at, cutoff::text AS cutoff, reason FROM ${releases} ORDER BY computed_at DESC, id DESC LIMIT 1`,
    );
    const release = row ? { id: row.id, computedAt: row.computed_at.toISOString(), cutoff: row.cutoff, reason: row.reason } : null;
    const cells = release
      ? await ctx.tx.query<{ period: string; key1: string; key2: string; count: number }>(sql`
          SELECT period, key1, key2, count FROM ${cellsTable}
          WHERE release_id = ${release.id} AND tbl = ${table} AND period ~ ${PERIOD_PATTERN[interval]} AND (published OR NOT ${published})
          ORDER BY period, key1, key2`)
      : [];
    await ctx.audit({ action: spec.audit.read, objectType: spec.audit.objectType, ...(release ? { objectId: release.id } : {}), details: { criteria: { table, interval, published } } });
    return {
      release,
      tables: names.map((name) => ({ name, label: spec.tables[name].label, dimensions: [...spec.tables[name].dimensions] })),
      intervals: [...RELEASE_INTERVALS],
      table,
      interval,
      k: published ? K_PUBLISHED : K_PLATFORM,
      cells: cells.map((cell) => ({ period: cell.period, keys: keysOf(table, cell.key1, cell.key2), count: cell.count })),
    };
  }

  return { make, due, read };
}

/** `(year * 12 + month - 1)` of a timestamp column in UTC: the month number the release counts by. */
export const monthOf = (column: string) =>
  sql.raw(`(extract(year FROM ${column} AT TIME ZONE 'UTC') * 12 + extract(month FROM ${column} AT TIME ZONE 'UTC') - 1)::int`);
