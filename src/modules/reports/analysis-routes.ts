import type { App } from '../../platform/http/app.js';
import type { Platform } from '../../platform/context.js';
import type { FastifyRequest } from 'fastify';
import type { Ctx } from '../../platform/context.js';
import { act, actorOf } from '../../platform/http/authenticate.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { forbidden } from '../../platform/errors.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { analyse } from './analysis-dashboard.js';
import { AnalysisStoreMoved, factStoreFor } from './fact-store.js';
import { AnalysisQuery, AnalysisResponse } from './analysis-schemas.js';

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

/** Analysis of the reports the viewer may see: the dashboard's exact layer. */
export function analysisRoutes(app: App, platform: Platform): void {
  app.get('/reports/analysis', {
    schema: {
      tags,
      summary: 'Exact aggregates of the incident reports you may see, filtered on any dimension (reports you cannot see are only in the regional release)',
      querystring: AnalysisQuery,
      response: { 200: AnalysisResponse, ...problemResponses },
    },
  }, async (request) => analysed(platform, request, (ctx) => analyse(ctx, request.query)));
}
