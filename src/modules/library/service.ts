import { assertMay, libraryAbilities, viewOf, type LibraryAct } from './policy.js';
import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { FILE_TYPES, type FileKind } from '../../platform/files/extract-text.js';
import { pageJson, pageOf } from '../../platform/http/pagination.js';
import { rowVersionsOf } from '../../platform/db/row-versions.js';
import { assertNoFieldErrors, notFound, type FieldError } from '../../platform/errors.js';
import type { SharingInput } from '../../platform/sharing/model.js';
import { presentSharing, sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { countDocuments, documentsById, findDocument, findFile, listDocumentKeys, listDocuments, MATCH_END, MATCH_START, type DocumentRow } from './queries.js';
import type { CountQuery, DocumentCreate, DocumentUpdate, ListQuery } from './schemas.js';
import { assertFileQuota } from '../../platform/files/quota.js';

const OBJECT = 'library-document';

/** Splits a ts_headline passage into matching and other text, so clients never insert HTML. */
function snippet(headline: string | null) {
  if (headline === null) return null;
  const parts: { text: string; match: boolean }[] = [];
  for (const piece of headline.split(MATCH_START)) {
    const [matched, rest] = piece.includes(MATCH_END) ? piece.split(MATCH_END, 2) : [undefined, piece];
    if (matched) parts.push({ text: matched, match: true });
    if (rest) parts.push({ text: rest, match: false });
  }
  return parts;
}

function present(ctx: Ctx, row: DocumentRow) {
  return {
    id: row.id,
    title: row.title,
    summary: row.summary,
    category: row.category as DocumentCreate['category'],
    tags: row.tags,
    languages: row.languages,
    date: row.doc_date,
    ...presentSharing(ctx.actor, row),
    hasFile: row.file_name !== null,
    fileName: row.file_name,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    snippet: snippet(row.headline),
    abilities: libraryAbilities(ctx.actor, row),
  };
}

/** Kept list items (JSON in UTF-8), by document and view, under the row version they were made from. */
export const KEPT_ITEMS = 'library-items';
export const keptItemKey = (id: string, view: string): string => `${id} ${view}`;
const keptItems = (ctx: Ctx) => rowVersionsOf<Buffer>(ctx.platform.db, KEPT_ITEMS);

function itemJson(ctx: Ctx, row: DocumentRow, keep: boolean): Buffer {
  const json = Buffer.from(JSON.stringify(present(ctx, row)));
  if (keep) keptItems(ctx).set(keptItemKey(row.id, viewOf(ctx.actor, row)), row.version, json);
  return json;
}

interface ItemsPage {
  records: { id: string; owner: string }[];
  items: Buffer[];
  next: string | null;
}

/**
 * A page without words from its keys: which documents, under both walls of the sharing rule, with
 * the items kept from earlier reads where their row versions are still the ones shown, and the
 * others read by id. Undefined when one of those changed or went between the two statements.
 */
async function pageFromKeys(ctx: Ctx, query: ListQuery, limit: number): Promise<ItemsPage | undefined> {
  const page = pageOf(await listDocumentKeys(ctx, query, limit), limit, (key) => [key.sort_date, key.id]);
  const kept = keptItems(ctx);
  const items = page.rows.map((key) => kept.get(keptItemKey(key.id, viewOf(ctx.actor, key)), key.version));
  const missing = page.rows.filter((_, i) => items[i] === undefined).map((key) => key.id);
  if (missing.length > 0) {
    const rows = new Map((await documentsById(ctx, missing)).map((row) => [row.id, row]));
    for (const [i, key] of page.rows.entries()) {
      if (items[i] !== undefined) continue;
      const row = rows.get(key.id);
      if (row?.version !== key.version) return undefined;
      items[i] = itemJson(ctx, row, true);
    }
  }
  return { records: page.rows, items: items as Buffer[], next: page.next };
}

/**
 * A page of the documents the actor may see, as JSON (UTF-8). A page without words read in a
 * read-only transaction (a request's) asks the database which documents and reuses what it has
 * presented before; a search, or a page whose rows moved meanwhile, is read whole.
 */
export async function list(ctx: Ctx, query: ListQuery): Promise<Buffer> {
  const limit = query.limit ?? 50;
  const keep = !query.q && ctx.tx.readOnly;
  let page = keep ? await pageFromKeys(ctx, query, limit) : undefined;
  if (!page) {
    const rows = pageOf(await listDocuments(ctx, query, limit), limit, (row) => (query.q ? [row.rank, row.id] : [row.sort_date, row.id]));
    page = { records: rows.rows, items: rows.rows.map((row) => itemJson(ctx, row, keep)), next: rows.next };
  }
  const action = query.q ? 'library.search' : 'library.list';
  const { cursor: _cursor, limit: _limit, ...criteria } = query;
  const returned = page.records.length;
  // A search is on the record even when it returned nothing of others'.
  const event = readEvent(action, OBJECT, ctx.actor.member, page.records, query.q ? { criteria, returned } : {});
  if (event) await ctx.audit(event);
  else if (query.q) await ctx.audit({ action, objectType: OBJECT, details: { criteria, returned } });
  return pageJson(page.items, page.next);
}

export async function count(ctx: Ctx, query: CountQuery) {
  const total = await countDocuments(ctx, query);
  if (query.q) await ctx.audit({ action: 'library.count', objectType: OBJECT, details: { criteria: { ...query }, total } });
  return { total };
}

export async function get(ctx: Ctx, id: string) {
  const row = await findDocument(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'library.read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  const data = { ...present(ctx, row), body: row.body };
  return { data, abilities: data.abilities };
}

export async function file(ctx: Ctx, id: string) {
  const row = await findFile(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'library.file-read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  return { name: row.file_name, type: row.file_type, content: row.file_content };
}

export interface AttachedFile {
  name: string;
  kind: FileKind;
  content: Buffer;
  text: string;
}

/** A document holds its text or its file: one with neither would be a title over nothing to read. */
function contentErrors(body: string | undefined, hasFile: boolean): FieldError[] {
  if (hasFile || (body ?? '').trim() !== '') return [];
  return [{ pointer: '/body', detail: 'write the document’s text, or upload its file instead (POST /library/documents/upload)' }];
}

export async function create(ctx: Ctx, input: DocumentCreate, attached?: AttachedFile) {
  assertNoFieldErrors([...contentErrors(input.body, attached !== undefined), ...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing))]);
  const s = sharingValues(input.sharing);
  const row = await ctx.tx.one<{ id: string }>(sql`
    INSERT INTO library_documents (title, summary, body, category, tags, languages, doc_date, file_name, file_type, file_content, created_by,
      owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
    VALUES (${input.title}, ${input.summary ?? ''}, ${attached?.text ?? input.body ?? ''}, ${input.category}, ${input.tags ?? []},
      ${input.languages ?? []}, ${input.date ?? null}, ${attached?.name ?? null}, ${attached ? FILE_TYPES[attached.kind] : null},
      ${attached?.content ?? null}, ${ctx.actor.userId},
      ${ctx.actor.member}, ${s.audience_kind}, ${s.audience_members}, ${s.audience_groups}, ${s.tlp}, ${s.handling}, ${s.handling_note},
      ${s.evaluation_source}, ${s.evaluation_information})
    RETURNING id`);
  if (attached) await assertFileQuota(ctx.tx, ctx.platform.config, attached.content.length);
  await ctx.audit({ action: 'library.create', objectType: OBJECT, objectId: row.id, objectOwner: ctx.actor.member, details: { title: input.title } });
  return get(ctx, row.id);
}

/** The record the actor changes, locked, once policy.ts allows it: another member that may see it is refused, one that may not gets 404. */
async function recordFor(ctx: Ctx, id: string, act: LibraryAct): Promise<DocumentRow> {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findDocument(ctx, id, { forUpdate: true })) ?? (await findDocument(ctx, id));
  if (!row) throw notFound();
  assertMay(ctx.actor, row, act);
  return row;
}

export async function update(ctx: Ctx, id: string, input: DocumentUpdate) {
  const row = await recordFor(ctx, id, 'update');
  const sharing: SharingInput | undefined = input.sharing;
  assertNoFieldErrors([
    ...(input.body === undefined ? [] : contentErrors(input.body, row.file_name !== null)),
    ...(sharing ? await validateSharing(ctx.tx, ctx.actor.member, sharing, '/sharing', row.audience_groups) : []),
  ]);
  const s = sharing ? sharingValues(sharing) : undefined;
  await ctx.tx.query(sql`UPDATE library_documents SET
      title = coalesce(${input.title ?? null}, title),
      summary = coalesce(${input.summary ?? null}, summary),
      body = coalesce(${input.body ?? null}, body),
      category = coalesce(${input.category ?? null}, category),
      tags = coalesce(${input.tags ?? null}::text[], tags),
      languages = coalesce(${input.languages ?? null}::text[], languages),
      doc_date = CASE WHEN ${input.date !== undefined} THEN ${input.date ?? null}::date ELSE doc_date END,
      ${s
        ? sql`audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups},
          tlp = ${s.tlp}, handling = ${s.handling}, handling_note = ${s.handling_note},
          evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information},`
        : sql``}
      updated_at = now()
    WHERE id = ${id}`);
  await ctx.audit({ action: 'library.update', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { fields: Object.keys(input) } });
  return get(ctx, id);
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  const row = await recordFor(ctx, id, 'delete');
  await ctx.tx.query(sql`DELETE FROM library_documents WHERE id = ${id}`);
  await ctx.audit({ action: 'library.delete', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: row.title } });
}
