import type { Actor } from '../../platform/auth/actor.js';
import { roleAllows } from '../../platform/auth/roles.js';
import { conflict, forbidden, type Problem } from '../../platform/errors.js';
import type { DocumentRow, HitRow } from './queries.js';

/**
 * The rules of the register's records and of hits, in one place: services enforce them
 * (`assertMayDocument`, `assertMayHit`) and presenters return them as abilities. Whether the actor
 * may see the record at all is the sharing rule's question, asked before.
 */
export type DocumentAct = 'change' | 'cancel' | 'confirm' | 'reject';

const DOCUMENT_RULES: Record<DocumentAct, { state: DocumentRow['state']; what: string }> = {
  change: { state: 'active', what: 'changed' },
  cancel: { state: 'active', what: 'cancelled' },
  confirm: { state: 'pending-confirmation', what: 'decided' },
  reject: { state: 'pending-confirmation', what: 'decided' },
};

function documentRefusal(actor: Actor, row: Pick<DocumentRow, 'owner' | 'state'>, act: DocumentAct): Problem | null {
  const rule = DOCUMENT_RULES[act];
  if (row.owner !== actor.member) return forbidden('Only the issuing member changes its documents.');
  if (!roleAllows(actor.roles, 'documents.write')) return forbidden();
  if (row.state !== rule.state) return conflict(`A ${row.state} record cannot be ${rule.what}; it must be ${rule.state}.`);
  return null;
}

export function assertMayDocument(actor: Actor, row: Pick<DocumentRow, 'owner' | 'state'>, act: DocumentAct): void {
  const problem = documentRefusal(actor, row, act);
  if (problem) throw problem;
}

export function documentAbilities(actor: Actor, row: Pick<DocumentRow, 'owner' | 'state'>): Record<DocumentAct, boolean> {
  const may = (act: DocumentAct): boolean => documentRefusal(actor, row, act) === null;
  return { change: may('change'), cancel: may('cancel'), confirm: may('confirm'), reject: may('reject') };
}

/** The issuer answers a pending hit; either side of a hit the issuer did not deny reads the holder (step two). */
export type HitAct = 'answer' | 'holder';

function hitRefusal(actor: Actor, row: Pick<HitRow, 'owner' | 'checker' | 'outcome'>, act: HitAct): Problem | null {
  if (act === 'holder') {
    if (row.outcome === 'denied') return conflict('The issuer denied this hit: the holder details are not disclosed.');
    return row.owner === actor.member || row.checker === actor.member ? null : forbidden();
  }
  if (row.owner !== actor.member) return forbidden('Only the issuing member answers a hit on its document.');
  if (!roleAllows(actor.roles, 'documents.answer')) return forbidden();
  if (row.outcome !== 'pending') return conflict(`This hit was already answered (${row.outcome}).`);
  return null;
}

export function assertMayHit(actor: Actor, row: Pick<HitRow, 'owner' | 'checker' | 'outcome'>, act: HitAct): void {
  const problem = hitRefusal(actor, row, act);
  if (problem) throw problem;
}

export function hitAbilities(actor: Actor, row: Pick<HitRow, 'owner' | 'checker' | 'outcome'>): Record<HitAct, boolean> {
  return { answer: hitRefusal(actor, row, 'answer') === null, holder: hitRefusal(actor, row, 'holder') === null };
}
