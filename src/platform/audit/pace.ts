import type { Ctx } from '../context.js';
import { sql } from '../db/sql.js';
import { Problem } from '../errors.js';

/** The problem type of a decision taken sooner than a person could have looked at what it decides. */
export const DECIDED_TOO_SOON = '/problems/decided-too-soon';

/**
 * Refuses a decision on a request made to the caller's member (to disclose, or not, what it holds)
 * unless the caller opened the request at least `LINTAS_DECISION_MIN_SECONDS` ago (ASVS 11.1.2). The
 * opening is the audit trail's row of the caller reading it (`readAction` on `objectId`), so nothing
 * besides the trail records it; each module indexes its reads for this (a partial index on
 * `audit_log (object_id, user_id)` for its action). The rate limits bound how fast a script can
 * go; this asks that a decision come after someone has had the request in front of them. A client
 * told 409 with this type opens the request (or waits `secondsLeft`) and decides again.
 */
export async function assertHumanPace(ctx: Ctx, readAction: string, objectId: string): Promise<void> {
  const minimum = ctx.platform.config.decisionMinSeconds;
  if (minimum <= 0) return;
  const opened = await ctx.tx.one<{ seconds: number | null }>(sql`SELECT extract(epoch FROM clock_timestamp() - min(at))::float8 AS seconds
    FROM audit_log WHERE object_id = ${objectId} AND user_id = ${ctx.actor.userId} AND action = ${readAction}`);
  if (opened.seconds !== null && opened.seconds >= minimum) return;
  const left = opened.seconds === null ? minimum : Math.max(1, Math.ceil(minimum - opened.seconds));
  const detail =
    opened.seconds === null
      ? `Open the request and look at it before deciding: a decision is taken at least ${minimum} seconds after its decider first opened it.`
      : `Look at the request a little longer: a decision is taken at least ${minimum} seconds after its decider first opened it (${left} s left).`;
  throw new Problem(409, 'Decided too soon', detail, undefined, { type: DECIDED_TOO_SOON, secondsLeft: left }, { 'Retry-After': String(left) });
}

/** What a decision's route says of the pace in the API document. */
export const PACE_DESCRIPTION =
  'A decision is taken at a person’s pace: sooner than LINTAS_DECISION_MIN_SECONDS (5 by default) after you first read the request (its GET), or without reading it, it is a 409 of type /problems/decided-too-soon with `secondsLeft` and Retry-After, and nothing changes.';
