/**
 * Retention: the holder details of a document its issuer cancelled, or of another member's report of
 * a document the issuer rejected, are erased `holderRetentionDays` after the cancellation or the
 * decision. The record stays as history (number, status, dates, who reported it), naming no one.
 * Active documents and reports still waiting for the issuer keep theirs: step two after a hit reads
 * them. Runs at start and every hour, a bounded batch a transaction; each batch is audited for each
 * issuer, with the documents it touched. 0 keeps holder details for good.
 */
import { appendAudit } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import { inOwnerBatches } from '../../platform/db/batches.js';
import { sql } from '../../platform/db/sql.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { documentSettings } from './settings.js';

const DOCUMENTS_A_TRANSACTION = 1_000;

/** Erases the holder details kept past the retention period before `now`; the number of documents. */
export async function eraseOldHolders(platform: Platform, now = new Date(), days = documentSettings.of(platform.config).holderRetentionDays): Promise<number> {
  if (days === 0) return 0;
  return inOwnerBatches(platform.db, DOCUMENTS_A_TRANSACTION, async (tx, size) => {
    // The expression and the condition are those of the partial index travel_documents_holder_kept (migration 0064).
    const rows = await tx.query<{ id: string; owner: string }>(sql`
      UPDATE travel_documents SET holder_sealed = NULL, holder_digest = NULL
      WHERE id IN (SELECT id FROM travel_documents
        WHERE holder_sealed IS NOT NULL AND state IN ('cancelled', 'rejected')
          AND coalesce(cancelled_at, decided_at) < ${now.toISOString()}::timestamptz - make_interval(days => ${days}::int)
        ORDER BY coalesce(cancelled_at, decided_at) LIMIT ${size} FOR UPDATE SKIP LOCKED)
      RETURNING id, owner`);
    const byOwner = new Map<string, string[]>();
    for (const row of rows) {
      const ids = byOwner.get(row.owner) ?? [];
      ids.push(row.id);
      byOwner.set(row.owner, ids);
    }
    for (const [owner, ids] of byOwner) {
      await appendAudit(tx, { member: owner }, [{ action: 'document.holder-expire', objectType: 'travel-document', objectOwner: owner, details: { documents: ids, days } }]);
    }
    return rows.length;
  });
}

/** The holder details' retention, at start and every hour. */
export function startHolderRetention(platform: Platform, onError: (error: unknown) => void, everyMs = 60 * 60_000): RepeatingJob {
  return repeat(() => eraseOldHolders(platform), { everyMs, onError, runNow: true });
}
