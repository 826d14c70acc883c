import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { spawnServer, type ServerProcess } from '../../../test/support/processes.js';
import { sql } from '../db/sql.js';
import type { Role } from './roles.js';
import { hashPassword, newSecret, digest } from './secrets.js';
import { createSession } from './sessions.js';

// Two server processes on one PostgreSQL database, as a deployment runs them. Each caches the
// sessions and tokens it looked up; they are started with a ten-minute cache, so whatever process
// B refuses after a change made through process A, it refuses because A's change told it (NOTIFY),
// not because its cache ran out. The first test shows B does serve from its cache.
// PGlite is one process by design: there is nothing to tell.

const PASSWORD = 'correct horse battery staple';
const onServer = TEST_DB_KIND === 'postgres';
if (!onServer) console.warn('Sessions across processes: skipped on PGlite (one process by design); runs on the PostgreSQL leg.');

let database: TestDatabase;
let a: ServerProcess;
let b: ServerProcess;
let passwordHash: string;
let counter = 0;

interface Login {
  userId: string;
  cookie: string;
  csrf: string;
}

async function makeUser(roles: Role[]): Promise<string> {
  const email = `user-${++counter}@sxa.test`;
  const row = await database.db.ownerTransaction((tx) =>
    tx.one<{ id: string }>(sql`WITH added AS (INSERT INTO users (member, name, email, roles) VALUES ('SXA', ${email}, ${email}, ${roles}) RETURNING id)
      INSERT INTO lintas_secrets.user_secrets (user_id, password_hash) SELECT id, ${passwordHash} FROM added
      ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash RETURNING user_id AS id`),
  );
  return row.id;
}

async function signIn(userId: string): Promise<Login> {
  const secret = await database.db.ownerTransaction((tx) => createSession(tx, userId, 'full', '127.0.0.1', 1));
  const row = await database.db.ownerTransaction((tx) => tx.one<{ csrf_token: string }>(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE id_hash = ${digest(secret)}`));
  return { userId, cookie: `lintas_session=${secret}`, csrf: row.csrf_token };
}

async function call(server: ServerProcess, login: Login | null, path: string, init: { method?: string; body?: unknown; bearer?: string } = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (login) headers.cookie = login.cookie;
  if (login && init.method && init.method !== 'GET') headers['x-csrf-token'] = login.csrf;
  if (init.bearer) headers.authorization = `Bearer ${init.bearer}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}/api/v1${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
}

const statusOf = async (server: ServerProcess, login: Login | null, path = '/auth/session', bearer?: string): Promise<number> =>
  (await call(server, login, path, bearer ? { bearer } : {})).status;

async function sessionOn(server: ServerProcess, login: Login): Promise<{ user: { roles: string[] }; actions: string[] }> {
  const response = await call(server, login, '/auth/session');
  expect(response.status).toBe(200);
  return (await response.json()) as { user: { roles: string[] }; actions: string[] };
}

/** The short bound within which B must have heard: the notification takes milliseconds, B's cache ten minutes. */
const HEARD = { timeout: 5_000, interval: 50 };

describe.skipIf(!onServer)('sessions across two server processes on one PostgreSQL', () => {
  let admin: Login;
  let legacy: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    // The servers' data key, so that the hash made here is peppered as theirs are.
    const key = randomBytes(32).toString('hex');
    passwordHash = await hashPassword({ env: { LINTAS_DATA_KEY: key }, dataDir: '/nonexistent-lintas-data' }, PASSWORD);
    await database.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('SXA', 'Member SXA', 'state', 'member')`));
    admin = await signIn(await makeUser(['member-admin']));
    // A hash stored before the pepper (argon2 alone): the servers' start peppers it.
    legacy = await makeUser(['officer']);
    const plain = await hash(PASSWORD, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await database.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.user_secrets SET password_hash = ${plain} WHERE user_id = ${legacy}`));
    // The admin's session opened before the servers start: its password entry must still count when it changes roles.
    // Both serve through the serving login, as the deployment recipe's processes do.
    const env = { LINTAS_DATA_KEY: key, DATABASE_URL: database.url!, ...(database.appUrl ? { DATABASE_APP_URL: database.appUrl } : {}), LINTAS_SESSION_CACHE_SECONDS: '600', LINTAS_DATA: '/nonexistent-lintas-data', LINTAS_REAUTH_MINUTES: '60' };
    [a, b] = await Promise.all([spawnServer([], env), spawnServer([], env)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
  });

  test('a password hash stored before the pepper is peppered by the start, and its password signs in', async () => {
    const stored = await database.db.ownerTransaction((tx) => tx.one<{ password_hash: string }>(sql`SELECT password_hash FROM lintas_secrets.user_secrets WHERE user_id = ${legacy}`));
    expect(stored.password_hash).toMatch(/^\$pepper1\$argon2id\$/);
    const email = (await database.db.ownerTransaction((tx) => tx.one<{ email: string }>(sql`SELECT email FROM users WHERE id = ${legacy}`))).email;
    expect((await call(b, null, '/auth/sign-in', { method: 'POST', body: { email, password: PASSWORD } })).status).toBe(200);
  });

  test('a process serves a session from its cache: a change behind its back (no notification) goes unseen', async () => {
    const login = await signIn(await makeUser(['officer']));
    expect(await statusOf(b, login)).toBe(200);
    await database.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM lintas_secrets.sessions WHERE id_hash = ${digest(login.cookie.split('=')[1]!)}`));
    expect(await statusOf(b, login)).toBe(200);
    expect(await statusOf(a, login)).toBe(401);
  });

  test('sign-out through A: B refuses the cookie at once', async () => {
    const login = await signIn(await makeUser(['officer']));
    expect(await statusOf(a, login)).toBe(200);
    expect(await statusOf(b, login)).toBe(200);
    expect((await call(a, login, '/auth/sign-out', { method: 'POST' })).status).toBe(204);
    await expect.poll(() => statusOf(b, login), HEARD).toBe(401);
    expect(await statusOf(a, login)).toBe(401);
  });

  test('a role change through A: B answers with the new role’s abilities at once', async () => {
    const userId = await makeUser(['officer']);
    // With a second factor: an administrator without one would be signed out by the change (ASVS 4.3.1).
    await database.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${userId}`));
    const login = await signIn(userId);
    const before = await sessionOn(b, login);
    expect(before.user.roles).toEqual(['officer']);
    expect(before.actions).not.toContain('users.manage');
    expect(await statusOf(b, login, '/users')).toBe(403);

    const changed = await call(a, admin, `/users/${userId}`, { method: 'PATCH', body: { roles: ['member-admin'] } });
    expect(changed.status).toBe(200);
    await expect.poll(async () => (await sessionOn(b, login)).user.roles, HEARD).toEqual(['member-admin']);
    expect((await sessionOn(b, login)).actions).toContain('users.manage');
    expect(await statusOf(b, login, '/users')).toBe(200);
  });

  test('disabling a user through A: B refuses its session at once', async () => {
    const userId = await makeUser(['officer']);
    const login = await signIn(userId);
    expect(await statusOf(b, login)).toBe(200);
    expect((await call(a, admin, `/users/${userId}`, { method: 'PATCH', body: { disabled: true } })).status).toBe(200);
    await expect.poll(() => statusOf(b, login), HEARD).toBe(401);
  });

  test('revoking an API token through A: B refuses the token at once', async () => {
    const login = await signIn(await makeUser(['officer']));
    const created = await call(a, login, '/account/tokens', { method: 'POST', body: { name: 'border system', roles: ['officer'], expiresInDays: 30 } });
    expect(created.status).toBe(201);
    const { token, secret } = (await created.json()) as { token: { id: string }; secret: string };
    expect(await statusOf(b, null, '/members', secret)).toBe(200);
    expect((await call(a, login, `/account/tokens/${token.id}`, { method: 'DELETE' })).status).toBe(204);
    await expect.poll(() => statusOf(b, null, '/members', secret), HEARD).toBe(401);
  });

  test('a password change through A: B refuses the user’s other sessions at once, and keeps the one that changed it', async () => {
    const userId = await makeUser(['officer']);
    const current = await signIn(userId);
    const other = await signIn(userId);
    expect(await statusOf(b, other)).toBe(200);
    expect(await statusOf(b, current)).toBe(200);
    const changed = await call(a, current, '/account/password', { method: 'POST', body: { currentPassword: PASSWORD, newPassword: `${newSecret(12)}-new-password` } });
    expect(changed.status).toBe(200);
    await expect.poll(() => statusOf(b, other), HEARD).toBe(401);
    expect(await statusOf(b, current)).toBe(200);
  });

  test('while a process cannot hear changes it caches nothing, and it caches again once it hears them', async () => {
    const listeners = () =>
      database.db.ownerTransaction((tx) =>
        tx.query<{ pid: number }>(sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = ${'LISTEN lintas_sessions'}`),
      );
    expect(await listeners()).toHaveLength(2);
    await database.db.ownerTransaction((tx) =>
      tx.query(sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = ${'LISTEN lintas_sessions'}`),
    );
    // Deaf: a change behind its back (no notification) is seen at once, as nothing was kept.
    // (Each attempt with a new session, until B has noticed the lost connection.)
    const userId = await makeUser(['officer']);
    await expect.poll(async () => {
      const unheard = await signIn(userId);
      expect(await statusOf(b, unheard)).toBe(200);
      await database.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM lintas_secrets.sessions WHERE id_hash = ${digest(unheard.cookie.split('=')[1]!)}`));
      return statusOf(b, unheard);
    }, HEARD).toBe(401);

    // Listening again (a new connection within seconds): B keeps what it looks up once more.
    await expect.poll(async () => (await listeners()).length, { timeout: 15_000, interval: 200 }).toBe(2);
    const heard = await signIn(await makeUser(['officer']));
    expect(await statusOf(b, heard)).toBe(200);
    await database.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM lintas_secrets.sessions WHERE id_hash = ${digest(heard.cookie.split('=')[1]!)}`));
    expect(await statusOf(b, heard)).toBe(200);
  });
});
