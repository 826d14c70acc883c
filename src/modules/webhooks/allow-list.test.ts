import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { loadConfig } from '../../platform/config.js';
import { sql } from '../../platform/db/sql.js';
import { deliverOutbox, enqueueWebhooks } from '../../platform/notify/outbox.js';
import { hostProblem } from '../../platform/notify/ssrf.js';

/**
 * ASVS 12.6.1: with LINTAS_WEBHOOK_HOSTS set, an endpoint may be registered only on a host of the
 * operator's list, and a delivery to a host taken off the list is not attempted, and says why.
 */

let t: TestContext;
let receiver: Server;
let receiverUrl: string;
let hits = 0;
let admin: TestSession;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    hits++;
    request.resume();
    response.statusCode = 204;
    response.end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on', LINTAS_WEBHOOK_HOSTS: '127.0.0.1, Hooks.Example.org., *.partner.example' } });
  await t.makeMember('WLA');
  admin = await t.sessionFor(await t.makeUser('WLA', ['member-admin']));
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

const endpoints = () => t.db.ownerTransaction((tx) => tx.query<{ url: string }>(sql`SELECT url FROM webhook_endpoints WHERE owner = 'WLA' ORDER BY created_at`));

test('the list: exact names, and *.name for the names below it only; a bad entry stops the start', () => {
  const hosts = loadConfig({ LINTAS_WEBHOOK_HOSTS: 'hooks.example.org,*.partner.example' }).webhookHosts;
  expect(hostProblem(new URL('https://HOOKS.example.org./x'), hosts)).toBeNull();
  expect(hostProblem(new URL('https://a.b.partner.example/x'), hosts)).toBeNull();
  for (const url of ['https://partner.example/x', 'https://evilpartner.example/x', 'https://hooks.example.org.evil.test/x', 'https://example.org/x']) {
    expect(hostProblem(new URL(url), hosts), url).toMatch(/is not on this installation's list of webhook hosts/);
  }
  expect(hostProblem(new URL('https://anywhere.test/x'), loadConfig({}).webhookHosts)).toBeNull();
  expect(() => loadConfig({ LINTAS_WEBHOOK_HOSTS: 'hooks.example.org,https://x.test/' })).toThrow(/LINTAS_WEBHOOK_HOSTS takes host names .*"https:\/\/x.test\/"/);
  expect(() => loadConfig({ LINTAS_WEBHOOK_HOSTS: ' , ' })).toThrow(/names no host/);
});

test('registering or moving an endpoint to a host off the list is a 400 at /url, and changes nothing', async () => {
  const refused = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: 'https://hooks.elsewhere.test/lintas' } });
  expect(refused.statusCode).toBe(400);
  expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(refused.json<{ errors: { pointer: string; detail: string }[] }>().errors).toEqual([
    { pointer: '/url', detail: expect.stringMatching(/hooks\.elsewhere\.test, which is not on this installation's list of webhook hosts/) as unknown },
  ]);
  expect(await endpoints()).toEqual([]);

  const created = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: 'https://hooks.example.org/lintas' } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ data: { id: string } }>().data.id;
  const moved = await t.as(admin, { method: 'PATCH', url: `/api/v1/webhooks/endpoints/${id}`, payload: { url: 'https://partner.example/lintas' } });
  expect(moved.statusCode).toBe(400);
  expect(moved.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/url']);
  expect(await endpoints()).toEqual([{ url: 'https://hooks.example.org/lintas' }]);
  expect((await t.as(admin, { method: 'PATCH', url: `/api/v1/webhooks/endpoints/${id}`, payload: { url: 'https://eu.partner.example/lintas' } })).statusCode).toBe(200);
  expect((await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${id}` })).statusCode).toBe(204);
});

test('a delivery to a host taken off the list is not attempted: failed, with the reason in the delivery log', async () => {
  const created = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: receiverUrl, kinds: ['test.event'] } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ data: { id: string } }>().data.id;
  const queue = () => t.db.transaction({ member: 'WLA' }, (tx) => enqueueWebhooks(tx, { member: 'WLA', kind: 'test.event', title: 'Something' }));
  expect(await queue()).toBe(1);
  expect(await deliverOutbox(t.platform)).toBe(1);
  expect(hits).toBe(1);

  // The operator narrows the list (a restart with another LINTAS_WEBHOOK_HOSTS).
  const narrowed = { ...t.platform, config: { ...t.platform.config, webhookHosts: ['hooks.example.org'] } };
  expect(await queue()).toBe(1);
  expect(await deliverOutbox(narrowed)).toBe(0);
  expect(hits).toBe(1);
  const log = (await t.as(admin, { method: 'GET', url: `/api/v1/webhooks/endpoints/${id}/deliveries` })).json<{ data: { status: string; attempts: { statusCode: number | null; error: string | null }[] }[] }>().data;
  expect(log[0]).toMatchObject({ status: 'failed', attempts: [{ statusCode: null, error: expect.stringMatching(/^not sent: the endpoint's address names the host 127\.0\.0\.1, which is not on this installation's list of webhook hosts \(LINTAS_WEBHOOK_HOSTS\)$/) as unknown }] });
  expect(log[1]).toMatchObject({ status: 'sent' });
  // Nothing is left to try, and the endpoint's own run of failures is untouched.
  expect(await deliverOutbox(narrowed)).toBe(0);
  const endpoint = await t.db.ownerTransaction((tx) => tx.one<{ consecutive_failures: number; enabled: boolean }>(sql`SELECT consecutive_failures, enabled FROM webhook_endpoints WHERE id = ${id}`));
  expect(endpoint).toEqual({ consecutive_failures: 0, enabled: true });
});
