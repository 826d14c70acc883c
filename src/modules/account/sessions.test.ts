import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { digest } from '../../platform/auth/secrets.js';
import { forgetCachedSessions } from '../../platform/auth/sessions.js';
import { newTotpSecret, totpCode } from '../../platform/auth/totp.js';
import { sql } from '../../platform/db/sql.js';

/** What a password change, a second factor and a refused code do to sessions, tokens and the audit trail. */

const V1 = '/api/v1';
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('REQ');
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE members SET requires_totp = true WHERE code = 'REQ'`));
});
afterAll(() => t.close());

interface AuditRow {
  action: string;
  user_id: string | null;
  details: Record<string, unknown>;
}

function auditOf(response: LightMyRequestResponse): Promise<AuditRow[]> {
  const requestId = String(response.headers['x-request-id']);
  return t.db.ownerTransaction((tx) => tx.query<AuditRow>(sql`SELECT action, user_id, details FROM audit_log WHERE request_id = ${requestId} ORDER BY seq`));
}

const members = (session: TestSession) => t.as(session, { method: 'GET', url: `${V1}/members` });
const bearer = (secret: string) => t.app.inject({ method: 'GET', url: `${V1}/members`, headers: { authorization: `Bearer ${secret}` } });

/** The session a response's cookie names, with the CSRF token the web app would read. */
async function sessionFrom(response: LightMyRequestResponse, user: TestUser): Promise<TestSession> {
  const cookie = response.cookies.find((one) => one.name === 'lintas_session');
  expect(cookie?.value).toBeTruthy();
  const me = await t.app.inject({ method: 'GET', url: `${V1}/auth/session`, headers: { cookie: `lintas_session=${cookie!.value}` } });
  expect(me.statusCode).toBe(200);
  return { user, cookie: `lintas_session=${cookie!.value}`, csrf: me.json<{ csrfToken: string }>().csrfToken };
}

async function signIn(user: TestUser, stage: 'full' | 'totp' | 'enrol'): Promise<TestSession> {
  const response = await t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: TEST_PASSWORD } });
  expect(response.json()).toEqual({ stage });
  return sessionFrom(response, user);
}

/** A user with an authenticator in force, and its secret. */
async function userWithTotp(): Promise<{ user: TestUser; secret: string }> {
  const user = await t.makeUser('AAA');
  const secret = newTotpSecret();
  await t.db.ownerTransaction(async (tx) => {
    await tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${user.id}`);
    await tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_secret = ${secret} WHERE user_id = ${user.id}`);
  });
  return { user, secret };
}

describe('changing the password', () => {
  const change = (session: TestSession, extra: Record<string, unknown> = {}) =>
    t.as(session, { method: 'POST', url: `${V1}/account/password`, payload: { currentPassword: TEST_PASSWORD, newPassword: 'a new and longer passphrase', ...extra } });

  test('ends the user’s other sessions and revokes its API tokens, keeps this session, and says so', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const elsewhere = [await t.sessionFor(user), await t.sessionFor(user)];
    const tokens = [await t.tokenFor(user), await t.tokenFor(user)];
    const bystander = await t.makeUser('AAA');
    const bystanderSession = await t.sessionFor(bystander);
    const bystanderToken = await t.tokenFor(bystander);
    for (const session of elsewhere) expect((await members(session)).statusCode).toBe(200);
    for (const token of tokens) expect((await bearer(token)).statusCode).toBe(200);

    const changed = await change(here);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toEqual({ sessionsEnded: 2, tokensRevoked: 2 });
    expect(await auditOf(changed)).toEqual([
      { action: 'account.password-changed', user_id: user.id, details: { sessionsEnded: 2, tokensRevoked: 2, keepTokens: false } },
    ]);
    expect((await members(here)).statusCode).toBe(200);
    for (const session of elsewhere) expect((await members(session)).statusCode).toBe(401);
    for (const token of tokens) expect((await bearer(token)).statusCode).toBe(401);
    // Another user's are untouched.
    expect((await members(bystanderSession)).statusCode).toBe(200);
    expect((await bearer(bystanderToken)).statusCode).toBe(200);
  });

  test('keeps the API tokens when the user chooses to', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const elsewhere = await t.sessionFor(user);
    const token = await t.tokenFor(user);
    const changed = await change(here, { keepTokens: true });
    expect(changed.json()).toEqual({ sessionsEnded: 1, tokensRevoked: 0 });
    expect((await members(elsewhere)).statusCode).toBe(401);
    expect((await bearer(token)).statusCode).toBe(200);
  });

  test('a wrong current password changes nothing', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const elsewhere = await t.sessionFor(user);
    const token = await t.tokenFor(user);
    const refused = await t.as(here, { method: 'POST', url: `${V1}/account/password`, payload: { currentPassword: 'not my password', newPassword: 'a new and longer passphrase' } });
    expect(refused.statusCode).toBe(400);
    expect((await members(elsewhere)).statusCode).toBe(200);
    expect((await bearer(token)).statusCode).toBe(200);
  });
});

describe('the second factor issues a new session', () => {
  test('after the code, the cookie of the password step no longer works; the new one does', async () => {
    const { user, secret } = await userWithTotp();
    const waiting = await signIn(user, 'totp');
    const verified = await t.as(waiting, { method: 'POST', url: `${V1}/auth/totp`, payload: { code: totpCode(secret) } });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toEqual({ stage: 'full' });
    const full = await sessionFrom(verified, user);
    expect(full.cookie).not.toBe(waiting.cookie);
    expect(full.csrf).not.toBe(waiting.csrf);
    expect((await members(full)).statusCode).toBe(200);
    expect((await members(waiting)).statusCode).toBe(401);
    expect((await t.as(waiting, { method: 'GET', url: `${V1}/auth/session` })).statusCode).toBe(401);
    const sessions = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM lintas_secrets.sessions WHERE user_id = ${user.id}`));
    expect(sessions.n).toBe(1);
  });

  test('enrolling a required second factor during sign-in issues a new session too', async () => {
    const user = await t.makeUser('REQ');
    const enrolling = await signIn(user, 'enrol');
    const started = await t.as(enrolling, { method: 'POST', url: `${V1}/account/totp/enrol` });
    const { secret } = started.json<{ secret: string }>();
    const confirmed = await t.as(enrolling, { method: 'POST', url: `${V1}/account/totp/confirm`, payload: { code: totpCode(secret) } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const full = await sessionFrom(confirmed, user);
    expect(full.cookie).not.toBe(enrolling.cookie);
    expect((await members(full)).statusCode).toBe(200);
    expect((await members(enrolling)).statusCode).toBe(401);
  });
});

describe('a refused second step is audited', () => {
  test('a request without a code (or with no body at all) is refused with 400 and audited as a failed sign-in', async () => {
    const { user } = await userWithTotp();
    const waiting = await signIn(user, 'totp');
    const requests = [
      t.as(waiting, { method: 'POST', url: `${V1}/auth/totp`, payload: {} }),
      t.as(waiting, { method: 'POST', url: `${V1}/auth/totp` }),
      t.as(waiting, { method: 'POST', url: `${V1}/auth/totp`, payload: { code: '' } }),
    ];
    for (const pending of requests) {
      const refused = await pending;
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      // Besides the failed sign-in, the bad input is counted (`request.invalid`, http/refusals.ts): a row for the first only.
      expect((await auditOf(refused)).filter((row) => row.action !== 'request.invalid')).toEqual([
        { action: 'auth.sign-in-failed', user_id: user.id, details: { email: user.email, reason: 'missing or malformed second-factor code' } },
      ]);
    }
    expect((await members(waiting)).statusCode).toBe(401);
  });
});

describe('an idle session ends (ASVS 3.3.2)', () => {
  /** Moves a session's last use back, as the owner: no sleeping. */
  async function idleFor(session: TestSession, minutes: number): Promise<void> {
    const secret = session.cookie.split('=')[1]!;
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`UPDATE lintas_secrets.sessions SET last_seen_at = now() - make_interval(mins => ${minutes}::int) WHERE id_hash = ${digest(secret)}`),
    );
    forgetCachedSessions();
  }
  const lastSeen = async (session: TestSession) =>
    (await t.db.ownerTransaction((tx) => tx.one<{ at: Date }>(sql`SELECT last_seen_at AS at FROM lintas_secrets.sessions WHERE id_hash = ${digest(session.cookie.split('=')[1]!)}`))).at;

  test('a session unused past the limit is refused like an expired one; one used within it lives on, its use recorded', async () => {
    expect(t.platform.config.sessionIdleMinutes).toBe(30);
    const user = await t.makeUser('AAA');
    const idle = await t.sessionFor(user);
    const used = await t.sessionFor(user);
    await idleFor(idle, 31);
    await idleFor(used, 29);
    const refused = await members(idle);
    expect(refused.statusCode).toBe(401);
    expect((await t.as(idle, { method: 'GET', url: `${V1}/auth/session` })).statusCode).toBe(401);
    expect((await members(used)).statusCode).toBe(200);
    // The use was recorded: the session is fresh again, so it lives past the first limit.
    expect(Date.now() - (await lastSeen(used)).getTime()).toBeLessThan(60_000);
    // Used again within the minute: no new write.
    const before = await lastSeen(used);
    forgetCachedSessions();
    expect((await members(used)).statusCode).toBe(200);
    expect((await lastSeen(used)).getTime()).toBe(before.getTime());
  });
});

describe('your sessions (ASVS 3.3.4)', () => {
  interface Listed { id: string; createdAt: string; lastSeenAt: string; address: string | null; signedIn: boolean; current: boolean }
  const list = async (session: TestSession) => {
    const response = await t.as(session, { method: 'GET', url: `${V1}/account/sessions` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ data: Listed[] }>().data;
  };

  test('lists only the user’s own live sessions, this one marked, by an id that is neither the cookie nor its hash', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const other = await t.sessionFor(user);
    const stranger = await t.sessionFor(await t.makeUser('AAA'));
    const listed = await list(here);
    expect(listed).toHaveLength(2);
    expect(listed.filter((one) => one.current)).toHaveLength(1);
    expect(listed[0]).toEqual({ id: expect.any(String), createdAt: expect.any(String), lastSeenAt: expect.any(String), address: '127.0.0.1', signedIn: true, current: expect.any(Boolean) });
    const secrets = [here, other, stranger].map((session) => session.cookie.split('=')[1]!);
    const body = JSON.stringify(listed);
    for (const secret of secrets) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(digest(secret).toString('hex'));
      expect(body).not.toContain(digest(secret).toString('base64'));
    }
    const strangers = await list(stranger);
    expect(strangers.map((one) => one.id).filter((id) => listed.some((mine) => mine.id === id))).toEqual([]);
  });

  test('ends one of your sessions; another user’s id is 404 like an unknown one and ends nothing; both audited or not as they should be', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const other = await t.sessionFor(user);
    const colleague = await t.sessionFor(await t.makeUser('AAA'));
    const otherId = (await list(here)).find((one) => !one.current)!.id;

    const refused = await t.as(colleague, { method: 'DELETE', url: `${V1}/account/sessions/${otherId}` });
    expect(refused.statusCode).toBe(404);
    expect(await auditOf(refused)).toEqual([]);
    expect((await t.as(here, { method: 'DELETE', url: `${V1}/account/sessions/${randomUUID()}` })).statusCode).toBe(404);
    expect((await members(other)).statusCode).toBe(200);

    const ended = await t.as(here, { method: 'DELETE', url: `${V1}/account/sessions/${otherId}` });
    expect(ended.statusCode, ended.body).toBe(204);
    expect(await auditOf(ended)).toEqual([{ action: 'account.session-ended', user_id: user.id, details: { session: otherId } }]);
    expect((await members(other)).statusCode).toBe(401);
    expect((await members(here)).statusCode).toBe(200);
  });

  test('signs out everywhere else, keeping this session and the API tokens and other users’ sessions', async () => {
    const user = await t.makeUser('AAA');
    const here = await t.sessionFor(user);
    const elsewhere = [await t.sessionFor(user), await t.sessionFor(user)];
    const token = await t.tokenFor(user);
    const colleague = await t.sessionFor(await t.makeUser('AAA'));
    const ended = await t.as(here, { method: 'DELETE', url: `${V1}/account/sessions` });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toEqual({ sessionsEnded: 2 });
    expect(await auditOf(ended)).toEqual([{ action: 'account.other-sessions-ended', user_id: user.id, details: { sessionsEnded: 2 } }]);
    for (const session of elsewhere) expect((await members(session)).statusCode).toBe(401);
    expect((await members(here)).statusCode).toBe(200);
    expect((await bearer(token)).statusCode).toBe(200);
    expect((await members(colleague)).statusCode).toBe(200);
    expect((await list(here)).map((one) => one.current)).toEqual([true]);
    // An API token is not a browser session: it cannot list or end them.
    expect((await t.app.inject({ method: 'GET', url: `${V1}/account/sessions`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(403);
  });
});

describe('the cookie behind https (ASVS 3.4.4)', () => {
  test('is __Host-lintas_session: Secure, Path=/, no Domain, HttpOnly, SameSite=Strict; the plain name is not read', async () => {
    const tls = await makeTestApp({ config: { secureCookies: true } });
    try {
      await tls.makeMember('AAA');
      const user = await tls.makeUser('AAA');
      const response = await tls.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: TEST_PASSWORD } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.cookies.map((one) => one.name)).toEqual(['__Host-lintas_session']);
      const header = String(response.headers['set-cookie']);
      expect(header).toMatch(/^__Host-lintas_session=[^;]+;/);
      expect(header).toMatch(/; Path=\/(;|$)/);
      expect(header).toMatch(/; Secure(;|$)/);
      expect(header).toMatch(/; HttpOnly(;|$)/);
      expect(header).toMatch(/; SameSite=Strict(;|$)/);
      expect(header).not.toMatch(/Domain=/i);
      const secret = response.cookies[0]!.value;
      const ask = (cookie: string) => tls.app.inject({ method: 'GET', url: `${V1}/auth/session`, headers: { cookie } });
      expect((await ask(`__Host-lintas_session=${secret}`)).statusCode).toBe(200);
      expect((await ask(`lintas_session=${secret}`)).statusCode).toBe(401);
      // Plain http keeps the plain name (development, tests).
      const plain = await t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: (await t.makeUser('AAA')).email, password: TEST_PASSWORD } });
      expect(plain.cookies.map((one) => one.name)).toEqual(['lintas_session']);
      expect(String(plain.headers['set-cookie'])).not.toMatch(/Secure/);
    } finally {
      await tls.close();
    }
  });
});
