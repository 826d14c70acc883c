import { Type, type Static } from 'typebox';
import { OneOf } from '../schema.js';
import { AUDIENCE_KINDS, HANDLING_CODES, INFORMATION_GRADES, SOURCE_GRADES, TLP_LEVELS, type AudienceKind, type HandlingCode, type Tlp } from './codes.js';

// The lists live in codes.ts, which the web app imports too; they stay exported here for the server.
export { AUDIENCE_KINDS, HANDLING_CODES, TLP_LEVELS };
export type { AudienceKind, HandlingCode, Tlp };

const Code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$' });

export const Audience = Type.Object(
  {
    kind: OneOf(AUDIENCE_KINDS, { description: 'owner only, named members, named groups, or every full member' }),
    members: Type.Optional(Type.Array(Code, { maxItems: 100, uniqueItems: true, description: 'member codes, with kind "members"' })),
    groups: Type.Optional(Type.Array(Code, { maxItems: 50, uniqueItems: true, description: 'group codes, with kind "groups"' })),
  },
  { additionalProperties: false },
);

export const Evaluation = Type.Object(
  {
    source: OneOf(SOURCE_GRADES, { description: 'source reliability' }),
    information: OneOf(INFORMATION_GRADES, { description: 'information credibility' }),
  },
  { additionalProperties: false },
);

/** The sharing fields every shareable record carries (DESIGN.md §3), as clients send and receive them. */
export const Sharing = Type.Object(
  {
    audience: Audience,
    tlp: OneOf(TLP_LEVELS, { description: 'Traffic Light Protocol 2.0' }),
    handling: Type.Optional(Type.Array(OneOf(HANDLING_CODES), { maxItems: 4, uniqueItems: true })),
    handlingNote: Type.Optional(Type.String({ minLength: 1, maxLength: 1000, description: 'the restriction, with H3' })),
    evaluation: Type.Optional(Type.Union([Evaluation, Type.Null()])),
  },
  { additionalProperties: false },
);
export type SharingInput = Static<typeof Sharing>;

/** The sharing columns of a row, as `lintas_make_shareable` adds them. */
export interface SharingRow {
  owner: string;
  audience_kind: AudienceKind;
  audience_members: string[];
  audience_groups: string[];
  tlp: Tlp;
  handling: HandlingCode[];
  handling_note: string | null;
  evaluation_source: string | null;
  evaluation_information: string | null;
}

/**
 * Who is looking: the member of the signed-in user, whether it is a full member, and its groups.
 * Every group the member belongs to opens what was shared with it, ended or not; the ended ones are
 * read-only (`endedGroups`, a subset of `groups`): nothing new is shared with them, and a record
 * reached only through them cannot be added to (`mayAddTo`, rule.ts). Sessions and `viewersOf` always
 * fill it in; a viewer made without it (tests, benchmarks) has no ended group.
 */
export interface Viewer {
  member: string;
  fullMember: boolean;
  groups: readonly string[];
  endedGroups?: readonly string[];
}
