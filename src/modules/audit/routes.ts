import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { perform } from '../../platform/http/pipeline.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { invalid } from '../../platform/errors.js';
import { Cursor, Limit, Page, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';

/** One read of the member's records, as "who read my records" lists it. */
export const Read = Strict({
  id: Type.String({ description: 'the audit row, by its hash (hex)' }),
  at: Type.String({ format: 'date-time' }),
  action: Type.String(),
  readerMember: Type.String(),
  readerName: Type.Union([Type.String(), Type.Null()]),
  objectType: Type.Union([Type.String(), Type.Null()]),
  ids: Type.Array(Type.String()),
  purpose: Type.Union([Type.String(), Type.Null()]),
});
const ReadsQuery = Strict({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) });

interface ReadRow {
  id: string;
  at_key: string;
  at: Date;
  action: string;
  member: string;
  reader_name: string | null;
  object_type: string | null;
  object_id: string | null;
  details: { records?: Record<string, string[]> };
  purpose: string | null;
}

/**
 * Who in other members read, listed, searched or checked the actor's member's records, newest first.
 * Pages go by the time and hash of the last row returned: the audit trail's own sequence number
 * counts every member's acts, so neither an item nor a cursor carries it.
 */
async function listReads(ctx: Ctx, cursor: string | undefined, limit: number) {
  const after = decodeCursor(cursor, ['timestamp', 'text']);
  if (after && !/^[0-9a-f]{64}$/.test(after[1])) throw invalid([{ pointer: '/cursor', detail: 'not a cursor this API issued', in: 'query' }]);
  const rows = await ctx.tx.query<ReadRow>(sql`
    SELECT encode(a.hash, 'hex') AS id, to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_key,
      a.at, a.action, a.member, u.name AS reader_name, a.object_type, a.object_id, a.details, a.purpose
    FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
    WHERE (a.object_owner = ${ctx.actor.member} OR a.object_owners @> ARRAY[${ctx.actor.member}]::text[])
      AND a.member IS DISTINCT FROM ${ctx.actor.member}
      ${after ? sql`AND (a.at, a.hash) < (${after[0]}::timestamptz, decode(${after[1]}, 'hex'))` : sql``}
    ORDER BY a.at DESC, a.hash DESC LIMIT ${limit + 1}`);
  const page = pageOf(rows, limit, (row) => [row.at_key, row.id]);
  return {
    data: page.rows.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      action: row.action,
      readerMember: row.member ?? '',
      readerName: row.reader_name,
      objectType: row.object_type,
      // Only this member's own records: the row may name other owners' records too.
      ids: row.details.records?.[ctx.actor.member] ?? (row.object_id ? [row.object_id] : []),
      purpose: row.purpose,
    })),
    next: page.next,
  };
}

export function auditRoutes(app: App): void {
  app.get('/audit/reads', {
    config: { action: 'audit.read' },
    schema: { tags: ['audit'], summary: 'Who in other members read your member’s records', querystring: ReadsQuery, response: { 200: Page(Read), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listReads(ctx, request.query.cursor, request.query.limit ?? 50), { read: true }));
}
