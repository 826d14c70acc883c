import { timingSafeEqual } from 'node:crypto';
import type { Platform } from '../context.js';
import type { Config } from '../config.js';
import { dataKeyOf } from '../crypto/keys.js';
import type { Tx } from '../db/database.js';
import { sql, type Sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';
import { notifyUsers, type NotificationKind } from './inbox.js';
import { enqueueEmail } from './outbox.js';

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
}

export interface Subscriber {
  subscription_id: string;
  user_id: string;
  member: string;
  email: string;
  wants_email: boolean;
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

/** The enabled users whose subscriptions match and whose member may see the record; one row per user (e-mail at once if any of theirs asks for it; a daily subscription's user gets it in the digest). */
export async function subscribersOf(tx: Tx, match: SubscriberMatch): Promise<Subscriber[]> {
  return tx.query<Subscriber>(sql`
    SELECT DISTINCT ON (u.id) n.id AS subscription_id, u.id AS user_id, u.member, u.email, (n.email AND n.delivery = 'immediate') AS wants_email
    FROM notification_subscriptions n JOIN users u ON u.id = n.user_id AND NOT u.disabled JOIN members m ON m.code = u.member
    WHERE n.module = ${match.module}
      AND (cardinality(n.kinds) = 0 OR ${match.kind} = ANY (n.kinds))
      AND (cardinality(n.countries) = 0 OR n.countries && ${[...(match.countries ?? [])]}::text[])
      AND (cardinality(n.tags) = 0 OR n.tags && ${[...(match.tags ?? [])]}::text[])
      AND (cardinality(n.groups) = 0 OR n.groups && ${[...(match.groups ?? [])]}::text[])
      AND ${memberMaySee(match.source, 'm')}
    ORDER BY u.id, (n.email AND n.delivery = 'immediate') DESC, n.id`);
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

export interface SubscriberMessage extends SubscriberMatch {
  /** What subscriptions' kinds are matched against (e.g. a bulletin's type); also the inbox kind unless `notificationKind` is given. */
  kind: string;
  /** The inbox item's kind, when it is not the kind matched. */
  notificationKind?: NotificationKind;
  title: string;
  body: string;
  objectType: string;
  objectId: string;
  /** The web page of the object, from the public address. */
  page: string;
}

/**
 * Tells the matching subscribers, in the caller's transaction (the record's owner's: the inbox rows
 * copy the record's access fields): an inbox item each, and an e-mail with its subscription's
 * unsubscribe link to those who asked for e-mail, checked again against the record's audience when
 * it leaves. Returns how many users were told.
 */
export async function tellSubscribers(tx: Tx, platform: Platform, message: SubscriberMessage): Promise<number> {
  const people = await subscribersOf(tx, message);
  if (people.length === 0) return 0;
  await notifyUsers(tx, {
    userIds: people.map((p) => p.user_id), kind: message.notificationKind ?? (message.kind as NotificationKind), title: message.title, body: message.body,
    objectType: message.objectType, objectId: message.objectId, source: message.source,
  });
  const base = platform.config.publicUrl;
  for (const person of people.filter((p) => p.wants_email)) {
    const query = `subscription=${person.subscription_id}&token=${unsubscribeToken(platform.config, person.subscription_id)}`;
    const unsubscribe = `${base}/unsubscribe?${query}`;
    const text = `${message.body}\n\nOpen it in Lintas: ${base}${message.page}\n\nYou receive this because of one of your subscriptions. To end it: ${unsubscribe}\n`;
    // RFC 8058: a mail client's one-click unsubscribe POSTs "List-Unsubscribe=One-Click" to this address, without a sign-in.
    const headers = { 'List-Unsubscribe': `<${base}/api/v1/subscriptions/unsubscribe/one-click?${query}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    await enqueueEmail(tx, { to: person.email, subject: `Lintas: ${message.title}`, text, headers }, {
      about: { objectType: message.objectType, objectId: message.objectId, member: person.member, userId: person.user_id },
    });
  }
  return people.length;
}
