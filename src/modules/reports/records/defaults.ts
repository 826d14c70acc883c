import type { Ctx } from '../../../platform/context.js';
import { sql } from '../../../platform/db/sql.js';
import { assertNoFieldErrors, notFound } from '../../../platform/errors.js';
import { roleAllows } from '../../../platform/auth/roles.js';
import type { SharingInput } from '../../../platform/sharing/model.js';
import { validateSharing } from '../../../platform/sharing/validate.js';
import type { ReportDefaultsInput } from './schemas.js';

/**
 * A member's default sharing for its new reports: the new-report form starts from it. Each member's
 * own alone (row-level security is owner-only): another member's is not found, and its member-admins
 * alone change it. Until a member sets one, the platform's default holds: its own member only, AMBER,
 * not counted towards regional aggregates.
 */

export const PLATFORM_DEFAULT: ReportDefaultsInput = { sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, countsInRegional: false };

interface DefaultsRow {
  sharing: SharingInput | string;
  counts_in_regional: boolean;
  updated_at: Date;
}

/** Another member's defaults are not found, whatever they are; so is a member that does not exist. */
function assertOwn(ctx: Ctx, member: string): void {
  if (member !== ctx.actor.member) throw notFound();
}

function present(ctx: Ctx, member: string, row: DefaultsRow | undefined) {
  const sharing = row ? (typeof row.sharing === 'string' ? (JSON.parse(row.sharing) as SharingInput) : row.sharing) : PLATFORM_DEFAULT.sharing;
  return {
    data: {
      member,
      sharing,
      countsInRegional: row ? row.counts_in_regional : PLATFORM_DEFAULT.countsInRegional,
      updatedAt: row ? row.updated_at.toISOString() : null,
    },
    abilities: { update: roleAllows(ctx.actor.roles, 'reports.defaults') },
  };
}

async function readDefaults(ctx: Ctx, member: string): Promise<DefaultsRow | undefined> {
  return ctx.tx.maybeOne<DefaultsRow>(sql`SELECT sharing, counts_in_regional, updated_at FROM report_defaults WHERE member = ${member}`);
}

export async function getDefaults(ctx: Ctx, member: string) {
  assertOwn(ctx, member);
  return present(ctx, member, await readDefaults(ctx, member));
}

export async function setDefaults(ctx: Ctx, member: string, input: ReportDefaultsInput) {
  assertOwn(ctx, member);
  assertNoFieldErrors(await validateSharing(ctx.tx, member, input.sharing));
  const row = await ctx.tx.one<DefaultsRow>(sql`
    INSERT INTO report_defaults (member, sharing, counts_in_regional, updated_by, updated_at)
    VALUES (${member}, ${JSON.stringify(input.sharing)}::jsonb, ${input.countsInRegional}, ${ctx.actor.userId}, now())
    ON CONFLICT (member) DO UPDATE SET sharing = excluded.sharing, counts_in_regional = excluded.counts_in_regional,
      updated_by = excluded.updated_by, updated_at = excluded.updated_at
    RETURNING sharing, counts_in_regional, updated_at`);
  await ctx.audit({ action: 'reports.defaults.update', objectType: 'report-defaults', objectId: member, objectOwner: member, details: { ...input } });
  return present(ctx, member, row);
}
