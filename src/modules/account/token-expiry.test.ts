import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import { sql } from '../../platform/db/sql.js';
import { smtpMailer } from '../../platform/notify/mailer.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';
import { noticeExpiringTokens } from './token-expiry.js';

/**
 * ASVS 2.3.3: an API token's owner is told, in the inbox and by one e-mail, the notice period before
 * it expires, once, however often and in however many processes the job runs. Expiry is moved in
 * the database, not by waiting.
 */

const V1 = '/api/v1';
let t: TestContext;
let smtp: LocalSmtp;

beforeAll(async () => {
  smtp = await startLocalSmtp();
  t = await makeTestApp({ mailer: smtpMailer({ smtp: { host: '127.0.0.1', port: smtp.port, from: 'lintas@test', secure: false } }) });
  await t.makeMember('TXA');
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function createToken(session: TestSession, name: string): Promise<string> {
  const created = await t.as(session, { method: 'POST', url: `${V1}/account/tokens`, payload: { name, roles: ['officer'], expiresInDays: 90 } });
  expect(created.statusCode, created.body).toBe(201);
  return created.json<{ token: { id: string } }>().token.id;
}

/** Moves a token in time: made `age` days ago, ending in `left` days. */
const move = (id: string, age: number, left: number) =>
  t.db.ownerTransaction((tx) =>
    tx.query(sql`UPDATE lintas_secrets.api_tokens SET created_at = now() - make_interval(days => ${age}::int), expires_at = now() + make_interval(days => ${left}::int) WHERE id = ${id}`),
  );

test('a token within the notice period is told once, in the inbox, by one e-mail and to the member’s webhooks, even when the job runs twice at once', async () => {
  const user = await t.makeUser('TXA');
  const session = await t.sessionFor(user);
  const expiring = await createToken(session, 'border system');
  const later = await createToken(session, 'statistics upload');
  const revoked = await createToken(session, 'old script');
  const short = await createToken(session, 'a five-day token');
  await move(expiring, 87, 3);
  await move(revoked, 87, 3);
  // Made to live five days: its maker knows, and is not told.
  await move(short, 2, 3);
  expect((await t.as(session, { method: 'DELETE', url: `${V1}/account/tokens/${revoked}` })).statusCode).toBe(204);

  // Two runs at once (on PostgreSQL on two connections, as two processes would), then another.
  const endpoint = (owner: string, url: string, kinds: string[]) =>
    t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO webhook_endpoints (url, kinds, secret_sealed, owner, audience_kind, tlp) VALUES (${url}, ${kinds}::text[], '\\x00', ${owner}, 'owner', 'AMBER')`),
    );
  await t.makeMember('TXB');
  await endpoint('TXA', 'https://tokens.txa.example/hook', ['account.token-expiring']);
  await endpoint('TXA', 'https://every-kind.txa.example/hook', []);
  await endpoint('TXA', 'https://bulletins.txa.example/hook', ['bulletin.issued']);
  await endpoint('TXB', 'https://tokens.txb.example/hook', ['account.token-expiring']);
  const [first, second] = await Promise.all([noticeExpiringTokens(t.platform), noticeExpiringTokens(t.platform)]);
  expect(first + second).toBe(1);
  expect(await noticeExpiringTokens(t.platform)).toBe(0);

  // The member's webhook endpoints that take the kind (or every kind) were told once each; another member's, and one taking other kinds, not.
  const queued = await t.db.ownerTransaction((tx) =>
    tx.query<{ url: string; title: string }>(sql`SELECT e.url, o.payload->'data'->>'title' AS title FROM outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
      WHERE o.channel = 'webhook' AND o.event_kind = 'account.token-expiring' ORDER BY e.url`),
  );
  expect(queued).toEqual([
    { url: 'https://every-kind.txa.example/hook', title: expect.stringMatching(/^The API token "border system" of .+ expires on \d{4}-/) as unknown },
    { url: 'https://tokens.txa.example/hook', title: expect.stringContaining('"border system"') as unknown },
  ]);
  // Not sent here (their addresses are made up): the e-mails are.
  await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM outbox WHERE channel = 'webhook'`));

  while ((await deliverOutbox(t.platform)) > 0);
  // (Creating the tokens told the user too: those notices are not this one.)
  const mails = smtp.received.filter((mail) => mail.to.includes(user.email) && mail.subject === 'Lintas: an API token of yours expires soon');
  expect(mails).toHaveLength(1);
  expect(mails[0]!.text).toMatch(/Your Lintas API token "border system" expires on \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\)/);
  expect(mails[0]!.text).toContain(`${t.platform.config.publicUrl}/account`);

  const inbox = (await t.as(session, { method: 'GET', url: `${V1}/inbox` })).json<{ data: { kind: string; title: string; objectType: string | null; objectId: string | null }[] }>().data;
  expect(inbox.filter((item) => item.kind === 'account.token-expiring')).toEqual([
    expect.objectContaining({ objectType: 'api-token', objectId: expiring, title: expect.stringContaining('"border system"') as unknown }),
  ]);
  const marked = await t.db.ownerTransaction((tx) =>
    tx.query<{ id: string }>(sql`SELECT id FROM lintas_secrets.api_tokens WHERE user_id = ${user.id} AND expiry_notice_at IS NOT NULL`),
  );
  expect(marked.map((row) => row.id)).toEqual([expiring]);
  const audited = await t.db.ownerTransaction((tx) =>
    tx.query<{ object_id: string }>(sql`SELECT object_id FROM audit_log WHERE action = 'account.token-expiry-notice' AND member = 'TXA'`),
  );
  expect(audited.map((row) => row.object_id)).toEqual([expiring]);

  // The other token's turn comes when it enters the notice period.
  await move(later, 85, 6);
  expect(await noticeExpiringTokens(t.platform)).toBe(1);
  expect(await noticeExpiringTokens(t.platform)).toBe(0);
});

test('LINTAS_TOKEN_EXPIRY_NOTICE_DAYS=0 tells no one', async () => {
  const user = await t.makeUser('TXA');
  const token = await createToken(await t.sessionFor(user), 'unannounced');
  await move(token, 80, 1);
  expect(await noticeExpiringTokens({ ...t.platform, config: { ...t.platform.config, tokenExpiryNoticeDays: 0 } })).toBe(0);
  expect(await noticeExpiringTokens(t.platform)).toBe(1);
});
