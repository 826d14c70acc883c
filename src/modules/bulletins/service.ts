import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { assertNoFieldErrors, conflict, notFound, type FieldError } from '../../platform/errors.js';
import { readNotificationsAbout } from '../../platform/notify/inbox.js';
import { isCountryCode } from '../../platform/geo/countries.js';
import { pageOf } from '../../platform/http/pagination.js';
import type { SharingInput } from '../../platform/sharing/model.js';
import { presentSharing, sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { entityErrors, offerBulletin } from './entities.js';
import { renderMarkdown } from './markdown.js';
import { tellAboutBulletin } from './notify.js';
import { assertMay, bulletinAbilities } from './policy.js';
import { findBulletin, listAttachments, listBulletins, listVersions, type AttachmentRow, type BulletinRow, type VersionRow } from './queries.js';
import type { BulletinCorrection, BulletinCreate, BulletinEntity, ListQuery } from './schemas.js';

export const OBJECT = 'bulletin';

function present(ctx: Ctx, row: BulletinRow) {
  return {
    id: row.id,
    type: row.type,
    title: row.title,
    countries: row.countries,
    places: row.places,
    tags: row.tags,
    expiresAt: row.expires_at?.toISOString() ?? null,
    expired: row.expired,
    version: row.version,
    unread: row.unread,
    ...presentSharing(ctx.actor, row),
    draft: row.draft,
    intendedSharing: row.intended_sharing === null ? null : typeof row.intended_sharing === 'string' ? (JSON.parse(row.intended_sharing) as SharingInput) : row.intended_sharing,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    abilities: bulletinAbilities(ctx.actor, row),
  };
}

export function presentAttachment(row: AttachmentRow) {
  return {
    id: row.id,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    width: row.width,
    height: row.height,
    createdAt: row.created_at.toISOString(),
  };
}

/** A jsonb column as either driver returns it. */
const entitiesOf = (value: BulletinEntity[] | string): BulletinEntity[] => (typeof value === 'string' ? (JSON.parse(value) as BulletinEntity[]) : value);

function presentVersion(row: VersionRow) {
  return {
    version: row.version,
    note: row.note,
    type: row.type,
    title: row.title,
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    countries: row.countries,
    places: row.places,
    tags: row.tags,
    entities: entitiesOf(row.entities),
    expiresAt: row.expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
  };
}

/** A page of the bulletins the actor may see; one audit row names the other members' it returned. */
export async function list(ctx: Ctx, query: ListQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listBulletins(ctx, query, limit), limit, (row) => [row.id]);
  const { cursor: _cursor, limit: _limit, ...criteria } = query;
  const event = readEvent('bulletins.list', OBJECT, ctx.actor.member, page.rows, { criteria });
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => present(ctx, row)), next: page.next };
}

/**
 * A bulletin with its rendered body and attachments. Opening it marks its current version read for
 * the user (the list's unread marks), and the user's notifications about it read (the inbox), and, for
 * another member's, is on the audit trail.
 */
export async function get(ctx: Ctx, id: string) {
  const row = await findBulletin(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'bulletins.read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  if (ctx.actor.userId && !ctx.tx.readOnly) {
    await ctx.tx.query(sql`INSERT INTO bulletin_views (bulletin_id, user_id, member, version) VALUES (${id}, ${ctx.actor.userId}, ${ctx.actor.member}, ${row.version})
      ON CONFLICT (bulletin_id, user_id) DO UPDATE SET version = EXCLUDED.version, seen_at = now()`);
    await readNotificationsAbout(ctx.tx, ctx.actor.userId, OBJECT, id);
  }
  const attachments = await listAttachments(ctx, id);
  const data = {
    ...present(ctx, { ...row, unread: false }),
    entities: entitiesOf(row.entities),
    body: row.body,
    bodyHtml: renderMarkdown(row.body),
    attachments: attachments.map(presentAttachment),
  };
  return { data, abilities: data.abilities };
}

/** Every version of a bulletin, newest first (the current one included). */
export async function versions(ctx: Ctx, id: string) {
  const row = await findBulletin(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'bulletins.versions-read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  return { data: (await listVersions(ctx, id)).map(presentVersion) };
}

/**
 * Field errors JSON Schema cannot find: country codes ISO knows, the entities' fields, and a new
 * bulletin's expiry in the future (a correction may set it to now or earlier: that withdraws it).
 */
export function contentErrors(input: Partial<Pick<BulletinCreate, 'countries' | 'expiresAt' | 'entities'>>, creating: boolean): FieldError[] {
  const errors: FieldError[] = entityErrors(input.entities);
  (input.countries ?? []).forEach((code, index) => {
    if (!isCountryCode(code)) errors.push({ pointer: `/countries/${index}`, detail: `"${code}" is not an ISO 3166-1 alpha-3 country code` });
  });
  if (creating && input.expiresAt && Date.parse(input.expiresAt) <= Date.now()) errors.push({ pointer: '/expiresAt', detail: 'must be in the future' });
  return errors;
}

export async function insertVersion(ctx: Ctx, id: string, note: string): Promise<void> {
  await ctx.tx.query(sql`INSERT INTO bulletin_versions (bulletin_id, version, type, title, body, countries, places, tags, entities, expires_at, note, created_by)
    SELECT id, version, type, title, body, countries, places, tags, entities, expires_at, ${note}, ${ctx.actor.userId || null}::uuid FROM bulletins WHERE id = ${id}`);
}

/**
 * Issues a bulletin, or keeps it as a draft: a draft's access fields are owner-only and the sharing
 * asked for waits in `intended_sharing` until it is published (drafts.ts); no one is told of a draft.
 */
export async function create(ctx: Ctx, input: BulletinCreate) {
  assertMay(ctx.actor, { owner: ctx.actor.member, audience_kind: 'owner', audience_members: [], audience_groups: [] }, 'correct');
  assertNoFieldErrors([...contentErrors(input, true), ...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing))]);
  const draft = input.draft === true;
  const s = sharingValues(draft ? ownerOnly(input.sharing) : input.sharing);
  const { id } = await ctx.tx.one<{ id: string }>(sql`
    INSERT INTO bulletins (type, title, body, countries, places, tags, entities, expires_at, created_by, draft, intended_sharing,
      owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
    VALUES (${input.type}, ${input.title}, ${input.body}, ${input.countries ?? []}, ${input.places ?? []}, ${input.tags ?? []},
      ${JSON.stringify(input.entities ?? [])}::jsonb, ${input.expiresAt ?? null}::timestamptz, ${ctx.actor.userId || null}::uuid,
      ${draft}, ${draft ? JSON.stringify(input.sharing) : null}::jsonb,
      ${ctx.actor.member}, ${s.audience_kind}, ${s.audience_members}, ${s.audience_groups}, ${s.tlp}, ${s.handling}, ${s.handling_note},
      ${s.evaluation_source}, ${s.evaluation_information})
    RETURNING id`);
  await offerBulletin(ctx.tx, id);
  if (!draft) {
    await insertVersion(ctx, id, '');
    await tellAboutBulletin(ctx, id, 'issued');
  }
  await ctx.audit({ action: 'bulletins.create', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: input.title, type: input.type, draft } });
  return get(ctx, id);
}

/** A draft's access fields: its intended TLP, handling and evaluation, seen by its owner only. */
export function ownerOnly(sharing: SharingInput): SharingInput {
  return { ...sharing, audience: { kind: 'owner' } };
}

/**
 * A correction: the bulletin takes the changed fields and the next version number, and that version
 * is added to its history beside the earlier ones. Only the owner corrects; a member that may see
 * the bulletin is refused (403), one that may not gets 404.
 */
export async function correct(ctx: Ctx, id: string, input: BulletinCorrection) {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findBulletin(ctx, id, { forUpdate: true })) ?? (await findBulletin(ctx, id));
  if (!row) throw notFound();
  assertMay(ctx.actor, row, 'correct');
  if (row.draft) throw conflict('A draft is edited (PUT /bulletins/{id}/draft) and published, not corrected.');
  // The groups it is shared with already may stay in its audience though one has ended (read-only): the owner narrows or corrects what it shared.
  assertNoFieldErrors([...contentErrors(input, false), ...(input.sharing ? await validateSharing(ctx.tx, ctx.actor.member, input.sharing, '/sharing', row.audience_groups) : [])]);
  const s = input.sharing ? sharingValues(input.sharing) : undefined;
  await ctx.tx.query(sql`UPDATE bulletins SET
      type = coalesce(${input.type ?? null}, type),
      title = coalesce(${input.title ?? null}, title),
      body = coalesce(${input.body ?? null}, body),
      countries = coalesce(${input.countries ?? null}::text[], countries),
      places = coalesce(${input.places ?? null}::text[], places),
      tags = coalesce(${input.tags ?? null}::text[], tags),
      entities = coalesce(${input.entities ? JSON.stringify(input.entities) : null}::jsonb, entities),
      expires_at = CASE WHEN ${input.expiresAt !== undefined} THEN ${input.expiresAt ?? null}::timestamptz ELSE expires_at END,
      ${s
        ? sql`audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups},
          tlp = ${s.tlp}, handling = ${s.handling}, handling_note = ${s.handling_note},
          evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information},`
        : sql``}
      version = version + 1, updated_at = now()
    WHERE id = ${id}`);
  await insertVersion(ctx, id, input.note);
  await offerBulletin(ctx.tx, id);
  await tellAboutBulletin(ctx, id, 'corrected');
  const { note: _note, ...changed } = input;
  await ctx.audit({
    action: 'bulletins.correct', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member,
    details: { version: row.version + 1, fields: Object.keys(changed), note: input.note },
  });
  return get(ctx, id);
}
