import { Type } from 'typebox';
import type { App } from '../../app.js';
import type { Platform } from '../../platform/context.js';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.js';
import { act, actorOf } from '../../platform/http/authenticate.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { forbidden } from '../../platform/http/problem.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { analyse } from './analysis-dashboard.js';
import { AnalysisStoreMoved, factStoreFor } from './fact-store.js';
import { AnalysisQuery, AnalysisResponse, SummaryQuery, SummaryResponse } from './analysis-schemas.js';
import { summary } from './summary.js';
import { summaryPdf } from './summary-pdf.js';

const tags = ['reports'];

/**
 * An analysis request: the role check, then the analysis store caught up with every change
 * committed so far (before the transaction: on PGlite the owner's transaction queues behind it),
 * then the work in the actor's transaction.
 */
async function analysed<T>(platform: Platform, request: FastifyRequest, work: (ctx: Ctx) => Promise<T>): Promise<T> {
  if (!roleAllows(actorOf(request).roles, 'reports.analyse')) throw forbidden();
  // Another request may catch the store up while this one runs: its answer is then refused (and its
  // transaction rolled back, audit row included) and made again on the newer store.
  for (let attempt = 1; ; attempt++) {
    await factStoreFor(platform.db).catchUp();
    try {
      return await act(platform, request, 'reports.analyse', work);
    } catch (error) {
      if (!(error instanceof AnalysisStoreMoved) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

/** Answers made again at most this many times over when the store keeps changing under them. */
const MAX_ATTEMPTS = 5;

/** Regional analysis: the dashboard's aggregates and the published summary (JSON and PDF). */
export function analysisRoutes(app: App, platform: Platform): void {
  app.get('/reports/analysis', {
    schema: {
      tags,
      summary: 'Aggregates of incident reports for the dashboard, filtered on any dimension, with small cells suppressed (k = 5)',
      querystring: AnalysisQuery,
      response: { 200: AnalysisResponse, ...problemResponses },
    },
  }, async (request) => analysed(platform, request, (ctx) => analyse(ctx, request.query)));

  app.get('/reports/summary', {
    schema: {
      tags,
      summary: 'The regional summary of a period, for publication (small cells suppressed with k = 11)',
      querystring: SummaryQuery,
      response: { 200: SummaryResponse, ...problemResponses },
    },
  }, async (request) => analysed(platform, request, (ctx) => summary(ctx, request.query)));

  app.get('/reports/summary.pdf', {
    schema: {
      tags,
      summary: 'The regional summary of a period as a PDF',
      querystring: SummaryQuery,
      produces: ['application/pdf'],
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the summary as a PDF' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const data = await analysed(platform, request, (ctx) => summary(ctx, request.query));
    const pdf = await summaryPdf(data);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="regional-summary-${data.from}-${data.to}.pdf"`)
      .header('cache-control', 'private, no-store')
      .send(pdf);
  });
}
