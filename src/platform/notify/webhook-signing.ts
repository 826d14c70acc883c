import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The Standard Webhooks scheme (https://www.standardwebhooks.com/): a secret `whsec_<base64>`; each
 * delivery carries `webhook-id` (the same on every attempt at one message), `webhook-timestamp`
 * (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */

/** A new signing secret: 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function secretBytes(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('a webhook secret starts with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

/** The `webhook-id` of the message with this idempotency key. */
export function webhookIdFor(idempotencyKey: string): string {
  return `msg_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 32)}`;
}

/** The three headers of one delivery. */
export function signedHeaders(secret: string, id: string, timestampSeconds: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', secretBytes(secret)).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `v1,${signature}` };
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** Why an endpoint's address is refused, or null: https only (http on loopback when allowed), no credentials, no fragment. */
export function endpointUrlProblem(raw: string, allowLoopbackHttp: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not an absolute address';
  }
  if (url.username || url.password) return 'must not carry a user name or password';
  if (url.hash) return 'must not have a fragment (#…)';
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:') return allowLoopbackHttp && LOOPBACK.test(url.hostname) ? null : 'must use https';
  return 'must use https';
}
