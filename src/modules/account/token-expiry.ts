/**
 * A notice before an API token expires (ASVS 2.3.3): `LINTAS_TOKEN_EXPIRY_NOTICE_DAYS` before it
 * does, its owner is told in the inbox and by e-mail, once. Several processes may run this job on
 * one database: the token is marked told in the transaction that queues the notice, and a token
 * another process holds or has marked is skipped, so each is announced exactly once.
 */
import { appendAudit } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import { inOwnerBatches } from '../../platform/db/batches.js';
import { sql } from '../../platform/db/sql.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { notifyUsers } from '../../platform/notify/inbox.js';
import { enqueueEmails, enqueueWebhooks } from '../../platform/notify/outbox.js';

/** The tokens one transaction announces; the job goes on until a batch comes back short. */
const BATCH = 200;

interface ExpiringToken {
  id: string;
  name: string;
  expires_at: Date;
  user_id: string;
  email: string;
  user_name: string;
  member: string;
}

const moment = (when: Date): string => when.toISOString().replace(/\.\d+Z$/, 'Z');

/** Tells the owners of tokens expiring within the notice period, each token once; returns how many were told. */
export async function noticeExpiringTokens(platform: Platform): Promise<number> {
  const days = platform.config.tokenExpiryNoticeDays;
  if (days <= 0) return 0;
  // Tokens of every user: a job across members, run as the schema owner (the secrets' schema is its).
  return inOwnerBatches(platform.db, BATCH, async (tx, size) => {
    // A token whose whole life is no longer than the notice period was made that short on purpose:
    // its maker is not told. SKIP LOCKED and the re-checked `expiry_notice_at IS NULL` keep a token
    // another process is announcing (or has announced) out of this batch.
    const tokens = await tx.query<ExpiringToken>(sql`
      WITH due AS (
        SELECT t.id FROM lintas_secrets.api_tokens t JOIN users u ON u.id = t.user_id AND NOT u.disabled
        WHERE t.revoked_at IS NULL AND t.expiry_notice_at IS NULL
          AND t.expires_at > now() AND t.expires_at <= now() + make_interval(days => ${days}::int)
          AND t.expires_at - t.created_at > make_interval(days => ${days}::int)
        ORDER BY t.expires_at LIMIT ${size}
        FOR UPDATE OF t SKIP LOCKED
      )
      UPDATE lintas_secrets.api_tokens t SET expiry_notice_at = now()
      FROM due, users u
      WHERE t.id = due.id AND u.id = t.user_id
      RETURNING t.id, t.name, t.expires_at, u.id AS user_id, u.email, u.name AS user_name, u.member`);
    if (tokens.length === 0) return 0;
    const page = `${platform.config.publicUrl}/account`;
    for (const token of tokens) {
      await notifyUsers(tx, {
        userIds: [token.user_id],
        kind: 'account.token-expiring',
        title: `Your API token "${token.name}" expires on ${moment(token.expires_at)}`,
        body: 'Create a new token on your account page, put it in the system that uses this one, then revoke this one.',
        objectType: 'api-token',
        objectId: token.id,
        // The user's own matter: their member only, as a webhook endpoint's notice is.
        source: { owner: token.member, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null },
      });
      // The member's systems too (webhook endpoints taking the kind): the system that uses the token is
      // the one that must be given a new one. No record rides along: the title and the account page.
      await enqueueWebhooks(tx, {
        member: token.member,
        kind: 'account.token-expiring',
        title: `The API token "${token.name}" of ${token.user_name} expires on ${moment(token.expires_at)}`,
        link: page,
        key: `token-expiry:${token.id}`,
      });
    }
    await enqueueEmails(
      tx,
      tokens.map((token) => ({
        mail: {
          to: token.email,
          subject: 'Lintas: an API token of yours expires soon',
          text:
            `Hello ${token.user_name},\n\nYour Lintas API token "${token.name}" expires on ${moment(token.expires_at)} (UTC). ` +
            'After that, the system that uses it can no longer reach Lintas with it.\n\n' +
            `To keep it working, create a new token on your account page (${page}), put it in that system, then revoke the old one there.\n\n` +
            'If the token is no longer needed, there is nothing to do.\n',
        },
        // One e-mail per token ever, even were the mark lost: the outbox ignores a key it holds.
        options: { key: `token-expiry:${token.id}` },
      })),
    );
    for (const token of tokens) {
      await appendAudit(tx, { member: token.member }, [
        { action: 'account.token-expiry-notice', objectType: 'api-token', objectId: token.id, details: { user: token.user_id, expiresAt: token.expires_at.toISOString() } },
      ]);
    }
    return tokens.length;
  });
}

/** Runs the notices at start and every `everyMs` (an hour) until stopped; `onTold` wakes the outbox. */
export function startTokenExpiryNotices(platform: Platform, onTold: () => void, onError: (error: unknown) => void, everyMs = 60 * 60_000): RepeatingJob {
  return repeat(
    async () => {
      if ((await noticeExpiringTokens(platform)) > 0) onTold();
    },
    { everyMs, onError, runNow: true },
  );
}
