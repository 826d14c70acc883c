import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';

/**
 * Bulletins tell subscribers and member systems through the notification platform, end to end: a
 * real SMTP server and a real HTTP receiver on loopback; the audience decides who is told, and is
 * asked again when each message leaves.
 */

let t: TestContext;
let smtp: LocalSmtp;
let receiver: Server;
/** The webhook bodies each member's endpoint received, by the path it was registered with. */
const hooks: { path: string; body: string }[] = [];
let owner: TestSession;
let subscriber: TestSession;
let outsider: TestSession;

beforeAll(async () => {
  smtp = await startLocalSmtp();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hooks.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await makeTestApp({
    env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' },
    mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'lintas@test', secure: false } }),
  });
  for (const code of ['BNA', 'BNB', 'BNC']) await t.makeMember(code);
  owner = await t.sessionFor(await t.makeUser('BNA', ['liaison']));
  subscriber = await t.sessionFor(await t.makeUser('BNB', ['officer']));
  outsider = await t.sessionFor(await t.makeUser('BNC', ['officer']));
  for (const [session, body] of [[subscriber, { module: 'bulletins', kinds: ['document-fraud-alert'], countries: ['IDN'] }], [outsider, { module: 'bulletins' }]] as const) {
    const response = await t.as(session, { method: 'POST', url: '/api/v1/account/subscriptions', payload: body });
    expect(response.statusCode, response.body).toBe(201);
  }
  for (const member of ['BNB', 'BNC']) {
    const admin = await t.sessionFor(await t.makeUser(member, ['member-admin']));
    const response = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: `${base}/${member}`, kinds: ['bulletin.issued'] } });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function issue(title: string, members: string[]): Promise<string> {
  const response = await t.as(owner, {
    method: 'POST', url: '/api/v1/bulletins',
    payload: { type: 'document-fraud-alert', title, body: 'Forged foils seen.', countries: ['IDN'], tags: ['visa-fraud'], sharing: { audience: { kind: 'members', members }, tlp: 'AMBER' } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

const inboxTitles = async (session: TestSession) =>
  (await t.as(session, { method: 'GET', url: '/api/v1/inbox' })).json<{ data: { title: string }[] }>().data.map((n) => n.title);
const outboxOf = (member: string) =>
  t.db.ownerTransaction((tx) => tx.query<{ channel: string; status: string }>(sql`SELECT channel, status FROM outbox WHERE recipient_member = ${member} ORDER BY id`));

test('a subscriber in the audience gets one mail with the unsubscribe link and its one-click header; its member’s webhook fires; an outsider gets nothing', async () => {
  const id = await issue('Forged Schengen foils', ['BNB']);
  expect(await deliverOutbox(t.platform)).toBe(2);
  expect(smtp.received).toHaveLength(1);
  const mail = smtp.received[0]!;
  expect(mail.to).toEqual([subscriber.user.email]);
  expect(mail.subject).toBe('Lintas: New bulletin: Forged Schengen foils');
  expect(mail.text).toContain(`/bulletins/${id}`);
  expect(mail.html).toContain(`/bulletins/${id}`);
  const link = /\/unsubscribe\?subscription=([0-9a-f-]{36})&token=([0-9a-f]{64})/.exec(mail.text)!;
  expect(link).not.toBeNull();
  expect(mail.headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/im);
  const oneClick = /^List-Unsubscribe:\s*<(https?:\/\/[^>]+)>/im.exec(mail.headers.replace(/\r?\n[ \t]+/g, ' '))!;
  expect(oneClick[1]).toContain(`/api/v1/subscriptions/unsubscribe/one-click?subscription=${link[1]}&token=${link[2]}`);
  expect(hooks.map((hook) => hook.path)).toEqual(['/BNB']);
  expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: 'bulletin.issued', data: { objectType: 'bulletin', objectId: id } });
  expect(await inboxTitles(subscriber)).toEqual(['New bulletin: Forged Schengen foils']);
  // The outsider: no inbox item, no mail, no webhook, and no outbox row about it at all (not even a withheld one).
  expect(await inboxTitles(outsider)).toEqual([]);
  expect(await outboxOf('BNC')).toEqual([]);

  // A correction tells again (its own kind: the endpoint takes only bulletin.issued, so no webhook).
  const corrected = await t.as(owner, { method: 'PATCH', url: `/api/v1/bulletins/${id}`, payload: { title: 'Forged Schengen visa foils', note: 'title' } });
  expect(corrected.statusCode, corrected.body).toBe(200);
  expect(await deliverOutbox(t.platform)).toBe(1);
  expect(smtp.received.map((m) => m.subject)).toEqual(['Lintas: New bulletin: Forged Schengen foils', 'Lintas: Bulletin corrected (version 2): Forged Schengen visa foils']);
  expect(hooks).toHaveLength(1);
  // Opening the bulletin is acting on what the inbox told: both notifications about it become read.
  const unread = async () => (await t.as(subscriber, { method: 'GET', url: '/api/v1/inbox' })).json<{ unread: number }>().unread;
  expect(await unread()).toBe(2);
  expect((await t.as(subscriber, { method: 'GET', url: `/api/v1/bulletins/${id}` })).statusCode).toBe(200);
  expect(await unread()).toBe(0);

  // The mail client's one-click unsubscribe (RFC 8058): a form post to the header's address.
  const url = new URL(oneClick[1]!);
  const done = await t.as(null, {
    method: 'POST', url: `${url.pathname}${url.search}`, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  expect(done.statusCode, done.body).toBe(204);
  expect((await t.as(subscriber, { method: 'GET', url: '/api/v1/account/subscriptions' })).json<{ data: unknown[] }>().data).toEqual([]);
});

test('sharing narrowed after the messages were queued: nothing is sent', async () => {
  const again = await t.as(subscriber, { method: 'POST', url: '/api/v1/account/subscriptions', payload: { module: 'bulletins' } });
  expect(again.statusCode, again.body).toBe(201);
  const mails = smtp.received.length;
  const before = hooks.length;
  const id = await issue('Route through Kupang', ['BNB']);
  const narrowed = await t.as(owner, { method: 'PATCH', url: `/api/v1/bulletins/${id}`, payload: { sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, note: 'ours only' } });
  expect(narrowed.statusCode, narrowed.body).toBe(200);
  expect(await deliverOutbox(t.platform)).toBe(0);
  expect(smtp.received).toHaveLength(mails);
  expect(hooks).toHaveLength(before);
  expect((await outboxOf('BNB')).slice(-2)).toEqual([{ channel: 'webhook', status: 'withheld' }, { channel: 'email', status: 'withheld' }]);
});
