import type { Actor } from '../../platform/auth/actor.js';
import { secondFactorRoles, type Role } from '../../platform/auth/roles.js';
import { decoyHash, verifyPassword } from '../../platform/auth/secrets.js';
import { createSession, endSession, replaceSession, type SessionStage, type SessionState } from '../../platform/auth/sessions.js';
import { markReauthenticated } from '../../platform/auth/reauthentication.js';
import { recoveryCodeHash, totpStep } from '../../platform/auth/totp.js';
import { appendAudit, auditContext } from '../../platform/audit/writer.js';
import type { Platform, RequestInfo } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { invalid, Problem } from '../../platform/errors.js';
import { tellAccountChange } from './notices.js';
import type { SignIn } from './schemas.js';

interface UserForSignIn {
  id: string;
  member: string;
  password_hash: string | null;
  totp_enabled: boolean;
  requires_totp: boolean;
  roles: Role[];
}

const WRONG = 'Wrong e-mail address or password.';

/** Refuses (429) an account or address with too many recent failures; the refusal is audited too. */
async function assertNotThrottled(platform: Platform, request: RequestInfo, email: string, user?: { id: string; member: string }): Promise<void> {
  const { signinWindowMinutes: minutes, signinMaxFailuresPerAccount: perAccount, signinMaxFailuresPerAddress: perAddress } = platform.config;
  const address = request.address;
  const counts = await platform.db.transaction({ member: null }, (tx) =>
    tx.one<{ by_email: number; by_address: number }>(sql`SELECT * FROM auth_sign_in_failures(${email}, ${address}, ${minutes}::int)`),
  );
  if (counts.by_email >= perAccount || counts.by_address >= perAddress) {
    const source = { userId: user?.id, member: user?.member, requestId: request.requestId, address };
    await platform.db.transaction(auditContext(source), (tx) =>
      appendAudit(tx, source, [
        { action: 'auth.sign-in-failed', objectType: 'user', objectId: user?.id, details: { email, reason: 'throttled' } },
      ]),
    );
    // At most the window: by then every failure that paused it has aged out.
    const retryAfterSeconds = minutes * 60;
    throw new Problem(429, 'Too many failed sign-ins', `Sign-in is paused for this account or address; try again in ${minutes} minutes or ask your member-admin.`, undefined, {
      retryAfterSeconds,
    }, { 'retry-after': String(retryAfterSeconds) });
  }
}

/** Records a failed attempt and its audit row in a transaction of its own, so the refusal cannot roll it back. */
async function recordFailure(
  platform: Platform,
  request: RequestInfo,
  email: string,
  user: { id: string; member: string } | undefined,
  reason: string,
  alsoInTransaction?: (tx: Tx) => Promise<void>,
): Promise<void> {
  const source = { userId: user?.id, member: user?.member, requestId: request.requestId, address: request.address };
  await platform.db.transaction(auditContext(source), async (tx) => {
    await tx.query(sql`SELECT auth_sign_in_failed(${email}, ${request.address})`);
    await appendAudit(tx, source, [
      { action: 'auth.sign-in-failed', objectType: 'user', objectId: user?.id, details: { email, reason } },
    ]);
    await alsoInTransaction?.(tx);
  });
}

/** Checks the password; opens a session at the stage the user's second factor calls for. */
export async function signIn(platform: Platform, request: RequestInfo, input: SignIn): Promise<{ secret: string; stage: SessionStage }> {
  const email = input.email.toLowerCase();
  await assertNotThrottled(platform, request, email);
  const user = await platform.db.transaction({ member: null }, (tx) =>
    tx.maybeOne<UserForSignIn>(sql`SELECT c.*, u.roles FROM auth_sign_in_candidate(${email}) c JOIN users u ON u.id = c.id`),
  );
  const ok = await verifyPassword(platform.config, user?.password_hash ?? (await decoyHash(platform.config)), input.password);
  if (!user || !ok || !user.password_hash) {
    await recordFailure(platform, request, email, user, user ? 'wrong password' : 'unknown or disabled account');
    throw new Problem(401, 'Sign-in refused', WRONG);
  }
  // A member that requires a second factor, or an administrative role (ASVS 4.3.1), sends a user without one to enrol.
  const stage: SessionStage = user.totp_enabled ? 'totp' : user.requires_totp || secondFactorRoles(user.roles).length > 0 ? 'enrol' : 'full';
  const source = { userId: user.id, member: user.member, requestId: request.requestId, address: request.address };
  return platform.db.transaction(auditContext(source), async (tx) => {
    const secret = await createSession(tx, user.id, stage, request.address, platform.config.sessionHours);
    await appendAudit(tx, source, [
      { action: stage === 'full' ? 'auth.sign-in' : 'auth.password-accepted', objectType: 'user', objectId: user.id, details: { stage } },
    ]);
    return { secret, stage };
  });
}

/** What became of a second-factor code: `reused` is a right TOTP code of a time step already used (ASVS 2.8.5). */
export type SecondFactorOutcome = 'accepted' | 'wrong' | 'reused';

/**
 * Checks a TOTP code (or a recovery code) of the transaction's user (its context's `user`) and
 * consumes it: a code whose time step is not later than the last one used is refused as reused, so a
 * captured code cannot be replayed.
 */
export async function consumeSecondFactor(tx: Tx, code: string): Promise<SecondFactorOutcome> {
  const user = await tx.maybeOne<{ totp_secret: string | null; totp_last_step: number }>(sql`SELECT * FROM auth_totp_secret()`);
  if (!user?.totp_secret) return 'wrong';
  const step = totpStep(user.totp_secret, code);
  if (step !== null) {
    if (step <= user.totp_last_step) return 'reused';
    return (await tx.one<{ used: boolean }>(sql`SELECT auth_totp_step_used(${step}::bigint) AS used`)).used ? 'accepted' : 'reused';
  }
  return (await tx.one<{ used: boolean }>(sql`SELECT auth_recovery_code_used(${recoveryCodeHash(code)}) AS used`)).used ? 'accepted' : 'wrong';
}

/** The second step of sign-in; on success the session is replaced by a full one, whose secret is returned. */
export async function verifySecondFactor(platform: Platform, request: RequestInfo, session: SessionState, code: string): Promise<string> {
  if (session.stage !== 'totp') throw new Problem(409, 'Nothing to verify', 'This session is not waiting for a second factor.');
  const source = { userId: session.userId, member: session.actor.member, requestId: request.requestId, address: request.address };
  await assertNotThrottled(platform, request, session.actor.email, { id: session.userId, member: session.actor.member });
  const result = await platform.db.transaction(auditContext(source), async (tx) => {
    const outcome = await consumeSecondFactor(tx, code);
    if (outcome !== 'accepted') return { outcome };
    const full = await replaceSession(tx, session, 'full', request.address, platform.config.sessionHours);
    await appendAudit(tx, source, [{ action: 'auth.sign-in', objectType: 'user', objectId: session.userId, details: { secondFactor: true } }]);
    return { outcome, full };
  });
  if (result.full === undefined) {
    const holder = { id: session.userId, member: session.actor.member };
    if (result.outcome === 'reused') {
      // A right code used again: someone may have seen it and know the password too; its holder is told.
      await recordFailure(platform, request, session.actor.email, holder, 'reused second-factor code', (tx) => tellAccountChange(tx, session.actor, 'totp-reused', request.address));
    } else {
      await recordFailure(platform, request, session.actor.email, holder, 'wrong second-factor code');
    }
    throw new Problem(401, 'Sign-in refused', 'The code is wrong, expired or already used.');
  }
  return result.full;
}

/**
 * Re-authentication (ASVS 3.7.1): the signed-in user enters their password, or a current second-factor
 * code, again, and the session may make sensitive changes for LINTAS_REAUTH_MINUTES. Throttled, and
 * a wrong one counted and audited, as a failed sign-in.
 */
export async function reauthenticate(platform: Platform, request: RequestInfo, session: SessionState, input: { password?: string; code?: string }): Promise<void> {
  const { actor } = session;
  const holder = { id: session.userId, member: actor.member };
  await assertNotThrottled(platform, request, actor.email, holder);
  const source = { userId: session.userId, member: actor.member, requestId: request.requestId, address: request.address };
  const accepted = await platform.db.transaction(auditContext(source), async (tx) => {
    if (input.password !== undefined) {
      const user = await tx.one<{ password_hash: string | null }>(sql`SELECT auth_password_hash() AS password_hash`);
      if (!(await verifyPassword(platform.config, user.password_hash ?? (await decoyHash(platform.config)), input.password)) || !user.password_hash) return false;
    } else if (input.code === undefined || (await consumeSecondFactor(tx, input.code)) !== 'accepted') {
      return false;
    }
    if (!(await markReauthenticated(tx, session))) return false;
    await appendAudit(tx, source, [
      { action: 'account.reauthenticated', objectType: 'user', objectId: session.userId, details: { with: input.password !== undefined ? 'password' : 'code' } },
    ]);
    return true;
  });
  if (!accepted) {
    const pointer = input.password !== undefined ? '/password' : '/code';
    await recordFailure(platform, request, actor.email, holder, `wrong ${pointer === '/password' ? 'password' : 'code'} at re-authentication`);
    throw invalid([{ pointer, detail: pointer === '/password' ? 'is not your password' : 'the code is wrong, expired or already used' }]);
  }
}

/** A second step without a usable code is a refused sign-in too: audited and counted like a wrong code. */
export async function recordMalformedSecondFactor(platform: Platform, request: RequestInfo, session: SessionState): Promise<void> {
  if (session.stage !== 'totp') return;
  await recordFailure(platform, request, session.actor.email, { id: session.userId, member: session.actor.member }, 'missing or malformed second-factor code');
}

export async function signOut(platform: Platform, request: RequestInfo, session: SessionState, actor: Actor | null): Promise<void> {
  const source = { userId: session.userId, member: actor?.member ?? session.actor.member, requestId: request.requestId, address: request.address };
  await platform.db.transaction(auditContext(source), async (tx) => {
    await endSession(tx, session.idHash);
    await appendAudit(tx, source, [
      { action: 'auth.sign-out', objectType: 'user', objectId: session.userId },
    ]);
  });
}
