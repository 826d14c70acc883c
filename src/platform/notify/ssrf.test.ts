import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../db/sql.js';
import { deliverOutbox, enqueueWebhookTo } from './outbox.js';
import { addressProblem } from './ssrf.js';

/** Webhook endpoints may not point into the internal network: refused at registration and again at delivery. */

let t: TestContext;
let admin: TestSession;
let receiver: Server;
let hits = 0;

beforeAll(async () => {
  receiver = createServer((_request, response) => {
    hits++;
    response.statusCode = 204;
    response.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  await t.makeMember('SSA');
  admin = await t.sessionFor(await t.makeUser('SSA', ['member-admin']));
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

test('private, loopback, link-local, CGNAT, multicast and unspecified addresses are refused; public ones pass', () => {
  for (const address of ['10.0.0.1', '169.254.169.254', '::1', 'fd00::1', '100.64.0.1', '127.0.0.1', '0.0.0.0', '::', '224.0.0.1', 'ff02::1', 'fe80::1', '172.16.5.4', '192.168.1.1', '::ffff:10.0.0.1', '::ffff:a9fe:a9fe']) {
    expect(addressProblem(address, false), address).not.toBeNull();
  }
  for (const address of ['8.8.8.8', '2001:4860:4860::8888', '100.128.0.1', '172.32.0.1']) expect(addressProblem(address, false), address).toBeNull();
  // The loopback-for-tests setting opens loopback only.
  expect(addressProblem('127.0.0.1', true)).toBeNull();
  expect(addressProblem('::1', true)).toBeNull();
  expect(addressProblem('10.0.0.1', true)).not.toBeNull();
});

test('registration refuses an endpoint whose address is internal (400 at /url)', async () => {
  for (const url of ['https://10.0.0.1/hook', 'https://169.254.169.254/latest', 'https://[fd00::1]/hook', 'https://100.64.0.1/hook', 'https://[::ffff:192.168.0.1]/x']) {
    const response = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url } });
    expect(response.statusCode, url).toBe(400);
    expect(response.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer), url).toEqual(['/url']);
  }
});

test('delivery checks the address again: an endpoint now pointing inside is not called', async () => {
  const port = (receiver.address() as AddressInfo).port;
  const created = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: `http://localhost:${port}/hook` } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ data: { id: string } }>().data.id;
  await t.db.transaction({ member: 'SSA' }, (tx) => enqueueWebhookTo(tx, id, { member: 'SSA', kind: 'test.one', title: 'one' }));
  await deliverOutbox(t.platform);
  expect(hits).toBe(1);
  // Its address changed behind the registration's back (as a DNS answer may): refused, logged, nothing connects.
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE webhook_endpoints SET url = 'http://169.254.169.254/latest' WHERE id = ${id}`));
  await t.db.transaction({ member: 'SSA' }, (tx) => enqueueWebhookTo(tx, id, { member: 'SSA', kind: 'test.two', title: 'two' }));
  await deliverOutbox(t.platform);
  expect(hits).toBe(1);
  const attempts = await t.db.ownerTransaction((tx) => tx.query<{ error: string | null }>(sql`SELECT error FROM webhook_attempts WHERE endpoint_id = ${id} ORDER BY id`));
  expect(attempts.map((a) => a.error?.slice(0, 8) ?? null)).toEqual([null, 'refused:']);
});
