import type { FastifyServerOptions } from 'fastify';

/**
 * JSON logs, one line per event, with the request id. Secrets never reach them: headers carrying
 * credentials are redacted and request bodies are not logged at all.
 */
export function loggerOptions(level: string, stream?: { write(line: string): void }): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.token',
        '*.code',
        '*.totpSecret',
        '*.secret',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (request: { method: string; url: string; ip?: string }) => ({
        method: request.method,
        // Query strings can carry reset tokens; keep the path only.
        url: request.url.split('?')[0],
        address: request.ip,
      }),
    },
  };
}
