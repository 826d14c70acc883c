import type { App } from '../../app.js';
import type { Platform } from '../../platform/context.js';

// Being written; registers no route yet.
export function recordRoutes(_app: App, _platform: Platform): void {}
