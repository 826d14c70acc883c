import type { Ctx } from '../../../../platform/context.js';
import { sql } from '../../../../platform/db/sql.js';
import { conflict, invalid, notFound } from '../../../../platform/errors.js';
import { validateSharing } from '../../../../platform/sharing/validate.js';
import { mappingErrors } from './mapped.js';
import type { ImportMapping, MappingBody, SavedMapping } from './mapping-schemas.js';

/**
 * Saved column mappings: a member's, reusable by its users who import, and no one else's. Row-level
 * security keeps them to the owner member (migration 0019), and every query names the owner too, so
 * another member's mapping is not found (404), exactly like one that does not exist.
 */

interface MappingRow {
  id: string;
  name: string;
  mapping: ImportMapping;
  created_by: string | null;
  updated_by: string | null;
  created_at: Date;
  updated_at: Date;
}

const present = (row: MappingRow): SavedMapping => ({
  id: row.id,
  name: row.name,
  mapping: typeof row.mapping === 'string' ? (JSON.parse(row.mapping) as ImportMapping) : row.mapping,
  createdBy: row.created_by,
  updatedBy: row.updated_by,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

const COLUMNS = sql`id, name, mapping, created_by, updated_by, created_at, updated_at`;

/** A mapping as it may be saved or used: by itself (mapped.ts) and its default sharing against the directory. */
export async function checkMapping(ctx: Ctx, mapping: ImportMapping, prefix: string): Promise<void> {
  const errors = mappingErrors(mapping, prefix);
  if (mapping.sharing) errors.push(...(await validateSharing(ctx.tx, ctx.actor.member, mapping.sharing, `${prefix}/sharing`)));
  if (errors.length > 0) throw invalid(errors);
}

export async function listMappings(ctx: Ctx): Promise<SavedMapping[]> {
  const rows = await ctx.tx.query<MappingRow>(sql`SELECT ${COLUMNS} FROM report_import_mappings WHERE owner = ${ctx.actor.member} ORDER BY name`);
  return rows.map(present);
}

export async function findMapping(ctx: Ctx, id: string): Promise<SavedMapping> {
  const row = await ctx.tx.maybeOne<MappingRow>(sql`SELECT ${COLUMNS} FROM report_import_mappings WHERE id = ${id} AND owner = ${ctx.actor.member}`);
  if (!row) throw notFound();
  return present(row);
}

export async function createMapping(ctx: Ctx, body: MappingBody): Promise<SavedMapping> {
  await checkMapping(ctx, body.mapping, '/mapping');
  const row = await ctx.tx.maybeOne<MappingRow>(sql`
    INSERT INTO report_import_mappings (owner, name, mapping, created_by, updated_by)
    VALUES (${ctx.actor.member}, ${body.name}, ${JSON.stringify(body.mapping)}::jsonb, ${ctx.actor.userId || null}::uuid, ${ctx.actor.userId || null}::uuid)
    ON CONFLICT (owner, name) DO NOTHING
    RETURNING ${COLUMNS}`);
  if (!row) throw conflict(`Your member has a mapping called "${body.name}" already; choose another name or change that one.`);
  await ctx.audit({ action: 'reports.mapping.create', objectType: 'report-import-mapping', objectId: row.id, objectOwner: ctx.actor.member, details: { name: body.name } });
  return present(row);
}

export async function updateMapping(ctx: Ctx, id: string, body: MappingBody): Promise<SavedMapping> {
  const before = await ctx.tx.maybeOne<{ name: string }>(sql`SELECT name FROM report_import_mappings WHERE id = ${id} AND owner = ${ctx.actor.member} FOR UPDATE`);
  if (!before) throw notFound();
  await checkMapping(ctx, body.mapping, '/mapping');
  const taken = await ctx.tx.maybeOne(sql`SELECT 1 FROM report_import_mappings WHERE owner = ${ctx.actor.member} AND name = ${body.name} AND id <> ${id}`);
  if (taken) throw conflict(`Your member has another mapping called "${body.name}"; choose another name.`);
  const row = await ctx.tx.one<MappingRow>(sql`
    UPDATE report_import_mappings SET name = ${body.name}, mapping = ${JSON.stringify(body.mapping)}::jsonb,
      updated_by = ${ctx.actor.userId || null}::uuid, updated_at = now()
    WHERE id = ${id} AND owner = ${ctx.actor.member}
    RETURNING ${COLUMNS}`);
  await ctx.audit({
    action: 'reports.mapping.update', objectType: 'report-import-mapping', objectId: id, objectOwner: ctx.actor.member,
    details: { name: body.name, ...(before.name !== body.name ? { renamedFrom: before.name } : {}) },
  });
  return present(row);
}

export async function deleteMapping(ctx: Ctx, id: string): Promise<void> {
  const row = await ctx.tx.maybeOne<{ name: string }>(sql`DELETE FROM report_import_mappings WHERE id = ${id} AND owner = ${ctx.actor.member} RETURNING name`);
  if (!row) throw notFound();
  await ctx.audit({ action: 'reports.mapping.delete', objectType: 'report-import-mapping', objectId: id, objectOwner: ctx.actor.member, details: { name: row.name } });
}
