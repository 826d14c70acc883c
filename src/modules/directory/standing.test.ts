import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { pointers, problem } from '../../../test/support/problem.js';
import { fingerprint } from '../../../test/support/db.js';
import type { Role } from '../../platform/auth/roles.js';
import { sql } from '../../platform/db/sql.js';

/** Who may act on which user: a member-admin manages its own member's users below the secretariat only. */

const V1 = '/api/v1';
let t: TestContext;
let secretariat: TestSession;
let adminA: TestSession;
let adminB: TestSession;
let officerA: TestSession;
let analystA: TestSession;



async function unchanged(context: TestContext, request: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await fingerprint(context.db);
  const response = await request();
  expect(await fingerprint(context.db)).toEqual(before);
  return response;
}

function auditActions(context: TestContext, response: LightMyRequestResponse): Promise<string[]> {
  return context.db
    .ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`))
    .then((rows) => rows.map((row) => row.action));
}

interface UserState {
  roles: Role[];
  disabled: boolean;
  resets: number;
}

function stateOf(context: TestContext, id: string): Promise<UserState> {
  return context.db.ownerTransaction((tx) =>
    tx.one<UserState>(sql`SELECT roles, disabled, (SELECT count(*)::int FROM lintas_secrets.password_resets r WHERE r.user_id = u.id) AS resets FROM users u WHERE id = ${id}`),
  );
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.makeMember('SEC', { kind: 'organisation' });
  secretariat = await t.sessionFor(await t.makeUser('SEC', ['secretariat']));
  adminA = await t.sessionFor(await t.makeUser('AAA', ['member-admin', 'officer']));
  adminB = await t.sessionFor(await t.makeUser('BBB', ['member-admin', 'officer']));
  officerA = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  analystA = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
});
afterAll(() => t.close());

type Caller = 'secretariat' | 'member-admin of AAA' | 'member-admin of BBB' | 'officer of AAA' | 'analyst of AAA';
type Target = 'secretariat user of AAA' | 'secretariat user of SEC' | 'member-admin of AAA' | 'officer of AAA' | 'officer of BBB';
type Act = 'reset' | 'change roles' | 'disable';
type Outcome = 'allowed' | 403 | 404;

const callers: Record<Caller, () => TestSession> = {
  secretariat: () => secretariat,
  'member-admin of AAA': () => adminA,
  'member-admin of BBB': () => adminB,
  'officer of AAA': () => officerA,
  'analyst of AAA': () => analystA,
};

const targets: Record<Target, () => Promise<TestUser>> = {
  'secretariat user of AAA': () => t.makeUser('AAA', ['secretariat']),
  'secretariat user of SEC': () => t.makeUser('SEC', ['secretariat']),
  'member-admin of AAA': () => t.makeUser('AAA', ['member-admin', 'officer']),
  'officer of AAA': () => t.makeUser('AAA', ['officer', 'analyst']),
  'officer of BBB': () => t.makeUser('BBB', ['officer', 'analyst']),
};

const acts: Record<Act, { request: (id: string) => { method: 'POST' | 'PATCH'; url: string; payload?: object }; done: (state: UserState) => boolean }> = {
  reset: { request: (id) => ({ method: 'POST', url: `${V1}/users/${id}/password-reset` }), done: (state) => state.resets === 1 },
  // Officer is a role every caller allowed to manage users holds, so only standing decides.
  'change roles': { request: (id) => ({ method: 'PATCH', url: `${V1}/users/${id}`, payload: { roles: ['officer'] } }), done: (state) => state.roles.join() === 'officer' },
  disable: { request: (id) => ({ method: 'PATCH', url: `${V1}/users/${id}`, payload: { disabled: true } }), done: (state) => state.disabled },
};

/** The rule: the secretariat acts on anyone; a member-admin on its own member's users below the secretariat; others on no one. */
const expected: Record<Caller, Record<Target, Outcome>> = {
  secretariat: {
    'secretariat user of AAA': 'allowed', 'secretariat user of SEC': 'allowed', 'member-admin of AAA': 'allowed', 'officer of AAA': 'allowed', 'officer of BBB': 'allowed',
  },
  // It sees its member's secretariat user in its list, so the refusal is a 403; another member's users are not found.
  'member-admin of AAA': {
    'secretariat user of AAA': 403, 'secretariat user of SEC': 404, 'member-admin of AAA': 'allowed', 'officer of AAA': 'allowed', 'officer of BBB': 404,
  },
  'member-admin of BBB': {
    'secretariat user of AAA': 404, 'secretariat user of SEC': 404, 'member-admin of AAA': 404, 'officer of AAA': 404, 'officer of BBB': 'allowed',
  },
  // Without the role, every user is refused alike, before any lookup.
  'officer of AAA': { 'secretariat user of AAA': 403, 'secretariat user of SEC': 403, 'member-admin of AAA': 403, 'officer of AAA': 403, 'officer of BBB': 403 },
  'analyst of AAA': { 'secretariat user of AAA': 403, 'secretariat user of SEC': 403, 'member-admin of AAA': 403, 'officer of AAA': 403, 'officer of BBB': 403 },
};

const cases = (Object.keys(expected) as Caller[]).flatMap((caller) =>
  (Object.keys(targets) as Target[]).flatMap((target) => (Object.keys(acts) as Act[]).map((act) => ({ caller, target, act, outcome: expected[caller][target] }))),
);

describe('standing: every caller × target × act', () => {
  test.each(cases)('$caller → $act → $target: $outcome', async ({ caller, target, act, outcome }) => {
    const user = await targets[target]();
    const request = acts[act].request(user.id);
    if (outcome === 'allowed') {
      const response = await t.as(callers[caller](), request);
      expect(response.statusCode, response.body).toBe(200);
      expect(acts[act].done(await stateOf(t, user.id))).toBe(true);
      return;
    }
    problem(await unchanged(t, () => t.as(callers[caller](), request)), outcome);
    expect(acts[act].done(await stateOf(t, user.id))).toBe(false);
  });

  test('the issue’s path is closed: a member-admin cannot reset its member’s secretariat user, nor strip its role', async () => {
    const sec = await t.makeUser('AAA', ['secretariat']);
    problem(await unchanged(t, () => t.as(adminA, { method: 'POST', url: `${V1}/users/${sec.id}/password-reset` })), 403);
    problem(await unchanged(t, () => t.as(adminA, { method: 'PATCH', url: `${V1}/users/${sec.id}`, payload: { roles: ['analyst'] } })), 403);
    problem(await unchanged(t, () => t.as(adminA, { method: 'PATCH', url: `${V1}/users/${sec.id}`, payload: { name: 'Renamed' } })), 403);
    expect(await stateOf(t, sec.id)).toEqual({ roles: ['secretariat'], disabled: false, resets: 0 });
  });
});

describe('no one grants a role they do not hold', () => {
  test('a member-admin creates users only with roles it holds itself', async () => {
    for (const roles of [['analyst'], ['officer', 'approver'], ['secretariat']]) {
      const refused = await unchanged(t, () => t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Climber', email: 'climber@aaa.test', roles } }));
      expect(pointers(problem(refused, 400))).toEqual(['/roles']);
    }
    const created = await t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Deputy', email: 'deputy@aaa.test', roles: ['officer', 'member-admin'] } });
    expect(created.statusCode, created.body).toBe(201);
  });

  test('a member-admin adds only roles it holds, but may keep or remove a role it lacks', async () => {
    const user = await t.makeUser('AAA', ['approver', 'officer']);
    for (const roles of [['approver', 'officer', 'liaison'], ['approver', 'secretariat']]) {
      const refused = await unchanged(t, () => t.as(adminA, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { roles } }));
      expect(pointers(problem(refused, 400))).toEqual(['/roles']);
    }
    expect((await t.as(adminA, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { roles: ['approver', 'member-admin'] } })).json()).toMatchObject({ user: { roles: ['approver', 'member-admin'] } });
    expect((await t.as(adminA, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { roles: ['member-admin'] } })).json()).toMatchObject({ user: { roles: ['member-admin'] } });
  });

  test('the secretariat grants any role, in any member', async () => {
    const created = await t.as(secretariat, { method: 'POST', url: `${V1}/users`, payload: { name: 'Approver', email: 'approver@aaa.test', roles: ['approver', 'liaison', 'member-admin'], member: 'AAA' } });
    expect(created.statusCode, created.body).toBe(201);
    const user = created.json<{ user: { id: string } }>().user;
    expect((await t.as(secretariat, { method: 'PATCH', url: `${V1}/users/${user.id}`, payload: { roles: ['analyst', 'secretariat'] } })).json()).toMatchObject({ user: { roles: ['analyst', 'secretariat'] } });
  });
});

describe('reset links are e-mailed, not answered', () => {
  const outboxTo = (email: string) =>
    t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM outbox WHERE payload->>'to' = ${email} AND payload->>'text' LIKE '%/reset-password#token=%'`));

  test('a member-admin’s answers carry no link; the link goes to the user’s mailbox', async () => {
    const created = await t.as(adminA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Mailed', email: 'mailed@aaa.test', roles: ['officer'] } });
    expect(created.statusCode, created.body).toBe(201);
    const body = created.json<Record<string, unknown>>();
    expect(body).not.toHaveProperty('resetLink');
    expect(body).toMatchObject({ emailedTo: 'mailed@aaa.test' });
    expect(created.body).not.toMatch(/token=/);
    expect(await auditActions(t, created)).toEqual(['user.create']);
    const id = (body.user as { id: string }).id;

    const reset = await t.as(adminA, { method: 'POST', url: `${V1}/users/${id}/password-reset` });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toEqual({ emailedTo: 'mailed@aaa.test' });
    expect(await auditActions(t, reset)).toEqual(['user.password-reset-issued']);
    expect((await outboxTo('mailed@aaa.test')).n).toBe(2);
  });

  test('without mail configured, the secretariat is shown the link once, and that is audited', async () => {
    const created = await t.as(secretariat, { method: 'POST', url: `${V1}/users`, payload: { name: 'Shown', email: 'shown@bbb.test', roles: ['officer'], member: 'BBB' } });
    expect(created.statusCode, created.body).toBe(201);
    const { user, resetLink } = created.json<{ user: { id: string; email: string }; resetLink: string }>();
    expect(await auditActions(t, created)).toEqual(['user.create', 'user.reset-link-disclosed']);
    const token = new URLSearchParams(new URL(resetLink).hash.slice(1)).get('token')!;
    expect((await t.app.inject({ method: 'POST', url: `${V1}/auth/password-reset/complete`, payload: { token, password: 'first password of mine' } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'POST', url: `${V1}/auth/sign-in`, payload: { email: user.email, password: 'first password of mine' } })).statusCode).toBe(200);

    const reset = await t.as(secretariat, { method: 'POST', url: `${V1}/users/${user.id}/password-reset` });
    expect(reset.json()).toMatchObject({ emailedTo: 'shown@bbb.test', resetLink: expect.stringMatching(/\/reset-password#token=/) });
    expect(await auditActions(t, reset)).toEqual(['user.password-reset-issued', 'user.reset-link-disclosed']);
  });
});

describe('with mail configured, and one secretariat user left', () => {
  let m: TestContext;
  let secA: TestSession;
  let secB: TestUser;

  beforeAll(async () => {
    m = await makeTestApp({ mailer: { configured: true, send: () => Promise.resolve() } });
    await m.makeMember('SEC', { kind: 'organisation' });
    secA = await m.sessionFor(await m.makeUser('SEC', ['secretariat', 'member-admin']));
    secB = await m.makeUser('SEC', ['secretariat']);
  });
  afterAll(() => m.close());

  test('the secretariat gets no link in the answer when mail can be sent', async () => {
    const created = await m.as(secA, { method: 'POST', url: `${V1}/users`, payload: { name: 'Mailed', email: 'mailed@sec.test', roles: ['officer'] } });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).not.toHaveProperty('resetLink');
    const reset = await m.as(secA, { method: 'POST', url: `${V1}/users/${secB.id}/password-reset` });
    expect(reset.json()).toEqual({ emailedTo: secB.email });
    expect(await auditActions(m, reset)).toEqual(['user.password-reset-issued']);
  });

  test('the last secretariat user can be neither demoted nor disabled', async () => {
    // Two of them: one may demote the other.
    expect((await m.as(secA, { method: 'PATCH', url: `${V1}/users/${secB.id}`, payload: { roles: ['analyst'] } })).statusCode).toBe(200);
    // Now secA is the last: it may not demote itself, even keeping its member-admin role.
    const demoted = await unchanged(m, () => m.as(secA, { method: 'PATCH', url: `${V1}/users/${secA.user.id}`, payload: { roles: ['member-admin'] } }));
    expect(problem(demoted, 409).title).toBe('Conflict');
    // Another secretariat user who is disabled does not count.
    const dormant = await m.makeUser('SEC', ['secretariat']);
    await m.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${dormant.id}`));
    problem(await unchanged(m, () => m.as(secA, { method: 'PATCH', url: `${V1}/users/${secA.user.id}`, payload: { roles: ['member-admin'] } })), 409);
    // Enabled again, it does; then the other may go.
    expect((await m.as(secA, { method: 'PATCH', url: `${V1}/users/${dormant.id}`, payload: { disabled: false } })).statusCode).toBe(200);
    const dormantSession = await m.sessionFor(dormant);
    expect((await m.as(dormantSession, { method: 'PATCH', url: `${V1}/users/${secA.user.id}`, payload: { disabled: true } })).statusCode).toBe(200);
  });
});
