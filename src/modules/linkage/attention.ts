import { roleAllows } from '../../platform/auth/roles.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import type { Attention } from '../../platform/module.js';

/**
 * What waits for the member's decision in linkage: disclosure requests made to it and not yet
 * granted or refused, for those who decide them. Counted with the list's own filter (holder,
 * pending), so the count is what its page lists; only the member's own requests are counted.
 */
export async function linkageAttention(ctx: Ctx): Promise<Attention[]> {
  if (!roleAllows(ctx.actor.roles, 'linkage.disclose')) return [];
  const row = await ctx.tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_requests r WHERE r.holder = ${ctx.actor.member} AND r.status = 'pending'`);
  return [{ key: 'requests-to-decide', label: 'Disclosure requests to decide', count: row.n, link: '/linkage/requests?side=holder&status=pending' }];
}
