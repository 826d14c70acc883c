import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import type { Platform } from '../../platform/context.js';
import { act, actRead } from '../../platform/http/authenticate.js';
import { IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { CodeListsResponse, Report, ReportListQuery, ReportOne, ReturnBody } from './record-schemas.js';
import { ReportInput } from './schemas.js';
import * as reports from './service.js';

const tags = ['reports'];
const conflictResponse = { 409: Type.Ref('Problem') };

/** The report records and their workflow (draft → submitted → shared; returned; withdrawn). */
export function recordRoutes(app: App, platform: Platform): void {
  app.get('/reports/code-lists', {
    schema: { tags, summary: 'The code lists of reports, with labels, and the countries', response: { 200: CodeListsResponse, ...problemResponses } },
  }, async (request) => act(platform, request, 'reports.read', () => Promise.resolve(reports.codeLists())));

  app.get('/reports', {
    schema: {
      tags,
      summary: 'List the reports you may see (your own; others’ once shared, while your member contributes), latest incident first',
      querystring: ReportListQuery,
      response: { 200: Page(Report), ...problemResponses },
    },
  }, async (request) => actRead(platform, request, 'reports.read', (ctx) => reports.list(ctx, request.query)));

  app.get('/reports/:id', {
    schema: { tags, summary: 'A report', params: IdParams, response: { 200: ReportOne, ...problemResponses } },
  }, async (request) => actRead(platform, request, 'reports.read', (ctx) => reports.get(ctx, request.params.id)));

  app.post('/reports', {
    schema: { tags, summary: 'Record a report as a draft of your member', body: ReportInput, response: { 201: ReportOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await act(platform, request, 'reports.write', (ctx) => reports.create(ctx, request.body))));

  app.put('/reports/:id', {
    schema: {
      tags,
      summary: 'Replace a report’s content (owner). A submitted report returns to draft; a shared one returns to submitted for a new approval; a withdrawn one cannot be edited (409).',
      params: IdParams,
      body: ReportInput,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => act(platform, request, 'reports.write', (ctx) => reports.update(ctx, request.params.id, request.body)));

  app.post('/reports/:id/submit', {
    schema: { tags, summary: 'Submit a draft for approval (owner); its approvers are notified', params: IdParams, response: { 200: ReportOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => act(platform, request, 'reports.write', (ctx) => reports.submit(ctx, request.params.id)));

  app.post('/reports/:id/approve', {
    schema: {
      tags,
      summary: 'Approve a submitted report and share it (an approver or member-admin of the owner; four eyes: not the user who submitted it)',
      params: IdParams,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => act(platform, request, 'reports.approve', (ctx) => reports.approve(ctx, request.params.id)));

  app.post('/reports/:id/return', {
    schema: {
      tags,
      summary: 'Return a submitted report to draft with a note for the submitter (an approver or member-admin of the owner)',
      params: IdParams,
      body: ReturnBody,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => act(platform, request, 'reports.approve', (ctx) => reports.returnToDraft(ctx, request.params.id, request.body)));

  app.post('/reports/:id/withdraw', {
    schema: { tags, summary: 'Withdraw a submitted or shared report (owner); others no longer see it', params: IdParams, response: { 200: ReportOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => act(platform, request, 'reports.write', (ctx) => reports.withdraw(ctx, request.params.id)));

  app.delete('/reports/:id', {
    schema: { tags, summary: 'Remove a draft (owner)', params: IdParams, response: { 204: Type.Null(), ...problemResponses, ...conflictResponse } },
  }, async (request, reply) => {
    await act(platform, request, 'reports.write', (ctx) => reports.remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });
}
