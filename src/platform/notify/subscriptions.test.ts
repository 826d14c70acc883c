import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import type { SharingRow } from '../sharing/model.js';
import { smtpMailer } from './mailer.js';
import { deliverOutbox } from './outbox.js';
import { notify } from './tell.js';

/** Subscriptions by module, kind, country, tag and group; only users whose member may see the record are told; the e-mail's unsubscribe link works. */

let t: TestContext;
let smtp: LocalSmtp;
const users: Record<string, TestSession> = {};

beforeAll(async () => {
  smtp = await startLocalSmtp();
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'lintas@test', secure: false } }) });
  for (const code of ['SBA', 'SBB', 'SBC']) await t.makeMember(code);
  await t.makeMember('SBO', { status: 'observer' });
  await t.makeGroup('sb-group', ['SBA', 'SBO']);
  const wants: [string, string, Record<string, unknown>][] = [
    ['country', 'SBB', { module: 'test-mod', countries: ['IDN'] }],
    ['tagNoMail', 'SBB', { module: 'test-mod', tags: ['fraud'], email: false }],
    ['otherCountry', 'SBB', { module: 'test-mod', countries: ['MYS'] }],
    ['otherModule', 'SBB', { module: 'other-mod' }],
    ['outsideAudience', 'SBC', { module: 'test-mod' }],
    ['observerByGroup', 'SBO', { module: 'test-mod', kinds: ['test'] }],
  ];
  for (const [name, member, body] of wants) {
    users[name] = await t.sessionFor(await t.makeUser(member));
    const response = await t.as(users[name], { method: 'POST', url: '/api/v1/account/subscriptions', payload: body });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

const inboxTitles = async (session: TestSession) =>
  (await t.as(session, { method: 'GET', url: '/api/v1/inbox' })).json<{ data: { title: string }[] }>().data.map((n) => n.title);

test('the matching subscribers whose member may see the record are told, in the inbox and by e-mail with a working unsubscribe link', async () => {
  const doc = await t.makeDocument('SBA', { audience: 'members', members: ['SBB'] });
  const source: SharingRow = {
    owner: 'SBA', audience_kind: 'groups', audience_members: [], audience_groups: ['sb-group'], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null,
  };
  // Shared with SBB by name and the group (so its observer SBO) too.
  const told = await t.db.transaction({ member: 'SBA' }, (tx) =>
    notify(tx, t.platform, {
      module: 'test-mod', kind: 'test', title: 'A new alert', body: 'An alert about a route.', objectType: 'library-document', objectId: doc, page: `/library/${doc}`,
      countries: ['IDN', 'THA'], tags: ['fraud'], source: { ...source, audience_kind: 'members', audience_members: ['SBB'], audience_groups: [] },
    }),
  );
  expect(told.users).toBe(2);
  expect(await inboxTitles(users.country!)).toEqual(['A new alert']);
  expect(await inboxTitles(users.tagNoMail!)).toEqual(['A new alert']);
  for (const name of ['otherCountry', 'otherModule', 'outsideAudience', 'observerByGroup']) expect(await inboxTitles(users[name]!), name).toEqual([]);

  // Through the group, the observer matches; SBB (not in the group) does not.
  const groupDoc = await t.makeDocument('SBA', { audience: 'groups', groups: ['sb-group'] });
  const byGroup = await t.db.transaction({ member: 'SBA' }, (tx) =>
    notify(tx, t.platform, { module: 'test-mod', kind: 'test', title: 'For the group', body: 'x', objectType: 'library-document', objectId: groupDoc, page: '/x', source }),
  );
  expect(byGroup.users).toBe(1);
  expect(await inboxTitles(users.observerByGroup!)).toEqual(['For the group']);

  expect(await deliverOutbox(t.platform)).toBe(2);
  const mail = smtp.received.find((m) => m.subject === 'Lintas: A new alert')!;
  expect(smtp.received.filter((m) => m.subject === 'Lintas: A new alert').map((m) => m.to)).toEqual([[users.country!.user.email]]);
  const link = /\/unsubscribe\?subscription=([0-9a-f-]{36})&token=([0-9a-f]{64})/.exec(mail.text)!;
  expect(mail.html).toContain(`subscription=${link[1]}&amp;token=${link[2]}`);
  const bad = await t.as(null, { method: 'POST', url: '/api/v1/subscriptions/unsubscribe', payload: { subscription: link[1], token: '0'.repeat(64) } });
  expect(bad.statusCode).toBe(400);
  const good = await t.as(null, { method: 'POST', url: '/api/v1/subscriptions/unsubscribe', payload: { subscription: link[1], token: link[2] } });
  expect(good.statusCode).toBe(204);
  const left = await t.as(users.country!, { method: 'GET', url: '/api/v1/account/subscriptions' });
  expect(left.json<{ data: unknown[] }>().data).toEqual([]);
});

test('a user ends only its own subscriptions: another user’s is not found', async () => {
  const mine = (await t.as(users.otherCountry!, { method: 'GET', url: '/api/v1/account/subscriptions' })).json<{ data: { id: string }[] }>().data[0]!;
  expect((await t.as(users.otherModule!, { method: 'DELETE', url: `/api/v1/account/subscriptions/${mine.id}` })).statusCode).toBe(404);
  expect((await t.as(users.otherCountry!, { method: 'DELETE', url: `/api/v1/account/subscriptions/${mine.id}` })).statusCode).toBe(204);
});

test('a user changes its own subscription (the fields given only), and sees what it may subscribe to', async () => {
  const session = users.tagNoMail!;
  const mine = (await t.as(session, { method: 'GET', url: '/api/v1/account/subscriptions' })).json<{ data: { id: string }[] }>().data[0]!;
  const url = `/api/v1/account/subscriptions/${mine.id}`;
  expect((await t.as(users.outsideAudience!, { method: 'PATCH', url, payload: { email: true } })).statusCode).toBe(404);
  const changed = await t.as(session, { method: 'PATCH', url, payload: { kinds: ['alert'], delivery: 'daily' } });
  expect(changed.json()).toMatchObject({ data: { module: 'test-mod', kinds: ['alert'], tags: ['fraud'], email: false, delivery: 'daily' } });
  const refused = await t.as(session, { method: 'PATCH', url, payload: { delivery: 'weekly' } });
  expect(refused.statusCode).toBe(400);
  expect(refused.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toContain('/delivery');
  const topics = (await t.as(session, { method: 'GET', url: '/api/v1/notifications/topics' })).json<{ data: { module: string; subscribable: boolean; subscriptionKinds: string[]; notificationKinds: string[] }[] }>().data;
  expect(topics.find((topic) => topic.module === 'bulletins')).toMatchObject({ subscribable: true, notificationKinds: ['bulletin.issued', 'bulletin.corrected'] });
  expect(topics.find((topic) => topic.module === 'bulletins')?.subscriptionKinds).toContain('document-fraud-alert');
  // The other modules notify through the same call: their subscriptions match their notification kinds.
  const linkage = topics.find((topic) => topic.module === 'linkage');
  expect(linkage).toMatchObject({ subscribable: true });
  expect(linkage?.subscriptionKinds).toEqual(linkage?.notificationKinds);
  expect(topics.find((topic) => topic.module === 'webhooks')).toMatchObject({ subscribable: false, subscriptionKinds: [] });
});
