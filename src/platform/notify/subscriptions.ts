import { timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';
import { dataKeyOf } from '../crypto/keys.js';
import type { Tx } from '../db/database.js';
import { sql, type Sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';

/**
 * Per-user subscriptions: a user asks to be told of a module's notifications, narrowed by kinds,
 * countries, tags and sharing groups (each list empty: any). A module telling subscribers names the
 * record's access fields, and only users whose member may see the record are told.
 */

/** What a notification to subscribers is about, for matching. */
export interface SubscriberMatch {
  module: string;
  kind: string;
  countries?: readonly string[];
  tags?: readonly string[];
  groups?: readonly string[];
  /** The record's access fields: only users whose member may see it match. */
  source: SharingRow;
  /** Only users of these members (the members a notice is for); absent: any member that may see the record. */
  members?: readonly string[];
}

export interface Subscriber {
  subscription_id: string;
  user_id: string;
  member: string;
  email: string;
  /** One of the matching subscriptions e-mails at once (the subscription named is then that one). */
  wants_email: boolean;
  /** One of them is daily and none e-mails at once: the item is a line of the user's daily digest. */
  digest: boolean;
}

/**
 * The sharing rule for the member row `alias` (of `members`) and a record's access fields, for
 * telling of new content: a group that has ended is read-only, so a member whose only way to the
 * record is an ended group still reads it but is not told of it (nor can it add to it).
 */
function memberMaySee(s: SharingRow, alias: string): Sql {
  const m = sql.raw(alias);
  return sql`(${m}.code = ${s.owner}
    OR (${s.audience_kind} = 'all' AND ${m}.status = 'member')
    OR ${m}.code = ANY (${s.audience_members}::text[])
    OR EXISTS (SELECT 1 FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
               WHERE gm.member_code = ${m}.code AND gm.group_code = ANY (${s.audience_groups}::text[]) AND (g.ends_on IS NULL OR g.ends_on >= current_date)))`;
}

/** The members that may see a record with these access fields (the owner first): whose webhooks a module tells. */
export async function audienceMembersOf(tx: Tx, source: SharingRow): Promise<string[]> {
  const rows = await tx.query<{ code: string }>(sql`SELECT m.code FROM members m WHERE ${memberMaySee(source, 'm')} ORDER BY m.code <> ${source.owner}, m.code`);
  return rows.map((row) => row.code);
}

/**
 * The enabled users whose subscriptions match and whose member may see the record; one row per user:
 * e-mail at once if any of their matching subscriptions asks for it, else a digest line if one is daily.
 */
export async function subscribersOf(tx: Tx, match: SubscriberMatch): Promise<Subscriber[]> {
  const immediateMail = sql`(n.email AND n.delivery = 'immediate')`;
  return tx.query<Subscriber>(sql`
    SELECT u.id AS user_id, u.member, u.email, (array_agg(n.id ORDER BY ${immediateMail} DESC, n.id))[1] AS subscription_id,
      bool_or(${immediateMail}) AS wants_email, (bool_or(n.delivery = 'daily') AND NOT bool_or(${immediateMail})) AS digest
    FROM notification_subscriptions n JOIN users u ON u.id = n.user_id AND NOT u.disabled JOIN members m ON m.code = u.member
    WHERE n.module = ${match.module}
      AND (cardinality(n.kinds) = 0 OR ${match.kind} = ANY (n.kinds))
      AND (cardinality(n.countries) = 0 OR n.countries && ${[...(match.countries ?? [])]}::text[])
      AND (cardinality(n.tags) = 0 OR n.tags && ${[...(match.tags ?? [])]}::text[])
      AND (cardinality(n.groups) = 0 OR n.groups && ${[...(match.groups ?? [])]}::text[])
      ${match.members ? sql`AND m.code = ANY (${[...match.members]}::text[])` : sql``}
      AND ${memberMaySee(match.source, 'm')}
    GROUP BY u.id, u.member, u.email
    ORDER BY u.id`);
}

/** The token of a subscription's unsubscribe link: a keyed hash of its id (nothing stored, nothing to guess). */
export function unsubscribeToken(config: Pick<Config, 'env' | 'dataDir'>, subscriptionId: string): string {
  return dataKeyOf(config).hash('unsubscribe', Buffer.from(subscriptionId, 'utf8'));
}

export function validUnsubscribeToken(config: Pick<Config, 'env' | 'dataDir'>, subscriptionId: string, token: string): boolean {
  const expected = Buffer.from(unsubscribeToken(config, subscriptionId));
  const given = Buffer.from(token);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
