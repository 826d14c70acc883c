import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';

/**
 * Who of each member speaks for it on a topic (`documents`, `linkage`, …): its enabled focal points
 * for the topic, or its general ones where it named none for the topic, or, for a member that named
 * neither, its enabled users holding one of `fallbackRoles` (none: nobody).
 */
export async function topicContacts(tx: Tx, members: readonly string[], topic: string, fallbackRoles: readonly string[]): Promise<{ member: string; id: string; email: string }[]> {
  if (members.length === 0) return [];
  return tx.query<{ member: string; id: string; email: string }>(sql`
    WITH points AS (
      SELECT fp.member, fp.topic, u.id, u.email FROM focal_points fp JOIN users u ON u.id = fp.user_id AND NOT u.disabled
      WHERE fp.member = ANY(${[...members]}::text[]) AND fp.topic IN (${topic}, 'general')
    ), contact AS (
      SELECT DISTINCT p.member, p.id, p.email FROM points p
      WHERE p.topic = ${topic} OR NOT EXISTS (SELECT 1 FROM points d WHERE d.member = p.member AND d.topic = ${topic})
    )
    SELECT member, id, email FROM contact
    UNION
    SELECT u.member, u.id, u.email FROM users u
    WHERE u.member = ANY(${[...members]}::text[]) AND NOT u.disabled AND u.roles && ${[...fallbackRoles]}::text[]
      AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.member = u.member)
    ORDER BY member, id`);
}
