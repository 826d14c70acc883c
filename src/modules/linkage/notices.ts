/**
 * Hit notices as each side reads them (DESIGN.md §3, rule 4). The member told of a match sees its own
 * records that matched, the kind of value, and the holder's name if the holder allows it ("another
 * member" otherwise); never the holder's records. The holder sees its own records that matched and
 * who was told, and of the told member's records only those its sharing shows the holder.
 */
import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { noticeAbilities } from './policy.js';
import type { NoticesQuery } from './schemas.js';

interface NoticeRow {
  id: string;
  told: string;
  holder: string;
  kind: string;
  key: string;
  told_records: string[];
  holder_records: string[];
  holder_named: boolean;
  created_at: Date;
  updated_at: Date;
}

interface RecordTitle {
  id: string;
  module: string;
  type: string;
  owner: string;
  title: string | null;
}

const OBJECT = 'linkage-notice';

/** The query layer's wall: a notice is read only by the member told and the holder. */
const mine = (ctx: Ctx): Sql => sql`(n.told = ${ctx.actor.member} OR n.holder = ${ctx.actor.member})`;

/** The records among `ids` the viewer may see, with their titles (leads; other modules' records by reference). */
async function recordsSeen(ctx: Ctx, ids: readonly string[]): Promise<Map<string, RecordTitle>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.tx.query<RecordTitle>(sql`
    SELECT DISTINCT ON (e.record_id) e.record_id AS id, e.module, e.record_type AS type, e.owner, l.title
    FROM linkage_entities e LEFT JOIN linkage_leads l ON e.module = 'linkage' AND l.id = e.record_id AND ${ctx.visible('l')}
    WHERE e.record_id = ANY(${[...ids]}::uuid[]) AND ${ctx.visible('e')}
    ORDER BY e.record_id`);
  return new Map(rows.map((row) => [row.id, row]));
}

function present(ctx: Ctx, row: NoticeRow, seen: Map<string, RecordTitle>) {
  const told = row.told === ctx.actor.member;
  const pick = (ids: readonly string[]) => ids.flatMap((id) => (seen.has(id) ? [seen.get(id) as RecordTitle] : []));
  return told
    ? {
        id: row.id,
        side: 'told' as const,
        kind: row.kind,
        key: row.key,
        // The holder's name only where it allows it; never its records.
        member: row.holder_named ? row.holder : null,
        yourRecords: pick(row.told_records),
        theirRecords: [],
        createdAt: row.created_at.toISOString(),
        abilities: noticeAbilities(ctx.actor, row),
      }
    : {
        id: row.id,
        side: 'holder' as const,
        kind: row.kind,
        // A name is matched fuzzily: the key is the told member's own words for it, not the holder's.
        key: row.kind === 'person' ? null : row.key,
        member: row.told,
        yourRecords: pick(row.holder_records),
        // Of the told member's records, only those the holder may see anyway.
        theirRecords: pick(row.told_records),
        createdAt: row.created_at.toISOString(),
        abilities: noticeAbilities(ctx.actor, row),
      };
}

/**
 * The other member an audit row of the viewer's read names, so that member sees the read on its
 * "who read my records" page: the holder, when the member told reads; the member told, when the
 * holder reads, only where the holder is named (else that page would name it).
 */
export function auditedOther(viewer: string, sides: { told: string; holder: string; holder_named: boolean }): string | undefined {
  if (sides.told === viewer) return sides.holder;
  return sides.holder_named ? sides.told : undefined;
}

export async function listNotices(ctx: Ctx, query: NoticesQuery) {
  const limit = query.limit ?? 50;
  const where = [mine(ctx)];
  if (query.side === 'told') where.push(sql`n.told = ${ctx.actor.member}`);
  if (query.side === 'holder') where.push(sql`n.holder = ${ctx.actor.member}`);
  const after = decodeCursor(query.cursor, ['uuid']);
  if (after) where.push(sql`n.id < ${after[0]}::uuid`);
  const rows = await ctx.tx.query<NoticeRow>(sql`SELECT n.* FROM linkage_notices n WHERE ${sql.join(where, ' AND ')} ORDER BY n.id DESC LIMIT ${limit + 1}`);
  const page = pageOf(rows, limit, (row) => [row.id]);
  const seen = await recordsSeen(ctx, page.rows.flatMap((row) => [...row.told_records, ...row.holder_records]));
  const named = page.rows.flatMap((row) => {
    const owner = auditedOther(ctx.actor.member, row);
    return owner ? [{ id: row.id, owner }] : [];
  });
  const event = readEvent('linkage.notice-list', OBJECT, ctx.actor.member, named);
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => present(ctx, row, seen)), next: page.next };
}

export async function getNotice(ctx: Ctx, id: string) {
  const row = await ctx.tx.maybeOne<NoticeRow>(sql`SELECT n.* FROM linkage_notices n WHERE n.id = ${id} AND ${mine(ctx)}`);
  if (!row) throw notFound();
  const other = auditedOther(ctx.actor.member, row);
  await ctx.audit({ action: 'linkage.notice-read', objectType: OBJECT, objectId: id, ...(other ? { objectOwner: other } : {}) });
  const seen = await recordsSeen(ctx, [...row.told_records, ...row.holder_records]);
  return { data: present(ctx, row, seen) };
}
