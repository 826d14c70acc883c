import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';
import { notifyUsers } from './inbox.js';
import { enqueueEmail } from './outbox.js';

let t: TestContext;
let reader: TestSession;

const source = (audience: Partial<SharingRow>): SharingRow => ({
  owner: 'NTA',
  audience_kind: 'owner',
  audience_members: [],
  audience_groups: [],
  tlp: 'AMBER',
  handling: [],
  handling_note: null,
  evaluation_source: null,
  evaluation_information: null,
  ...audience,
});

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('NTA');
  await t.makeMember('NTB');
  reader = await t.sessionFor(await t.makeUser('NTB'));
});
afterAll(() => t.close());

async function inbox(session: TestSession) {
  const response = await t.as(session, { method: 'GET', url: '/api/v1/inbox' });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: { id: string; title: string; read: boolean }[]; unread: number }>();
}

test('a notification written in a transaction that rolls back is never announced, nor its e-mail queued', async () => {
  await expect(
    t.db.transaction({ member: 'NTA' }, async (tx) => {
      await notifyUsers(tx, { userIds: [reader.user.id], kind: 'test', title: 'rolled back', source: source({ audience_kind: 'members', audience_members: ['NTB'] }) });
      await enqueueEmail(tx, { to: 'x@ntb.test', subject: 'rolled back', text: '' });
      throw new Error('the act failed');
    }),
  ).rejects.toThrow('the act failed');
  expect((await inbox(reader)).data).toEqual([]);
  const queued = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM outbox WHERE payload->>'subject' = 'rolled back'`));
  expect(queued).toEqual([]);
});

test('a committed notification reaches its user, can be marked read, and obeys the sharing fields it copied', async () => {
  await t.db.transaction({ member: 'NTA' }, async (tx) => {
    await notifyUsers(tx, { userIds: [reader.user.id], kind: 'test', title: 'shared with you', source: source({ audience_kind: 'members', audience_members: ['NTB'] }) });
    // Addressed to the user, but about a record its member may not see: it must not show.
    await notifyUsers(tx, { userIds: [reader.user.id], kind: 'test', title: 'not for you', source: source({ audience_kind: 'owner' }) });
  });
  const before = await inbox(reader);
  expect(before.data.map((n) => n.title)).toEqual(['shared with you']);
  expect(before.unread).toBe(1);
  const id = before.data[0]!.id;
  expect((await t.as(reader, { method: 'POST', url: `/api/v1/inbox/${id}/read` })).statusCode).toBe(204);
  const after = await inbox(reader);
  expect(after.data[0]!.read).toBe(true);
  expect(after.unread).toBe(0);
  const other = await t.sessionFor(await t.makeUser('NTB'));
  expect((await inbox(other)).data).toEqual([]);
  expect((await t.as(other, { method: 'POST', url: `/api/v1/inbox/${id}/read` })).statusCode).toBe(404);
});
