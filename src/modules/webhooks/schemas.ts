import { Type, type Static } from 'typebox';
import { Id } from '../../platform/http/schemas.js';
import { OneOf, Strict } from '../../platform/schema.js';

const Kind = Type.String({ pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$', maxLength: 100, description: 'a notification kind, such as linkage.request' });
const fields = {
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'https address that receives the POSTs (no user name or password in it)' }),
  description: Type.String({ maxLength: 200 }),
  kinds: Type.Array(Kind, { maxItems: 50, uniqueItems: true, description: 'the notification kinds it receives; empty: all' }),
};

export const EndpointCreate = Strict({ url: fields.url, description: Type.Optional(fields.description), kinds: Type.Optional(fields.kinds) });
export type EndpointCreate = Static<typeof EndpointCreate>;
export const EndpointUpdate = Strict({
  url: Type.Optional(fields.url),
  description: Type.Optional(fields.description),
  kinds: Type.Optional(fields.kinds),
  enabled: Type.Optional(Type.Boolean({ description: 'true enables a disabled endpoint again and clears its run of failures' })),
});
export type EndpointUpdate = Static<typeof EndpointUpdate>;

export const Endpoint = Strict({
  id: Id,
  url: Type.String(),
  description: Type.String(),
  kinds: Type.Array(Type.String()),
  enabled: Type.Boolean(),
  disabledReason: Type.Union([Type.String(), Type.Null()]),
  consecutiveFailures: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
});
export const EndpointOne = Strict({ data: Endpoint });
export const EndpointList = Strict({ data: Type.Array(Endpoint) });
export const EndpointCreated = Strict({
  data: Endpoint,
  secret: Type.String({ description: 'the signing secret (whsec_…): shown this once, never again' }),
});

export const Attempt = Strict({
  at: Type.String({ format: 'date-time' }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  durationMs: Type.Integer(),
  error: Type.Union([Type.String(), Type.Null()]),
});
export const Delivery = Strict({
  id: Type.String({ description: 'the delivery (one message to this endpoint)' }),
  webhookId: Type.String({ description: 'the webhook-id header it carries on every attempt' }),
  kind: Type.String(),
  status: OneOf(['pending', 'sent', 'withheld', 'failed'] as const),
  createdAt: Type.String({ format: 'date-time' }),
  nextAttemptAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  attempts: Type.Array(Attempt),
});
export const DeliveryList = Strict({ data: Type.Array(Delivery) });
export const DeliveriesQuery = Strict({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })) });
export const DeliveryParams = Strict({ id: Id, delivery: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) });
