import { reportSettings } from '../settings.js';
import type { Ctx } from '../../../platform/context.js';
import { sql, type Sql } from '../../../platform/db/sql.js';
import { decodeCursor } from '../../../platform/http/pagination.js';
import type { SharingRow } from '../../../platform/sharing/model.js';
import { sharingColumns } from '../../../platform/sharing/rule.js';
import type { ReportListQuery } from './schemas.js';
import type { ReportStatus } from '../schemas.js';

/** A report as read from the database: every content column, the workflow columns and the sharing fields. */
export interface ReportRow extends SharingRow {
  id: string;
  code_list_version: number;
  status: ReportStatus;
  agency: string | null;
  occurred_from: string | null;
  occurred_to: string | null;
  country: string;
  place: string | null;
  latitude: number | null;
  longitude: number | null;
  place_kind: string | null;
  incident_type: string;
  origin: string | null;
  destination: string | null;
  route: unknown;
  people: unknown;
  vulnerabilities: string[];
  people_total: number;
  intercepted: number;
  rescued: number;
  dead: number;
  missing: number;
  returned: number;
  claimed_asylum: number;
  fee_amount: string | number | null;
  fee_currency: string | null;
  fee_basis: string | null;
  fee_per_person: string | number | null;
  fee_payment_methods: string[];
  fee_covers: string[];
  smugglers_count: number | null;
  smuggler_citizenships: string[];
  smuggler_roles: string[];
  methods: string[];
  document_kinds: string[];
  document_issuers: string[];
  arrests: number;
  charges: number;
  prosecutions: number;
  convictions: number;
  source: string | null;
  narrative: string;
  counts_in_regional: boolean;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  submitted_by: string | null;
  approved_at: Date | null;
  approved_by: string | null;
  withdrawn_at: Date | null;
  return_note: string | null;
  returned_at: Date | null;
  sort_date: string;
}

const columns = sql`r.id, r.code_list_version, r.status, r.agency, r.occurred_from, r.occurred_to, r.country, r.place, r.latitude, r.longitude,
  r.place_kind, r.incident_type, r.origin, r.destination, r.route, r.people, r.vulnerabilities, r.people_total, r.intercepted, r.rescued,
  r.dead, r.missing, r.returned, r.claimed_asylum, r.fee_amount, r.fee_currency, r.fee_basis, r.fee_per_person, r.fee_payment_methods,
  r.fee_covers, r.smugglers_count, r.smuggler_citizenships, r.smuggler_roles, r.methods, r.document_kinds, r.document_issuers, r.arrests,
  r.charges, r.prosecutions, r.convictions, r.source, r.narrative, r.counts_in_regional, r.created_by, r.created_at, r.updated_at,
  r.submitted_at, r.submitted_by, r.approved_at, r.approved_by, r.withdrawn_at, r.return_note, r.returned_at,
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

function filters(ctx: Ctx, query: ReportListQuery): Sql[] {
  const where: Sql[] = [reportVisibility(ctx, 'r')];
  if (query.status) where.push(sql`r.status = ${query.status}`);
  if (query.incidentType) where.push(sql`r.incident_type = ${query.incidentType}`);
  if (query.country) where.push(sql`r.country = ${query.country}`);
  if (query.from) where.push(sql`coalesce(r.occurred_to, r.occurred_from) >= ${query.from}::date`);
  if (query.to) where.push(sql`r.occurred_from <= ${query.to}::date`);
  if (query.owner) where.push(sql`r.owner = ${query.owner}`);
  if (query.mine) where.push(sql`r.owner = ${ctx.actor.member}`);
  return where;
}

/** A page of the reports the actor may see, the most recent incident first (undated ones last). */
export async function listReports(ctx: Ctx, query: ReportListQuery, limit: number): Promise<ReportRow[]> {
  const where = filters(ctx, query);
  const after = decodeCursor(query.cursor, ['date', 'uuid']);
  if (after) where.push(sql`(coalesce(r.occurred_from, DATE '0001-01-01'), r.id) < (${after[0]}::date, ${after[1]}::uuid)`);
  return ctx.tx.query<ReportRow>(sql`
    SELECT ${columns} FROM reports r WHERE ${sql.join(where, ' AND ')}
    ORDER BY coalesce(r.occurred_from, DATE '0001-01-01') DESC, r.id DESC LIMIT ${limit + 1}`);
}

export async function findReport(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<ReportRow | undefined> {
  return ctx.tx.maybeOne<ReportRow>(sql`
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

export async function setStatus(ctx: Ctx, id: string, assignments: Sql): Promise<void> {
  await ctx.tx.query(sql`UPDATE reports SET ${assignments}, updated_at = now() WHERE id = ${id}`);
}

export async function deleteReport(ctx: Ctx, id: string): Promise<void> {
  await ctx.tx.query(sql`DELETE FROM reports WHERE id = ${id}`);
}
