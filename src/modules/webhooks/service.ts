import type { Ctx } from '../../platform/context.js';
import { dataKeyOf } from '../../platform/crypto/keys.js';
import { sql } from '../../platform/db/sql.js';
import { conflict, invalid, notFound } from '../../platform/errors.js';
import { SEAL_WEBHOOK_SECRET } from '../../platform/notify/webhook-delivery.js';
import { hostProblem, resolveChecked } from '../../platform/notify/ssrf.js';
import { endpointUrlProblem, newWebhookSecret, webhookIdFor } from '../../platform/notify/webhook-signing.js';
import { notifySettings } from '../../platform/notify/settings.js';
import { enqueueWebhookTo } from '../../platform/notify/outbox.js';
import type { EndpointCreate, EndpointUpdate } from './schemas.js';

const OBJECT = 'webhook-endpoint';

interface EndpointRow {
  id: string;
  url: string;
  description: string;
  kinds: string[];
  enabled: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
}

const present = (row: EndpointRow) => ({
  id: row.id,
  url: row.url,
  description: row.description,
  kinds: row.kinds,
  enabled: row.enabled,
  disabledReason: row.disabled_reason,
  consecutiveFailures: row.consecutive_failures,
  createdAt: row.created_at.toISOString(),
});

async function checkUrl(ctx: Ctx, url: string | undefined): Promise<void> {
  if (url === undefined) return;
  const allowLoopback = notifySettings.of(ctx.platform.config).webhookAllowLoopbackHttp;
  const problem = endpointUrlProblem(url, allowLoopback);
  if (problem) throw invalid([{ pointer: '/url', detail: problem }]);
  // The operator's allow list, when there is one (checked again at each delivery).
  const unlisted = hostProblem(new URL(url), ctx.platform.config.webhookHosts);
  if (unlisted) throw invalid([{ pointer: '/url', detail: unlisted }]);
  // Server-side request forgery: the host must resolve only to public addresses (checked again at each
  // delivery). A name that does not resolve yet is accepted: each delivery resolves and checks it.
  const checked = await resolveChecked(new URL(url), allowLoopback);
  if ('problem' in checked && !checked.unresolved) throw invalid([{ pointer: '/url', detail: checked.problem }]);
}

/** The member's own endpoint (another member's is the same 404 as none). */
async function find(ctx: Ctx, id: string, lock = false): Promise<EndpointRow> {
  const row = await ctx.tx.maybeOne<EndpointRow>(sql`SELECT id, url, description, kinds, enabled, disabled_reason, consecutive_failures, created_at
    FROM webhook_endpoints e WHERE e.id = ${id} AND e.owner = ${ctx.actor.member} AND ${ctx.visible('e')} ${lock ? sql`FOR UPDATE` : sql``}`);
  if (!row) throw notFound();
  return row;
}

export async function list(ctx: Ctx) {
  const rows = await ctx.tx.query<EndpointRow>(sql`SELECT id, url, description, kinds, enabled, disabled_reason, consecutive_failures, created_at
    FROM webhook_endpoints e WHERE e.owner = ${ctx.actor.member} AND ${ctx.visible('e')} ORDER BY e.created_at, e.id`);
  return { data: rows.map(present) };
}

export async function get(ctx: Ctx, id: string) {
  return { data: present(await find(ctx, id)) };
}

/** Registers an endpoint; its secret is returned this once and kept sealed with the data key. */
export async function create(ctx: Ctx, input: EndpointCreate) {
  await checkUrl(ctx, input.url);
  const secret = newWebhookSecret();
  const sealed = dataKeyOf(ctx.platform.config).seal(SEAL_WEBHOOK_SECRET, Buffer.from(secret, 'utf8'));
  const row = await ctx.tx.one<EndpointRow>(sql`INSERT INTO webhook_endpoints (url, description, kinds, secret_sealed, created_by, owner)
    VALUES (${input.url}, ${input.description ?? ''}, ${input.kinds ?? []}, ${sealed}, ${ctx.actor.userId}, ${ctx.actor.member})
    RETURNING id, url, description, kinds, enabled, disabled_reason, consecutive_failures, created_at`);
  await ctx.audit({ action: 'webhook.create', objectType: OBJECT, objectId: row.id, objectOwner: ctx.actor.member, details: { url: row.url, kinds: row.kinds } });
  return { data: present(row), secret };
}

export async function update(ctx: Ctx, id: string, input: EndpointUpdate) {
  await checkUrl(ctx, input.url);
  await find(ctx, id, true);
  const enable = input.enabled === true;
  const row = await ctx.tx.one<EndpointRow>(sql`UPDATE webhook_endpoints SET
      url = coalesce(${input.url ?? null}, url), description = coalesce(${input.description ?? null}, description),
      kinds = coalesce(${input.kinds ?? null}::text[], kinds), enabled = coalesce(${input.enabled ?? null}::boolean, enabled),
      disabled_reason = CASE WHEN ${enable} THEN NULL WHEN ${input.enabled === false} THEN 'disabled by a member-admin' ELSE disabled_reason END,
      consecutive_failures = CASE WHEN ${enable} THEN 0 ELSE consecutive_failures END
    WHERE id = ${id} AND owner = ${ctx.actor.member}
    RETURNING id, url, description, kinds, enabled, disabled_reason, consecutive_failures, created_at`);
  await ctx.audit({ action: 'webhook.update', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { ...input } });
  return { data: present(row) };
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  await find(ctx, id, true);
  await ctx.tx.query(sql`DELETE FROM webhook_endpoints WHERE id = ${id} AND owner = ${ctx.actor.member}`);
  await ctx.audit({ action: 'webhook.delete', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member });
}

interface DeliveryRow {
  id: string;
  idempotency_key: string;
  event_kind: string | null;
  status: 'pending' | 'sent' | 'withheld' | 'failed';
  created_at: Date;
  next_attempt_at: Date;
  attempts: { at: string; status_code: number | null; duration_ms: number; error: string | null }[];
}

/** The endpoint's newest deliveries, each with every attempt (time, status code, duration, error). */
export async function deliveries(ctx: Ctx, id: string, limit: number) {
  await find(ctx, id);
  const rows = await ctx.tx.query<DeliveryRow>(sql`
    SELECT o.id::text AS id, o.idempotency_key, o.event_kind, o.status, o.created_at, o.next_attempt_at,
      coalesce((SELECT jsonb_agg(jsonb_build_object('at', a.at, 'status_code', a.status_code, 'duration_ms', a.duration_ms, 'error', a.error) ORDER BY a.id)
        FROM webhook_attempts a WHERE a.outbox_id = o.id AND ${ctx.visible('a')}), '[]'::jsonb) AS attempts
    FROM outbox o WHERE o.endpoint_id = ${id} AND o.recipient_member = ${ctx.actor.member}
    ORDER BY o.id DESC LIMIT ${limit}`);
  return {
    data: rows.map((row) => ({
      id: row.id,
      webhookId: webhookIdFor(row.idempotency_key),
      kind: row.event_kind ?? '',
      status: row.status,
      createdAt: row.created_at.toISOString(),
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
      attempts: row.attempts.map((a) => ({ at: new Date(a.at).toISOString(), statusCode: a.status_code, durationMs: a.duration_ms, error: a.error })),
    })),
  };
}

/**
 * Sends a delivery again by hand, with the same webhook-id (a receiver that processed it already can
 * tell): queued now, with a fresh run of attempts. The record's audience is asked again when it leaves.
 */
export async function replay(ctx: Ctx, id: string, delivery: string) {
  const endpoint = await find(ctx, id);
  if (!endpoint.enabled) throw conflict('The endpoint is disabled: enable it first.');
  const row = await ctx.tx.maybeOne<{ id: string }>(sql`UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), finished_at = NULL, last_error = NULL
    WHERE id = ${delivery}::bigint AND endpoint_id = ${id} AND recipient_member = ${ctx.actor.member} RETURNING id::text AS id`);
  if (!row) throw notFound();
  await ctx.audit({ action: 'webhook.replay', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { delivery } });
  return { queued: true };
}

/** Queues a test message (kind `webhook.test`) to the endpoint, through the outbox like any other. */
export async function sendTest(ctx: Ctx, id: string) {
  const endpoint = await find(ctx, id);
  if (!endpoint.enabled) throw conflict('The endpoint is disabled: enable it first.');
  await enqueueWebhookTo(ctx.tx, id, { member: ctx.actor.member, kind: 'webhook.test', title: 'A test message from Lintas' });
  await ctx.audit({ action: 'webhook.test', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member });
  return { queued: true };
}
