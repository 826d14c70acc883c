import type { Actor } from '../../../platform/auth/actor.js';
import { roleAllows, type Action } from '../../../platform/auth/roles.js';
import { conflict, forbidden, type Problem } from '../../../platform/errors.js';
import { mayPassOn } from '../../../platform/sharing/rule.js';
import type { ReportRecord } from './queries.js';
import type { ReportAbilities } from './schemas.js';
import type { ReportStatus } from '../schemas.js';

/**
 * The rules of a report's workflow, in one place: the service enforces them (`assertMay`) and the
 * presenter returns them as abilities (`reportAbilities`), so the web shows only the buttons that work.
 * Whether the actor may see the report at all is the sharing rule's question, asked before.
 */
export type ReportAct = 'update' | 'submit' | 'approve' | 'return' | 'withdraw' | 'delete';

const RULES: Record<ReportAct, { action: Action; from: readonly ReportStatus[]; what: string }> = {
  update: { action: 'reports.write', from: ['draft', 'submitted', 'shared'], what: 'edited' },
  submit: { action: 'reports.write', from: ['draft'], what: 'submitted' },
  approve: { action: 'reports.approve', from: ['submitted'], what: 'approved' },
  return: { action: 'reports.approve', from: ['submitted'], what: 'returned' },
  withdraw: { action: 'reports.write', from: ['submitted', 'shared'], what: 'withdrawn' },
  delete: { action: 'reports.write', from: ['draft'], what: 'deleted' },
};

type Subject = Pick<ReportRecord, 'owner' | 'status' | 'submitted_by'>;

/** Why an act is refused, as a bulk answer names it per report (`not-found` is decided before: the report is not visible). */
export type RefusalReason = 'not-owner' | 'role' | 'status' | 'four-eyes';

export interface Refusal {
  reason: RefusalReason;
  /** 403 or 409, as the act on one report answers. */
  status: 403 | 409;
  detail: string;
}

/** Why the actor may not do `act` to the report, or null when it may. */
export function refusalOf(actor: Actor, row: Subject, act: ReportAct): Refusal | null {
  const rule = RULES[act];
  if (row.owner !== actor.member) return { reason: 'not-owner', status: 403, detail: 'Only the owner member acts on its reports.' };
  if (!roleAllows(actor.roles, rule.action)) return { reason: 'role', status: 403, detail: 'Your role does not allow this.' };
  if (!rule.from.includes(row.status)) {
    return { reason: 'status', status: 409, detail: `A ${row.status} report cannot be ${rule.what}; it must be ${rule.from.join(' or ')}.` };
  }
  // Four eyes: whoever submitted a report does not approve it too.
  if (act === 'approve' && row.submitted_by === actor.userId) {
    return { reason: 'four-eyes', status: 403, detail: 'You submitted this report; another approver of your member approves it.' };
  }
  return null;
}

function problemOf(refusal: Refusal): Problem {
  return refusal.status === 409 ? conflict(refusal.detail) : forbidden(refusal.detail);
}

/** Throws the refusal (403 or 409) when the actor may not do `act` to the report. */
export function assertMay(actor: Actor, row: Subject, act: ReportAct): void {
  const refusal = refusalOf(actor, row, act);
  if (refusal) throw problemOf(refusal);
}

/** What the actor may do with a report. */
export function reportAbilities(actor: Actor, row: ReportRecord): ReportAbilities {
  const may = (act: ReportAct): boolean => refusalOf(actor, row, act) === null;
  return {
    update: may('update'),
    submit: may('submit'),
    approve: may('approve'),
    return: may('return'),
    withdraw: may('withdraw'),
    delete: may('delete'),
    passOn: mayPassOn(actor, row),
  };
}
