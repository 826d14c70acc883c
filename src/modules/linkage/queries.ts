import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { sharingColumns } from '../../platform/sharing/rule.js';
import type { Entity, ListQuery } from './schemas.js';

export interface LeadRow extends SharingRow {
  id: string;
  title: string;
  subject: 'person' | 'network' | 'vessel' | 'other';
  narrative: string;
  country: string | null;
  entities: Entity[];
  named_in_hits: boolean;
  created_at: Date;
  updated_at: Date;
}

const columns = sql`l.id, l.title, l.subject, l.narrative, l.country, l.entities, l.named_in_hits, l.created_at, l.updated_at, ${sharingColumns('l')}`;

export async function findLead(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<LeadRow | undefined> {
  const rows = await ctx.tx.query<LeadRow>(sql`SELECT ${columns} FROM linkage_leads l WHERE l.id = ${id} AND ${ctx.visible('l')}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
  return rows[0];
}

/** A page of the leads the actor may see, newest first (ids are UUIDv7: in order of creation). */
export async function listLeads(ctx: Ctx, query: ListQuery, limit: number): Promise<LeadRow[]> {
  const where = [ctx.visible('l')];
  if (query.subject) where.push(sql`l.subject = ${query.subject}`);
  if (query.owner) where.push(sql`l.owner = ${query.owner}`);
  const after = decodeCursor(query.cursor, ['uuid']);
  if (after) where.push(sql`l.id < ${after[0]}::uuid`);
  return ctx.tx.query<LeadRow>(sql`SELECT ${columns} FROM linkage_leads l WHERE ${sql.join(where, ' AND ')}
    ORDER BY l.id DESC LIMIT ${limit + 1}`);
}
