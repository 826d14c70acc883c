import type { Actor } from '../../platform/auth/actor.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { conflict, forbidden, type Problem } from '../../platform/errors.js';
import { mayAddTo, mayPassOn } from '../../platform/sharing/rule.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/**
 * The rules of a bulletin, in one place: the service enforces them (`assertMay`) and the presenter
 * returns them as abilities. Whether the actor may see it at all is the sharing rule's question.
 */
export type BulletinAct = 'correct' | 'respond';

/** What the rules read of a bulletin: its owner and audience, and whether it is a draft. */
type Access = Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'> & { draft?: boolean };

function refusal(actor: Actor, row: Access, act: BulletinAct): Problem | null {
  switch (act) {
    case 'correct':
      if (row.owner !== actor.member) return forbidden('Only the owner corrects its bulletins or adds attachments.');
      return roleAllows(actor.roles, 'bulletins.write') ? null : forbidden();
    case 'respond':
      if (!roleAllows(actor.roles, 'bulletins.respond')) return forbidden();
      // A comment on a draft would greet its audience once it is published: a draft takes none, nor acknowledgements.
      if (row.draft) return conflict('A draft takes no comments or acknowledgements until it is published.');
      // A recipient whose only way to it is a group that has ended reads it, and adds nothing to it.
      return mayAddTo(actor, row) ? null : forbidden('The group ended; it is read-only.');
    default: {
      const unknown: never = act;
      return unknown;
    }
  }
}

export function assertMay(actor: Actor, row: Access, act: BulletinAct): void {
  const problem = refusal(actor, row, act);
  if (problem) throw problem;
}

export function bulletinAbilities(actor: Actor, row: SharingRow & { draft?: boolean }): { correct: boolean; respond: boolean; passOn: boolean } {
  return { correct: refusal(actor, row, 'correct') === null, respond: refusal(actor, row, 'respond') === null, passOn: mayPassOn(actor, row) };
}
