import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import { sql } from '../db/sql.js';
import type { SharingRow } from '../sharing/model.js';
import { localTime, makeDigests } from './digest.js';
import { notifyUsers } from './inbox.js';
import { smtpMailer } from './mailer.js';
import { deliverOutbox } from './outbox.js';
import { notify } from './tell.js';

/** The daily digest: at about 07:00 in the user's time zone, once, with only the lines still readable when it leaves. */

let t: TestContext;
let smtp: LocalSmtp;
let daily: TestSession;
let quiet: TestSession;

beforeAll(async () => {
  smtp = await startLocalSmtp();
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'lintas@test', secure: false } }) });
  for (const code of ['DGA', 'DGB']) await t.makeMember(code);
  daily = await t.sessionFor(await t.makeUser('DGB'));
  quiet = await t.sessionFor(await t.makeUser('DGB'));
  for (const session of [daily, quiet]) {
    const response = await t.as(session, { method: 'POST', url: '/api/v1/account/subscriptions', payload: { module: 'digest-mod', kinds: session === daily ? [] : ['other'], delivery: 'daily' } });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

test('a time zone is an IANA name Intl knows; default UTC', async () => {
  expect((await t.as(daily, { method: 'GET', url: '/api/v1/account/time-zone' })).json()).toEqual({ data: { timeZone: 'UTC' } });
  const bad = await t.as(daily, { method: 'PUT', url: '/api/v1/account/time-zone', payload: { timeZone: 'Mars/Olympus' } });
  expect(bad.statusCode).toBe(400);
  expect(bad.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/timeZone']);
  const good = await t.as(daily, { method: 'PUT', url: '/api/v1/account/time-zone', payload: { timeZone: 'asia/jakarta' } });
  expect(good.json()).toEqual({ data: { timeZone: 'Asia/Jakarta' } });
  expect(localTime(new Date('2026-12-04T00:30:00Z'), 'Asia/Jakarta')).toEqual({ date: '2026-12-04', hour: 7 });
  expect(localTime(new Date('2026-12-04T00:30:00Z'), 'America/Lima')).toEqual({ date: '2026-12-03', hour: 19 });
});

test('one digest a day after 07:00 local time, each line asked again when it leaves, nothing when empty', async () => {
  const source: SharingRow = {
    owner: 'DGA', audience_kind: 'members', audience_members: ['DGB'], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null,
  };
  const kept = await t.makeDocument('DGA', { audience: 'members', members: ['DGB'] });
  const narrowed = await t.makeDocument('DGA', { audience: 'members', members: ['DGB'] });
  for (const [id, title] of [[kept, 'Alert kept'], [narrowed, 'Alert narrowed']] as const) {
    await t.db.transaction({ member: 'DGA' }, (tx) =>
      notify(tx, t.platform, { module: 'digest-mod', kind: 'test', title, body: 'x', objectType: 'library-document', objectId: id, page: '/x', source }),
    );
  }
  // Addressed to the user by name, not matched by a daily subscription: inbox only, never a digest line.
  await t.db.transaction({ member: 'DGA' }, (tx) => notifyUsers(tx, { userIds: [daily.user.id], kind: 'test', title: 'Addressed directly', objectType: 'library-document', objectId: kept, source }));
  // A daily subscription: nothing at once.
  expect(await deliverOutbox(t.platform)).toBe(0);

  // 07:30 in Jakarta is 00:30 UTC: the next one after the notifications, and two hours before it.
  const at = new Date(Date.now() + 1000);
  const after = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), 0, 30));
  if (after < at) after.setUTCDate(after.getUTCDate() + 1);
  expect(await makeDigests(t.platform, new Date(after.getTime() - 2 * 3600_000))).toBe(0);
  expect(await makeDigests(t.platform, after)).toBe(1);
  // Run again (a restart, another process): no second digest.
  expect(await makeDigests(t.platform, new Date(after.getTime() + 600_000))).toBe(0);

  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE library_documents SET audience_kind = 'owner', audience_members = '{}' WHERE id = ${narrowed}`));
  expect(await deliverOutbox(t.platform)).toBe(1);
  expect(smtp.received).toHaveLength(1);
  const mail = smtp.received[0]!;
  expect(mail.to).toEqual([daily.user.email]);
  expect(mail.subject).toBe(`Lintas: your daily digest for ${localTime(after, 'Asia/Jakarta').date}`);
  expect(mail.text).toContain('- Alert kept');
  expect(mail.text).not.toContain('Alert narrowed');
  expect(mail.text).not.toContain('Addressed directly');
  expect(mail.html).toContain('Alert kept');
  // The other daily subscriber had nothing that day: no mail, the day marked made.
  const days = await t.db.ownerTransaction((tx) => tx.query<{ user_id: string; lines: number }>(sql`SELECT user_id, lines FROM notification_digests ORDER BY lines`));
  expect(days).toEqual([{ user_id: quiet.user.id, lines: 0 }, { user_id: daily.user.id, lines: 2 }]);
});
