import type { AuditAction } from '../../../platform/audit/writer.js';
import type { Ctx } from '../../../platform/context.js';
import type { Sql } from '../../../platform/db/sql.js';
import { invalid, notFound, Problem, type FieldError } from '../../../platform/errors.js';
import { notifyUsers, type NotificationKind } from '../../../platform/notify/inbox.js';
import { TLP_LEVELS, type Tlp } from '../../../platform/sharing/codes.js';
import type { SharingRow } from '../../../platform/sharing/model.js';
import type { ReportStatus } from '../schemas.js';
import { refusalOf, type ReportAct } from './policy.js';
import { offerReports } from './entities.js';
import { approvedBy, approversOf, findBulkCandidates, findOwnMatching, setStatusOfMany, submittedBy, type BulkCandidate } from './queries.js';
import { BULK_LIMIT, type BulkBody, type BulkRefusal, type BulkResult } from './schemas.js';
import { notifyApproved, notifyApprovers, settleApprovalNotices } from './service.js';

/**
 * Submitting and approving many reports at once: a selection of ids, or the actor's member's reports
 * matching the list's filter. One transaction, one UPDATE, one audit row naming every report acted
 * on. Each report is judged by the same rules as one at a time (policy.ts, four eyes included); an id
 * the actor may not see is refused exactly like one that does not exist. All or nothing unless
 * `partial`; `dryRun` says what would happen.
 */

export type BulkAct = Extract<ReportAct, 'submit' | 'approve'>;

const ACTS: Record<BulkAct, { from: ReportStatus; set: (userId: string) => Sql; audit: AuditAction; done: string; verb: string }> = {
  submit: { from: 'draft', set: submittedBy, audit: 'reports.bulk-submit', done: 'submitted', verb: 'submit' },
  approve: { from: 'submitted', set: approvedBy, audit: 'reports.bulk-approve', done: 'approved', verb: 'approve' },
};

interface Selection {
  /** The reports asked for, in order: an id as sent (lower case), with its report when the actor may see it. */
  asked: { id: string; pointer: string; report: BulkCandidate | undefined }[];
}

/** The ids sent, each once, lower case (as the database writes them). */
function distinctIds(ids: readonly string[]): string[] {
  const first = new Map<string, number>();
  const errors: FieldError[] = [];
  ids.forEach((sent, index) => {
    const id = sent.toLowerCase();
    const earlier = first.get(id);
    if (earlier === undefined) first.set(id, index);
    else errors.push({ pointer: `/ids/${index}`, detail: `repeats /ids/${earlier}; send each report once` });
  });
  if (errors.length > 0) throw invalid(errors);
  return [...first.keys()];
}

async function select(ctx: Ctx, body: BulkBody, lock: boolean): Promise<Selection> {
  if ((body.ids === undefined) === (body.filter === undefined)) {
    throw invalid([{ pointer: body.ids ? '/filter' : '/ids', detail: 'send either ids or filter, not both and not neither' }]);
  }
  if (body.ids) {
    const ids = distinctIds(body.ids);
    const found = new Map((await findBulkCandidates(ctx, ids, lock)).map((report) => [report.id, report]));
    return { asked: ids.map((id, index) => ({ id, pointer: `/ids/${index}`, report: found.get(id) })) };
  }
  const matching = await findOwnMatching(ctx, body.filter ?? {}, BULK_LIMIT);
  if (matching.length > BULK_LIMIT) {
    throw invalid([{ pointer: '/filter', detail: `matches more than ${BULK_LIMIT.toLocaleString('en')} of your member's reports; narrow it (status, dates, incident type)` }]);
  }
  if (!lock) return { asked: matching.map((report) => ({ id: report.id, pointer: '/filter', report })) };
  // Locked as a selection of ids is (in the order of the ids), and judged as they are once locked.
  const locked = new Map((await findBulkCandidates(ctx, matching.map((report) => report.id), true)).map((report) => [report.id, report]));
  return { asked: matching.map(({ id }) => ({ id, pointer: '/filter', report: locked.get(id) })) };
}

/** Why each report cannot be acted on; a report the actor may not see is refused as one that does not exist. */
function judge(ctx: Ctx, act: BulkAct, selection: Selection): { acting: BulkCandidate[]; refused: (BulkRefusal & { pointer: string })[] } {
  const acting: BulkCandidate[] = [];
  const refused: (BulkRefusal & { pointer: string })[] = [];
  for (const { id, pointer, report } of selection.asked) {
    if (!report) {
      refused.push({ id, pointer, reason: 'not-found', detail: notFound().detail });
      continue;
    }
    const refusal = refusalOf(ctx.actor, report, act);
    if (refusal) refused.push({ id, pointer, reason: refusal.reason, detail: refusal.detail });
    else acting.push(report);
  }
  return { acting, refused };
}

function countsByReason(refused: readonly BulkRefusal[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const refusal of refused) counts[refusal.reason] = (counts[refusal.reason] ?? 0) + 1;
  return counts;
}

function refusedProblem(act: BulkAct, asked: number, refused: readonly (BulkRefusal & { pointer: string })[]): Problem {
  const { done, verb } = ACTS[act];
  const reasons = Object.entries(countsByReason(refused)).map(([reason, count]) => `${count} ${reason}`).join(', ');
  return new Problem(
    409,
    'Bulk act refused',
    `${refused.length} of ${asked} reports cannot be ${done} (${reasons}), so none was. Correct the selection, or send "partial": true to ${verb} the others.`,
    refused.map((refusal) => ({
      pointer: refusal.pointer,
      detail: refusal.pointer === '/filter' ? `report ${refusal.id}: ${refusal.detail}` : refusal.detail,
    })),
  );
}

/**
 * The marking of a notification about many of the member's reports: its own member only, at the
 * strictest TLP among them (it names none of their content, only how many).
 */
function summarySource(member: string, reports: readonly BulkCandidate[]): SharingRow {
  const tlp = reports.reduce<Tlp>((strictest, report) => (TLP_LEVELS.indexOf(report.tlp) > TLP_LEVELS.indexOf(strictest) ? report.tlp : strictest), 'CLEAR');
  return { owner: member, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp, handling: [], handling_note: null, evaluation_source: null, evaluation_information: null };
}

async function notifySummary(ctx: Ctx, userIds: readonly string[], kind: NotificationKind, title: string, body: string, reports: readonly BulkCandidate[]): Promise<void> {
  await notifyUsers(ctx.tx, { userIds, kind, title, body, source: summarySource(ctx.actor.member, reports) });
}

/**
 * The notifications one act at a time would send, one per person instead of one per report: one
 * report, the same notice as its own act; several, one notice with their number.
 */
async function notify(ctx: Ctx, act: BulkAct, reports: readonly BulkCandidate[]): Promise<void> {
  const [only] = reports;
  if (!only) return;
  const name = ctx.actor.name;
  if (act === 'submit') {
    if (reports.length === 1) return notifyApprovers(ctx, only.id);
    const approvers = (await approversOf(ctx, ctx.actor.member)).filter((userId) => userId !== ctx.actor.userId);
    return notifySummary(ctx, approvers, 'report.submitted', `${reports.length} reports wait for your approval`, `${name} submitted ${reports.length} reports.`, reports);
  }
  const bySubmitter = new Map<string, BulkCandidate[]>();
  for (const report of reports) {
    if (report.submitted_by && report.submitted_by !== ctx.actor.userId) bySubmitter.set(report.submitted_by, [...(bySubmitter.get(report.submitted_by) ?? []), report]);
  }
  for (const [submitter, theirs] of bySubmitter) {
    const [one] = theirs;
    if (theirs.length === 1 && one) await notifyApproved(ctx, one);
    else await notifySummary(ctx, [submitter], 'report.approved', `${theirs.length} of your reports were approved and shared`, `${name} approved ${theirs.length} reports you submitted.`, theirs);
  }
}

/** Submits or approves the selected reports (see the top of this file). */
export async function bulk(ctx: Ctx, act: BulkAct, body: BulkBody): Promise<BulkResult> {
  const dryRun = body.dryRun ?? false;
  const selection = await select(ctx, body, !dryRun);
  const { acting, refused } = judge(ctx, act, selection);
  const asked = selection.asked.length;
  if (refused.length > 0 && !body.partial && !dryRun) throw refusedProblem(act, asked, refused);
  const ids = acting.map((report) => report.id);
  const result: BulkResult = { act, dryRun, selected: asked, done: ids.length, ids, refused: refused.map(({ id, reason, detail }) => ({ id, reason, detail })) };
  if (dryRun || ids.length === 0) return result;

  const { from, set, audit } = ACTS[act];
  const changed = await setStatusOfMany(ctx, ids, from, set(ctx.actor.userId));
  // The rows are locked since they were judged: another count is a fault of ours, and rolls back.
  if (changed !== ids.length) throw new Error(`bulk ${act}: ${changed} of ${ids.length} reports changed`);
  // Approved reports' vessels take their sharing (a submission changes no one's view of them).
  if (act === 'approve') await offerReports(ctx.tx, ids, { withVesselsOnly: true });
  await ctx.audit({
    action: audit,
    objectType: 'report',
    objectOwner: ctx.actor.member,
    details: {
      selection: body.ids ? 'ids' : 'filter',
      ...(body.filter ? { filter: body.filter } : {}),
      partial: body.partial ?? false,
      count: ids.length,
      reports: ids,
      refused: countsByReason(refused),
    },
  });
  if (act === 'approve') await settleApprovalNotices(ctx, ids);
  await notify(ctx, act, acting);
  return result;
}
