import type { Ctx } from '../../platform/context.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import type { SharingInput, SharingRow } from '../../platform/sharing/model.js';
import { passableBy, sharingColumns } from '../../platform/sharing/rule.js';
import type { AttachmentType, BulletinType } from './codes.js';
import type { BulletinEntity, CommentQuery, ListQuery } from './schemas.js';

/**
 * The module's SQL. Bulletins are read through `ctx.visible`; their versions, attachments, comments
 * and acknowledgements only joined to a bulletin read that way (and row-level security asks the same
 * of them in the database).
 */

export interface BulletinRow extends SharingRow {
  id: string;
  type: BulletinType;
  title: string;
  countries: string[];
  places: string[];
  tags: string[];
  expires_at: Date | null;
  expired: boolean;
  version: number;
  unread: boolean;
  draft: boolean;
  /** A draft's sharing once published (jsonb, as either driver returns it). */
  intended_sharing: SharingInput | string | null;
  created_at: Date;
  updated_at: Date;
}

const columns = (ctx: Ctx) => sql`b.id, b.type, b.title, b.countries, b.places, b.tags, b.expires_at,
  coalesce(b.expires_at <= now(), false) AS expired, b.version, ${unread(ctx)} AS unread, b.draft, b.intended_sharing, b.created_at, b.updated_at, ${sharingColumns('b')}`;

/** Whether the actor has not opened the bulletin's current version. */
function unread(ctx: Ctx): Sql {
  return sql`NOT EXISTS (SELECT 1 FROM bulletin_views v WHERE v.bulletin_id = b.id AND v.user_id = ${ctx.actor.userId || null}::uuid AND v.version = b.version)`;
}

/** The list's filters (the cursor aside): what the actor may see, published or its member's drafts, by type, country, tag, unread and expiry. */
function listConditions(ctx: Ctx, query: ListQuery): Sql[] {
  // Drafts are owner-only by their access fields; the owner test says so again, and keeps them out of the default list.
  const where: Sql[] = [ctx.visible('b'), query.state === 'draft' ? sql`b.draft AND b.owner = ${ctx.actor.member}` : sql`NOT b.draft`];
  if (query.type) where.push(sql`b.type = ${query.type}`);
  if (query.country) where.push(sql`b.countries @> ARRAY[${query.country}]::text[]`);
  if (query.tag) where.push(sql`b.tags @> ARRAY[${query.tag}]::text[]`);
  // Only a group of the actor's own: which groups a bulletin it sees through another way names is not its to learn.
  if (query.group) where.push(ctx.actor.groups.includes(query.group) ? sql`b.audience_groups @> ARRAY[${query.group}]::text[]` : sql`false`);
  if (query.unread !== undefined) where.push(query.unread ? unread(ctx) : sql`NOT ${unread(ctx)}`);
  if (query.expired !== undefined) where.push(query.expired ? sql`b.expires_at <= now()` : sql`(b.expires_at IS NULL OR b.expires_at > now())`);
  return where;
}

function afterCursor(query: ListQuery): Sql[] {
  const after = decodeCursor(query.cursor, ['uuid']);
  return after ? [sql`b.id < ${after[0]}::uuid`] : [];
}

/** A page of the bulletins the actor may see, newest first (ids are time-ordered, UUID v7). */
export async function listBulletins(ctx: Ctx, query: ListQuery, limit: number): Promise<BulletinRow[]> {
  const where = [...listConditions(ctx, query), ...afterCursor(query)];
  return ctx.tx.query<BulletinRow>(sql`SELECT ${columns(ctx)} FROM bulletins b WHERE ${sql.join(where, ' AND ')} ORDER BY b.id DESC LIMIT ${limit + 1}`);
}

/** A page of the list's bulletins the actor may also pass on (rule 5), with their bodies, for an export. */
export async function listExportable(ctx: Ctx, query: ListQuery, limit: number): Promise<(BulletinRow & { body: string })[]> {
  const where = [...listConditions(ctx, query), passableBy(ctx.actor, 'b'), ...afterCursor(query)];
  return ctx.tx.query(sql`SELECT ${columns(ctx)}, b.body FROM bulletins b WHERE ${sql.join(where, ' AND ')} ORDER BY b.id DESC LIMIT ${limit + 1}`);
}

/** How many of the list's bulletins (every page) the actor may see but not pass on: what an export leaves out. */
export async function countWithheld(ctx: Ctx, query: ListQuery): Promise<number> {
  const where = [...listConditions(ctx, query), sql`NOT ${passableBy(ctx.actor, 'b')}`];
  return (await ctx.tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM bulletins b WHERE ${sql.join(where, ' AND ')}`)).n;
}

export async function findBulletin(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<(BulletinRow & { body: string; entities: BulletinEntity[] | string }) | undefined> {
  return ctx.tx.maybeOne<BulletinRow & { body: string; entities: BulletinEntity[] | string }>(sql`
    SELECT ${columns(ctx)}, b.body, b.entities FROM bulletins b WHERE b.id = ${id} AND ${ctx.visible('b')}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
}

/** A bulletin the actor may see, the key of what hangs from it: id, version, and its owner and audience (who may add to it). */
export type BulletinKey = Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'> & { id: string; version: number; draft: boolean };

/** The key of a bulletin the actor may see: what acknowledgements, comments and attachments hang from. */
export async function findBulletinKey(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<BulletinKey | undefined> {
  return ctx.tx.maybeOne(sql`SELECT b.id, b.owner, b.version, b.draft, b.audience_kind, b.audience_members, b.audience_groups FROM bulletins b WHERE b.id = ${id} AND ${ctx.visible('b')} ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
}

export interface VersionRow {
  version: number;
  note: string;
  type: BulletinType;
  title: string;
  body: string;
  countries: string[];
  places: string[];
  tags: string[];
  entities: BulletinEntity[] | string;
  expires_at: Date | null;
  created_at: Date;
}

export async function listVersions(ctx: Ctx, id: string): Promise<VersionRow[]> {
  return ctx.tx.query<VersionRow>(sql`
    SELECT v.version, v.note, v.type, v.title, v.body, v.countries, v.places, v.tags, v.entities, v.expires_at, v.created_at
    FROM bulletin_versions v JOIN bulletins b ON b.id = v.bulletin_id
    WHERE v.bulletin_id = ${id} AND ${ctx.visible('b')} ORDER BY v.version DESC`);
}

export interface AttachmentRow {
  id: string;
  name: string;
  content_type: AttachmentType;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
  created_at: Date;
}

const attachmentColumns = sql`a.id, a.name, a.content_type, a.size, a.sha256, a.width, a.height, a.created_at`;

export async function listAttachments(ctx: Ctx, id: string): Promise<AttachmentRow[]> {
  return ctx.tx.query<AttachmentRow>(sql`
    SELECT ${attachmentColumns} FROM bulletin_attachments a JOIN bulletins b ON b.id = a.bulletin_id
    WHERE a.bulletin_id = ${id} AND ${ctx.visible('b')} ORDER BY a.id`);
}

export async function findAttachment(ctx: Ctx, id: string, attachment: string): Promise<(AttachmentRow & { content: Buffer; owner: string }) | undefined> {
  return ctx.tx.maybeOne(sql`
    SELECT ${attachmentColumns}, a.content, b.owner FROM bulletin_attachments a JOIN bulletins b ON b.id = a.bulletin_id
    WHERE a.id = ${attachment} AND a.bulletin_id = ${id} AND ${ctx.visible('b')}`);
}

export async function countAttachments(ctx: Ctx, id: string): Promise<number> {
  return (await ctx.tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM bulletin_attachments WHERE bulletin_id = ${id}`)).n;
}

export interface AcknowledgementRow {
  kind: 'read' | 'acted-on';
  member: string;
  user_name: string;
  version: number;
  note: string;
  created_at: Date;
}

/** The owner gets every member's acknowledgements; another member only its own (the row-level policy says the same). */
export async function listAcknowledgements(ctx: Ctx, bulletin: { id: string; owner: string }): Promise<AcknowledgementRow[]> {
  const mine = bulletin.owner === ctx.actor.member ? sql`true` : sql`k.member = ${ctx.actor.member}`;
  return ctx.tx.query<AcknowledgementRow>(sql`
    SELECT k.kind, k.member, k.user_name, k.version, k.note, k.created_at
    FROM bulletin_acknowledgements k JOIN bulletins b ON b.id = k.bulletin_id
    WHERE k.bulletin_id = ${bulletin.id} AND ${ctx.visible('b')} AND ${mine}
    ORDER BY k.created_at, k.member, k.kind`);
}

export interface CommentRow {
  id: string;
  member: string;
  author_name: string;
  body: string;
  created_at: Date;
}

/** A page of a bulletin's comments, oldest first. */
export async function listComments(ctx: Ctx, id: string, query: CommentQuery, limit: number): Promise<CommentRow[]> {
  const after = decodeCursor(query.cursor, ['uuid']);
  return ctx.tx.query<CommentRow>(sql`
    SELECT c.id, c.member, c.author_name, c.body, c.created_at
    FROM bulletin_comments c JOIN bulletins b ON b.id = c.bulletin_id
    WHERE c.bulletin_id = ${id} AND ${ctx.visible('b')} ${after ? sql`AND c.id > ${after[0]}::uuid` : sql``}
    ORDER BY c.id LIMIT ${limit + 1}`);
}
