import QRCode from 'qrcode';
import type { Role } from '../../platform/auth/roles.js';
import { digest, hashPassword, newSecret, verifyPassword } from '../../platform/auth/secrets.js';
import { replaceSession, sessionsChanged, type SessionState } from '../../platform/auth/sessions.js';
import { newRecoveryCodes, newTotpSecret, totpUri } from '../../platform/auth/totp.js';
import { appendAudit } from '../../platform/audit/writer.js';
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
  await platform.db.transaction({ member: null }, async (tx) => {
    const user = await tx.one<{ totp_enabled: boolean }>(sql`SELECT totp_enabled FROM users WHERE id = ${session.userId}`);
    if (user.totp_enabled) throw new Problem(409, 'Already enrolled', 'A second factor is already in force; remove it first.');
    await tx.query(sql`UPDATE users SET totp_secret = ${secret}, totp_last_step = 0 WHERE id = ${session.userId}`);
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
  return platform.db.transaction({ member: null }, async (tx) => {
    const user = await tx.one<{ totp_enabled: boolean; totp_secret: string | null }>(sql`SELECT totp_enabled, totp_secret FROM users WHERE id = ${session.userId}`);
    if (user.totp_enabled || !user.totp_secret) throw new Problem(409, 'Nothing to confirm', 'Start enrolment first.');
    if (!(await consumeSecondFactor(tx, session.userId, code))) throw invalid([{ pointer: '/code', detail: 'the code is wrong or expired' }]);
    const { codes, hashes } = newRecoveryCodes();
    await tx.query(sql`UPDATE users SET totp_enabled = true, updated_at = now() WHERE id = ${session.userId}`);
    await tx.query(sql`DELETE FROM recovery_codes WHERE user_id = ${session.userId}`);
    for (const hash of hashes) await tx.query(sql`INSERT INTO recovery_codes (user_id, code_hash) VALUES (${session.userId}, ${hash})`);
    const newSession = session.stage === 'enrol' ? await replaceSession(tx, session, 'full', request.address, platform.config.sessionHours) : null;
    await appendAudit(tx, { userId: session.userId, member: session.actor.member, requestId: request.requestId, address: request.address }, [
      { action: 'account.totp-enrolled', objectType: 'user', objectId: session.userId },
    ]);
    await tellAccountChange(tx, session.actor, 'totp-enrolled', request.address);
    await sessionsChanged(tx);
    return { recoveryCodes: codes, newSession };
  });
}

/** Removes the second factor (needs a current code), unless the member requires one. */
export async function removeTotp(ctx: Ctx, code: string): Promise<void> {
  const { tx, actor } = ctx;
  const member = await tx.one<{ requires_totp: boolean }>(sql`SELECT requires_totp FROM members WHERE code = ${actor.member}`);
  if (member.requires_totp) throw new Problem(409, 'Second factor required', 'Your member requires a second factor; it cannot be removed.');
  if (!(await consumeSecondFactor(tx, actor.userId, code))) throw invalid([{ pointer: '/code', detail: 'the code is wrong or expired' }]);
  await tx.query(sql`UPDATE users SET totp_enabled = false, totp_secret = NULL, updated_at = now() WHERE id = ${actor.userId}`);
  await tx.query(sql`DELETE FROM recovery_codes WHERE user_id = ${actor.userId}`);
  await ctx.audit({ action: 'account.totp-removed', objectType: 'user', objectId: actor.userId });
  await tellAccountChange(tx, actor, 'totp-removed', ctx.request.address);
}

/**
 * Changes the password from a signed-in session, which stays; the user's other sessions end, its
 * live API tokens are revoked unless it keeps them, and outstanding reset links stop working.
 */
export async function changePassword(ctx: Ctx, session: SessionState, input: ChangePassword): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const { tx, actor } = ctx;
  const user = await tx.one<{ password_hash: string | null }>(sql`SELECT password_hash FROM users WHERE id = ${actor.userId} FOR UPDATE`);
  if (!(await verifyPassword(user.password_hash, input.currentPassword))) throw invalid([{ pointer: '/currentPassword', detail: 'is not your current password' }]);
  await tx.query(sql`UPDATE users SET password_hash = ${await hashPassword(input.newPassword)}, updated_at = now() WHERE id = ${actor.userId}`);
  const sessions = await tx.query(sql`DELETE FROM sessions WHERE user_id = ${actor.userId} AND id_hash <> ${session.idHash} RETURNING user_id`);
  const keepTokens = input.keepTokens ?? false;
  const tokens = keepTokens
    ? []
    : await tx.query(sql`UPDATE api_tokens SET revoked_at = now() WHERE user_id = ${actor.userId} AND revoked_at IS NULL AND expires_at > now() RETURNING id`);
  await tx.query(sql`DELETE FROM password_resets WHERE user_id = ${actor.userId} AND used_at IS NULL`);
  await sessionsChanged(tx);
  const counts = { sessionsEnded: sessions.length, tokensRevoked: tokens.length };
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
  const rows = await ctx.tx.query<TokenRow>(sql`SELECT id, name, roles, created_at, expires_at, last_used_at, revoked_at
    FROM api_tokens WHERE user_id = ${ctx.actor.userId} ORDER BY created_at DESC`);
  return rows.map(presentToken);
}

/** Creates an API token scoped to some of the user's roles; the secret is returned once and stored hashed. */
export async function createToken(ctx: Ctx, input: TokenCreate) {
  const outside = input.roles.map((role, index) => ({ role, index })).filter(({ role }) => !ctx.actor.roles.includes(role));
  if (outside.length > 0) throw invalid(outside.map(({ role, index }) => ({ pointer: `/roles/${index}`, detail: `you do not hold the role "${role}"` })));
  const secret = newSecret();
  const row = await ctx.tx.one<TokenRow>(sql`INSERT INTO api_tokens (user_id, name, token_hash, roles, expires_at)
    VALUES (${ctx.actor.userId}, ${input.name}, ${digest(secret)}, ${input.roles}, now() + make_interval(days => ${input.expiresInDays}))
    RETURNING id, name, roles, created_at, expires_at, last_used_at, revoked_at`);
  await ctx.audit({ action: 'account.token-created', objectType: 'api-token', objectId: row.id, details: { name: input.name, roles: input.roles } });
  await tellAccountChange(ctx.tx, ctx.actor, 'token-created', ctx.request.address);
  return { token: presentToken(row), secret };
}

export async function revokeToken(ctx: Ctx, id: string): Promise<void> {
  const rows = await ctx.tx.query(sql`UPDATE api_tokens SET revoked_at = now()
    WHERE id = ${id} AND user_id = ${ctx.actor.userId} AND revoked_at IS NULL RETURNING id`);
  if (rows.length === 0) throw notFound();
  await sessionsChanged(ctx.tx);
  await ctx.audit({ action: 'account.token-revoked', objectType: 'api-token', objectId: id });
}


/** A reset asked for by e-mail address; the answer is the same whether or not the account exists. */
export async function requestPasswordReset(platform: Platform, request: RequestInfo, email: string): Promise<void> {
  await platform.db.transaction({ member: null }, async (tx) => {
    const user = await tx.maybeOne<{ id: string; email: string; name: string; member: string }>(
      sql`SELECT id, email, name, member FROM users WHERE email = ${email.toLowerCase()} AND NOT disabled`,
    );
    await appendAudit(tx, { userId: user?.id, member: user?.member, requestId: request.requestId, address: request.address }, [
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
  const hash = await hashPassword(password);
  const tokenHash = digest(token);
  const refused = () => invalid([{ pointer: '/token', detail: 'the link is unknown, used or expired; ask for a new one' }]);
  await platform.db.transaction({ member: null }, async (tx) => {
    // The user's row is locked first, so two of its links used at once take turns and the second finds itself ended.
    const owner = await tx.maybeOne<{ id: string }>(sql`
      SELECT u.id FROM password_resets r JOIN users u ON u.id = r.user_id WHERE r.token_hash = ${tokenHash} FOR UPDATE OF u`);
    if (!owner) throw refused();
    const reset = await tx.maybeOne<{ user_id: string; member: string; email: string; name: string }>(sql`
      UPDATE password_resets r SET used_at = now() FROM users u
      WHERE r.token_hash = ${tokenHash} AND r.used_at IS NULL AND r.expires_at > now() AND u.id = r.user_id
      RETURNING r.user_id, u.member, u.email, u.name`);
    if (!reset) throw refused();
    await tx.query(sql`UPDATE users SET password_hash = ${hash}, updated_at = now() WHERE id = ${reset.user_id}`);
    const others = await tx.query(sql`DELETE FROM password_resets WHERE user_id = ${reset.user_id} AND used_at IS NULL RETURNING user_id`);
    await tx.query(sql`DELETE FROM sessions WHERE user_id = ${reset.user_id}`);
    await sessionsChanged(tx);
    await appendAudit(tx, { userId: reset.user_id, member: reset.member, requestId: request.requestId, address: request.address }, [
      { action: 'auth.password-reset', objectType: 'user', objectId: reset.user_id, details: { otherLinksEnded: others.length } },
    ]);
    await tellAccountChange(tx, reset, 'password-reset', request.address);
  });
}
