import type { Platform } from '../context.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import { enqueueEmail } from '../notify/outbox.js';
import { digest, newSecret } from './secrets.js';

/** How long a password link works. */
export const RESET_HOURS = 1;

/** Writes a one-time reset link for a user and queues it by e-mail; returns the link. */
export async function issueResetLink(tx: Tx, platform: Platform, user: { id: string; email: string; name: string }): Promise<string> {
  const token = newSecret();
  await tx.query(sql`SELECT auth_reset_issue(${user.id}::uuid, ${digest(token)}, ${RESET_HOURS}::int)`);
  // In the fragment (ASVS 8.3.1): browsers never send it to the server, so it stays out of access logs and Referer.
  const link = `${platform.config.publicUrl}/reset-password#token=${token}`;
  await enqueueEmail(tx, {
    to: user.email,
    subject: 'Lintas: set your password',
    text: `Hello ${user.name},\n\nOpen this link within ${RESET_HOURS} hour to set your Lintas password:\n\n${link}\n\nIt works once. If you did not ask for it, ignore this message and tell your member-admin.\n`,
  });
  return link;
}
