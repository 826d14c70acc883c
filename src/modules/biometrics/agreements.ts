/**
 * Agreements: proposed by one member, in force once every party accepted it, suspended by any party
 * (and resumed by the one that suspended it), terminated by any party for good. Only parties read an
 * agreement (row-level security and the queries both say so); a search cites one, and nothing else
 * allows a search.
 */
import { roleAllows } from '../../platform/auth/roles.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { assertNoFieldErrors, conflict, forbidden, notFound, type FieldError } from '../../platform/errors.js';
import type { AgreementCreate, AgreementsQuery, StatusChange } from './schemas.js';

const OBJECT = 'biometric-agreement';

export interface AgreementRow {
  id: string;
  title: string;
  proposer: string;
  parties: string[];
  directions: string[];
  purposes: string[];
  modalities: string[];
  formats: string[];
  step_one: 'reference-and-band' | 'hit-only';
  step_two_fields: string[];
  step_two_images: boolean;
  step_two_hours: number;
  daily_quota: number | null;
  query_retention_days: number;
  valid_from: string;
  valid_until: string | null;
  status: 'proposed' | 'active' | 'suspended' | 'terminated';
  status_reason: string | null;
  status_by: string | null;
  created_at: Date;
  accepted: { member: string; at: string }[];
  in_force: boolean;
}

/** Whether the agreement `a` is in force today: active, and within its dates (UTC). */
export const IN_FORCE = sql`(a.status = 'active' AND a.valid_from <= (now() AT TIME ZONE 'UTC')::date AND (a.valid_until IS NULL OR a.valid_until >= (now() AT TIME ZONE 'UTC')::date))`;

const select = sql`SELECT a.id, a.title, a.proposer, a.parties, a.directions, a.purposes, a.modalities, a.formats, a.step_one,
    a.step_two_fields, a.step_two_images, a.step_two_hours, a.daily_quota, a.query_retention_days,
    to_char(a.valid_from, 'YYYY-MM-DD') AS valid_from, to_char(a.valid_until, 'YYYY-MM-DD') AS valid_until,
    a.status, a.status_reason, a.status_by, a.created_at,
    coalesce((SELECT jsonb_agg(jsonb_build_object('member', c.member, 'at', to_char(c.accepted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) ORDER BY c.accepted_at)
      FROM biometric_acceptances c WHERE c.agreement_id = a.id), '[]') AS accepted,
    ${IN_FORCE} AS in_force
  FROM biometric_agreements a`;

/** The query layer's wall: an agreement is read by its parties only. */
export async function findAgreement(ctx: Ctx, id: string, lock = false): Promise<AgreementRow | undefined> {
  return ctx.tx.maybeOne<AgreementRow>(sql`${select} WHERE a.id = ${id} AND a.parties @> ARRAY[${ctx.actor.member}]::text[] ${lock ? sql`FOR UPDATE OF a` : sql``}`);
}

export const directionOf = (searcher: string, holder: string): string => `${searcher}>${holder}`;

/** The galleries this member may search under the agreement. */
export const holdersFor = (row: Pick<AgreementRow, 'directions'>, searcher: string): string[] =>
  row.directions.flatMap((direction) => {
    const [from, to] = direction.split('>');
    return from === searcher && to ? [to] : [];
  });

function abilities(ctx: Ctx, row: AgreementRow) {
  const me = ctx.actor.member;
  const agree = roleAllows(ctx.actor.roles, 'biometrics.agree');
  return {
    accept: agree && row.status === 'proposed' && !row.accepted.some((a) => a.member === me),
    suspend: agree && row.status === 'active',
    resume: agree && row.status === 'suspended' && row.status_by === me,
    terminate: agree && row.status !== 'terminated',
    search: row.in_force && roleAllows(ctx.actor.roles, 'biometrics.search') && holdersFor(row, me).length > 0,
  };
}

export function presentAgreement(ctx: Ctx, row: AgreementRow) {
  return {
    id: row.id,
    title: row.title,
    proposer: row.proposer,
    parties: row.parties.map((member) => ({ member, acceptedAt: row.accepted.find((a) => a.member === member)?.at ?? null })),
    directions: row.directions.map((direction) => {
      const [searcher = '', holder = ''] = direction.split('>');
      return { searcher, holder };
    }),
    purposes: row.purposes,
    modalities: row.modalities,
    formats: row.formats,
    stepOne: row.step_one,
    stepTwoFields: row.step_two_fields,
    stepTwoImages: row.step_two_images,
    stepTwoHours: row.step_two_hours,
    dailyQuota: row.daily_quota,
    queryRetentionDays: row.query_retention_days,
    validFrom: row.valid_from,
    validUntil: row.valid_until,
    status: row.status,
    inForce: row.in_force,
    statusReason: row.status_reason,
    statusBy: row.status_by,
    createdAt: row.created_at.toISOString(),
    abilities: abilities(ctx, row),
  };
}

async function readBack(ctx: Ctx, id: string) {
  const row = await findAgreement(ctx, id);
  if (!row) throw notFound();
  return { data: presentAgreement(ctx, row) };
}

export async function propose(ctx: Ctx, input: AgreementCreate) {
  const me = ctx.actor.member;
  const parties = [me, ...input.parties.filter((party) => party !== me)].sort();
  const errors: FieldError[] = [];
  if (parties.length < 2) errors.push({ pointer: '/parties', detail: 'name at least one other member: an agreement is between two members or more' });
  const known = new Set((await ctx.tx.query<{ code: string }>(sql`SELECT code FROM members WHERE code = ANY(${parties}::text[])`)).map((row) => row.code));
  input.parties.forEach((party, i) => {
    if (!known.has(party)) errors.push({ pointer: `/parties/${i}`, detail: `there is no member ${party}` });
  });
  const directions = new Set<string>();
  input.directions.forEach((direction, i) => {
    for (const side of ['searcher', 'holder'] as const) {
      if (!parties.includes(direction[side])) errors.push({ pointer: `/directions/${i}/${side}`, detail: `${direction[side]} is not a party to this agreement` });
    }
    if (direction.searcher === direction.holder) errors.push({ pointer: `/directions/${i}/holder`, detail: 'a member does not search its own gallery under an agreement' });
    directions.add(directionOf(direction.searcher, direction.holder));
  });
  if (input.validUntil && input.validUntil < input.validFrom) errors.push({ pointer: '/validUntil', detail: 'the agreement cannot end before it starts' });
  assertNoFieldErrors(errors);
  const row = await ctx.tx.one<{ id: string }>(sql`INSERT INTO biometric_agreements (title, proposer, parties, directions, purposes, modalities, formats,
      step_one, step_two_fields, step_two_images, step_two_hours, daily_quota, query_retention_days, valid_from, valid_until, created_by)
    VALUES (${input.title}, ${me}, ${parties}, ${[...directions].sort()}, ${input.purposes}, ${input.modalities ?? ['face']}, ${input.formats},
      ${input.stepOne ?? 'reference-and-band'}, ${input.stepTwoFields}, ${input.stepTwoImages ?? false}, ${input.stepTwoHours ?? 48},
      ${input.dailyQuota ?? null}, ${input.queryRetentionDays ?? 90}, ${input.validFrom}::date, ${input.validUntil ?? null}::date, ${ctx.actor.userId})
    RETURNING id`);
  await ctx.tx.query(sql`INSERT INTO biometric_acceptances (agreement_id, member, accepted_by) VALUES (${row.id}, ${me}, ${ctx.actor.userId})`);
  await ctx.audit({ action: 'biometrics.agreement-propose', objectType: OBJECT, objectId: row.id, details: { parties } });
  return readBack(ctx, row.id);
}

export async function listAgreements(ctx: Ctx, query: AgreementsQuery) {
  const rows = await ctx.tx.query<AgreementRow>(sql`${select} WHERE a.parties @> ARRAY[${ctx.actor.member}]::text[]
    ${query.status ? sql`AND a.status = ${query.status}` : sql``} ORDER BY a.created_at DESC, a.id DESC LIMIT 500`);
  await ctx.audit({ action: 'biometrics.agreement-list', objectType: OBJECT, details: { agreements: rows.length } });
  return { data: rows.map((row) => presentAgreement(ctx, row)) };
}

export async function getAgreement(ctx: Ctx, id: string) {
  const row = await findAgreement(ctx, id);
  if (!row) throw notFound();
  await ctx.audit({ action: 'biometrics.agreement-read', objectType: OBJECT, objectId: id, objectOwner: row.proposer });
  return { data: presentAgreement(ctx, row) };
}

export async function accept(ctx: Ctx, id: string) {
  const row = await findAgreement(ctx, id, true);
  if (!row) throw notFound();
  if (!abilities(ctx, row).accept) throw conflict(row.status !== 'proposed' ? `The agreement is ${row.status}; only a proposed agreement is accepted.` : 'Your member has accepted this agreement already.');
  await ctx.tx.query(sql`INSERT INTO biometric_acceptances (agreement_id, member, accepted_by) VALUES (${id}, ${ctx.actor.member}, ${ctx.actor.userId})`);
  // In force once every party accepted.
  await ctx.tx.query(sql`UPDATE biometric_agreements a SET status = 'active', updated_at = now() WHERE a.id = ${id} AND a.status = 'proposed'
    AND (SELECT count(*) FROM biometric_acceptances c WHERE c.agreement_id = a.id) = cardinality(a.parties)`);
  await ctx.audit({ action: 'biometrics.agreement-accept', objectType: OBJECT, objectId: id, objectOwner: row.proposer });
  return readBack(ctx, id);
}

async function changeStatus(ctx: Ctx, id: string, to: 'suspended' | 'active' | 'terminated', input: StatusChange | null) {
  const row = await findAgreement(ctx, id, true);
  if (!row) throw notFound();
  if (!roleAllows(ctx.actor.roles, 'biometrics.agree')) throw forbidden();
  const allowed = abilities(ctx, row);
  if (to === 'suspended' && !allowed.suspend) throw conflict(`The agreement is ${row.status}; only an agreement in force is suspended.`);
  if (to === 'active' && !allowed.resume) throw conflict(row.status === 'suspended' ? `Only ${row.status_by ?? 'the member that suspended it'} resumes this agreement.` : `The agreement is ${row.status}; only a suspended agreement is resumed.`);
  if (to === 'terminated' && !allowed.terminate) throw conflict('The agreement is terminated already.');
  await ctx.tx.query(sql`UPDATE biometric_agreements SET status = ${to}, status_reason = ${input?.reason ?? null}, status_by = ${to === 'active' ? null : ctx.actor.member},
    updated_at = now() WHERE id = ${id}`);
  const action = to === 'suspended' ? 'biometrics.agreement-suspend' : to === 'active' ? 'biometrics.agreement-resume' : 'biometrics.agreement-terminate';
  await ctx.audit({ action, objectType: OBJECT, objectId: id, objectOwner: row.proposer, ...(input ? { details: { reason: input.reason } } : {}) });
  return readBack(ctx, id);
}

export const suspend = (ctx: Ctx, id: string, input: StatusChange) => changeStatus(ctx, id, 'suspended', input);
export const resume = (ctx: Ctx, id: string) => changeStatus(ctx, id, 'active', null);
export const terminate = (ctx: Ctx, id: string, input: StatusChange) => changeStatus(ctx, id, 'terminated', input);
