import { Type } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { perform } from '../../../platform/http/pipeline.js';
import { IdParams, Page, problemResponses } from '../../../platform/http/schemas.js';
import {
  BULK_LIMIT, BulkBody, BulkResult, CodeListsResponse, Report, ReportDefaultsInput, ReportDefaultsOne, ReportDefaultsParams, ReportListQuery, ReportOne, ReturnBody,
} from './schemas.js';
import { ReportInput } from '../schemas.js';
import { bulk } from './bulk.js';
import { getDefaults, setDefaults } from './defaults.js';
import * as reports from './service.js';

const tags = ['reports'];
const conflictResponse = { 409: Type.Ref('Problem') };
const bulkDescription =
  `Send either \`ids\` (at most ${BULK_LIMIT.toLocaleString('en')}) or \`filter\` (the list's filter; your member's reports matching it, at most ${BULK_LIMIT.toLocaleString('en')}). ` +
  'Each report is judged as one at a time; an id you may not see is refused exactly like one that does not exist. ' +
  'All or nothing: one report that cannot be acted on and nothing is (409 listing each, with its pointer), unless `partial`. ' +
  '`dryRun` judges and changes nothing. One audit row names every report acted on.';

/** The report records and their workflow (draft → submitted → shared; returned; withdrawn). */
export function recordRoutes(app: App): void {
  app.get('/reports/code-lists', {
    config: { action: 'reports.read' },
    schema: { tags, summary: 'The code lists of reports, with labels, and the countries', response: { 200: CodeListsResponse, ...problemResponses } },
  }, async (request) => perform(request, () => Promise.resolve(reports.codeLists())));

  app.get('/reports/defaults/:member', {
    config: { action: 'reports.read' },
    schema: {
      tags,
      summary: 'Your member’s default sharing for new reports (another member’s is not found)',
      params: ReportDefaultsParams,
      response: { 200: ReportDefaultsOne, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => getDefaults(ctx, request.params.member), { read: true }));

  app.put('/reports/defaults/:member', {
    config: { action: 'reports.defaults' },
    schema: {
      tags,
      summary: 'Set your member’s default sharing for new reports (a member-admin of the member; another member’s is not found)',
      params: ReportDefaultsParams,
      body: ReportDefaultsInput,
      response: { 200: ReportDefaultsOne, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => setDefaults(ctx, request.params.member, request.body)));

  app.get('/reports', {
    config: { action: 'reports.read' },
    schema: {
      tags,
      summary: 'List the reports you may see (your own; others’ once shared, while your member contributes), latest incident first',
      querystring: ReportListQuery,
      response: { 200: Page(Report), ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => reports.list(ctx, request.query), { read: true }));

  app.get('/reports/:id', {
    config: { action: 'reports.read' },
    schema: { tags, summary: 'A report', params: IdParams, response: { 200: ReportOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => reports.get(ctx, request.params.id), { read: true }));

  app.post('/reports', {
    config: { action: 'reports.write' },
    schema: { tags, summary: 'Record a report as a draft of your member', body: ReportInput, response: { 201: ReportOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => reports.create(ctx, request.body))));

  app.put('/reports/:id', {
    config: { action: 'reports.write' },
    schema: {
      tags,
      summary: 'Replace a report’s content (owner). A submitted report returns to draft; a shared one returns to submitted for a new approval; a withdrawn one cannot be edited (409).',
      params: IdParams,
      body: ReportInput,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => reports.update(ctx, request.params.id, request.body)));

  app.post('/reports/:id/submit', {
    config: { action: 'reports.write' },
    schema: { tags, summary: 'Submit a draft for approval (owner); its approvers are notified', params: IdParams, response: { 200: ReportOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => perform(request, (ctx) => reports.submit(ctx, request.params.id)));

  app.post('/reports/:id/approve', {
    config: { action: 'reports.approve' },
    schema: {
      tags,
      summary: 'Approve a submitted report and share it (an approver or member-admin of the owner; four eyes: not the user who submitted it)',
      params: IdParams,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => reports.approve(ctx, request.params.id)));

  app.post('/reports/bulk/submit', {
    config: { action: 'reports.write' },
    schema: {
      tags,
      summary: 'Submit many drafts of your member for approval at once; its approvers are notified once',
      description: bulkDescription,
      body: BulkBody,
      response: { 200: BulkResult, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => bulk(ctx, 'submit', request.body), { read: request.body.dryRun === true }));

  app.post('/reports/bulk/approve', {
    config: { action: 'reports.approve' },
    schema: {
      tags,
      summary: 'Approve and share many submitted reports of your member at once (four eyes: none you submitted)',
      description: bulkDescription,
      body: BulkBody,
      response: { 200: BulkResult, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => bulk(ctx, 'approve', request.body), { read: request.body.dryRun === true }));

  app.post('/reports/:id/return', {
    config: { action: 'reports.approve' },
    schema: {
      tags,
      summary: 'Return a submitted report to draft with a note for the submitter (an approver or member-admin of the owner)',
      params: IdParams,
      body: ReturnBody,
      response: { 200: ReportOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => reports.returnToDraft(ctx, request.params.id, request.body)));

  app.post('/reports/:id/withdraw', {
    config: { action: 'reports.write' },
    schema: { tags, summary: 'Withdraw a submitted or shared report (owner); others no longer see it', params: IdParams, response: { 200: ReportOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => perform(request, (ctx) => reports.withdraw(ctx, request.params.id)));

  app.delete('/reports/:id', {
    config: { action: 'reports.write' },
    schema: { tags, summary: 'Remove a draft (owner)', params: IdParams, response: { 204: Type.Null(), ...problemResponses, ...conflictResponse } },
  }, async (request, reply) => {
    await perform(request, (ctx) => reports.remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });
}
