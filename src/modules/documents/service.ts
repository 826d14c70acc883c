import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { pageOf } from '../../platform/http/pagination.js';
import { assertNoFieldErrors, conflict, forbidden, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { notifyUsers, type NotificationKind } from '../../platform/notify/inbox.js';
import { assertMayDocument, type DocumentAct } from './policy.js';
import type { SharingInput } from '../../platform/sharing/model.js';
import { sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { isIcaoIssuer, issuerForMemberCode, memberCodeForIssuer, normaliseIssuer, type DocumentType } from './icao.js';
import { documentKey, normaliseDocumentNumber } from './number.js';
import { presentDocument, presentForeignReport } from './presenters.js';
import { documentSettings } from './settings.js';
import { holderOf, holderSealer, type SealedHolder } from './holders.js';
import { findActive, findDocument, findDocuments, listRegister, listReports, type DocumentRow } from './queries.js';
import type { IndexChanges } from './register.js';
import type { BulkCancelBody, CancelBody, DecisionBody, DocumentChange, DocumentInput, ForeignReport, Holder, RegisterQuery, ReportsQuery } from './schemas.js';

/**
 * The register: only the issuing member adds, changes and cancels its documents (the table's owner
 * is the issuer's member, row-level security and a check constraint say so again); another member
 * reports a foreign document it found or seized, which waits for the issuer to confirm or reject it.
 */

const OBJECT = 'travel-document';
export const DEFAULT_SHARING: SharingInput = { audience: { kind: 'all' }, tlp: 'GREEN' };

/** The ICAO code of the actor's member's own documents; a member that issues none may not add any. */
export function ownIssuer(ctx: Ctx): string {
  const issuer = issuerForMemberCode(ctx.actor.member);
  if (!isIcaoIssuer(issuer)) throw forbidden('Your member issues no travel documents under an ICAO code, so it keeps no register of its own.');
  return issuer;
}

/** A number, normalised, or a field error at its pointer. */
export function numberOrError(raw: string, pointer: string, errors: FieldError[]): string {
  try {
    return normaliseDocumentNumber(raw);
  } catch (error) {
    errors.push({ pointer, detail: error instanceof Error ? error.message : 'is not a document number' });
    return '';
  }
}

const today = (): string => new Date().toISOString().slice(0, 10);

interface Dates {
  reportedOn?: string | undefined;
  lostOn?: string | null | undefined;
  issuedOn?: string | null | undefined;
  expiresOn?: string | null | undefined;
}

/** Dates a person can have meant: none of the past ones in the future, expiry not before issue. */
export function dateErrors(dates: Dates, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const now = today();
  if (dates.reportedOn && dates.reportedOn > now) errors.push({ pointer: `${prefix}/reportedOn`, detail: 'is in the future' });
  if (dates.lostOn && dates.lostOn > now) errors.push({ pointer: `${prefix}/lostOn`, detail: 'is in the future' });
  if (dates.issuedOn && dates.issuedOn > now) errors.push({ pointer: `${prefix}/issuedOn`, detail: 'is in the future' });
  if (dates.issuedOn && dates.expiresOn && dates.expiresOn < dates.issuedOn) errors.push({ pointer: `${prefix}/expiresOn`, detail: 'is before the date of issue' });
  return errors;
}

function holderErrors(holder: Holder | null | undefined): FieldError[] {
  if (!holder) return [];
  const errors: FieldError[] = [];
  if (holder.nationality && !isIcaoIssuer(holder.nationality.toUpperCase())) errors.push({ pointer: '/holder/nationality', detail: 'is not an ICAO nationality code' });
  if (holder.birthDate && holder.birthDate > today()) errors.push({ pointer: '/holder/birthDate', detail: 'is in the future' });
  return errors;
}

/** Holder details as stored: sealed with the member's data key, with their digest (holders.ts). */
async function holderValues(ctx: Ctx, document: { issuer: string; type: string; number: string }, holder: Holder | null | undefined): Promise<SealedHolder> {
  const fields = holderOf({ ...holder, nationality: holder?.nationality?.toUpperCase() ?? null });
  if (!fields) return { sealed: null, digest: null };
  return (await holderSealer(ctx.platform, ctx.tx, ctx.actor.member)).seal(document, fields);
}

/** A unique violation of the live index: another request registered the same document meanwhile. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/** `kept`: the groups an existing record is shared with already (an ended one may stay, validate.ts). */
async function sharingErrors(ctx: Ctx, sharing: SharingInput | undefined, kept: readonly string[] = []): Promise<FieldError[]> {
  return sharing ? validateSharing(ctx.tx, ctx.actor.member, sharing, '/sharing', kept) : [];
}

/** How long the holder details of a cancelled record or a rejected report are kept (the presenters say until when). */
const holderDays = (ctx: Ctx): number => documentSettings.of(ctx.platform.config).holderRetentionDays;

export async function list(ctx: Ctx, query: RegisterQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listRegister(ctx, query, limit), limit, (row) => [row.number, row.id]);
  return { data: page.rows.map((row) => presentDocument(ctx.actor, row, holderDays(ctx))), next: page.next };
}

/**
 * The foreign documents the member reported: where each report stands, and the record beside it as
 * far as the member may see it (its own report while it waits or once rejected; once confirmed, the
 * issuer's record only when the issuer's sharing includes the member).
 */
export async function reports(ctx: Ctx, query: ReportsQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listReports(ctx, query, limit), limit, (row) => [row.created_key, row.id]);
  const visible = new Map((await findDocuments(ctx, page.rows.map((row) => row.id))).map((row) => [row.id, row]));
  const event = readEvent('document.list-reports', OBJECT, ctx.actor.member, page.rows);
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => presentForeignReport(ctx.actor, row, visible.get(row.id), holderDays(ctx))), next: page.next };
}

export async function get(ctx: Ctx, id: string) {
  const row = await findDocument(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'document.read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  return { data: presentDocument(ctx.actor, row, holderDays(ctx)) };
}

async function reread(ctx: Ctx, id: string) {
  const row = await findDocument(ctx, id);
  if (!row) throw notFound();
  return { data: presentDocument(ctx.actor, row, holderDays(ctx)) };
}

export async function add(ctx: Ctx, input: DocumentInput, changes: IndexChanges) {
  const issuer = ownIssuer(ctx);
  const errors: FieldError[] = [];
  const number = numberOrError(input.number, '/number', errors);
  errors.push(...dateErrors(input), ...holderErrors(input.holder), ...(await sharingErrors(ctx, input.sharing)));
  assertNoFieldErrors(errors);
  const existing = await findActive(ctx.tx, issuer, input.type, number);
  if (existing) throw conflict(`This document is already in your register (${existing.id}); change that record instead.`);
  const sharing = sharingValues(input.sharing ?? DEFAULT_SHARING);
  const holder = await holderValues(ctx, { issuer, type: input.type, number }, input.holder);
  let id: string;
  try {
    ({ id } = await ctx.tx.one<{ id: string }>(sql`
      INSERT INTO travel_documents (issuer, doc_type, number, status, reported_on, lost_on, issued_on, expires_on, place, remarks,
        holder_sealed, holder_digest, created_by, owner,
        audience_kind, audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
      VALUES (${issuer}, ${input.type}, ${number}, ${input.status}, coalesce(${input.reportedOn ?? null}::date, current_date), ${input.lostOn ?? null},
        ${input.issuedOn ?? null}, ${input.expiresOn ?? null}, ${input.place ?? null}, ${input.remarks ?? null},
        ${holder.sealed}, ${holder.digest}, ${ctx.actor.userId}, ${ctx.actor.member},
        ${sharing.audience_kind}, ${sharing.audience_members}, ${sharing.audience_groups}, ${sharing.tlp}, ${sharing.handling},
        ${sharing.handling_note}, ${sharing.evaluation_source}, ${sharing.evaluation_information})
      RETURNING id`));
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('This document was registered meanwhile; change that record instead.');
    throw error;
  }
  changes.add(documentKey(issuer, input.type, number), { owner: ctx.actor.member, ...sharing });
  await ctx.audit({ action: 'document.create', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { type: input.type, number, status: input.status } });
  return reread(ctx, id);
}

/**
 * The record the actor acts on, locked, once the register's rules (policy.ts) allow the act: another
 * member's visible record is 403, a hidden one 404.
 */
async function documentFor(ctx: Ctx, id: string, act: DocumentAct): Promise<DocumentRow> {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findDocument(ctx, id, { forUpdate: true })) ?? (await findDocument(ctx, id));
  if (!row) throw notFound();
  assertMayDocument(ctx.actor, row, act);
  return row;
}

export async function change(ctx: Ctx, id: string, input: DocumentChange, changes: IndexChanges) {
  const row = await documentFor(ctx, id, 'change');
  const merged: Dates = {
    reportedOn: input.reportedOn ?? row.reported_on,
    lostOn: input.lostOn === undefined ? row.lost_on : input.lostOn,
    issuedOn: input.issuedOn === undefined ? row.issued_on : input.issuedOn,
    expiresOn: input.expiresOn === undefined ? row.expires_on : input.expiresOn,
  };
  assertNoFieldErrors([...dateErrors(merged), ...holderErrors(input.holder), ...(await sharingErrors(ctx, input.sharing, row.audience_groups))]);
  const sets = [sql`reported_on = ${merged.reportedOn}::date`, sql`lost_on = ${merged.lostOn ?? null}::date`, sql`issued_on = ${merged.issuedOn ?? null}::date`,
    sql`expires_on = ${merged.expiresOn ?? null}::date`];
  if (input.status) sets.push(sql`status = ${input.status}`);
  if (input.place !== undefined) sets.push(sql`place = ${input.place}`);
  if (input.remarks !== undefined) sets.push(sql`remarks = ${input.remarks}`);
  if (input.holder !== undefined) {
    const holder = await holderValues(ctx, { issuer: row.issuer, type: row.doc_type, number: row.number }, input.holder);
    sets.push(sql`holder_sealed = ${holder.sealed}, holder_digest = ${holder.digest}`);
  }
  if (input.sharing) {
    const s = sharingValues(input.sharing);
    sets.push(sql`audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups}, tlp = ${s.tlp},
      handling = ${s.handling}, handling_note = ${s.handling_note}, evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information}`);
    if (row.state === 'active') changes.reshare(documentKey(row.issuer, row.doc_type, row.number), { owner: row.owner, ...s });
  }
  await ctx.tx.query(sql`UPDATE travel_documents SET ${sql.join(sets)} WHERE id = ${id}`);
  await ctx.audit({ action: 'document.update', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { fields: Object.keys(input).sort() } });
  return reread(ctx, id);
}

export async function cancel(ctx: Ctx, id: string, body: CancelBody, changes: IndexChanges) {
  const row = await documentFor(ctx, id, 'cancel');
  await ctx.tx.query(sql`UPDATE travel_documents SET state = 'cancelled', cancelled_at = now(), cancel_reason = ${body.reason ?? null} WHERE id = ${id}`);
  changes.remove(documentKey(row.issuer, row.doc_type, row.number));
  await ctx.audit({ action: 'document.cancel', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { reason: body.reason ?? null } });
  return reread(ctx, id);
}

/** Cancels many of the member's documents at once (a list, or the rows of a CSV of numbers). */
export async function bulkCancel(ctx: Ctx, body: BulkCancelBody, changes: IndexChanges, pointer = '/documents') {
  const issuer = ownIssuer(ctx);
  const errors: FieldError[] = [];
  const wanted = body.documents.map((doc, index) => ({ type: doc.type, number: numberOrError(doc.number, `${pointer}/${index}/number`, errors) }));
  assertNoFieldErrors(errors);
  return cancelKeys(ctx, issuer, wanted, body.reason ?? null, changes);
}

export async function cancelKeys(ctx: Ctx, issuer: string, wanted: readonly { type: DocumentType; number: string }[], reason: string | null, changes: IndexChanges) {
  const types = wanted.map((doc) => doc.type);
  const numbers = wanted.map((doc) => doc.number);
  // Each number is looked up by itself (OFFSET 0: one probe of the index on issuer, type and number a
  // number), never by joining the register to the list: the planner, guessing the member's share of
  // the table, read every document the member had registered for a list of one (on a table never
  // analysed, PGlite's always: 20,000 rows read to cancel one; cancel-reads.test.ts counts them).
  const keys = sql`(SELECT DISTINCT * FROM unnest(${types}::text[], ${numbers}::text[]) AS k(doc_type, number)) k`;
  const found = (state: string) => sql`${keys} CROSS JOIN LATERAL (SELECT x.id, x.doc_type, x.number FROM travel_documents x
    WHERE x.issuer = ${issuer} AND x.doc_type = k.doc_type AND x.number = k.number AND x.state = ${state} AND x.owner = ${ctx.actor.member} OFFSET 0) x`;
  const cancelled = await ctx.tx.query<{ doc_type: DocumentType; number: string }>(sql`
    UPDATE travel_documents d SET state = 'cancelled', cancelled_at = now(), cancel_reason = ${reason}
    WHERE d.id = ANY(ARRAY(SELECT x.id FROM ${found('active')})) AND d.state = 'active'
    RETURNING d.doc_type, d.number`);
  const done = new Set(cancelled.map((row) => `${row.doc_type} ${row.number}`));
  const before = await ctx.tx.query<{ doc_type: DocumentType; number: string }>(sql`SELECT DISTINCT x.doc_type, x.number FROM ${found('cancelled')}`);
  const known = new Set(before.map((row) => `${row.doc_type} ${row.number}`));
  const seen = new Set<string>();
  const notFoundList: { type: DocumentType; number: string }[] = [];
  let alreadyCancelled = 0;
  for (const doc of wanted) {
    const key = `${doc.type} ${doc.number}`;
    if (seen.has(key) || done.has(key)) continue;
    seen.add(key);
    if (known.has(key)) alreadyCancelled++;
    else notFoundList.push(doc);
  }
  for (const row of cancelled) changes.remove(documentKey(issuer, row.doc_type, row.number));
  await ctx.audit({
    action: 'document.bulk-cancel',
    objectType: OBJECT,
    objectOwner: ctx.actor.member,
    details: { asked: wanted.length, cancelled: cancelled.length, alreadyCancelled, notFound: notFoundList.length, reason },
  });
  return { cancelled: cancelled.length, alreadyCancelled, notFound: notFoundList.slice(0, 1000), notFoundCount: notFoundList.length };
}

/** Another member reports a foreign document: it waits, owned by the issuer and seen by the two of them only. */
export async function report(ctx: Ctx, input: ForeignReport) {
  const errors: FieldError[] = [];
  let issuer = '';
  try {
    issuer = normaliseIssuer(input.issuer);
  } catch (error) {
    errors.push({ pointer: '/issuer', detail: error instanceof Error ? error.message : 'is not an ICAO code' });
  }
  const number = numberOrError(input.number, '/number', errors);
  errors.push(...dateErrors(input));
  const owner = issuer ? memberCodeForIssuer(issuer) : '';
  if (issuer && owner === ctx.actor.member) errors.push({ pointer: '/issuer', detail: 'is your own member: add the document to your register instead' });
  if (issuer && owner !== ctx.actor.member) {
    const member = await ctx.tx.maybeOne(sql`SELECT 1 FROM members WHERE code = ${owner}`);
    if (!member) errors.push({ pointer: '/issuer', detail: `the issuer ${issuer} is not a member of Lintas; report the document to its authorities directly` });
  }
  assertNoFieldErrors(errors);
  const waiting = await ctx.tx.maybeOne<{ id: string }>(sql`
    SELECT id FROM travel_documents WHERE issuer = ${issuer} AND doc_type = ${input.type} AND number = ${number}
      AND state = 'pending-confirmation' AND reported_by = ${ctx.actor.member}`);
  if (waiting) throw conflict(`Your member already reported this document (${waiting.id}); it waits for the issuer.`);
  let id: string;
  try {
    ({ id } = await ctx.tx.one<{ id: string }>(sql`
      INSERT INTO travel_documents (issuer, doc_type, number, status, state, reported_on, lost_on, issued_on, expires_on, place,
        reported_by, report_note, created_by, owner, audience_kind, tlp)
      VALUES (${issuer}, ${input.type}, ${number}, ${input.status}, 'pending-confirmation', coalesce(${input.reportedOn ?? null}::date, current_date),
        ${input.lostOn ?? null}, ${input.issuedOn ?? null}, ${input.expiresOn ?? null}, ${input.place ?? null}, ${ctx.actor.member}, ${input.note ?? null},
        ${ctx.actor.userId}, ${owner}, 'owner', 'AMBER')
      RETURNING id`));
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('Your member reported this document meanwhile.');
    throw error;
  }
  await ctx.audit({ action: 'document.report', objectType: OBJECT, objectId: id, objectOwner: owner, details: { issuer, type: input.type, status: input.status } });
  return reread(ctx, id);
}

async function tellReporter(ctx: Ctx, row: DocumentRow, kind: NotificationKind, title: string, body: string): Promise<void> {
  const reporter = await ctx.tx.maybeOne<{ created_by: string | null }>(sql`SELECT created_by FROM travel_documents WHERE id = ${row.id}`);
  if (!reporter?.created_by || !row.reported_by) return;
  await notifyUsers(ctx.tx, {
    userIds: [reporter.created_by],
    kind,
    title,
    body,
    objectType: OBJECT,
    objectId: row.id,
    // The notification is seen by the reporting member only, like the report while it waited.
    source: { ...row, audience_kind: 'members', audience_members: [row.reported_by], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null },
  });
}

/** The issuer confirms a foreign report: it becomes the issuer's active record, shared as the issuer says. */
export async function confirm(ctx: Ctx, id: string, body: DecisionBody, changes: IndexChanges) {
  const row = await documentFor(ctx, id, 'confirm');
  assertNoFieldErrors(await sharingErrors(ctx, body.sharing));
  const existing = await findActive(ctx.tx, row.issuer, row.doc_type, row.number);
  if (existing) throw conflict(`This document is already active in your register (${existing.id}); reject the report instead, with a note.`);
  const s = sharingValues(body.sharing ?? DEFAULT_SHARING);
  try {
    await ctx.tx.query(sql`
      UPDATE travel_documents SET state = 'active', decided_at = now(), decided_by = ${ctx.actor.userId}, decision_note = ${body.note ?? null},
        audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups}, tlp = ${s.tlp},
        handling = ${s.handling}, handling_note = ${s.handling_note}, evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information}
      WHERE id = ${id}`);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('This document became active in your register meanwhile; reject the report instead.');
    throw error;
  }
  changes.add(documentKey(row.issuer, row.doc_type, row.number), { owner: row.owner, ...s });
  await ctx.audit({ action: 'document.confirm', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { reportedBy: row.reported_by } });
  await tellReporter(ctx, row, 'document.report-confirmed', 'The issuer confirmed your report of a document', `${row.issuer} ${row.doc_type} ${row.number} is now in its register.${body.note ? ` ${body.note}` : ''}`);
  return reread(ctx, id);
}

export async function reject(ctx: Ctx, id: string, body: DecisionBody) {
  if (body.sharing) throw invalid([{ pointer: '/sharing', detail: 'a rejected report is shared with no one' }]);
  const row = await documentFor(ctx, id, 'reject');
  await ctx.tx.query(sql`UPDATE travel_documents SET state = 'rejected', decided_at = now(), decided_by = ${ctx.actor.userId}, decision_note = ${body.note ?? null} WHERE id = ${id}`);
  await ctx.audit({ action: 'document.reject', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { reportedBy: row.reported_by } });
  await tellReporter(ctx, row, 'document.report-rejected', 'The issuer rejected your report of a document', `${row.issuer} ${row.doc_type} ${row.number}.${body.note ? ` ${body.note}` : ''}`);
  return reread(ctx, id);
}
