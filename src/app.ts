import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import helmet from 'helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { App } from './platform/http/app.js';
import Fastify from 'fastify';
import type { Platform } from './platform/context.js';
import { MODULES } from './modules/index.js';
import { migrationsOf, type LintasModule } from './platform/module.js';
import { registerAuthentication } from './platform/http/authenticate.js';
import { sessionCookieName } from './platform/auth/sessions.js';
import { registerAuthorisation } from './platform/http/pipeline.js';
import { registerErrorHandling } from './platform/http/errors.js';
import { registerHome } from './platform/http/home.js';
import { registerNotificationTopics } from './platform/notify/topics.js';
import { registerReadiness } from './platform/http/readiness.js';
import { registerShedding } from './platform/http/shedding.js';
import { rateLimitStore, SharedCounts } from './platform/http/shared-counts.js';
import { sharedCompilers } from './platform/http/compilers.js';
import { ProblemSchema } from './platform/http/schemas.js';
import { registerTextCheck } from './platform/http/text.js';
import { trustedProxies } from './platform/http/proxy.js';
import { httpsServerFactory } from './platform/http/https.js';
import { loggerOptions } from './platform/logging.js';
import { registerDemoRoutes } from './demo/routes.js';

export interface BuildOptions {
  platform: Platform;
  /** false for silence; a stream to capture the JSON log lines (tests); standard output otherwise. */
  logger?: boolean | { stream: { write(line: string): void } };
  /** The built web app; defaults to web/dist when it exists. */
  webRoot?: string | undefined;
  /** The modules whose routes the app serves (all of Lintas's unless a test says otherwise). */
  modules?: readonly LintasModule[];
  /** Demo mode: also serve the demo's own route (`demo/routes.ts`); never otherwise. */
  demo?: boolean;
}

export const JSON_BODY_LIMIT = 1024 * 1024;
export const UPLOAD_LIMIT = 15 * 1024 * 1024;

/** Builds the Fastify app without listening; tests drive it with `app.inject()`. */
export async function build(options: BuildOptions): Promise<App> {
  const { platform } = options;
  const app = Fastify({
    logger: options.logger === false ? false : loggerOptions(platform.config.logLevel, typeof options.logger === 'object' ? options.logger.stream : undefined),
    genReqId: () => randomUUID(),
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: trustedProxies(process.env.LINTAS_TRUST_PROXY),
    // verbose: an error carries its schema, so a pattern's `x-shape` (platform/schema.ts) can be told.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true, verbose: true, keywords: ['x-shape'] } },
    schemaController: { compilersFactory: sharedCompilers },
    ...(platform.config.tls ? { serverFactory: httpsServerFactory(platform.config.tls) } : {}),
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Nothing the API answers is public: no browser or proxy keeps it (a route that sets its own
    // caching, as the downloads' "private, no-store", keeps it).
    if (request.url.startsWith('/api/v1/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    // A JSON answer opened as a page is saved, never rendered (ASVS 14.4.2); downloads name their own file.
    if (request.url.startsWith('/api/') && !reply.hasHeader('content-disposition') && /^application\/(?:problem\+)?json\b/.test(String(reply.getHeader('content-type') ?? ''))) {
      reply.header('content-disposition', 'attachment; filename="api.json"');
    }
  });
  app.addSchema(ProblemSchema);
  registerErrorHandling(app);
  registerTextCheck(app);
  // The API takes JSON and, for uploads, multipart; Fastify's built-in text/plain parser would turn a
  // text body into a confusing "must be object" instead of 415.
  app.removeContentTypeParser('text/plain');

  // Security headers (helmet), its middleware made once: @fastify/helmet builds it again on every
  // request, parsing the policy each time.
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: platform.config.secureCookies ? [] : null,
      },
    },
    hsts: platform.config.secureCookies,
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error instanceof Error ? error : undefined));
  });
  // Before authentication, which may read the database: a shed request touches nothing.
  registerShedding(app, platform);
  await app.register(cookie);
  await app.register(multipart, { limits: { fileSize: UPLOAD_LIMIT, files: 1, fields: 10, fieldSize: JSON_BODY_LIMIT } });
  // The rate limits and the refusals per address are counted across every process on the database.
  const counts = new SharedCounts({ db: platform.db });
  counts.start((error) => app.log.warn({ err: error }, 'the request counts could not be shared; this process counts alone until they can'));
  app.decorate('requestCounts', counts);
  app.addHook('onClose', () => counts.stop());
  await app.register(rateLimit, {
    store: rateLimitStore(counts),
    max: platform.config.rateLimitPerMinute,
    timeWindow: 60_000,
    hook: 'preHandler',
    keyGenerator: (request) => request.actor?.userId ?? request.ip,
    allowList: (request) => request.url === '/healthz' || request.url === '/readyz',
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lintas API',
        version: '1',
        description:
          'Information sharing among the members of a regional process against people smuggling and trafficking in persons. ' +
          'Every record obeys the sharing rule: a member sees a record only when it owns it or is in its audience; otherwise the answer is 404.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: sessionCookieName(platform.config.secureCookies) },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, index) => (typeof json.$id === 'string' ? json.$id : `def-${index}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: false });

  registerAuthentication(app, platform, counts);
  registerAuthorisation(app, platform);

  registerReadiness(app, platform, migrationsOf(options.modules ?? MODULES));
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.demo) registerDemoRoutes(app, platform);

  await app.register(async (api) => {
    for (const module of options.modules ?? MODULES) module.routes?.(api, platform);
    registerHome(api, options.modules ?? MODULES);
    registerNotificationTopics(api, options.modules ?? MODULES);
  }, { prefix: '/api/v1' });

  const webRoot = options.webRoot ?? fileURLToPath(new URL('../web/dist/', import.meta.url));
  if (existsSync(webRoot)) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: false });
    // The web app routes in the browser: any page that is not a file or the API gets index.html.
    app.get('/*', { schema: { hide: true } }, (request, reply) => {
      // A missing file (an asset of an older build, a typo) is a 404, not the app's page.
      const path = request.url.split('?')[0] ?? '';
      if (path.startsWith('/api/') || path.startsWith('/assets/') || /\.[A-Za-z0-9]{1,8}$/.test(path)) return reply.callNotFound();
      return reply.sendFile('index.html');
    });
    app.get('/', { schema: { hide: true } }, (_request, reply) => reply.sendFile('index.html'));
  }
  return app;
}
