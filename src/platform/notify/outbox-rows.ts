import type { Platform } from '../context.js';
import { sql } from '../db/sql.js';
import type { About } from './audience.js';
import { notifySettings } from './settings.js';

/** A claimed outbox row. */
export interface OutboxRow {
  id: number;
  channel: 'email' | 'webhook';
  payload: unknown;
  attempts: number;
  idempotency_key: string;
  object_type: string | null;
  object_id: string | null;
  recipient_member: string | null;
  recipient_user: string | null;
  endpoint_id: string | null;
}

/** What became of one attempt. */
export type Outcome = 'sent' | 'withheld' | 'retry' | 'failed';

/** The record's audience, asked again now: absent reference, nothing to ask. */
export function aboutOf(row: OutboxRow): About | undefined {
  if (!row.object_type || !row.object_id || !row.recipient_member) return undefined;
  return { objectType: row.object_type, objectId: row.object_id, member: row.recipient_member, ...(row.recipient_user ? { userId: row.recipient_user } : {}) };
}

/** Marks a message done: sent, withheld (no longer for its recipient; nothing said why) or failed. */
export async function finish(platform: Platform, id: number, status: 'sent' | 'withheld' | 'failed', error: string | null = null): Promise<void> {
  await platform.db.ownerTransaction((tx) =>
    tx.query(sql`UPDATE outbox SET status = ${status}, finished_at = now(), sent_at = CASE WHEN ${status} = 'sent' THEN now() END,
      last_error = ${error === null ? null : error.slice(0, 500)} WHERE id = ${id}`),
  );
}

/** Records a failed attempt: another later (exponential backoff with jitter), or failed after the last. */
export async function retryLater(platform: Platform, row: OutboxRow, error: string): Promise<Outcome> {
  if (row.attempts >= notifySettings.of(platform.config).maxAttempts) {
    await finish(platform, row.id, 'failed', error);
    return 'failed';
  }
  // 30 s, 1 min, 2 min, … up to an hour, each drawn between half and all of it so failures spread out.
  const ceiling = Math.min(3600, 30 * 2 ** (row.attempts - 1));
  const seconds = ceiling / 2 + Math.random() * (ceiling / 2);
  await platform.db.ownerTransaction((tx) =>
    tx.query(sql`UPDATE outbox SET last_error = ${error.slice(0, 500)}, next_attempt_at = now() + make_interval(secs => ${seconds}) WHERE id = ${row.id}`),
  );
  return 'retry';
}
