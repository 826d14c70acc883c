import type { Ctx } from '../context.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import { forbidden, Problem } from '../errors.js';
import type { SessionState } from './sessions.js';

/**
 * The problem type of a sensitive change asked for by a session whose password (or code) was last
 * entered too long ago (ASVS 3.7.1): the web app answers it by asking for the password again
 * (`POST /account/reauthenticate`) and retrying. An identifier, not a page to fetch (RFC 9457 §3.1.1).
 */
export const REAUTHENTICATION_REQUIRED = '/problems/reauthentication-required';

/**
 * Refuses a sensitive change (creating an API token, changing a user's roles) unless the caller is a
 * browser session whose user entered their password or a second-factor code in it within the last
 * `LINTAS_REAUTH_MINUTES`: at sign-in, or again through `POST /account/reauthenticate`. An API
 * token cannot re-authenticate, so it is refused outright.
 */
export async function assertRecentlyAuthenticated(ctx: Ctx, session: SessionState | null): Promise<void> {
  if (ctx.actor.via !== 'session' || !session) throw forbidden('This change needs a person at a browser session, not an API token.');
  const minutes = ctx.platform.config.reauthMinutes;
  const fresh = await ctx.tx.one<{ fresh: boolean }>(sql`SELECT auth_session_recently_authenticated(${session.idHash}, ${minutes}::int) AS fresh`);
  if (!fresh.fresh) {
    throw new Problem(403, 'Re-authentication required', `Enter your password again to confirm this change: it was last entered in this session more than ${minutes} minutes ago.`, undefined, {
      type: REAUTHENTICATION_REQUIRED,
    });
  }
}

/** Marks the session re-authenticated now, after its user's password or code was checked in this transaction. */
export async function markReauthenticated(tx: Tx, session: SessionState): Promise<boolean> {
  return (await tx.one<{ marked: boolean }>(sql`SELECT auth_session_reauthenticated(${session.idHash}) AS marked`)).marked;
}
