import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { deliverOutbox, enqueueWebhooks } from '../../platform/notify/outbox.js';

/**
 * Webhooks to a real receiver on loopback: signatures checked by the test's own reading of the
 * Standard Webhooks specification (Web Crypto, not the server's code), retries after 500s, the
 * delivery log, disabling after repeated failure, replay, the audience at sending, and other members.
 */

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let t: TestContext;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** The status codes the receiver answers with, in turn; 204 when none is left. */
const answers: number[] = [];
let admin: TestSession;
let otherAdmin: TestSession;
let officer: TestSession;

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = answers.shift() ?? 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on', LINTAS_WEBHOOK_DISABLE_AFTER: '3' } });
  await t.makeMember('WHA');
  await t.makeMember('WHB');
  admin = await t.sessionFor(await t.makeUser('WHA', ['member-admin']));
  officer = await t.sessionFor(await t.makeUser('WHA', ['officer']));
  otherAdmin = await t.sessionFor(await t.makeUser('WHB', ['member-admin']));
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});
beforeEach(() => {
  received.length = 0;
  answers.length = 0;
});

/** Verifies a delivery as a receiver would, from the specification: HMAC-SHA256 over "id.timestamp.body" with the base64 secret after whsec_. */
async function verify(secret: string, delivery: Received): Promise<boolean> {
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const key = await crypto.subtle.importKey('raw', Buffer.from(secret.replace(/^whsec_/, ''), 'base64'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const expected = Buffer.from(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${id}.${timestamp}.${delivery.body}`))).toString('base64');
  return String(delivery.headers['webhook-signature']).split(' ').some((signature) => signature === `v1,${expected}`);
}

async function register(session: TestSession, body: Record<string, unknown> = { url: receiverUrl }) {
  const response = await t.as(session, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string }; secret: string }>();
}

/** Queues one event for WHA's endpoints about a library document. */
async function queue(documentId: string, kind = 'test.event', title = 'Something to look at'): Promise<number> {
  return t.db.transaction({ member: 'WHB' }, (tx) =>
    enqueueWebhooks(tx, { member: 'WHA', kind, title, objectType: 'library-document', objectId: documentId, link: `https://lintas.example/library/${documentId}` }),
  );
}
const due = () => t.db.ownerTransaction((tx) => tx.query(sql`UPDATE outbox SET next_attempt_at = now() WHERE status = 'pending'`));
const deliveries = async (session: TestSession, endpoint: string) => {
  const response = await t.as(session, { method: 'GET', url: `/api/v1/webhooks/endpoints/${endpoint}/deliveries` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { id: string; webhookId: string; status: string; attempts: { statusCode: number | null; durationMs: number; error: string | null }[] }[] }>().data;
};
const setEnabled = (endpoint: string, enabled: boolean) => t.as(admin, { method: 'PATCH', url: `/api/v1/webhooks/endpoints/${endpoint}`, payload: { enabled } });

describe('webhook endpoints', () => {
  test('addresses: https, or http on loopback when the setting allows; never credentials', async () => {
    for (const url of ['ftp://example.org/x', 'http://example.org/hook', 'https://user:pw@example.org/hook', 'not a url']) {
      const response = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url } });
      expect(response.statusCode, url).toBe(400);
      expect(response.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/url']);
    }
    const created = await register(admin, { url: 'https://hooks.example.org/lintas', kinds: ['linkage.request'] });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    // The secret is shown once: no GET returns it, and the database holds it sealed.
    const one = await t.as(admin, { method: 'GET', url: `/api/v1/webhooks/endpoints/${created.data.id}` });
    const all = await t.as(admin, { method: 'GET', url: '/api/v1/webhooks/endpoints' });
    for (const response of [one, all]) expect(response.body).not.toContain(created.secret.slice(6));
    const stored = await t.db.ownerTransaction((tx) => tx.one<{ sealed: Uint8Array }>(sql`SELECT secret_sealed AS sealed FROM webhook_endpoints WHERE id = ${created.data.id}`));
    expect(Buffer.from(stored.sealed).toString('latin1')).not.toContain(created.secret.slice(6, 20));
    expect((await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${created.data.id}` })).statusCode).toBe(204);
  });

  test('another member gets 404 on every route of an endpoint and lists none; an officer of the member gets 403', async () => {
    const { data } = await register(admin, { url: 'https://hooks.example.org/private' });
    const delivery = '1';
    const routes: [string, string, unknown?][] = [
      ['GET', `/api/v1/webhooks/endpoints/${data.id}`],
      ['PATCH', `/api/v1/webhooks/endpoints/${data.id}`, { description: 'taken' }],
      ['DELETE', `/api/v1/webhooks/endpoints/${data.id}`],
      ['GET', `/api/v1/webhooks/endpoints/${data.id}/deliveries`],
      ['POST', `/api/v1/webhooks/endpoints/${data.id}/deliveries/${delivery}/replay`],
    ];
    for (const [method, url, payload] of routes) {
      const response = await t.as(otherAdmin, { method: method as 'GET', url, ...(payload ? { payload } : {}) });
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect((await t.as(officer, { method: method as 'GET', url, ...(payload ? { payload } : {}) })).statusCode).toBe(403);
    }
    const list = await t.as(otherAdmin, { method: 'GET', url: '/api/v1/webhooks/endpoints' });
    expect(list.json<{ data: unknown[] }>().data).toEqual([]);
    const still = await t.as(admin, { method: 'GET', url: `/api/v1/webhooks/endpoints/${data.id}` });
    expect(still.json<{ data: { description: string } }>().data.description).toBe('');
    await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${data.id}` });
  });
});

describe('deliveries', () => {
  test('signed per Standard Webhooks, retried after a 500 with the same webhook-id, logged attempt by attempt', async () => {
    const { data, secret } = await register(admin, { url: receiverUrl, kinds: ['test.event'] });
    const doc = await t.makeDocument('WHB', { audience: 'members', members: ['WHA'], title: 'Secret title of the record', body: 'the record’s own words' });
    expect(await queue(doc)).toBe(1);
    // A kind the endpoint did not ask for is not queued for it.
    expect(await queue(doc, 'other.kind')).toBe(0);
    answers.push(500);
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(received).toHaveLength(1);
    const pending = await t.db.ownerTransaction((tx) => tx.one<{ wait: number }>(sql`SELECT extract(epoch FROM next_attempt_at - now())::float AS wait FROM outbox WHERE endpoint_id = ${data.id}`));
    // The first retry waits between 15 and 30 seconds (backoff with jitter).
    expect(pending.wait).toBeGreaterThan(13);
    expect(pending.wait).toBeLessThanOrEqual(30);
    expect(await deliverOutbox(t.platform)).toBe(0);
    await due();
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(received).toHaveLength(2);
    for (const delivery of received) expect(await verify(secret, delivery)).toBe(true);
    expect(await verify(secret, { ...received[1]!, body: received[1]!.body.replace('look', 'LOOK') })).toBe(false);
    expect(received[0]!.headers['webhook-id']).toBe(received[1]!.headers['webhook-id']);
    const body = JSON.parse(received[1]!.body) as { type: string; data: Record<string, unknown> };
    expect(body).toMatchObject({ type: 'test.event', data: { kind: 'test.event', title: 'Something to look at', objectType: 'library-document', objectId: doc } });
    expect(received[1]!.body).not.toContain('Secret title of the record');
    expect(received[1]!.body).not.toContain('own words');
    const log = await deliveries(admin, data.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'sent', webhookId: received[0]!.headers['webhook-id'] });
    expect(log[0]!.attempts.map((a) => [a.statusCode, a.error === null])).toEqual([[500, false], [204, true]]);
    for (const attempt of log[0]!.attempts) expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
    await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${data.id}` });
  });

  test('after N consecutive failures the endpoint is disabled and its admins told; enabled again, a replay arrives with the same webhook-id', async () => {
    const { data, secret } = await register(admin, { url: receiverUrl });
    const doc = await t.makeDocument('WHB', { audience: 'all' });
    await queue(doc, 'test.event', 'first');
    await queue(doc, 'test.event', 'second');
    answers.push(500, 503, 500);
    expect(await deliverOutbox(t.platform)).toBe(0); // two failures
    await due();
    expect(await deliverOutbox(t.platform)).toBe(0); // the third disables it; the other message fails unsent
    expect(received).toHaveLength(3);
    const endpoint = (await t.as(admin, { method: 'GET', url: `/api/v1/webhooks/endpoints/${data.id}` })).json<{ data: { enabled: boolean; disabledReason: string; consecutiveFailures: number } }>().data;
    expect(endpoint).toMatchObject({ enabled: false, consecutiveFailures: 3 });
    expect(endpoint.disabledReason).toContain('3 consecutive failed deliveries');
    const inbox = (await t.as(admin, { method: 'GET', url: '/api/v1/inbox' })).json<{ data: { kind: string; objectId: string }[] }>().data;
    expect(inbox.filter((n) => n.kind === 'webhook.endpoint-disabled').map((n) => n.objectId)).toEqual([data.id]);
    expect((await t.as(otherAdmin, { method: 'GET', url: '/api/v1/inbox' })).json<{ data: unknown[] }>().data).toEqual([]);
    // Disabled: nothing more is sent, and nothing can be replayed.
    await due();
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(received).toHaveLength(3);
    const log = await deliveries(admin, data.id);
    expect(log.map((d) => d.status)).toEqual(['failed', 'failed']);
    const first = log[1]!;
    expect((await t.as(admin, { method: 'POST', url: `/api/v1/webhooks/endpoints/${data.id}/deliveries/${first.id}/replay` })).statusCode).toBe(409);
    expect((await setEnabled(data.id, true)).statusCode).toBe(200);
    expect((await t.as(admin, { method: 'POST', url: `/api/v1/webhooks/endpoints/${data.id}/deliveries/${first.id}/replay` })).statusCode).toBe(202);
    expect(await deliverOutbox(t.platform)).toBe(1);
    expect(received).toHaveLength(4);
    expect(received[3]!.headers['webhook-id']).toBe(first.webhookId);
    expect(await verify(secret, received[3]!)).toBe(true);
    expect((await deliveries(admin, data.id)).map((d) => d.status)).toEqual(['failed', 'sent']);
    await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${data.id}` });
  });

  test('a record no longer shared with the member when the webhook leaves: withheld, nothing reaches the receiver', async () => {
    const { data } = await register(admin, { url: receiverUrl });
    const doc = await t.makeDocument('WHB', { audience: 'members', members: ['WHA'] });
    expect(await queue(doc)).toBe(1);
    await t.db.transaction({ member: 'WHB' }, (tx) => tx.query(sql`UPDATE library_documents SET audience_kind = 'owner', audience_members = '{}' WHERE id = ${doc}`));
    expect(await deliverOutbox(t.platform)).toBe(0);
    expect(received).toEqual([]);
    expect((await deliveries(admin, data.id)).map((d) => [d.status, d.attempts.length])).toEqual([['withheld', 0]]);
    await t.as(admin, { method: 'DELETE', url: `/api/v1/webhooks/endpoints/${data.id}` });
  });
});
