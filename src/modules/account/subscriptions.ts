import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import type { Ctx, Platform } from '../../platform/context.js';
import { appendAudit, auditContext } from '../../platform/audit/writer.js';
import { sql } from '../../platform/db/sql.js';
import { invalid, notFound } from '../../platform/errors.js';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { Id, IdParams, problemResponses } from '../../platform/http/schemas.js';
import { validUnsubscribeToken } from '../../platform/notify/subscriptions.js';
import { Strict } from '../../platform/schema.js';

/** The user's subscriptions to notifications (platform/notify/subscriptions.ts), and the unsubscribe link's route. */

const tags = ['sign-in and account'];
const Delivery = Type.Union([Type.Literal('immediate'), Type.Literal('daily')], { description: 'e-mail at once (default), or in the daily digest at about 07:00 in your time zone' });
const Code = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50, uniqueItems: true, description });
export const SubscriptionCreate = Strict({
  module: Type.String({ pattern: '^[a-z][a-z0-9-]*$', maxLength: 40, description: 'the module whose notifications, e.g. bulletins' }),
  kinds: Type.Optional(Code('notification kinds (types); empty: all')),
  countries: Type.Optional(Code('ISO 3166-1 alpha-3 codes; empty: any')),
  tags: Type.Optional(Code('tags; empty: any')),
  groups: Type.Optional(Code('sharing groups; empty: any')),
  email: Type.Optional(Type.Boolean({ description: 'also by e-mail (default true); the inbox always' })),
  delivery: Type.Optional(Delivery),
});
type SubscriptionCreate = Static<typeof SubscriptionCreate>;
/** A change: the fields given replace the subscription's (the module stays). */
export const SubscriptionUpdate = Strict({
  kinds: SubscriptionCreate.properties.kinds, countries: SubscriptionCreate.properties.countries, tags: SubscriptionCreate.properties.tags,
  groups: SubscriptionCreate.properties.groups, email: SubscriptionCreate.properties.email, delivery: SubscriptionCreate.properties.delivery,
});
type SubscriptionUpdate = Static<typeof SubscriptionUpdate>;
export const Subscription = Strict({
  id: Id, module: Type.String(), kinds: Type.Array(Type.String()), countries: Type.Array(Type.String()), tags: Type.Array(Type.String()),
  groups: Type.Array(Type.String()), email: Type.Boolean(), delivery: Delivery, createdAt: Type.String({ format: 'date-time' }),
});
const Unsubscribe = Strict({ subscription: Id, token: Type.String({ pattern: '^[0-9a-f]{64}$' }) });
/** RFC 8058: what a mail client posts, form-encoded, to the address in the `List-Unsubscribe` header. */
const OneClick = Strict({ 'List-Unsubscribe': Type.Literal('One-Click') });

interface Row { id: string; module: string; kinds: string[]; countries: string[]; tags: string[]; groups: string[]; email: boolean; delivery: 'immediate' | 'daily'; created_at: Date }
const present = (row: Row) => ({ id: row.id, module: row.module, kinds: row.kinds, countries: row.countries, tags: row.tags, groups: row.groups, email: row.email, delivery: row.delivery, createdAt: row.created_at.toISOString() });
const columns = sql`id, module, kinds, countries, tags, groups, email, delivery, created_at`;

/** The user's own subscriptions, oldest first. */
export async function listSubscriptions(ctx: Ctx) {
  const rows = await ctx.tx.query<Row>(sql`SELECT ${columns} FROM notification_subscriptions WHERE user_id = ${ctx.actor.userId} ORDER BY created_at, id`);
  return rows.map(present);
}

async function create(ctx: Ctx, input: SubscriptionCreate) {
  const row = await ctx.tx.one<Row>(sql`INSERT INTO notification_subscriptions (user_id, module, kinds, countries, tags, groups, email, delivery)
    VALUES (${ctx.actor.userId}, ${input.module}, ${input.kinds ?? []}, ${input.countries ?? []}, ${input.tags ?? []}, ${input.groups ?? []}, ${input.email ?? true},
      ${input.delivery ?? 'immediate'})
    RETURNING ${columns}`);
  await ctx.audit({ action: 'subscription.create', objectType: 'subscription', objectId: row.id, objectOwner: ctx.actor.member, details: { module: row.module } });
  return { data: present(row) };
}

async function update(ctx: Ctx, id: string, input: SubscriptionUpdate) {
  const row = await ctx.tx.maybeOne<Row>(sql`UPDATE notification_subscriptions SET
      kinds = coalesce(${input.kinds ?? null}::text[], kinds), countries = coalesce(${input.countries ?? null}::text[], countries),
      tags = coalesce(${input.tags ?? null}::text[], tags), groups = coalesce(${input.groups ?? null}::text[], groups),
      email = coalesce(${input.email ?? null}::boolean, email), delivery = coalesce(${input.delivery ?? null}::text, delivery)
    WHERE id = ${id} AND user_id = ${ctx.actor.userId}
    RETURNING ${columns}`);
  if (!row) throw notFound();
  await ctx.audit({ action: 'subscription.update', objectType: 'subscription', objectId: id, objectOwner: ctx.actor.member, details: { module: row.module } });
  return { data: present(row) };
}

async function remove(ctx: Ctx, id: string): Promise<void> {
  const gone = await ctx.tx.maybeOne(sql`DELETE FROM notification_subscriptions WHERE id = ${id} AND user_id = ${ctx.actor.userId} RETURNING id`);
  if (!gone) throw notFound();
  await ctx.audit({ action: 'subscription.delete', objectType: 'subscription', objectId: id, objectOwner: ctx.actor.member });
}

/** The unsubscribe link's act: the token proves the e-mail came from this subscription; no sign-in needed. */
async function unsubscribe(platform: Platform, input: Static<typeof Unsubscribe>, request: { requestId: string; address: string }): Promise<void> {
  if (!validUnsubscribeToken(platform.config, input.subscription, input.token)) throw invalid([{ pointer: '/token', detail: 'does not match the subscription' }]);
  // The subscriber first, so that the transaction that removes it runs for them (its audit row is theirs).
  const subscriber = await platform.db.transaction({ member: null }, (tx) =>
    tx.maybeOne<{ user_id: string; member: string }>(sql`SELECT n.user_id, u.member FROM notification_subscriptions n JOIN users u ON u.id = n.user_id WHERE n.id = ${input.subscription}`),
  );
  if (!subscriber) return;
  const source = { userId: subscriber.user_id, member: subscriber.member, requestId: request.requestId, address: request.address };
  await platform.db.transaction(auditContext(source), async (tx) => {
    const gone = await tx.maybeOne(sql`DELETE FROM notification_subscriptions WHERE id = ${input.subscription} AND user_id = ${subscriber.user_id} RETURNING id`);
    if (gone) {
      await appendAudit(tx, source, [
        { action: 'subscription.unsubscribe', objectType: 'subscription', objectId: input.subscription, objectOwner: subscriber.member },
      ]);
    }
  });
}

export function subscriptionRoutes(app: App, platform: Platform): void {
  app.get('/account/subscriptions', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Your subscriptions to notifications', response: { 200: Strict({ data: Type.Array(Subscription) }), ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => listSubscriptions(ctx), { read: true }) }));

  app.post('/account/subscriptions', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Subscribe to a module’s notifications, by kind, country, tag and group', body: SubscriptionCreate, response: { 201: Strict({ data: Subscription }), ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => create(ctx, request.body))));

  app.patch('/account/subscriptions/:id', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'Change one of your subscriptions (kinds, countries, tags, groups, e-mail, delivery)', params: IdParams, body: SubscriptionUpdate, response: { 200: Strict({ data: Subscription }), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => update(ctx, request.params.id, request.body)));

  app.delete('/account/subscriptions/:id', {
    config: { action: 'account.manage' },
    schema: { tags, summary: 'End one of your subscriptions', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.post('/subscriptions/unsubscribe', {
    config: { auth: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
    schema: { tags, summary: 'End a subscription from the link in its e-mail (no sign-in)', body: Unsubscribe, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await unsubscribe(platform, request.body, { requestId: request.id, address: request.ip });
    return reply.status(204).send(null);
  });

  void app.register(async (plain) => {
    const scoped = plain.withTypeProvider<TypeBoxTypeProvider>();
    // A mail client's one-click unsubscribe is a form post, the only one Lintas takes.
    scoped.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scoped.post('/subscriptions/unsubscribe/one-click', {
      config: { auth: 'public', rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: {
        tags, summary: 'End a subscription from a mail client’s one-click unsubscribe (RFC 8058; the address in the List-Unsubscribe header)',
        querystring: Unsubscribe, body: OneClick, consumes: ['application/x-www-form-urlencoded'], response: { 204: Type.Null(), ...problemResponses },
      },
    }, async (request, reply) => {
      await unsubscribe(platform, request.query, { requestId: request.id, address: request.ip });
      return reply.status(204).send(null);
    });
  });
}
