import { roleAllows } from '../../platform/auth/roles.js';
import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { FILE_TYPES, type FileKind } from '../../platform/files/extract-text.js';
import { pageOf } from '../../platform/http/pagination.js';
import { assertNoFieldErrors, forbidden, notFound } from '../../platform/http/problem.js';
import type { SharingInput } from '../../platform/sharing/model.js';
import { mayPassOn, presentSharing, sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { countDocuments, findDocument, findFile, listDocuments, MATCH_END, MATCH_START, type DocumentRow } from './queries.js';
import type { CountQuery, DocumentCreate, DocumentUpdate, ListQuery } from './schemas.js';

const OBJECT = 'library-document';

function abilities(ctx: Ctx, row: DocumentRow) {
  const own = row.owner === ctx.actor.member && roleAllows(ctx.actor.roles, 'library.write');
  return { update: own, delete: own, passOn: mayPassOn(ctx.actor, row) };
}

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
    abilities: abilities(ctx, row),
  };
}

export async function list(ctx: Ctx, query: ListQuery) {
  const limit = query.limit ?? 50;
  const rows = await listDocuments(ctx, query, limit);
  const page = pageOf(rows, limit, (row) => (query.q ? [row.rank, row.id] : [row.sort_date, row.id]));
  const action = query.q ? 'library.search' : 'library.list';
  const { cursor: _cursor, limit: _limit, ...criteria } = query;
  // A search is on the record even when it returned nothing of others'.
  const event = readEvent(action, OBJECT, ctx.actor.member, page.rows, query.q ? { criteria, returned: page.rows.length } : {});
  if (event) await ctx.audit(event);
  else if (query.q) await ctx.audit({ action, objectType: OBJECT, details: { criteria, returned: page.rows.length } });
  return { data: page.rows.map((row) => present(ctx, row)), next: page.next };
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

export async function create(ctx: Ctx, input: DocumentCreate, attached?: AttachedFile) {
  assertNoFieldErrors(await validateSharing(ctx.tx, ctx.actor.member, input.sharing));
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
  await ctx.audit({ action: 'library.create', objectType: OBJECT, objectId: row.id, objectOwner: ctx.actor.member, details: { title: input.title } });
  return get(ctx, row.id);
}

/** Only the owner changes a record; another member that may see it is refused, one that may not gets 404. */
async function ownRecord(ctx: Ctx, id: string): Promise<DocumentRow> {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findDocument(ctx, id, { forUpdate: true })) ?? (await findDocument(ctx, id));
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) throw forbidden('Only the owner changes or removes its records.');
  return row;
}

export async function update(ctx: Ctx, id: string, input: DocumentUpdate) {
  await ownRecord(ctx, id);
  const sharing: SharingInput | undefined = input.sharing;
  if (sharing) assertNoFieldErrors(await validateSharing(ctx.tx, ctx.actor.member, sharing));
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
  const row = await ownRecord(ctx, id);
  await ctx.tx.query(sql`DELETE FROM library_documents WHERE id = ${id}`);
  await ctx.audit({ action: 'library.delete', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: row.title } });
}
