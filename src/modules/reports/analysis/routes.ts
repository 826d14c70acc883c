import type { App } from '../../../platform/http/app.js';
import type { Platform } from '../../../platform/context.js';
import { invalid } from '../../../platform/errors.js';
import { fieldErrors } from '../../../platform/http/errors.js';
import { perform } from '../../../platform/http/pipeline.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import { analyse } from './dashboard.js';
import { AnalysisStoreMoved, factStoreFor } from './fact-store.js';
import { AnalysisQuery, AnalysisResponse, ROUTE_LEG_SHAPE } from './schemas.js';

const tags = ['reports'];

/** Answers made again at most this many times over when the store keeps changing under them. */
const MAX_ATTEMPTS = 5;

/** Whether the field error at `pointer` is a route filter's value of the wrong shape. */
function routeShapeWrong(issues: readonly { keyword: string; instancePath: string }[], pointer: string): boolean {
  return /^\/route(\/\d+)?$/.test(pointer) && issues.some((issue) => issue.keyword === 'pattern' && issue.instancePath === pointer);
}

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
    // A route that does not fit is told the shape expected, not only that its shape is wrong.
    schemaErrorFormatter: (issues, context) => invalid(fieldErrors(issues, context).map((error) => (routeShapeWrong(issues, error.pointer) ? { ...error, detail: ROUTE_LEG_SHAPE } : error))),
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
