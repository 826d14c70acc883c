import type { Ctx } from '../../platform/context.js';
import { topicContacts } from '../../platform/notify/contacts.js';
import type { Tx } from '../../platform/db/database.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { sharingColumns } from '../../platform/sharing/rule.js';
import type { DocumentType } from './icao.js';
import { openHolder } from './holders.js';
import type { DocumentState, DocumentStatus, HitOutcome, HitsQuery, Holder, RegisterQuery, ReportState, ReportsQuery } from './schemas.js';

/** A travel document as read from the database. */
export interface DocumentRow extends SharingRow {
  id: string;
  issuer: string;
  doc_type: DocumentType;
  number: string;
  status: DocumentStatus;
  state: DocumentState;
  reported_on: string;
  lost_on: string | null;
  issued_on: string | null;
  expires_on: string | null;
  place: string | null;
  remarks: string | null;
  /** The holder details, sealed (holders.ts). */
  holder_sealed: Uint8Array | null;
  /** The holder details opened: for the issuer's own records only (withOwnHolders), or by step two. */
  holder?: Holder | null;
  reported_by: string | null;
  report_note: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const columns = sql`d.id, d.issuer, d.doc_type, d.number, d.status, d.state, d.reported_on, d.lost_on, d.issued_on, d.expires_on, d.place,
  d.remarks, d.holder_sealed, d.reported_by,
  d.report_note, d.decision_note, d.decided_at, d.cancelled_at, d.cancel_reason, d.created_at, d.updated_at, ${sharingColumns('d')}`;

/**
 * Which documents the actor may see: the sharing rule, and the member's own reports of foreign
 * documents while they wait or once rejected (the reporter policy, migration 0014, says the same in
 * the database). A confirmed report is the issuer's record, under the issuer's sharing alone.
 */
export function documentVisibility(ctx: Ctx, alias: string): Sql {
  if (ctx.platform.unsafeWithoutSharingCondition) return sql`true`;
  const t = sql.raw(alias);
  return sql`(${ctx.visible(alias)} OR (${t}.reported_by = ${ctx.actor.member} AND ${t}.state IN ('pending-confirmation', 'rejected')))`;
}

/** Opens the holder details of the rows the actor's member owns (others' stay sealed: they read them through step two). */
async function withOwnHolders<Rows extends DocumentRow[]>(ctx: Ctx, rows: Rows): Promise<Rows> {
  for (const row of rows) row.holder = row.owner === ctx.actor.member ? await openHolder(ctx.platform, ctx.tx, row.holder_sealed) : null;
  return rows;
}

export async function findDocument(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<DocumentRow | undefined> {
  const row = await ctx.tx.maybeOne<DocumentRow>(sql`
    SELECT ${columns} FROM travel_documents d WHERE d.id = ${id} AND ${documentVisibility(ctx, 'd')}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
  return row ? (await withOwnHolders(ctx, [row]))[0] : undefined;
}

function registerFilters(ctx: Ctx, query: RegisterQuery): Sql[] {
  const where: Sql[] = [sql`d.owner = ${ctx.actor.member}`, ctx.visible('d')];
  if (query.state) where.push(sql`d.state = ${query.state}`);
  if (query.status) where.push(sql`d.status = ${query.status}`);
  if (query.type) where.push(sql`d.doc_type = ${query.type}`);
  if (query.number) {
    const prefix = query.number.toUpperCase().replace(/[^A-Z0-9]/g, '');
    where.push(sql`d.number >= ${prefix} AND d.number < ${`${prefix}\u{10FFFF}`}`);
  }
  if (query.reportedFrom) where.push(sql`d.reported_on >= ${query.reportedFrom}::date`);
  if (query.reportedTo) where.push(sql`d.reported_on <= ${query.reportedTo}::date`);
  return where;
}

/** How many of its own register's records the list would show under this filter, over all its pages. */
export async function countRegister(ctx: Ctx, query: RegisterQuery): Promise<number> {
  const row = await ctx.tx.one<{ count: number }>(sql`SELECT count(*)::int AS count FROM travel_documents d WHERE ${sql.join(registerFilters(ctx, query), ' AND ')}`);
  return row.count;
}

/** A page of the actor's member's own register, by number. */
export async function listRegister(ctx: Ctx, query: RegisterQuery, limit: number): Promise<DocumentRow[]> {
  const where = registerFilters(ctx, query);
  const after = decodeCursor(query.cursor, ['text', 'uuid']);
  if (after) where.push(sql`(d.number, d.id) > (${after[0]}::text, ${after[1]}::uuid)`);
  return withOwnHolders(ctx, await ctx.tx.query<DocumentRow>(sql`
    SELECT ${columns} FROM travel_documents d WHERE ${sql.join(where, ' AND ')}
    ORDER BY d.number COLLATE "C", d.id LIMIT ${limit + 1}`));
}

/** A report of a foreign document as its reporter sees it: what it reported and where its report stands. */
export interface ForeignReportRow {
  id: string;
  owner: string;
  reported_by: string;
  issuer: string;
  doc_type: DocumentType;
  number: string;
  report_state: ReportState;
  report_note: string | null;
  decision_note: string | null;
  decided_at: Date | null;
  created_at: Date;
  created_key: string;
}

/**
 * A page of the foreign documents the actor's member reported, newest first, through
 * `documents_reports_of_member` (migration 0014): no column of the issuer's record beyond the
 * report's own. The function keys on the transaction's member; the query layer says so again.
 */
export async function listReports(ctx: Ctx, query: ReportsQuery, limit: number): Promise<ForeignReportRow[]> {
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  const mine = ctx.platform.unsafeWithoutSharingCondition ? sql`true` : sql`r.reported_by = ${ctx.actor.member}`;
  return ctx.tx.query<ForeignReportRow>(sql`
    SELECT r.*, to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key
    FROM documents_reports_of_member(${query.state ?? null}::text, ${after?.[0] ?? null}::timestamptz, ${after?.[1] ?? null}::uuid, ${limit + 1}::int) r
    WHERE ${mine}
    ORDER BY r.created_at DESC, r.id DESC`);
}

/** The documents among `ids` that the actor may see. */
export async function findDocuments(ctx: Ctx, ids: readonly string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  return withOwnHolders(ctx, await ctx.tx.query<DocumentRow>(sql`SELECT ${columns} FROM travel_documents d WHERE d.id = ANY(${ids}::uuid[]) AND ${documentVisibility(ctx, 'd')}`));
}

/** The member's active record of a document, if any (the live record a write must not duplicate). */
export async function findActive(tx: Tx, issuer: string, type: DocumentType, number: string): Promise<{ id: string; owner: string } | undefined> {
  return tx.maybeOne(sql`SELECT id, owner FROM travel_documents WHERE issuer = ${issuer} AND doc_type = ${type} AND number = ${number} AND state = 'active'`);
}

export interface FoundDocument {
  id: string;
  issuer: string;
  doc_type: DocumentType;
  number: string;
  status: DocumentStatus;
  reported_on: string;
  lost_on: string | null;
  expires_on: string | null;
  owner: string;
  tlp: string;
  handling: string[];
}

/** A document a check found, with the hit record the check opened or joined, and its issuer's contact point. */
export interface HitDocument extends FoundDocument {
  hit_id: string;
  /** Whether this check opened the hit (false: a repeat check joined the member's hit still waiting for the issuer). */
  opened: boolean;
  contact: Contact;
}

/**
 * Holds, until the transaction ends, the right to open hits on these documents for the actor's
 * member, so two simultaneous checks of one document cannot both open a hit: the second waits, and
 * its statement (a new snapshot) then finds the first one's hit and joins it. Only checks that may
 * hit take it.
 */
export async function lockHitsFor(ctx: Ctx, keys: readonly { issuer: string; type: DocumentType; number: string }[]): Promise<void> {
  const names = [...new Set(keys.map((k) => `document-hit/${ctx.actor.member}/${k.issuer}/${k.type}/${k.number}`))].sort();
  if (names.length === 0) return;
  await ctx.tx.query(sql`SELECT pg_advisory_xact_lock(hashtextextended(name, 0)) FROM unnest(${names}::text[]) WITH ORDINALITY AS n(name, i) ORDER BY i`);
}

/**
 * The active documents among `keys` that the actor may see (the confirmation of the index's
 * positives and, without the index, every check's lookup), each with its hit record and the
 * issuer's contact point. A document the member already has a hit on that waits for the issuer's
 * answer gets this check added to that hit; any other opens a new hit (owned by its issuer, shared
 * with the checking member only). Every check is written as a row of its hit. One statement, one
 * round trip, for a whole batch: a hit is what a border officer waits for. Its plan (the register's
 * key index, whatever the values) is made once per connection, since planning it with the
 * row-level security policies of both tables cost more than running it.
 */
export async function openHitsFor(
  ctx: Ctx,
  keys: readonly { issuer: string; type: DocumentType; number: string }[],
  check: { purpose: string; via: 'number' | 'mrz' | 'batch' },
): Promise<HitDocument[]> {
  if (keys.length === 0) return [];
  const key = keys[0] as (typeof keys)[number];
  // One key: the register's unique index directly; many: joined from the keys (each once).
  const documents =
    keys.length === 1
      ? sql`travel_documents d WHERE d.issuer = ${key.issuer} AND d.doc_type = ${key.type} AND d.number = ${key.number} AND d.state = 'active'`
      : sql`(SELECT DISTINCT * FROM unnest(${keys.map((k) => k.issuer)}::text[], ${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.number)}::text[])
              AS k(issuer, doc_type, number)) k
            JOIN travel_documents d ON d.issuer = k.issuer AND d.doc_type = k.doc_type AND d.number = k.number WHERE d.state = 'active'`;
  const member = ctx.actor.member;
  return ctx.tx.query<HitDocument>(sql`
    WITH found AS (
      SELECT d.id, d.issuer, d.doc_type, d.number, d.status, d.reported_on, d.lost_on, d.expires_on, d.owner, d.tlp, d.handling
      FROM ${documents} AND ${ctx.visible('d')}
    ), waiting AS (
      SELECT DISTINCT ON (h.document_id) h.id, h.document_id FROM document_hits h JOIN found f ON h.document_id = f.id AND h.owner = f.owner
      WHERE h.checker = ${member} AND h.outcome = 'pending' AND ${ctx.visible('h')}
      ORDER BY h.document_id, h.created_at, h.id
    ), opened AS (
      INSERT INTO document_hits (document_id, issuer, doc_type, number, status, checker, checked_by, purpose, via, request_id, owner,
        audience_kind, audience_members, tlp)
      SELECT f.id, f.issuer, f.doc_type, f.number, f.status, ${member}, ${ctx.actor.userId}::uuid, ${check.purpose}, ${check.via},
        ${ctx.request.requestId}, f.owner, 'members', ARRAY[${member}]::text[],
        -- RED stays RED; the hit is shared with the checker alone in any case.
        f.tlp
      FROM found f WHERE NOT EXISTS (SELECT 1 FROM waiting w WHERE w.document_id = f.id)
      RETURNING id, document_id
    ), hits AS (
      SELECT id, document_id, true AS opened FROM opened UNION ALL SELECT id, document_id, false FROM waiting
    ), checked AS (
      INSERT INTO document_hit_checks (hit_id, checker, checked_by, purpose, via, request_id, owner, audience_kind, audience_members, tlp)
      SELECT x.id, ${member}, ${ctx.actor.userId}::uuid, ${check.purpose}, ${check.via}, ${ctx.request.requestId}, f.owner, 'members',
        ARRAY[${member}]::text[], f.tlp
      FROM hits x JOIN found f ON f.id = x.document_id
    )
    SELECT f.*, x.id AS hit_id, x.opened, ${CONTACT} AS contact FROM found f JOIN hits x ON x.document_id = f.id`.withGenericPlan());
}

export interface Contact {
  member: string;
  memberName: string;
  focalPoints: { name: string; email: string }[];
}

/**
 * The contact point of the member `f.owner` as JSON (a Contact): its name and its enabled focal
 * points for documents, or its general ones where it named none for documents, by name.
 */
const CONTACT = sql`(
  SELECT json_build_object('member', m.code, 'memberName', m.name, 'focalPoints', coalesce((
    SELECT json_agg(json_build_object('name', u.name, 'email', u.email) ORDER BY u.name)
    FROM focal_points fp JOIN users u ON u.id = fp.user_id AND NOT u.disabled
    WHERE fp.member = m.code AND fp.topic = CASE WHEN EXISTS (
      SELECT 1 FROM focal_points dp JOIN users du ON du.id = dp.user_id AND NOT du.disabled
      WHERE dp.member = m.code AND dp.topic = 'documents') THEN 'documents' ELSE 'general' END), '[]'::json))
  FROM members m WHERE m.code = f.owner)`;

/**
 * Who of each member in `members` is told of a new hit on its documents: the contact point the
 * checker is given (its enabled focal points for documents, or its general ones where it named none
 * for documents), or, for a member that named neither, its enabled users whose roles may answer hits.
 */
export function hitRecipients(ctx: Ctx, members: readonly string[], answerRoles: readonly string[]): Promise<{ member: string; id: string }[]> {
  return topicContacts(ctx.tx, members, 'documents', answerRoles);
}

// Hits ----------------------------------------------------------------------------------------------------

export interface HitRow extends SharingRow {
  id: string;
  document_id: string;
  checker: string;
  checked_by: string | null;
  checked_by_name: string | null;
  purpose: string;
  via: 'number' | 'mrz' | 'batch';
  outcome: HitOutcome;
  notes: string | null;
  answered_at: Date | null;
  reminded_at: Date | null;
  created_at: Date;
  created_key: string;
  issuer: string;
  doc_type: DocumentType;
  number: string;
  status: DocumentStatus;
  check_count: number;
  last_checked_at: Date;
}

const hitColumns = sql`h.id, h.document_id, h.checker, h.checked_by, u.name AS checked_by_name, h.purpose, h.via, h.outcome, h.notes,
  h.answered_at, h.reminded_at, h.created_at, to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
  h.issuer, h.doc_type, h.number, h.status, ${sharingColumns('h')}, c.check_count,
  coalesce(c.last_checked_at, h.created_at) AS last_checked_at`;

/** A hit carries the document as found, under its own access fields (owner: the issuer; audience: the checker). */
function hitFrom(ctx: Ctx): Sql {
  return sql`document_hits h LEFT JOIN users u ON u.id = h.checked_by
    LEFT JOIN LATERAL (SELECT count(*)::int AS check_count, max(c.checked_at) AS last_checked_at FROM document_hit_checks c
      WHERE c.hit_id = h.id AND ${ctx.visible('c')}) c ON true`;
}

function hitFilters(ctx: Ctx, query: Pick<HitsQuery, 'side' | 'outcome'>): Sql[] {
  const side = query.side ?? 'issuer';
  const where: Sql[] = [ctx.visible('h'), side === 'issuer' ? sql`h.owner = ${ctx.actor.member}` : sql`h.checker = ${ctx.actor.member}`];
  if (query.outcome) where.push(sql`h.outcome = ${query.outcome}`);
  return where;
}

/** How many hits the list would show under this filter, over all its pages. */
export async function countHits(ctx: Ctx, query: Pick<HitsQuery, 'side' | 'outcome'>): Promise<number> {
  const row = await ctx.tx.one<{ count: number }>(sql`SELECT count(*)::int AS count FROM document_hits h WHERE ${sql.join(hitFilters(ctx, query), ' AND ')}`);
  return row.count;
}

export async function listHits(ctx: Ctx, query: HitsQuery, limit: number): Promise<HitRow[]> {
  const where = hitFilters(ctx, query);
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  if (after) where.push(sql`(h.created_at, h.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  return ctx.tx.query<HitRow>(sql`
    SELECT ${hitColumns} FROM ${hitFrom(ctx)} WHERE ${sql.join(where, ' AND ')}
    ORDER BY h.created_at DESC, h.id DESC LIMIT ${limit + 1}`);
}

export async function findHit(ctx: Ctx, id: string): Promise<HitRow | undefined> {
  return ctx.tx.maybeOne<HitRow>(sql`SELECT ${hitColumns} FROM ${hitFrom(ctx)} WHERE h.id = ${id} AND ${ctx.visible('h')}`);
}

/** One check of a hit: when, by whom, for what and how. */
export interface HitCheckRow {
  id: string;
  checked_at: Date;
  checked_by_name: string | null;
  purpose: string;
  via: 'number' | 'mrz' | 'batch';
}

/** Every check of a hit the actor may see, oldest first (they share the hit's access fields). */
export async function listHitChecks(ctx: Ctx, hitId: string): Promise<HitCheckRow[]> {
  return ctx.tx.query<HitCheckRow>(sql`
    SELECT c.id, c.checked_at, u.name AS checked_by_name, c.purpose, c.via
    FROM document_hit_checks c LEFT JOIN users u ON u.id = c.checked_by
    WHERE c.hit_id = ${hitId} AND ${ctx.visible('c')} ORDER BY c.checked_at, c.id`);
}
