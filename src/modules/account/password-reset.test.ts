import { createServer, type AddressInfo } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { deliverOutbox, enqueueEmail } from '../../platform/notify/outbox.js';
import { startLocalSmtp, type LocalSmtp, type ReceivedMail } from '../../../test/support/mail.js';

/** Password reset by e-mail, delivered through a real SMTP server listening on this machine. */

let t: TestContext;
let smtp: LocalSmtp;
let port: number;
let inbox: ReceivedMail[] = [];

function resetToken(mail: ReceivedMail): string {
  const match = /http:\/\/localhost:8080\/reset-password#token=([A-Za-z0-9_-]{20,})/.exec(mail.text);
  expect(match, mail.text).not.toBeNull();
  return match![1]!;
}

const signIn = (email: string, password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });
const requestReset = (email: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email } });
const completeReset = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/complete', payload: { token, password } });

beforeAll(async () => {
  smtp = await startLocalSmtp();
  port = smtp.port;
  inbox = smtp.received;
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port, from: 'lintas@test', secure: false } }) });
  await t.makeMember('AAA');
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
beforeEach(async () => {
  // A test's own mail only: what the last one left queued (notices of changed passwords) goes first.
  await deliverOutbox(t.platform);
  inbox.length = 0;
});

describe('ASVS 2.1.7: a new password that is common or easy to guess is refused wherever it is set', () => {
  const pointers = (response: LightMyRequestResponse) => response.json<{ errors: { pointer: string; detail: string }[] }>().errors;

  test('through a reset link: refused with a pointer and the link still works; a strong one is accepted', async () => {
    const user = await t.makeUser('AAA');
    expect((await requestReset(user.email)).statusCode).toBe(202);
    expect(await deliverOutbox(t.platform)).toBe(1);
    const token = resetToken(inbox[0]!);
    const common = await completeReset(token, '123456789012');
    expect(common.statusCode).toBe(400);
    expect(common.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(pointers(common)).toEqual([{ pointer: '/password', detail: 'this password is among the most common; choose another' }]);
    const guessable = await completeReset(token, 'Password1234!');
    expect(guessable.statusCode).toBe(400);
    expect(pointers(guessable)).toEqual([{ pointer: '/password', detail: expect.stringMatching(/^this password is too easy to guess: it is similar to a commonly used password/) }]);
    // Its own e-mail address is no password either.
    expect(pointers(await completeReset(token, user.email))[0]!.detail).toMatch(/^this password is too easy to guess/);
    expect((await signIn(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await completeReset(token, 'tidal ferry lantern quietly')).statusCode).toBe(204);
    expect((await signIn(user.email, 'tidal ferry lantern quietly')).statusCode).toBe(200);
  });

  test('through a change of password: refused with a pointer, nothing changes', async () => {
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    const change = (newPassword: string) => t.as(session, { method: 'POST', url: '/api/v1/account/password', payload: { currentPassword: TEST_PASSWORD, newPassword } });
    const refused = await change('qwertyuiopasdfgh');
    expect(refused.statusCode).toBe(400);
    expect(pointers(refused).map((error) => error.pointer)).toEqual(['/newPassword']);
    expect((await signIn(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    expect((await change('lintas-demo-password')).statusCode).toBe(200);
  });
});

describe('password reset by e-mail', () => {
  test('the link arrives by mail, sets the password once, and ends the old sessions', async () => {
    const user = await t.makeUser('AAA');
    const oldSession = await t.sessionFor(user);

    expect((await requestReset(user.email.toUpperCase())).statusCode).toBe(202);
    // Queued in the outbox, not sent during the request.
    expect(inbox).toEqual([]);
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(inbox).toHaveLength(1);
    const mail = inbox[0]!;
    expect(mail.from).toBe('lintas@test');
    expect(mail.to).toEqual([user.email]);
    expect(mail.headers).toMatch(/^subject: Lintas: set your password$/im);
    // Sent once: the next delivery finds nothing due.
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(inbox).toHaveLength(1);

    const token = resetToken(mail);
    const newPassword = 'a brand new passphrase';
    expect((await completeReset(token, newPassword)).statusCode).toBe(204);
    expect((await signIn(user.email, newPassword)).statusCode).toBe(200);
    expect((await signIn(user.email, TEST_PASSWORD)).statusCode).toBe(401);
    expect((await t.as(oldSession, { method: 'GET', url: '/api/v1/members' })).statusCode).toBe(401);

    const again = await completeReset(token, 'yet another passphrase');
    expect(again.statusCode).toBe(400);
    expect(again.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/token']);
    expect((await signIn(user.email, newPassword)).statusCode).toBe(200);
  });

  test('using one link ends the user’s other outstanding links', async () => {
    const user = await t.makeUser('AAA');
    const other = await t.makeUser('AAA');
    for (const email of [user.email, user.email, other.email]) expect((await requestReset(email)).statusCode).toBe(202);
    expect(await deliverOutbox(t.platform)).toBe(3);
    const [first, second] = inbox.filter((mail) => mail.to[0] === user.email).map(resetToken);
    expect((await completeReset(second!, 'the second link was used')).statusCode).toBe(204);
    const stale = await completeReset(first!, 'the first link was kept');
    expect(stale.statusCode).toBe(400);
    expect(stale.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/token']);
    expect((await signIn(user.email, 'the second link was used')).statusCode).toBe(200);
    // Another user's link is untouched.
    const othersLink = resetToken(inbox.find((mail) => mail.to[0] === other.email)!);
    expect((await completeReset(othersLink, 'another user’s new password')).statusCode).toBe(204);
  });

  test('changing the password ends the outstanding links', async () => {
    const user = await t.makeUser('AAA');
    expect((await requestReset(user.email)).statusCode).toBe(202);
    expect(await deliverOutbox(t.platform)).toBe(1);
    const session = await t.sessionFor(user);
    const changed = await t.as(session, { method: 'POST', url: '/api/v1/account/password', payload: { currentPassword: TEST_PASSWORD, newPassword: 'changed while a link was out' } });
    expect(changed.statusCode).toBe(200);
    expect((await completeReset(resetToken(inbox[0]!), 'set through the old link')).statusCode).toBe(400);
  });

  test('an unknown address gets the same 202 and no mail is sent', async () => {
    const known = await t.makeUser('AAA');
    const unknownResponse = await requestReset('nobody@nowhere.test');
    const knownResponse = await requestReset(known.email);
    expect(unknownResponse.statusCode).toBe(202);
    expect(unknownResponse.body).toBe(knownResponse.body);
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(inbox.map((mail) => mail.to)).toEqual([[known.email]]);
    const audit = await t.db.ownerTransaction((tx) =>
      tx.query<{ details: { known: boolean } }>(sql`SELECT details FROM audit_log WHERE request_id = ${String(unknownResponse.headers['x-request-id'])}`),
    );
    expect(audit).toEqual([{ details: { email: 'nobody@nowhere.test', known: false } }]);
  });

  test('the outbox is transactional: mail queued in a transaction that rolls back is never sent', async () => {
    const mail = { to: 'someone@aaa.test', subject: 'rolled back', text: 'never' };
    await expect(
      t.db.transaction({ member: null }, async (tx) => {
        await enqueueEmail(tx, mail);
        throw new Error('the act failed');
      }),
    ).rejects.toThrow('the act failed');
    expect(await deliverOutbox(t.platform)).toBe(0);
    // The same mail in a transaction that commits is sent.
    await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { ...mail, subject: 'committed' }));
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(inbox.map((received) => /^subject: (.*)$/im.exec(received.headers)?.[1])).toEqual(['committed']);
  });

  test('a mail the server cannot take stays queued with its error and is retried later', async () => {
    // A port nothing listens on.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const down = { ...t.platform, mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: deadPort, from: 'lintas@test', secure: false } }) };

    await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'later@aaa.test', subject: 'retried', text: 'eventually' }));
    expect(await deliverOutbox(down)).toBe(0);
    const [row] = await t.db.ownerTransaction((tx) =>
      tx.query<{ attempts: number; sent: boolean; last_error: string | null; due_later: boolean }>(sql`
        SELECT attempts, sent_at IS NOT NULL AS sent, last_error, next_attempt_at > now() AS due_later FROM outbox WHERE payload->>'subject' = 'retried'`),
    );
    expect(row).toMatchObject({ attempts: 1, sent: false, due_later: true });
    expect(row!.last_error).toMatch(/ECONNREFUSED/);
    // Not due yet: the working server does not get it either.
    expect(await deliverOutbox(t.platform)).toBe(0);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE outbox SET next_attempt_at = now() WHERE payload->>'subject' = 'retried'`));
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(inbox.map((mail) => mail.to)).toEqual([['later@aaa.test']]);
  });
});
