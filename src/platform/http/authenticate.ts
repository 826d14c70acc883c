import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import { loadSession, loadTokenActor, sessionCookieName, type SessionState } from '../auth/sessions.js';
import { sameSecret } from '../auth/secrets.js';
import { appendAudit, auditContext } from '../audit/writer.js';
import type { Platform } from '../context.js';
import { Problem, unauthorised } from '../errors.js';
import { AddressLimiter, RefusalLedger, refusalOf, type RefusalAction } from './refusals.js';
import type { SharedCounts } from './shared-counts.js';

/** Who may call a route: anyone, a session at any stage of sign-in, or a signed-in user (the default). */
export type RouteAuth = 'public' | 'session' | 'user';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    session: SessionState | null;
  }
  interface FastifyContextConfig {
    auth?: RouteAuth;
  }
  interface FastifyInstance {
    /** The refusals of authentication on the audit trail, counted per source and window. */
    refusalLedger: RefusalLedger;
  }
}

/** The window of the address limit and of the refusals' counts. */
const REFUSAL_WINDOW_MS = 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Finds the actor of every API request (Bearer token or session cookie), refuses routes that need
 * one, and checks the CSRF token on cookie-authenticated writes. Refusals are audited, counted per
 * source and window (`RefusalLedger`); an address with too many of them is refused before its
 * credentials are looked up (`AddressLimiter`).
 */
export function registerAuthentication(app: FastifyInstance, platform: Platform, counts: SharedCounts): void {
  const limiter = new AddressLimiter(platform.config.refusalsPerAddressPerMinute, REFUSAL_WINDOW_MS, counts);
  const ledger = new RefusalLedger(
    (entry) => platform.db.transaction(auditContext(entry), (tx) => appendAudit(tx, entry, [entry])),
    { windowMs: REFUSAL_WINDOW_MS, onError: (err, entry) => app.log.error({ err, action: entry.action, address: entry.address, details: entry.details }, 'a count of refusals could not be audited') },
  );
  app.decorate('refusalLedger', ledger);
  app.addHook('onClose', () => ledger.flush());
  const refuse = (request: FastifyRequest, action: RefusalAction, who: { userId?: string; member?: string } = {}) =>
    ledger.record(refusalOf(request, action, who));

  const cookieName = sessionCookieName(platform.config.secureCookies);
  app.decorateRequest('actor', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const wait = limiter.retryAfter(request.ip);
    if (wait !== undefined) {
      await refuse(request, 'auth.throttled');
      void reply.header('retry-after', String(wait));
      throw new Problem(429, 'Too many requests', `Too many refused requests from this address; try again in ${wait} seconds.`, undefined, { retryAfterSeconds: wait });
    }
    const auth: RouteAuth = request.routeOptions.config.auth ?? 'user';
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header);
      const actor = match?.[1] ? await loadTokenActor(platform.db, match[1], platform.config.sessionCacheSeconds) : null;
      if (!actor) {
        limiter.refused(request.ip);
        await refuse(request, 'auth.token-refused');
        throw unauthorised('The API token is unknown, expired or revoked.');
      }
      request.actor = actor;
    } else {
      const cookie = request.cookies[cookieName];
      const session = cookie ? await loadSession(platform.db, cookie, platform.config.sessionCacheSeconds, platform.config.sessionIdleMinutes) : null;
      // An ended session is not audited (browsers keep old cookies), but made-up ones count towards the address limit.
      if (cookie && !session) limiter.refused(request.ip);
      if (session) {
        request.session = session;
        if (session.stage === 'full') request.actor = session.actor;
        if (!SAFE_METHODS.has(request.method)) {
          const sent = request.headers['x-csrf-token'];
          if (typeof sent !== 'string' || !session.actor.csrfToken || !sameSecret(sent, session.actor.csrfToken)) {
            limiter.refused(request.ip);
            await refuse(request, 'auth.csrf-refused', { userId: session.userId, member: session.actor.member });
            throw new Problem(403, 'CSRF token missing', 'Writes from the web app must carry the x-csrf-token header of the session.');
          }
        }
      }
    }
    if (auth === 'user' && !request.actor) throw unauthorised();
    if (auth === 'session' && !request.session && !request.actor) throw unauthorised();
  });
}

/** The signed-in actor of a route whose auth is 'user'. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthorised();
  return request.actor;
}
