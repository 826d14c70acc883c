import { repeat } from '../jobs.js';
import { createHash } from 'node:crypto';
import { sql } from '../db/sql.js';
import { cutoffOf } from './periods.js';

/**
 * When a module's regional release job runs (DESIGN.md §3, rule 6): when a month closes (the first
 * run in a new month) and again every so many hours (records written late for closed periods enter
 * it), never on a viewer's request. A run whose records are unchanged since the last release
 * writes nothing but the time it checked: the module compares `releaseDigest`s.
 */

export type ReleaseReason = 'period-closed' | 'scheduled' | 'operator';
export const RELEASE_REASONS: readonly ReleaseReason[] = ['period-closed', 'scheduled', 'operator'];

/** A new record's fixed random key of the cell-key method: 32 bits from a random uuid, in SQL. */
export const RANDOM_CELL_KEY = sql`('x' || substr(replace(gen_random_uuid()::text, '-', ''), 1, 8))::bit(32)::bigint`;

/** Why a release is due at `now`, given the last one (its cutoff, and when it was last checked). */
export function releaseDueAfter(last: { cutoff: string; checked_at: Date } | null | undefined, now: Date, everyHours: number): ReleaseReason | null {
  if (!last || last.cutoff < cutoffOf(now)) return 'period-closed';
  if (now.getTime() - last.checked_at.getTime() >= everyHours * 3600_000) return 'scheduled';
  return null;
}

/** What a release was computed from: its cutoff and its records as read (the same rows give the same digest). */
export function releaseDigest(cutoff: string, rows: readonly unknown[]): string {
  const digest = createHash('sha256').update(cutoff);
  for (const row of rows) digest.update(JSON.stringify(row));
  return digest.digest('hex');
}

/**
 * Runs `due` every `everyMs` (and once at start) until stopped, and `make` when it names a reason;
 * one run at a time. Started by a module's `start`.
 */
export function scheduleRelease(
  job: { due(now: Date): Promise<ReleaseReason | null>; make(reason: ReleaseReason): Promise<unknown> },
  onError: (error: unknown) => void,
  everyMs = 15 * 60_000,
): { stop(): Promise<void> } {
  return repeat(
    async () => {
      const reason = await job.due(new Date());
      if (reason) await job.make(reason);
    },
    { everyMs, onError, runNow: true },
  );
}
