import type { Ctx } from '../../platform/context.js';
import { sql, type Sql } from '../../platform/db/sql.js';
import { decodeCursor } from '../../platform/http/pagination.js';
import { sharingColumns } from '../../platform/sharing/rule.js';
import type { SharingRow } from '../../platform/sharing/model.js';
import { SEARCH_RANKED, type CountQuery, type ListQuery } from './schemas.js';

export interface DocumentRow extends SharingRow {
  id: string;
  /** The row version (`xmin`), under which a presentation of it may be kept (`RowVersions`). */
  version: string;
  title: string;
  summary: string;
  category: string;
  tags: string[];
  languages: string[];
  doc_date: string | null;
  file_name: string | null;
  created_at: Date;
  updated_at: Date;
  sort_date: string;
  rank: number | null;
  headline: string | null;
}

// Matches in ts_headline output are wrapped in these control characters; a text that holds them
// has them turned into spaces before its passage is made, so only real matches are marked.
export const MATCH_START = '\u0002';
export const MATCH_END = '\u0003';


const columns = sql`d.id, d.xmin::text AS version, d.title, d.summary, d.category, d.tags, d.languages, d.doc_date, d.file_name, d.created_at, d.updated_at,
  ${sharingColumns('d')}`;

function filters(ctx: Ctx, query: CountQuery): Sql[] {
  const where: Sql[] = [ctx.visible('d')];
  if (query.q) where.push(sql`d.search @@ websearch_to_tsquery('english', ${query.q})`);
  if (query.category) where.push(sql`d.category = ${query.category}`);
  if (query.tag) where.push(sql`d.tags @> ARRAY[${query.tag}]::text[]`);
  if (query.language) where.push(sql`d.languages @> ARRAY[${query.language}]::text[]`);
  if (query.owner) where.push(sql`d.owner = ${query.owner}`);
  if (query.from) where.push(sql`d.doc_date >= ${query.from}::date`);
  if (query.to) where.push(sql`d.doc_date <= ${query.to}::date`);
  return where;
}

const dateKey = sql`coalesce(d.doc_date, DATE '0001-01-01')`;

/** The filters plus, after a cursor, the condition of the pages after it, newest document date first. */
function byDate(query: ListQuery, where: Sql[]): Sql[] {
  const after = decodeCursor(query.cursor, ['date', 'uuid']);
  return after ? [...where, sql`(${dateKey}, d.id) < (${after[0]}::date, ${after[1]}::uuid)`] : where;
}

/**
 * A page of the documents the actor may see. Without words, newest document date first; with
 * words, best match first, with a highlighted passage.
 */
export async function listDocuments(ctx: Ctx, query: ListQuery, limit: number): Promise<DocumentRow[]> {
  const where = filters(ctx, query);
  if (query.q) {
    const after = decodeCursor(query.cursor, ['real', 'uuid']);
    const tsQuery = sql`websearch_to_tsquery('english', ${query.q})`;
    const ranked = after ? [sql`(ts_rank(d.search, ${tsQuery})::real, d.id) < (${after[0]}::real, ${after[1]}::uuid)`] : [];
    // Rank the newest SEARCH_RANKED matches (all of them, for words that are not everywhere), then
    // make passages for the page only: ranking every match of a common word, and ts_headline, are
    // the costly parts.
    return ctx.tx.query<DocumentRow>(sql`
      WITH matched AS (
        SELECT d.id FROM library_documents d WHERE ${sql.join(where, ' AND ')}
        ORDER BY ${dateKey} DESC, d.id DESC LIMIT ${SEARCH_RANKED}
      ), page AS (
        SELECT ${columns}, d.body, ${dateKey}::text AS sort_date, ts_rank(d.search, ${tsQuery})::real AS rank
        FROM matched JOIN library_documents d ON d.id = matched.id
        WHERE ${sql.join([ctx.visible('d'), ...ranked], ' AND ')}
        ORDER BY rank DESC, d.id DESC LIMIT ${limit + 1}
      )
      SELECT page.*, ts_headline('english', translate(CASE WHEN page.body = '' THEN page.summary ELSE page.body END, ${MATCH_START + MATCH_END}, '  '), ${tsQuery},
          ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`}) AS headline
      FROM page ORDER BY rank DESC, id DESC`);
  }
  return ctx.tx.query<DocumentRow>(sql`
    SELECT ${columns}, ${dateKey}::text AS sort_date, NULL::real AS rank, NULL AS headline
    FROM library_documents d WHERE ${sql.join(byDate(query, where), ' AND ')}
    ORDER BY ${dateKey} DESC, d.id DESC LIMIT ${limit + 1}`);
}

export interface DocumentKey {
  id: string;
  version: string;
  owner: string;
  sort_date: string;
}

/** Which documents a page without words shows, in order, with their versions: the same page as `listDocuments`, not its contents. */
export async function listDocumentKeys(ctx: Ctx, query: ListQuery, limit: number): Promise<DocumentKey[]> {
  return ctx.tx.query<DocumentKey>(sql`
    SELECT d.id, d.xmin::text AS version, d.owner, ${dateKey}::text AS sort_date
    FROM library_documents d WHERE ${sql.join(byDate(query, filters(ctx, query)), ' AND ')}
    ORDER BY ${dateKey} DESC, d.id DESC LIMIT ${limit + 1}`.withGenericPlan());
}

/** The documents of these ids the actor may see, as they are now (each with its version). */
export async function documentsById(ctx: Ctx, ids: string[]): Promise<DocumentRow[]> {
  return ctx.tx.query<DocumentRow>(sql`
    SELECT ${columns}, ${dateKey}::text AS sort_date, NULL::real AS rank, NULL AS headline
    FROM library_documents d WHERE d.id = ANY(${ids}::uuid[]) AND ${ctx.visible('d')}`);
}

export async function countDocuments(ctx: Ctx, query: CountQuery): Promise<number> {
  const row = await ctx.tx.one<{ total: number }>(sql`SELECT count(*)::int AS total FROM library_documents d WHERE ${sql.join(filters(ctx, query), ' AND ')}`);
  return row.total;
}

export async function findDocument(ctx: Ctx, id: string, options: { forUpdate?: boolean } = {}): Promise<(DocumentRow & { body: string }) | undefined> {
  return ctx.tx.maybeOne<DocumentRow & { body: string }>(sql`
    SELECT ${columns}, d.body, NULL::real AS rank, NULL AS headline, '' AS sort_date
    FROM library_documents d WHERE d.id = ${id} AND ${ctx.visible('d')}
    ${options.forUpdate ? sql`FOR UPDATE` : sql``}`);
}

export async function findFile(ctx: Ctx, id: string): Promise<(SharingRow & { file_name: string; file_type: string; file_content: Buffer }) | undefined> {
  return ctx.tx.maybeOne(sql`
    SELECT ${sharingColumns('d')}, d.file_name, d.file_type, d.file_content
    FROM library_documents d WHERE d.id = ${id} AND d.file_content IS NOT NULL AND ${ctx.visible('d')}`);
}
