/**
 * Retention: a subject is deleted once its retention date has passed, and a search's record (with
 * its answers) once the agreement's keeping period has; each deletion is audited for its member.
 * Runs at start and every hour; the galleries in memory follow (in other processes through the
 * subjects' notifications).
 */
import { appendAudit } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { galleryIndexOf } from './gallery-index.js';
import { remindStepTwo } from './step-two.js';

export async function applyRetention(platform: Platform, now = new Date()): Promise<{ subjects: number; searches: number }> {
  const { subjects, searches } = await platform.db.ownerTransaction(async (tx) => {
    const subjects = await tx.query<{ id: string; key: string; owner: string }>(sql`DELETE FROM biometric_subjects
      WHERE retain_until < (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date RETURNING id, key::text, owner`);
    const searches = await tx.query<{ id: string; searcher: string }>(sql`DELETE FROM biometric_searches WHERE keep_until < ${now.toISOString()}::timestamptz RETURNING id, searcher`);
    for (const subject of subjects) {
      await appendAudit(tx, { member: subject.owner }, [{ action: 'biometrics.subject-expire', objectType: 'biometric-subject', objectId: subject.id }]);
    }
    for (const search of searches) {
      await appendAudit(tx, { member: search.searcher }, [{ action: 'biometrics.search-expire', objectType: 'biometric-search', objectId: search.id }]);
    }
    return { subjects, searches };
  });
  const galleries = galleryIndexOf(platform);
  for (const subject of subjects) galleries.remove(BigInt(subject.key));
  return { subjects: subjects.length, searches: searches.length };
}

/** Retention, and reminders of step-two requests past their deadline, at start and every hour. */
export function startRetention(platform: Platform, onReminded: () => void, onError: (error: unknown) => void, everyMs = 60 * 60_000): RepeatingJob {
  return repeat(
    async () => {
      await applyRetention(platform);
      if ((await remindStepTwo(platform)) > 0) onReminded();
    },
    { everyMs, onError, runNow: true },
  );
}
