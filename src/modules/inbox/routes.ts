import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import type { Ctx } from '../../platform/context.js';
import type { Attention } from '../../platform/module.js';
import { sql } from '../../platform/db/sql.js';
import { perform } from '../../platform/http/pipeline.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { notFound } from '../../platform/errors.js';
import { Cursor, IdParams, Limit, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import { inboxChanged } from '../../platform/notify/live.js';
import type { Platform } from '../../platform/context.js';
import { streamRoute } from './stream.js';
import { countUnread } from './unread.js';

export const Notification = Strict({
  id: Type.String(),
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  read: Type.Boolean(),
});
export const InboxPage = Strict({ data: Type.Array(Notification), next: Type.Union([Type.String(), Type.Null()]), unread: Type.Integer() });
const InboxQuery = Strict({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) });

interface NotificationRow {
  id: string;
  kind: string;
  title: string;
  body: string;
  object_type: string | null;
  object_id: string | null;
  created_at: Date;
  /** created_at to the microsecond, for the cursor: a Date keeps milliseconds only, and rows between would be skipped. */
  created_key: string;
  read_at: Date | null;
}

/** Unread notifications, for the home page and the navigation's badge. */
export async function inboxAttention(ctx: Ctx): Promise<Attention[]> {
  return [{ key: 'unread', label: 'Unread notifications', count: await countUnread(ctx), link: '/inbox' }];
}

/** The user's notifications; each also obeys the sharing rule through the access fields it copied from its source. */
async function listInbox(ctx: Ctx, cursor: string | undefined, limit: number) {
  const after = decodeCursor(cursor, ['timestamp', 'uuid']);
  const mine = sql`n.user_id = ${ctx.actor.userId} AND ${ctx.visible('n')}`;
  const rows = await ctx.tx.query<NotificationRow>(sql`
    SELECT n.id, n.kind, n.title, n.body, n.object_type, n.object_id, n.created_at, n.read_at,
      to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key FROM notifications n
    WHERE ${mine} ${after ? sql`AND (n.created_at, n.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : sql``}
    ORDER BY n.created_at DESC, n.id DESC LIMIT ${limit + 1}`);
  const unread = await countUnread(ctx);
  const page = pageOf(rows, limit, (row) => [row.created_key, row.id]);
  return {
    data: page.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      body: row.body,
      objectType: row.object_type,
      objectId: row.object_id,
      createdAt: row.created_at.toISOString(),
      read: row.read_at !== null,
    })),
    next: page.next,
    unread,
  };
}

async function markRead(ctx: Ctx, id: string): Promise<void> {
  const rows = await ctx.tx.query(sql`UPDATE notifications n SET read_at = coalesce(read_at, now())
    WHERE n.id = ${id} AND n.user_id = ${ctx.actor.userId} AND ${ctx.visible('n')} RETURNING n.id`);
  if (rows.length === 0) throw notFound();
  await inboxChanged(ctx.tx, [ctx.actor.userId]);
}

export function inboxRoutes(app: App, platform: Platform): void {
  streamRoute(app, platform);
  app.get('/inbox', {
    config: { action: 'inbox.read' },
    schema: { tags: ['inbox'], summary: 'Your notifications, newest first', querystring: InboxQuery, response: { 200: InboxPage, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listInbox(ctx, request.query.cursor, request.query.limit ?? 50), { read: true }));

  app.post('/inbox/:id/read', {
    config: { action: 'inbox.read' },
    schema: { tags: ['inbox'], summary: 'Mark a notification read', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => markRead(ctx, request.params.id));
    return reply.status(204).send(null);
  });
}
