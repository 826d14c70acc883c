import { createServer } from 'node:https';
import type { FastifyServerFactory } from 'fastify';

/**
 * The server Fastify listens with when Lintas serves HTTPS itself (config.tls: LINTAS_TLS_CERT and
 * LINTAS_TLS_KEY), set up as Fastify sets up its own HTTPS server (the same timeouts), TLS 1.2 at
 * least. A factory rather than Fastify's `https` option keeps the app's type one for both: the
 * requests and answers are the same objects over TLS.
 */
export function httpsServerFactory(tls: { cert: string; key: string }): FastifyServerFactory {
  return (handler, options) => {
    const server = createServer({ cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' }, handler);
    const timeouts = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
    if (timeouts.keepAliveTimeout !== undefined) server.keepAliveTimeout = timeouts.keepAliveTimeout;
    if (timeouts.requestTimeout !== undefined) server.requestTimeout = timeouts.requestTimeout;
    if (timeouts.connectionTimeout !== undefined) server.setTimeout(timeouts.connectionTimeout);
    return server;
  };
}
