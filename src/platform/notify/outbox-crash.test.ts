import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { startLocalSmtp, type LocalSmtp } from '../../../test/support/mail.js';
import { spawnServer, type ServerProcess } from '../../../test/support/processes.js';
import { createSession } from '../auth/sessions.js';
import { digest } from '../auth/secrets.js';
import type { Database } from '../db/database.js';
import { PgliteDatabase } from '../db/pglite.js';
import { sql } from '../db/sql.js';

/**
 * The outbox across a crash: a real `lintas serve` commits an e-mail (a password link) and a webhook
 * (an endpoint's test message), is SIGKILLed after the commit and before it sends, is started
 * again, and every message arrives once: counted at a real SMTP server and a real HTTP receiver.
 * PGlite leg: a data folder; PostgreSQL leg: a database of its own.
 */

let smtp: LocalSmtp;
let receiver: Server;
let receiverUrl: string;
const hooks: { headers: IncomingHttpHeaders; body: string }[] = [];
let folder: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;
const ids = { admin: '', user: '' };
let login = { cookie: '', csrf: '' };

/** A member, its admin with a session, and a user to send a password link to. */
async function seed(db: Database): Promise<void> {
  await db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('KIL', 'Member KIL', 'state', 'member')`);
    ids.admin = (await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES ('KIL', 'Admin', 'admin@kil.test', ${['member-admin']}) RETURNING id`)).id;
    ids.user = (await tx.one<{ id: string }>(sql`INSERT INTO users (member, name, email, roles) VALUES ('KIL', 'Officer', 'officer@kil.test', ${['officer']}) RETURNING id`)).id;
  });
  const secret = await db.ownerTransaction((tx) => createSession(tx, ids.admin, 'full', '127.0.0.1', 1));
  const row = await db.ownerTransaction((tx) => tx.one<{ csrf_token: string }>(sql`SELECT csrf_token FROM lintas_secrets.sessions WHERE id_hash = ${digest(secret)}`));
  login = { cookie: `lintas_session=${secret}`, csrf: row.csrf_token };
}

async function call(server: ServerProcess, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { cookie: login.cookie, 'x-csrf-token': login.csrf };
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${server.url}/api/v1${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

beforeAll(async () => {
  smtp = await startLocalSmtp();
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hooks.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  folder = mkdtempSync(join(tmpdir(), 'lintas-outbox-crash-'));
  if (TEST_DB_KIND === 'postgres') {
    database = await openTestDatabase();
    await seed(database.db);
  } else {
    await makeTestDataFolder(folder);
    const db = await PgliteDatabase.open(folder);
    try {
      await seed(db);
    } finally {
      await db.close();
    }
  }
  env = {
    LINTAS_DATA: folder,
    ...(database?.url ? { DATABASE_URL: database.url } : {}),
    LINTAS_DATA_KEY: randomBytes(32).toString('hex'),
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(smtp.port),
    LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on',
    // A claim left by the killed process may be taken again after a second.
    LINTAS_OUTBOX_LEASE_SECONDS: '1',
  };
}, 120_000);

afterAll(async () => {
  await database?.close();
  await smtp.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

test('killed after the commit and before sending, restarted: each e-mail and webhook arrives once, none lost', async () => {
  const first = await spawnServer(['--no-demo'], { ...env, LINTAS_TEST_HOOKS: 'on', LINTAS_TEST_PAUSE_BEFORE_SEND: '120000' });
  let endpoint: string;
  try {
    const created = await call(first, 'POST', '/webhooks/endpoints', { url: receiverUrl });
    expect(created.status, await created.clone().text()).toBe(201);
    endpoint = ((await created.json()) as { data: { id: string } }).data.id;
    // The password link is committed; the worker claims it and stops before sending.
    expect((await call(first, 'POST', `/users/${ids.user}/password-reset`)).status).toBe(200);
    await expect.poll(() => first.output(), { timeout: 20_000, interval: 50 }).toMatch(/lintas outbox: claimed 1, pausing/);
    // The webhook is committed while the worker waits; nobody has claimed it yet.
    expect((await call(first, 'POST', `/webhooks/endpoints/${endpoint}/test`)).status).toBe(202);
    await first.kill();
  } catch (error) {
    await first.kill();
    throw error;
  }
  expect(smtp.received).toEqual([]);
  expect(hooks).toEqual([]);

  const second = await spawnServer(['--no-demo'], env);
  try {
    await expect.poll(() => smtp.received.length + hooks.length, { timeout: 30_000, interval: 50 }).toBe(2);
    // The delivery log says sent, through the restarted server.
    await expect
      .poll(async () => ((await (await call(second, 'GET', `/webhooks/endpoints/${endpoint}/deliveries`)).json()) as { data: { status: string }[] }).data.map((d) => d.status), { timeout: 10_000, interval: 100 })
      .toEqual(['sent']);
  } finally {
    await second.stop();
  }
  // Stopped: nothing more can arrive. Each message once, by Message-ID and by webhook-id.
  expect(smtp.received.map((mail) => mail.to)).toEqual([['officer@kil.test']]);
  expect(smtp.received[0]!.text).toMatch(/reset-password#token=/);
  expect(new Set(smtp.received.map((mail) => mail.messageId)).size).toBe(1);
  expect(hooks).toHaveLength(1);
  expect(JSON.parse(hooks[0]!.body)).toMatchObject({ type: 'webhook.test' });
}, 180_000);
