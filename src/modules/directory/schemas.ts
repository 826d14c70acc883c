import { Type, type Static } from 'typebox';
import { OneOf, Strict } from '../../platform/schema.js';
import { Email, RoleSchema } from '../../platform/http/schemas.js';
import { PROOFING_LENGTH } from '../account/index.js';

/** A member's code: letters, digits, `-` and `_`, starting with a letter or digit (the API and `lintas member add`). */
export const MEMBER_CODE = { pattern: '^[A-Za-z0-9][A-Za-z0-9_-]*$', maxLength: 32 } as const;
export const MemberCode = Type.String({ minLength: 1, ...MEMBER_CODE });
export const GroupCode = Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Kind = Type.Union([Type.Literal('state'), Type.Literal('organisation')]);
const Status = Type.Union([Type.Literal('member'), Type.Literal('observer')]);
export const TOPICS = ['general', 'reports', 'documents', 'linkage', 'biometrics', 'bulletins', 'statistics', 'events', 'roadmap', 'library'] as const;
const Topic = OneOf(TOPICS);
const Day = Type.String({ format: 'date' });

export const MemberSummary = Strict({ code: Type.String(), name: Type.String(), kind: Kind, status: Status });

export const MemberDetail = Strict({
  data: Strict({
    code: Type.String(),
    name: Type.String(),
    kind: Kind,
    status: Status,
    requiresTotp: Type.Boolean(),
    agencies: Type.Array(Type.String()),
    groups: Type.Array(Strict({ code: Type.String(), name: Type.String() }), { description: 'only groups the viewer belongs to (all, for the secretariat)' }),
    focalPoints: Type.Array(Strict({ topic: Topic, userId: Type.String(), name: Type.String(), email: Type.String() })),
  }),
  abilities: Strict({ update: Type.Boolean(), manageUsers: Type.Boolean(), manageFocalPoints: Type.Boolean() }),
});

export const MemberCreate = Strict({ code: MemberCode, name: Name, kind: Kind, status: Status });
export type MemberCreate = Static<typeof MemberCreate>;
export const MemberUpdate = Strict({
  name: Type.Optional(Name),
  status: Type.Optional(Status),
  requiresTotp: Type.Optional(Type.Boolean()),
  agencies: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 100, uniqueItems: true })),
});
export type MemberUpdate = Static<typeof MemberUpdate>;
export const MemberParams = Strict({ code: MemberCode });

export const FocalPointsPut = Strict({ focalPoints: Type.Array(Strict({ topic: Topic, userId: Type.String({ format: 'uuid' }) }), { maxItems: 100 }) });
export type FocalPointsPut = Static<typeof FocalPointsPut>;

const Theme = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'what the group coordinates on, e.g. scam centres' });
export const Group = Strict({
  code: Type.String(),
  name: Type.String(),
  theme: Type.Union([Type.String(), Type.Null()]),
  chair: Type.Union([Type.String(), Type.Null()]),
  endsOn: Type.Union([Type.String(), Type.Null()]),
  ended: Type.Boolean({ description: 'its end date has passed: its members still read what was shared with it, and nothing new is shared with or added through it' }),
  members: Type.Array(Type.String()),
});
export const GroupCreate = Strict({
  code: GroupCode,
  name: Name,
  members: Type.Array(MemberCode, { minItems: 1, maxItems: 100, uniqueItems: true }),
  theme: Type.Optional(Type.Union([Theme, Type.Null()])),
  chair: Type.Optional(Type.Union([MemberCode, Type.Null()])),
  endsOn: Type.Optional(Type.Union([Day, Type.Null()])),
});
export type GroupCreate = Static<typeof GroupCreate>;
export const GroupUpdate = Strict({
  name: Type.Optional(Name),
  members: Type.Optional(Type.Array(MemberCode, { minItems: 1, maxItems: 100, uniqueItems: true })),
  theme: Type.Optional(Type.Union([Theme, Type.Null()])),
  chair: Type.Optional(Type.Union([MemberCode, Type.Null()])),
  endsOn: Type.Optional(Type.Union([Day, Type.Null()])),
});
export type GroupUpdate = Static<typeof GroupUpdate>;
export const GroupParams = Strict({ code: GroupCode });

export const User = Strict({
  id: Type.String(),
  name: Type.String(),
  email: Type.String(),
  member: Type.String(),
  roles: Type.Array(RoleSchema),
  disabled: Type.Boolean(),
  totpEnabled: Type.Boolean(),
});
export const UserCreate = Strict({
  name: Name,
  email: Email,
  roles: Type.Array(RoleSchema, { minItems: 1, uniqueItems: true }),
  member: Type.Optional(MemberCode),
});
export type UserCreate = Static<typeof UserCreate>;
export const UserUpdate = Strict({
  name: Type.Optional(Name),
  roles: Type.Optional(Type.Array(RoleSchema, { minItems: 1, uniqueItems: true })),
  disabled: Type.Optional(Type.Boolean()),
});
export type UserUpdate = Static<typeof UserUpdate>;
/**
 * A lost second factor's reset (ASVS 2.5.7): how the administrator proofed the person who asked, as
 * at enrolment (seen in person with an identity document, or called back on a number on record).
 * It goes into the audit row.
 */
export const SecondFactorReset = Strict({
  proofing: Type.String({ minLength: PROOFING_LENGTH.min, maxLength: PROOFING_LENGTH.max, pattern: '\\S', description: 'How the person who asked was proofed, for the audit trail (who checked what, when)' }),
});
export type SecondFactorReset = Static<typeof SecondFactorReset>;
export const UsersQuery = Strict({ member: Type.Optional(MemberCode) });
