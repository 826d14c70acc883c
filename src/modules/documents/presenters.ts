import type { Actor } from '../../platform/auth/actor.js';
import { documentAbilities, hitAbilities } from './policy.js';
import { presentSharing } from '../../platform/sharing/rule.js';
import { issuerName } from './icao.js';
import type { DocumentRow, ForeignReportRow, HitCheckRow, HitRow } from './queries.js';
import type { ForeignReportRecord, HitCheck, TravelDocument } from './schemas.js';

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/**
 * When retention erases a record's holder details: `holderDays` after its cancellation, or after the
 * issuer rejected the report of it (the moment and condition of eraseOldHolders in retention.ts).
 * Null while the record is active or the report waits (step two after a hit reads them), where it
 * holds none, or where they are kept for good (0).
 */
function holderKeptUntil(row: DocumentRow, holderDays: number): string | null {
  const from = row.state === 'cancelled' || row.state === 'rejected' ? (row.cancelled_at ?? row.decided_at) : null;
  return holderDays === 0 || !from || !row.holder ? null : new Date(from.getTime() + holderDays * 86_400_000).toISOString();
}

/**
 * A register record. Holder details go to the issuer only, with when they are erased; others read
 * them through step two.
 */
export function presentDocument(actor: Actor, row: DocumentRow, holderDays: number): TravelDocument {
  const own = row.owner === actor.member;
  return {
    id: row.id,
    issuer: row.issuer,
    issuerName: issuerName(row.issuer),
    type: row.doc_type,
    number: row.number,
    status: row.status,
    state: row.state,
    reportedOn: row.reported_on,
    lostOn: row.lost_on,
    issuedOn: row.issued_on,
    expiresOn: row.expires_on,
    place: row.place,
    remarks: row.remarks,
    ...(own ? { holder: row.holder ?? null, holderKeptUntil: holderKeptUntil(row, holderDays) } : {}),
    reportedBy: row.reported_by,
    reportNote: row.report_note,
    decisionNote: row.decision_note,
    decidedAt: iso(row.decided_at),
    cancelledAt: iso(row.cancelled_at),
    cancelReason: row.cancel_reason,
    ...presentSharing(actor, row),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    abilities: documentAbilities(actor, row),
  };
}

/** A member's report of a foreign document, with the record as far as the member may see it (`document`, or null). */
export function presentForeignReport(actor: Actor, row: ForeignReportRow, document: DocumentRow | undefined, holderDays: number): ForeignReportRecord {
  return {
    id: row.id,
    issuer: row.issuer,
    issuerName: issuerName(row.issuer),
    type: row.doc_type,
    number: row.number,
    state: row.report_state,
    note: row.report_note,
    decisionNote: row.decision_note,
    decidedAt: iso(row.decided_at),
    reportedAt: row.created_at.toISOString(),
    document: document ? presentDocument(actor, document, holderDays) : null,
  };
}

/**
 * One check of a hit. The issuer learns of a repeat check only that it happened, when and how (by
 * number, MRZ or batch): as much as it learned of the first check's moment, and no more of the
 * checking member. Who checked and for what purpose stay with the checking member, whose record the
 * check is; the first check's user and purpose remain on the hit itself, as before grouping.
 */
export function presentHitCheck(actor: Actor, hit: Pick<HitRow, 'checker'>, row: HitCheckRow): HitCheck {
  const checking = actor.member === hit.checker;
  return {
    checkedAt: row.checked_at.toISOString(),
    via: row.via,
    ...(checking ? { checkedBy: row.checked_by_name, purpose: row.purpose } : {}),
  };
}

export function presentHit(actor: Actor, row: HitRow, checks?: readonly HitCheckRow[]) {
  return {
    id: row.id,
    documentId: row.document_id,
    issuer: row.issuer,
    type: row.doc_type,
    number: row.number,
    status: row.status,
    owner: row.owner,
    checker: row.checker,
    checkedBy: row.checked_by_name,
    purpose: row.purpose,
    via: row.via,
    outcome: row.outcome,
    notes: row.notes,
    answeredAt: iso(row.answered_at),
    remindedAt: iso(row.reminded_at),
    createdAt: row.created_at.toISOString(),
    checkCount: row.check_count,
    lastCheckedAt: row.last_checked_at.toISOString(),
    ...(checks ? { checks: checks.map((check) => presentHitCheck(actor, row, check)) } : {}),
    abilities: hitAbilities(actor, row),
  };
}
