import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';

/** What an act records; who did it and from where are added from the request. */
export interface AuditEvent {
  action: string;
  objectType?: string;
  objectId?: string;
  /** The member whose record was touched; the owner can list the row. */
  objectOwner?: string;
  purpose?: string;
  details?: Record<string, unknown>;
}

export interface AuditSource {
  userId?: string | undefined;
  member?: string | undefined;
  requestId?: string | undefined;
  address?: string | undefined;
}

/** Appends rows to the audit trail inside the caller's transaction, so they commit or roll back with the act. */
export async function appendAudit(tx: Tx, source: AuditSource, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  const entries = events.map((event) => ({ ...source, ...event }));
  await tx.query(sql`SELECT audit_append(${JSON.stringify(entries)}::jsonb)`);
}

/**
 * The audit rows for a read of many records (a list, a search, an export): one row per owner,
 * naming only that owner's records, so an owner listing its readers learns nothing of others.
 * The actor's own records are not reads of shared data and are not listed.
 */
export function readEvents(
  action: string,
  objectType: string,
  viewerMember: string,
  records: readonly { id: string; owner: string }[],
  details: Record<string, unknown> = {},
): AuditEvent[] {
  const byOwner = new Map<string, string[]>();
  for (const record of records) {
    if (record.owner === viewerMember) continue;
    const ids = byOwner.get(record.owner) ?? [];
    ids.push(record.id);
    byOwner.set(record.owner, ids);
  }
  return [...byOwner].map(([owner, ids]) => ({ action, objectType, objectOwner: owner, details: { ...details, ids } }));
}
