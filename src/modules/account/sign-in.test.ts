import { createHash } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { authenticator } from 'otplib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import type { Role } from '../../platform/auth/roles.js';
import { totpCode, totpStep } from '../../platform/auth/totp.js';
import { sql } from '../../platform/db/sql.js';

const MAX_FAILURES = 3;
let t: TestContext;

beforeAll(async () => {
  // A small per-account limit; the per-address one is out of the way, as every request here comes from one address.
  t = await makeTestApp({ config: { signinMaxFailuresPerAccount: MAX_FAILURES, signinMaxFailuresPerAddress: 10_000 } });
  await t.makeMember('AAA');
  await t.makeMember('REQ');
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE members SET requires_totp = true WHERE code = 'REQ'`));
});
afterAll(() => t.close());

interface AuditRow {
  action: string;
  user_id: string | null;
  member: string | null;
  details: Record<string, unknown>;
}

/** The audit rows a request wrote, found by its request id. */
function auditOf(response: LightMyRequestResponse): Promise<AuditRow[]> {
  const requestId = String(response.headers['x-request-id']);
  return t.db.ownerTransaction((tx) => tx.query<AuditRow>(sql`SELECT action, user_id, member, details FROM audit_log WHERE request_id = ${requestId} ORDER BY seq`));
}

function signIn(email: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
}

/** The session a sign-in response opened, with its CSRF token as the web app would read it. */
async function sessionOf(response: LightMyRequestResponse, user: TestUser): Promise<TestSession> {
  const cookie = response.cookies.find((one) => one.name === 'lintas_session');
  expect(cookie?.value).toBeTruthy();
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie: `lintas_session=${cookie!.value}` } });
  expect(me.statusCode).toBe(200);
  return { user, cookie: `lintas_session=${cookie!.value}`, csrf: me.json<{ csrfToken: string }>().csrfToken };
}

async function signedIn(user: TestUser, stage: 'full' | 'totp' | 'enrol'): Promise<TestSession> {
  const response = await signIn(user.email);
  expect(response.json()).toEqual({ stage });
  return sessionOf(response, user);
}

const members = (session: TestSession) => t.as(session, { method: 'GET', url: '/api/v1/members' });
const second = (session: TestSession, code: string) => t.as(session, { method: 'POST', url: '/api/v1/auth/totp', payload: { code } });

/** Enrols an authenticator through the API and returns its secret, the code used and the recovery codes. */
async function enrol(session: TestSession): Promise<{ secret: string; used: string; recoveryCodes: string[]; confirmed: LightMyRequestResponse }> {
  const started = await t.as(session, { method: 'POST', url: '/api/v1/account/totp/enrol' });
  expect(started.statusCode).toBe(200);
  const { secret, uri } = started.json<{ secret: string; uri: string }>();
  expect(uri).toContain(`secret=${secret}`);
  const used = totpCode(secret);
  const confirmed = await t.as(session, { method: 'POST', url: '/api/v1/account/totp/confirm', payload: { code: used } });
  expect(confirmed.statusCode).toBe(200);
  const { recoveryCodes } = confirmed.json<{ recoveryCodes: string[] }>();
  expect(recoveryCodes).toHaveLength(10);
  expect((await auditOf(confirmed)).map((row) => row.action)).toEqual(['account.totp-enrolled']);
  return { secret, used, recoveryCodes, confirmed };
}

/** A six-digit code that is none of the codes the authenticator accepts now. */
function wrongCode(secret: string): string {
  for (let n = 0; ; n++) {
    const candidate = String(n).padStart(6, '0');
    if (totpStep(secret, candidate) === null) return candidate;
  }
}

describe('password', () => {
  test('a wrong password is 401, sets no cookie, and is audited against the account', async () => {
    const user = await t.makeUser('AAA');
    const response = await signIn(user.email, 'not the password');
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.cookies).toEqual([]);
    expect(await auditOf(response)).toEqual([
      { action: 'auth.sign-in-failed', user_id: user.id, member: 'AAA', details: { email: user.email, reason: 'wrong password' } },
    ]);
  });

  test('an unknown e-mail address gets the same answer as a wrong password', async () => {
    const user = await t.makeUser('AAA');
    const wrong = await signIn(user.email, 'not the password');
    const unknown = await signIn('nobody@nowhere.test', 'not the password');
    expect(unknown.statusCode).toBe(wrong.statusCode);
    const { requestId: _a, ...unknownBody } = unknown.json<Record<string, unknown>>();
    const { requestId: _b, ...wrongBody } = wrong.json<Record<string, unknown>>();
    expect(unknownBody).toEqual(wrongBody);
    expect(await auditOf(unknown)).toEqual([
      { action: 'auth.sign-in-failed', user_id: null, member: null, details: { email: 'nobody@nowhere.test', reason: 'unknown or disabled account' } },
    ]);
  });

  test('the right password opens a full session in an HttpOnly, SameSite=Strict cookie', async () => {
    const user = await t.makeUser('AAA');
    const response = await signIn(user.email.toUpperCase());
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((one) => one.name === 'lintas_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(await auditOf(response)).toEqual([{ action: 'auth.sign-in', user_id: user.id, member: 'AAA', details: { stage: 'full' } }]);
    const session = await sessionOf(response, user);
    expect((await members(session)).statusCode).toBe(200);
  });

  test('the session answer lists every action the roles allow, which is where the web app takes its abilities from', async () => {
    const actionsOf = async (roles: Role[]): Promise<unknown> => {
      // A signed-in session (an administrator signing in with a password would first enrol a second factor).
      const session = await t.sessionFor(await t.makeUser('AAA', roles));
      const me = (await t.as(session, { method: 'GET', url: '/api/v1/auth/session' })).json<Record<string, unknown>>();
      expect(me).not.toHaveProperty('abilities');
      return me.actions;
    };
    const officer = await actionsOf(['officer']);
    expect(officer).toEqual(expect.arrayContaining(['reports.read', 'reports.write', 'library.write', 'documents.check', 'documents.write', 'documents.answer']));
    expect(officer).not.toContain('members.manage');
    expect(officer).not.toContain('audit.read');
    const secretariat = await actionsOf(['secretariat']);
    expect(secretariat).toEqual(expect.arrayContaining(['members.manage', 'groups.manage', 'users.manage', 'audit.read', 'library.write']));
    expect(secretariat).not.toContain('reports.write');
    expect(secretariat).not.toContain('documents.check');
  });

  test(`after ${MAX_FAILURES} failures the account is paused: 429 even with the right password, audited`, async () => {
    const user = await t.makeUser('AAA');
    for (let i = 0; i < MAX_FAILURES; i++) expect((await signIn(user.email, `wrong ${i}`)).statusCode).toBe(401);
    const paused = await signIn(user.email);
    expect(paused.statusCode).toBe(429);
    expect(paused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(paused.cookies).toEqual([]);
    expect(paused.json()).toMatchObject({ status: 429, retryAfterSeconds: expect.any(Number) });
    expect(await auditOf(paused)).toEqual([
      { action: 'auth.sign-in-failed', user_id: null, member: null, details: { email: user.email, reason: 'throttled' } },
    ]);
    // The limit is the account's: another account from the same address still signs in.
    expect((await signIn((await t.makeUser('AAA')).email)).statusCode).toBe(200);
  });
});

describe('second factor', () => {
  test('a session waiting for its code can do nothing else; a wrong code is refused and audited', async () => {
    const user = await t.makeUser('AAA');
    const { secret } = await enrol(await signedIn(user, 'full'));
    const waiting = await signedIn(user, 'totp');
    expect((await members(waiting)).statusCode).toBe(401);
    expect((await t.as(waiting, { method: 'GET', url: '/api/v1/library/documents' })).statusCode).toBe(401);
    expect((await t.as(waiting, { method: 'POST', url: '/api/v1/account/totp/enrol' })).statusCode).toBe(401);
    expect((await t.as(waiting, { method: 'GET', url: '/api/v1/auth/session' })).json()).toMatchObject({ stage: 'totp', actions: [] });

    const refused = await second(waiting, wrongCode(secret));
    expect(refused.statusCode).toBe(401);
    expect(await auditOf(refused)).toEqual([
      { action: 'auth.sign-in-failed', user_id: user.id, member: 'AAA', details: { email: user.email, reason: 'wrong second-factor code' } },
    ]);
    expect((await members(waiting)).statusCode).toBe(401);
  });

  test('a code is accepted once: the enrolment code cannot sign in, and a new code cannot be replayed', async () => {
    const user = await t.makeUser('AAA');
    const { secret, used } = await enrol(await signedIn(user, 'full'));
    const waiting = await signedIn(user, 'totp');
    // The code that confirmed enrolment was consumed there.
    expect((await second(waiting, used)).statusCode).toBe(401);
    // The next time step's code, which the authenticator's window accepts now.
    const next = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
    const accepted = await second(waiting, next);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json()).toEqual({ stage: 'full' });
    expect(await auditOf(accepted)).toEqual([{ action: 'auth.sign-in', user_id: user.id, member: 'AAA', details: { secondFactor: true } }]);
    // Signed in under the new cookie the answer set.
    expect((await members(await sessionOf(accepted, user))).statusCode).toBe(200);

    const again = await signedIn(user, 'totp');
    const replayed = await second(again, next);
    expect(replayed.statusCode).toBe(401);
    // ASVS 2.8.5: the reuse is told apart from a wrong code on the record, and its holder is told by e-mail.
    expect((await auditOf(replayed))[0]).toMatchObject({ action: 'auth.sign-in-failed', details: { reason: 'reused second-factor code' } });
    expect((await members(again)).statusCode).toBe(401);
    const notices = await t.db.ownerTransaction((tx) =>
      tx.query<{ subject: string; text: string }>(sql`SELECT payload->>'subject' AS subject, payload->>'text' AS text FROM outbox
        WHERE channel = 'email' AND payload->>'to' = ${user.email} AND payload->>'subject' = 'Lintas: a used sign-in code was tried again'`),
    );
    // Two reuses: the enrolment code, then the replayed one.
    expect(notices).toHaveLength(2);
    expect(notices[1]!.text).toContain('was tried again to sign in');
    expect(notices[1]!.text).not.toContain(next);
  });

  test('a recovery code signs in once', async () => {
    const user = await t.makeUser('AAA');
    const { recoveryCodes } = await enrol(await signedIn(user, 'full'));
    // ASVS 2.6.2: 24 characters of Crockford base32 (120 bits), shown in groups of four.
    for (const one of recoveryCodes) expect(one).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){5}$/);
    expect(new Set(recoveryCodes).size).toBe(10);
    const code = recoveryCodes[3]!;
    const first = await signedIn(user, 'totp');
    // Typed in lower case with spaces for dashes, it is the same code.
    const accepted = await second(first, code.toLowerCase().replace(/-/g, ' '));
    expect(accepted.statusCode).toBe(200);
    expect((await members(await sessionOf(accepted, user))).statusCode).toBe(200);
    const later = await signedIn(user, 'totp');
    expect((await second(later, code)).statusCode).toBe(401);
    // The other codes still work.
    expect((await second(later, recoveryCodes[4]!)).statusCode).toBe(200);
  });

  test('a recovery code of the earlier form (12 lower-case characters) still signs in, once', async () => {
    const user = await t.makeUser('AAA');
    await enrol(await signedIn(user, 'full'));
    const old = 'k3xq9zmwp2ax';
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO lintas_secrets.recovery_codes (user_id, code_hash) VALUES (${user.id}, ${createHash('sha256').update(old).digest()})`),
    );
    const accepted = await second(await signedIn(user, 'totp'), old.toUpperCase());
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect((await second(await signedIn(user, 'totp'), old)).statusCode).toBe(401);
  });

  test('a member that requires a second factor: without one, the session can only enrol, then it is signed in', async () => {
    const user = await t.makeUser('REQ');
    const session = await signedIn(user, 'enrol');
    expect((await members(session)).statusCode).toBe(401);
    expect((await t.as(session, { method: 'GET', url: '/api/v1/account/tokens' })).statusCode).toBe(401);
    expect((await t.as(session, { method: 'POST', url: '/api/v1/library/documents', payload: { title: 'x', category: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } })).statusCode).toBe(401);
    expect((await t.as(session, { method: 'GET', url: '/api/v1/auth/session' })).json()).toMatchObject({
      stage: 'enrol',
      actions: [],
    });
    const { secret, confirmed } = await enrol(session);
    // Confirming enrolment completes the sign-in, under the new cookie the answer set.
    const full = await sessionOf(confirmed, user);
    expect((await members(full)).statusCode).toBe(200);
    // And the member's rule keeps the factor in place.
    const removal = await t.as(full, { method: 'DELETE', url: '/api/v1/account/totp', payload: { code: totpCode(secret) } });
    expect(removal.statusCode).toBe(409);
    expect((await signIn(user.email)).json()).toEqual({ stage: 'totp' });
  });

  test.each<Role>(['member-admin', 'secretariat'])('ASVS 4.3.1: a %s without a second factor can only enrol, whatever the member says; removing it is refused', async (role) => {
    const admin = await t.makeUser('AAA', ['officer', role]);
    const session = await signedIn(admin, 'enrol');
    expect((await t.as(session, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(401);
    expect((await members(session)).statusCode).toBe(401);
    const { secret, confirmed } = await enrol(session);
    const full = await sessionOf(confirmed, admin);
    expect((await t.as(full, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    const removal = await t.as(full, { method: 'DELETE', url: '/api/v1/account/totp', payload: { code: totpCode(secret) } });
    expect(removal.statusCode).toBe(409);
    expect(removal.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(removal.json<{ detail: string }>().detail).toBe(`Your role "${role}" requires a second factor; it cannot be removed while you hold it.`);
    expect((await t.db.ownerTransaction((tx) => tx.one<{ totp_enabled: boolean }>(sql`SELECT totp_enabled FROM users WHERE id = ${admin.id}`))).totp_enabled).toBe(true);
    expect((await signIn(admin.email)).json()).toEqual({ stage: 'totp' });
  });

  test('ASVS 4.3.1: a user given an administrative role without a second factor is signed out, and the next sign-in enrols', async () => {
    const admin = await t.makeUser('AAA', ['officer', 'member-admin']);
    const adminSession = await t.sessionFor(admin);
    const user = await t.makeUser('AAA');
    const before = await signedIn(user, 'full');
    const officerOnly = await t.as(adminSession, { method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { name: 'Renamed' } });
    expect(officerOnly.statusCode).toBe(200);
    expect((await members(before)).statusCode).toBe(200);
    const promoted = await t.as(adminSession, { method: 'PATCH', url: `/api/v1/users/${user.id}`, payload: { roles: ['officer', 'member-admin'] } });
    expect(promoted.statusCode).toBe(200);
    expect((await members(before)).statusCode).toBe(401);
    await signedIn(user, 'enrol');
  });
});

describe('API tokens', () => {
  const bearer = (secret: string, method: 'GET' | 'POST' = 'GET', url = '/api/v1/members', payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: { authorization: `Bearer ${secret}` }, ...(payload ? { payload } : {}) });

  async function createToken(session: TestSession, roles: Role[]): Promise<{ id: string; secret: string }> {
    const response = await t.as(session, { method: 'POST', url: '/api/v1/account/tokens', payload: { name: 'border system', roles, expiresInDays: 30 } });
    expect(response.statusCode).toBe(201);
    const body = response.json<{ token: { id: string }; secret: string }>();
    return { id: body.token.id, secret: body.secret };
  }

  test('an expired token is refused with 401 and the refusal is audited', async () => {
    const user = await t.makeUser('AAA');
    const secret = await t.tokenFor(user);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.api_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${user.id}`));
    const response = await bearer(secret);
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await auditOf(response)).toEqual([{ action: 'auth.token-refused', user_id: null, member: null, details: { method: 'GET', path: '/api/v1/members' } }]);
  });

  test('a revoked token stops working at once', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    const token = await createToken(session, ['officer']);
    expect((await bearer(token.secret)).statusCode).toBe(200);
    expect((await t.as(session, { method: 'DELETE', url: `/api/v1/account/tokens/${token.id}` })).statusCode).toBe(204);
    // From an address of its own: refusals from one address in a minute share one counted row (refusals.test.ts).
    const refused = await t.app.inject({ method: 'GET', url: '/api/v1/members', remoteAddress: '192.0.2.31', headers: { authorization: `Bearer ${token.secret}` } });
    expect(refused.statusCode).toBe(401);
    expect((await auditOf(refused)).map((row) => row.action)).toEqual(['auth.token-refused']);
    const listed = (await t.as(session, { method: 'GET', url: '/api/v1/account/tokens' })).json<{ data: { id: string; revoked: boolean }[] }>();
    expect(listed.data).toEqual([expect.objectContaining({ id: token.id, revoked: true })]);
  });

  test("a token's roles are its scope within the user's roles", async () => {
    const admin = await t.makeUser('AAA', ['officer', 'member-admin']);
    const session = await t.sessionFor(admin);
    expect((await t.as(session, { method: 'GET', url: '/api/v1/users' })).statusCode).toBe(200);
    const narrow = await createToken(session, ['officer']);
    expect((await bearer(narrow.secret, 'GET', '/api/v1/users')).statusCode).toBe(403);
    expect((await bearer(narrow.secret, 'GET', '/api/v1/auth/session')).json()).toMatchObject({ user: { roles: ['officer'] } });

    // A role the user does not hold cannot be put in a token.
    const beyond = await t.as(session, { method: 'POST', url: '/api/v1/account/tokens', payload: { name: 'too wide', roles: ['officer', 'secretariat'] } });
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/roles/1']);

    // A token with the admin role loses it when the user does.
    const wide = await createToken(session, ['officer', 'member-admin']);
    expect((await bearer(wide.secret, 'GET', '/api/v1/users')).statusCode).toBe(200);
    const other = await t.sessionFor(await t.makeUser('AAA', ['member-admin']));
    expect((await t.as(other, { method: 'PATCH', url: `/api/v1/users/${admin.id}`, payload: { roles: ['officer'] } })).statusCode).toBe(200);
    expect((await bearer(wide.secret, 'GET', '/api/v1/users')).statusCode).toBe(403);

    // Tokens are for machines: a token cannot mint another one.
    const minted = await bearer(wide.secret, 'POST', '/api/v1/account/tokens', { name: 'child', roles: ['officer'] });
    expect(minted.statusCode).toBe(403);
  });
});

describe('CSRF', () => {
  test('a cookie-session write without the x-csrf-token header is 403, writes nothing but its audit row', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    const document = { title: 'Never written', body: 'A note.', category: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } };
    const before = await fingerprint(t.db);
    const missing = await t.app.inject({ method: 'POST', url: '/api/v1/library/documents', headers: { cookie: session.cookie }, payload: document });
    // From another address, so that its refusal has a row of its own rather than a count with the first one.
    const wrong = await t.app.inject({
      method: 'POST', url: '/api/v1/library/documents', remoteAddress: '192.0.2.32', headers: { cookie: session.cookie, 'x-csrf-token': `${session.csrf}x` }, payload: document,
    });
    for (const response of [missing, wrong]) {
      expect(response.statusCode).toBe(403);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(await auditOf(response)).toEqual([
        { action: 'auth.csrf-refused', user_id: user.id, member: 'AAA', details: { method: 'POST', path: '/api/v1/library/documents' } },
      ]);
    }
    const { audit_log: _log, audit_lanes: _lanes, ...after } = await fingerprint(t.db);
    const { audit_log: _log0, audit_lanes: _lanes0, ...unchanged } = before;
    expect(after).toEqual(unchanged);
    // With the header, the same write goes through.
    expect((await t.as(session, { method: 'POST', url: '/api/v1/library/documents', payload: document })).statusCode).toBe(201);
  });
});

describe('throttling by account and by address', () => {
  const PER_ACCOUNT = 3;
  const PER_ADDRESS = 4;
  const WINDOW_MINUTES = 15;
  let u: TestContext;

  beforeAll(async () => {
    u = await makeTestApp({ config: { signinMaxFailuresPerAccount: PER_ACCOUNT, signinMaxFailuresPerAddress: PER_ADDRESS, signinWindowMinutes: WINDOW_MINUTES } });
    await u.makeMember('AAA');
  });
  afterAll(() => u.close());

  const signInFrom = (address: string, email: string, password = TEST_PASSWORD) =>
    u.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password }, remoteAddress: address });

  /** The failures counted so far move back past the window, as if it had gone by. */
  const windowGoesBy = () => u.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.signin_failures SET at = at - make_interval(mins => ${WINDOW_MINUTES + 1})`));

  function expectPaused(response: LightMyRequestResponse): void {
    expect(response.statusCode, response.body).toBe(429);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['retry-after']).toBe(String(WINDOW_MINUTES * 60));
    expect(response.json()).toMatchObject({ status: 429, title: 'Too many failed sign-ins', retryAfterSeconds: WINDOW_MINUTES * 60 });
    expect(response.cookies).toEqual([]);
  }

  test(`an address with ${PER_ADDRESS} failures is paused for every account, even with the right password; other addresses are not; after the window it signs in`, async () => {
    const user = await u.makeUser('AAA');
    // Failures for several accounts (one of them unknown) from one address, each below the per-account limit.
    const others = [await u.makeUser('AAA'), await u.makeUser('AAA')];
    for (const email of [others[0]!.email, others[1]!.email, 'nobody@nowhere.test', others[0]!.email]) {
      expect((await signInFrom('10.1.1.1', email, 'not the password')).statusCode).toBe(401);
    }
    const paused = await signInFrom('10.1.1.1', user.email);
    expectPaused(paused);
    const audit = await u.db.ownerTransaction((tx) =>
      tx.query<{ action: string; address: string; details: Record<string, unknown> }>(sql`SELECT action, address, details FROM audit_log WHERE request_id = ${String(paused.headers['x-request-id'])}`),
    );
    expect(audit).toEqual([{ action: 'auth.sign-in-failed', address: '10.1.1.1', details: { email: user.email, reason: 'throttled' } }]);
    // The pause opened no session.
    expect(await u.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM lintas_secrets.sessions WHERE user_id = ${user.id}`))).toEqual({ n: 0 });

    expect((await signInFrom('10.2.2.2', user.email)).statusCode).toBe(200);
    await windowGoesBy();
    expect((await signInFrom('10.1.1.1', user.email)).statusCode).toBe(200);
  });

  test(`an account with ${PER_ACCOUNT} failures from different addresses is paused from any address; other accounts are not; after the window it signs in`, async () => {
    const user = await u.makeUser('AAA');
    const other = await u.makeUser('AAA');
    for (const address of ['10.3.0.1', '10.3.0.2', '10.3.0.3']) expect((await signInFrom(address, user.email, 'not the password')).statusCode).toBe(401);
    // A fresh address, the right password: still paused, as the account is.
    expectPaused(await signInFrom('10.3.0.4', user.email));
    expectPaused(await signInFrom('10.3.0.4', user.email.toUpperCase()));
    expect((await signInFrom('10.3.0.4', other.email)).statusCode).toBe(200);
    await windowGoesBy();
    expect((await signInFrom('10.3.0.4', user.email)).statusCode).toBe(200);
  });
});
