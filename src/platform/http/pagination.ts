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

const PAGE_START = Buffer.from('{"data":[');
const COMMA = Buffer.from(',');

/**
 * A page as JSON (`{ data, next }`) in UTF-8, from items already JSON in UTF-8. Bytes, not text: the
 * answer goes out as it is, where a string would be measured and encoded again on every request
 * (with 50 items, 15% of the server's time for a library page).
 */
export function pageJson(items: readonly Buffer[], next: string | null): Buffer {
  const parts: Buffer[] = [PAGE_START];
  for (const [i, item] of items.entries()) {
    if (i > 0) parts.push(COMMA);
    parts.push(item);
  }
  parts.push(Buffer.from(`],"next":${JSON.stringify(next)}}`));
  return Buffer.concat(parts);
}

/** Sends JSON (UTF-8 bytes) as it is; the route's response schema still describes it in the API document. */
export function sendJson(reply: FastifyReply, json: Buffer): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(json);
}
