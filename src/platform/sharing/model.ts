import { Type, type Static } from 'typebox';
import { OneOf } from '../schema.js';

export const TLP_LEVELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type Tlp = (typeof TLP_LEVELS)[number];

export const HANDLING_CODES = ['H0', 'H1', 'H2', 'H3'] as const;
export type HandlingCode = (typeof HANDLING_CODES)[number];

export const AUDIENCE_KINDS = ['owner', 'members', 'groups', 'all'] as const;
export type AudienceKind = (typeof AUDIENCE_KINDS)[number];

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
    source: OneOf(['A', 'B', 'C', 'X'], { description: 'source reliability' }),
    information: OneOf(['1', '2', '3', '4'], { description: 'information credibility' }),
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

/** Who is looking: the member of the signed-in user, whether it is a full member, and its groups. */
export interface Viewer {
  member: string;
  fullMember: boolean;
  groups: readonly string[];
}
