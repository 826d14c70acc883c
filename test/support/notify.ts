import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from '../../src/platform/db/sql.js';
import type { OutgoingMail } from '../../src/platform/notify/email.js';
import type { Mailer } from '../../src/platform/notify/mailer.js';
import type { TestContext, TestSession } from './app.js';

/**
 * What tests of notifications share: a mailer that keeps what it is given, a webhook receiver on
 * loopback (the app needs `LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on'`), subscriptions and endpoints
 * made through the API, and what the outbox holds about an object. It imports nothing of vitest, so
 * the fan-out bench uses its receiver too.
 */

/** A mailer that accepts every message and keeps it. */
export function recordingMailer(): Mailer & { sent: OutgoingMail[] } {
  const sent: OutgoingMail[] = [];
  return { configured: true, sent, send: (mail) => Promise.resolve(void sent.push(mail)) };
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`: an endpoint registered as `<url>/<anything>` posts here. */
  url: string;
  /** Each delivery's path, headers (`webhook-id`, the signature) and body, in order of arrival. */
  received: { path: string; headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

/** An HTTP receiver on loopback that answers 204 to every POST and keeps what it got. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: WebhookReceiver['received'] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.statusCode = 204;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Subscribes the user (`POST /account/subscriptions`). */
export async function subscribe(t: TestContext, session: TestSession, body: Record<string, unknown>): Promise<void> {
  const response = await t.as(session, { method: 'POST', url: '/api/v1/account/subscriptions', payload: body });
  if (response.statusCode !== 201) throw new Error(`subscribing: ${response.statusCode} ${response.body}`);
}

/** Registers an endpoint of the member, at `<receiver>/<member>`, through a new member-admin of it. */
export async function registerWebhook(t: TestContext, member: string, receiver: string, kinds: readonly string[]): Promise<void> {
  const admin = await t.sessionFor(await t.makeUser(member, ['member-admin']));
  const response = await t.as(admin, { method: 'POST', url: '/api/v1/webhooks/endpoints', payload: { url: `${receiver}/${member}`, kinds } });
  if (response.statusCode !== 201) throw new Error(`registering a webhook: ${response.statusCode} ${response.body}`);
}

/** The outbox's messages about an object: channel, recipient member and status, in order. */
export function outboxAbout(t: TestContext, objectId: string): Promise<{ channel: string; member: string; status: string }[]> {
  return t.db.ownerTransaction((tx) =>
    tx.query<{ channel: string; member: string; status: string }>(sql`SELECT channel, recipient_member AS member, status FROM outbox WHERE object_id = ${objectId} ORDER BY id`),
  );
}

/** The titles in the user's inbox, newest first. */
export async function inboxTitles(t: TestContext, session: TestSession): Promise<string[]> {
  return (await t.as(session, { method: 'GET', url: '/api/v1/inbox' })).json<{ data: { title: string }[] }>().data.map((n) => n.title);
}
