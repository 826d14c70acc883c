import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { conflict, notFound } from '../../platform/errors.js';
import { assertFileQuota } from '../../platform/files/quota.js';
import { pageOf } from '../../platform/http/pagination.js';
import type { PreparedAttachment } from './attachments.js';
import { renderMarkdown } from './markdown.js';
import { assertMay } from './policy.js';
import { countAttachments, findAttachment, findBulletinKey, listAcknowledgements, listComments, type AcknowledgementRow, type CommentRow } from './queries.js';
import type { AcknowledgementCreate, CommentCreate, CommentQuery } from './schemas.js';
import { OBJECT, presentAttachment } from './service.js';
import { bulletinSettings } from './settings.js';

/** What hangs from a bulletin: its attachments, acknowledgements and comments, each reachable only through a bulletin the actor may see. */

async function bulletinFor(ctx: Ctx, id: string) {
  const bulletin = await findBulletinKey(ctx, id);
  if (!bulletin) throw notFound();
  return bulletin;
}

export async function addAttachment(ctx: Ctx, id: string, name: string, file: PreparedAttachment) {
  // Locked, so two uploads at once cannot pass the count together; row-level security hides from FOR UPDATE what the member does not own.
  const bulletin = (await findBulletinKey(ctx, id, { forUpdate: true })) ?? (await bulletinFor(ctx, id));
  assertMay(ctx.actor, bulletin, 'correct');
  const most = bulletinSettings.of(ctx.platform.config).attachmentsPerBulletin;
  if ((await countAttachments(ctx, id)) >= most) throw conflict(`A bulletin holds at most ${most} attachments.`);
  const row = await ctx.tx.one<Parameters<typeof presentAttachment>[0]>(sql`
    INSERT INTO bulletin_attachments (bulletin_id, name, content_type, size, sha256, content, width, height, created_by)
    VALUES (${id}, ${name}, ${file.contentType}, ${file.content.length}, ${file.sha256}, ${file.content}, ${file.width}, ${file.height}, ${ctx.actor.userId || null}::uuid)
    RETURNING id, name, content_type, size, sha256, width, height, created_at`);
  await assertFileQuota(ctx.tx, ctx.platform.config, file.content.length);
  await ctx.audit({
    action: 'bulletins.attach', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member,
    details: { attachment: row.id, name, contentType: file.contentType, size: file.content.length, sha256: file.sha256 },
  });
  return { data: presentAttachment(row) };
}

/** An attachment's bytes, as stored, for who may see its bulletin; reading another member's is audited. */
export async function attachment(ctx: Ctx, id: string, attachmentId: string) {
  const row = await findAttachment(ctx, id, attachmentId);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) {
    await ctx.audit({ action: 'bulletins.attachment-read', objectType: OBJECT, objectId: id, objectOwner: row.owner, details: { attachment: attachmentId } });
  }
  return { name: row.name, contentType: row.content_type, content: row.content };
}

function presentAcknowledgement(row: AcknowledgementRow) {
  return { kind: row.kind, member: row.member, userName: row.user_name, version: row.version, note: row.note, at: row.created_at.toISOString() };
}

/** The owner's view: every member's acknowledgements; any other member's: its own. */
export async function acknowledgements(ctx: Ctx, id: string) {
  const bulletin = await bulletinFor(ctx, id);
  return { data: (await listAcknowledgements(ctx, bulletin)).map(presentAcknowledgement) };
}

/** The user acknowledges the bulletin (read, or acted on); acknowledging again keeps the first time. */
export async function acknowledge(ctx: Ctx, id: string, input: AcknowledgementCreate) {
  const bulletin = await bulletinFor(ctx, id);
  assertMay(ctx.actor, bulletin, 'respond');
  const added = await ctx.tx.query(sql`
    INSERT INTO bulletin_acknowledgements (bulletin_id, user_id, kind, member, user_name, version, note)
    VALUES (${id}, ${ctx.actor.userId}, ${input.kind}, ${ctx.actor.member}, ${ctx.actor.name}, ${bulletin.version}, ${input.note ?? ''})
    ON CONFLICT (bulletin_id, user_id, kind) DO NOTHING RETURNING kind`);
  if (added.length > 0) {
    await ctx.audit({ action: 'bulletins.acknowledge', objectType: OBJECT, objectId: id, objectOwner: bulletin.owner, details: { kind: input.kind, version: bulletin.version } });
  }
  return { data: (await listAcknowledgements(ctx, bulletin)).map(presentAcknowledgement) };
}

function presentComment(row: CommentRow) {
  return { id: row.id, member: row.member, authorName: row.author_name, body: row.body, bodyHtml: renderMarkdown(row.body), createdAt: row.created_at.toISOString() };
}

/** A page of the bulletin's comments, oldest first: readable by exactly who can read the bulletin. */
export async function comments(ctx: Ctx, id: string, query: CommentQuery) {
  const bulletin = await bulletinFor(ctx, id);
  const limit = query.limit ?? 50;
  const page = pageOf(await listComments(ctx, id, query, limit), limit, (row) => [row.id]);
  const event = readEvent('bulletins.comments-read', OBJECT, ctx.actor.member, bulletin.owner === ctx.actor.member ? [] : [{ id, owner: bulletin.owner }]);
  if (event) await ctx.audit(event);
  return { data: page.rows.map(presentComment), next: page.next };
}

export async function comment(ctx: Ctx, id: string, input: CommentCreate) {
  const bulletin = await bulletinFor(ctx, id);
  assertMay(ctx.actor, bulletin, 'respond');
  const row = await ctx.tx.one<CommentRow>(sql`
    INSERT INTO bulletin_comments (bulletin_id, member, user_id, author_name, body)
    VALUES (${id}, ${ctx.actor.member}, ${ctx.actor.userId || null}::uuid, ${ctx.actor.name}, ${input.body})
    RETURNING id, member, author_name, body, created_at`);
  await ctx.audit({ action: 'bulletins.comment', objectType: OBJECT, objectId: id, objectOwner: bulletin.owner, details: { comment: row.id } });
  return { data: presentComment(row) };
}

/** Whether the actor may attach files to the bulletin: 404 when hidden, 403 when not its owner. */
export async function mayAttach(ctx: Ctx, id: string): Promise<void> {
  assertMay(ctx.actor, await bulletinFor(ctx, id), 'correct');
}
