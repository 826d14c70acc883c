import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestUser } from '../../../test/support/app.js';
import { totpCode } from '../auth/totp.js';
import type { Tx } from './database.js';
import { sql } from './sql.js';

// Issue #27: what the application role cannot do, even through a bug in a query it runs. Each
// attempt runs in a transaction of the application role for member AAA and its officer, as a
// request's would, and must fail; the legitimate paths that replaced the direct reads still work.

let t: TestContext;
let officer: TestUser;
let admin: TestUser;
let other: TestUser;
let hidden: string;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  officer = await t.makeUser('AAA', ['officer']);
  admin = await t.makeUser('AAA', ['member-admin', 'officer']);
  other = await t.makeUser('BBB', ['officer']);
  // A record only BBB may see.
  hidden = await t.makeDocument('BBB', { title: 'only for BBB' });
  // Something in every secret table, so a refusal is not an empty answer.
  await t.sessionFor(other);
  await t.tokenFor(other);
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: other.email, password: 'not the password at all' } });
});
afterAll(() => t.close());

/** Runs `work` as the application role for AAA's officer (or `user`), as a request would. */
function asApp<T>(work: (tx: Tx) => Promise<T>, user: TestUser = officer): Promise<T> {
  return t.db.transaction({ member: user.member, user: user.id }, work);
}

const REFUSED = /permission denied|resets its second factor|must name the member and user|was changed after it began|may (add|change) only|not the application's to change|only a user's own|password link is for/;

describe('the application role cannot', () => {
  test.each(['sessions', 'api_tokens', 'recovery_codes', 'password_resets', 'signin_failures', 'user_secrets', 'context_key'])(
    'read lintas_secrets.%s',
    async (table) => {
      await expect(asApp((tx) => tx.query(sql`SELECT * FROM ${sql.ident('lintas_secrets')}.${sql.ident(table)}`))).rejects.toThrow(/permission denied/);
    },
  );

  test('find a password hash or TOTP secret on the users table', async () => {
    const columns = await asApp((tx) => tx.query<{ column_name: string }>(sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'users'`));
    expect(columns.map((row) => row.column_name)).not.toEqual(expect.arrayContaining(['password_hash']));
    expect(columns.map((row) => row.column_name).filter((name) => /password|totp_secret|totp_last/.test(name))).toEqual([]);
  });

  test('give itself or another user roles its user does not hold, move a user, or delete one', async () => {
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET roles = '{officer,secretariat}' WHERE id = ${officer.id}`))).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET roles = '{officer,member-admin}' WHERE id = ${officer.id}`))).rejects.toThrow(REFUSED);
    // A member-admin: not another member's user, not a role it does not hold, not to another member.
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET roles = '{officer,analyst}' WHERE id = ${other.id}`), admin)).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET roles = '{officer,secretariat}' WHERE id = ${officer.id}`), admin)).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET member = 'BBB' WHERE id = ${officer.id}`), admin)).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${officer.id}`), admin)).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`UPDATE users SET email = 'taken@over.test' WHERE id = ${admin.id}`))).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`INSERT INTO users (member, name, email, roles) VALUES ('BBB', 'Planted', 'planted@bbb.test', '{officer}')`), admin)).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`DELETE FROM users WHERE id = ${other.id}`), admin)).rejects.toThrow(/permission denied/);
    const roles = await t.db.ownerTransaction((tx) => tx.query<{ roles: string[] }>(sql`SELECT roles FROM users WHERE id IN (${officer.id}, ${other.id}) ORDER BY member`));
    expect(roles).toEqual([{ roles: ['officer'] }, { roles: ['officer'] }]);
  });

  test('append an audit row for another member, or for another user', async () => {
    const append = (entry: Record<string, unknown>) => asApp((tx) => tx.query(sql`SELECT audit_append(${JSON.stringify([entry])}::jsonb)`));
    await expect(append({ member: 'BBB', userId: officer.id, action: 'test.forged' })).rejects.toThrow(REFUSED);
    await expect(append({ member: 'AAA', userId: admin.id, action: 'test.forged' })).rejects.toThrow(REFUSED);
    await expect(append({ member: 'AAA', action: 'test.forged' })).rejects.toThrow(REFUSED);
    // A group of two, one of them forged, is refused whole.
    const both = [{ member: 'AAA', userId: officer.id, action: 'test.forged' }, { member: 'BBB', userId: other.id, action: 'test.forged' }];
    await expect(asApp((tx) => tx.query(sql`SELECT audit_append(${JSON.stringify(both)}::jsonb)`))).rejects.toThrow(REFUSED);
    const forged = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'test.forged'`));
    expect(forged.n).toBe(0);
  });

  test('change the member or user of its transaction: every policy and the definer functions refuse', async () => {
    // Before the change, the record is invisible; after it, reading raises instead of showing it.
    expect(await asApp((tx) => tx.query(sql`SELECT id FROM library_documents WHERE id = ${hidden}`))).toEqual([]);
    await expect(
      asApp(async (tx) => {
        await tx.query(sql`SELECT set_config('lintas.member', 'BBB', true)`);
        return tx.query(sql`SELECT id, title FROM library_documents WHERE id = ${hidden}`);
      }),
    ).rejects.toThrow(REFUSED);
    await expect(
      asApp(async (tx) => {
        await tx.query(sql`SELECT set_config('lintas.member', 'BBB', true)`);
        return tx.query(sql`INSERT INTO notifications (user_id, kind, title, owner) VALUES (${other.id}, 'test', 'planted', 'BBB')`);
      }),
    ).rejects.toThrow(REFUSED);
    await expect(
      asApp(async (tx) => {
        await tx.query(sql`SELECT set_config('lintas.member', 'BBB', true)`);
        return tx.query(sql`SELECT lintas_member_groups()`);
      }),
    ).rejects.toThrow(REFUSED);
    // The user too: another user's tokens through the narrow function.
    await expect(
      asApp(async (tx) => {
        await tx.query(sql`SELECT set_config('lintas.user', ${other.id}, true)`);
        return tx.query(sql`SELECT * FROM auth_tokens()`);
      }),
    ).rejects.toThrow(REFUSED);
    // Nor seal a context of its choice.
    await expect(asApp((tx) => tx.query(sql`SELECT lintas_begin('BBB', ${other.id})`))).rejects.toThrow(/permission denied/);
  });

  test('act on another user’s sessions or password through the definer functions', async () => {
    await expect(asApp((tx) => tx.query(sql`SELECT auth_sessions_end(${other.id}::uuid, NULL)`))).rejects.toThrow(REFUSED);
    await expect(asApp((tx) => tx.query(sql`SELECT auth_reset_issue(${other.id}::uuid, '\\x00'::bytea, 1)`))).rejects.toThrow(REFUSED);
    // A second factor is reset only by an administrator of the user's member: not by an officer, not
    // across members by a member-admin, not one's own.
    for (const [target, by] of [[other, officer], [other, admin], [officer, officer], [admin, admin]] as const) {
      await expect(asApp((tx) => tx.query(sql`SELECT auth_totp_reset(${target.id}::uuid)`), by)).rejects.toThrow(REFUSED);
    }
    await expect(asApp((tx) => tx.query(sql`SELECT auth_session_open(${other.id}::uuid, '\\x01'::bytea, 'x', 'full', '127.0.0.1', 1)`))).rejects.toThrow(/session opens only/);
    await expect(asApp((tx) => tx.query(sql`SELECT * FROM auth_token_create('mine', '\\x02'::bytea, '{secretariat}', 1)`))).rejects.toThrow(/only roles its user holds/);
    // Another user's session is neither marked re-authenticated nor told about: only the transaction's user's own.
    const otherSession = await t.db.ownerTransaction((tx) => tx.one<{ id_hash: Buffer }>(sql`SELECT id_hash FROM lintas_secrets.sessions WHERE user_id = ${other.id} LIMIT 1`));
    expect(await asApp((tx) => tx.one(sql`SELECT auth_session_reauthenticated(${otherSession.id_hash}) AS marked, auth_session_recently_authenticated(${otherSession.id_hash}, 60) AS fresh`)))
      .toEqual({ marked: false, fresh: false });
    // The functions for "the transaction's user" take no user: a transaction without one gets nothing.
    const nobody = await t.db.transaction({ member: 'AAA' }, (tx) => tx.one<{ hash: string | null; secret: string | null }>(
      sql`SELECT auth_password_hash() AS hash, (SELECT totp_secret FROM auth_totp_secret()) AS secret`,
    ));
    expect(nobody).toEqual({ hash: null, secret: null });
  });

  test('call a function that returns hidden figures: the one there was is gone, and every definer function it may call is on a reviewed list', async () => {
    await expect(asApp((tx) => tx.query(sql`SELECT * FROM lintas_report_hidden_cells('{}'::jsonb)`))).rejects.toThrow(/does not exist/);
    const callable = await t.db.ownerTransaction((tx) =>
      tx.query<{ name: string }>(sql`SELECT DISTINCT p.proname AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'public' AND p.prosecdef AND has_function_privilege('lintas_app', p.oid, 'EXECUTE') ORDER BY 1`),
    );
    // Each of these runs as the owner for the application. A new one fails this test until it is
    // reviewed: it must answer only about the transaction's member and user, or reveal no more than
    // the sharing rule's designed exceptions (hit/no-hit) do. Functions over every member's records
    // (the releases' jobs, the fact store) run in the owner's transactions and are not granted.
    const reviewed = [
      'audit_append', 'auth_password_change', 'auth_password_hash', 'auth_recovery_code_used', 'auth_reset_complete', 'auth_reset_holder',
      'auth_reset_issue', 'auth_session', 'auth_session_end', 'auth_session_end_by_id', 'auth_session_open', 'auth_session_reauthenticated',
      'auth_session_recently_authenticated', 'auth_sessions', 'auth_sessions_end',
      'auth_sign_in_candidate',
      'auth_sign_in_failed', 'auth_sign_in_failures', 'auth_token_actor', 'auth_token_create', 'auth_token_revoke', 'auth_tokens',
      'auth_totp_enable', 'auth_totp_remove', 'auth_totp_reset', 'auth_totp_secret', 'auth_totp_start', 'auth_totp_step_used', 'biometric_tally',
      'documents_reports_of_member', 'file_storage_used', 'linkage_holders', 'linkage_notice_volume', 'linkage_requeue', 'linkage_similar_names_of',
      'lintas_begin_proven', 'lintas_caller_is_owner', 'lintas_context_intact', 'lintas_member', 'lintas_member_groups', 'lintas_member_is_full',
      'lintas_queue_webhooks', 'lintas_reports_contributor', 'lintas_session_open', 'lintas_session_spend', 'lintas_user', 'lintas_user_administers', 'lintas_user_roles',
    ];
    expect(callable.map((row) => row.name)).toEqual(reviewed);
  });

  test('make a definer function read or write a temporary table of its own in place of the platform’s: each searches pg_temp last', async () => {
    const first = await t.db.ownerTransaction((tx) =>
      tx.query<{ name: string }>(sql`SELECT p.oid::regprocedure::text AS name FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef AND p.proname <> 'lintas_context_intact'
          AND NOT coalesce('search_path=public, pg_temp' = ANY (p.proconfig), false) ORDER BY 1`),
    );
    expect(first).toEqual([]);
    // A temporary users table naming the officer the secretariat: the guard's definer function reads the real one.
    await expect(
      asApp(async (tx) => {
        await tx.query(sql`CREATE TEMPORARY TABLE users AS SELECT * FROM public.users`);
        await tx.query(sql`UPDATE pg_temp.users SET roles = '{officer,secretariat}'`);
        return tx.query(sql`UPDATE public.users SET roles = '{officer,secretariat}' WHERE id = ${officer.id}`);
      }),
    ).rejects.toThrow(REFUSED);
  });

  test('escape the context guard on any table under row-level security', async () => {
    const unguarded = await t.db.ownerTransaction((tx) =>
      tx.query<{ name: string }>(sql`SELECT c.relname AS name FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND c.relrowsecurity
          AND NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = 'lintas_context' AND NOT p.polpermissive)`),
    );
    expect(unguarded).toEqual([]);
  });
});

describe('the legitimate paths still work', () => {
  test('sign-in, the session, an API token, TOTP enrolment and their audit rows, each for its own member and user', async () => {
    const user = await t.makeUser('AAA', ['officer']);
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: TEST_PASSWORD } });
    expect(signIn.statusCode).toBe(200);
    const cookie = String(signIn.headers['set-cookie']).split(';')[0] ?? '';
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    const csrf = (me.json<{ csrfToken: string }>()).csrfToken;
    const headers = { cookie, 'x-csrf-token': csrf };
    const token = await t.app.inject({ method: 'POST', url: '/api/v1/account/tokens', headers, payload: { name: 'machine', roles: ['officer'], expiresInDays: 1 } });
    expect(token.statusCode).toBe(201);
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/account/tokens', headers: { authorization: `Bearer ${token.json<{ secret: string }>().secret}` } });
    expect(listed.statusCode).toBe(200);
    expect(listed.json<{ data: { name: string }[] }>().data.map((row) => row.name)).toEqual(['machine']);
    const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/account/totp/enrol', headers });
    expect(enrol.statusCode).toBe(200);
    const confirm = await t.app.inject({ method: 'POST', url: '/api/v1/account/totp/confirm', headers, payload: { code: totpCode(enrol.json<{ secret: string }>().secret) } });
    expect(confirm.statusCode).toBe(200);
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; member: string; user_id: string }>(sql`SELECT action, member, user_id FROM audit_log WHERE user_id = ${user.id} ORDER BY seq`),
    );
    expect(rows.map((row) => row.action)).toEqual(['auth.sign-in', 'account.token-created', 'account.totp-enrolled']);
    expect(rows.every((row) => row.member === 'AAA' && row.user_id === user.id)).toBe(true);
  });

  test('a member-admin changes its own member’s users with roles it holds; the audit row is its own', async () => {
    const session = await t.sessionFor(admin);
    const changed = await t.as(session, { method: 'PATCH', url: `/api/v1/users/${officer.id}`, payload: { roles: ['officer', 'member-admin'] } });
    expect(changed.statusCode).toBe(200);
    const back = await t.as(session, { method: 'PATCH', url: `/api/v1/users/${officer.id}`, payload: { roles: ['officer'] } });
    expect(back.statusCode).toBe(200);
  });
});
