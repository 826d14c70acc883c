import type { Actor } from '../../platform/auth/actor.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { forbidden, type Problem } from '../../platform/errors.js';
import { mayPassOn } from '../../platform/sharing/rule.js';
import type { DocumentRow } from './queries.js';

/**
 * The rules of a library document, in one place: the service enforces them (`assertMay`) and the
 * presenter returns them as abilities. Whether the actor may see it is the sharing rule's question.
 */
export type LibraryAct = 'update' | 'delete';

function refusal(actor: Actor, row: Pick<DocumentRow, 'owner'>): Problem | null {
  if (row.owner !== actor.member) return forbidden('Only the owner changes or removes its records.');
  if (!roleAllows(actor.roles, 'library.write')) return forbidden();
  return null;
}

export function assertMay(actor: Actor, row: Pick<DocumentRow, 'owner'>, _act: LibraryAct): void {
  const problem = refusal(actor, row);
  if (problem) throw problem;
}

export function libraryAbilities(actor: Actor, row: DocumentRow): { update: boolean; delete: boolean; passOn: boolean } {
  const own = refusal(actor, row) === null;
  return { update: own, delete: own, passOn: mayPassOn(actor, row) };
}

/**
 * What a document's presentation depends on besides the document: whether the viewer's member owns
 * it and, if so, whether the viewer may change it. Every other member is shown the same.
 */
export function viewOf(actor: Actor, row: Pick<DocumentRow, 'owner'>): 'other' | 'owner' | 'owner-writer' {
  if (row.owner !== actor.member) return 'other';
  return refusal(actor, row) === null ? 'owner-writer' : 'owner';
}
