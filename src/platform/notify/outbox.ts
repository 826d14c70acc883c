import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { repeat } from '../jobs.js';
import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { Platform } from '../context.js';
import { readableLines, stillReadable, type About } from './audience.js';
import { aboutOf, finish, retryLater, type Outcome, type OutboxRow } from './outbox-rows.js';
import { digestText, outgoingMail, type DigestLine, type Mail } from './email.js';
import { SMTP_CONNECTIONS } from './mailer.js';
import { notifySettings } from './settings.js';
import { deliverWebhook } from './webhook-delivery.js';

/**
 * The durable outbox (see README.md): messages are rows written in the act's own transaction, each
 * with a unique idempotency key; the worker claims due rows for a lease, checks the audience again,
 * sends, and records the outcome. Delivery is at least once with a stable key per message: a crash
 * after a send and before its record sends it again, with the same Message-ID or webhook-id.
 */

export interface QueueOptions {
  /** Unique per message: queuing a key already queued does nothing. Default: a new random key. */
  key?: string;
  /** The record the message is about and whom it is for: checked again when it leaves. */
  about?: About;
  /** Whom a message about several records is for (a digest): its lines are asked again when it leaves. */
  recipient?: { member: string; userId: string };
}

/** Queues an e-mail in the caller's transaction: it is sent only if the act commits. */
export async function enqueueEmail(tx: Tx, mail: Mail, options: QueueOptions = {}): Promise<void> {
  await enqueueEmails(tx, [{ mail, options }]);
}

/**
 * Queues several e-mails in one statement in the caller's transaction (a notice to thousands of
 * subscribers costs one round trip, not one each).
 */
export async function enqueueEmails(tx: Tx, items: readonly { mail: Mail; options?: QueueOptions }[]): Promise<void> {
  if (items.length === 0) return;
  const rows = items.map(({ mail, options = {} }) => ({
    payload: mail,
    idempotency_key: options.key ?? `email:${randomUUID()}`,
    object_type: options.about?.objectType ?? null,
    object_id: options.about?.objectId ?? null,
    recipient_member: options.about?.member ?? options.recipient?.member ?? null,
    recipient_user: options.about?.userId ?? options.recipient?.userId ?? null,
  }));
  await tx.query(sql`INSERT INTO outbox (channel, payload, idempotency_key, object_type, object_id, recipient_member, recipient_user)
    SELECT 'email', r.payload, r.idempotency_key, r.object_type, r.object_id, r.recipient_member, r.recipient_user
    FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r (payload jsonb, idempotency_key text, object_type text, object_id text,
      recipient_member text, recipient_user uuid)
    ON CONFLICT (idempotency_key) DO NOTHING`);
}

/** What a webhook carries: the notification's kind, title, object reference and link, never the record's content. */
export interface WebhookEvent {
  /** The member whose endpoints receive it. */
  member: string;
  kind: string;
  title: string;
  objectType?: string;
  objectId?: string;
  /** The web page of the object, from the public address. */
  link?: string;
  /** Base of the idempotency keys (one per endpoint: `<key>:<endpoint id>`). Default: a new random key. */
  key?: string;
}

function webhookPayload(event: WebhookEvent): string {
  return JSON.stringify({
    type: event.kind,
    timestamp: new Date().toISOString(),
    data: { kind: event.kind, title: event.title, objectType: event.objectType ?? null, objectId: event.objectId ?? null, link: event.link ?? null },
  });
}

/** Queues the event for each enabled endpoint of the member that takes its kind, in the caller's transaction; returns how many. */
export async function enqueueWebhooks(tx: Tx, event: WebhookEvent): Promise<number> {
  const row = await tx.one<{ queued: number }>(sql`SELECT lintas_queue_webhooks(${event.member}, ${event.kind}, ${event.key ?? `webhook:${randomUUID()}`},
    ${webhookPayload(event)}::jsonb, ${event.objectType ?? null}, ${event.objectId ?? null}) AS queued`);
  return row.queued;
}

/** Queues the event for one endpoint of the member (whatever kinds it takes): a test message its admin asks for. */
export async function enqueueWebhookTo(tx: Tx, endpointId: string, event: WebhookEvent): Promise<void> {
  await tx.query(sql`INSERT INTO outbox (channel, payload, idempotency_key, object_type, object_id, recipient_member, endpoint_id, event_kind)
    VALUES ('webhook', ${webhookPayload(event)}::jsonb, ${`${event.key ?? `webhook:${randomUUID()}`}:${endpointId}`}, ${event.objectType ?? null},
      ${event.objectId ?? null}, ${event.member}, ${endpointId}, ${event.kind})
    ON CONFLICT (idempotency_key) DO NOTHING`);
}

/** A digest as it leaves: its text made from the lines its user may still read; none, nothing to send. */
async function digestNow(platform: Platform, row: OutboxRow, mail: Mail & { lines: DigestLine[] }): Promise<Mail | undefined> {
  if (!row.recipient_member || !row.recipient_user) return undefined;
  const kept = await readableLines(platform, mail.lines, row.recipient_member, row.recipient_user);
  if (kept.length === 0) return undefined;
  const { lines: _lines, ...rest } = mail;
  return { ...rest, text: digestText(kept, platform.config.publicUrl) };
}

async function deliverEmail(platform: Platform, row: OutboxRow): Promise<Outcome> {
  const about = aboutOf(row);
  const queued = row.payload as Mail;
  const mail = queued.lines ? await digestNow(platform, row, { ...queued, lines: queued.lines }) : queued;
  if (!mail || (about && !(await stillReadable(platform, about)))) {
    await finish(platform, row.id, 'withheld');
    return 'withheld';
  }
  try {
    await platform.mailer.send(outgoingMail(mail, row.idempotency_key, platform.config.publicUrl));
  } catch (error) {
    return retryLater(platform, row, String(error));
  }
  await finish(platform, row.id, 'sent');
  return 'sent';
}

/** Tests only (`LINTAS_TEST_HOOKS=on`): waits this long between claiming and sending, so a test can kill the process there. */
async function testPause(platform: Platform, claimed: number): Promise<void> {
  const env = platform.config.env;
  const ms = Number(env.LINTAS_TEST_PAUSE_BEFORE_SEND ?? 0);
  if (env.LINTAS_TEST_HOOKS !== 'on' || !(ms > 0)) return;
  process.stderr.write(`lintas outbox: claimed ${claimed}, pausing ${ms} ms before sending\n`);
  await sleep(ms);
}

/**
 * Delivers what is due: claims rows for a lease in a short transaction (no lock is held while
 * talking to a mail server or an endpoint), then sends each and records the outcome. E-mail waits
 * while SMTP is not configured; webhooks go regardless. Returns how many were sent.
 */
export async function deliverOutbox(platform: Platform, batch = 20): Promise<number> {
  const settings = notifySettings.of(platform.config);
  const claimed = await platform.db.ownerTransaction((tx) =>
    tx.query<OutboxRow>(sql`
      UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${settings.leaseSeconds})
      WHERE id IN (SELECT id FROM outbox WHERE status = 'pending' AND attempts < ${settings.maxAttempts} AND next_attempt_at <= now()
                     AND (channel = 'webhook' OR ${platform.mailer.configured})
                   ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, channel, payload, attempts, idempotency_key, object_type, object_id, recipient_member, recipient_user, endpoint_id`),
  );
  if (claimed.length > 0) await testPause(platform, claimed.length);
  // E-mail goes out on SMTP_CONNECTIONS lanes at once, each taking the next message in order, so
  // that one message's SMTP round trips overlap the others'. Webhooks go in order on a lane of their
  // own: an endpoint's failures are counted one delivery after another, and the one that disables it
  // stops the rest. Each row is still re-checked, sent and recorded on its own, so a crash between
  // sending and recording repeats at most one message a lane.
  const rows = claimed.sort((a, b) => a.id - b.id);
  const emails = rows.filter((row) => row.channel === 'email');
  const webhooks = rows.filter((row) => row.channel !== 'email');
  let sent = 0;
  const lane = async (queue: OutboxRow[]): Promise<void> => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const outcome = row.channel === 'email' ? await deliverEmail(platform, row) : await deliverWebhook(platform, row);
      if (outcome === 'sent') sent++;
    }
  };
  await Promise.all([lane(webhooks), ...Array.from({ length: Math.min(SMTP_CONNECTIONS, emails.length) }, () => lane(emails))]);
  return sent;
}

/** Runs delivery every few seconds until stopped; `kick` runs it now (after a commit that queued mail). */
export function startOutboxWorker(platform: Platform, everyMs = 5_000): { kick(): void; stop(): Promise<void> } {
  // A failed delivery is recorded on its row (last_error, next attempt); the worker goes on.
  return repeat(
    async () => {
      // A full batch may mean more is due: go on until a batch comes back short.
      while ((await deliverOutbox(platform, 20)) >= 20);
    },
    // At start too: what a stopped or killed process left queued goes without waiting for a tick.
    { everyMs, onError: () => undefined, runNow: true },
  );
}
