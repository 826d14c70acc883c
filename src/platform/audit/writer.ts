import type { Tx, TxContext } from '../db/database.js';
import { literal } from '../db/sql.js';

/** The platform's own audit actions: refused requests (counted, http/refusals.ts), the demo loader, backups and restores, key rotation (`lintas keys`). */
export type PlatformAuditAction =
  | 'auth.token-refused' | 'auth.csrf-refused' | 'auth.throttled' | 'access.role-refused' | 'request.invalid' | 'route.unknown' | 'upload.malware' | 'demo.seed' | 'platform.backup' | 'platform.restore'
  | 'keys.rotate' | 'keys.reencrypt' | 'keys.drop' | 'auth.passwords-peppered';

/**
 * The audit actions of every module, by module name; each module adds its own by declaration
 * merging (see a module's index.ts), so an action no module declared does not compile.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleAuditActions {}
export type AuditAction = PlatformAuditAction | ModuleAuditActions[keyof ModuleAuditActions];

/** What an act records; who did it and from where are added from the request. */
export interface AuditEvent {
  action: AuditAction;
  objectType?: string;
  objectId?: string;
  /** The member whose record was touched; the owner can list the row. */
  objectOwner?: string;
  /** For acts on many records: every owner whose records were touched. */
  objectOwners?: string[];
  purpose?: string;
  details?: Record<string, unknown>;
}

export interface AuditSource {
  userId?: string | undefined;
  member?: string | undefined;
  requestId?: string | undefined;
  address?: string | undefined;
}

/**
 * The context of a transaction that audits for `source` before any member's transaction exists
 * (sign-in, refusals, links in e-mails): audit_append takes rows only for the member and user of
 * the transaction (migration 0043).
 */
export function auditContext(source: AuditSource): TxContext {
  return { member: source.member ?? null, user: source.userId ?? null };
}

/**
 * Appends rows to the audit trail inside the caller's transaction, so they commit or roll back with
 * the act. The append runs at the end of the transaction, in the COMMIT's round trip (`Tx.defer`):
 * a failing append rolls the act back, and the lane's lock is held only for the commit.
 */
export async function appendAudit(tx: Tx, source: AuditSource, events: readonly AuditEvent[]): Promise<void> {
  if (events.length === 0) return;
  tx.defer(auditAppendStatement(events.map((event) => auditEntry(source, event))));
  return Promise.resolve();
}

/** One row as audit_append takes it: the act and who did it (every entry of one shape, cheap to make and to serialise). */
export function auditEntry(source: AuditSource, event: AuditEvent): AuditEntry {
  return {
    userId: source.userId,
    member: source.member,
    requestId: source.requestId,
    address: source.address,
    action: event.action,
    objectType: event.objectType,
    objectId: event.objectId,
    objectOwner: event.objectOwner,
    objectOwners: event.objectOwners,
    purpose: event.purpose,
    details: event.details,
  };
}

export type AuditEntry = AuditSource & AuditEvent;

/** The statement that appends entries, in order, to one lane of the chain (undefined fields are left out). */
export function auditAppendStatement(entries: readonly AuditEntry[]): string {
  return `SELECT audit_append(${literal(JSON.stringify(entries))}::jsonb)`;
}

/**
 * The audit row for a read of many records (a list, a search, an export): one row for the request,
 * naming every other member's records it returned, grouped by owner, so each owner can list its
 * readers (the presenter shows an owner only its own ids). The actor's own records are not reads
 * of shared data and are not named. Undefined when nothing of others was returned.
 */
export function readEvent(
  action: AuditAction,
  objectType: string,
  viewerMember: string,
  records: readonly { id: string; owner: string }[],
  details: Record<string, unknown> = {},
): AuditEvent | undefined {
  const byOwner: Record<string, string[]> = {};
  for (const record of records) {
    if (record.owner === viewerMember) continue;
    (byOwner[record.owner] ??= []).push(record.id);
  }
  const owners = Object.keys(byOwner).sort();
  if (owners.length === 0) return undefined;
  return { action, objectType, objectOwners: owners, details: { ...details, records: byOwner } };
}
