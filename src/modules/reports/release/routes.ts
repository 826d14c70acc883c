import { Type } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { perform } from '../../../platform/http/pipeline.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import { MyReleaseRecords, ReleaseCells, ReleaseCellsQuery, ReleaseOverview, SummaryQuery, SummaryResponse } from './schemas.js';
import { myReleaseRecords, releaseCells, releaseOverview, releaseSummary } from './service.js';
import { summaryPdf } from './summary-pdf.js';

const tags = ['reports'];

/** The regional release: fixed, precomputed tables over every member's regional reports (rule 6). */
export function releaseRoutes(app: App): void {
  app.get('/reports/release', {
    config: { action: 'reports.analyse' },
    schema: { tags, summary: 'The latest regional release: when it was computed, what it covers, and its tables', response: { 200: ReleaseOverview, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => releaseOverview(ctx), { read: true }));

  app.get('/reports/release/cells', {
    config: { action: 'reports.analyse' },
    schema: {
      tags,
      summary: 'One table of the latest regional release: the cells that passed the thresholds, perturbed (the same for every viewer)',
      querystring: ReleaseCellsQuery,
      response: { 200: ReleaseCells, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => releaseCells(ctx, { table: request.query.table, interval: request.query.interval ?? 'quarter', published: request.query.published ?? false }), { read: true }));

  app.get('/reports/release/my-records', {
    config: { action: 'reports.analyse' },
    schema: { tags, summary: 'Which of your member’s reports entered each of the latest regional releases', response: { 200: MyReleaseRecords, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => myReleaseRecords(ctx), { read: true }));

  app.get('/reports/summary', {
    config: { action: 'reports.analyse' },
    schema: {
      tags,
      summary: 'The regional summary of a closed period, for publication: read from the regional release (k = 11)',
      querystring: SummaryQuery,
      response: { 200: SummaryResponse, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => releaseSummary(ctx, request.query), { read: true }));

  app.get('/reports/summary.pdf', {
    config: { action: 'reports.analyse' },
    schema: {
      tags,
      summary: 'The regional summary of a closed period as a PDF',
      querystring: SummaryQuery,
      produces: ['application/pdf'],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the summary as a PDF' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const data = await perform(request, (ctx) => releaseSummary(ctx, request.query), { read: true });
    const pdf = await summaryPdf(data);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="regional-summary-${data.period ?? 'none'}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}
