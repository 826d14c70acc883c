import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';
import { inboxTitles, outboxAbout, recordingMailer, registerWebhook, startWebhookReceiver, subscribe, type WebhookReceiver } from '../../../test/support/notify.js';
import { notifyUsers } from './inbox.js';
import { deliverOutbox, enqueueEmail } from './outbox.js';
import { notify } from './tell.js';

let t: TestContext;
let reader: TestSession;
let receiver: WebhookReceiver;
const mailer = recordingMailer();

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
  receiver = await startWebhookReceiver();
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' }, mailer });
  for (const code of ['NTA', 'NTB', 'NTC', 'NTD']) await t.makeMember(code);
  reader = await t.sessionFor(await t.makeUser('NTB'));
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

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

test('notify: named users, and the subscribers and webhooks of the members told that may read it; e-mail or a digest line as each asked; narrowing before sending withholds', async () => {
  const named = await t.sessionFor(await t.makeUser('NTB'));
  const people: Record<string, TestSession> = {};
  for (const [name, member, body] of [
    ['mail', 'NTB', { module: 'nt-mod', kinds: ['test'], countries: ['IDN'] }],
    ['daily', 'NTB', { module: 'nt-mod', delivery: 'daily' }],
    ['otherKind', 'NTB', { module: 'nt-mod', kinds: ['other'] }],
    ['notTold', 'NTD', { module: 'nt-mod' }], // may read it, but its member is not among those told
    ['outsider', 'NTC', { module: 'nt-mod' }], // may not read it
  ] as const) {
    people[name] = await t.sessionFor(await t.makeUser(member));
    await subscribe(t, people[name], body);
  }
  // The named user also subscribed daily: the item is a line of its digest too, and it is told once.
  await subscribe(t, named, { module: 'nt-mod', delivery: 'daily', email: false });
  for (const member of ['NTB', 'NTC', 'NTD']) await registerWebhook(t, member, receiver.url, ['test']);
  const doc = await t.makeDocument('NTA', { audience: 'members', members: ['NTB', 'NTD'] });
  const told = await t.db.transaction({ member: 'NTA' }, (tx) =>
    notify(tx, t.platform, {
      module: 'nt-mod', kind: 'test', title: 'A thing for NTB', body: 'Look.', objectType: 'library-document', objectId: doc, page: `/library/${doc}`,
      source: source({ audience_kind: 'members', audience_members: ['NTB', 'NTD'] }), members: ['NTB', 'NTC'], users: [named.user.id], countries: ['IDN'],
    }),
  );
  expect(told).toEqual({ users: 3, emails: 1, webhooks: 1 });
  for (const name of ['mail', 'daily']) expect(await inboxTitles(t, people[name]!), name).toEqual(['A thing for NTB']);
  expect(await inboxTitles(t, named)).toEqual(['A thing for NTB']);
  for (const name of ['otherKind', 'notTold', 'outsider']) expect(await inboxTitles(t, people[name]!), name).toEqual([]);
  const lines = await t.db.ownerTransaction((tx) => tx.query<{ user_id: string }>(sql`SELECT user_id FROM notifications WHERE object_id = ${doc} AND digest ORDER BY user_id`));
  expect(lines.map((line) => line.user_id)).toEqual([people.daily!.user.id, named.user.id].sort());
  expect(await outboxAbout(t, doc)).toEqual([{ channel: 'webhook', member: 'NTB', status: 'pending' }, { channel: 'email', member: 'NTB', status: 'pending' }]);

  // Sent while NTB may read it: the mail to the immediate subscriber and NTB's webhook leave.
  expect(await deliverOutbox(t.platform)).toBe(2);
  expect(mailer.sent.map((mail) => mail.to)).toEqual([people.mail!.user.email]);
  expect(receiver.received.map((hook) => hook.path)).toEqual(['/NTB']);

  // Queued, then the sharing narrows before it leaves: nothing is sent.
  const later = await t.makeDocument('NTA', { audience: 'members', members: ['NTB'] });
  await t.db.transaction({ member: 'NTA' }, (tx) =>
    notify(tx, t.platform, { module: 'nt-mod', kind: 'test', title: 'Narrowed', body: 'x', objectType: 'library-document', objectId: later, page: '/x', source: source({ audience_kind: 'members', audience_members: ['NTB'] }), countries: ['IDN'] }),
  );
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE library_documents SET audience_kind = 'owner', audience_members = '{}' WHERE id = ${later}`));
  expect(await deliverOutbox(t.platform)).toBe(0);
  expect((await outboxAbout(t, later)).map((row) => row.status)).toEqual(['withheld', 'withheld']);
  expect(mailer.sent).toHaveLength(1);
  expect(receiver.received).toHaveLength(1);
});
