/**
 * Retention: a lead no one has changed for `retentionDays` is deleted with its entity rows (so with
 * its links), as its owner would delete it; what a holder disclosed in step two is deleted that many
 * days after it was disclosed (the request stays, granted, without it). Leads and disclosures hold
 * people's names, phone numbers and accounts in clear: what is out of date goes. Each deletion is
 * audited for the record's owner. Runs at start and every hour, a bounded batch a transaction, so a
 * backlog never holds the embedded database for long. 0 keeps both until their owner deletes them.
 */
import { appendAudit, type AuditEvent } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { inOwnerBatches } from '../../platform/db/batches.js';
import { sql } from '../../platform/db/sql.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { deleteLeads, OBJECT } from './service.js';
import { linkageSettings } from './settings.js';

const ROWS_A_TRANSACTION = 500;

/** Appends a batch's audit rows, one statement for each owner's (not one a row: a batch of 500 took 16 times the bare deletion). */
async function auditForOwners(tx: Tx, rows: readonly { owner: string; event: AuditEvent }[]): Promise<void> {
  const byOwner = new Map<string, AuditEvent[]>();
  for (const row of rows) {
    const events = byOwner.get(row.owner) ?? [];
    events.push(row.event);
    byOwner.set(row.owner, events);
  }
  for (const [owner, events] of byOwner) await appendAudit(tx, { member: owner }, events);
}

/** Deletes the leads unchanged, and the disclosures made, more than the retention period before `now`. */
export async function applyLinkageRetention(platform: Platform, now = new Date(), days = linkageSettings.of(platform.config).retentionDays): Promise<{ leads: number; disclosures: number }> {
  if (days === 0) return { leads: 0, disclosures: 0 };
  const before = sql`${now.toISOString()}::timestamptz - make_interval(days => ${days}::int)`;
  const leads = await inOwnerBatches(platform.db, ROWS_A_TRANSACTION, async (tx, size) => {
    // Locked and skipped when locked: a lead its owner is changing right now is not out of date.
    const rows = await tx.query<{ id: string; owner: string; title: string }>(sql`
      SELECT id, owner, title FROM linkage_leads WHERE updated_at < ${before}
      ORDER BY updated_at LIMIT ${size} FOR UPDATE SKIP LOCKED`);
    if (rows.length === 0) return 0;
    await deleteLeads(tx, rows.map((lead) => lead.id));
    await auditForOwners(
      tx,
      rows.map((lead) => ({ owner: lead.owner, event: { action: 'linkage.lead-expire', objectType: OBJECT, objectId: lead.id, objectOwner: lead.owner, details: { title: lead.title, days } } })),
    );
    return rows.length;
  });
  const disclosures = await inOwnerBatches(platform.db, ROWS_A_TRANSACTION, async (tx, size) => {
    const rows = await tx.query<{ request_id: string; owner: string; record_id: string }>(sql`
      DELETE FROM linkage_disclosures WHERE id IN (
        SELECT id FROM linkage_disclosures WHERE created_at < ${before} ORDER BY created_at LIMIT ${size} FOR UPDATE SKIP LOCKED)
      RETURNING request_id, owner, record_id`);
    await auditForOwners(
      tx,
      rows.map((row) => ({
        owner: row.owner,
        event: { action: 'linkage.disclosure-expire', objectType: 'linkage-request', objectId: row.request_id, objectOwner: row.owner, details: { record: row.record_id, days } },
      })),
    );
    return rows.length;
  });
  return { leads, disclosures };
}

/** The linkage retention, at start and every hour. */
export function startLinkageRetention(platform: Platform, onError: (error: unknown) => void, everyMs = 60 * 60_000): RepeatingJob {
  return repeat(() => applyLinkageRetention(platform), { everyMs, onError, runNow: true });
}
