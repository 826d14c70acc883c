import { reportSettings } from '../settings.js';
import { appendAudit } from '../../../platform/audit/writer.js';
import type { Platform } from '../../../platform/context.js';
import type { Database, Tx } from '../../../platform/db/database.js';
import { sql } from '../../../platform/db/sql.js';
import { RANDOM_CELL_KEY, releaseDigest, releaseDueAfter, scheduleRelease, type ReleaseReason } from '../../../platform/release/job.js';
import { cutoffOf, monthNumber } from '../../../platform/release/periods.js';
import { FIGURES, type Figure } from '../analysis/figures.js';
import { FIGURE_COLUMNS, type FactRow } from '../analysis/fact-store.js';
import { computeRelease, type ReleaseRecord } from './tables.js';

/**
 * The job that computes the reports' regional release: when a month closes (the first run in a new month)
 * and again every `LINTAS_RELEASE_HOURS` (so reports approved late for closed periods enter it),
 * never on a viewer's request (the schedule and the thresholds are the platform's: src/platform/release/). A scheduled run whose records are unchanged since the last release
 * writes nothing but the time it checked. One release is one transaction: its cells, which owners'
 * records entered it, and its audit row naming those owners.
 */

/** A regional fact as the job reads it: its row of report_facts and its record's key. */
type KeyedFact = Pick<FactRow, 'report_id' | 'owner' | 'incident_type' | 'country' | 'destination' | 'flows' | 'citizenships' | 'modes'
  | 'fee_per_person' | 'fee_currency' | (typeof FIGURE_COLUMNS)[number]> & { month: number; cell_key: number };

interface ReleaseOutcome {
  /** The release made, or null when the records were unchanged since the last one. */
  releaseId: string | null;
  cutoff: string;
  cells: number;
  records: number;
}

/**
 * Computes and stores a release of the records as they are now, for the periods closed before
 * `now`'s month. Runs as the schema owner (it counts every member's regional records; only cells
 * that pass the thresholds leave it). Skips when nothing changed since the last release, unless
 * `force`.
 */
export async function makeRelease(db: Database, reason: ReleaseReason, options: { now?: Date; force?: boolean } = {}): Promise<ReleaseOutcome> {
  const now = options.now ?? new Date();
  const cutoff = cutoffOf(now);
  return db.ownerTransaction(async (tx) => {
    // One release at a time across every process of a deployment.
    await tx.query(sql`SELECT pg_advisory_xact_lock(7413)`);
    await assignKeys(tx);
    const rows = await tx.query<KeyedFact>(sql`
      SELECT f.report_id, f.owner, f.month, k.cell_key, f.incident_type, f.country, f.destination, f.flows, f.citizenships, f.modes,
        f.fee_per_person, f.fee_currency, f.people_total, f.adult_men, f.adult_women, f.boys, f.girls, f.unknown_sex_or_age,
        f.unaccompanied_children, f.intercepted, f.rescued, f.dead, f.missing, f.returned, f.claimed_asylum, f.arrests, f.convictions
      FROM report_facts f JOIN report_release_keys k ON k.report_id = f.report_id
      WHERE f.counts_in_regional AND f.month IS NOT NULL AND f.month < ${monthNumber(cutoff)}
      ORDER BY f.report_id`);
    const hash = releaseDigest(cutoff, rows);
    const last = await tx.maybeOne<{ id: string; digest: string }>(sql`SELECT id, digest FROM report_releases ORDER BY computed_at DESC, id DESC LIMIT 1`);
    if (last && last.digest === hash && !options.force) {
      await tx.query(sql`UPDATE report_releases SET checked_at = ${now} WHERE id = ${last.id}`);
      return { releaseId: null, cutoff, cells: 0, records: rows.length };
    }
    const records: ReleaseRecord[] = rows.map((row) => ({
      id: row.report_id,
      owner: row.owner,
      month: row.month,
      key: row.cell_key,
      incidentType: row.incident_type,
      country: row.country,
      destination: row.destination,
      flows: row.flows,
      citizenships: row.citizenships,
      modes: row.modes,
      feePerPerson: row.fee_per_person,
      feeCurrency: row.fee_currency,
      figures: Object.fromEntries(FIGURES.map((figure, i) => [figure, row[FIGURE_COLUMNS[i] ?? 'people_total']])) as Record<Figure, number>,
    }));
    const cells = computeRelease(records, monthNumber(cutoff));
    const byOwner = new Map<string, string[]>();
    for (const record of records) {
      const list = byOwner.get(record.owner) ?? [];
      list.push(record.id);
      byOwner.set(record.owner, list);
    }
    const owners = [...byOwner.keys()].sort();
    const { id } = await tx.one<{ id: string }>(sql`
      INSERT INTO report_releases (computed_at, checked_at, cutoff, reason, digest, records, owners)
      VALUES (${now}, ${now}, ${cutoff}, ${reason}, ${hash}, ${records.length}, ${owners}::text[]) RETURNING id`);
    for (let start = 0; start < cells.length; start += 2000) {
      const batch = cells.slice(start, start + 2000);
      await tx.query(sql`
        INSERT INTO report_release_cells (release_id, tbl, period, key1, key2, published, reports, figures, fee_mean)
        SELECT ${id}, c.tbl, c.period, c.key1, c.key2, c.published, c.reports, c.figures, c.fee_mean
        FROM unnest(${batch.map((c) => c.table)}::text[], ${batch.map((c) => c.period)}::text[], ${batch.map((c) => c.keys[0] ?? '')}::text[],
          ${batch.map((c) => c.keys[1] ?? '')}::text[], ${batch.map((c) => c.published)}::boolean[], ${batch.map((c) => c.reports)}::int[],
          ${batch.map((c) => JSON.stringify(c.figures))}::jsonb[], ${batch.map((c) => c.feeMean)}::float8[])
          AS c(tbl, period, key1, key2, published, reports, figures, fee_mean)`);
    }
    for (const owner of owners) {
      await tx.query(sql`INSERT INTO report_release_records (release_id, owner, reports) VALUES (${id}, ${owner}, ${byOwner.get(owner) ?? []}::uuid[])`);
    }
    await appendAudit(tx, {}, [{
      action: 'reports.release',
      objectType: 'report-release',
      objectId: id,
      ...(owners.length ? { objectOwners: owners } : {}),
      details: { cutoff, reason, cells: cells.length },
    }]);
    return { releaseId: id, cutoff, cells: cells.length, records: records.length };
  });
}

/** Gives every shared regional report without a key its fixed random key (32 bits from a random uuid). */
async function assignKeys(tx: Tx): Promise<void> {
  await tx.query(sql`
    INSERT INTO report_release_keys (report_id, cell_key)
    SELECT f.report_id, ${RANDOM_CELL_KEY}
    FROM report_facts f
    WHERE f.counts_in_regional AND NOT EXISTS (SELECT 1 FROM report_release_keys k WHERE k.report_id = f.report_id)`);
}

/** Why a release is due now, if it is: a month closed since the last one, or the schedule. */
export async function releaseDue(db: Database, now: Date, everyHours: number): Promise<ReleaseReason | null> {
  const last = await db.ownerTransaction((tx) =>
    tx.maybeOne<{ cutoff: string; checked_at: Date }>(sql`SELECT cutoff, checked_at FROM report_releases ORDER BY computed_at DESC, id DESC LIMIT 1`),
  );
  return releaseDueAfter(last, now, everyHours);
}

/** Runs the release job every `everyMs` (and once at start) until stopped; started by the server. */
export function startReleaseJob(platform: Platform, onError: (error: unknown) => void, everyMs = 15 * 60_000): { stop(): Promise<void> } {
  return scheduleRelease(
    {
      due: (now) => releaseDue(platform.db, now, reportSettings.of(platform.config).releaseHours),
      make: (reason) => makeRelease(platform.db, reason),
    },
    onError,
    everyMs,
  );
}
