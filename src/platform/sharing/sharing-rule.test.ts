import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../http/app.js';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../db/sql.js';
import type { AudienceKind, Tlp } from './model.js';

/**
 * The sharing rule against a reference model (DESIGN.md §3, rule 1), over random members, groups,
 * audiences and library documents: what the API lists, gets, searches and counts for each member
 * is exactly what the model says it may see. Each wall is proved alone, and the test is shown able
 * to fail: with both walls removed, it finds the leak.
 */

interface WorldMember {
  code: string;
  observer: boolean;
}
interface WorldGroup {
  code: string;
  members: number[];
  ended: boolean;
}
interface WorldDocument {
  owner: number;
  kind: AudienceKind;
  members: number[];
  groups: number[];
  tlp: Tlp;
}
interface World {
  members: WorldMember[];
  groups: WorldGroup[];
  documents: WorldDocument[];
}

/** The rule, written as plainly as possible. */
function modelSees(world: World, viewer: number, doc: WorldDocument): boolean {
  if (doc.owner === viewer) return true;
  if (doc.kind === 'all' && !world.members[viewer]!.observer) return true;
  if (doc.kind === 'members' && doc.members.includes(viewer)) return true;
  if (doc.kind === 'groups') {
    return doc.groups.some((g) => {
      const group = world.groups[g]!;
      return !group.ended && group.members.includes(viewer);
    });
  }
  return false;
}

const worldArbitrary = fc
  .record({
    observers: fc.array(fc.boolean(), { minLength: 2, maxLength: 5 }),
    groupSeeds: fc.array(fc.record({ members: fc.uniqueArray(fc.nat(4), { maxLength: 4 }), ended: fc.boolean() }), { maxLength: 3 }),
    docSeeds: fc.array(
      fc.record({
        owner: fc.nat(4),
        kind: fc.constantFrom<AudienceKind>('owner', 'members', 'groups', 'all'),
        members: fc.uniqueArray(fc.nat(4), { minLength: 1, maxLength: 3 }),
        groups: fc.uniqueArray(fc.nat(2), { minLength: 1, maxLength: 2 }),
        tlp: fc.constantFrom<Tlp>('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
      }),
      { maxLength: 9 },
    ),
  })
  .map(({ observers, groupSeeds, docSeeds }): World => {
    const n = observers.length;
    const members = observers.map((observer, i) => ({ code: `M${i}`, observer }));
    const groups = groupSeeds.map((seed, i) => ({ code: `g${i}`, members: [...new Set(seed.members.map((m) => m % n))], ended: seed.ended }));
    const documents = docSeeds.flatMap((seed): WorldDocument[] => {
      const owner = seed.owner % n;
      let kind = seed.kind;
      // Groups only where the owner belongs to one, as validation demands; RED only to named members.
      const ownGroups = [...new Set(seed.groups.filter((g) => g < groups.length && groups[g]!.members.includes(owner)))];
      if (kind === 'groups' && ownGroups.length === 0) kind = 'owner';
      const named = [...new Set(seed.members.map((m) => m % n).filter((m) => m !== owner))];
      if (kind === 'members' && named.length === 0) kind = 'owner';
      const tlp = seed.tlp === 'RED' && kind !== 'members' && kind !== 'owner' ? 'AMBER' : seed.tlp;
      return [{ owner, kind, members: kind === 'members' ? named : [], groups: kind === 'groups' ? ownGroups : [], tlp }];
    });
    return { members, groups, documents };
  });

let t: TestContext;
let run = 0;
let apps: { name: string; app: App }[];

beforeAll(async () => {
  t = await makeTestApp();
  apps = [
    { name: 'both walls', app: t.app },
    { name: 'row-level security alone', app: await t.variant({ unsafeWithoutSharingCondition: true }) },
    { name: 'query condition alone', app: await t.variant({ unsafeWithoutRowLevelSecurity: true }) },
  ];
});
afterAll(() => t.close());

interface Built {
  codes: string[];
  groupCodes: string[];
  ids: string[];
  sessions: TestSession[];
}

/** Creates the world under fresh codes (members and groups stay; documents are removed after each run). */
async function build(world: World): Promise<Built> {
  run++;
  const codes: string[] = [];
  for (const member of world.members) codes.push(await t.makeMember(`R${run}${member.code}`, { status: member.observer ? 'observer' : 'member' }));
  const groupCodes: string[] = [];
  for (const group of world.groups) {
    groupCodes.push(await t.makeGroup(`r${run}-${group.code}`, group.members.map((m) => codes[m]!), { endsOn: group.ended ? '2001-01-01' : null }));
  }
  const ids: string[] = [];
  for (const doc of world.documents) {
    ids.push(
      await t.makeDocument(codes[doc.owner]!, {
        body: 'migrant smuggling route',
        audience: doc.kind,
        members: doc.members.map((m) => codes[m]!),
        groups: doc.groups.map((g) => groupCodes[g]!),
        tlp: doc.tlp,
      }),
    );
  }
  const sessions: TestSession[] = [];
  for (const code of codes) sessions.push(await t.sessionFor(await t.makeUser(code, ['officer'])));
  return { codes, groupCodes, ids, sessions };
}

async function get(app: App, session: TestSession, url: string) {
  return app.inject({ method: 'GET', url, headers: { cookie: session.cookie } });
}

/** Every id the API lists for the session, walking all pages. */
async function listAll(app: App, session: TestSession, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const response = await get(app, session, `/api/v1/library/documents?limit=4${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ data: { id: string }[]; next: string | null }>();
    ids.push(...body.data.map((d) => d.id));
    cursor = body.next;
  } while (cursor);
  return ids.sort();
}

/** What one app shows each member, compared with the model; returns the differences. */
async function differences(app: App, world: World, built: Built): Promise<string[]> {
  const found: string[] = [];
  for (const [viewer, session] of built.sessions.entries()) {
    const expected = built.ids.filter((_, i) => modelSees(world, viewer, world.documents[i]!)).sort();
    const listed = await listAll(app, session, '');
    if (JSON.stringify(listed) !== JSON.stringify(expected)) found.push(`list for M${viewer}: ${listed.length} vs ${expected.length}`);
    const searched = await listAll(app, session, '&q=smuggling');
    if (JSON.stringify(searched) !== JSON.stringify(expected)) found.push(`search for M${viewer}`);
    const count = (await get(app, session, '/api/v1/library/count?q=migrant')).json<{ total: number }>().total;
    if (count !== expected.length) found.push(`count for M${viewer}: ${count} vs ${expected.length}`);
    for (const id of built.ids) {
      const response = await get(app, session, `/api/v1/library/documents/${id}`);
      const allowed = expected.includes(id);
      if (response.statusCode !== (allowed ? 200 : 404)) found.push(`get ${id} for M${viewer}: ${response.statusCode}`);
    }
  }
  return found;
}

/**
 * The helper functions that the database's own SQL functions call (report analysis) state the rule
 * apart from the lintas_see policy: each member's standing and groups must be the model's.
 */
async function helperDifferences(world: World, built: Built): Promise<string[]> {
  const found: string[] = [];
  for (const [viewer, code] of built.codes.entries()) {
    const { full, groups } = await t.db.read({ member: code }, (tx) =>
      tx.one<{ full: boolean; groups: string[] }>(sql`SELECT lintas_member_is_full() AS full, lintas_member_groups() AS groups`),
    );
    const expectedGroups = world.groups.flatMap((group, g) => (!group.ended && group.members.includes(viewer) ? [built.groupCodes[g]!] : [])).sort();
    if (full !== !world.members[viewer]!.observer) found.push(`lintas_member_is_full for M${viewer}: ${full}`);
    if (JSON.stringify([...groups].sort()) !== JSON.stringify(expectedGroups)) found.push(`lintas_member_groups for M${viewer}: ${groups.join(',')}`);
  }
  return found;
}

async function clearDocuments(): Promise<void> {
  await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM library_documents`));
}

describe('the sharing rule against its reference model', () => {
  test('each wall alone, and both together, show each member exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary, async (world) => {
        const built = await build(world);
        try {
          for (const { name, app } of apps) {
            expect(await differences(app, world, built), name).toEqual([]);
          }
          expect(await helperDifferences(world, built)).toEqual([]);
        } finally {
          await clearDocuments();
        }
      }),
      { numRuns: 20 },
    );
  }, 300_000);

  test('with both walls removed the same check finds the leak, so it can fail', async () => {
    const leaky = await t.variant({ unsafeWithoutSharingCondition: true, unsafeWithoutRowLevelSecurity: true });
    const world: World = {
      members: [
        { code: 'M0', observer: false },
        { code: 'M1', observer: false },
      ],
      groups: [],
      documents: [{ owner: 0, kind: 'owner', members: [], groups: [], tlp: 'RED' }],
    };
    const built = await build(world);
    try {
      const found = await differences(leaky, world, built);
      expect(found).toContain(`list for M1: 1 vs 0`);
      expect(found.some((line) => line.startsWith('get ') && line.endsWith('for M1: 200'))).toBe(true);
    } finally {
      await clearDocuments();
    }
  });
});
