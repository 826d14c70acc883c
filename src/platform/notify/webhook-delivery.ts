import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { dataKeyOf } from '../crypto/keys.js';
import type { Platform } from '../context.js';
import { sql } from '../db/sql.js';
import { stillReadable } from './audience.js';
import { notifyUsers } from './inbox.js';
import { aboutOf, finish, retryLater, type Outcome, type OutboxRow } from './outbox-rows.js';
import { notifySettings } from './settings.js';
import { hostProblem, resolveChecked } from './ssrf.js';
import { signedHeaders, webhookIdFor } from './webhook-signing.js';

/** What the data key seals a webhook secret under. */
export const SEAL_WEBHOOK_SECRET = 'webhook-secret';

interface EndpointRow {
  id: string;
  owner: string;
  url: string;
  secret_sealed: Uint8Array;
  enabled: boolean;
}

type PostResult = { status: number | null; error: string | null; ms: number };

/**
 * One POST to an endpoint: its status code, or the error; and how long it took. The host is resolved
 * and every address checked (ssrf.ts) first, and the connection goes to the address checked.
 */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, allowLoopback: boolean): Promise<PostResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const target = new URL(url);
  const checked = await resolveChecked(target, allowLoopback);
  if ('problem' in checked) return { status: null, error: `refused: the endpoint's address ${checked.problem}`, ms: ms() };
  const pinned: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: checked.address, family: checked.family }]);
    else callback(null, checked.address, checked.family);
  };
  return new Promise<PostResult>((resolve) => {
    // Redirects are not followed (node:http never does): an endpoint is the address its member registered, nothing else.
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Lintas-Webhooks/1', 'content-length': String(Buffer.byteLength(body)), ...headers },
      lookup: pinned,
      signal: AbortSignal.timeout(timeoutMs),
    }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      const ok = status >= 200 && status < 300;
      resolve({ status, error: ok ? null : `the endpoint answered ${status}`, ms: ms() });
    });
    request.on('error', (error) => resolve({ status: null, error: String(error).slice(0, 500), ms: ms() }));
    request.end(body);
  });
}

/**
 * Records the attempt on the endpoint's log and its run of failures; disables it after the
 * configured number of consecutive failures and tells its member-admins in their inbox.
 */
async function recordAttempt(platform: Platform, endpoint: EndpointRow, row: OutboxRow, result: { status: number | null; error: string | null; ms: number }): Promise<void> {
  const disableAfter = notifySettings.of(platform.config).webhookDisableAfter;
  await platform.db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO webhook_attempts (outbox_id, endpoint_id, owner, status_code, duration_ms, error)
      VALUES (${row.id}, ${endpoint.id}, ${endpoint.owner}, ${result.status}, ${result.ms}, ${result.error})`);
    if (result.error === null) {
      await tx.query(sql`UPDATE webhook_endpoints SET consecutive_failures = 0 WHERE id = ${endpoint.id}`);
      return;
    }
    const updated = await tx.one<{ failures: number; enabled: boolean }>(sql`UPDATE webhook_endpoints SET consecutive_failures = consecutive_failures + 1
      WHERE id = ${endpoint.id} RETURNING consecutive_failures AS failures, enabled`);
    if (disableAfter === 0 || updated.failures < disableAfter || !updated.enabled) return;
    const reason = `disabled after ${updated.failures} consecutive failed deliveries (the last: ${result.error})`;
    await tx.query(sql`UPDATE webhook_endpoints SET enabled = false, disabled_reason = ${reason} WHERE id = ${endpoint.id}`);
    const admins = await tx.query<{ id: string }>(sql`SELECT id FROM users WHERE member = ${endpoint.owner} AND NOT disabled AND 'member-admin' = ANY(roles) ORDER BY id`);
    await notifyUsers(tx, {
      userIds: admins.map((admin) => admin.id),
      kind: 'webhook.endpoint-disabled',
      title: 'A webhook endpoint of your member was disabled',
      body: `Lintas stopped delivering to ${endpoint.url}: ${reason}. Fix the receiving system, then enable the endpoint again; undelivered messages can be replayed from its delivery log.`,
      objectType: 'webhook-endpoint',
      objectId: endpoint.id,
      source: { owner: endpoint.owner, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null },
    });
  });
}

/**
 * Sends one webhook message: to its endpoint if still enabled and still its member's, and only if
 * that member may still read the record it is about; signed per Standard Webhooks.
 */
export async function deliverWebhook(platform: Platform, row: OutboxRow): Promise<Outcome> {
  const settings = notifySettings.of(platform.config);
  const endpoint = await platform.db.ownerTransaction((tx) =>
    tx.maybeOne<EndpointRow>(sql`SELECT id, owner, url, secret_sealed, enabled FROM webhook_endpoints WHERE id = ${row.endpoint_id}`),
  );
  if (!endpoint || !endpoint.enabled || endpoint.owner !== row.recipient_member) {
    await finish(platform, row.id, 'failed', 'the endpoint is disabled or gone');
    return 'failed';
  }
  const about = aboutOf(row);
  if (about && !(await stillReadable(platform, about))) {
    await finish(platform, row.id, 'withheld');
    return 'withheld';
  }
  // A host the operator took off the list since the endpoint was registered: not attempted, and
  // said so in the endpoint's delivery log (it counts as none of the endpoint's own failures).
  const unlisted = hostProblem(new URL(endpoint.url), platform.config.webhookHosts);
  if (unlisted) {
    const error = `not sent: the endpoint's address ${unlisted}`.slice(0, 500);
    await platform.db.ownerTransaction(async (tx) => {
      await tx.query(sql`INSERT INTO webhook_attempts (outbox_id, endpoint_id, owner, status_code, duration_ms, error) VALUES (${row.id}, ${endpoint.id}, ${endpoint.owner}, NULL, 0, ${error})`);
      await tx.query(sql`UPDATE outbox SET status = 'failed', finished_at = now(), last_error = ${error} WHERE id = ${row.id}`);
    });
    return 'failed';
  }
  const secret = dataKeyOf(platform.config).open(SEAL_WEBHOOK_SECRET, endpoint.secret_sealed).toString('utf8');
  const body = JSON.stringify(row.payload);
  const headers = signedHeaders(secret, webhookIdFor(row.idempotency_key), Math.floor(Date.now() / 1000), body);
  const result = await post(endpoint.url, headers, body, settings.webhookTimeoutSeconds * 1000, settings.webhookAllowLoopbackHttp);
  await recordAttempt(platform, endpoint, row, result);
  if (result.error === null) {
    await finish(platform, row.id, 'sent');
    return 'sent';
  }
  return retryLater(platform, row, result.error);
}

declare module './inbox.js' {
  interface ModuleNotificationKinds {
    notify: 'webhook.endpoint-disabled';
  }
}
