import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorize } from '../auth/authorize.js';
import { roleAllows, type Action } from '../auth/roles.js';
import { readAs, runAs, type Ctx, type Platform } from '../context.js';
import { recordRefusal } from './refusals.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route does; checked for every request before its body is read (`authorize`). */
    action?: Action;
  }
  interface FastifyInstance {
    platform: Platform;
  }
}

/** How a route's work runs; the defaults are one read-write transaction with its audit rows in it. */
export interface PerformOptions {
  /**
   * The work only reads: its statements run read-only and its audit rows go through the group
   * commit; the answer leaves only once they are committed.
   */
  read?: boolean;
  /** Done before each attempt, outside the transaction (e.g. bringing an in-memory store up to date). */
  before?: () => Promise<void>;
  /** Errors after which the whole act (transaction and audit rows) is done again, up to `attempts` in all. */
  retry?: { when: (error: unknown) => boolean; attempts: number };
}

/**
 * The request pipeline's one hook: a route that declares an action is authorised before anything
 * else of it runs (after authentication found the actor). Every API route for signed-in users
 * declares one: building the app fails otherwise.
 */
export function registerAuthorisation(app: FastifyInstance, platform: Platform): void {
  app.decorate('platform', platform);
  // A route for signed-in users that names no action is a programming error, found when the app is built.
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { auth?: string; action?: Action };
    if (route.url.startsWith('/api/v1/') && (config.auth ?? 'user') === 'user' && !config.action) {
      throw new Error(`the route ${String(route.method)} ${route.url} is for signed-in users but declares no action (config.action)`);
    }
  });
  app.addHook('onRequest', async (request) => {
    const action = request.routeOptions.config.action;
    if (!action) return;
    // A role's refusal goes on the record, counted (refusals.ts); a missing actor was refused already.
    if (request.actor && !roleAllows(request.actor.roles, action)) await recordRefusal(request, 'access.role-refused');
    authorize(request.actor, action);
  });
}

/**
 * The one way a route does its work: the actor of the request, authorised for the route's action,
 * in one transaction for its member in which the service reads through the sharing rule and writes
 * its audit rows; `ctx.afterCommit` work runs once that has committed.
 */
export async function perform<T>(request: FastifyRequest, work: (ctx: Ctx) => Promise<T>, options: PerformOptions = {}): Promise<T> {
  const action = request.routeOptions.config.action;
  if (!action) throw new Error(`the route ${request.method} ${request.routeOptions.url ?? ''} declares no action`);
  const actor = request.actor;
  authorize(actor, action);
  const platform = request.server.platform;
  const info = { requestId: request.id, address: request.ip };
  const attempts = options.retry?.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    await options.before?.();
    try {
      return await (options.read ? readAs : runAs)(platform, actor, info, work);
    } catch (error) {
      if (attempt >= attempts || !options.retry?.when(error)) throw error;
    }
  }
}
