import type { LocalSmtp } from './mail.js';
import type { WebhookReceiver } from './notify.js';
import type { ServerProcess } from './processes.js';

/**
 * The crash harness's last check (test/support/crash.ts): what the outbox sent over every kill and
 * restart, e-mails at the local SMTP server and webhooks at a receiver of the other member's endpoint.
 */

/**
 * The last round: the server sends what is left; each committed bulletin reaches each subscriber once
 * by e-mail and the other member's endpoint once by webhook, and nothing arrives twice.
 */
export async function drainOutbox(
  server: ServerProcess,
  options: { smtp: LocalSmtp; subscribers: number },
  receiver: WebhookReceiver,
  titles: readonly string[],
  problem: (line: string) => void,
): Promise<{ emails: number; copies: number; webhooks: number; webhookCopies: number }> {
  const want = titles.length * options.subscribers;
  const deadline = Date.now() + 60_000 + want * 20;
  const deliveries = () => receiver.received.map((hook) => ({ id: String(hook.headers['webhook-id'] ?? ''), title: titleOf(hook.body) }));
  const hookTitles = () => new Set(deliveries().map((hook) => hook.title));
  while ((options.smtp.received.length < want || titles.some((title) => !hookTitles().has(`New bulletin: ${title}`))) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Anything sent twice would follow soon after: wait a little longer before counting.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await server.stop();
  // The idempotency key is the Message-ID: a kill between the mail server's acceptance and the commit that
  // marks the message sent makes the restarted server send it again with the same Message-ID, by which a
  // receiver drops the copy (the at-least-once window no sender can close over SMTP). So: per bulletin and
  // recipient exactly one Message-ID; copies with the same Message-ID are counted, not errors.
  const byKey = new Map<string, Set<string>>();
  for (const mail of options.smtp.received) {
    const title = /Crash bulletin \d+\.\d+$/.exec(mail.subject ?? '')?.[0];
    if (!title || !titles.includes(title)) continue;
    const key = `${title}\u0000${mail.to.join(',')}`;
    byKey.set(key, (byKey.get(key) ?? new Set()).add(mail.messageId ?? ''));
  }
  const twice = [...byKey.values()].filter((ids) => ids.size > 1 || ids.has('')).length;
  if (twice > 0) problem(`${twice} bulletin e-mails were sent as two messages (two Message-IDs, or none)`);
  if (byKey.size !== want) problem(`${byKey.size} of ${want} bulletin e-mails (bulletins × subscribers) arrived`);
  const ids = options.smtp.received.map((mail) => mail.messageId);
  // Webhooks likewise, by webhook-id (Standard Webhooks' idempotency key): one per bulletin; none for a bulletin not committed.
  const byTitle = new Map<string, Set<string>>();
  const hooks = deliveries();
  for (const hook of hooks) byTitle.set(hook.title, (byTitle.get(hook.title) ?? new Set()).add(hook.id));
  const hookTwice = [...byTitle.values()].filter((hookIds) => hookIds.size > 1 || hookIds.has('')).length;
  if (hookTwice > 0) problem(`${hookTwice} bulletins were delivered to the webhook endpoint as two deliveries (two webhook-ids, or none)`);
  const delivered = titles.filter((title) => byTitle.has(`New bulletin: ${title}`)).length;
  if (delivered !== titles.length) problem(`${delivered} of ${titles.length} bulletins reached the webhook endpoint`);
  const strays = [...byTitle.keys()].filter((title) => !titles.some((committed) => title === `New bulletin: ${committed}`));
  if (strays.length > 0) problem(`the webhook endpoint received bulletins the database does not hold: ${strays.slice(0, 3).join('; ')}`);
  const hookIds = hooks.map((hook) => hook.id);
  return { emails: byKey.size, copies: ids.length - new Set(ids).size, webhooks: delivered, webhookCopies: hookIds.length - new Set(hookIds).size };
}

/** A delivery's notification title (empty when the body is not a notification: counted as a stray). */
function titleOf(body: string): string {
  try {
    const title = (JSON.parse(body) as { data?: { title?: unknown } }).data?.title;
    return typeof title === 'string' ? title : '';
  } catch {
    return '';
  }
}
