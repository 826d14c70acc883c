import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { REAUTHENTICATION_REQUIRED } from '../../platform/auth/reauthentication.js';
import { digest } from '../../platform/auth/secrets.js';
import { totpCode } from '../../platform/auth/totp.js';
import { sql } from '../../platform/db/sql.js';

// ASVS 3.7.1: creating an API token and changing a user's roles need the password (or a current
// code) entered in the session within LINTAS_REAUTH_MINUTES. The clock is moved through the database.

const MAX_FAILURES = 3;
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp({ config: { reauthMinutes: 5, signinMaxFailuresPerAccount: MAX_FAILURES, signinMaxFailuresPerAddress: 10_000 } });
  await t.makeMember('AAA');
});
afterAll(() => t.close());

/** The session last entered its password `minutes` ago. */
async function lastAuthenticated(session: TestSession, minutes: number): Promise<void> {
  const secret = session.cookie.split('=')[1]!;
  await t.db.ownerTransaction((tx) =>
    tx.query(sql`UPDATE lintas_secrets.sessions SET reauthenticated_at = now() - make_interval(mins => ${minutes}::int) WHERE id_hash = ${digest(secret)}`),
  );
}

const createToken = (session: TestSession) => t.as(session, { method: 'POST', url: '/api/v1/account/tokens', payload: { name: 'border system', roles: ['officer'] } });
const reauthenticate = (session: TestSession, body: object) => t.as(session, { method: 'POST', url: '/api/v1/account/reauthenticate', payload: body });
const tokenCount = (user: TestUser) =>
  t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM lintas_secrets.api_tokens WHERE user_id = ${user.id}`)).then((row) => row.n);
const auditActions = (response: LightMyRequestResponse) =>
  t.db.ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`))
    .then((rows) => rows.map((row) => row.action));

function expectReauthenticationRequired(response: LightMyRequestResponse): void {
  expect(response.statusCode).toBe(403);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.json()).toMatchObject({ type: REAUTHENTICATION_REQUIRED, status: 403, title: 'Re-authentication required' });
}

describe('ASVS 3.7.1: re-authentication before sensitive changes', () => {
  test('an API token: refused when the password is stale, created once it is entered again; a wrong one is a counted, audited failure', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    // Signing in counts: a new session may create one at once.
    expect((await createToken(session)).statusCode).toBe(201);
    await lastAuthenticated(session, 6);
    expectReauthenticationRequired(await createToken(session));
    expect(await tokenCount(user)).toBe(1);

    const wrong = await reauthenticate(session, { password: 'not my password at all' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/password']);
    expect(await auditActions(wrong)).toContain('auth.sign-in-failed');
    expectReauthenticationRequired(await createToken(session));

    const right = await reauthenticate(session, { password: TEST_PASSWORD });
    expect(right.statusCode).toBe(204);
    expect(await auditActions(right)).toEqual(['account.reauthenticated']);
    expect((await createToken(session)).statusCode).toBe(201);
    expect(await tokenCount(user)).toBe(2);
  });

  test('wrong passwords pause re-authentication as they pause sign-in', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    for (let n = 0; n < MAX_FAILURES; n++) expect((await reauthenticate(session, { password: `wrong password number ${n}` })).statusCode).toBe(400);
    expect((await reauthenticate(session, { password: TEST_PASSWORD })).statusCode).toBe(429);
  });

  test('a user with a second factor may enter a current code instead; a used or wrong one is refused', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${user.id}`);
      await tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_secret = ${secret} WHERE user_id = ${user.id}`);
    });
    await lastAuthenticated(session, 60);
    const code = totpCode(secret);
    expect((await reauthenticate(session, { code })).statusCode).toBe(204);
    expect((await createToken(session)).statusCode).toBe(201);
    await lastAuthenticated(session, 60);
    const reused = await reauthenticate(session, { code });
    expect(reused.statusCode).toBe(400);
    expect(reused.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/code']);
    expectReauthenticationRequired(await createToken(session));
  });

  test("a member-admin's change of roles: refused when stale and nothing changes; other changes are not held up", async () => {
    const admin = await t.makeUser('AAA', ['member-admin', 'officer', 'analyst']);
    const session = await t.sessionFor(admin);
    const user = await t.makeUser('AAA', ['officer']);
    await lastAuthenticated(session, 6);
    const patch = (payload: object) => t.as(session, { method: 'PATCH', url: `/api/v1/users/${user.id}`, payload });
    expectReauthenticationRequired(await patch({ roles: ['officer', 'analyst'] }));
    const roles = () => t.db.ownerTransaction((tx) => tx.one<{ roles: string[] }>(sql`SELECT roles FROM users WHERE id = ${user.id}`)).then((row) => row.roles);
    expect(await roles()).toEqual(['officer']);
    // The same roles again, or a name, are no change of roles.
    expect((await patch({ roles: ['officer'], name: 'A new name' })).statusCode).toBe(200);
    expect((await reauthenticate(session, { password: TEST_PASSWORD })).statusCode).toBe(204);
    expect((await patch({ roles: ['officer', 'analyst'] })).statusCode).toBe(200);
    expect(await roles()).toEqual(['officer', 'analyst']);
  });

  test("a member-admin's new user, a grant of roles: refused when stale and no user made; made once the password is entered again", async () => {
    const admin = await t.makeUser('AAA', ['member-admin', 'officer']);
    const session = await t.sessionFor(admin);
    await lastAuthenticated(session, 6);
    const create = () => t.as(session, { method: 'POST', url: '/api/v1/users', payload: { name: 'Deputy', email: 'deputy@aaa.reauth', roles: ['officer', 'member-admin'] } });
    const made = () => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM users WHERE email = 'deputy@aaa.reauth'`)).then((row) => row.n);
    expectReauthenticationRequired(await create());
    expect(await made()).toBe(0);
    expect((await reauthenticate(session, { password: TEST_PASSWORD })).statusCode).toBe(204);
    expect((await create()).statusCode).toBe(201);
    expect(await made()).toBe(1);
  });

  test('an API token can neither re-authenticate nor change roles', async () => {
    const admin = await t.makeUser('AAA', ['member-admin', 'officer']);
    const user = await t.makeUser('AAA', ['officer']);
    const bearer = { authorization: `Bearer ${await t.tokenFor(admin)}` };
    const asToken = await t.app.inject({ method: 'POST', url: '/api/v1/account/reauthenticate', headers: bearer, payload: { password: TEST_PASSWORD } });
    expect(asToken.statusCode).toBe(403);
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: bearer, payload: { roles: ['officer', 'member-admin'] } });
    expect(patched.statusCode).toBe(403);
    expect(patched.json<{ type: string }>().type).not.toBe(REAUTHENTICATION_REQUIRED);
  });

  test('neither a password nor a code, or both, is bad input', async () => {
    const session = await t.sessionFor(await t.makeUser('AAA'));
    expect((await reauthenticate(session, {})).statusCode).toBe(400);
    expect((await reauthenticate(session, { password: TEST_PASSWORD, code: '123456' })).statusCode).toBe(400);
  });
});
