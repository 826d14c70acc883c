import fc from 'fast-check';
import { AUDIENCE_KINDS, TLP_LEVELS, type AudienceKind, type Tlp } from '../../src/platform/sharing/model.js';

/**
 * The reference model of the sharing rule (DESIGN.md §3, rule 1) that the property tests of every
 * module hold the API to, and the random "worlds" they build: members (full or observers), sharing
 * groups (current or ended), and records each with an owner, an audience and a TLP. Members,
 * groups and records are numbered; a harness (sharing-harness.ts) gives them codes and ids.
 */

export interface WorldMember {
  /** An observer sees no "all" audience but its own records and those naming it or its groups. */
  observer: boolean;
}
export interface WorldGroup {
  members: number[];
  /** An ended group is read-only: its members still see what was shared with it, and add nothing through it. */
  ended: boolean;
}
/** What the sharing rule reads of a record; a module's record adds its own fields. */
export interface SharedRecord {
  owner: number;
  kind: AudienceKind;
  /** The named members, with kind "members" (never the owner); else empty. */
  members: number[];
  /** The named groups, with kind "groups" (groups the owner belongs to); else empty. */
  groups: number[];
  /** RED only with kind "owner" or "members", as validation demands. */
  tlp: Tlp;
}
export interface World<R extends SharedRecord = SharedRecord> {
  members: WorldMember[];
  groups: WorldGroup[];
  records: R[];
}

/** The rule, written as plainly as possible. */
export function sharingSees(world: World, viewer: number, record: SharedRecord): boolean {
  if (record.owner === viewer) return true;
  if (record.kind === 'all' && !world.members[viewer]!.observer) return true;
  if (record.kind === 'members' && record.members.includes(viewer)) return true;
  if (record.kind === 'groups') return record.groups.some((g) => world.groups[g]!.members.includes(viewer));
  return false;
}

/**
 * Whether the viewer may add to a record it sees (comment, acknowledge): as `sharingSees`, but a
 * group that has ended opens the record for reading only (rule.ts's `mayAddTo`).
 */
export function sharingAddsTo(world: World, viewer: number, record: SharedRecord): boolean {
  const open: World = { ...world, groups: world.groups.map((group) => (group.ended ? { ...group, members: [] } : group)) };
  return sharingSees(open, viewer, record);
}

/** A full member (not an observer): what the database's lintas_member_is_full() must say. */
export const isFullMember = (world: World, viewer: number): boolean => !world.members[viewer]!.observer;

/** The groups that open records to the member: every one it is in, ended or not (lintas_member_groups()). */
export const groupsOf = (world: World, viewer: number): number[] => world.groups.flatMap((group, g) => (group.members.includes(viewer) ? [g] : []));

/** Those of the member's groups that have ended: read-only (a Viewer's `endedGroups`). */
export const endedGroupsOf = (world: World, viewer: number): number[] => groupsOf(world, viewer).filter((g) => world.groups[g]!.ended);

/** The indexes of the records the viewer may see, by `sees` (the sharing rule unless a module adds its own). */
export function visibleTo<R extends SharedRecord>(world: World<R>, viewer: number, sees: (world: World<R>, viewer: number, record: R) => boolean = sharingSees): number[] {
  return world.records.flatMap((record, i) => (sees(world, viewer, record) ? [i] : []));
}

/** How big the worlds are. Indexes are drawn below the maxima and folded into the world's actual sizes. */
export interface WorldSize {
  members: { minLength: number; maxLength: number };
  groups: { maxLength: number };
  records: { minLength?: number; maxLength: number };
}

/** A module's record: drawn `extra` beside the sharing fields, then made from both (the world has `memberCount` members). */
export interface RecordExtension<S, R extends SharedRecord> {
  extra: fc.Arbitrary<S>;
  record(shared: SharedRecord, extra: S, memberCount: number): R;
}

/**
 * Random worlds of the given size. Audiences are drawn freely, then made what validation lets an
 * owner write: groups only among the owner's own (ended or not: the rows are written directly, as
 * they stand once a group has ended, read-only), named members other than the owner, RED only to named members
 * or the owner alone; an audience left empty becomes the owner alone.
 */
export function worldArbitrary(size: WorldSize): fc.Arbitrary<World>;
export function worldArbitrary<S, R extends SharedRecord>(size: WorldSize, extension: RecordExtension<S, R>): fc.Arbitrary<World<R>>;
export function worldArbitrary<S, R extends SharedRecord>(size: WorldSize, extension?: RecordExtension<S, R>): fc.Arbitrary<World> {
  const memberIndex = fc.nat(size.members.maxLength - 1);
  const groupIndex = fc.nat(Math.max(size.groups.maxLength - 1, 0));
  const extra: fc.Arbitrary<S | undefined> = extension?.extra ?? fc.constant(undefined);
  return fc
    .record({
      observers: fc.array(fc.boolean(), size.members),
      groupSeeds: fc.array(fc.record({ members: fc.uniqueArray(memberIndex, { maxLength: Math.min(4, size.members.maxLength) }), ended: fc.boolean() }), size.groups),
      recordSeeds: fc.array(
        fc.record({
          owner: memberIndex,
          kind: fc.constantFrom<AudienceKind>(...AUDIENCE_KINDS),
          members: fc.uniqueArray(memberIndex, { minLength: 1, maxLength: 3 }),
          groups: fc.uniqueArray(groupIndex, { minLength: 1, maxLength: 2 }),
          tlp: fc.constantFrom<Tlp>(...TLP_LEVELS),
          extra,
        }),
        size.records,
      ),
    })
    .map(({ observers, groupSeeds, recordSeeds }) => {
      const n = observers.length;
      const members = observers.map((observer) => ({ observer }));
      const groups = groupSeeds.map((seed) => ({ members: [...new Set(seed.members.map((m) => m % n))], ended: seed.ended }));
      const records = recordSeeds.map((seed) => {
        const owner = seed.owner % n;
        let kind = seed.kind;
        const ownGroups = [...new Set(seed.groups.filter((g) => g < groups.length && groups[g]!.members.includes(owner)))];
        if (kind === 'groups' && ownGroups.length === 0) kind = 'owner';
        const named = [...new Set(seed.members.map((m) => m % n).filter((m) => m !== owner))];
        if (kind === 'members' && named.length === 0) kind = 'owner';
        const tlp = seed.tlp === 'RED' && kind !== 'members' && kind !== 'owner' ? 'AMBER' : seed.tlp;
        const shared: SharedRecord = { owner, kind, members: kind === 'members' ? named : [], groups: kind === 'groups' ? ownGroups : [], tlp };
        return extension ? extension.record(shared, seed.extra as S, n) : shared;
      });
      return { members, groups, records };
    });
}

/**
 * A fixed world with every clause of the rule, each met and missed: M0 owns one record per audience;
 * M1 and M2 are full members, M3 an observer; g0 (M0, M1, M3) is current, g1 (M0, M2) has ended.
 * The records are, in order: owner alone; members M1; members M3; group g0; group g1; all (TLP
 * varied, RED to M1). `CLAUSES_SEEN` is what each member sees of them, by the rule alone;
 * `CLAUSES_ADDED_TO` what each may add to (M2 reads the ended g1's record, and adds nothing to it).
 */
export const CLAUSES_WORLD: World = {
  members: [{ observer: false }, { observer: false }, { observer: false }, { observer: true }],
  groups: [
    { members: [0, 1, 3], ended: false },
    { members: [0, 2], ended: true },
  ],
  records: [
    { owner: 0, kind: 'owner', members: [], groups: [], tlp: 'AMBER+STRICT' },
    { owner: 0, kind: 'members', members: [1], groups: [], tlp: 'RED' },
    { owner: 0, kind: 'members', members: [3], groups: [], tlp: 'AMBER' },
    { owner: 0, kind: 'groups', members: [], groups: [0], tlp: 'GREEN' },
    { owner: 0, kind: 'groups', members: [], groups: [1], tlp: 'AMBER' },
    { owner: 0, kind: 'all', members: [], groups: [], tlp: 'CLEAR' },
  ],
};
export const CLAUSES_SEEN: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5],
  [1, 3, 5],
  [4, 5],
  [2, 3],
];
export const CLAUSES_ADDED_TO: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5],
  [1, 3, 5],
  [5],
  [2, 3],
];

/** The clauses world with a module's records: each of its records extended, then any records of the module's own after them. */
export function clausesWorld<R extends SharedRecord>(extend: (record: SharedRecord, index: number) => R, more: R[] = []): World<R> {
  return { ...CLAUSES_WORLD, records: [...CLAUSES_WORLD.records.map(extend), ...more] };
}
