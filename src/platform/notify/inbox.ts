import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';

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
}

/** Writes in-app notifications in the caller's transaction; nothing appears if it rolls back. */
export async function notifyUsers(tx: Tx, input: NotificationInput): Promise<void> {
  const s = input.source;
  for (const userId of input.userIds) {
    await tx.query(sql`INSERT INTO notifications (user_id, kind, title, body, object_type, object_id, owner, audience_kind,
        audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
      VALUES (${userId}, ${input.kind}, ${input.title}, ${input.body ?? ''}, ${input.objectType ?? null}, ${input.objectId ?? null},
        ${s.owner}, ${s.audience_kind}, ${s.audience_members}, ${s.audience_groups}, ${s.tlp}, ${s.handling}, ${s.handling_note},
        ${s.evaluation_source}, ${s.evaluation_information})`);
  }
}
