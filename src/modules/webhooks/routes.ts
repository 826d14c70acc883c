import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { IdParams, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import * as webhooks from './service.js';
import { DeliveriesQuery, DeliveryList, DeliveryParams, EndpointCreate, EndpointCreated, EndpointList, EndpointOne, EndpointUpdate } from './schemas.js';

const tags = ['webhooks'];
const config = { action: 'webhooks.manage' } as const;

/** A member's webhook endpoints: its member-admins register, change, list and replay; no other member sees them. */
export function webhookRoutes(app: App): void {
  app.get('/webhooks/endpoints', {
    config,
    schema: { tags, summary: 'Your member’s webhook endpoints', response: { 200: EndpointList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => webhooks.list(ctx), { read: true }));

  app.post('/webhooks/endpoints', {
    config,
    schema: {
      tags,
      summary: 'Register a webhook endpoint (the answer holds its signing secret, shown this once)',
      description: 'Deliveries are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature v1) and carry the notification’s kind, title, object reference and link, never the record.',
      body: EndpointCreate,
      response: { 201: EndpointCreated, ...problemResponses },
    },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => webhooks.create(ctx, request.body))));

  app.get('/webhooks/endpoints/:id', {
    config,
    schema: { tags, summary: 'A webhook endpoint (never its secret)', params: IdParams, response: { 200: EndpointOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => webhooks.get(ctx, request.params.id), { read: true }));

  app.patch('/webhooks/endpoints/:id', {
    config,
    schema: { tags, summary: 'Change a webhook endpoint, or enable or disable it', params: IdParams, body: EndpointUpdate, response: { 200: EndpointOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => webhooks.update(ctx, request.params.id, request.body)));

  app.delete('/webhooks/endpoints/:id', {
    config,
    schema: { tags, summary: 'Remove a webhook endpoint (what waits for it is not sent)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => webhooks.remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.post('/webhooks/endpoints/:id/test', {
    config,
    schema: { tags, summary: 'Send the endpoint a test message (kind webhook.test)', params: IdParams, response: { 202: Strict({ queued: Type.Boolean() }), ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request, reply) => reply.status(202).send(await perform(request, (ctx) => webhooks.sendTest(ctx, request.params.id))));

  app.get('/webhooks/endpoints/:id/deliveries', {
    config,
    schema: { tags, summary: 'The endpoint’s delivery log: newest deliveries, each attempt’s time, status code, duration and error', params: IdParams, querystring: DeliveriesQuery, response: { 200: DeliveryList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => webhooks.deliveries(ctx, request.params.id, request.query.limit ?? 50), { read: true }));

  app.post('/webhooks/endpoints/:id/deliveries/:delivery/replay', {
    config,
    schema: { tags, summary: 'Send a delivery again, with the same webhook-id', params: DeliveryParams, response: { 202: Strict({ queued: Type.Boolean() }), ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request, reply) => reply.status(202).send(await perform(request, (ctx) => webhooks.replay(ctx, request.params.id, request.params.delivery))));
}
