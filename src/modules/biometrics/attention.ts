import { roleAllows } from '../../platform/auth/roles.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import type { Attention } from '../../platform/module.js';

/**
 * What waits for the member's decision in biometrics: step-two requests made to its gallery and not
 * yet confirmed or rejected, for those who decide them. Counted with the list's own filter (holder,
 * pending), so the count is what its page lists; only the member's own requests are counted.
 */
export async function biometricsAttention(ctx: Ctx): Promise<Attention[]> {
  if (!roleAllows(ctx.actor.roles, 'biometrics.confirm')) return [];
  const row = await ctx.tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM biometric_step_two t WHERE t.holder = ${ctx.actor.member} AND t.status = 'pending'`);
  return [{ key: 'step-two-to-decide', label: 'Step-two requests to decide', count: row.n, link: '/biometrics/step-two?side=holder&status=pending' }];
}
