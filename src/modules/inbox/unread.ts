import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';

/** How many of the user's notifications are unread (the inbox's `unread`, the home page's count). */
export async function countUnread(ctx: Ctx): Promise<number> {
  const row = await ctx.tx.one<{ unread: number }>(sql`
    SELECT count(*)::int AS unread FROM notifications n WHERE n.user_id = ${ctx.actor.userId} AND ${ctx.visible('n')} AND n.read_at IS NULL`);
  return row.unread;
}
