import { roleAllows } from '../../platform/auth/roles.js';
import type { Ctx } from '../../platform/context.js';
import type { Attention } from '../../platform/module.js';
import { countHits, countRegister } from './queries.js';

/**
 * What waits for the member's answer in the register, counted with the lists' own filters so each
 * count is what its page lists: hits on its documents not yet answered (for those who answer hits),
 * and other members' reports of its documents not yet confirmed or rejected (for those who keep the register).
 */
export async function documentsAttention(ctx: Ctx): Promise<Attention[]> {
  const items: Attention[] = [];
  if (roleAllows(ctx.actor.roles, 'documents.answer')) {
    const count = await countHits(ctx, { side: 'issuer', outcome: 'pending' });
    items.push({ key: 'hits-to-answer', label: 'Hits to answer', count, link: '/documents/hits?outcome=pending' });
  }
  if (roleAllows(ctx.actor.roles, 'documents.write')) {
    const count = await countRegister(ctx, { state: 'pending-confirmation' });
    items.push({ key: 'reports-to-confirm', label: 'Reports of your documents to confirm', count, link: '/documents/register?state=pending-confirmation' });
  }
  return items;
}
