import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import type { SharingRow } from '../sharing/model.js';
import { topicContacts } from './contacts.js';
import { notifyUsers, type NotificationKind } from './inbox.js';
import type { Mail } from './email.js';
import { enqueueEmails, enqueueWebhooks, type QueueOptions } from './outbox.js';
import { audienceMembersOf, subscribersOf, unsubscribeToken } from './subscriptions.js';

/**
 * A notification's access fields: written by the acting member (row-level security lets a member
 * write only its own rows) and shared with the member told.
 */
export const between = (writer: string, reader: string): SharingRow => ({
  owner: writer,
  audience_kind: writer === reader ? 'owner' : 'members',
  audience_members: writer === reader ? [] : [reader],
  audience_groups: [],
  tlp: 'AMBER',
  handling: [],
  handling_note: null,
  evaluation_source: null,
  evaluation_information: null,
});

/** Something a module tells people and member systems about one object. */
export interface Notice {
  /** The module whose subscriptions are matched, e.g. `reports`. */
  module: string;
  /** The inbox item's kind and the webhook event's type; subscriptions' kinds are matched against it unless `subscriptionKind` is given. */
  kind: NotificationKind;
  /** What subscriptions' kinds are matched against, when it is not `kind` (a bulletin's type). */
  subscriptionKind?: string;
  title: string;
  body: string;
  /** The object it is about: its type must be declared in some module's `readableObjects`, or no e-mail or webhook leaves. */
  objectType: string;
  objectId: string;
  /** The web page of the object, from the public address (e.g. `/linkage/requests/<id>`). */
  page: string;
  /**
   * The access fields every inbox item copies: owned by the acting member (its transaction writes
   * them), readable by whom the object is. Nobody whose member may not read them is told.
   */
  source: SharingRow;
  /** The members told (their subscribers and webhooks); absent: every member that may read `source`. Members that may not read it are dropped. */
  members?: readonly string[];
  /** Users told by name, in the inbox (e-mail, or a digest line, only where a matching subscription of theirs asks). */
  users?: readonly string[];
  /** Members whose contacts on a topic are told in the inbox and by e-mail (focal points for the topic, else users of `roles`). */
  contacts?: { members: readonly string[]; topic: string; roles: readonly string[] };
  /** For matching subscriptions (each empty or absent: matches only subscriptions that do not narrow by it). */
  countries?: readonly string[];
  tags?: readonly string[];
  groups?: readonly string[];
  /** Makes the messages idempotent: queuing one key twice queues each message once (e.g. `bulletin:<id>:<version>`). */
  key?: string;
}

/** Who was told: users in the inbox, e-mails and webhook deliveries queued. */
export interface Told {
  users: number;
  emails: number;
  webhooks: number;
}

/**
 * The one way a module tells about an object, in the caller's transaction: inbox items for the
 * users named, the members' contacts on a topic and the matching subscribers whose member may read
 * the object; e-mail to the contacts and to subscribers who want it at once (with their
 * subscription's unsubscribe link); a digest line for those whose matching subscriptions are daily;
 * and the told members' webhooks that take the kind. The outbox asks the object's audience again when
 * each e-mail and webhook leaves, and the digest when it is made and sent, so what leaves obeys the
 * sharing of that moment.
 */
export async function notify(tx: Tx, platform: Platform, notice: Notice): Promise<Told> {
  const readers = await audienceMembersOf(tx, notice.source);
  const members = notice.members ? readers.filter((member) => notice.members?.includes(member)) : readers;
  const readable = (member: string) => members.includes(member);
  const contacts = notice.contacts ? (await topicContacts(tx, notice.contacts.members, notice.contacts.topic, notice.contacts.roles)).filter((person) => readable(person.member)) : [];
  const subscribers = members.length === 0 ? [] : await subscribersOf(tx, {
    module: notice.module, kind: notice.subscriptionKind ?? notice.kind, countries: notice.countries, tags: notice.tags, groups: notice.groups, source: notice.source, members,
  });
  const contactIds = new Set(contacts.map((person) => person.id));
  const userIds = [...new Set([...(notice.users ?? []), ...contacts.map((person) => person.id), ...subscribers.map((person) => person.user_id)])];
  await notifyUsers(tx, {
    userIds, kind: notice.kind, title: notice.title, body: notice.body, objectType: notice.objectType, objectId: notice.objectId, source: notice.source,
    digest: subscribers.filter((person) => person.digest && !contactIds.has(person.user_id)).map((person) => person.user_id),
  });

  const base = platform.config.publicUrl;
  const link = `${base}${notice.page}`;
  const about = { objectType: notice.objectType, objectId: notice.objectId };
  const key = (suffix: string) => (notice.key ? { key: `${notice.key}:${suffix}` } : {});
  // Webhooks first: the outbox sends in order of queuing, and a member's systems should not wait behind
  // thousands of e-mails (bench/README.md, the fan-out).
  let webhooks = 0;
  for (const member of members) {
    webhooks += await enqueueWebhooks(tx, { member, kind: notice.kind, title: notice.title, ...about, link, ...(notice.key ? { key: `${notice.key}:${member}` } : {}) });
  }
  const emails: { mail: Mail; options: QueueOptions }[] = contacts.map((person) => ({
    mail: { to: person.email, subject: `Lintas: ${notice.title}`, text: `${notice.body}\n\nOpen it in Lintas: ${link}\n` },
    options: { ...key(`mail:${person.id}`), about: { ...about, member: person.member, userId: person.id } },
  }));
  for (const person of subscribers.filter((p) => p.wants_email && !contactIds.has(p.user_id))) {
    const query = `subscription=${person.subscription_id}&token=${unsubscribeToken(platform.config, person.subscription_id)}`;
    const text = `${notice.body}\n\nOpen it in Lintas: ${link}\n\nYou receive this because of one of your subscriptions. To end it: ${base}/unsubscribe?${query}\n`;
    // RFC 8058: a mail client's one-click unsubscribe POSTs "List-Unsubscribe=One-Click" to this address, without a sign-in.
    const headers = { 'List-Unsubscribe': `<${base}/api/v1/subscriptions/unsubscribe/one-click?${query}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
    emails.push({ mail: { to: person.email, subject: `Lintas: ${notice.title}`, text, headers }, options: { ...key(`mail:${person.user_id}`), about: { ...about, member: person.member, userId: person.user_id } } });
  }
  await enqueueEmails(tx, emails);
  return { users: userIds.length, emails: emails.length, webhooks };
}
