import type { App } from '../../platform/http/app.js';
import type { Platform } from '../../platform/context.js';
import { analysisRoutes } from './analysis/routes.js';
import { recordRoutes } from './records/routes.js';
import { releaseRoutes } from './release/routes.js';
import { transferRoutes } from './transfer/routes.js';

/** The reports module's routes: the records and their workflow, imports and exports, analysis of what the viewer may see, and the regional release. */
export function reportsRoutes(app: App, platform: Platform): void {
  recordRoutes(app);
  transferRoutes(app);
  analysisRoutes(app, platform);
  releaseRoutes(app);
}
