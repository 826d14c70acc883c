import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { appendAudit } from '../../platform/audit/writer.js';
import { sql } from '../../platform/db/sql.js';
import { EXPORT_AUDIT_ROWS, type AccountExport } from './export.js';

/**
 * ASVS 8.3.2: a user exports their own account data (GET /account/export): profile, roles, member,
 * subscriptions, sessions and tokens without any secret, the newest rows of the audit trail naming
 * them (bounded), and nothing of anyone else; the export is on the audit trail.
 */

const V1 = '/api/v1';
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('EXA');
  await t.makeMember('EXB');
});
afterAll(() => t.close());

async function exportOf(session: TestSession): Promise<AccountExport> {
  const response = await t.as(session, { method: 'GET', url: `${V1}/account/export` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<AccountExport>();
}

test('the caller’s own data, without secrets, and nothing of a colleague or an outsider', async () => {
  const user = await t.makeUser('EXA', ['officer', 'analyst']);
  const session = await t.sessionFor(user);
  const other = await t.sessionFor(user);
  const created = await t.as(session, { method: 'POST', url: `${V1}/account/tokens`, payload: { name: 'border system', roles: ['officer'] } });
  expect(created.statusCode, created.body).toBe(201);
  const { token: { id: tokenId }, secret } = created.json<{ token: { id: string }; secret: string }>();
  const subscribed = await t.as(session, { method: 'POST', url: `${V1}/account/subscriptions`, payload: { module: 'bulletins', delivery: 'daily' } });
  expect(subscribed.statusCode, subscribed.body).toBe(201);

  const response = await t.as(session, { method: 'GET', url: `${V1}/account/export` });
  expect(response.statusCode).toBe(200);
  const data = response.json<AccountExport>();
  expect(data).toMatchObject({
    profile: { id: user.id, email: user.email, timeZone: 'UTC', totpEnabled: false },
    roles: ['officer', 'analyst'],
    member: { code: 'EXA', name: 'Member EXA', kind: 'state', status: 'member' },
    subscriptions: [{ module: 'bulletins', delivery: 'daily' }],
    tokens: [{ id: tokenId, name: 'border system', roles: ['officer'], revoked: false }],
    audit: { limit: EXPORT_AUDIT_ROWS, truncated: false },
  });
  expect(data.sessions.map((one) => one.current).sort()).toEqual([false, true]);
  expect(data.audit.rows.map((row) => row.action)).toEqual(expect.arrayContaining(['account.token-created', 'subscription.create']));
  // No secret: not the token's, not a session's cookie or CSRF token, not a hash.
  const hashes = await t.db.ownerTransaction((tx) =>
    tx.query<{ value: string | null }>(sql`SELECT encode(token_hash, 'hex') AS value FROM lintas_secrets.api_tokens WHERE user_id = ${user.id}
      UNION ALL SELECT encode(id_hash, 'hex') FROM lintas_secrets.sessions WHERE user_id = ${user.id}
      UNION ALL SELECT password_hash FROM lintas_secrets.user_secrets WHERE user_id = ${user.id}`),
  );
  for (const hidden of [secret, session.cookie.split('=')[1]!, other.cookie.split('=')[1]!, session.csrf, other.csrf, ...hashes.flatMap((row) => (row.value ? [row.value] : []))]) {
    expect(response.body).not.toContain(hidden);
  }
  // The export itself is audited: the next one lists it.
  expect((await exportOf(session)).audit.rows[0]).toMatchObject({ action: 'account.exported', objectId: user.id });

  for (const stranger of [await t.sessionFor(await t.makeUser('EXA')), await t.sessionFor(await t.makeUser('EXB', ['member-admin']))]) {
    const theirs = await t.as(stranger, { method: 'GET', url: `${V1}/account/export` });
    expect(theirs.statusCode).toBe(200);
    for (const mine of [user.id, user.email, tokenId, 'border system', subscribed.json<{ data: { id: string } }>().data.id]) expect(theirs.body).not.toContain(mine);
    expect(theirs.json<AccountExport>()).toMatchObject({ subscriptions: [], tokens: [] });
  }
});

test('the audit rows are the newest, bounded, and say when older ones exist; an API token may not export', async () => {
  const user = await t.makeUser('EXA');
  const session = await t.sessionFor(user);
  await t.db.ownerTransaction((tx) =>
    appendAudit(tx, { userId: user.id, member: 'EXA' }, Array.from({ length: EXPORT_AUDIT_ROWS + 5 }, (_, n) => ({ action: 'auth.sign-in' as const, objectType: 'user', objectId: `act-${n}` }))),
  );
  const { audit } = await exportOf(session);
  expect(audit.rows).toHaveLength(EXPORT_AUDIT_ROWS);
  expect(audit.truncated).toBe(true);
  expect(audit.rows[0]!.objectId).toBe(`act-${EXPORT_AUDIT_ROWS + 4}`);

  const bearer = await t.tokenFor(user);
  const byToken = await t.app.inject({ method: 'GET', url: `${V1}/account/export`, headers: { authorization: `Bearer ${bearer}` } });
  expect(byToken.statusCode).toBe(403);
});

test('the audit rows do not say whose records the acts were about: the trail names members the user was not told of', async () => {
  const user = await t.makeUser('EXA', ['liaison']);
  const session = await t.sessionFor(user);
  // As the linkage request of a notice that did not name its holder is recorded: the holder as the
  // object's owner, and a check's hits' owners among the owners.
  await t.db.ownerTransaction((tx) =>
    appendAudit(tx, { userId: user.id, member: 'EXA' }, [
      { action: 'linkage.request', objectType: 'linkage_request', objectId: 'asked-1', objectOwner: 'EXB', details: { notice: 'n-1', holder: 'EXB' } },
      { action: 'documents.check', objectType: 'document', objectOwners: ['EXB'] },
    ]),
  );
  const response = await t.as(session, { method: 'GET', url: `${V1}/account/export` });
  expect(response.statusCode).toBe(200);
  const rows = response.json<AccountExport>().audit.rows;
  expect(rows.map((row) => row.objectId)).toContain('asked-1');
  expect(response.body).not.toContain('EXB');
});
