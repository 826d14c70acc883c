import { assertMay, type ReportAct } from './policy.js';
import { readEvent } from '../../../platform/audit/writer.js';
import { roleAllows } from '../../../platform/auth/roles.js';
import type { Ctx } from '../../../platform/context.js';
import { sql } from '../../../platform/db/sql.js';
import { allCountries } from '../../../platform/geo/countries.js';
import { pageOf } from '../../../platform/http/pagination.js';
import { assertNoFieldErrors, notFound } from '../../../platform/errors.js';
import type { NotificationKind } from '../../../platform/notify/inbox.js';
import { inboxChanged } from '../../../platform/notify/live.js';
import { notify } from '../../../platform/notify/tell.js';
import { validateSharing } from '../../../platform/sharing/validate.js';
import type { Attention } from '../../../platform/module.js';
import { CODE_LISTS } from '../codes.js';
import { contentErrors } from './derive.js';
import { presentReport } from './presenters.js';
import { approvedBy, approversOf, countReports, deleteReport, findReport, listReports, memberAgencies, setStatus, submittedBy, type ReportRecord } from './queries.js';
import type { ReportListQuery, ReturnBody } from './schemas.js';
import type { ReportInput } from '../schemas.js';
import { insertReport, updateReportContent } from './store.js';
import { reportInWords } from './words.js';
import { namesVessels, offerReports, withdrawReport } from './entities.js';

/**
 * The report records and their workflow: draft → submitted → shared (approved by an approver or
 * member-admin of the owner who is not the submitter), submitted → draft (returned with a note),
 * submitted or shared → withdrawn. Editing a submitted report returns it to draft (it must be
 * submitted again); editing a shared one takes it back to submitted for a new approval.
 */

const OBJECT = 'report';

export function codeLists() {
  return { ...CODE_LISTS, countries: allCountries() };
}

export async function list(ctx: Ctx, query: ReportListQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listReports(ctx, query, limit), limit, (row) => [row.sort_date, row.id]);
  const event = readEvent('report.list', OBJECT, ctx.actor.member, page.rows);
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => presentReport(ctx.actor, row)), next: page.next };
}

/** For approvers: their member's submitted reports waiting for them (four eyes: none they submitted), as `/reports?toApprove=true` lists them. */
export async function attention(ctx: Ctx): Promise<Attention[]> {
  if (!roleAllows(ctx.actor.roles, 'reports.approve')) return [];
  const count = await countReports(ctx, { toApprove: true });
  return [{ key: 'to-approve', label: 'Reports to approve', count, link: '/reports?toApprove=true' }];
}

async function visibleReport(ctx: Ctx, id: string): Promise<ReportRecord> {
  const row = await findReport(ctx, id);
  if (!row) throw notFound();
  return row;
}

export async function get(ctx: Ctx, id: string) {
  const row = await visibleReport(ctx, id);
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'report.read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  return one(ctx, row);
}

function one(ctx: Ctx, row: ReportRecord) {
  const data = presentReport(ctx.actor, row);
  return { data, abilities: data.abilities };
}

/** The report after a write, read back for the response (the owner's own record: no read audited). */
async function reread(ctx: Ctx, id: string) {
  return one(ctx, await visibleReport(ctx, id));
}

/** Every check beyond the schema, all reported at once: content, identifiers, countries, agency and sharing. */
/** `kept`: the groups an existing report is shared with already (an ended one may stay, validate.ts). */
async function validateReport(ctx: Ctx, input: ReportInput, kept: readonly string[] = []): Promise<void> {
  const errors = contentErrors(input);
  if (input.agency !== undefined) {
    const agencies = await memberAgencies(ctx);
    if (!agencies.includes(input.agency)) {
      errors.push({
        pointer: '/agency',
        detail: agencies.length > 0 ? `is not one of your member's agencies (${agencies.join(', ')})` : 'your member has listed no agencies; leave it out',
      });
    }
  }
  errors.push(...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing, '/sharing', kept)));
  assertNoFieldErrors(errors);
}

export async function create(ctx: Ctx, input: ReportInput) {
  await validateReport(ctx, input);
  const id = await insertReport(ctx.tx, ctx.actor.member, ctx.actor.userId, input);
  if (namesVessels(input)) await offerReports(ctx.tx, [id]);
  await ctx.audit({ action: 'report.create', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { incidentType: input.incidentType } });
  return reread(ctx, id);
}

/**
 * The report the actor acts on, locked, once the workflow's rules (policy.ts) allow the act: another
 * member that may see it is refused, one that may not gets 404.
 */
async function reportFor(ctx: Ctx, id: string, act: ReportAct): Promise<ReportRecord> {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findReport(ctx, id, { forUpdate: true })) ?? (await findReport(ctx, id));
  if (!row) throw notFound();
  assertMay(ctx.actor, row, act);
  return row;
}

export async function update(ctx: Ctx, id: string, input: ReportInput) {
  const row = await reportFor(ctx, id, 'update');
  await validateReport(ctx, input, row.audience_groups);
  await updateReportContent(ctx.tx, id, input);
  // A submitted report goes back to draft (approvers would otherwise approve what they did not see);
  // a shared one back to submitted, so the change is approved before others see it.
  if (row.status === 'submitted') {
    await setStatus(ctx, id, sql`status = 'draft', submitted_at = NULL, submitted_by = NULL`);
    await settleApprovalNotices(ctx, [id]);
  }
  if (row.status === 'shared') {
    await setStatus(ctx, id, sql`status = 'submitted', submitted_at = now(), submitted_by = ${ctx.actor.userId}, approved_at = NULL, approved_by = NULL`);
  }
  // Its vessels as they now stand, with the access the report now has (a shared one is back to submitted).
  await offerReports(ctx.tx, [id]);
  await ctx.audit({ action: 'report.update', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { from: row.status } });
  if (row.status === 'shared') await notifyApprovers(ctx, id);
  return reread(ctx, id);
}

/**
 * Once a report no longer waits for approval (approved, returned, withdrawn, or edited back to draft),
 * the notices that asked its approvers to approve it are done: they become read for every approver.
 */
export async function settleApprovalNotices(ctx: Ctx, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  const read = await ctx.tx.query<{ user_id: string }>(sql`UPDATE notifications n SET read_at = now()
    WHERE n.kind = 'report.submitted' AND n.object_type = ${OBJECT} AND n.object_id = ANY(${ids}::text[]) AND n.read_at IS NULL AND ${ctx.visible('n')}
    RETURNING n.user_id`);
  // The approvers' open inboxes count again (their badges drop live).
  await inboxChanged(ctx.tx, read.map((row) => row.user_id));
}

/**
 * Tells about a report, inside its owner's member only (a report waiting for approval is its
 * owner's alone): the users named, its users subscribed to `reports` for the kind (and the report's
 * incident country), and its webhooks.
 */
async function tellAboutReport(ctx: Ctx, row: ReportRecord, users: readonly string[], kind: NotificationKind, title: string, body: string): Promise<void> {
  await notify(ctx.tx, ctx.platform, {
    module: 'reports', kind, title, body, objectType: OBJECT, objectId: row.id, page: `/reports/${row.id}`,
    source: row, members: [row.owner], users, countries: row.country ? [row.country] : [],
  });
}

/** Tells the approvers of the report's owner, but the actor, that it waits for them. */
export async function notifyApprovers(ctx: Ctx, id: string): Promise<void> {
  const row = await visibleReport(ctx, id);
  const userIds = (await approversOf(ctx, row.owner)).filter((userId) => userId !== ctx.actor.userId);
  await tellAboutReport(ctx, row, userIds, 'report.submitted', 'A report waits for your approval', `${ctx.actor.name} submitted a report (${reportInWords(row)}).`);
}

export async function submit(ctx: Ctx, id: string) {
  await reportFor(ctx, id, 'submit');
  await setStatus(ctx, id, submittedBy(ctx.actor.userId));
  await ctx.audit({ action: 'report.submit', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member });
  await notifyApprovers(ctx, id);
  return reread(ctx, id);
}

async function notifySubmitter(ctx: Ctx, row: Pick<ReportRecord, 'id' | 'submitted_by'>, kind: NotificationKind, title: string, body: string): Promise<void> {
  if (!row.submitted_by || row.submitted_by === ctx.actor.userId) return;
  await tellAboutReport(ctx, await visibleReport(ctx, row.id), [row.submitted_by], kind, title, body);
}

/** Tells the submitter of an approved report (unless they approved it themselves). */
export async function notifyApproved(ctx: Ctx, row: Pick<ReportRecord, 'id' | 'submitted_by'>): Promise<void> {
  await notifySubmitter(ctx, row, 'report.approved', 'Your report was approved and shared', `${ctx.actor.name} approved the report.`);
}

export async function approve(ctx: Ctx, id: string) {
  const row = await reportFor(ctx, id, 'approve');
  await setStatus(ctx, id, approvedBy(ctx.actor.userId));
  await offerReports(ctx.tx, [id], { withVesselsOnly: true });
  await ctx.audit({ action: 'report.approve', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member });
  await settleApprovalNotices(ctx, [id]);
  await notifyApproved(ctx, row);
  return reread(ctx, id);
}

export async function returnToDraft(ctx: Ctx, id: string, input: ReturnBody) {
  const row = await reportFor(ctx, id, 'return');
  await setStatus(ctx, id, sql`status = 'draft', submitted_at = NULL, submitted_by = NULL, return_note = ${input.note}, returned_at = now()`);
  await ctx.audit({ action: 'report.return', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { note: input.note } });
  await settleApprovalNotices(ctx, [id]);
  await notifySubmitter(ctx, row, 'report.returned', 'Your report was returned to draft', input.note);
  return reread(ctx, id);
}

export async function withdraw(ctx: Ctx, id: string) {
  const row = await reportFor(ctx, id, 'withdraw');
  await setStatus(ctx, id, sql`status = 'withdrawn', withdrawn_at = now()`);
  await offerReports(ctx.tx, [id], { withVesselsOnly: true });
  await ctx.audit({ action: 'report.withdraw', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { from: row.status } });
  await settleApprovalNotices(ctx, [id]);
  return reread(ctx, id);
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  await reportFor(ctx, id, 'delete');
  await withdrawReport(ctx, id);
  await deleteReport(ctx, id);
  await ctx.audit({ action: 'report.delete', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member });
}
