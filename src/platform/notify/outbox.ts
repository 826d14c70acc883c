import { repeat } from '../jobs.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { Platform } from '../context.js';
import type { Mail } from './mailer.js';

/** Queues an e-mail in the caller's transaction: it is sent only if the act commits. */
export async function enqueueEmail(tx: Tx, mail: Mail): Promise<void> {
  await tx.query(sql`INSERT INTO outbox (channel, payload) VALUES ('email', ${JSON.stringify(mail)}::jsonb)`);
}

const MAX_ATTEMPTS = 8;

/**
 * Delivers what is due: claims rows in a short transaction (so no lock is held while talking to the
 * mail server), sends, then marks each sent or schedules a retry with backoff. Returns how many were sent.
 */
export async function deliverOutbox(platform: Platform, batch = 20): Promise<number> {
  if (!platform.mailer.configured) return 0;
  const claimed = await platform.db.transaction({ member: null }, (tx) =>
    tx.query<{ id: number; payload: Mail; attempts: number }>(sql`
      UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + interval '5 minutes'
      WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND attempts < ${MAX_ATTEMPTS} AND next_attempt_at <= now()
                   ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, payload, attempts`),
  );
  let sent = 0;
  for (const row of claimed) {
    try {
      await platform.mailer.send(row.payload);
      await platform.db.transaction({ member: null }, (tx) => tx.query(sql`UPDATE outbox SET sent_at = now(), last_error = NULL WHERE id = ${row.id}`));
      sent++;
    } catch (error) {
      const backoffSeconds = Math.min(3600, 30 * 2 ** row.attempts);
      await platform.db.transaction({ member: null }, (tx) =>
        tx.query(sql`UPDATE outbox SET last_error = ${String(error).slice(0, 500)},
          next_attempt_at = now() + make_interval(secs => ${backoffSeconds}) WHERE id = ${row.id}`),
      );
    }
  }
  return sent;
}

/** Runs delivery every few seconds until stopped; `kick` runs it now (after a commit that queued mail). */
export function startOutboxWorker(platform: Platform, everyMs = 5_000): { kick(): void; stop(): Promise<void> } {
  // A failed delivery is recorded on its row (last_error, next attempt); the worker goes on.
  return repeat(() => deliverOutbox(platform), { everyMs, onError: () => undefined });
}
