import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';
import { inboxChanged } from './live.js';

/** The kinds of notification of every module, by module name; each module adds its own by declaration merging. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ModuleNotificationKinds {}
export type NotificationKind = ModuleNotificationKinds[keyof ModuleNotificationKinds];

export interface NotificationInput {
  userIds: readonly string[];
  kind: NotificationKind;
  title: string;
  body?: string;
  objectType?: string;
  objectId?: string;
  /** The access fields of the record the notification is about: copied, so one rule filters both. */
  source: SharingRow;
  /** Those of `userIds` whose daily digest lists the item (their matching subscriptions asked for it daily). */
  digest?: readonly string[];
}

/** Writes in-app notifications in the caller's transaction; nothing appears if it rolls back. */
export async function notifyUsers(tx: Tx, input: NotificationInput): Promise<void> {
  await notifyEach(tx, [input]);
}

/**
 * Writes several notifications, each to its users, in one statement in the caller's transaction (a
 * job telling many members at once costs one round trip); nothing appears if it rolls back.
 */
export async function notifyEach(tx: Tx, inputs: readonly NotificationInput[]): Promise<void> {
  const rows = inputs.flatMap((input) =>
    input.userIds.map((userId) => ({
      user_id: userId,
      digest: input.digest?.includes(userId) ?? false,
      kind: input.kind,
      title: input.title,
      body: input.body ?? '',
      object_type: input.objectType ?? null,
      object_id: input.objectId ?? null,
      owner: input.source.owner,
      audience_kind: input.source.audience_kind,
      audience_members: input.source.audience_members,
      audience_groups: input.source.audience_groups,
      tlp: input.source.tlp,
      handling: input.source.handling,
      handling_note: input.source.handling_note,
      evaluation_source: input.source.evaluation_source,
      evaluation_information: input.source.evaluation_information,
    })),
  );
  if (rows.length === 0) return;
  await tx.query(sql`INSERT INTO notifications (user_id, digest, kind, title, body, object_type, object_id, owner, audience_kind,
      audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
    SELECT r.user_id, r.digest, r.kind, r.title, r.body, r.object_type, r.object_id, r.owner, r.audience_kind,
      r.audience_members, r.audience_groups, r.tlp, r.handling, r.handling_note, r.evaluation_source, r.evaluation_information
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r (user_id uuid, digest boolean, kind text, title text, body text, object_type text, object_id text,
      owner text, audience_kind text, audience_members text[], audience_groups text[], tlp text, handling text[], handling_note text,
      evaluation_source text, evaluation_information text)`);
  await inboxChanged(tx, rows.map((row) => row.user_id));
}

/**
 * The user acted on an object (opened it, answered it): their unread notifications about it become
 * read, in the act's transaction, and their open streams hear of it (the badge drops live).
 */
export async function readNotificationsAbout(tx: Tx, userId: string, objectType: string, objectId: string): Promise<void> {
  const read = await tx.query(sql`UPDATE notifications SET read_at = now()
    WHERE user_id = ${userId} AND object_type = ${objectType} AND object_id = ${objectId} AND read_at IS NULL RETURNING id`);
  if (read.length > 0) await inboxChanged(tx, [userId]);
}
