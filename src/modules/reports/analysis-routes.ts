import { Type } from 'typebox';
import type { App } from '../../app.js';
import type { Platform } from '../../platform/context.js';
import { act } from '../../platform/http/authenticate.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { analyse } from './analysis-dashboard.js';
import { AnalysisQuery, AnalysisResponse, SummaryQuery, SummaryResponse } from './analysis-schemas.js';
import { summary } from './summary.js';
import { summaryPdf } from './summary-pdf.js';

const tags = ['reports'];

/** Regional analysis: the dashboard's aggregates and the published summary (JSON and PDF). */
export function analysisRoutes(app: App, platform: Platform): void {
  app.get('/reports/analysis', {
    schema: {
      tags,
      summary: 'Aggregates of incident reports for the dashboard, filtered on any dimension, with small cells suppressed (k = 5)',
      querystring: AnalysisQuery,
      response: { 200: AnalysisResponse, ...problemResponses },
    },
  }, async (request) => act(platform, request, 'reports.analyse', (ctx) => analyse(ctx, request.query)));

  app.get('/reports/summary', {
    schema: {
      tags,
      summary: 'The regional summary of a period, for publication (small cells suppressed with k = 11)',
      querystring: SummaryQuery,
      response: { 200: SummaryResponse, ...problemResponses },
    },
  }, async (request) => act(platform, request, 'reports.analyse', (ctx) => summary(ctx, request.query)));

  app.get('/reports/summary.pdf', {
    schema: {
      tags,
      summary: 'The regional summary of a period as a PDF',
      querystring: SummaryQuery,
      produces: ['application/pdf'],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the summary as a PDF' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const data = await act(platform, request, 'reports.analyse', (ctx) => summary(ctx, request.query));
    const pdf = await summaryPdf(data);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="regional-summary-${data.from}-${data.to}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}
