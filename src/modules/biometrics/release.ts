/**
 * Biometrics' regional release (DESIGN.md §3, rule 6): the only figures about searches, hits and
 * step-two decisions that reach a member over other members'. A search or a decision adds one to
 * its month's tally as it is written (`tally`, in its own transaction); a job turns the tallies of
 * closed periods into fixed tables when a month closes and on a schedule, the same for every
 * viewer, a cell shown only when it passes the platform's thresholds, perturbed by the cell-key
 * method (src/platform/release/). The tallies outlive the search records, which are deleted after
 * their agreement's keeping period, so a closed period's figures do not shrink.
 */
import type { Ctx, Platform } from '../../platform/context.js';
import type { Database, Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { countRelease, type CountReleaseQuery, type CountRow } from '../../platform/release/count-release.js';
import { scheduleRelease, type ReleaseReason } from '../../platform/release/job.js';
import { BIOMETRICS_RELEASE_TABLES, type BiometricsReleaseTable } from './release-tables.js';
import { biometricsSettings } from './settings.js';

/** Counts one record of the acting member in each of these tables' cells for this month. */
export async function tally(tx: Tx, cells: readonly { table: BiometricsReleaseTable; key?: string }[]): Promise<void> {
  if (cells.length === 0) return;
  await tx.query(sql`SELECT biometric_tally(c.tbl, c.key1, '') FROM unnest(${cells.map((c) => c.table)}::text[], ${cells.map((c) => c.key ?? '')}::text[]) AS c (tbl, key1)`);
}

const release = countRelease<BiometricsReleaseTable>({
  prefix: 'biometric',
  lockId: 7425,
  tables: BIOMETRICS_RELEASE_TABLES,
  recordTables: ['searches', 'stepTwoByOutcome'],
  defaultTable: 'searchesByPurpose',
  audit: { make: 'biometrics.release', read: 'biometrics.release-read', objectType: 'biometrics-release' },
  groups: (tx, cutoff) =>
    tx.query<CountRow<BiometricsReleaseTable>>(sql`
      SELECT tbl, key1, key2, month, owner, records, key_sum::float8 AS key_sum FROM biometric_tallies
      WHERE month < (extract(year FROM ${cutoff}::date) * 12 + extract(month FROM ${cutoff}::date) - 1)::int
      ORDER BY tbl, key1, key2, month, owner`),
});

/** Computes and stores a release of the tallies as they are now; skips when nothing changed, unless `force`. */
export const makeBiometricsRelease = (db: Database, reason: ReleaseReason, options: { now?: Date; force?: boolean } = {}) => release.make(db, reason, options);

/** Why a biometrics release is due now, if it is: a month closed since the last one, or the schedule. */
export const biometricsReleaseDue = (db: Database, now: Date, everyHours: number) => release.due(db, now, everyHours);

/** Runs the biometrics release job (once at start, then every `everyMs`); started by the module. */
export function startBiometricsRelease(platform: Platform, onError: (error: unknown) => void, everyMs = 15 * 60_000): { stop(): Promise<void> } {
  return scheduleRelease(
    {
      due: (now) => biometricsReleaseDue(platform.db, now, biometricsSettings.of(platform.config).releaseHours),
      make: (reason) => makeBiometricsRelease(platform.db, reason),
    },
    onError,
    everyMs,
  );
}

/** One table of the latest release, by one interval, as every viewer reads it. */
export const readBiometricsRelease = (ctx: Ctx, query: CountReleaseQuery<BiometricsReleaseTable>) => release.read(ctx, query);
