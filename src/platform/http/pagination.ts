import type { FastifyReply } from 'fastify';
import { invalid } from '../errors.js';
import { textFault } from './text.js';

/** Cursors are opaque to clients: the sort key of the last item, base64url-encoded JSON. */
export function encodeCursor(key: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * What each part of a list's cursor holds, as the query casts it: a cursor is checked part by part
 * here, so a crafted one is a 400 at `/cursor`, never a value the database refuses (a 500).
 */
export type CursorPart = 'uuid' | 'date' | 'timestamp' | 'text' | 'integer' | 'real';

type CursorValue<P extends CursorPart> = P extends 'integer' | 'real' ? number : string;
export type CursorKey<P extends readonly CursorPart[]> = { -readonly [I in keyof P]: CursorValue<P[I]> };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?Z$/;

/** A calendar day PostgreSQL takes: year 1 on, a month that has it. */
function isDay(year: string, month: string, day: string): boolean {
  const date = new Date(0);
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  return Number(year) >= 1 && date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function fits(part: CursorPart, value: unknown): boolean {
  switch (part) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'date': {
      const match = typeof value === 'string' ? DATE.exec(value) : null;
      return match !== null && isDay(match[1]!, match[2]!, match[3]!);
    }
    case 'timestamp': {
      const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
      return match !== null && isDay(match[1]!, match[2]!, match[3]!);
    }
    case 'text':
      return typeof value === 'string' && textFault(value) === undefined;
    case 'integer':
      return Number.isSafeInteger(value);
    case 'real':
      // Within PostgreSQL's real (float4): a number past it, or too small for it, is an error there.
      return typeof value === 'number' && (value === 0 || (Math.abs(value) >= 1e-37 && Math.abs(value) <= 3e38));
    default: {
      const unknown: never = part;
      return unknown;
    }
  }
}

/** The key a cursor holds, checked part by part against what the list's query takes; undefined without a cursor. */
export function decodeCursor<const P extends readonly CursorPart[]>(cursor: string | undefined, parts: P): CursorKey<P> | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // refused below
  }
  if (Array.isArray(key) && key.length === parts.length && parts.every((part, index) => fits(part, key[index]))) {
    return key as CursorKey<P>;
  }
  throw invalid([{ pointer: '/cursor', detail: 'not a cursor this API issued', in: 'query' }]);
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
 * answer goes out as it is, where a string would be measured and encoded again on every request, a
 * sizeable share of a library page's work (a page with one character outside ASCII is a two-byte string).
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
