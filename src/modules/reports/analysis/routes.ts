import type { App } from '../../../platform/http/app.js';
import type { Platform } from '../../../platform/context.js';
import { perform } from '../../../platform/http/pipeline.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import { analyse } from './dashboard.js';
import { AnalysisStoreMoved, factStoreFor } from './fact-store.js';
import { AnalysisQuery, AnalysisResponse } from './schemas.js';

const tags = ['reports'];

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
    config: { action: 'reports.analyse' },
  }, async (request) =>
    perform(request, (ctx) => analyse(ctx, request.query), {
      // The store is caught up with every change committed so far before the transaction (on PGlite
      // the owner's transaction would queue behind it). Another request may catch it up while this
      // one runs: the answer is then refused (its transaction rolled back, audit row included) and
      // made again on the newer store.
      before: () => factStoreFor(platform.db).catchUp(),
      retry: { when: (error) => error instanceof AnalysisStoreMoved, attempts: MAX_ATTEMPTS },
    }));
}
