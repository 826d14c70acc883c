/**
 * Retention: a subject is deleted once its retention date has passed, and a search's record (with
 * its answers) once the agreement's keeping period has; each deletion is audited for its member.
 * Runs at start and every hour; the galleries in memory follow (in other processes through the
 * subjects' notifications). A bulk enrolment's record goes once it has ended so many days ago, and
 * a run left queued or running by a process that stopped is marked interrupted.
 */
import { appendAudit } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { INTERRUPTED, liveEnrolmentIds } from './enrolment-runner.js';
import { galleryIndexOf } from './gallery-index.js';
import { biometricsSettings } from './settings.js';
import { remindStepTwo } from './step-two.js';

export async function applyRetention(platform: Platform, now = new Date()): Promise<{ subjects: number; searches: number; enrolments: number; interrupted: number }> {
  const runDays = biometricsSettings.of(platform.config).enrolmentRunDays;
  // A run this process is not running and that has not moved for a while was left by a process that
  // stopped: on PGlite there is one process; on PostgreSQL another may be running it, so wait longer.
  const still = platform.db.kind === 'pglite' ? '1 minute' : '1 hour';
  const live = liveEnrolmentIds(platform.db);
  const { subjects, searches, enrolments, interrupted } = await platform.db.ownerTransaction(async (tx) => {
    const subjects = await tx.query<{ id: string; key: string; owner: string }>(sql`DELETE FROM biometric_subjects
      WHERE retain_until < (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')::date RETURNING id, key::text, owner`);
    const searches = await tx.query<{ id: string; searcher: string }>(sql`DELETE FROM biometric_searches WHERE keep_until < ${now.toISOString()}::timestamptz RETURNING id, searcher`);
    for (const subject of subjects) {
      await appendAudit(tx, { member: subject.owner }, [{ action: 'biometrics.subject-expire', objectType: 'biometric-subject', objectId: subject.id }]);
    }
    for (const search of searches) {
      await appendAudit(tx, { member: search.searcher }, [{ action: 'biometrics.search-expire', objectType: 'biometric-search', objectId: search.id }]);
    }
    const enrolments = await tx.query<{ id: string; owner: string }>(sql`DELETE FROM biometric_enrolment_runs
      WHERE finished_at < ${now.toISOString()}::timestamptz - make_interval(days => ${runDays}::int) RETURNING id, owner`);
    for (const run of enrolments) {
      await appendAudit(tx, { member: run.owner }, [{ action: 'biometrics.enrolment-expire', objectType: 'biometric-enrolment', objectId: run.id }]);
    }
    const interrupted = await tx.query(sql`UPDATE biometric_enrolment_runs SET status = 'interrupted', problem = ${JSON.stringify(INTERRUPTED)}::jsonb, finished_at = now()
      WHERE status IN ('queued', 'running') AND updated_at < ${now.toISOString()}::timestamptz - ${still}::interval AND NOT (id = ANY(${live}::uuid[])) RETURNING id`);
    return { subjects, searches, enrolments: enrolments.length, interrupted: interrupted.length };
  });
  const galleries = galleryIndexOf(platform);
  for (const subject of subjects) galleries.remove(BigInt(subject.key));
  return { subjects: subjects.length, searches: searches.length, enrolments, interrupted };
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
