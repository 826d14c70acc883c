import QRCode from 'qrcode';
import { secondFactorRoles, type Role } from '../../platform/auth/roles.js';
import { assertAcceptablePassword, digest, hashPassword, newSecret, verifyPassword } from '../../platform/auth/secrets.js';
import { replaceSession, sessionsChanged, type SessionState } from '../../platform/auth/sessions.js';
import { newRecoveryCodes, newTotpSecret, totpUri } from '../../platform/auth/totp.js';
import { appendAudit, auditContext } from '../../platform/audit/writer.js';
import type { Ctx, Platform, RequestInfo } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { invalid, notFound, Problem } from '../../platform/errors.js';
import { issueResetLink } from '../../platform/auth/reset-links.js';
import { consumeSecondFactor } from './sign-in.js';
import { tellAccountChange } from './notices.js';
import type { ChangePassword, TokenCreate } from './schemas.js';

/** Starts TOTP enrolment: a new secret, not in force until a code from it is confirmed. */
export async function startTotpEnrolment(platform: Platform, session: SessionState): Promise<{ secret: string; uri: string; qrSvg: string }> {
  const secret = newTotpSecret();
  await platform.db.transaction({ member: session.actor.member, user: session.userId }, async (tx) => {
    const started = await tx.one<{ started: boolean }>(sql`SELECT auth_totp_start(${secret}) AS started`);
    if (!started.started) throw new Problem(409, 'Already enrolled', 'A second factor is already in force; remove it first.');
  });
  const uri = totpUri(session.actor.email, secret);
  return { secret, uri, qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 1 }) };
}

/**
 * Confirms enrolment with a first code; returns the recovery codes, shown once. A session that was
 * waiting to enrol becomes a full one under a new id, whose secret is returned too.
 */
export async function confirmTotpEnrolment(
  platform: Platform,
  request: RequestInfo,
  session: SessionState,
  code: string,
): Promise<{ recoveryCodes: string[]; newSession: string | null }> {
  const source = { userId: session.userId, member: session.actor.member, requestId: request.requestId, address: request.address };
  return platform.db.transaction(auditContext(source), async (tx) => {
    const user = await tx.one<{ totp_enabled: boolean }>(sql`SELECT totp_enabled FROM users WHERE id = ${session.userId}`);
    const enrolling = await tx.maybeOne<{ totp_secret: string | null }>(sql`SELECT totp_secret FROM auth_totp_secret()`);
    if (user.totp_enabled || !enrolling?.totp_secret) throw new Problem(409, 'Nothing to confirm', 'Start enrolment first.');
    if ((await consumeSecondFactor(tx, code)) !== 'accepted') throw invalid([{ pointer: '/code', detail: 'the code is wrong or expired' }]);
    const { codes, hashes } = newRecoveryCodes();
    await tx.query(sql`SELECT auth_totp_enable(${hashes.map((hash) => hash.toString('hex'))}::text[])`);
    const newSession = session.stage === 'enrol' ? await replaceSession(tx, session, 'full', request.address, platform.config.sessionHours) : null;
    await appendAudit(tx, source, [
      { action: 'account.totp-enrolled', objectType: 'user', objectId: session.userId },
    ]);
    await tellAccountChange(tx, session.actor, 'totp-enrolled', request.address);
    await sessionsChanged(tx);
    return { recoveryCodes: codes, newSession };
  });
}

/** Removes the second factor (needs a current code), unless the member or an administrative role of the user requires one. */
export async function removeTotp(ctx: Ctx, code: string): Promise<void> {
  const { tx, actor } = ctx;
  const member = await tx.one<{ requires_totp: boolean }>(sql`SELECT requires_totp FROM members WHERE code = ${actor.member}`);
  if (member.requires_totp) throw new Problem(409, 'Second factor required', 'Your member requires a second factor; it cannot be removed.');
  const roles = secondFactorRoles(actor.roles);
  if (roles.length > 0) {
    throw new Problem(409, 'Second factor required', `Your role ${roles.map((role) => `"${role}"`).join(' and ')} requires a second factor; it cannot be removed while you hold it.`);
  }
  if ((await consumeSecondFactor(tx, code)) !== 'accepted') throw invalid([{ pointer: '/code', detail: 'the code is wrong or expired' }]);
  await tx.query(sql`SELECT auth_totp_remove()`);
  await ctx.audit({ action: 'account.totp-removed', objectType: 'user', objectId: actor.userId });
  await tellAccountChange(tx, actor, 'totp-removed', ctx.request.address);
}

/**
 * Changes the password from a signed-in session, which stays; the user's other sessions end, its
 * live API tokens are revoked unless it keeps them, and outstanding reset links stop working.
 */
export async function changePassword(ctx: Ctx, session: SessionState, input: ChangePassword): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const { tx, actor } = ctx;
  const user = await tx.one<{ password_hash: string | null }>(sql`SELECT auth_password_hash() AS password_hash`);
  if (!(await verifyPassword(ctx.platform.config, user.password_hash, input.currentPassword))) throw invalid([{ pointer: '/currentPassword', detail: 'is not your current password' }]);
  await assertAcceptablePassword(input.newPassword, actor, '/newPassword');
  const keepTokens = input.keepTokens ?? false;
  const changed = await tx.one<{ sessions_ended: number; tokens_revoked: number }>(
    sql`SELECT * FROM auth_password_change(${await hashPassword(ctx.platform.config, input.newPassword)}, ${session.idHash}, ${keepTokens})`,
  );
  await sessionsChanged(tx);
  const counts = { sessionsEnded: changed.sessions_ended, tokensRevoked: changed.tokens_revoked };
  await ctx.audit({ action: 'account.password-changed', objectType: 'user', objectId: actor.userId, details: { ...counts, keepTokens } });
  await tellAccountChange(tx, actor, 'password-changed', ctx.request.address);
  return counts;
}

interface TokenRow {
  id: string;
  name: string;
  roles: Role[];
  created_at: Date;
  expires_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export function presentToken(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    roles: row.roles,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revoked: row.revoked_at !== null,
  };
}

export async function listTokens(ctx: Ctx) {
  const rows = await ctx.tx.query<TokenRow>(sql`SELECT * FROM auth_tokens()`);
  return rows.map(presentToken);
}

/** Creates an API token scoped to some of the user's roles; the secret is returned once and stored hashed. */
export async function createToken(ctx: Ctx, input: TokenCreate) {
  const outside = input.roles.map((role, index) => ({ role, index })).filter(({ role }) => !ctx.actor.roles.includes(role));
  if (outside.length > 0) throw invalid(outside.map(({ role, index }) => ({ pointer: `/roles/${index}`, detail: `you do not hold the role "${role}"` })));
  const secret = newSecret();
  const row = await ctx.tx.one<TokenRow>(sql`SELECT * FROM auth_token_create(${input.name}, ${digest(secret)}, ${input.roles}::text[], ${input.expiresInDays}::int)`);
  await ctx.audit({ action: 'account.token-created', objectType: 'api-token', objectId: row.id, details: { name: input.name, roles: input.roles } });
  await tellAccountChange(ctx.tx, ctx.actor, 'token-created', ctx.request.address);
  return { token: presentToken(row), secret };
}

export async function revokeToken(ctx: Ctx, id: string): Promise<void> {
  const revoked = await ctx.tx.one<{ revoked: boolean }>(sql`SELECT auth_token_revoke(${id}::uuid) AS revoked`);
  if (!revoked.revoked) throw notFound();
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'account.token-revoked', objectType: 'api-token', objectId: id });
}

interface SessionRow {
  id: string;
  created_at: Date;
  last_seen_at: Date;
  address: string | null;
  stage: string;
  current: boolean;
}

/** The user's own live sessions (ASVS 3.3.4), by an opaque id: never the cookie nor the hash it is looked up by. */
export async function listSessions(ctx: Ctx, session: SessionState, idleMinutes: number) {
  const rows = await ctx.tx.query<SessionRow>(sql`SELECT * FROM auth_sessions(${session.idHash}, ${idleMinutes}::int)`);
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.created_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    address: row.address,
    signedIn: row.stage === 'full',
    current: row.current,
  }));
}

/** Ends one of the user's own sessions; another user's id is as unknown as a made-up one (404). */
export async function endSessionById(ctx: Ctx, id: string): Promise<void> {
  const ended = await ctx.tx.one<{ ended: boolean }>(sql`SELECT auth_session_end_by_id(${id}::uuid) AS ended`);
  if (!ended.ended) throw notFound();
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'account.session-ended', objectType: 'user', objectId: ctx.actor.userId, details: { session: id } });
}

/** Signs out everywhere else: ends every session of the user but this one. */
export async function endOtherSessions(ctx: Ctx, session: SessionState): Promise<{ sessionsEnded: number }> {
  const ended = await ctx.tx.one<{ ended: number }>(sql`SELECT auth_sessions_end(${ctx.actor.userId}::uuid, ${session.idHash}) AS ended`);
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'account.other-sessions-ended', objectType: 'user', objectId: ctx.actor.userId, details: { sessionsEnded: ended.ended } });
  return { sessionsEnded: ended.ended };
}

/** A reset asked for by e-mail address; the answer is the same whether or not the account exists. */
export async function requestPasswordReset(platform: Platform, request: RequestInfo, email: string): Promise<void> {
  const user = await platform.db.transaction({ member: null }, (tx) =>
    tx.maybeOne<{ id: string; email: string; name: string; member: string }>(sql`SELECT id, email, name, member FROM users WHERE email = ${email.toLowerCase()} AND NOT disabled`),
  );
  const source = { userId: user?.id, member: user?.member, requestId: request.requestId, address: request.address };
  await platform.db.transaction(auditContext(source), async (tx) => {
    await appendAudit(tx, source, [
      { action: 'auth.password-reset-requested', objectType: 'user', objectId: user?.id, details: { email: email.toLowerCase(), known: Boolean(user) } },
    ]);
    if (user) await issueResetLink(tx, platform, user);
  });
}

/**
 * Sets a new password from a reset link, which then stops working, and so do the user's other
 * outstanding links; every session of the user ends.
 */
export async function completePasswordReset(platform: Platform, request: RequestInfo, token: string, password: string): Promise<void> {
  const hash = await hashPassword(platform.config, password);
  const tokenHash = digest(token);
  const refused = () => invalid([{ pointer: '/token', detail: 'the link is unknown, used or expired; ask for a new one' }]);
  // The link's user first, so that the transaction that uses it runs for that user (its audit row is theirs).
  const holder = await platform.db.transaction({ member: null }, (tx) =>
    tx.maybeOne<{ user_id: string; member: string }>(sql`SELECT * FROM auth_reset_holder(${tokenHash})`),
  );
  if (!holder) throw refused();
  // Judged before the link is used, so a refused password leaves it working for a better one.
  const holderName = await platform.db.transaction({ member: null }, (tx) => tx.one<{ email: string; name: string }>(sql`SELECT email, name FROM users WHERE id = ${holder.user_id}`));
  await assertAcceptablePassword(password, holderName, '/password');
  const source = { userId: holder.user_id, member: holder.member, requestId: request.requestId, address: request.address };
  await platform.db.transaction(auditContext(source), async (tx) => {
    const used = await tx.one<{ others: number | null }>(sql`SELECT auth_reset_complete(${tokenHash}, ${hash}) AS others`);
    if (used.others === null) throw refused();
    await sessionsChanged(tx);
    await appendAudit(tx, source, [
      { action: 'auth.password-reset', objectType: 'user', objectId: holder.user_id, details: { otherLinksEnded: used.others } },
    ]);
    const user = await tx.one<{ email: string; name: string }>(sql`SELECT email, name FROM users WHERE id = ${holder.user_id}`);
    await tellAccountChange(tx, user, 'password-reset', request.address);
  });
}
