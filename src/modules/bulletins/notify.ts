import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { notify } from '../../platform/notify/tell.js';
import { sharingColumns } from '../../platform/sharing/rule.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/**
 * Who is told when a bulletin is issued or corrected: the users whose subscriptions to `bulletins`
 * match its type (the subscription's kinds), countries, tags and the groups it is shared with, and
 * whose member may read it (inbox, and e-mail with the unsubscribe link); and the webhooks of every
 * member that may read it whose endpoints take the kind (`bulletin.issued`, `bulletin.corrected`).
 * All in the owner's transaction; the outbox asks the audience again when each message leaves.
 */

export const NOTIFICATION_KINDS = ['bulletin.issued', 'bulletin.corrected'] as const;
export type BulletinEvent = 'issued' | 'corrected';

interface Row extends SharingRow {
  type: string;
  title: string;
  countries: string[];
  tags: string[];
  version: number;
}

export async function tellAboutBulletin(ctx: Ctx, id: string, event: BulletinEvent): Promise<void> {
  const row = await ctx.tx.one<Row>(sql`SELECT b.type, b.title, b.countries, b.tags, b.version, ${sharingColumns('b')} FROM bulletins b WHERE b.id = ${id}`);
  const kind = event === 'issued' ? 'bulletin.issued' : 'bulletin.corrected';
  const title = event === 'issued' ? `New bulletin: ${row.title}` : `Bulletin corrected (version ${row.version}): ${row.title}`;
  const body = `${row.owner} ${event} a bulletin (${row.type}): ${row.title}`;
  // One message per bulletin version: a retried act queues nothing twice.
  await notify(ctx.tx, ctx.platform, {
    module: 'bulletins', kind, subscriptionKind: row.type, title, body, objectType: 'bulletin', objectId: id, page: `/bulletins/${id}`,
    countries: row.countries, tags: row.tags, groups: row.audience_groups, source: row, key: `bulletin:${id}:${row.version}`,
  });
}
