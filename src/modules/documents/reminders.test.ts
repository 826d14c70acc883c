import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';
import { remindIssuers } from './hits.js';

/** An issuer that leaves a hit unanswered past the configured hours is reminded: inbox and e-mail through a real SMTP server. */

const PREFIX = '/api/v1';
let t: TestContext;
let smtp: SMTPServer;
const mails: { to: string[]; raw: string }[] = [];
let focal: TestSession;
let focalEmail: string;
let checker: TestSession;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((recipient) => recipient.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port, from: 'lintas@test', secure: false } }), env: { LINTAS_HIT_REMINDER_HOURS: '6' } });
  await t.makeMember('UTO');
  await t.makeMember('AUS');
  const focalUser = await t.makeUser('UTO', ['officer']);
  focalEmail = focalUser.email;
  focal = await t.sessionFor(focalUser);
  // A general focal point of UTO is not written to while a documents focal point exists.
  const general = await t.makeUser('UTO', ['member-admin']);
  await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO focal_points (member, topic, user_id) VALUES ('UTO', 'documents', ${focalUser.id}), ('UTO', 'general', ${general.id})`));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  for (const number of ['R0000001', 'R0000002', 'R0000003']) {
    expect((await t.as(focal, { method: 'POST', url: `${PREFIX}/documents`, payload: { type: 'passport', number, status: 'stolen' } })).statusCode).toBe(201);
  }
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(resolve));
});

async function hit(number: string): Promise<string> {
  const response = await t.as(checker, { method: 'POST', url: `${PREFIX}/documents/checks`, payload: { purpose: 'border control', document: { issuer: 'UTO', type: 'passport', number } } });
  return response.json<{ data: { hit: { hitId: string } } }>().data.hit.hitId;
}

const age = (id: string, hours: number) => t.db.ownerTransaction((tx) => tx.query(sql`UPDATE document_hits SET created_at = now() - make_interval(hours => ${hours}) WHERE id = ${id}`));

describe('reminders of unanswered hits', () => {
  test('only hits older than the setting are reminded, once per period, by inbox and by e-mail to the documents focal point', async () => {
    const old = await hit('R0000001');
    const answered = await hit('R0000002');
    // Another document: a repeat check of R0000001 would join the waiting hit, not open a fresh one.
    const fresh = await hit('R0000003');
    await age(old, 7);
    await age(answered, 7);
    await age(fresh, 1);
    expect((await t.as(focal, { method: 'POST', url: `${PREFIX}/documents/hits/${answered}/answer`, payload: { outcome: 'denied' } })).statusCode).toBe(200);

    expect(await remindIssuers(t.platform)).toBe(1);
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toEqual([focalEmail]);
    expect(mails[0]?.raw).toMatch(/^subject: Lintas: 1 document hit waits for your answer$/im);
    expect(mails[0]?.raw).toMatch(/UTO passport R0000001, found by AUS/);
    const inbox = (await t.as(focal, { method: 'GET', url: `${PREFIX}/inbox` })).json<{ data: { kind: string; objectId: string }[] }>();
    expect(inbox.data).toContainEqual(expect.objectContaining({ kind: 'document-hit.reminder', objectId: old }));
    const reminded = await t.db.ownerTransaction((tx) => tx.query<{ id: string }>(sql`SELECT id FROM document_hits WHERE reminded_at IS NOT NULL`));
    expect(reminded.map((row) => row.id)).toEqual([old]);
    // Not again within the period; the checker is never written to.
    expect(await remindIssuers(t.platform)).toBe(0);
    expect(await deliverOutbox(t.platform)).toBe(0);
    // Once the period passed again, reminded again.
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE document_hits SET reminded_at = now() - interval '7 hours' WHERE id = ${old}`));
    expect(await remindIssuers(t.platform)).toBe(1);
    expect(await remindIssuers(t.platform, 0)).toBe(0);
  });

  test('the reminder just queued leaves only if its recipient may still read the hit: a focal point disabled meanwhile gets nothing', async () => {
    // The test above queued a second reminder and did not deliver it.
    mails.length = 0;
    const queued = await t.db.ownerTransaction((tx) => tx.query<{ object_type: string; recipient_member: string }>(sql`SELECT object_type, recipient_member FROM outbox WHERE status = 'pending'`));
    expect(queued).toEqual([{ object_type: 'document-hit', recipient_member: 'UTO' }]);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${focal.user.id}`));
    try {
      expect(await deliverOutbox(t.platform)).toBe(0);
      expect(mails).toEqual([]);
      const rows = await t.db.ownerTransaction((tx) => tx.query<{ status: string; last_error: string | null }>(sql`SELECT status, last_error FROM outbox WHERE object_type = 'document-hit' ORDER BY id`));
      expect(rows).toEqual([{ status: 'sent', last_error: null }, { status: 'withheld', last_error: null }]);
    } finally {
      await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = false WHERE id = ${focal.user.id}`));
    }
  });
});
