import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { digest, newSecret } from '../../platform/auth/secrets.js';
import { totpCode } from '../../platform/auth/totp.js';
import { sql } from '../../platform/db/sql.js';

/**
 * ASVS 2.2.3 and 2.5.5: a change to how a user signs in (password, second factor, API token) is told
 * to the user by e-mail, queued with the change, naming no secret; a refused change tells nothing.
 */

const V1 = '/api/v1';
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
});
afterAll(() => t.close());

/** The notices queued for an address, oldest first. */
function noticesTo(user: TestUser): Promise<{ subject: string; text: string }[]> {
  return t.db.ownerTransaction((tx) =>
    tx.query<{ subject: string; text: string }>(sql`SELECT payload->>'subject' AS subject, payload->>'text' AS text FROM outbox
      WHERE channel = 'email' AND payload->>'to' = ${user.email} AND payload->>'subject' = 'Lintas: a change to how you sign in' ORDER BY id`),
  );
}

const changePassword = (session: TestSession, currentPassword: string, newPassword: string) =>
  t.as(session, { method: 'POST', url: `${V1}/account/password`, payload: { currentPassword, newPassword } });

test('a password change tells the user when and from where, and names no password; a refused one tells nothing', async () => {
  const user = await t.makeUser('AAA');
  const session = await t.sessionFor(user);
  const refused = await changePassword(session, 'not my password at all', 'the passphrase I wanted');
  expect(refused.statusCode).toBe(400);
  expect(await noticesTo(user)).toEqual([]);

  const changed = await changePassword(session, TEST_PASSWORD, 'the passphrase I wanted');
  expect(changed.statusCode, changed.body).toBe(200);
  const notices = await noticesTo(user);
  expect(notices).toHaveLength(1);
  expect(notices[0]!.text).toContain('Your Lintas password was changed.');
  expect(notices[0]!.text).toMatch(/When: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\)\nFrom address: \S+/);
  expect(notices[0]!.text).not.toContain('the passphrase I wanted');
  expect(notices[0]!.text).not.toContain(TEST_PASSWORD);
});

test('a password set with a reset link is told, without the link', async () => {
  const user = await t.makeUser('AAA');
  const token = newSecret();
  await t.db.ownerTransaction((tx) =>
    tx.query(sql`INSERT INTO lintas_secrets.password_resets (token_hash, user_id, expires_at) VALUES (${digest(token)}, ${user.id}, now() + interval '1 hour')`),
  );
  const done = await t.app.inject({ method: 'POST', url: `${V1}/auth/password-reset/complete`, payload: { token, password: 'set through the link' } });
  expect(done.statusCode, done.body).toBe(204);
  const notices = await noticesTo(user);
  expect(notices.map((notice) => notice.text.split('\n')[2])).toEqual(['Your Lintas password was set with a reset link.']);
  expect(notices[0]!.text).not.toContain(token);
  expect(notices[0]!.text).not.toContain('set through the link');
});

test('enrolling and removing a second factor are each told, without the secret or the codes', async () => {
  const user = await t.makeUser('AAA');
  const session = await t.sessionFor(user);
  const started = await t.as(session, { method: 'POST', url: `${V1}/account/totp/enrol` });
  const { secret } = started.json<{ secret: string }>();
  const confirmed = await t.as(session, { method: 'POST', url: `${V1}/account/totp/confirm`, payload: { code: totpCode(secret) } });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  const { recoveryCodes } = confirmed.json<{ recoveryCodes: string[] }>();
  // A code is used once and the next one is up to 30 s away: forget the step used, so this one counts again.
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_last_step = 0 WHERE user_id = ${user.id}`));
  const removed = await t.as(session, { method: 'DELETE', url: `${V1}/account/totp`, payload: { code: totpCode(secret) } });
  expect(removed.statusCode, removed.body).toBe(204);

  const notices = await noticesTo(user);
  expect(notices.map((notice) => notice.text.split('\n')[2])).toEqual([
    'An authenticator app was enrolled as your second factor for Lintas.',
    'The second factor was removed from your Lintas account.',
  ]);
  const all = notices.map((notice) => notice.text).join('\n');
  for (const value of [secret, ...recoveryCodes]) expect(all).not.toContain(value);
});

test('a new API token is told, without its secret; a refused one tells nothing', async () => {
  const user = await t.makeUser('AAA', ['officer']);
  const session = await t.sessionFor(user);
  const outside = await t.as(session, { method: 'POST', url: `${V1}/account/tokens`, payload: { name: 'too much', roles: ['secretariat'] } });
  expect(outside.statusCode).toBe(400);
  expect(await noticesTo(user)).toEqual([]);
  const created = await t.as(session, { method: 'POST', url: `${V1}/account/tokens`, payload: { name: 'border post', roles: ['officer'] } });
  expect(created.statusCode, created.body).toBe(201);
  const notices = await noticesTo(user);
  expect(notices.map((notice) => notice.text.split('\n')[2])).toEqual(['A new API token was created on your Lintas account.']);
  expect(notices[0]!.text).not.toContain(created.json<{ secret: string }>().secret);
});
