import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { pointers, problem, type Problem } from '../../../test/support/problem.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';

let t: TestContext;
let adminA: TestSession;
let officerA: TestUser;
let officerB: TestUser;
let adminB: TestSession;
let secretariat: TestSession;

const V1 = '/api/v1';



/** Runs a request that must be refused, and checks that it changed nothing. */
async function unchanged(request: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await fingerprint(t.db);
  const response = await request();
  expect(await fingerprint(t.db)).toEqual(before);
  return response;
}

function auditActions(response: LightMyRequestResponse): Promise<string[]> {
  return t.db
    .ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`))
    .then((rows) => rows.map((row) => row.action));
}

/** The token of the newest reset link e-mailed (queued in the outbox) to an address. */
async function mailedResetToken(email: string): Promise<string> {
  const row = await t.db.ownerTransaction((tx) => tx.one<{ text: string }>(sql`SELECT payload->>'text' AS text FROM outbox WHERE payload->>'to' = ${email} ORDER BY id DESC LIMIT 1`));
  return /\/reset-password#token=([A-Za-z0-9_-]+)/.exec(row.text)![1]!;
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.makeMember('CCC');
  await t.makeMember('SEC', { kind: 'organisation' });
  await t.makeGroup('aaa-ccc', ['AAA', 'CCC']);
  adminA = await t.sessionFor(await t.makeUser('AAA', ['member-admin', 'officer', 'analyst']));
  officerA = await t.makeUser('AAA', ['officer']);
  officerB = await t.makeUser('BBB', ['officer']);
  adminB = await t.sessionFor(await t.makeUser('BBB', ['member-admin', 'officer']));
  secretariat = await t.sessionFor(await t.makeUser('SEC', ['secretariat']));
});
afterAll(() => t.close());

describe('users', () => {
  test('a member-admin lists and creates users of its own member only', async () => {
    const listed = (await t.as(adminA, { method: 'GET', url: `${V1}/users` })).json<{ data: { member: string; id: string }[] }>().data;
    expect(listed.map((user) => user.id)).toContain(officerA.id);
    expect(new Set(listed.map((user) => user.member))).toEqual(new Set(['AAA']));
    problem(await unchanged(() => t.as(adminA, { method: 'GET', url: `${V1}/users?member=BBB` })), 403);

    const created = await t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'New Officer', email: 'New.Officer@AAA.test', roles: ['officer', 'analyst'] } });
    expect(created.statusCode).toBe(201);
    const { user, emailedTo } = created.json<{ user: { id: string; member: string; email: string; roles: string[] }; emailedTo: string }>();
    expect(user).toMatchObject({ member: 'AAA', email: 'new.officer@aaa.test', roles: ['officer', 'analyst'] });
    expect(emailedTo).toBe('new.officer@aaa.test');
    expect(await auditActions(created)).toEqual(['user.create']);
    // The e-mailed link sets the first password.
    const token = await mailedResetToken('new.officer@aaa.test');
    expect((await t.app.inject({ method: 'POST', url: `${V1}/auth/password-reset/complete`, payload: { token, password: 'first password of mine' } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: 'first password of mine' } })).statusCode).toBe(200);

    const duplicate = await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Again', email: 'new.officer@aaa.test', roles: ['officer'] } }));
    expect(pointers(problem(duplicate, 409))).toEqual(['/email']);
    problem(await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Planted', email: 'planted@bbb.test', roles: ['officer'], member: 'BBB' } })), 403);
  });

  test('an address in use is refused with the same 409 whichever member’s user holds it', async () => {
    const own = await t.makeUser('AAA', ['officer']);
    const answers = [];
    for (const email of [own.email, officerB.email.toUpperCase()]) {
      const refused = await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Taken', email, roles: ['officer'] } }));
      const { requestId: _id, ...body } = problem(refused, 409) as Problem & { requestId: string };
      answers.push(body);
    }
    expect(answers[0]).toMatchObject({ detail: 'This address cannot be used.', errors: [{ pointer: '/email', detail: 'this address cannot be used' }] });
    expect(answers[1]).toEqual(answers[0]);
    expect(JSON.stringify(answers)).not.toMatch(/BBB/i);
  });

  test('another member’s user is not found: the same 404 as an id that does not exist', async () => {
    for (const path of ['', '/password-reset']) {
      const method = path ? 'POST' : 'PATCH';
      const payload = path ? undefined : { name: 'Renamed' };
      const other = problem(await unchanged(() => t.as(adminA, { method, url: `${V1}/users/${officerB.id}${path}`, ...(payload ? { payload } : {}) })), 404);
      const missing = problem(await unchanged(() => t.as(adminA, { method, url: `${V1}/users/${randomUUID()}${path}`, ...(payload ? { payload } : {}) })), 404);
      expect(other).toMatchObject({ title: missing.title });
    }
    // The member's own admin may.
    expect((await t.as(adminB, { method: 'PATCH', url: `${V1}/users/${officerB.id}`, payload: { name: 'Renamed by its admin' } })).json()).toMatchObject({ user: { name: 'Renamed by its admin' } });
  });

  test('a member-admin resets the password of its own member’s user: one e-mailed link, used once, audited; another member’s admin gets 404 and changes nothing', async () => {
    const user = await t.makeUser('AAA', ['officer']);
    const session = await t.sessionFor(user);
    const signIn = (password: string) => t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password } });

    // Another member's admin: the same 404 as an unknown user, no link, no mail, no audit row.
    problem(await unchanged(() => t.as(adminB, { method: 'POST', url: `${V1}/users/${user.id}/password-reset` })), 404);

    const reset = await t.as(adminA, { method: 'POST', url: `${V1}/users/${user.id}/password-reset` });
    expect(reset.statusCode, reset.body).toBe(200);
    // The link goes by mail only: a member-admin never sees it.
    expect(reset.json()).toEqual({ emailedTo: user.email });
    const audit = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; user_id: string; member: string; object_id: string; object_owner: string }>(
        sql`SELECT action, user_id, member, object_id, object_owner FROM audit_log WHERE request_id = ${String(reset.headers['x-request-id'])} ORDER BY seq`,
      ),
    );
    expect(audit).toEqual([{ action: 'user.password-reset-issued', user_id: adminA.user.id, member: 'AAA', object_id: user.id, object_owner: 'AAA' }]);

    const token = await mailedResetToken(user.email);
    const complete = () => t.app.inject({ method: 'POST', url: `${V1}/auth/password-reset/complete`, payload: { token, password: 'a new password of mine' } });
    expect((await complete()).statusCode).toBe(204);
    // Once only.
    expect(pointers(problem(await unchanged(complete), 400))).toEqual(['/token']);
    expect((await signIn('a new password of mine')).statusCode).toBe(200);
    expect((await signIn(TEST_PASSWORD)).statusCode).toBe(401);
    // The sessions opened with the old password are ended.
    expect((await t.as(session, { method: 'GET', url: `${V1}/members` })).statusCode).toBe(401);
  });

  test('a lost second factor: the member-admin resets it after proofing; the factor, recovery codes and sessions go, the user is told, the audit row says how; others get 404 or 403 and change nothing', async () => {
    const user = await t.makeUser('AAA', ['officer', 'member-admin']);
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${user.id}`);
      await tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' WHERE user_id = ${user.id}`);
      await tx.query(sql`INSERT INTO lintas_secrets.recovery_codes (user_id, code_hash) VALUES (${user.id}, '\\x01'::bytea), (${user.id}, '\\x02'::bytea)`);
    });
    const session = await t.sessionFor(user);
    const url = `${V1}/users/${user.id}/second-factor-reset`;
    const proofing = 'Seen in person at the AAA liaison office with her passport, by the duty admin';
    const reset = (by: TestSession, payload: unknown = { proofing }) => t.as(by, { method: 'POST', url, payload: payload as Record<string, unknown> });

    // Another member's admin: the same 404 as a user that does not exist. Not an admin: 403.
    const missing = problem(await unchanged(() => t.as(adminB, { method: 'POST', url: `${V1}/users/${randomUUID()}/second-factor-reset`, payload: { proofing } })), 404);
    expect(problem(await unchanged(() => reset(adminB)), 404)).toMatchObject({ title: missing.title, detail: missing.detail });
    const officerSession = await t.sessionFor(officerA);
    problem(await unchanged(() => reset(officerSession)), 403);
    // How the person was proofed is required, and says something.
    expect(pointers(problem(await unchanged(() => reset(adminA, {})), 400))).toEqual(['/proofing']);
    expect(pointers(problem(await unchanged(() => reset(adminA, { proofing: 'ok' })), 400))).toEqual(['/proofing']);
    // One's own factor is not reset this way: that is what recovery codes are for.
    const self = await t.sessionFor(user);
    problem(await unchanged(() => t.as(self, { method: 'POST', url, payload: { proofing } })), 400);
    // A session whose password was entered too long ago must enter it again first (as for a grant of roles).
    const stale = await t.sessionFor(await t.makeUser('AAA', ['member-admin']));
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.sessions SET reauthenticated_at = now() - interval '1 day' WHERE user_id = ${stale.user.id}`));
    const staleAnswer = await unchanged(() => reset(stale));
    problem(staleAnswer, 403);
    expect(staleAnswer.json()).toMatchObject({ type: '/problems/reauthentication-required' });
    // Only the secretariat resets a secretariat user's.
    const secretariatUser = await t.makeUser('AAA', ['secretariat']);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET totp_enabled = true WHERE id = ${secretariatUser.id}`));
    problem(await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/users/${secretariatUser.id}/second-factor-reset`, payload: { proofing } })), 403);

    const done = await reset(adminA, { proofing: `  ${proofing} ` });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ user: { id: user.id, totpEnabled: false } });
    const left = await t.db.ownerTransaction((tx) => tx.one<{ enabled: boolean; secret: string | null; codes: number; sessions: number }>(sql`
      SELECT u.totp_enabled AS enabled, s.totp_secret AS secret,
        (SELECT count(*)::int FROM lintas_secrets.recovery_codes WHERE user_id = u.id) AS codes,
        (SELECT count(*)::int FROM lintas_secrets.sessions WHERE user_id = u.id) AS sessions
      FROM users u JOIN lintas_secrets.user_secrets s ON s.user_id = u.id WHERE u.id = ${user.id}`));
    expect(left).toEqual({ enabled: false, secret: null, codes: 0, sessions: 0 });
    expect((await t.as(session, { method: 'GET', url: `${V1}/members` })).statusCode).toBe(401);
    const audit = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; user_id: string; object_id: string; object_owner: string; details: unknown }>(
        sql`SELECT action, user_id, object_id, object_owner, details FROM audit_log WHERE request_id = ${String(done.headers['x-request-id'])} ORDER BY seq`,
      ),
    );
    expect(audit).toEqual([{ action: 'user.second-factor-reset', user_id: adminA.user.id, object_id: user.id, object_owner: 'AAA', details: { proofing } }]);
    const told = await t.db.ownerTransaction((tx) => tx.one<{ text: string }>(sql`SELECT payload->>'text' AS text FROM outbox WHERE payload->>'to' = ${user.email} ORDER BY id DESC LIMIT 1`));
    expect(told.text).toMatch(/reset your second factor/);
    // Nothing left to reset; and the user's next sign-in (an administrator needs a factor) enrols a new one.
    problem(await unchanged(() => reset(adminA)), 409);
    const signIn = await t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: TEST_PASSWORD } });
    expect(signIn.json()).toEqual({ stage: 'enrol' });
  });

  test('a member-admin cannot grant the secretariat role, nor lock itself out; the secretariat can grant it', async () => {
    const grant = await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Climber', email: 'climber@aaa.test', roles: ['secretariat'] } }));
    expect(pointers(problem(grant, 400))).toEqual(['/roles']);
    const promote = await unchanged(() => t.as(adminA, { method: 'PATCH', url: `${V1}/users/${officerA.id}`, payload: { roles: ['officer', 'secretariat'] } }));
    expect(pointers(problem(promote, 400))).toEqual(['/roles']);
    const self = await unchanged(() => t.as(adminA, { method: 'PATCH', url: `${V1}/users/${adminA.user.id}`, payload: { disabled: true } }));
    expect(pointers(problem(self, 400))).toEqual(['/disabled']);

    const bySecretariat = await t.as(secretariat, { method: 'POST', url: `${V1}/users`, payload: { name: 'Regional officer', email: 'regional@sec.test', roles: ['secretariat'], member: 'SEC' } });
    expect(bySecretariat.statusCode).toBe(201);
    expect(bySecretariat.json()).toMatchObject({ user: { member: 'SEC', roles: ['secretariat'] } });
  });

  test('disabling a user ends its sessions and tokens at once; enabling it lets it sign in again', async () => {
    const user = await t.makeUser('BBB', ['officer']);
    const session = await t.sessionFor(user);
    const token = await t.tokenFor(user);
    // Both are in use, so any cache holds them.
    expect((await t.as(session, { method: 'GET', url: `${V1}/members` })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `${V1}/members`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(200);

    const disabled = await t.as(adminB, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { disabled: true } });
    expect(disabled.json()).toMatchObject({ user: { disabled: true } });
    expect((await t.as(session, { method: 'GET', url: `${V1}/members` })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: `${V1}/members`, headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const sessions = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM lintas_secrets.sessions WHERE user_id = ${user.id}`));
    expect(sessions.n).toBe(0);
    const signIn = () => t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: TEST_PASSWORD } });
    expect((await signIn()).statusCode).toBe(401);

    await t.as(adminB, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { disabled: false } });
    expect((await signIn()).statusCode).toBe(200);
    // The old session stays ended.
    expect((await t.as(session, { method: 'GET', url: `${V1}/members` })).statusCode).toBe(401);
  });
});

describe('members and groups', () => {
  test('the secretariat creates members and groups; others may not, and a duplicate is 409', async () => {
    const member = await t.as(secretariat, { method: 'POST', url: `${V1}/members`, payload: { code: 'NEW', name: 'New State', kind: 'state', status: 'observer' } });
    expect(member.statusCode).toBe(201);
    expect(member.json()).toMatchObject({ data: { code: 'NEW', name: 'New State', status: 'observer', requiresTotp: false } });
    expect(await auditActions(member)).toEqual(['member.create']);
    const listed = (await t.as(adminA, { method: 'GET', url: `${V1}/members` })).json<{ data: { code: string }[] }>().data;
    expect(listed.map((one) => one.code)).toContain('NEW');
    problem(await unchanged(() => t.as(secretariat, { method: 'POST', url: `${V1}/members`, payload: { code: 'NEW', name: 'Again', kind: 'state', status: 'member' } })), 409);
    problem(await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/members`, payload: { code: 'OWN', name: 'Self-made', kind: 'state', status: 'member' } })), 403);

    const group = await t.as(secretariat, { method: 'POST', url: `${V1}/groups`, payload: { code: 'sea-routes', name: 'Sea routes', members: ['AAA', 'NEW'], chair: 'AAA', endsOn: '2999-12-31' } });
    expect(group.statusCode).toBe(201);
    expect(group.json()).toEqual({ data: { code: 'sea-routes', name: 'Sea routes', theme: null, chair: 'AAA', endsOn: '2999-12-31', ended: false, members: ['AAA', 'NEW'] } });
    expect(await auditActions(group)).toEqual(['group.create']);
    problem(await unchanged(() => t.as(secretariat, { method: 'POST', url: `${V1}/groups`, payload: { code: 'sea-routes', name: 'Again', members: ['AAA'] } })), 409);
    problem(await unchanged(() => t.as(adminA, { method: 'POST', url: `${V1}/groups`, payload: { code: 'own-group', name: 'Own', members: ['AAA'] } })), 403);

    const changed = await t.as(secretariat, { method: 'PATCH', url: `${V1}/groups/sea-routes`, payload: { members: ['AAA', 'BBB'], chair: null } });
    expect(changed.json()).toMatchObject({ data: { members: ['AAA', 'BBB'], chair: null, endsOn: '2999-12-31' } });
  });

  test('a member-admin sets its own member’s second-factor rule and agencies, not its name, nor another member’s', async () => {
    const own = await t.as(adminA, { method: 'PATCH', url: `${V1}/members/AAA`, payload: { requiresTotp: true, agencies: ['Immigration', 'Police'] } });
    expect(own.json()).toMatchObject({ data: { requiresTotp: true, agencies: ['Immigration', 'Police'] }, abilities: { update: true } });
    expect(await auditActions(own)).toEqual(['member.update']);
    expect((await t.as(adminA, { method: 'PATCH', url: `${V1}/members/AAA`, payload: { requiresTotp: false } })).json()).toMatchObject({ data: { requiresTotp: false, agencies: ['Immigration', 'Police'] } });
    problem(await unchanged(() => t.as(adminA, { method: 'PATCH', url: `${V1}/members/AAA`, payload: { name: 'Renamed' } })), 403);
    problem(await unchanged(() => t.as(adminA, { method: 'PATCH', url: `${V1}/members/BBB`, payload: { agencies: ['Planted'] } })), 403);
    problem(await unchanged(() => t.as(secretariat, { method: 'PATCH', url: `${V1}/members/NOPE`, payload: { name: 'Nobody' } })), 404);
    expect((await t.as(secretariat, { method: 'PATCH', url: `${V1}/members/AAA`, payload: { name: 'Member AAA, renamed' } })).json()).toMatchObject({ data: { name: 'Member AAA, renamed' } });
  });

  test('a group’s roster is visible to its members and the secretariat only', async () => {
    const officerC = await t.sessionFor(await t.makeUser('CCC'));
    const outsider = await t.sessionFor(officerB);
    for (const viewer of [officerC, secretariat]) {
      const group = await t.as(viewer, { method: 'GET', url: `${V1}/groups/aaa-ccc` });
      expect(group.json()).toMatchObject({ data: { code: 'aaa-ccc', members: ['AAA', 'CCC'] } });
    }
    const hidden = problem(await t.as(outsider, { method: 'GET', url: `${V1}/groups/aaa-ccc` }), 404);
    const missing = problem(await t.as(outsider, { method: 'GET', url: `${V1}/groups/no-such-group` }), 404);
    expect(hidden.title).toBe(missing.title);

    const codes = async (viewer: TestSession) => (await t.as(viewer, { method: 'GET', url: `${V1}/groups` })).json<{ data: { code: string }[] }>().data.map((group) => group.code);
    expect(await codes(outsider)).not.toContain('aaa-ccc');
    expect(await codes(officerC)).toContain('aaa-ccc');
    expect(await codes(secretariat)).toContain('aaa-ccc');
    // A member's page shows only the groups the viewer shares with it.
    const groupsOfA = async (viewer: TestSession) =>
      (await t.as(viewer, { method: 'GET', url: `${V1}/members/AAA` })).json<{ data: { groups: { code: string }[] } }>().data.groups.map((group) => group.code);
    expect(await groupsOfA(outsider)).not.toContain('aaa-ccc');
    expect(await groupsOfA(officerC)).toContain('aaa-ccc');
    expect(await groupsOfA(secretariat)).toContain('aaa-ccc');
  });

  test('a group that has ended is read-only: its members still read what was shared with it, and nothing new is shared with it', async () => {
    await t.makeGroup('task-force', ['AAA', 'CCC']);
    const owner = await t.sessionFor(officerA);
    const reader = await t.sessionFor(await t.makeUser('CCC'));
    const created = await t.as(owner, {
      method: 'POST', url: `${V1}/library/documents`,
      payload: { title: 'Task force minutes', body: 'albatross sightings', category: 'workshop-report', sharing: { audience: { kind: 'groups', groups: ['task-force'] }, tlp: 'AMBER' } },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json<{ data: { id: string } }>().data.id;
    const read = () => t.as(reader, { method: 'GET', url: `${V1}/library/documents/${id}` });
    const search = async () => (await t.as(reader, { method: 'GET', url: `${V1}/library/documents?q=albatross` })).json<{ data: unknown[] }>().data.length;
    expect((await read()).statusCode).toBe(200);
    expect(await search()).toBe(1);

    const ended = await t.as(secretariat, { method: 'PATCH', url: `${V1}/groups/task-force`, payload: { endsOn: '2020-01-01' } });
    expect(ended.json()).toMatchObject({ data: { endsOn: '2020-01-01', ended: true } });
    expect((await read()).statusCode).toBe(200);
    expect(await search()).toBe(1);
    // Row-level security alone lets the member read it too.
    const rows = await t.db.transaction({ member: 'CCC' }, (tx) => tx.query(sql`SELECT id FROM library_documents WHERE id = ${id}`));
    expect(rows).toHaveLength(1);
    // Nothing new is shared with it.
    const late = await unchanged(() =>
      t.as(owner, { method: 'POST', url: `${V1}/library/documents`, payload: { title: 'Too late', body: 'A note.', category: 'other', sharing: { audience: { kind: 'groups', groups: ['task-force'] }, tlp: 'AMBER' } } }),
    );
    expect(problem(late, 400).errors).toEqual([{ pointer: '/sharing/audience/groups/0', detail: 'the group "task-force" has ended; it is read-only' }]);
    // The owner's change that keeps the audience as it stands goes through.
    expect((await t.as(owner, { method: 'PATCH', url: `${V1}/library/documents/${id}`, payload: { title: 'Task force minutes (final)', sharing: { audience: { kind: 'groups', groups: ['task-force'] }, tlp: 'AMBER' } } })).statusCode).toBe(200);

    // Reopened, it takes new records again.
    expect((await t.as(secretariat, { method: 'PATCH', url: `${V1}/groups/task-force`, payload: { endsOn: null } })).json()).toMatchObject({ data: { ended: false } });
    expect((await t.as(owner, { method: 'POST', url: `${V1}/library/documents`, payload: { title: 'In time', body: 'A note.', category: 'other', sharing: { audience: { kind: 'groups', groups: ['task-force'] }, tlp: 'AMBER' } } })).statusCode).toBe(201);
  });

  test('a group has a theme; its chair’s member-admins change its members, theme and end date, and nothing else', async () => {
    const created = await t.as(secretariat, { method: 'POST', url: `${V1}/groups`, payload: { code: 'scam-centres', name: 'Scam centres', theme: 'Scam centres and forced criminality', members: ['AAA', 'BBB'], chair: 'AAA' } });
    expect(created.json()).toMatchObject({ data: { theme: 'Scam centres and forced criminality', chair: 'AAA', ended: false } });
    const change = (who: TestSession, payload: Record<string, unknown>) => t.as(who, { method: 'PATCH', url: `${V1}/groups/scam-centres`, payload });

    const byChair = await change(adminA, { members: ['AAA', 'BBB', 'CCC'], theme: 'Scam centres', endsOn: '2999-06-30' });
    expect(byChair.json()).toEqual({ data: { code: 'scam-centres', name: 'Scam centres', theme: 'Scam centres', chair: 'AAA', endsOn: '2999-06-30', ended: false, members: ['AAA', 'BBB', 'CCC'] } });
    expect(await auditActions(byChair)).toEqual(['group.update']);
    // Not its name or chair, and the chair stays in the roster.
    expect(problem(await unchanged(() => change(adminA, { name: 'Renamed' })), 403).detail).toMatch(/secretariat/);
    expect(problem(await unchanged(() => change(adminA, { chair: 'BBB' })), 403).detail).toMatch(/secretariat/);
    expect(pointers(problem(await unchanged(() => change(adminA, { members: ['BBB'] })), 400))).toEqual(['/members']);
    // Another member's admin in the group may not; one outside it does not learn it exists.
    expect(problem(await unchanged(() => change(adminB, { theme: 'Mine now' })), 403).detail).toMatch(/chair/);
    await t.makeMember('GRO');
    const outsiderAdmin = await t.sessionFor(await t.makeUser('GRO', ['member-admin']));
    const hidden = problem(await unchanged(() => change(outsiderAdmin, { theme: 'Mine now' })), 404);
    const missing = problem(await t.as(outsiderAdmin, { method: 'PATCH', url: `${V1}/groups/no-such-group`, payload: { theme: 'x' } }), 404);
    expect([hidden.title, hidden.detail]).toEqual([missing.title, missing.detail]);
    // The secretariat changes anything; a theme may be cleared.
    expect((await change(secretariat, { name: 'Scam centres network', chair: 'BBB', theme: null })).json()).toMatchObject({ data: { name: 'Scam centres network', chair: 'BBB', theme: null } });
    expect(new Set(pointers(problem(await unchanged(() => change(secretariat, { theme: '   ' })), 400)))).toEqual(new Set(['/theme']));
  });
});

describe('focal points', () => {
  test('focal points must be active users of the member; the bad one is named', async () => {
    const disabled = await t.makeUser('AAA', ['officer']);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${disabled.id}`));
    const put = (focalPoints: { topic: string; userId: string }[]) => t.as(adminA, { method: 'PUT', url: `${V1}/members/AAA/focal-points`, payload: { focalPoints } });

    const foreign = await unchanged(() => put([{ topic: 'general', userId: officerA.id }, { topic: 'library', userId: officerB.id }, { topic: 'reports', userId: disabled.id }]));
    expect(problem(foreign, 400).errors).toEqual([
      { pointer: '/focalPoints/1/userId', detail: 'not an active user of this member' },
      { pointer: '/focalPoints/2/userId', detail: 'not an active user of this member' },
    ]);

    const set = await put([{ topic: 'general', userId: officerA.id }, { topic: 'library', userId: officerA.id }]);
    expect(set.statusCode).toBe(200);
    expect(await auditActions(set)).toEqual(['member.focal-points']);
    const seen = (await t.as(await t.sessionFor(officerB), { method: 'GET', url: `${V1}/members/AAA` })).json<{ data: { focalPoints: unknown[] } }>();
    expect(seen.data.focalPoints).toEqual([
      { topic: 'general', userId: officerA.id, name: `User ${officerA.email}`, email: officerA.email },
      { topic: 'library', userId: officerA.id, name: `User ${officerA.email}`, email: officerA.email },
    ]);
    // Another member's admin may not set them.
    problem(await unchanged(() => t.as(adminB, { method: 'PUT', url: `${V1}/members/AAA/focal-points`, payload: { focalPoints: [] } })), 403);
    // Setting none clears them.
    expect((await put([])).json()).toMatchObject({ data: { focalPoints: [] } });
  });
});
