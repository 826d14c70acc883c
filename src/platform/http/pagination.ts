import type { FastifyReply } from 'fastify';
import { invalid } from './problem.js';

/** Cursors are opaque to clients: the sort key of the last item, base64url-encoded JSON. */
export function encodeCursor(key: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, length: number): (string | number | null)[] | undefined {
  if (cursor === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(key) && key.length === length && key.every((part) => part === null || ['string', 'number'].includes(typeof part))) {
      return key as (string | number | null)[];
    }
  } catch {
    // fall through to the error below
  }
  throw invalid([{ pointer: '/cursor', detail: 'not a cursor this API issued' }]);
}

/** Splits `limit + 1` fetched rows into the page and the cursor of the next one. */
export function pageOf<Row>(rows: Row[], limit: number, keyOf: (row: Row) => (string | number | null)[]): { rows: Row[]; next: string | null } {
  if (rows.length <= limit) return { rows, next: null };
  const page = rows.slice(0, limit);
  return { rows: page, next: encodeCursor(keyOf(page[page.length - 1] as Row)) };
}

/** A page as JSON text (`{ data, next }`), from items already JSON text. */
export function pageJson(items: readonly string[], next: string | null): string {
  return `{"data":[${items.join(',')}],"next":${JSON.stringify(next)}}`;
}

/** Sends JSON text as it is; the route's response schema still describes it in the API document. */
export function sendJson(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}
