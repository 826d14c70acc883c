/**
 * Disclosure requests, step two of rule 4: the member told of a match asks the holder what it may
 * disclose (why, how urgently); the holder's approvers grant chosen fields of the matching records with
 * the sharing they choose, or refuse with a reason, by a deadline (reminded when it passes). Only the
 * two members read a request; the asker learns the holder's name only where the holder allows it.
 */
import { repeat } from '../../platform/jobs.js';
import { assertHumanPace } from '../../platform/audit/pace.js';
import { appendAudit } from '../../platform/audit/writer.js';
import { roleAllows, ROLES } from '../../platform/auth/roles.js';
import type { Ctx, Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { disclosableOf, type DisclosableField } from '../../platform/entity-sources.js';
import { assertNoFieldErrors, conflict, forbidden, notFound, type FieldError } from '../../platform/errors.js';
import { between, notify } from '../../platform/notify/tell.js';
import { isUuid, type ReadableCheck } from '../../platform/notify/audience.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { isVisibleTo, presentSharing, sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { viewersOf } from '../../platform/sharing/viewers.js';
import { KIND_LABELS } from './labels.js';
import { auditedOther } from './notices.js';
import { requestAbilities } from './policy.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import type { Grant, RequestCreate, RequestsQuery } from './schemas.js';
import { linkageSettings } from './settings.js';
import { shownRecords, type ShownRecord } from './store.js';

const OBJECT = 'linkage-request';
/** A request read by one side; the holder's decision comes a person's pace after its decider's first (src/platform/audit/pace.ts). */
const READ = 'linkage.request-read';

interface RequestRow {
  id: string;
  notice_id: string;
  asker: string;
  holder: string;
  reason: string;
  urgency: 'routine' | 'urgent' | 'immediate';
  status: 'pending' | 'granted' | 'refused';
  due_at: Date;
  decided_at: Date | null;
  refusal: string | null;
  created_at: Date;
  kind: string;
  holder_named: boolean;
  holder_records: string[];
}

const columns = sql`r.id, r.notice_id, r.asker, r.holder, r.reason, r.urgency, r.status, r.due_at, r.decided_at, r.refusal, r.created_at,
  n.kind, n.holder_named, n.holder_records`;

/** The query layer's wall: a request is read only by the member that asked and the holder. */
async function findRequest(ctx: Ctx, id: string): Promise<RequestRow | undefined> {
  return ctx.tx.maybeOne<RequestRow>(sql`SELECT ${columns} FROM linkage_requests r JOIN linkage_notices n ON n.id = r.notice_id
    WHERE r.id = ${id} AND (r.asker = ${ctx.actor.member} OR r.holder = ${ctx.actor.member})`);
}

/** Hours to answer: the setting for routine requests, a half for urgent ones, four for immediate ones. */
function hoursFor(platform: Platform, urgency: RequestRow['urgency']): number {
  const routine = linkageSettings.of(platform.config).disclosureHours;
  return urgency === 'routine' ? routine : urgency === 'urgent' ? Math.max(1, Math.floor(routine / 2)) : Math.min(4, routine);
}

/**
 * Tells a member about a request: its linkage contacts (focal points, else users of `roles`) in the
 * inbox and by e-mail, its users subscribed to the kind, and its webhooks. Only the two members of
 * the request read what it says.
 */
async function tellMember(tx: Tx, platform: Platform, writer: string, member: string, roles: readonly string[], message: { kind: 'linkage.request' | 'linkage.decision' | 'linkage.request-reminder'; title: string; body: string; id: string }): Promise<void> {
  await notify(tx, platform, {
    module: 'linkage', kind: message.kind, title: message.title, body: message.body, objectType: OBJECT, objectId: message.id, page: `/linkage/requests/${message.id}`,
    source: between(writer, member), members: [member], contacts: { members: [member], topic: 'linkage', roles },
  });
}

const rolesFor = (action: 'linkage.write' | 'linkage.disclose') => ROLES.filter((role) => roleAllows([role], action));

export async function ask(ctx: Ctx, noticeId: string, input: RequestCreate) {
  const notice = await ctx.tx.maybeOne<{ told: string; holder: string; kind: string; holder_named: boolean }>(sql`SELECT told, holder, kind, holder_named FROM linkage_notices
    WHERE id = ${noticeId} AND (told = ${ctx.actor.member} OR holder = ${ctx.actor.member})`);
  if (!notice) throw notFound();
  if (notice.told !== ctx.actor.member) throw forbidden('Only the member told of a match asks its holder; the holder decides.');
  const hours = hoursFor(ctx.platform, input.urgency);
  const row = await ctx.tx.one<{ id: string }>(sql`INSERT INTO linkage_requests (notice_id, asker, holder, reason, urgency, due_at, asked_by)
    VALUES (${noticeId}, ${notice.told}, ${notice.holder}, ${input.reason}, ${input.urgency}, now() + make_interval(hours => ${hours}::int), ${ctx.actor.userId}) RETURNING id`);
  await ctx.audit({ action: 'linkage.request', objectType: OBJECT, objectId: row.id, objectOwner: notice.holder, details: { notice: noticeId, urgency: input.urgency } });
  const what = KIND_LABELS[notice.kind] ?? notice.kind;
  await tellMember(ctx.tx, ctx.platform, ctx.actor.member, notice.holder, rolesFor('linkage.disclose'), {
    kind: 'linkage.request',
    id: row.id,
    title: `${notice.told} asks what you may disclose about a ${what} it holds too (${input.urgency})`,
    body: `${notice.told} was told that a ${what} in its records matches yours, and asks what you may disclose. Its reason: ${input.reason}\nAnswer within ${hours} hours: grant the fields you choose, with the sharing you choose, or refuse with a reason.`,
  });
  return getRequest(ctx, row.id);
}

/**
 * Of these matching records, those the acting member holds (owns) and that their own module shows it,
 * keyed by id, with their module, record type and label: what the holder chooses from. Others are absent.
 */
async function heldRecords(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ShownRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.tx.query<{ module: string; record_type: string; record_id: string; owner: string }>(sql`
    SELECT DISTINCT ON (e.record_id) e.record_id, e.module, e.record_type, e.owner
    FROM linkage_entities e
    WHERE e.record_id = ANY(${[...ids]}::uuid[]) AND e.owner = ${ctx.actor.member} AND ${ctx.visible('e')}
    ORDER BY e.record_id`);
  return new Map((await shownRecords(ctx, rows)).map((row) => [row.record_id, row.record]));
}

const fieldsOf = (record: Pick<ShownRecord, 'module' | 'recordType'>): readonly DisclosableField[] => disclosableOf(record.module, record.recordType)?.fields ?? [];

/** The disclosed fields in their record type's order, each with its label (a name its source no longer declares is its own label). */
function labelsOf(module: string, recordType: string, names: readonly string[]): DisclosableField[] {
  const declared = fieldsOf({ module, recordType });
  const known = declared.filter((field) => names.includes(field.name)).map(({ name, label }) => ({ name, label }));
  return [...known, ...names.filter((name) => !declared.some((field) => field.name === name)).map((name) => ({ name, label: name }))];
}

/** A request as the viewer's side reads it: the asker sees the holder's name only where it is allowed, and what was disclosed to it. */
async function present(ctx: Ctx, row: RequestRow, held: ReadonlyMap<string, ShownRecord>) {
  const asker = row.asker === ctx.actor.member;
  const disclosed = await ctx.tx.query<SharingRow & { record_id: string; module: string; record_type: string; fields: Record<string, unknown> }>(sql`
    SELECT d.record_id, d.module, d.record_type, d.fields, d.owner, d.audience_kind, d.audience_members, d.audience_groups, d.tlp, d.handling, d.handling_note, d.evaluation_source, d.evaluation_information
    FROM linkage_disclosures d WHERE d.request_id = ${row.id} AND ${ctx.visible('d')} ORDER BY d.record_id`);
  return {
    id: row.id,
    side: asker ? ('asker' as const) : ('holder' as const),
    notice: row.notice_id,
    kind: row.kind,
    member: asker ? (row.holder_named ? row.holder : null) : row.asker,
    reason: row.reason,
    urgency: row.urgency,
    status: row.status,
    dueAt: row.due_at.toISOString(),
    decidedAt: row.decided_at?.toISOString() ?? null,
    refusal: row.refusal,
    // The holder chooses among its matching records, offered what their record types disclose; the asker never sees their ids.
    records: asker
      ? []
      : row.holder_records.flatMap((id) => {
          const record = held.get(id);
          return record ? [{ module: record.module, recordType: record.recordType, id, label: record.label, fields: fieldsOf(record).map(({ name, label }) => ({ name, label })) }] : [];
        }),
    disclosed: disclosed.map((d) => ({
      record: d.record_id,
      module: d.module,
      recordType: d.record_type,
      fields: d.fields,
      labels: labelsOf(d.module, d.record_type, Object.keys(d.fields)),
      sharing: presentSharing(ctx.actor, d).sharing,
    })),
    createdAt: row.created_at.toISOString(),
    abilities: requestAbilities(ctx.actor, row),
  };
}

/** The records the holder's side of these requests chooses from, read once for them all. */
const heldOf = (ctx: Ctx, rows: readonly RequestRow[]) => heldRecords(ctx, [...new Set(rows.flatMap((row) => (row.holder === ctx.actor.member ? row.holder_records : [])))]);

export async function getRequest(ctx: Ctx, id: string) {
  const row = await findRequest(ctx, id);
  if (!row) throw notFound();
  const other = auditedOther(ctx.actor.member, { told: row.asker, holder: row.holder, holder_named: row.holder_named });
  await ctx.audit({ action: READ, objectType: OBJECT, objectId: id, ...(other ? { objectOwner: other } : {}) });
  return { data: await present(ctx, row, await heldOf(ctx, [row])) };
}

/**
 * The member's requests, asked and received: pending ones first, soonest due first, then by id; paged
 * by a cursor of that order (its due time to the microsecond, so no request is skipped or repeated).
 */
export async function listRequests(ctx: Ctx, query: RequestsQuery) {
  const limit = query.limit ?? 50;
  const where = [sql`(r.asker = ${ctx.actor.member} OR r.holder = ${ctx.actor.member})`];
  if (query.side === 'asker') where.push(sql`r.asker = ${ctx.actor.member}`);
  if (query.side === 'holder') where.push(sql`r.holder = ${ctx.actor.member}`);
  if (query.status) where.push(sql`r.status = ${query.status}`);
  if (query.notice) where.push(sql`r.notice_id = ${query.notice}::uuid`);
  const rank = sql`(CASE WHEN r.status = 'pending' THEN 0 ELSE 1 END)`;
  const after = decodeCursor(query.cursor, ['integer', 'timestamp', 'uuid']);
  if (after) {
    const [afterRank, afterDue, afterId] = after;
    where.push(sql`(${rank} > ${afterRank}::int OR (${rank} = ${afterRank}::int AND (r.due_at > ${afterDue}::timestamptz OR (r.due_at = ${afterDue}::timestamptz AND r.id < ${afterId}::uuid))))`);
  }
  const found = await ctx.tx.query<RequestRow & { rank: number; due_key: string }>(sql`SELECT ${columns}, ${rank} AS rank,
      to_char(r.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS due_key
    FROM linkage_requests r JOIN linkage_notices n ON n.id = r.notice_id
    WHERE ${sql.join(where, ' AND ')} ORDER BY ${rank}, r.due_at, r.id DESC LIMIT ${limit + 1}`);
  const page = pageOf(found, limit, (row) => [row.rank, row.due_key, row.id]);
  const rows = page.rows;
  const owners = [...new Set(rows.flatMap((row) => auditedOther(ctx.actor.member, { told: row.asker, holder: row.holder, holder_named: row.holder_named }) ?? []))].sort();
  if (owners.length > 0) await ctx.audit({ action: 'linkage.request-list', objectType: OBJECT, objectOwners: owners, details: { returned: rows.length } });
  const held = await heldOf(ctx, rows);
  const data = [];
  for (const row of rows) data.push(await present(ctx, row, held));
  return { data, next: page.next };
}

/** The pending request the holder decides, locked; the asker is refused, others get 404. */
async function pendingFor(ctx: Ctx, id: string): Promise<RequestRow> {
  const row = await findRequest(ctx, id);
  if (!row) throw notFound();
  if (row.holder !== ctx.actor.member) throw forbidden('Only the holder decides what it discloses.');
  await ctx.tx.query(sql`SELECT 1 FROM linkage_requests WHERE id = ${id} FOR UPDATE`);
  const now = await findRequest(ctx, id);
  if (now?.status !== 'pending') throw conflict(`This request was ${now?.status ?? 'removed'} already.`);
  await assertHumanPace(ctx, READ, id);
  return now;
}

/**
 * The chosen records' chosen values, read through their sources; errors at the pointers of a record
 * that is not one of the holder's matching records (or is chosen twice) and of a field its record
 * type does not disclose.
 */
async function chosenValues(ctx: Ctx, row: RequestRow, records: Grant['records']): Promise<{ errors: FieldError[]; chosen: { record: ShownRecord; fields: Record<string, unknown> }[] }> {
  const held = await heldRecords(ctx, row.holder_records);
  const errors: FieldError[] = [];
  const valid: { index: number; record: ShownRecord; fields: readonly string[] }[] = [];
  for (const [index, choice] of records.entries()) {
    const record = held.get(choice.id);
    if (!record || records.findIndex((other) => other.id === choice.id) < index) {
      errors.push({ pointer: `/records/${index}/id`, detail: record ? 'is chosen twice' : 'is not one of your records that matched' });
      continue;
    }
    const names = fieldsOf(record).map((field) => field.name);
    for (const [j, field] of choice.fields.entries()) {
      if (names.includes(field)) continue;
      errors.push({ pointer: `/records/${index}/fields/${j}`, detail: names.length === 0 ? `nothing of a ${record.recordType} may be disclosed` : `is not a field a ${record.recordType} discloses (${names.join(', ')})` });
    }
    valid.push({ index, record, fields: choice.fields });
  }
  const chosen: { record: ShownRecord; fields: Record<string, unknown> }[] = [];
  const groups = new Map<string, typeof valid>();
  for (const item of valid) {
    const key = `${item.record.module}/${item.record.recordType}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  for (const items of groups.values()) {
    const first = items[0] as (typeof valid)[number];
    const disclosable = disclosableOf(first.record.module, first.record.recordType);
    if (!disclosable) continue;
    const values = await disclosable.read(ctx, items.map((item) => item.record.id));
    for (const item of items) {
      const found = values.get(item.record.id);
      if (!found) {
        errors.push({ pointer: `/records/${item.index}/id`, detail: 'is not one of your records that matched' });
        continue;
      }
      chosen.push({ record: item.record, fields: Object.fromEntries(item.fields.map((field) => [field, found[field] ?? null])) });
    }
  }
  return { errors, chosen };
}

export async function grant(ctx: Ctx, id: string, input: Grant) {
  const row = await pendingFor(ctx, id);
  const errors: FieldError[] = [...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing))];
  const s = sharingValues(input.sharing);
  const asker = (await viewersOf(ctx.tx, [row.asker])).get(row.asker);
  if (asker && !isVisibleTo(asker, { owner: ctx.actor.member, ...s })) errors.push({ pointer: '/sharing/audience', detail: `must include ${row.asker}, the member that asked` });
  const { errors: choiceErrors, chosen } = await chosenValues(ctx, row, input.records);
  assertNoFieldErrors([...errors, ...choiceErrors]);
  for (const { record, fields } of chosen) {
    await ctx.tx.query(sql`INSERT INTO linkage_disclosures (request_id, record_id, module, record_type, fields, owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
      VALUES (${id}, ${record.id}, ${record.module}, ${record.recordType}, ${JSON.stringify(fields)}::jsonb, ${ctx.actor.member}, ${s.audience_kind}, ${s.audience_members}, ${s.audience_groups}, ${s.tlp}, ${s.handling}, ${s.handling_note},
        ${s.evaluation_source}, ${s.evaluation_information})`);
  }
  await ctx.tx.query(sql`UPDATE linkage_requests SET status = 'granted', decided_by = ${ctx.actor.userId}, decided_at = now() WHERE id = ${id}`);
  // An unnamed holder's acts do not name the asker: its "who read my records" page would name the holder.
  await ctx.audit({ action: 'linkage.disclose', objectType: OBJECT, objectId: id, ...(row.holder_named ? { objectOwners: [row.asker] } : {}), details: { records: input.records, tlp: input.sharing.tlp } });
  await tellMember(ctx.tx, ctx.platform, ctx.actor.member, row.asker, rolesFor('linkage.write'), {
    kind: 'linkage.decision',
    id,
    title: `${row.holder_named ? row.holder : 'The holder'} disclosed what you asked about a match`,
    body: `Your request about a ${KIND_LABELS[row.kind] ?? row.kind} was granted: ${input.records.length === 1 ? 'one record' : `${input.records.length} records`}, under TLP:${input.sharing.tlp}.`,
  });
  return getRequest(ctx, id);
}

export async function refuse(ctx: Ctx, id: string, reason: string) {
  const row = await pendingFor(ctx, id);
  await ctx.tx.query(sql`UPDATE linkage_requests SET status = 'refused', refusal = ${reason}, decided_by = ${ctx.actor.userId}, decided_at = now() WHERE id = ${id}`);
  await ctx.audit({ action: 'linkage.refuse', objectType: OBJECT, objectId: id, ...(row.holder_named ? { objectOwners: [row.asker] } : {}), details: { reason } });
  await tellMember(ctx.tx, ctx.platform, ctx.actor.member, row.asker, rolesFor('linkage.write'), {
    kind: 'linkage.decision',
    id,
    title: `${row.holder_named ? row.holder : 'The holder'} refused your request about a match`,
    body: `Your request about a ${KIND_LABELS[row.kind] ?? row.kind} was refused. The reason given: ${reason}`,
  });
  return getRequest(ctx, id);
}

/** Reminds holders of requests past their deadline (again every deadline's length), inbox and e-mail; audited. */
export async function remindOverdue(platform: Platform): Promise<number> {
  return platform.db.ownerTransaction(async (tx) => {
    const due = await tx.query<{ id: string; asker: string; holder: string; urgency: string; due_at: Date; kind: string; holder_named: boolean }>(sql`
      UPDATE linkage_requests r SET reminded_at = now() FROM linkage_notices n
      WHERE n.id = r.notice_id AND r.status = 'pending' AND r.due_at <= now() AND (r.reminded_at IS NULL OR r.reminded_at <= now() - (r.due_at - r.created_at))
      RETURNING r.id, r.asker, r.holder, r.urgency, r.due_at, n.kind, n.holder_named`);
    for (const request of due) {
      await tellMember(tx, platform, request.holder, request.holder, rolesFor('linkage.disclose'), {
        kind: 'linkage.request-reminder',
        id: request.id,
        title: `A request from ${request.asker} about a match waits for your answer`,
        body: `${request.asker} asked (${request.urgency}) what you may disclose about a ${KIND_LABELS[request.kind] ?? request.kind}; the answer was due ${request.due_at.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
      });
      await appendAudit(tx, { member: request.holder }, [{ action: 'linkage.request-remind', objectType: OBJECT, objectId: request.id, objectOwners: request.holder_named ? [request.asker, request.holder].sort() : [request.holder] }]);
    }
    return due.length;
  });
}

/** Reminds holders every 15 minutes of what is overdue. */
export function startRequestReminders(platform: Platform, onSent: () => void, onError: (error: unknown) => void, everyMs = 15 * 60_000): { stop(): Promise<void> } {
  return repeat(
    async () => {
      if ((await remindOverdue(platform)) > 0) onSent();
    },
    { everyMs, onError },
  );
}

/** Whether a member may still read a match notice (it was told, or holds the matching record): asked when an e-mail or webhook about it leaves. */
export const noticeReadable: ReadableCheck = async (tx, objectId, viewer) =>
  isUuid(objectId) &&
  (await tx.maybeOne(sql`SELECT 1 FROM linkage_notices WHERE id = ${objectId}::uuid AND (told = ${viewer.member} OR holder = ${viewer.member})`)) !== undefined;

/** Whether a member may still read a request (it asked or holds): asked when an e-mail or webhook about it leaves. */
export const requestReadable: ReadableCheck = async (tx, objectId, viewer) =>
  isUuid(objectId) &&
  (await tx.maybeOne(sql`SELECT 1 FROM linkage_requests WHERE id = ${objectId}::uuid AND (asker = ${viewer.member} OR holder = ${viewer.member})`)) !== undefined;
