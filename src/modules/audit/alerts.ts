/**
 * Alerts on unusual activity (ASVS 8.1.4, 11.1.7, 11.1.8), from the audit trail, which every process
 * writes: every minute, one process (an advisory lock) adds the rows appended since the last count
 * to counts by three rules over fixed windows (`LINTAS_ALERT_WINDOW_MINUTES`; `audit_alert_counts`,
 * migration 0061), and a count at its threshold or past it is an alert, raised once per rule,
 * subject and window (a unique row in `audit_alerts`).
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

export type AlertRule = 'refused-requests' | 'sign-in-failures' | 'malware' | 'others-records';

/** Every refusal the audit trail counts (platform/http/refusals.ts), and failed sign-ins. */
const REFUSALS = Object.keys({
  'auth.token-refused': true, 'auth.csrf-refused': true, 'auth.throttled': true, 'access.role-refused': true, 'request.invalid': true, 'route.unknown': true, 'upload.malware': true,
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
  /** The window's start. */
  windowStart: Date;
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

/**
 * Adds the rows appended to the trail since the last count (a cursor per lane) to the counts of
 * their windows, by rule, subject and act; rows of windows before `oldest` are passed over. A lane
 * not yet followed starts at its first row of `oldest`'s window.
 */
async function tally(tx: Tx, windowSeconds: number, oldest: Date, thresholds: ReturnType<typeof alertSettings.of>): Promise<void> {
  // Only lanes without a cursor: the first row of the window is found by reading the lane from its
  // start, which for every lane every minute took 0.6-0.9 s of reads on the hour's soak.
  await tx.query(sql`
    INSERT INTO audit_alert_cursor (lane, last_seq)
    SELECT l.lane, coalesce((SELECT min(a.lane_seq) - 1 FROM audit_log a WHERE a.lane = l.lane AND a.at >= ${oldest}), l.last_seq)
    FROM audit_lanes l WHERE NOT EXISTS (SELECT 1 FROM audit_alert_cursor c WHERE c.lane = l.lane)
    ON CONFLICT (lane) DO NOTHING`);
  // A count row of the refusal ledger stands for `details.count` refusals after its source's first.
  // Each act names its record's owner (one record) or owners (a list, a search, an export): it
  // counts once for each owner other than the acting member.
  await tx.query(sql`
    WITH fresh AS MATERIALIZED (
      -- Per lane, a range of its (lane, lane_seq) index. As a plain join (or a lateral one the planner
      -- flattens: OFFSET 0 keeps it apart) PostgreSQL hashes the cursor and scans the whole trail:
      -- 205 ms for a minute's 40,000 rows in 1,000,000, against 150 ms this way, and growing with the trail.
      SELECT a.* FROM audit_alert_cursor c CROSS JOIN LATERAL (
        SELECT a.lane, a.lane_seq, a.at, a.action, a.address, a.details, a.object_id, a.user_id, a.member, a.object_owner, a.object_owners
        FROM audit_log a WHERE a.lane = c.lane AND a.lane_seq > c.last_seq OFFSET 0) a),
    moved AS (
      UPDATE audit_alert_cursor c SET last_seq = f.top FROM (SELECT lane, max(lane_seq) AS top FROM fresh GROUP BY lane) f WHERE c.lane = f.lane),
    windowed AS (
      SELECT *, to_timestamp(floor(extract(epoch FROM at) / ${windowSeconds}::int) * ${windowSeconds}::int) AS window_start FROM fresh WHERE at >= ${oldest}),
    tallies AS (
      SELECT 'refused-requests' AS rule, address AS subject, window_start, action AS act, sum(CASE WHEN details ? 'count' THEN (details->>'count')::int ELSE 1 END)::int AS n
      FROM windowed WHERE ${thresholds.refusedPerAddress > 0}::boolean AND action = ANY (${REFUSED}::text[]) AND address IS NOT NULL
      GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'sign-in-failures', object_id, window_start, coalesce(details->>'reason', 'failed'), count(*)::int
      FROM windowed WHERE ${thresholds.signInFailuresPerAccount > 0}::boolean AND action = 'auth.sign-in-failed' AND object_id IS NOT NULL
      GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'malware', user_id::text, window_start, coalesce(details->>'signature', 'malware'), count(*)::int
      FROM windowed WHERE ${thresholds.malwarePerUser > 0}::boolean AND action = 'upload.malware' AND user_id IS NOT NULL
      GROUP BY 2, 3, 4
      UNION ALL
      SELECT 'others-records', user_id::text || ':' || owner, window_start, action, count(*)::int FROM (
        SELECT user_id, member, object_owner AS owner, action, window_start FROM windowed WHERE user_id IS NOT NULL AND object_owners = '{}' AND object_owner <> member
        UNION ALL
        SELECT user_id, member, unnest(object_owners), action, window_start FROM windowed WHERE user_id IS NOT NULL AND object_owners <> '{}') each_owner
      WHERE ${thresholds.actsPerOwner > 0}::boolean AND owner <> member
      GROUP BY 2, 3, 4)
    INSERT INTO audit_alert_counts AS c (rule, subject, window_start, act, n)
    SELECT rule, subject, window_start, act, n FROM tallies
    ON CONFLICT (rule, subject, window_start, act) DO UPDATE SET n = c.n + excluded.n`);
  await tx.query(sql`DELETE FROM audit_alert_counts WHERE window_start < ${oldest}`);
}

/** The counts at their threshold or past it, in the windows starting at `starts`, not yet alerted. */
async function findings(tx: Tx, starts: Date[], minutes: number, thresholds: ReturnType<typeof alertSettings.of>): Promise<Finding[]> {
  const rows = await tx.query<{ rule: AlertRule; subject: string; window_start: Date; observed: number; actions: Record<string, number> }>(sql`
    SELECT c.rule, c.subject, c.window_start, sum(c.n)::int AS observed, jsonb_object_agg(c.act, c.n) AS actions
    FROM audit_alert_counts c
    WHERE c.window_start = ANY (${starts}::timestamptz[])
      AND NOT EXISTS (SELECT 1 FROM audit_alerts x WHERE x.rule = c.rule AND x.subject = c.subject AND x.window_start = c.window_start)
    GROUP BY c.rule, c.subject, c.window_start
    HAVING sum(c.n) >= CASE c.rule WHEN 'refused-requests' THEN ${thresholds.refusedPerAddress}::int
                                   WHEN 'sign-in-failures' THEN ${thresholds.signInFailuresPerAccount}::int
                                   WHEN 'malware' THEN ${thresholds.malwarePerUser}::int
                                   ELSE ${thresholds.actsPerOwner}::int END
    ORDER BY c.window_start, c.rule, c.subject`);
  const found: Finding[] = [];
  for (const row of rows) {
    const seen = { observed: row.observed, actions: row.actions, windowStart: row.window_start };
    if (row.rule === 'refused-requests') {
      found.push({
        ...seen, rule: row.rule, subject: row.subject, threshold: thresholds.refusedPerAddress,
        title: `Unusual activity: ${row.observed} refused requests from ${row.subject} in ${minutes} minutes`,
        secretariat: true, admins: [], setting: 'LINTAS_ALERT_REFUSED',
      });
    } else if (row.rule === 'sign-in-failures') {
      const user = await tx.maybeOne<{ email: string; member: string }>(sql`SELECT email, member FROM users WHERE id::text = ${row.subject}`);
      if (!user) continue;
      found.push({
        ...seen, rule: row.rule, subject: row.subject, threshold: thresholds.signInFailuresPerAccount,
        title: `Unusual activity: ${row.observed} failed sign-ins to ${user.email} in ${minutes} minutes`,
        secretariat: true, admins: [user.member], setting: 'LINTAS_ALERT_SIGNIN_FAILURES',
      });
    } else if (row.rule === 'malware') {
      const user = await tx.maybeOne<{ email: string; member: string }>(sql`SELECT email, member FROM users WHERE id::text = ${row.subject}`);
      if (!user) continue;
      found.push({
        ...seen, rule: row.rule, subject: row.subject, threshold: thresholds.malwarePerUser,
        title: `Malware refused: ${row.observed} ${row.observed === 1 ? 'upload' : 'uploads'} by ${user.email} (${user.member}) in ${minutes} minutes carried ${Object.keys(row.actions).sort().join(', ')}`,
        secretariat: true, admins: [user.member], setting: 'LINTAS_ALERT_MALWARE',
      });
    } else {
      const [userId = '', owner = ''] = row.subject.split(':');
      const who = await tx.maybeOne<{ user_name: string; member: string; owner_name: string }>(sql`
        SELECT u.name AS user_name, u.member, m.name AS owner_name FROM users u, members m WHERE u.id::text = ${userId} AND m.code = ${owner}`);
      if (!who) continue;
      found.push({
        ...seen, rule: row.rule, subject: row.subject, threshold: thresholds.actsPerOwner,
        title: `Unusual activity: ${who.user_name} (${who.member}) acted on records of ${who.owner_name} (${owner}) ${row.observed} times in ${minutes} minutes`,
        secretariat: false, admins: [owner, who.member], setting: 'LINTAS_ALERT_OTHERS_RECORDS',
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

/**
 * Counts what the trail gained since the last count and raises the alerts of the window holding
 * `now` and of the one before it (whose last acts may have been counted only now); returns how many
 * were new.
 */
export async function raiseAlerts(platform: Platform, log?: Pick<FastifyBaseLogger, 'warn'>, now = new Date()): Promise<number> {
  const thresholds = alertSettings.of(platform.config);
  if (thresholds.refusedPerAddress === 0 && thresholds.signInFailuresPerAccount === 0 && thresholds.malwarePerUser === 0 && thresholds.actsPerOwner === 0) return 0;
  const minutes = Math.max(1, thresholds.windowMinutes);
  const length = minutes * 60_000;
  const current = Math.floor(now.getTime() / length) * length;
  const starts = [new Date(current - length), new Date(current)];
  return platform.db.ownerTransaction(async (tx) => {
    // One process counts at a time; the others skip this minute (the cursor and the unique key keep
    // anything from being counted or raised twice). The cost is the rows appended since the last
    // count: about a minute's.
    if (!(await tx.one<{ mine: boolean }>(sql`SELECT pg_try_advisory_xact_lock(${ALERTS_LOCK}) AS mine`)).mine) return 0;
    await tally(tx, minutes * 60, starts[0] as Date, thresholds);
    let fresh = 0;
    for (const finding of await findings(tx, starts, minutes, thresholds)) {
      const from = finding.windowStart;
      const to = new Date(from.getTime() + length);
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

/** Counts every minute until stopped; `onRaised` wakes the outbox. */
export function startAlerts(platform: Platform, log: FastifyBaseLogger, onRaised: () => void, everyMs = 60_000): RepeatingJob {
  return repeat(
    async () => {
      if ((await raiseAlerts(platform, log)) > 0) onRaised();
    },
    { everyMs, onError: (error) => log.error({ err: error }, 'the unusual-activity alerts failed; they count again within a minute') },
  );
}
