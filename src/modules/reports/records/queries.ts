import { reportSettings } from '../settings.js';
import type { Ctx } from '../../../platform/context.js';
import { sql, type Sql } from '../../../platform/db/sql.js';
import { decodeCursor } from '../../../platform/http/pagination.js';
import type { SharingRow } from '../../../platform/sharing/model.js';
import { sharingColumns, visibleTo } from '../../../platform/sharing/rule.js';
import { isUuid, type ReadableCheck } from '../../../platform/notify/audience.js';
import type { ReportFilter, ReportListQuery } from './schemas.js';
import type { ReportRow } from './row.js';
import type { ReportStatus } from '../schemas.js';

/** The columns the record's reads select: all but those for the analysis alone and the import's key. */
const RECORD_COLUMNS = [
  'id', 'code_list_version', 'status', 'agency', 'occurred_from', 'occurred_to', 'country', 'place', 'latitude', 'longitude', 'place_kind',
  'sea_area', 'source_region', 'named_country', 'incident_type', 'origin', 'destination', 'route', 'people', 'vulnerabilities', 'people_total', 'intercepted', 'rescued', 'dead', 'missing',
  'returned', 'claimed_asylum', 'fee_amount', 'fee_currency', 'fee_basis', 'fee_per_person', 'fee_payment_methods', 'fee_covers',
  'smugglers_count', 'smuggler_citizenships', 'smuggler_roles', 'methods', 'document_kinds', 'document_issuers', 'arrests', 'charges',
  'prosecutions', 'convictions', 'source', 'source_record_id', 'source_url', 'source_quality', 'narrative',
  'counts_in_regional', 'counts_given', 'created_by', 'created_at', 'updated_at', 'submitted_at', 'submitted_by', 'approved_at', 'approved_by', 'withdrawn_at',
  'return_note', 'returned_at',
] as const satisfies readonly (keyof ReportRow)[];

/** A report as the record's reads give it: its columns, the sharing fields and the list's sort key. */
export type ReportRecord = Pick<ReportRow, (typeof RECORD_COLUMNS)[number] | keyof SharingRow> & { sort_date: string };

const columns = sql`${sql.raw(RECORD_COLUMNS.map((column) => `r.${column}`).join(', '))},
  coalesce(r.occurred_from, DATE '0001-01-01')::text AS sort_date, ${sharingColumns('r')}`;

/**
 * Which reports the actor may see, for an alias of `reports`: the sharing rule (`ctx.visible`) and,
 * on top of it, the two rules of reports that the restrictive row-level security policies apply in
 * the database (migrations 0003 and 0014): another member's report only once approved and shared,
 * and only while the viewer's member has itself contributed within the reciprocity window (DESIGN.md
 * §3.7): a report of its own approved and shared beyond itself (audience not the owner alone). Every read of reports goes through this. Like `ctx.visible`, it is dropped
 * whole by `unsafeWithoutSharingCondition`, so tests can prove row-level security alone.
 */
export function reportVisibility(ctx: Ctx, alias: string): Sql {
  if (ctx.platform.unsafeWithoutSharingCondition) return sql`true`;
  const t = sql.raw(alias);
  const member = ctx.actor.member;
  const months = reportSettings.of(ctx.platform.config).reciprocityMonths;
  return sql`(${ctx.visible(alias)} AND (${t}.owner = ${member} OR (${t}.status = 'shared' AND EXISTS (
      SELECT 1 FROM reports contribution
      WHERE contribution.owner = ${member} AND contribution.status = 'shared' AND contribution.audience_kind <> 'owner'
        AND contribution.submitted_at >= now() - make_interval(months => ${months}::int)))))`;
}

function filters(ctx: Ctx, query: ReportFilter): Sql[] {
  const where: Sql[] = [reportVisibility(ctx, 'r')];
  if (query.status) where.push(sql`r.status = ${query.status}`);
  if (query.incidentType) where.push(sql`r.incident_type = ${query.incidentType}`);
  if (query.country) where.push(sql`r.country = ${query.country}`);
  if (query.namedCountry) where.push(sql`r.named_country = ${query.namedCountry}`);
  if (query.from) where.push(sql`coalesce(r.occurred_to, r.occurred_from) >= ${query.from}::date`);
  if (query.to) where.push(sql`r.occurred_from <= ${query.to}::date`);
  if (query.owner) where.push(sql`r.owner = ${query.owner}`);
  if (query.mine) where.push(sql`r.owner = ${ctx.actor.member}`);
  // Four eyes: a report waits for every approver of its member but the one who submitted it.
  if (query.toApprove) where.push(sql`r.owner = ${ctx.actor.member} AND r.status = 'submitted' AND r.submitted_by IS DISTINCT FROM ${ctx.actor.userId}::uuid`);
  // An import run is its member's: another member's run selects none of the reports it wrote.
  if (query.importId) where.push(sql`r.import_id = ${query.importId}::uuid AND r.owner = ${ctx.actor.member}`);
  return where;
}

/** A page of the reports the actor may see, the most recent incident first (undated ones last). */
export async function listReports(ctx: Ctx, query: ReportListQuery, limit: number): Promise<ReportRecord[]> {
  const where = filters(ctx, query);
  const after = decodeCursor(query.cursor, ['date', 'uuid']);
  if (after) where.push(sql`(coalesce(r.occurred_from, DATE '0001-01-01'), r.id) < (${after[0]}::date, ${after[1]}::uuid)`);
  return ctx.tx.query<ReportRecord>(sql`
    SELECT ${columns} FROM reports r WHERE ${sql.join(where, ' AND ')}
    ORDER BY coalesce(r.occurred_from, DATE '0001-01-01') DESC, r.id DESC LIMIT ${limit + 1}`);
}

/** How many reports the list would show under this filter, over all its pages. */
export async function countReports(ctx: Ctx, filter: ReportFilter): Promise<number> {
  const row = await ctx.tx.one<{ count: number }>(sql`SELECT count(*)::int AS count FROM reports r WHERE ${sql.join(filters(ctx, filter), ' AND ')}`);
  return row.count;
}

export async function findReport(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<ReportRecord | undefined> {
  return ctx.tx.maybeOne<ReportRecord>(sql`
    SELECT ${columns} FROM reports r WHERE r.id = ${id} AND ${reportVisibility(ctx, 'r')}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
}

/** The agencies the actor's member has listed (the only values a report's `agency` may take). */
export async function memberAgencies(ctx: Ctx): Promise<string[]> {
  const row = await ctx.tx.maybeOne<{ agencies: string[] }>(sql`SELECT agencies FROM members WHERE code = ${ctx.actor.member}`);
  return row?.agencies ?? [];
}

/** The users of a member who may approve its reports, for workflow notifications. */
export async function approversOf(ctx: Ctx, member: string): Promise<string[]> {
  const rows = await ctx.tx.query<{ id: string }>(sql`
    SELECT id FROM users WHERE member = ${member} AND NOT disabled AND roles && ARRAY['approver', 'member-admin']::text[] ORDER BY id`);
  return rows.map((row) => row.id);
}

/** The columns a submission sets, for one report or many: it also answers the note of a return, no longer shown. */
export const submittedBy = (userId: string): Sql =>
  sql`status = 'submitted', submitted_at = now(), submitted_by = ${userId}, return_note = NULL, returned_at = NULL`;

/** The columns an approval sets, for one report or many. */
export const approvedBy = (userId: string): Sql => sql`status = 'shared', approved_at = now(), approved_by = ${userId}`;

export async function setStatus(ctx: Ctx, id: string, assignments: Sql): Promise<void> {
  await ctx.tx.query(sql`UPDATE reports SET ${assignments}, updated_at = now() WHERE id = ${id}`);
}

export async function deleteReport(ctx: Ctx, id: string): Promise<void> {
  await ctx.tx.query(sql`DELETE FROM reports WHERE id = ${id}`);
}

/** What a bulk act judges a report by (policy.ts), and the marking its notifications carry. */
export type BulkCandidate = Pick<ReportRow, 'id' | 'owner' | 'status' | 'submitted_by' | 'tlp'>;

const candidateColumns = sql`r.id, r.owner, r.status, r.submitted_by, r.tlp`;
const lockOwn = (lock: boolean): Sql => (lock ? sql`FOR UPDATE OF r` : sql``);

/**
 * The reports of `ids` the actor may see. With `lock`, its member's own are locked first, in the
 * order of their ids, so that two bulk acts on overlapping reports wait for each other rather than
 * deadlock; row-level security hides from FOR UPDATE the rows a member may see but not change, so
 * the others are read after without the lock (and only when some id was not among its own).
 */
export async function findBulkCandidates(ctx: Ctx, ids: readonly string[], lock: boolean): Promise<BulkCandidate[]> {
  const own = await ctx.tx.query<BulkCandidate>(sql`
    SELECT ${candidateColumns} FROM reports r
    WHERE r.id = ANY(${ids}::uuid[]) AND r.owner = ${ctx.actor.member} AND ${reportVisibility(ctx, 'r')} ORDER BY r.id ${lockOwn(lock)}`);
  if (own.length === ids.length) return own;
  const found = new Set(own.map((row) => row.id));
  const rest = ids.filter((id) => !found.has(id));
  const others = await ctx.tx.query<BulkCandidate>(sql`
    SELECT ${candidateColumns} FROM reports r WHERE r.id = ANY(${rest}::uuid[]) AND r.owner <> ${ctx.actor.member} AND ${reportVisibility(ctx, 'r')}`);
  return [...own, ...others];
}

/** The actor's member's reports matching the list's filter, in the list's order, at most `limit` + 1 (to tell that there are more). */
export async function findOwnMatching(ctx: Ctx, filter: ReportFilter, limit: number): Promise<BulkCandidate[]> {
  const where = [...filters(ctx, filter), sql`r.owner = ${ctx.actor.member}`];
  return ctx.tx.query<BulkCandidate>(sql`
    SELECT ${candidateColumns} FROM reports r WHERE ${sql.join(where, ' AND ')}
    ORDER BY coalesce(r.occurred_from, DATE '0001-01-01') DESC, r.id DESC LIMIT ${limit + 1}`);
}

/**
 * One statement for many reports of the actor's member in status `from`; answers how many changed.
 * Row triggers keep the analysis facts (migration 0006) and one statement trigger their change log (0007).
 */
export async function setStatusOfMany(ctx: Ctx, ids: readonly string[], from: ReportStatus, assignments: Sql): Promise<number> {
  const row = await ctx.tx.one<{ changed: number }>(sql`
    WITH changed AS (
      UPDATE reports SET ${assignments}, updated_at = now()
      WHERE id = ANY(${ids}::uuid[]) AND owner = ${ctx.actor.member} AND status = ${from}
      RETURNING 1)
    SELECT count(*)::int AS changed FROM changed`);
  return row.changed;
}

/**
 * Whether a member may still read a report a notification is about (asked when an e-mail or webhook
 * leaves): through the sharing condition, and another member's only once approved and shared.
 */
export const reportReadable: ReadableCheck = async (tx, objectId, viewer) =>
  isUuid(objectId) &&
  (await tx.maybeOne(sql`SELECT 1 FROM reports t WHERE t.id = ${objectId}::uuid AND ${visibleTo(viewer, 't')} AND (t.owner = ${viewer.member} OR t.status = 'shared')`)) !== undefined;
