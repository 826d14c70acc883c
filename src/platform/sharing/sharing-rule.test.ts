import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getAs, getJsonAs, pagedIds, sharingHarness, type Built } from '../../../test/support/sharing-harness.js';
import {
  CLAUSES_ADDED_TO, CLAUSES_SEEN, CLAUSES_WORLD, endedGroupsOf, groupsOf, isFullMember, sharingAddsTo, sharingSees, visibleTo, worldArbitrary, type SharedRecord, type World,
} from '../../../test/support/sharing-model.js';
import { sql } from '../db/sql.js';
import type { SharingRow, Viewer } from './model.js';
import { isVisibleTo, mayAddTo } from './rule.js';

/**
 * The sharing rule against its reference model (test/support/sharing-model.ts; DESIGN.md §3, rule 1),
 * over random members, groups, audiences and library documents: what the API lists, searches,
 * counts and gets for each member is exactly what the model says it may see, and a document it may
 * not see is the 404 of one that does not exist. Each wall is proved alone, and the test is shown
 * able to fail: with both walls removed, it finds the leak.
 */

const libraryWorlds = worldArbitrary({ members: { minLength: 2, maxLength: 5 }, groups: { maxLength: 3 }, records: { maxLength: 9 } });

const library = sharingHarness({
  prefix: 'R',
  label: (_, i) => `D${i}`,
  create: (t, { record, owner, members, groups }) =>
    t.makeDocument(owner, { body: 'migrant smuggling route', audience: record.kind, members, groups, tlp: record.tlp }),
  clear: (t) => t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM library_documents`)),
  views: ({ app, session }) => ({
    lists: {
      list: () => pagedIds(app, session, '/api/v1/library/documents?limit=4'),
      search: () => pagedIds(app, session, '/api/v1/library/documents?limit=4&q=smuggling'),
    },
    counts: { count: async () => (await getJsonAs<{ total: number }>(app, session, '/api/v1/library/count?q=migrant')).total },
    get: (id) => getAs(app, session, `/api/v1/library/documents/${id}`),
  }),
});

/**
 * The helper functions that the database's own SQL functions call (report analysis) state the rule
 * apart from the lintas_see policy: each member's standing and groups must be the model's.
 */
async function helperDifferences(built: Built<SharedRecord>): Promise<string[]> {
  const found: string[] = [];
  for (const [viewer, code] of built.codes.entries()) {
    const { full, groups } = await library.t.db.read({ member: code }, (tx) =>
      tx.one<{ full: boolean; groups: string[] }>(sql`SELECT lintas_member_is_full() AS full, lintas_member_groups() AS groups`),
    );
    const expectedGroups = groupsOf(built.world, viewer).map((g) => built.groupCodes[g]!).sort();
    if (full !== isFullMember(built.world, viewer)) found.push(`lintas_member_is_full for M${viewer}: ${full}`);
    if (JSON.stringify([...groups].sort()) !== JSON.stringify(expectedGroups)) found.push(`lintas_member_groups for M${viewer}: ${groups.join(',')}`);
  }
  return found;
}

describe('the sharing rule against its reference model', () => {
  test('the model meets and misses every clause of the rule in the fixed world', () => {
    expect(CLAUSES_WORLD.members.map((_, viewer) => visibleTo(CLAUSES_WORLD, viewer))).toEqual(CLAUSES_SEEN);
  });

  test('the in-memory rule and mayAddTo agree with the model: an ended group is read, not added to', () => {
    const viewerOf = (world: World, viewer: number): Viewer => ({
      member: `M${viewer}`, fullMember: isFullMember(world, viewer),
      groups: groupsOf(world, viewer).map((g) => `g${g}`), endedGroups: endedGroupsOf(world, viewer).map((g) => `g${g}`),
    });
    const rowOf = (record: SharedRecord): Pick<SharingRow, 'owner' | 'audience_kind' | 'audience_members' | 'audience_groups'> => ({
      owner: `M${record.owner}`, audience_kind: record.kind, audience_members: record.members.map((m) => `M${m}`), audience_groups: record.groups.map((g) => `g${g}`),
    });
    const differences = (world: World) =>
      world.members.flatMap((_, viewer) =>
        world.records.flatMap((record, i) => {
          const [viewing, row] = [viewerOf(world, viewer), rowOf(record)];
          const seen = isVisibleTo(viewing, row) === sharingSees(world, viewer, record) ? [] : [`sees D${i} for M${viewer}`];
          return mayAddTo(viewing, row) === sharingAddsTo(world, viewer, record) ? seen : [...seen, `adds to D${i} for M${viewer}`];
        }),
      );
    expect(CLAUSES_WORLD.members.map((_, viewer) => CLAUSES_WORLD.records.flatMap((record, i) => (sharingAddsTo(CLAUSES_WORLD, viewer, record) ? [i] : [])))).toEqual(CLAUSES_ADDED_TO);
    expect(differences(CLAUSES_WORLD)).toEqual([]);
    fc.assert(fc.property(libraryWorlds, (world) => differences(world).length === 0), { numRuns: 200 });
  });

  test('each wall alone, and both together, show each member exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(libraryWorlds, (world) => library.check(world, helperDifferences)),
      { numRuns: 20 },
    );
  }, 300_000);

  test('every clause of the rule, met and missed, under each wall alone', () => library.check(CLAUSES_WORLD, helperDifferences));

  test('with both walls removed the same check finds the leak, so it can fail', async () => {
    const world: World = {
      members: [{ observer: false }, { observer: false }],
      groups: [],
      records: [{ owner: 0, kind: 'owner', members: [], groups: [], tlp: 'RED' }],
    };
    const found = await library.leaks(world);
    expect(found).toContain(`list for M1: 1 vs 0`);
    expect(found).toContain(`get D0 for M1: 200`);
  });
});
