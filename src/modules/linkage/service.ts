import { readEvent } from '../../platform/audit/writer.js';
import type { Ctx } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import { assertNoFieldErrors, notFound } from '../../platform/errors.js';
import { pageOf } from '../../platform/http/pagination.js';
import { presentSharing, sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { keysOf, keysOfAll, presentKey } from './entity-input.js';
import { assertMayChange, leadAbilities } from './policy.js';
import { findLead, listLeads, type LeadRow } from './queries.js';
import type { LeadCreate, LeadUpdate, ListQuery, NormaliseRequest } from './schemas.js';
import { kickMatcher } from './matcher.js';
import { linkageSettings } from './settings.js';
import { linksOf, removeRecordEntities, setRecordEntities, type RecordRef } from './store.js';

export const OBJECT = 'linkage-lead';
const leadRef = (id: string): RecordRef => ({ module: 'linkage', recordType: 'lead', id });

/** When retention deletes a lead changed at `updatedAt`, unless it is changed again; null where leads are kept for good. */
function keptUntil(ctx: Ctx, updatedAt: Date): string | null {
  const days = linkageSettings.of(ctx.platform.config).retentionDays;
  return days === 0 ? null : new Date(updatedAt.getTime() + days * 86_400_000).toISOString();
}

function presentItem(ctx: Ctx, row: LeadRow) {
  return {
    id: row.id,
    title: row.title,
    subject: row.subject,
    country: row.country,
    ...presentSharing(ctx.actor, row),
    namedInHits: row.named_in_hits,
    entityCount: row.entities.length,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    keptUntil: keptUntil(ctx, row.updated_at),
    abilities: leadAbilities(ctx.actor, row),
  };
}

export async function list(ctx: Ctx, query: ListQuery) {
  const limit = query.limit ?? 50;
  const page = pageOf(await listLeads(ctx, query, limit), limit, (row) => [row.id]);
  const event = readEvent('linkage.lead-list', OBJECT, ctx.actor.member, page.rows);
  if (event) await ctx.audit(event);
  return { data: page.rows.map((row) => presentItem(ctx, row)), next: page.next };
}

/** A lead with its entities' keys and the links the viewer may see; reading another member's lead, or links to others' records, is on the record. */
export async function get(ctx: Ctx, id: string) {
  const row = await findLead(ctx, id);
  if (!row) throw notFound();
  if (row.owner !== ctx.actor.member) await ctx.audit({ action: 'linkage.lead-read', objectType: OBJECT, objectId: id, objectOwner: row.owner });
  const links = await linksOf(ctx, leadRef(id), linkageSettings.of(ctx.platform.config).nameSimilarity / 100);
  const event = readEvent('linkage.links-read', 'linkage-record', ctx.actor.member, links.map((link) => ({ id: link.record_id, owner: link.owner })), { from: id });
  if (event) await ctx.audit(event);
  const item = presentItem(ctx, row);
  const data = {
    ...item,
    narrative: row.narrative,
    entities: row.entities.map((entity, index) => ({ entity, keys: keysOf(entity, `/entities/${index}`, row.country ?? undefined).keys.map(presentKey) })),
    links: links.map((link) => ({
      kind: link.kind,
      key: link.key,
      score: Math.round(link.score * 1000) / 1000,
      record: link.record,
    })),
  };
  return { data, abilities: item.abilities };
}

export async function create(ctx: Ctx, input: LeadCreate) {
  const country = input.country ?? null;
  const entities = input.entities ?? [];
  const { keys, errors } = keysOfAll(entities, '/entities', country ?? undefined);
  assertNoFieldErrors([...errors, ...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing))]);
  const s = sharingValues(input.sharing);
  const namedInHits = input.namedInHits ?? true;
  const row = await ctx.tx.one<{ id: string }>(sql`
    INSERT INTO linkage_leads (title, subject, narrative, country, entities, named_in_hits, created_by,
      owner, audience_kind, audience_members, audience_groups, tlp, handling, handling_note, evaluation_source, evaluation_information)
    VALUES (${input.title}, ${input.subject}, ${input.narrative ?? ''}, ${country}, ${JSON.stringify(entities)}::jsonb, ${namedInHits}, ${ctx.actor.userId},
      ${ctx.actor.member}, ${s.audience_kind}, ${s.audience_members}, ${s.audience_groups}, ${s.tlp}, ${s.handling}, ${s.handling_note},
      ${s.evaluation_source}, ${s.evaluation_information})
    RETURNING id`);
  await setRecordEntities(ctx.tx, [{ record: leadRef(row.id), access: { owner: ctx.actor.member, ...s }, namedInHits, keys: keys.flat() }]);
  ctx.afterCommit(() => kickMatcher(ctx.platform));
  await ctx.audit({ action: 'linkage.lead-create', objectType: OBJECT, objectId: row.id, objectOwner: ctx.actor.member, details: { title: input.title, entities: entities.length } });
  return get(ctx, row.id);
}

/** The lead the actor changes, locked: another member that may see it is refused, one that may not gets 404. */
async function leadFor(ctx: Ctx, id: string): Promise<LeadRow> {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findLead(ctx, id, { forUpdate: true })) ?? (await findLead(ctx, id));
  if (!row) throw notFound();
  assertMayChange(ctx.actor, row);
  return row;
}

export async function update(ctx: Ctx, id: string, input: LeadUpdate) {
  const row = await leadFor(ctx, id);
  const country = input.country === undefined ? row.country : input.country;
  const entities = input.entities ?? row.entities;
  const { keys, errors } = keysOfAll(entities, '/entities', country ?? undefined);
  assertNoFieldErrors([...errors, ...(input.sharing ? await validateSharing(ctx.tx, ctx.actor.member, input.sharing, '/sharing', row.audience_groups) : [])]);
  const s = input.sharing ? sharingValues(input.sharing) : undefined;
  const namedInHits = input.namedInHits ?? row.named_in_hits;
  await ctx.tx.query(sql`UPDATE linkage_leads SET
      title = coalesce(${input.title ?? null}, title),
      subject = coalesce(${input.subject ?? null}, subject),
      narrative = coalesce(${input.narrative ?? null}, narrative),
      country = ${country},
      entities = ${JSON.stringify(entities)}::jsonb,
      named_in_hits = ${namedInHits},
      ${s
        ? sql`audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups},
          tlp = ${s.tlp}, handling = ${s.handling}, handling_note = ${s.handling_note},
          evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information},`
        : sql``}
      updated_at = now()
    WHERE id = ${id}`);
  const access = s ? { owner: row.owner, ...s } : row;
  // Entity rows take the lead's keys and, always, its sharing (rule 3).
  await setRecordEntities(ctx.tx, [{ record: leadRef(id), access, namedInHits, keys: keys.flat() }]);
  ctx.afterCommit(() => kickMatcher(ctx.platform));
  await ctx.audit({ action: 'linkage.lead-update', objectType: OBJECT, objectId: id, objectOwner: row.owner, details: { fields: Object.keys(input) } });
  return get(ctx, id);
}

/** Deletes leads with their entity rows, so with their links: the owner's delete, and retention's. */
export async function deleteLeads(tx: Tx, ids: readonly string[]): Promise<void> {
  await removeRecordEntities(tx, ids.map(leadRef));
  await tx.query(sql`DELETE FROM linkage_leads WHERE id = ANY(${ids}::uuid[])`);
}

export async function remove(ctx: Ctx, id: string): Promise<void> {
  const row = await leadFor(ctx, id);
  await deleteLeads(ctx.tx, [id]);
  await ctx.audit({ action: 'linkage.lead-delete', objectType: OBJECT, objectId: id, objectOwner: row.owner, details: { title: row.title } });
}

/** What an entity's keys are, as the officer types it: nothing is looked up, so nothing is learnt. */
export function normalise(input: NormaliseRequest) {
  const { keys, errors } = keysOf(input.entity, '/entity', input.country);
  assertNoFieldErrors(errors);
  return { data: { keys: keys.map(presentKey) } };
}
