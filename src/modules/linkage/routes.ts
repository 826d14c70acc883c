import { PACE_DESCRIPTION } from '../../platform/audit/pace.js';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { graphRoutes } from './graph-routes.js';
import { getNotice, listNotices } from './notices.js';
import { ask, getRequest, grant, listRequests, refuse } from './requests.js';
import { readLinkageRelease } from './release.js';
import { decideValue, listValues, noticeVolume } from './review.js';
import * as linkage from './service.js';
import { LeadCreate, LeadItem, LeadOne, LeadUpdate, ListQuery, NormaliseRequest, NormaliseResponse, NoticeList, NoticeOne, NoticesQuery, ValueDecided, ValueDecision, ValueList, ValuesQuery, Volume, VolumeQuery, Grant, Refusal, ReleaseQuery, ReleaseTableCells, RequestCreate, RequestList, RequestOne, RequestsQuery } from './schemas.js';

const tags = ['linkage'];

export function linkageRoutes(app: App): void {
  app.post('/linkage/normalise', {
    config: { action: 'linkage.read' },
    schema: {
      tags,
      summary: 'The keys an entity is matched on, as it is typed (nothing is looked up)',
      body: NormaliseRequest,
      response: { 200: NormaliseResponse, ...problemResponses },
    },
  }, async (request) => perform(request, () => Promise.resolve(linkage.normalise(request.body)), { read: true }));

  app.get('/linkage/leads', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'The leads you may see, newest first', querystring: ListQuery, response: { 200: Page(LeadItem), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => linkage.list(ctx, request.query), { read: true }));

  app.get('/linkage/leads/:id', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'A lead with its entities and the records you may see that hold them', params: IdParams, response: { 200: LeadOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => linkage.get(ctx, request.params.id), { read: true }));

  app.post('/linkage/leads', {
    config: { action: 'linkage.write' },
    schema: { tags, summary: 'Write a lead (its audience is usually your member alone)', body: LeadCreate, response: { 201: LeadOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => linkage.create(ctx, request.body))));

  app.patch('/linkage/leads/:id', {
    config: { action: 'linkage.write' },
    schema: { tags, summary: 'Change a lead (owner only)', params: IdParams, body: LeadUpdate, response: { 200: LeadOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => linkage.update(ctx, request.params.id, request.body)));

  app.delete('/linkage/leads/:id', {
    config: { action: 'linkage.write' },
    schema: { tags, summary: 'Remove a lead (owner only)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => linkage.remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.get('/linkage/notices', {
    config: { action: 'linkage.read' },
    schema: {
      tags,
      summary: 'Hit notices: matches of your records with records you may not see, and your records others were told of',
      querystring: NoticesQuery,
      response: { 200: NoticeList, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => listNotices(ctx, request.query), { read: true }));

  app.get('/linkage/notices/:id', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'A hit notice, as your side of it reads', params: IdParams, response: { 200: NoticeOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => getNotice(ctx, request.params.id), { read: true }));

  app.get('/linkage/values', {
    config: { action: 'linkage.review' },
    schema: { tags, summary: 'Values the over-linking guard stopped, and the warning lists (secretariat)', querystring: ValuesQuery, response: { 200: ValueList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listValues(ctx, request.query), { read: true }));

  app.put('/linkage/values', {
    config: { action: 'linkage.review' },
    schema: {
      tags,
      summary: 'Put a value on the warning list, or let a guarded value through (secretariat)',
      body: ValueDecision,
      response: { 200: ValueDecided, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => decideValue(ctx, request.body)));

  app.get('/linkage/notices/volume', {
    config: { action: 'linkage.review' },
    schema: { tags, summary: 'Notices given to each member, and its matches waiting, by day (secretariat)', querystring: VolumeQuery, response: { 200: Volume, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => noticeVolume(ctx, request.query.days ?? 30), { read: true }));

  app.post('/linkage/notices/:id/requests', {
    config: { action: 'linkage.write' },
    schema: { tags, summary: 'Ask the holder of a match what it may disclose (the member told only)', params: IdParams, body: RequestCreate, response: { 201: RequestOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => ask(ctx, request.params.id, request.body))));

  app.get('/linkage/requests', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'Disclosure requests you made, and those made to your member', querystring: RequestsQuery, response: { 200: RequestList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listRequests(ctx, request.query), { read: true }));

  app.get('/linkage/requests/:id', {
    config: { action: 'linkage.read' },
    schema: { tags, summary: 'A disclosure request, as your side reads it, with what was disclosed', params: IdParams, response: { 200: RequestOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => getRequest(ctx, request.params.id), { read: true }));

  app.post('/linkage/requests/:id/grant', {
    config: { action: 'linkage.disclose' },
    schema: { tags, summary: 'Disclose chosen fields of your matching records, with the sharing you choose (holder only)', description: PACE_DESCRIPTION, params: IdParams, body: Grant, response: { 200: RequestOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => grant(ctx, request.params.id, request.body)));

  app.post('/linkage/requests/:id/refuse', {
    config: { action: 'linkage.disclose' },
    schema: { tags, summary: 'Refuse a disclosure request, with the reason (holder only)', description: PACE_DESCRIPTION, params: IdParams, body: Refusal, response: { 200: RequestOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => refuse(ctx, request.params.id, request.body.reason)));

  app.get('/linkage/release', {
    config: { action: 'linkage.read' },
    schema: {
      tags,
      summary: 'Figures about entity values, links and notices across all members: one table of the latest release, computed by a job, the same for every viewer (rule 6)',
      querystring: ReleaseQuery,
      response: { 200: ReleaseTableCells, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => readLinkageRelease(ctx, request.query), { read: true }));

  graphRoutes(app);
}
