import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalid, type FieldError } from '../errors.js';

/**
 * Text a client sends must be text PostgreSQL can hold: no NUL character (`text` and `jsonb` refuse
 * it) and no lone surrogate (JSON's `"\ud800"` parses to one; it is not Unicode, and `jsonb` refuses
 * its escape). Every string of a request's path, query and body, and every key of its body, is
 * checked here, in one place, so no route sends such a value to the database and answers 500.
 */

const SURROGATE = /[\ud800-\udfff]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Why a string cannot be stored as text, or undefined when it can. */
export function textFault(value: string): string | undefined {
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  // The cheap test first: most text holds no surrogate at all.
  if (SURROGATE.test(value) && value.search(LONE_SURROGATE) >= 0) return 'must be valid Unicode (it holds a lone surrogate)';
  return undefined;
}

/** RFC 6901: `~` and `/` escaped; a bad character shown as U+FFFD, so the answer itself is clean text. */
function pointerPart(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replaceAll('\u0000', '\ufffd').replace(LONE_SURROGATE, '\ufffd');
}

/** The field errors of every string and key in a parsed value that is not text PostgreSQL can hold, by JSON pointer under `prefix`. */
export function textErrors(value: unknown, prefix = ''): FieldError[] {
  const errors: FieldError[] = [];
  const visit = (node: unknown, pointer: string, depth: number): void => {
    if (typeof node === 'string') {
      const fault = textFault(node);
      if (fault) errors.push({ pointer: pointer || '/', detail: fault });
    } else if (Array.isArray(node)) {
      if (depth < 64) node.forEach((item, index) => visit(item, `${pointer}/${index}`, depth + 1));
    } else if (node !== null && typeof node === 'object' && isPlain(node)) {
      if (depth >= 64) return;
      for (const [key, item] of Object.entries(node)) {
        const at = `${pointer}/${pointerPart(key)}`;
        const fault = textFault(key);
        if (fault) errors.push({ pointer: at, detail: `is a field name that ${fault}` });
        visit(item, at, depth + 1);
      }
    }
  };
  visit(value, prefix, 0);
  return errors;
}

/** Parsed JSON and query objects (Fastify's query object has a prototype of its own); not a Buffer or a stream, as some routes take their body. */
function isPlain(node: object): boolean {
  return !ArrayBuffer.isView(node) && !(node instanceof ArrayBuffer) && !(node instanceof Date) && typeof (node as { pipe?: unknown }).pipe !== 'function';
}

/** The text errors of a request's path, query and body, each with where it was found. */
export function requestTextErrors(request: FastifyRequest): (FieldError & { in: string })[] {
  return [
    ...textErrors(request.params).map((error) => ({ ...error, in: 'path' })),
    ...textErrors(request.query).map((error) => ({ ...error, in: 'query' })),
    ...(typeof request.body === 'string' || Array.isArray(request.body) || (typeof request.body === 'object' && request.body !== null)
      ? textErrors(request.body).map((error) => ({ ...error, in: 'body' }))
      : []),
  ];
}

/**
 * Refuses, after the schema's validation passed, a request holding text PostgreSQL cannot hold (the
 * error handler adds the same errors to the schema's when validation fails, so all are named at once).
 */
export function registerTextCheck(app: FastifyInstance): void {
  app.addHook('preHandler', async (request) => {
    const errors = requestTextErrors(request);
    if (errors.length > 0) throw invalid(errors);
  });
}
