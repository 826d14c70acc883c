import type { Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { FieldError } from '../errors.js';
import type { SharingInput } from './model.js';

/**
 * Checks sharing input beyond its schema: the audience lists fit their kind, RED names its members,
 * H3 carries its note, every member code exists and every group is one the owner belongs to
 * (a group the owner is not in is reported as unknown, so its existence does not leak) and that has
 * not ended: an ended group is read-only, so nothing new is shared with it. `kept` are the groups the
 * record is shared with already (a change of an existing record): an ended one among them may stay,
 * so the owner can still correct or narrow what it shared.
 */
export async function validateSharing(tx: Tx, owner: string, input: SharingInput, pointer = '/sharing', kept: readonly string[] = []): Promise<FieldError[]> {
  const errors: FieldError[] = [];
  const { audience } = input;
  const members = audience.members ?? [];
  const groups = audience.groups ?? [];
  if (audience.kind === 'members' && members.length === 0) errors.push({ pointer: `${pointer}/audience/members`, detail: 'name at least one member' });
  if (audience.kind !== 'members' && members.length > 0) errors.push({ pointer: `${pointer}/audience/members`, detail: `members are listed only with kind "members"` });
  if (audience.kind === 'groups' && groups.length === 0) errors.push({ pointer: `${pointer}/audience/groups`, detail: 'name at least one group' });
  if (audience.kind !== 'groups' && groups.length > 0) errors.push({ pointer: `${pointer}/audience/groups`, detail: `groups are listed only with kind "groups"` });
  if (input.tlp === 'RED' && audience.kind !== 'members' && audience.kind !== 'owner') {
    errors.push({ pointer: `${pointer}/tlp`, detail: 'RED records must be shared with named members only' });
  }
  const handling = input.handling ?? [];
  if (handling.includes('H0') && handling.length > 1) errors.push({ pointer: `${pointer}/handling`, detail: 'H0 (no restriction) cannot be combined with other codes' });
  if (handling.includes('H3') && !input.handlingNote) errors.push({ pointer: `${pointer}/handlingNote`, detail: 'H3 needs the restriction written out' });
  if (!handling.includes('H3') && input.handlingNote) errors.push({ pointer: `${pointer}/handlingNote`, detail: 'a handling note goes with H3 only' });

  if (members.length > 0) {
    const known = await tx.query<{ code: string }>(sql`SELECT code FROM members WHERE code = ANY(${members}::text[])`);
    const found = new Set(known.map((row) => row.code));
    members.forEach((code, index) => {
      if (!found.has(code)) errors.push({ pointer: `${pointer}/audience/members/${index}`, detail: `unknown member "${code}"` });
      else if (code === owner) errors.push({ pointer: `${pointer}/audience/members/${index}`, detail: 'the owner always sees its own records; list other members' });
    });
  }
  if (groups.length > 0) {
    const known = await tx.query<{ group_code: string; ended: boolean }>(
      sql`SELECT gm.group_code, coalesce(g.ends_on < current_date, false) AS ended FROM group_members gm JOIN sharing_groups g ON g.code = gm.group_code
          WHERE gm.member_code = ${owner} AND gm.group_code = ANY(${groups}::text[])`,
    );
    const ended = new Map(known.map((row) => [row.group_code, row.ended]));
    groups.forEach((code, index) => {
      if (!ended.has(code)) errors.push({ pointer: `${pointer}/audience/groups/${index}`, detail: `unknown group "${code}", or one your member does not belong to` });
      else if (ended.get(code) && !kept.includes(code)) errors.push({ pointer: `${pointer}/audience/groups/${index}`, detail: `the group "${code}" has ended; it is read-only` });
    });
  }
  return errors;
}
