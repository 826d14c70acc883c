/**
 * Step two: after a hit, the searcher asks the holder to confirm the match; the holder's approver
 * compares the probe (sent again with the request when the agreement shows images, kept sealed until
 * decided) with its subject's image, and confirms, disclosing the fields the agreement allows, or
 * rejects, by the agreement's deadline. Only the searcher and the holder read a request; every step
 * is audited and told through the inbox and the outbox.
 */
import { assertHumanPace } from '../../platform/audit/pace.js';
import { appendAudit } from '../../platform/audit/writer.js';
import { roleAllows, ROLES } from '../../platform/auth/roles.js';
import type { Ctx, Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { envelopeOf } from '../../platform/crypto/envelope.js';
import { sql } from '../../platform/db/sql.js';
import { conflict, invalid, notFound, type FieldError } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { between, notify } from '../../platform/notify/tell.js';
import { isUuid, type ReadableCheck } from '../../platform/notify/audience.js';
import { findAgreement, IN_FORCE } from './agreements.js';
import { SEAL_BIOGRAPHIC, SEAL_IMAGE } from './galleries.js';
import type { Biographic, StepTwoAsk, StepTwoConfirm, StepTwoQuery, StatusChange } from './schemas.js';
import { tally } from './release.js';
import { notInForce } from './search.js';

const OBJECT = 'biometric-step-two';
/** A request read by one side; the holder's decision comes a person's pace after its decider's first (src/platform/audit/pace.ts). */
const READ = 'biometrics.step-two-read';
export const SEAL_DISCLOSED = 'biometrics disclosed';
export const SEAL_PROBE = 'biometrics step-two probe';
/** The roles told of a request (holder) or a decision (requester), when a member named no focal point for biometrics. */
const rolesFor = (action: 'biometrics.confirm' | 'biometrics.search') => ROLES.filter((role) => roleAllows([role], action));

interface StepTwoMessage {
  writer: string;
  member: string;
  roles: readonly string[];
  kind: 'biometrics.step-two' | 'biometrics.step-two-decision' | 'biometrics.step-two-reminder';
  title: string;
  body: string;
  id: string;
}

/**
 * Tells one member of a request about it: its biometrics contacts (focal points, else users of
 * `roles`) in the inbox and by e-mail, its users subscribed to the kind, and its webhooks. Only the
 * two members of the request read what it says.
 */
async function tellMember(tx: Tx, platform: Platform, message: StepTwoMessage): Promise<void> {
  await notify(tx, platform, {
    module: 'biometrics', kind: message.kind, title: message.title, body: message.body, objectType: OBJECT, objectId: message.id, page: `/biometrics/step-two/${message.id}`,
    source: between(message.writer, message.member), members: [message.member], contacts: { members: [message.member], topic: 'biometrics', roles: message.roles },
  });
}

interface Candidate {
  subject: string;
  reference: string;
  band: 'high' | 'medium';
}

/** A candidate as the holder's side reads it: whether its gallery keeps an image to compare. */
interface HeldCandidate extends Candidate {
  hasImage: boolean;
}

interface StepTwoRow {
  id: string;
  search_id: string;
  requester: string;
  holder: string;
  agreement_id: string;
  purpose: string;
  reference: string | null;
  note: string | null;
  has_probe: boolean;
  probe_verified: boolean | null;
  status: 'pending' | 'confirmed' | 'rejected';
  requested_at: Date;
  due_at: Date;
  subject_id: string | null;
  disclosed: Uint8Array | null;
  reason: string | null;
  decided_at: Date | null;
  candidates: HeldCandidate[];
  step_two_fields: string[];
  step_two_images: boolean;
  in_force: boolean;
}

/** The requests, with the search's candidates in the holder's gallery (and, for the holder alone, which of them keep an image). */
const selectFor = (me: string) => sql`SELECT t.id, t.search_id, t.requester, t.holder, t.agreement_id, t.purpose, t.reference, t.note, t.probe_image IS NOT NULL AS has_probe,
  t.probe_verified, t.status, t.requested_at, t.due_at, t.subject_id, t.disclosed, t.reason, t.decided_at, a.step_two_fields, a.step_two_images, ${IN_FORCE} AS in_force,
  coalesce((SELECT jsonb_agg(c.value || jsonb_build_object('hasImage', EXISTS (SELECT 1 FROM biometric_subjects s
      WHERE s.id = (c.value->>'subject')::uuid AND s.owner = t.holder AND s.owner = ${me} AND s.image IS NOT NULL)) ORDER BY c.n)
    FROM biometric_results r CROSS JOIN LATERAL jsonb_array_elements(r.candidates) WITH ORDINALITY AS c (value, n)
    WHERE r.search_id = t.search_id AND r.holder = t.holder), '[]') AS candidates
  FROM biometric_step_two t JOIN biometric_agreements a ON a.id = t.agreement_id`;

async function find(ctx: Ctx, id: string, lock = false): Promise<StepTwoRow | undefined> {
  const me = ctx.actor.member;
  return ctx.tx.maybeOne<StepTwoRow>(sql`${selectFor(me)} WHERE t.id = ${id} AND (t.requester = ${me} OR t.holder = ${me}) ${lock ? sql`FOR UPDATE OF t` : sql``}`);
}

async function present(ctx: Ctx, row: StepTwoRow) {
  const holder = row.holder === ctx.actor.member;
  const pending = row.status === 'pending';
  return {
    id: row.id,
    side: holder ? ('holder' as const) : ('requester' as const),
    search: row.search_id,
    requester: row.requester,
    holder: row.holder,
    agreement: row.agreement_id,
    purpose: row.purpose,
    reference: row.reference,
    note: row.note,
    status: row.status,
    requestedAt: row.requested_at.toISOString(),
    dueAt: row.due_at.toISOString(),
    overdue: pending && row.due_at.getTime() <= Date.now(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    reason: row.reason,
    fields: row.step_two_fields,
    images: row.step_two_images,
    // Both sides: whether a probe image was sent (kept until the decision) and whether it gives the template searched.
    hasProbeImage: row.has_probe,
    probeVerified: row.probe_verified,
    // The holder's side: its candidates to compare, and the subject it confirmed.
    ...(holder ? { candidates: row.candidates, subject: row.subject_id } : {}),
    // The requester's side: what was disclosed, once confirmed.
    ...(!holder && row.disclosed ? { disclosed: (await envelopeOf(ctx.platform).openJson(ctx.tx, SEAL_DISCLOSED, row.disclosed)) as Biographic } : {}),
    abilities: {
      decide: holder && pending && row.in_force && roleAllows(ctx.actor.roles, 'biometrics.confirm'),
      // The images are read by those who decide (the image routes' action), and shown only where the agreement says so.
      compare: holder && row.step_two_images && roleAllows(ctx.actor.roles, 'biometrics.confirm'),
    },
  };
}

/** The probe image sent with a request (re-encoded) and the keyed hash of its template. */
export type StepTwoProbe = { image: Buffer; hash: string };

/** The searcher asks a gallery that answered hit to confirm it (a multipart form: pointers under /metadata). */
export async function ask(ctx: Ctx, input: StepTwoAsk, probe?: StepTwoProbe) {
  const me = ctx.actor.member;
  const search = await ctx.tx.maybeOne<{ agreement_id: string; purpose: string; probe_hash: string }>(sql`SELECT agreement_id, purpose, probe_hash FROM biometric_searches WHERE id = ${input.search} AND searcher = ${me}`);
  if (!search) throw notFound();
  const agreement = await findAgreement(ctx, search.agreement_id);
  if (!agreement) throw notFound();
  const closed = notInForce(agreement);
  if (closed) throw conflict(closed);
  const result = await ctx.tx.maybeOne<{ hit: boolean; candidates: Candidate[] }>(sql`SELECT hit, candidates FROM biometric_results WHERE search_id = ${input.search} AND holder = ${input.holder}`);
  const errors: FieldError[] = [];
  if (!result?.hit) errors.push({ pointer: '/metadata/holder', detail: `the search had no hit in ${input.holder}’s gallery` });
  else if (agreement.step_one === 'hit-only' && input.reference !== undefined) errors.push({ pointer: '/metadata/reference', detail: 'the agreement answers hit or no hit only: ask without a reference, the holder compares its candidates' });
  else if (agreement.step_one === 'reference-and-band' && !result.candidates.some((c) => c.reference === input.reference)) {
    errors.push({ pointer: '/metadata/reference', detail: input.reference === undefined ? 'name the candidate you ask about' : 'is not one of the search’s candidates in that gallery' });
  }
  if (probe && !agreement.step_two_images) errors.push({ pointer: '/file', detail: 'the agreement does not show images in step two: send the request without the probe' });
  if (errors.length > 0) throw invalid(errors);

  // The probe is the searcher's: sealed with its data key.
  const sealedProbe = probe ? await envelopeOf(ctx.platform).seal(ctx.tx, SEAL_PROBE, me, probe.image) : null;
  const row = await ctx.tx.maybeOne<{ id: string }>(sql`INSERT INTO biometric_step_two
      (search_id, requester, holder, agreement_id, purpose, reference, note, probe_image, probe_type, probe_verified, requested_by, due_at)
    VALUES (${input.search}, ${me}, ${input.holder}, ${agreement.id}, ${search.purpose}, ${input.reference ?? null}, ${input.note ?? null},
      ${sealedProbe}, ${probe ? 'image/jpeg' : null}, ${probe ? probe.hash === search.probe_hash : null},
      ${ctx.actor.userId}, now() + make_interval(hours => ${agreement.step_two_hours}::int))
    ON CONFLICT (search_id, holder) DO NOTHING RETURNING id`);
  if (!row) throw conflict(`You have asked ${input.holder} about this search already.`);
  await ctx.audit({ action: 'biometrics.step-two-ask', objectType: OBJECT, objectId: row.id, objectOwner: input.holder, details: { search: input.search, agreement: agreement.id } });
  await tellMember(ctx.tx, ctx.platform, {
    writer: me, member: input.holder, roles: rolesFor('biometrics.confirm'), kind: 'biometrics.step-two',
    title: `${me} asks you to confirm a biometric match`,
    body: `${me} searched your gallery (${search.purpose}) and asks you to confirm a hit${input.reference ? ` on ${input.reference}` : ''} within ${agreement.step_two_hours} hours.`,
    id: row.id,
  });
  return getStepTwo(ctx, row.id, false);
}

export async function getStepTwo(ctx: Ctx, id: string, audited = true) {
  const row = await find(ctx, id);
  if (!row) throw notFound();
  if (audited) await ctx.audit({ action: READ, objectType: OBJECT, objectId: id, objectOwner: row.holder === ctx.actor.member ? row.requester : row.holder });
  return { data: await present(ctx, row) };
}

export async function listStepTwo(ctx: Ctx, query: StepTwoQuery) {
  const me = ctx.actor.member;
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, ['uuid']);
  const side = query.side === 'holder' ? sql`t.holder = ${me}` : query.side === 'requester' ? sql`t.requester = ${me}` : sql`(t.holder = ${me} OR t.requester = ${me})`;
  const rows = await ctx.tx.query<StepTwoRow>(sql`${selectFor(me)} WHERE ${side} ${query.status ? sql`AND t.status = ${query.status}` : sql``}
    ${after ? sql`AND t.id < ${after[0]}::uuid` : sql``} ORDER BY t.id DESC LIMIT ${limit + 1}`);
  const page = pageOf(rows, limit, (row) => [row.id]);
  await ctx.audit({ action: 'biometrics.step-two-list', objectType: OBJECT, details: { requests: page.rows.length } });
  return { data: await Promise.all(page.rows.map((row) => present(ctx, row))), next: page.next };
}

/** The probe sent with a pending request, for the holder's approver. */
export async function probeImage(ctx: Ctx, id: string): Promise<{ type: string; content: Buffer }> {
  const row = await ctx.tx.maybeOne<{ probe_image: Uint8Array | null; requester: string }>(sql`SELECT probe_image, requester FROM biometric_step_two WHERE id = ${id} AND holder = ${ctx.actor.member}`);
  if (!row?.probe_image) throw notFound();
  await ctx.audit({ action: 'biometrics.step-two-probe', objectType: OBJECT, objectId: id, objectOwner: row.requester });
  return { type: 'image/jpeg', content: await envelopeOf(ctx.platform).open(ctx.tx, SEAL_PROBE, row.probe_image) };
}

/** A candidate's gallery image, for the holder's approver comparing it with the probe. */
export async function candidateImage(ctx: Ctx, id: string, subject: string): Promise<{ type: string; content: Buffer }> {
  const row = await find(ctx, id);
  if (!row || row.holder !== ctx.actor.member || !row.candidates.some((c) => c.subject === subject)) throw notFound();
  const image = await ctx.tx.maybeOne<{ image: Uint8Array | null; image_type: string | null }>(sql`SELECT image, image_type FROM biometric_subjects WHERE id = ${subject} AND owner = ${ctx.actor.member}`);
  if (!image?.image) throw notFound();
  await ctx.audit({ action: 'biometrics.subject-image', objectType: 'biometric-subject', objectId: subject, details: { stepTwo: id } });
  return { type: image.image_type ?? 'image/jpeg', content: await envelopeOf(ctx.platform).open(ctx.tx, SEAL_IMAGE, image.image) };
}

async function pendingForHolder(ctx: Ctx, id: string): Promise<StepTwoRow> {
  const row = await find(ctx, id, true);
  if (!row || row.holder !== ctx.actor.member) throw notFound();
  if (row.status !== 'pending') throw conflict(`The request was ${row.status} already.`);
  const agreement = await findAgreement(ctx, row.agreement_id);
  const closed = agreement ? notInForce(agreement) : 'The agreement is gone.';
  if (closed) throw conflict(closed);
  await assertHumanPace(ctx, READ, id);
  return row;
}

/** The holder confirms the match on one of its candidates and discloses the agreed fields it holds. */
export async function confirm(ctx: Ctx, id: string, input: StepTwoConfirm) {
  const row = await pendingForHolder(ctx, id);
  const errors: FieldError[] = [];
  const candidate = row.candidates.find((c) => c.subject === input.subject);
  if (!candidate) errors.push({ pointer: '/subject', detail: 'is not one of the search’s candidates in your gallery' });
  else if (row.reference !== null && candidate.reference !== row.reference) errors.push({ pointer: '/subject', detail: `the request asks about ${row.reference}` });
  const fields = input.fields ?? row.step_two_fields;
  fields.forEach((field, i) => {
    if (!row.step_two_fields.includes(field)) errors.push({ pointer: `/fields/${i}`, detail: 'the agreement does not let this field be disclosed' });
  });
  if (errors.length > 0) throw invalid(errors);
  const subject = await ctx.tx.maybeOne<{ biographic: Uint8Array }>(sql`SELECT biographic FROM biometric_subjects WHERE id = ${input.subject} AND owner = ${ctx.actor.member}`);
  if (!subject) throw invalid([{ pointer: '/subject', detail: 'is no longer in your gallery' }]);
  const envelope = envelopeOf(ctx.platform);
  const biographic = (await envelope.openJson(ctx.tx, SEAL_BIOGRAPHIC, subject.biographic)) as Record<string, string>;
  const disclosed = Object.fromEntries(fields.flatMap((field) => (biographic[field] === undefined ? [] : [[field, biographic[field]]])));
  await ctx.tx.query(sql`UPDATE biometric_step_two SET status = 'confirmed', subject_id = ${input.subject}, disclosed = ${await envelope.sealJson(ctx.tx, SEAL_DISCLOSED, ctx.actor.member, disclosed)},
    probe_image = NULL, probe_type = NULL, decided_by = ${ctx.actor.userId}, decided_at = now() WHERE id = ${id}`);
  await tally(ctx.tx, [{ table: 'stepTwoByOutcome', key: 'confirmed' }]);
  await ctx.audit({ action: 'biometrics.step-two-confirm', objectType: OBJECT, objectId: id, objectOwner: row.requester, details: { subject: input.subject, fields: Object.keys(disclosed) } });
  await tellMember(ctx.tx, ctx.platform, {
    writer: ctx.actor.member, member: row.requester, roles: rolesFor('biometrics.search'), kind: 'biometrics.step-two-decision',
    title: `${ctx.actor.member} confirmed a biometric match`,
    body: `${ctx.actor.member} confirmed the match you asked about and disclosed ${Object.keys(disclosed).length} field(s).`,
    id,
  });
  return getStepTwo(ctx, id, false);
}

/** The holder rejects the match (not the same person, or not to be disclosed), with its reason. */
export async function reject(ctx: Ctx, id: string, input: StatusChange) {
  const row = await pendingForHolder(ctx, id);
  await ctx.tx.query(sql`UPDATE biometric_step_two SET status = 'rejected', reason = ${input.reason}, probe_image = NULL, probe_type = NULL,
    decided_by = ${ctx.actor.userId}, decided_at = now() WHERE id = ${id}`);
  await tally(ctx.tx, [{ table: 'stepTwoByOutcome', key: 'rejected' }]);
  await ctx.audit({ action: 'biometrics.step-two-reject', objectType: OBJECT, objectId: id, objectOwner: row.requester });
  await tellMember(ctx.tx, ctx.platform, {
    writer: ctx.actor.member, member: row.requester, roles: rolesFor('biometrics.search'), kind: 'biometrics.step-two-decision',
    title: `${ctx.actor.member} rejected a biometric match`,
    body: `${ctx.actor.member} did not confirm the match you asked about. The reason given: ${input.reason}`,
    id,
  });
  return getStepTwo(ctx, id, false);
}

/** Reminds holders of requests past their deadline, again every deadline's length; audited. */
export async function remindStepTwo(platform: Platform): Promise<number> {
  return platform.db.ownerTransaction(async (tx) => {
    const due = await tx.query<{ id: string; requester: string; holder: string; due_at: Date }>(sql`UPDATE biometric_step_two SET reminded_at = now()
      WHERE status = 'pending' AND due_at <= now() AND (reminded_at IS NULL OR reminded_at <= now() - (due_at - requested_at))
      RETURNING id, requester, holder, due_at`);
    for (const request of due) {
      await tellMember(tx, platform, {
        writer: request.holder, member: request.holder, roles: rolesFor('biometrics.confirm'), kind: 'biometrics.step-two-reminder',
        title: `A biometric match from ${request.requester} waits for your confirmation`,
        body: `${request.requester} asked you to confirm a match; the answer was due ${request.due_at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
        id: request.id,
      });
      await appendAudit(tx, { member: request.holder }, [{ action: 'biometrics.step-two-remind', objectType: OBJECT, objectId: request.id, objectOwner: request.requester }]);
    }
    return due.length;
  });
}

/** Whether a member may still read a step-two request (it asked or holds): asked when an e-mail or webhook about it leaves. */
export const stepTwoReadable: ReadableCheck = async (tx, objectId, viewer) =>
  isUuid(objectId) &&
  (await tx.maybeOne(sql`SELECT 1 FROM biometric_step_two WHERE id = ${objectId}::uuid AND (requester = ${viewer.member} OR holder = ${viewer.member})`)) !== undefined;
