/**
 * Document hits as records that hold an entity (platform/entity-sources.ts): the travel document a
 * check found, issuer and number, offered to linkage when the check opens the hit. The linked record
 * is the hit, not the register's record: a hit is an encounter (someone presented the document at a
 * border), the register's record only says the document was lost or stolen. Its entity row copies the
 * hit's access fields, so it is seen exactly by those who see the hit, the issuer (owner) and the
 * checking member (its one audience member), and a member who holds the same document in a record
 * learns of the hit only as a notice naming the issuer, whose name the document's own key says
 * already: never that a check happened, nor who checked.
 */
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { offerEntities, type EntitySource } from '../../platform/entity-sources.js';
import type { Tlp } from '../../platform/sharing/model.js';
import type { HitDocument } from './queries.js';

export const hitSource: EntitySource = {
  recordType: 'hit',
  entities: { 'travel-document': { issuer: 'issuer', number: 'number' } },
  // The checking member opens the hit; the issuer owns it (migration 0005's insert policy).
  writtenByAudience: { table: 'document_hits' },
  /** What the hit itself shows both its members: the document, who checked it and when. */
  async shown(ctx, ids) {
    const rows = await ctx.tx.query<{ id: string; issuer: string; doc_type: string; number: string; checker: string; created_at: Date }>(sql`
      SELECT h.id, h.issuer, h.doc_type, h.number, h.checker, h.created_at FROM document_hits h WHERE h.id = ANY(${[...ids]}::uuid[]) AND ${ctx.visible('h')}`);
    return new Map(rows.map((row) => [row.id, `Hit on ${row.issuer} ${row.doc_type} ${row.number}, checked by ${row.checker} on ${row.created_at.toISOString().slice(0, 10)}`]));
  },
  /**
   * What the issuer may disclose of its hit: the document as found, its register record's status and
   * dates, and when it was checked. Never which member checked it (that is the checker's to tell, and
   * a hit notice never says it), nor the holder's personal details, which only the documents' own
   * audited step two discloses (GET /documents/hits/{id}/holder).
   */
  disclosable: {
    fields: [
      { name: 'documentType', label: 'Type of document' },
      { name: 'issuer', label: 'Issuing state' },
      { name: 'number', label: 'Document number' },
      { name: 'status', label: 'Status in the register when checked (lost, stolen, …)' },
      { name: 'reportedOn', label: 'Reported to the register on' },
      { name: 'lostOn', label: 'Lost or stolen on' },
      { name: 'lostAt', label: 'Where it was lost, stolen or seized' },
      { name: 'issuedOn', label: 'Issued on' },
      { name: 'expiresOn', label: 'Expires on' },
      { name: 'remarks', label: 'Remarks in the register' },
      { name: 'checkedAt', label: 'Checked at' },
      { name: 'answer', label: 'Your answer to the hit (pending, confirmed, denied)' },
    ],
    async read(ctx, ids) {
      // The register record is the issuer's too (travel_documents_owner_is_issuer); both walls apply to both rows.
      const rows = await ctx.tx.query<{
        id: string; doc_type: string; issuer: string; number: string; status: string; reported_on: string | null; lost_on: string | null; place: string | null;
        issued_on: string | null; expires_on: string | null; remarks: string | null; created_at: Date; outcome: string;
      }>(sql`
        SELECT h.id, h.doc_type, h.issuer, h.number, h.status, d.reported_on::text AS reported_on, d.lost_on::text AS lost_on, d.place,
          d.issued_on::text AS issued_on, d.expires_on::text AS expires_on, d.remarks, h.created_at, h.outcome
        FROM document_hits h
          LEFT JOIN travel_documents d ON d.id = h.document_id AND d.owner = ${ctx.actor.member} AND ${ctx.visible('d')}
        WHERE h.id = ANY(${[...ids]}::uuid[]) AND h.owner = ${ctx.actor.member} AND ${ctx.visible('h')}`);
      return new Map(
        rows.map((row) => [
          row.id,
          {
            documentType: row.doc_type,
            issuer: row.issuer,
            number: row.number,
            status: row.status,
            reportedOn: row.reported_on,
            lostOn: row.lost_on,
            lostAt: row.place,
            issuedOn: row.issued_on,
            expiresOn: row.expires_on,
            remarks: row.remarks,
            checkedAt: row.created_at.toISOString(),
            answer: row.outcome,
          },
        ]),
      );
    },
  },
};

/** Offers the travel documents of the hits a check just opened, in the check's transaction (a repeat check that joined a hit offers nothing new). */
export async function offerHitEntities(ctx: Ctx, found: readonly HitDocument[]): Promise<void> {
  const checker = ctx.actor.member;
  await offerEntities(
    ctx.tx,
    found
      .filter((doc) => doc.opened)
      .map((doc) => ({
        module: 'documents',
        recordType: 'hit',
        id: doc.hit_id,
        access: { owner: doc.owner, audience_kind: 'members', audience_members: [checker], audience_groups: [], tlp: doc.tlp as Tlp, handling: [], handling_note: null },
        parts: [{ issuer: doc.issuer, number: doc.number }],
      })),
  );
}
