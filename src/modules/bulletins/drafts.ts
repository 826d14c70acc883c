import type { Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { withdrawEntities } from '../../platform/entity-sources.js';
import { assertNoFieldErrors, conflict, notFound } from '../../platform/errors.js';
import type { SharingInput } from '../../platform/sharing/model.js';
import { sharingValues } from '../../platform/sharing/rule.js';
import { validateSharing } from '../../platform/sharing/validate.js';
import { offerBulletin } from './entities.js';
import { tellAboutBulletin } from './notify.js';
import { assertMay } from './policy.js';
import { findBulletin } from './queries.js';
import type { DraftUpdate } from './schemas.js';
import { OBJECT, contentErrors, get, insertVersion, ownerOnly } from './service.js';

/**
 * Drafts: bulletins whose access fields are owner-only, with the sharing they are meant to have kept
 * beside them (`intended_sharing`). Only the owner member's writers edit, publish or delete one;
 * anyone else gets the 404 of a missing bulletin, since a draft is visible to its owner alone.
 */

/** The owner's draft, locked; 404 when the actor may not see it, 403 without the right, 409 when it is published. */
async function ownDraft(ctx: Ctx, id: string) {
  // Row-level security hides from FOR UPDATE the rows a member may see but not change: look again without the lock.
  const row = (await findBulletin(ctx, id, { forUpdate: true })) ?? (await findBulletin(ctx, id));
  if (!row) throw notFound();
  assertMay(ctx.actor, row, 'correct');
  if (!row.draft) throw conflict('The bulletin is published: correct it instead.');
  return row;
}

/** Replaces a draft's content and intended sharing; no version, no notification. */
export async function updateDraft(ctx: Ctx, id: string, input: DraftUpdate) {
  await ownDraft(ctx, id);
  assertNoFieldErrors([...contentErrors(input, true), ...(await validateSharing(ctx.tx, ctx.actor.member, input.sharing))]);
  const s = sharingValues(ownerOnly(input.sharing));
  await ctx.tx.query(sql`UPDATE bulletins SET type = ${input.type}, title = ${input.title}, body = ${input.body}, countries = ${input.countries ?? []},
      places = ${input.places ?? []}, tags = ${input.tags ?? []}, entities = ${JSON.stringify(input.entities ?? [])}::jsonb,
      expires_at = ${input.expiresAt ?? null}::timestamptz, intended_sharing = ${JSON.stringify(input.sharing)}::jsonb,
      tlp = ${s.tlp}, handling = ${s.handling}, handling_note = ${s.handling_note}, evaluation_source = ${s.evaluation_source},
      evaluation_information = ${s.evaluation_information}, updated_at = now()
    WHERE id = ${id}`);
  await offerBulletin(ctx.tx, id);
  await ctx.audit({ action: 'bulletins.draft-edit', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: input.title } });
  return get(ctx, id);
}

/**
 * Publishes a draft: its intended sharing, validated as a new bulletin's is, becomes its access
 * fields; it is issued now (`created_at`), version 1 is recorded and its audience told, as when a
 * bulletin is issued.
 */
export async function publish(ctx: Ctx, id: string) {
  const row = await ownDraft(ctx, id);
  const intended = (typeof row.intended_sharing === 'string' ? JSON.parse(row.intended_sharing) : row.intended_sharing) as SharingInput;
  const content = { countries: row.countries, expiresAt: row.expires_at?.toISOString() ?? null };
  // The draft's fields are named as its view shows them.
  assertNoFieldErrors([...contentErrors(content, true), ...(await validateSharing(ctx.tx, ctx.actor.member, intended, '/intendedSharing'))]);
  const s = sharingValues(intended);
  await ctx.tx.query(sql`UPDATE bulletins SET draft = false, intended_sharing = NULL,
      audience_kind = ${s.audience_kind}, audience_members = ${s.audience_members}, audience_groups = ${s.audience_groups},
      tlp = ${s.tlp}, handling = ${s.handling}, handling_note = ${s.handling_note},
      evaluation_source = ${s.evaluation_source}, evaluation_information = ${s.evaluation_information}, created_at = now(), updated_at = now()
    WHERE id = ${id}`);
  await insertVersion(ctx, id, '');
  await offerBulletin(ctx.tx, id);
  await tellAboutBulletin(ctx, id, 'issued');
  await ctx.audit({ action: 'bulletins.publish', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: row.title } });
  return get(ctx, id);
}

/** Deletes a draft (a published bulletin stays: it is withdrawn by setting its expiry). */
export async function deleteDraft(ctx: Ctx, id: string): Promise<void> {
  const row = await ownDraft(ctx, id);
  await withdrawEntities(ctx.tx, [{ module: 'bulletins', recordType: 'bulletin', id }]);
  await ctx.tx.query(sql`DELETE FROM bulletins WHERE id = ${id}`);
  await ctx.audit({ action: 'bulletins.draft-delete', objectType: OBJECT, objectId: id, objectOwner: ctx.actor.member, details: { title: row.title } });
}
