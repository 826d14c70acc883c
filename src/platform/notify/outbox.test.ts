import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestUser } from '../../../test/support/app.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import { makeCertificates } from '../../../test/support/tls.js';
import { loadConfig } from '../config.js';
import { sql } from '../db/sql.js';
import type { Platform } from '../context.js';
import { messageIdFor } from './email.js';
import { smtpMailer, type Mailer } from './mailer.js';
import { deliverOutbox, enqueueEmail } from './outbox.js';

/** The durable outbox's e-mail: idempotency keys, both parts, the same Message-ID on a second attempt, and the audience asked again at sending. */

let t: TestContext;
let smtp: LocalSmtp;
let reader: TestUser;

beforeAll(async () => {
  smtp = await startLocalSmtp();
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'lintas@test', secure: false } }) });
  await t.makeMember('OBA');
  await t.makeMember('OBB');
  reader = await t.makeUser('OBB');
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});
beforeEach(() => {
  smtp.received.length = 0;
});

const row = (key: string) =>
  t.db.ownerTransaction((tx) => tx.maybeOne<{ status: string; attempts: number; last_error: string | null }>(sql`SELECT status, attempts, last_error FROM outbox WHERE idempotency_key = ${key}`));
const due = () => t.db.ownerTransaction((tx) => tx.query(sql`UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'`));

describe('e-mail through the outbox', () => {
  test('a key queued twice is sent once, with a plain and an escaped HTML part and a Message-ID from its key', async () => {
    const mail = { to: 'officer@oba.test', subject: 'Lintas: <b>bold</b> & "quoted"', text: 'A line with <script>alert(1)</script> & more.\n\nOpen it: https://lintas.example/x?a=1&b=2.\n' };
    await t.db.transaction({ member: null }, async (tx) => {
      await enqueueEmail(tx, mail, { key: 'test:twice' });
      await enqueueEmail(tx, { ...mail, subject: 'the second' }, { key: 'test:twice' });
    });
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0]!;
    expect(got.messageId).toBe(messageIdFor('test:twice', t.platform.config.publicUrl));
    expect(got.text).toContain('A line with <script>alert(1)</script> & more.');
    expect(got.html).toContain('A line with &lt;script&gt;alert(1)&lt;/script&gt; &amp; more.');
    expect(got.html).not.toContain('<script>');
    expect(got.html).toContain('<a href="https://lintas.example/x?a=1&amp;b=2">https://lintas.example/x?a=1&amp;b=2</a>.');
    expect(got.html).toContain('<title>Lintas: &lt;b&gt;bold&lt;/b&gt; &amp; &quot;quoted&quot;</title>');
    expect((await row('test:twice'))?.status).toBe('sent');
    expect(await deliverOutbox(t.platform)).toBe(0);
  });

  test('a send whose outcome was not recorded goes again with the same Message-ID, so the receiver can tell', async () => {
    // The message reaches the SMTP server, then the process loses the answer (as if it died before recording it).
    const real = t.platform.mailer;
    let lose = true;
    const losing: Mailer = { configured: true, send: async (mail) => { await real.send(mail); if (lose) { lose = false; throw new Error('connection lost after DATA'); } } };
    const platform: Platform = { ...t.platform, mailer: losing };
    await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'x@oba.test', subject: 'twice maybe', text: 'body' }, { key: 'test:lost-answer' }));
    expect(await deliverOutbox(platform)).toBe(0);
    expect((await row('test:lost-answer'))?.status).toBe('pending');
    await due();
    expect(await deliverOutbox(platform)).toBe(1);
    expect(smtp.received.map((mail) => mail.messageId)).toEqual([messageIdFor('test:lost-answer', t.platform.config.publicUrl), messageIdFor('test:lost-answer', t.platform.config.publicUrl)]);
    expect(await row('test:lost-answer')).toMatchObject({ status: 'sent', attempts: 2 });
  });
});

describe('SMTP transport security (ASVS 9.2.1-9.2.3)', () => {
  test('with SMTP_REQUIRE_TLS=true, a server without TLS gets nothing and the outbox keeps the message for a retry', async () => {
    const config = loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_REQUIRE_TLS: 'true' });
    expect(config.smtp).toMatchObject({ requireTls: true });
    const mailer = smtpMailer(config);
    try {
      await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'x@oba.test', subject: 'needs TLS', text: 'body' }, { key: 'test:require-tls' }));
      expect(await deliverOutbox({ ...t.platform, mailer })).toBe(0);
      expect(smtp.received).toHaveLength(0);
      expect(await row('test:require-tls')).toMatchObject({ status: 'pending', attempts: 1 });
      expect((await row('test:require-tls'))?.last_error).toMatch(/STARTTLS|TLS/i);
      // The same message goes once the relay may be used without TLS again.
      await due();
      expect(await deliverOutbox(t.platform)).toBe(1);
      expect(smtp.received.map((mail) => mail.subject)).toEqual(['needs TLS']);
    } finally {
      mailer.close?.();
    }
  });

  test('STARTTLS to a server whose certificate does not verify sends nothing (the certificate is checked, not only on port 465)', async () => {
    let delivered = 0;
    const untrusted = new SMTPServer({ authOptional: true, logger: false, onData(stream, _session, callback) { stream.resume(); stream.on('end', () => { delivered += 1; callback(); }); } });
    untrusted.on('error', () => undefined);
    await new Promise<void>((resolve) => untrusted.listen(0, '127.0.0.1', resolve));
    const mailer = smtpMailer(loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String((untrusted.server.address() as AddressInfo).port) }));
    try {
      await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'x@oba.test', subject: 'untrusted', text: 'body' }, { key: 'test:untrusted-starttls' }));
      expect(await deliverOutbox({ ...t.platform, mailer })).toBe(0);
      expect(delivered).toBe(0);
      expect(await row('test:untrusted-starttls')).toMatchObject({ status: 'pending', attempts: 1 });
    } finally {
      mailer.close?.();
      await new Promise<void>((resolve) => untrusted.close(resolve));
    }
  });

  test('to a relay whose certificate verifies against SMTP_TLS_CA, by STARTTLS or on connecting (SMTP_SECURE), the message goes encrypted', async () => {
    const certificates = makeCertificates(['localhost']);
    const sessions: { port: number; secure: boolean; subject: string }[] = [];
    const relay = async (secure: boolean): Promise<SMTPServer> => {
      const server = new SMTPServer({
        ...certificates.of('localhost'),
        secure,
        authOptional: true,
        logger: false,
        onData(stream, session, callback) {
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            sessions.push({ port: (server.server.address() as AddressInfo).port, secure: session.secure, subject: /^Subject: (.*)$/m.exec(Buffer.concat(chunks).toString())?.[1] ?? '' });
            callback();
          });
        },
      });
      server.on('error', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    };
    const starttls = await relay(false);
    const implicit = await relay(true);
    const portOf = (server: SMTPServer) => String((server.server.address() as AddressInfo).port);
    const mailers = [
      smtpMailer(loadConfig({ SMTP_HOST: 'localhost', SMTP_PORT: portOf(starttls), SMTP_REQUIRE_TLS: 'true', SMTP_TLS_CA: certificates.caFile })),
      smtpMailer(loadConfig({ SMTP_HOST: 'localhost', SMTP_PORT: portOf(implicit), SMTP_SECURE: 'true', SMTP_TLS_CA: certificates.caFile })),
    ];
    try {
      for (const [index, mailer] of mailers.entries()) {
        const key = `test:verified-tls-${index}`;
        await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'x@oba.test', subject: key, text: 'body' }, { key }));
        expect(await deliverOutbox({ ...t.platform, mailer })).toBe(1);
        expect((await row(key))?.status).toBe('sent');
      }
      expect(sessions).toEqual([
        { port: Number(portOf(starttls)), secure: true, subject: 'test:verified-tls-0' },
        { port: Number(portOf(implicit)), secure: true, subject: 'test:verified-tls-1' },
      ]);
    } finally {
      for (const mailer of mailers) mailer.close?.();
      await Promise.all([starttls, implicit].map((server) => new Promise<void>((resolve) => server.close(resolve))));
      certificates.remove();
    }
  });

  test('a relay that refuses the connection: nothing is sent, the message waits for a retry with the error on its row', async () => {
    const closed = new SMTPServer({ authOptional: true, logger: false });
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = String((closed.server.address() as AddressInfo).port);
    await new Promise<void>((resolve) => closed.close(resolve));
    const mailer = smtpMailer(loadConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: port }));
    try {
      await t.db.transaction({ member: null }, (tx) => enqueueEmail(tx, { to: 'x@oba.test', subject: 'refused', text: 'body' }, { key: 'test:refused' }));
      expect(await deliverOutbox({ ...t.platform, mailer })).toBe(0);
      expect(await row('test:refused')).toMatchObject({ status: 'pending', attempts: 1, last_error: expect.stringMatching(/ECONNREFUSED/) as unknown });
    } finally {
      mailer.close?.();
    }
  });

  test('SMTP_USER with SMTP_PASSWORD_FILE, and SMTP_TLS_CA, are read at start; a user without a password is refused', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-smtp-'));
    try {
      writeFileSync(join(folder, 'password'), 'relay-secret\n');
      writeFileSync(join(folder, 'ca.pem'), '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
      const env = { SMTP_HOST: 'relay.example', SMTP_USER: 'lintas', SMTP_PASSWORD_FILE: join(folder, 'password'), SMTP_TLS_CA: join(folder, 'ca.pem') };
      expect(loadConfig(env).smtp).toMatchObject({ auth: { user: 'lintas', pass: 'relay-secret' }, ca: expect.stringContaining('BEGIN CERTIFICATE') as unknown, requireTls: false });
      expect(() => loadConfig({ SMTP_HOST: 'relay.example', SMTP_USER: 'lintas' })).toThrow(/SMTP_USER/);
      expect(() => loadConfig({ ...env, SMTP_PASSWORD: 'x' })).toThrow(/not both/);
      expect(() => loadConfig({ SMTP_HOST: 'relay.example', SMTP_TLS_CA: join(folder, 'missing.pem') })).toThrow(/SMTP_TLS_CA/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the audience at the time of sending', () => {
  async function queueAbout(documentId: string, key: string, objectType = 'library-document'): Promise<void> {
    await t.db.transaction({ member: 'OBA' }, (tx) =>
      enqueueEmail(tx, { to: reader.email, subject: `Lintas: about ${key}`, text: 'A document was shared with you.' }, { key, about: { objectType, objectId: documentId, member: 'OBB', userId: reader.id } }),
    );
  }

  test('a message about a record still shared with its recipient goes', async () => {
    const doc = await t.makeDocument('OBA', { audience: 'members', members: ['OBB'] });
    await queueAbout(doc, 'test:still-shared');
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(smtp.received.map((mail) => mail.subject)).toEqual(['Lintas: about test:still-shared']);
  });

  test('when the sharing narrows after queuing, nothing reaches the SMTP server and the row says only "withheld"', async () => {
    const doc = await t.makeDocument('OBA', { audience: 'members', members: ['OBB'] });
    await queueAbout(doc, 'test:narrowed');
    await t.db.transaction({ member: 'OBA' }, (tx) => tx.query(sql`UPDATE library_documents SET audience_kind = 'owner', audience_members = '{}' WHERE id = ${doc}`));
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(smtp.received).toEqual([]);
    expect(await row('test:narrowed')).toEqual({ status: 'withheld', attempts: 1, last_error: null });
  });

  test('a record deleted, a recipient disabled, or an object type no module declares: withheld too', async () => {
    const gone = await t.makeDocument('OBA', { audience: 'all' });
    await queueAbout(gone, 'test:deleted');
    await t.db.transaction({ member: 'OBA' }, (tx) => tx.query(sql`DELETE FROM library_documents WHERE id = ${gone}`));
    const shared = await t.makeDocument('OBA', { audience: 'all' });
    await queueAbout(shared, 'test:unknown-type', 'no-such-type');
    const moved = await t.makeUser('OBB');
    await t.db.transaction({ member: 'OBA' }, (tx) =>
      enqueueEmail(tx, { to: moved.email, subject: 'Lintas: disabled', text: 'x' }, { key: 'test:disabled', about: { objectType: 'library-document', objectId: shared, member: 'OBB', userId: moved.id } }),
    );
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${moved.id}`));
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(smtp.received).toEqual([]);
    for (const key of ['test:deleted', 'test:unknown-type', 'test:disabled']) expect((await row(key))?.status).toBe('withheld');
  });
});
