import type { Platform } from '../context.js';
import { sql } from '../db/sql.js';
import { repeat } from '../jobs.js';
import type { Mail } from './email.js';
import { enqueueEmail } from './outbox.js';

/**
 * The daily digest: a user with a subscription whose delivery is `daily` gets, once a day at about
 * 07:00 in their time zone, one e-mail listing the notifications of the last day that their daily
 * subscriptions matched (`notifications.digest`; what an immediate one e-mailed at once is not repeated). Each line is
 * asked again when the e-mail leaves (a line about a record they may no longer read is dropped;
 * nothing left, nothing sent). One digest per user and local date (`notification_digests`, and the
 * outbox key `digest:<user>:<date>`), so a restart or a second process never makes two.
 */

/** The local hour from which a day's digest is made. */
export const DIGEST_HOUR = 7;

/** Whether a name is a time zone Intl knows (IANA names, e.g. Asia/Jakarta; UTC). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The local date (YYYY-MM-DD) and hour at an instant in a time zone. */
export function localTime(at: Date, timeZone: string): { date: string; hour: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })
      .formatToParts(at).map((part) => [part.type, part.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

interface Candidate {
  id: string;
  member: string;
  email: string;
  time_zone: string;
}

/**
 * Makes the digests due at `now`: for each enabled user with a daily subscription whose local time
 * is past 07:00 and whose digest of that local date is not made yet, queues one e-mail with the
 * digest lines of the 24 hours before (none: nothing queued, the day marked made). Returns how many
 * were queued.
 */
export async function makeDigests(platform: Platform, now: Date = new Date()): Promise<number> {
  const users = await platform.db.ownerTransaction((tx) =>
    tx.query<Candidate>(sql`SELECT u.id, u.member, u.email, u.time_zone FROM users u
      WHERE NOT u.disabled AND EXISTS (SELECT 1 FROM notification_subscriptions n WHERE n.user_id = u.id AND n.delivery = 'daily')
      ORDER BY u.id`),
  );
  let queued = 0;
  for (const user of users) {
    const local = localTime(now, isTimeZone(user.time_zone) ? user.time_zone : 'UTC');
    if (local.hour < DIGEST_HOUR) continue;
    const made = await platform.db.ownerTransaction(async (tx) => {
      const lines = await tx.query<{ title: string; object_type: string | null; object_id: string | null }>(sql`
        SELECT title, object_type, object_id FROM notifications
        WHERE user_id = ${user.id} AND digest AND created_at > ${now.toISOString()}::timestamptz - interval '1 day' AND created_at <= ${now.toISOString()}::timestamptz
        ORDER BY created_at, id LIMIT 200`);
      const fresh = await tx.maybeOne(sql`INSERT INTO notification_digests (user_id, local_date, lines) VALUES (${user.id}, ${local.date}::date, ${lines.length})
        ON CONFLICT DO NOTHING RETURNING user_id`);
      if (!fresh || lines.length === 0) return false;
      const mail: Mail = {
        to: user.email, subject: `Lintas: your daily digest for ${local.date}`, text: '',
        lines: lines.map((line) => ({ text: line.title, objectType: line.object_type, objectId: line.object_id })),
      };
      await enqueueEmail(tx, mail, { key: `digest:${user.id}:${local.date}`, recipient: { member: user.member, userId: user.id } });
      return true;
    });
    if (made) queued++;
  }
  return queued;
}

/** Runs the digest every ten minutes (and at start): each user's is made in the first run after 07:00 local time. */
export function startDigestJob(platform: Platform, onError: (error: unknown) => void, kick: () => void): { stop(): Promise<void> } {
  return repeat(async () => {
    if ((await makeDigests(platform)) > 0) kick();
  }, { everyMs: 10 * 60_000, onError, runNow: true });
}
