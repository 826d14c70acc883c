import type { Tx } from '../db/database.js';
import { sql, type Sql } from '../db/sql.js';
import type { Viewer } from './model.js';

/**
 * Members as the sharing rule sees them: full member or observer, the sharing groups they belong
 * to and which of those have ended (read-only), as a session's actor has them. For jobs and
 * commands that act for a member, or decide what a member may see, without a signed-in user.
 * Unknown members are left out of the map.
 */
export async function viewersOf(tx: Tx, members: readonly string[]): Promise<Map<string, Viewer>> {
  if (members.length === 0) return new Map();
  const rows = await tx.query<{ code: string; status: string; groups: string[]; ended_groups: string[] }>(sql`
    SELECT m.code, m.status, ${groupColumns(sql`m.code`)}
    FROM members m WHERE m.code = ANY(${[...new Set(members)]}::text[])`);
  return new Map(rows.map((row) => [row.code, { member: row.code, fullMember: row.status === 'member', groups: row.groups, endedGroups: row.ended_groups }]));
}

/**
 * The columns `groups` (every group the member belongs to) and `ended_groups` (those past their end
 * date: read-only) of the member whose code is `member`, for a Viewer; sessions read them too.
 */
export function groupColumns(member: Sql): Sql {
  return sql`ARRAY(SELECT gm.group_code FROM group_members gm WHERE gm.member_code = ${member} ORDER BY 1) AS groups,
    ARRAY(SELECT gm.group_code FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
          WHERE gm.member_code = ${member} AND g.ends_on < current_date ORDER BY 1) AS ended_groups`;
}
