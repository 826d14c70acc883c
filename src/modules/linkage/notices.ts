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
import { shownRecords, type ShownRecord } from './store.js';

interface NoticeRow {
  id: string;
  told: string;
  holder: string;
  kind: string;
  key: string;
  told_records: string[];
  holder_records: string[];
  holder_named: boolean;
  told_named: boolean;
  created_at: Date;
  updated_at: Date;
}


const OBJECT = 'linkage-notice';

/** The query layer's wall: a notice is read only by the member told and the holder. */
const mine = (ctx: Ctx): Sql => sql`(n.told = ${ctx.actor.member} OR n.holder = ${ctx.actor.member})`;

/**
 * The records among `ids` the viewer may see: their entity rows pass both walls, and their own
 * module shows them to the viewer (which gives their labels).
 */
async function recordsSeen(ctx: Ctx, ids: readonly string[]): Promise<Map<string, ShownRecord>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.tx.query<{ module: string; record_type: string; record_id: string; owner: string }>(sql`
    SELECT DISTINCT ON (e.record_id) e.record_id, e.module, e.record_type, e.owner
    FROM linkage_entities e
    WHERE e.record_id = ANY(${[...ids]}::uuid[]) AND ${ctx.visible('e')}
    ORDER BY e.record_id`);
  return new Map((await shownRecords(ctx, rows)).map((row) => [row.record_id, row.record]));
}

function present(ctx: Ctx, row: NoticeRow, seen: Map<string, ShownRecord>) {
  const told = row.told === ctx.actor.member;
  const pick = (ids: readonly string[]) => ids.flatMap((id) => (seen.has(id) ? [seen.get(id) as ShownRecord] : []));
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
        // The member told, unless it stays unnamed for the records that matched (else the holder would learn it holds the value).
        member: row.told_named ? row.told : null,
        yourRecords: pick(row.holder_records),
        // Of the told member's records, only those the holder may see anyway.
        theirRecords: pick(row.told_records),
        createdAt: row.created_at.toISOString(),
        abilities: noticeAbilities(ctx.actor, row),
      };
}

/**
 * The other member an audit row of the viewer's read names, so that member sees the read on its
 * "who read my records" page: the holder, when the member told reads, only where the member told is
 * named (else that page would name it); the member told, when the holder reads, only where the holder
 * is named. A disclosure request names its asker anyway: asking is choosing to be named.
 */
export function auditedOther(viewer: string, sides: { told: string; holder: string; holder_named: boolean; told_named?: boolean }): string | undefined {
  if (sides.told === viewer) return sides.told_named === false ? undefined : sides.holder;
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
