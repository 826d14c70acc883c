import { sql, type Sql } from '../db/sql.js';
import type { Evaluation, SharingInput, SharingRow, Viewer } from './model.js';
import type { Static } from 'typebox';

/**
 * The visibility condition of the sharing rule (DESIGN.md §3, rule 1) for a table alias: the one
 * query-layer wall. Row-level security applies the same rule again in the database.
 */
export function visibleTo(viewer: Viewer, alias: string): Sql {
  const t = sql.raw(alias);
  return sql`(${t}.owner = ${viewer.member}
    OR (${t}.audience_kind = 'all' AND ${viewer.fullMember})
    OR ${t}.audience_members @> ARRAY[${viewer.member}]::text[]
    OR ${t}.audience_groups && ${[...viewer.groups]}::text[])`;
}

/** visibleTo() as a test on a row in memory, for what must decide without the database (the documents index). */
export function isVisibleTo(viewer: Viewer, row: Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'>): boolean {
  return (
    row.owner === viewer.member ||
    (row.audience_kind === 'all' && viewer.fullMember) ||
    row.audience_members.includes(viewer.member) ||
    row.audience_groups.some((group) => viewer.groups.includes(group))
  );
}

/**
 * Whether the viewer may add to a record it sees (comment on it, acknowledge it): it owns it, or it
 * is a recipient by a way other than a group that has ended. An ended group is read-only: its
 * members keep reading what was shared with it, and add nothing through it.
 */
export function mayAddTo(viewer: Viewer, row: Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'>): boolean {
  return isVisibleTo({ ...viewer, groups: viewer.groups.filter((group) => !(viewer.endedGroups ?? []).includes(group)) }, row);
}

/** Rule 5: recipients may not export, forward or re-share AMBER+STRICT, RED or H2 records. */
export function mayPassOn(viewer: Viewer, row: Pick<SharingRow, 'owner' | 'tlp' | 'handling'>): boolean {
  if (row.owner === viewer.member) return true;
  return row.tlp !== 'AMBER+STRICT' && row.tlp !== 'RED' && !row.handling.includes('H2');
}

/** The SQL condition of rule 5, for exports. */
export function passableBy(viewer: Viewer, alias: string): Sql {
  const t = sql.raw(alias);
  return sql`(${t}.owner = ${viewer.member} OR (${t}.tlp NOT IN ('AMBER+STRICT', 'RED') AND NOT 'H2' = ANY(${t}.handling)))`;
}

/** The sharing columns to select, for `presentSharing`. */
export function sharingColumns(alias: string): Sql {
  const t = sql.raw(alias);
  return sql`${t}.owner, ${t}.audience_kind, ${t}.audience_members, ${t}.audience_groups, ${t}.tlp, ${t}.handling,
    ${t}.handling_note, ${t}.evaluation_source, ${t}.evaluation_information`;
}

/** The sharing fields as the API presents them. The audience lists are shown to the owner only. */
export function presentSharing(viewer: Viewer, row: SharingRow): { owner: string; sharing: SharingInput } {
  const own = row.owner === viewer.member;
  const audience: SharingInput['audience'] = { kind: row.audience_kind };
  if (own && row.audience_kind === 'members') audience.members = row.audience_members;
  if (own && row.audience_kind === 'groups') audience.groups = row.audience_groups;
  const sharing: SharingInput = { audience, tlp: row.tlp, handling: row.handling };
  if (row.handling_note !== null) sharing.handlingNote = row.handling_note;
  sharing.evaluation =
    row.evaluation_source && row.evaluation_information
      ? ({ source: row.evaluation_source, information: row.evaluation_information } as Static<typeof Evaluation>)
      : null;
  return { owner: row.owner, sharing };
}

/** The column values to store for validated sharing input. */
export function sharingValues(input: SharingInput): Omit<SharingRow, 'owner'> {
  return {
    audience_kind: input.audience.kind,
    audience_members: input.audience.kind === 'members' ? [...(input.audience.members ?? [])].sort() : [],
    audience_groups: input.audience.kind === 'groups' ? [...(input.audience.groups ?? [])].sort() : [],
    tlp: input.tlp,
    handling: [...(input.handling ?? [])].sort(),
    handling_note: input.handlingNote ?? null,
    evaluation_source: input.evaluation?.source ?? null,
    evaluation_information: input.evaluation?.information ?? null,
  };
}
