/**
 * Alerts on unusual activity (ASVS 8.1.4, 11.1.7, 11.1.8), from the audit trail, which every process
 * writes: every minute, each process counts the current and the last fixed window
 * (`LINTAS_ALERT_WINDOW_MINUTES`) by three rules, and a count at its threshold or past it is an
 * alert, raised once per rule, subject and window (a unique row in `audit_alerts`) by whichever
 * process finds it first.
 *
 * - Refused requests from one address (a flood, a scan, guessing tokens or passwords): the
 *   secretariat, which runs the platform, is told.
 * - Failed sign-ins to one account (someone guessing its password): its member's member-admins and
 *   the secretariat, which manages every member's users.
 * - Acts of one user on one other member's records (scraping what is shared, or a stolen session
 *   doing so): the member-admins of the member whose records they are, who see each of those acts in
 *   "Who read my records", and of the user's member, which may read those records itself. Each owner
 *   is counted apart, so one member's records never make another's alert, and no one is told a count
 *   of records their member may not read. The secretariat is not told (unless it is one of them).
 *
 * Those told get an inbox item and an e-mail naming the rule, the count, the threshold and the acts
 * by kind; the alert is an audit row (`audit.alert`) and a log line at level warn.
 */
import type { FastifyBaseLogger } from 'fastify';
import { appendAudit } from '../../platform/audit/writer.js';
import type { Platform } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';
import type { RefusalAction } from '../../platform/http/refusals.js';
import { repeat, type RepeatingJob } from '../../platform/jobs.js';
import { notifyUsers } from '../../platform/notify/inbox.js';
import { enqueueEmails } from '../../platform/notify/outbox.js';
import { alertSettings } from './settings.js';

/** The advisory lock that lets one process count at a time (an arbitrary, fixed key). */
const ALERTS_LOCK = 7_301_190_057;

export type AlertRule = 'refused-requests' | 'sign-in-failures' | 'others-records';

/** Every refusal the audit trail counts (platform/http/refusals.ts), and failed sign-ins. */
const REFUSALS = Object.keys({
  'auth.token-refused': true, 'auth.csrf-refused': true, 'auth.throttled': true, 'access.role-refused': true, 'request.invalid': true, 'route.unknown': true,
} satisfies Record<RefusalAction, true>);
const REFUSED = [...REFUSALS, 'auth.sign-in-failed'];

interface Finding {
  rule: AlertRule;
  /** What the count is of: an address, a user id, or a user id and the owner member. */
  subject: string;
  observed: number;
  threshold: number;
  /** The count by audit action. */
  actions: Record<string, number>;
  title: string;
  /** Who is told: the secretariat, and the member-admins of these members. */
  secretariat: boolean;
  admins: string[];
  setting: string;
}

interface Recipient {
  id: string;
  email: string;
  name: string;
  member: string;
}

const minuteOf = (at: Date): string => at.toISOString().slice(0, 16).replace('T', ' ');
const byAction = (actions: Record<string, number>): string =>
  Object.entries(actions)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([action, n]) => `${action} ${n}`)
    .join(', ');

async function findings(tx: Tx, start: Date, end: Date, minutes: number, thresholds: ReturnType<typeof alertSettings.of>): Promise<Finding[]> {
  const found: Finding[] = [];
  const window = sql`a.at >= ${start} AND a.at < ${end}`;
  if (thresholds.refusedPerAddress > 0) {
    // A count row of the refusal ledger stands for `details.count` refusals after its source's first.
    const rows = await tx.query<{ address: string; observed: number; actions: Record<string, number> }>(sql`
      WITH by_action AS (
        SELECT a.address, a.action, sum(CASE WHEN a.details ? 'count' THEN (a.details->>'count')::int ELSE 1 END)::int AS n
        FROM audit_log a WHERE ${window} AND a.action = ANY (${REFUSED}::text[]) AND a.address IS NOT NULL
        GROUP BY a.address, a.action)
      SELECT address, sum(n)::int AS observed, jsonb_object_agg(action, n) AS actions FROM by_action
      GROUP BY address HAVING sum(n) >= ${thresholds.refusedPerAddress} ORDER BY address`);
    for (const row of rows) {
      found.push({
        rule: 'refused-requests', subject: row.address, observed: row.observed, threshold: thresholds.refusedPerAddress, actions: row.actions,
        title: `Unusual activity: ${row.observed} refused requests from ${row.address} in ${minutes} minutes`,
        secretariat: true, admins: [], setting: 'LINTAS_ALERT_REFUSED',
      });
    }
  }
  if (thresholds.signInFailuresPerAccount > 0) {
    const rows = await tx.query<{ user_id: string; email: string; member: string; observed: number; actions: Record<string, number> }>(sql`
      SELECT u.id AS user_id, u.email, u.member, sum(r.n)::int AS observed, jsonb_object_agg(r.reason, r.n) AS actions
      FROM (SELECT a.object_id, coalesce(a.details->>'reason', 'failed') AS reason, count(*)::int AS n
            FROM audit_log a WHERE ${window} AND a.action = 'auth.sign-in-failed' AND a.object_id IS NOT NULL
            GROUP BY a.object_id, a.details->>'reason') r
      JOIN users u ON u.id::text = r.object_id
      GROUP BY u.id, u.email, u.member HAVING sum(r.n) >= ${thresholds.signInFailuresPerAccount} ORDER BY u.email`);
    for (const row of rows) {
      found.push({
        rule: 'sign-in-failures', subject: row.user_id, observed: row.observed, threshold: thresholds.signInFailuresPerAccount, actions: row.actions,
        title: `Unusual activity: ${row.observed} failed sign-ins to ${row.email} in ${minutes} minutes`,
        secretariat: true, admins: [row.member], setting: 'LINTAS_ALERT_SIGNIN_FAILURES',
      });
    }
  }
  if (thresholds.actsPerOwner > 0) {
    // Each act names its record's owner (one record) or owners (a list, a search, an export): it
    // counts once for each owner other than the acting member. The pairs past the threshold are
    // found first, then only their acts are counted by kind.
    const rows = await tx.query<{ user_id: string; user_name: string; member: string; owner: string; owner_name: string; observed: number; actions: Record<string, number> }>(sql`
      WITH acts AS MATERIALIZED (
        SELECT user_id, member, owner, action FROM (
          SELECT a.user_id, a.member, a.object_owner AS owner, a.action FROM audit_log a
          WHERE ${window} AND a.user_id IS NOT NULL AND a.object_owners = '{}' AND a.object_owner <> a.member
          UNION ALL
          SELECT a.user_id, a.member, unnest(a.object_owners), a.action FROM audit_log a
          WHERE ${window} AND a.user_id IS NOT NULL AND a.object_owners <> '{}') each_owner
        WHERE owner <> member),
      past AS (SELECT user_id, owner FROM acts GROUP BY user_id, owner HAVING count(*) >= ${thresholds.actsPerOwner}),
      by_action AS (
        SELECT acts.user_id, acts.member, acts.owner, acts.action, count(*)::int AS n
        FROM acts JOIN past USING (user_id, owner) GROUP BY acts.user_id, acts.member, acts.owner, acts.action)
      SELECT b.user_id, u.name AS user_name, b.member, b.owner, m.name AS owner_name, sum(b.n)::int AS observed, jsonb_object_agg(b.action, b.n) AS actions
      FROM by_action b JOIN users u ON u.id = b.user_id JOIN members m ON m.code = b.owner
      GROUP BY b.user_id, u.name, b.member, b.owner, m.name ORDER BY b.owner, b.user_id`);
    for (const row of rows) {
      found.push({
        rule: 'others-records', subject: `${row.user_id}:${row.owner}`, observed: row.observed, threshold: thresholds.actsPerOwner, actions: row.actions,
        title: `Unusual activity: ${row.user_name} (${row.member}) acted on records of ${row.owner_name} (${row.owner}) ${row.observed} times in ${minutes} minutes`,
        secretariat: false, admins: [row.owner, row.member], setting: 'LINTAS_ALERT_OTHERS_RECORDS',
      });
    }
  }
  return found;
}

async function recipientsOf(tx: Tx, finding: Finding): Promise<Recipient[]> {
  return tx.query<Recipient>(sql`
    SELECT id, email, name, member FROM users
    WHERE NOT disabled AND ((${finding.secretariat} AND 'secretariat' = ANY (roles)) OR ('member-admin' = ANY (roles) AND member = ANY (${finding.admins}::text[])))
    ORDER BY member, email`);
}

/** Raises the alerts of the windows holding `now` and the minute before it; returns how many were new. */
export async function raiseAlerts(platform: Platform, log?: Pick<FastifyBaseLogger, 'warn'>, now = new Date()): Promise<number> {
  const thresholds = alertSettings.of(platform.config);
  const minutes = Math.max(1, thresholds.windowMinutes);
  const length = minutes * 60_000;
  const current = Math.floor(now.getTime() / length) * length;
  // The last window too, while its last minute may not have been counted yet.
  const starts = now.getTime() - current < 60_000 ? [current - length, current] : [current];
  let raised = 0;
  for (const start of starts) {
    raised += await platform.db.ownerTransaction(async (tx) => {
      // One process counts at a time; the others skip this minute (the unique key would keep their
      // alerts from being raised twice anyway, but the count is the cost: about half a second a
      // minute for 250,000 audit rows in a window on a server).
      if (!(await tx.one<{ mine: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${ALERTS_LOCK}) AS mine`)).mine) return 0;
      const from = new Date(start);
      const to = new Date(start + length);
      let fresh = 0;
      for (const finding of await findings(tx, from, to, minutes, thresholds)) {
        const alert = await tx.maybeOne<{ id: string }>(sql`
          INSERT INTO audit_alerts (rule, subject, window_start, observed, threshold)
          VALUES (${finding.rule}, ${finding.subject}, ${from}, ${finding.observed}, ${finding.threshold})
          ON CONFLICT (rule, subject, window_start) DO NOTHING RETURNING id`);
        if (!alert) continue;
        fresh++;
        const when = `${minuteOf(from)} to ${minuteOf(to)} UTC`;
        const body = `Between ${when}: ${byAction(finding.actions)}. The threshold is ${finding.threshold} (${finding.setting}). The audit trail holds each act.`;
        const recipients = await recipientsOf(tx, finding);
        for (const member of new Set(recipients.map((recipient) => recipient.member))) {
          await notifyUsers(tx, {
            userIds: recipients.filter((recipient) => recipient.member === member).map((recipient) => recipient.id),
            kind: 'audit.alert',
            title: finding.title,
            body,
            // Each member's own item.
            source: { owner: member, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null },
          });
        }
        await enqueueEmails(
          tx,
          recipients.map((recipient) => ({
            mail: { to: recipient.email, subject: `Lintas: ${finding.title}`, text: `Hello ${recipient.name},\n\n${finding.title}.\n\n${body}\n` },
            options: { key: `alert:${alert.id}:${recipient.id}` },
          })),
        );
        await appendAudit(tx, { requestId: 'lintas-alerts' }, [{
          action: 'audit.alert', objectType: 'audit-alert', objectId: alert.id,
          details: { rule: finding.rule, subject: finding.subject, observed: finding.observed, threshold: finding.threshold, windowStart: from.toISOString(), actions: finding.actions, told: recipients.length },
        }]);
        log?.warn({ alert: { id: alert.id, rule: finding.rule, subject: finding.subject, observed: finding.observed, threshold: finding.threshold, windowStart: from.toISOString() } }, finding.title);
      }
      return fresh;
    });
  }
  return raised;
}

/** Counts every minute until stopped; `onRaised` wakes the outbox. */
export function startAlerts(platform: Platform, log: FastifyBaseLogger, onRaised: () => void, everyMs = 60_000): RepeatingJob {
  return repeat(
    async () => {
      if ((await raiseAlerts(platform, log)) > 0) onRaised();
    },
    { everyMs, onError: (error) => log.error({ err: error }, 'the unusual-activity alerts failed; they count again within a minute') },
  );
}
