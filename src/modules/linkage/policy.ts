import type { Actor } from '../../platform/auth/actor.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { forbidden, type Problem } from '../../platform/errors.js';
import { mayPassOn } from '../../platform/sharing/rule.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/**
 * The rules of a lead, in one place: the service enforces them and the presenter returns them as
 * abilities. Whether the actor may see it at all is the sharing rule's question (a 404 otherwise).
 */
function refusal(actor: Actor, row: Pick<SharingRow, 'owner'>): Problem | null {
  if (row.owner !== actor.member) return forbidden('Only the owner changes or removes its records.');
  if (!roleAllows(actor.roles, 'linkage.write')) return forbidden();
  return null;
}

export function assertMayChange(actor: Actor, row: Pick<SharingRow, 'owner'>): void {
  const problem = refusal(actor, row);
  if (problem) throw problem;
}

export function leadAbilities(actor: Actor, row: SharingRow): { update: boolean; delete: boolean; passOn: boolean } {
  const own = refusal(actor, row) === null;
  return { update: own, delete: own, passOn: mayPassOn(actor, row) };
}

/** The member told of a match may ask its holder (step two), if its role writes leads. */
export function noticeAbilities(actor: Actor, notice: { told: string }): { ask: boolean } {
  return { ask: notice.told === actor.member && roleAllows(actor.roles, 'linkage.write') };
}

/** The holder's approvers decide a pending request; the asker only reads it. */
export function requestAbilities(actor: Actor, request: { holder: string; status: string }): { grant: boolean; refuse: boolean } {
  const decide = request.holder === actor.member && request.status === 'pending' && roleAllows(actor.roles, 'linkage.disclose');
  return { grant: decide, refuse: decide };
}
