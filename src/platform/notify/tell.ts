import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import type { SharingRow } from '../sharing/model.js';
import { topicContacts } from './contacts.js';
import { notifyUsers, type NotificationKind } from './inbox.js';
import { enqueueEmail, enqueueWebhooks } from './outbox.js';

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

export interface MemberMessage {
  /** The member acting (it writes the notification rows). */
  writer: string;
  /** The member told. */
  member: string;
  /** Whose focal points speak for it (`linkage`, `biometrics`, …); else its users of `roles`. */
  topic: string;
  roles: readonly string[];
  kind: NotificationKind;
  title: string;
  body: string;
  /** The object it is about: its type must be declared in some module's `readableObjects`, or no e-mail or webhook leaves. */
  objectType: string;
  objectId: string;
  /** The web page of the object, from the public address (e.g. `/linkage/requests/<id>`). */
  page: string;
}

/**
 * Inbox, e-mail to a member's contacts on a topic and the member's webhooks, in the caller's
 * transaction (the outbox sends the mail and the webhooks, each checked again against the object's
 * audience when it leaves).
 */
export async function tellMember(tx: Tx, platform: Platform, message: MemberMessage): Promise<void> {
  const people = await topicContacts(tx, [message.member], message.topic, message.roles);
  await notifyUsers(tx, {
    userIds: people.map((p) => p.id), kind: message.kind, title: message.title, body: message.body,
    objectType: message.objectType, objectId: message.objectId, source: between(message.writer, message.member),
  });
  const link = `${platform.config.publicUrl}${message.page}`;
  const text = `${message.body}\n\nOpen it in Lintas: ${link}\n`;
  const about = { objectType: message.objectType, objectId: message.objectId, member: message.member };
  for (const person of people) await enqueueEmail(tx, { to: person.email, subject: `Lintas: ${message.title}`, text }, { about: { ...about, userId: person.id } });
  await enqueueWebhooks(tx, { member: message.member, kind: message.kind, title: message.title, objectType: message.objectType, objectId: message.objectId, link });
}
