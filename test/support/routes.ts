import type { App } from '../../src/platform/http/app.js';

const PREFIX = '/api/v1';

/** Every route the app's router holds under /api/v1, as "METHOD /path" (HEAD left out), sorted. */
export function routerRoutes(app: App): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    const path = stack.join('');
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && path.startsWith(`${PREFIX}/`)) routes.push(`${method} ${path.slice(PREFIX.length)}`);
    }
  }
  return routes.sort();
}

/** Every operation the app's OpenAPI document names under /api/v1, as "METHOD /path" with :params, sorted. */
export function documentedRoutes(app: App): string[] {
  const { paths } = app.swagger() as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(paths)
    .filter(([path]) => path.startsWith(`${PREFIX}/`))
    .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.slice(PREFIX.length).replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();
}
