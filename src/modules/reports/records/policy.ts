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

/** Why the actor may not do `act` to the report, or null when it may. */
function refusal(actor: Actor, row: Subject, act: ReportAct): Problem | null {
  const rule = RULES[act];
  if (row.owner !== actor.member) return forbidden('Only the owner member acts on its reports.');
  if (!roleAllows(actor.roles, rule.action)) return forbidden();
  if (!rule.from.includes(row.status)) return conflict(`A ${row.status} report cannot be ${rule.what}; it must be ${rule.from.join(' or ')}.`);
  // Four eyes: whoever submitted a report does not approve it too.
  if (act === 'approve' && row.submitted_by === actor.userId) return forbidden('You submitted this report; another approver of your member approves it.');
  return null;
}

/** Throws the refusal (403 or 409) when the actor may not do `act` to the report. */
export function assertMay(actor: Actor, row: Subject, act: ReportAct): void {
  const problem = refusal(actor, row, act);
  if (problem) throw problem;
}

/** What the actor may do with a report. */
export function reportAbilities(actor: Actor, row: ReportRecord): ReportAbilities {
  const may = (act: ReportAct): boolean => refusal(actor, row, act) === null;
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
