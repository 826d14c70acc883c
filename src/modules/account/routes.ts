import { Type } from 'typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { App } from '../../platform/http/app.js';
import { assertRecentlyAuthenticated } from '../../platform/auth/reauthentication.js';
import { allowedActions } from '../../platform/auth/roles.js';
import { sessionCookieName, type SessionState } from '../../platform/auth/sessions.js';
import type { Platform, RequestInfo } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { actorOf } from '../../platform/http/authenticate.js';
import { perform } from '../../platform/http/pipeline.js';
import { forbidden, unauthorised } from '../../platform/errors.js';
import { IdParams, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import * as account from './account.js';
import { AccountExport, exportAccount } from './export.js';
import { AccountSession, ChangePassword, Me, PasswordChanged, Reauthenticate, RecoveryCodes, ResetComplete, ResetRequest, SessionsEnded, SignIn, SignInResult, Token, TokenCreate, TokenCreated, TotpCode, TotpEnrolment } from './schemas.js';
import { subscriptionRoutes } from './subscriptions.js';
import { timeZoneRoutes } from './time-zone.js';
import { reauthenticate, recordMalformedSecondFactor, signIn, signOut, verifySecondFactor } from './sign-in.js';

const tags = ['sign-in and account'];

function info(request: FastifyRequest): RequestInfo {
  return { requestId: request.id, address: request.ip };
}

function sessionOf(request: FastifyRequest): SessionState {
  if (!request.session) throw unauthorised('This needs a signed-in browser session.');
  return request.session;
}

/** Token management and password changes need a person at a browser, not a machine's token. */
function personOnly(request: FastifyRequest): void {
  if (actorOf(request).via !== 'session') throw forbidden('Use a browser session for this, not an API token.');
}

export function accountRoutes(app: App, platform: Platform): void {
  subscriptionRoutes(app, platform);
  timeZoneRoutes(app);
  // `__Host-lintas_session` when Secure: host-only (no Domain) and Path=/, as the prefix requires.
  const cookieName = sessionCookieName(platform.config.secureCookies);
  const setCookie = (reply: FastifyReply, secret: string): void => {
    reply.setCookie(cookieName, secret, {
      httpOnly: true,
      sameSite: 'strict',
      secure: platform.config.secureCookies,
      path: '/',
      maxAge: platform.config.sessionHours * 3600,
    });
  };

  app.post('/auth/sign-in', {
    config: { auth: 'public', shedding: 'late', rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: { tags, summary: 'Sign in with e-mail and password', body: SignIn, response: { 200: SignInResult, ...problemResponses } },
  }, async (request, reply) => {
    const { secret, stage } = await signIn(platform, info(request), request.body);
    setCookie(reply, secret);
    return { stage };
  });

  app.post('/auth/totp', {
    config: { auth: 'session', shedding: 'late', rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: { tags, summary: 'Second step of sign-in: a TOTP or recovery code; the session gets a new cookie', body: TotpCode, response: { 200: SignInResult, ...problemResponses } },
    // A body without a usable code is a refused sign-in, audited before the 400 leaves.
    attachValidation: true,
  }, async (request, reply) => {
    const session = sessionOf(request);
    if (request.validationError) {
      await recordMalformedSecondFactor(platform, info(request), session);
      throw request.validationError;
    }
    setCookie(reply, await verifySecondFactor(platform, info(request), session, request.body.code));
    return { stage: 'full' as const };
  });

  app.post('/auth/sign-out', {
    config: { auth: 'session' },
    schema: { tags, summary: 'End this session', response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await signOut(platform, info(request), sessionOf(request), request.actor);
    reply.clearCookie(cookieName, { path: '/', secure: platform.config.secureCookies });
    return reply.status(204).send(null);
  });

  app.get('/auth/session', {
    config: { auth: 'session' },
    schema: { tags, summary: 'The signed-in user, the sign-in stage, the CSRF token and what the user may do', response: { 200: Me, ...problemResponses } },
  }, async (request) => {
    const session = request.session;
    const actor = request.actor ?? session?.actor;
    if (!actor) throw unauthorised();
    const user = await platform.db.transaction({ member: null }, (tx) =>
      tx.one<{ totp_enabled: boolean; member_name: string }>(sql`SELECT u.totp_enabled, m.name AS member_name FROM users u JOIN members m ON m.code = u.member WHERE u.id = ${actor.userId}`),
    );
    const full = session ? session.stage === 'full' : true;
    return {
      stage: session?.stage ?? 'full',
      user: { id: actor.userId, name: actor.name, email: actor.email, member: actor.member, memberName: user.member_name, roles: actor.roles, totpEnabled: user.totp_enabled },
      csrfToken: session?.actor.csrfToken ?? null,
      actions: full ? allowedActions(actor.roles) : [],
    };
  });

  app.post('/auth/password-reset', {
    config: { auth: 'public', rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: { tags, summary: 'E-mail a one-time link to set a new password (the answer is the same for unknown addresses)', body: ResetRequest, response: { 202: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await account.requestPasswordReset(platform, info(request), request.body.email);
    return reply.status(202).send(null);
  });

  app.post('/auth/password-reset/complete', {
    config: { auth: 'public', rateLimit: { max: 10, timeWindow: 60_000 } },
    schema: { tags, summary: 'Set a new password with a one-time link', body: ResetComplete, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await account.completePasswordReset(platform, info(request), request.body.token, request.body.password);
    return reply.status(204).send(null);
  });

  app.post('/account/totp/enrol', {
    config: { auth: 'session' },
    schema: { tags, summary: 'Start enrolling an authenticator app', response: { 200: TotpEnrolment, ...problemResponses } },
  }, async (request) => {
    const session = sessionOf(request);
    if (session.stage === 'totp') throw unauthorised('Finish signing in first.');
    return account.startTotpEnrolment(platform, session);
  });

  app.post('/account/totp/confirm', {
    config: { auth: 'session' },
    schema: { tags, summary: 'Confirm enrolment with a first code; returns recovery codes once (a session waiting to enrol gets a new cookie)', body: TotpCode, response: { 200: RecoveryCodes, ...problemResponses } },
  }, async (request, reply) => {
    const session = sessionOf(request);
    if (session.stage === 'totp') throw unauthorised('Finish signing in first.');
    const { recoveryCodes, newSession } = await account.confirmTotpEnrolment(platform, info(request), session, request.body.code);
    if (newSession) setCookie(reply, newSession);
    return { recoveryCodes };
  });

  app.delete('/account/totp', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Remove the second factor (a current code is needed)', body: TotpCode, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    personOnly(request);
    await perform(request, (ctx) => account.removeTotp(ctx, request.body.code));
    return reply.status(204).send(null);
  });

  app.post('/account/password', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Change your password; your other sessions end and, unless kept, your API tokens are revoked', body: ChangePassword, response: { 200: PasswordChanged, ...problemResponses } },
  }, async (request) => {
    personOnly(request);
    const session = sessionOf(request);
    return perform(request, (ctx) => account.changePassword(ctx, session, request.body));
  });

  app.post('/account/reauthenticate', {
    config: { action: 'account.manage', rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: {
      tags,
      summary: 'Enter your password (or a current code) again: for the next LINTAS_REAUTH_MINUTES this session may create API tokens and change users’ roles',
      body: Reauthenticate,
      response: { 204: Type.Null(), ...problemResponses },
    },
  }, async (request, reply) => {
    personOnly(request);
    await reauthenticate(platform, info(request), sessionOf(request), request.body);
    return reply.status(204).send(null);
  });

  app.get('/account/tokens', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Your API tokens', response: { 200: Strict({ data: Type.Array(Token) }), ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => account.listTokens(ctx), { read: true }) }));

  app.post('/account/tokens', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Create an API token for a machine client; the secret is shown once', body: TokenCreate, response: { 201: TokenCreated, ...problemResponses } },
  }, async (request, reply) => {
    personOnly(request);
    const created = await perform(request, async (ctx) => {
      await assertRecentlyAuthenticated(ctx, request.session);
      return account.createToken(ctx, request.body);
    });
    return reply.status(201).send(created);
  });

  app.delete('/account/tokens/:id', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Revoke an API token', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    personOnly(request);
    await perform(request, (ctx) => account.revokeToken(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.get('/account/export', {
    config: { action: 'account.manage' },
    schema: {
      tags,
      summary: 'Your own account data as JSON: profile, roles, member, subscriptions, sessions and API tokens (no secrets), and the newest rows of the audit trail naming you',
      response: { 200: AccountExport, ...problemResponses },
    },
  }, async (request) => {
    personOnly(request);
    const session = sessionOf(request);
    return perform(request, (ctx) => exportAccount(ctx, session, platform.config.sessionIdleMinutes), { read: true });
  });

  app.get('/account/sessions', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Your live sign-in sessions (not API tokens), this one marked', response: { 200: Strict({ data: Type.Array(AccountSession) }), ...problemResponses } },
  }, async (request) => {
    personOnly(request);
    const session = sessionOf(request);
    return { data: await perform(request, (ctx) => account.listSessions(ctx, session, platform.config.sessionIdleMinutes), { read: true }) };
  });

  app.delete('/account/sessions/:id', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'End one of your sessions', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    personOnly(request);
    await perform(request, (ctx) => account.endSessionById(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.delete('/account/sessions', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Sign out everywhere else: end all your sessions but this one', response: { 200: SessionsEnded, ...problemResponses } },
  }, async (request) => {
    personOnly(request);
    const session = sessionOf(request);
    return perform(request, (ctx) => account.endOtherSessions(ctx, session));
  });
}
