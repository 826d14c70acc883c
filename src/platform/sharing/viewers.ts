import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { Viewer } from './model.js';

/**
 * Members as the sharing rule sees them: full member or observer, and the sharing groups they belong
 * to today (a group past its end date grants nothing), as a session's actor has them. For jobs and
 * commands that act for a member, or decide what a member may see, without a signed-in user.
 * Unknown members are left out of the map.
 */
export async function viewersOf(tx: Tx, members: readonly string[]): Promise<Map<string, Viewer>> {
  if (members.length === 0) return new Map();
  const rows = await tx.query<{ code: string; status: string; groups: string[] }>(sql`
    SELECT m.code, m.status,
      ARRAY(SELECT gm.group_code FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
            WHERE gm.member_code = m.code AND (g.ends_on IS NULL OR g.ends_on >= current_date) ORDER BY 1) AS groups
    FROM members m WHERE m.code = ANY(${[...new Set(members)]}::text[])`);
  return new Map(rows.map((row) => [row.code, { member: row.code, fullMember: row.status === 'member', groups: row.groups }]));
}
