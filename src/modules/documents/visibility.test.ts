import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { App } from '../../platform/http/app.js';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import type { AudienceKind } from '../../platform/sharing/model.js';
import { ICAO_ISSUERS } from './icao.js';
import { registerOf } from './register.js';

/**
 * Which checks hit, against a reference model of the sharing rule (DESIGN.md §3, rule 1): a member
 * gets a hit on an active document it owns or is in the audience of (observers do not see "all"),
 * and exactly "no hit" otherwise; the record itself is 404 to it. A member that reported another
 * issuer's document reads that record only while it waits or once rejected; once confirmed the
 * record is the issuer's, under its sharing alone, and the reporter's list of reports says only
 * "confirmed" (with the record when the sharing lets it see it). Each wall alone (row-level
 * security, the query layer's condition) and both together give the model's answers, and with both
 * removed the same check finds the leak, so it can fail.
 */

interface WorldGroup {
  members: number[];
  ended: boolean;
}
type WorldState = 'active' | 'cancelled' | 'pending-confirmation' | 'rejected';
interface WorldDocument {
  owner: number;
  kind: AudienceKind;
  members: number[];
  groups: number[];
  state: WorldState;
  /** The member that reported it as a foreign document, if one did (always for pending and rejected). */
  reporter: number | null;
}
interface World {
  observers: boolean[];
  groups: WorldGroup[];
  documents: WorldDocument[];
}

function sharingSees(world: World, viewer: number, doc: WorldDocument): boolean {
  if (doc.owner === viewer) return true;
  if (doc.kind === 'all' && !world.observers[viewer]) return true;
  if (doc.kind === 'members' && doc.members.includes(viewer)) return true;
  if (doc.kind === 'groups') return doc.groups.some((g) => !world.groups[g]!.ended && world.groups[g]!.members.includes(viewer));
  return false;
}
/** The record: by the sharing rule, or as the reporter of a report that waits or was rejected (never once confirmed). */
const modelSees = (world: World, viewer: number, doc: WorldDocument): boolean =>
  sharingSees(world, viewer, doc) || (doc.reporter === viewer && (doc.state === 'pending-confirmation' || doc.state === 'rejected'));
const modelHits = (world: World, viewer: number, doc: WorldDocument): boolean => doc.state === 'active' && sharingSees(world, viewer, doc);
/** Where a report stands, to its reporter. */
const reportState = (doc: WorldDocument): string => (doc.state === 'active' || doc.state === 'cancelled' ? 'confirmed' : doc.state);

const worldArbitrary = fc
  .record({
    observers: fc.array(fc.boolean(), { minLength: 2, maxLength: 4 }),
    groupSeeds: fc.array(fc.record({ members: fc.uniqueArray(fc.nat(3), { maxLength: 4 }), ended: fc.boolean() }), { maxLength: 2 }),
    documentSeeds: fc.array(
      fc.record({
        owner: fc.nat(3),
        kind: fc.constantFrom<AudienceKind>('owner', 'members', 'groups', 'all'),
        members: fc.uniqueArray(fc.nat(3), { minLength: 1, maxLength: 3 }),
        groups: fc.uniqueArray(fc.nat(1), { minLength: 1, maxLength: 2 }),
        state: fc.constantFrom<WorldState>('active', 'active', 'cancelled', 'pending-confirmation', 'rejected'),
        reporter: fc.option(fc.nat(3)),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  .map(({ observers, groupSeeds, documentSeeds }): World => {
    const n = observers.length;
    const groups = groupSeeds.map((seed) => ({ members: [...new Set(seed.members.map((m) => m % n))], ended: seed.ended }));
    const documents = documentSeeds.map((seed): WorldDocument => {
      const owner = seed.owner % n;
      let kind = seed.kind;
      const ownGroups = [...new Set(seed.groups.filter((g) => g < groups.length && groups[g]!.members.includes(owner)))];
      if (kind === 'groups' && ownGroups.length === 0) kind = 'owner';
      const named = [...new Set(seed.members.map((m) => m % n).filter((m) => m !== owner))];
      if (kind === 'members' && named.length === 0) kind = 'owner';
      // A report is another member's; one that waits or was rejected always has its reporter.
      let reporter = seed.reporter === null ? null : seed.reporter % n;
      if (reporter === owner) reporter = null;
      if (reporter === null && (seed.state === 'pending-confirmation' || seed.state === 'rejected')) reporter = (owner + 1) % n;
      return { owner, kind, members: kind === 'members' ? named : [], groups: kind === 'groups' ? ownGroups : [], state: seed.state, reporter };
    });
    return { observers, groups, documents };
  });

// Members must be issuing states: every world takes fresh ISO codes from this list.
const CODES = [...ICAO_ISSUERS.keys()].filter((code) => /^[A-Z]{3}$/.test(code) && !code.startsWith('X') && !code.startsWith('U') && code !== 'EUE');
let nextCode = 0;
let run = 0;
let t: TestContext;
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
  ids: string[];
  numbers: string[];
  sessions: TestSession[];
}

async function build(world: World): Promise<Built> {
  run++;
  const codes: string[] = [];
  for (const observer of world.observers) {
    const code = CODES[nextCode++];
    if (!code) throw new Error('out of member codes');
    codes.push(await t.makeMember(code, { status: observer ? 'observer' : 'member' }));
  }
  const groupCodes: string[] = [];
  for (const [i, group] of world.groups.entries()) {
    groupCodes.push(await t.makeGroup(`d${run}-g${i}`, group.members.map((m) => codes[m]!), { endsOn: group.ended ? '2001-01-01' : null }));
  }
  const numbers = world.documents.map((_, i) => `V${run}N${i}`);
  const ids = await t.db.ownerTransaction(async (tx) => {
    const created: string[] = [];
    for (const [i, doc] of world.documents.entries()) {
      const owner = codes[doc.owner]!;
      const row = await tx.one<{ id: string }>(sql`
        INSERT INTO travel_documents (issuer, doc_type, number, status, state, reported_by, owner, audience_kind, audience_members, audience_groups, tlp)
        VALUES (${owner}, 'passport', ${numbers[i]}, 'stolen', ${doc.state}, ${doc.reporter === null ? null : codes[doc.reporter]!}, ${owner}, ${doc.kind},
          ${doc.members.map((m) => codes[m]!)}, ${doc.groups.map((g) => groupCodes[g]!)}, 'AMBER')
        RETURNING id`);
      created.push(row.id);
    }
    return created;
  });
  // Written behind the API's back: the process's index learns them as a start would.
  await registerOf(t.platform).rebuild();
  const sessions: TestSession[] = [];
  for (const code of codes) sessions.push(await t.sessionFor(await t.makeUser(code, ['officer'])));
  return { codes, ids, numbers, sessions };
}

/** What one app answers each member, single checks, a batch and reads, compared with the model. */
async function differences(app: App, world: World, built: Built): Promise<string[]> {
  const found: string[] = [];
  for (const [viewer, session] of built.sessions.entries()) {
    const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const documents = world.documents.map((doc, i) => ({ issuer: built.codes[doc.owner]!, type: 'passport', number: built.numbers[i]! }));
    const batch = await app.inject({ method: 'POST', url: '/api/v1/documents/checks/batch', headers, payload: { purpose: 'property test', documents } });
    expect(batch.statusCode, batch.body).toBe(200);
    const answers = batch.json<{ data: { result: string; hit?: { documentId: string } }[] }>().data;
    for (const [i, doc] of world.documents.entries()) {
      const expected = modelHits(world, viewer, doc);
      const single = await app.inject({ method: 'POST', url: '/api/v1/documents/checks', headers, payload: { purpose: 'property test', document: documents[i] } });
      const result = single.json<{ data: { result: string } }>().data.result;
      if (result !== (expected ? 'hit' : 'no-hit')) found.push(`check D${i} for M${viewer}: ${result}`);
      if (answers[i]?.result !== (expected ? 'hit' : 'no-hit')) found.push(`batch D${i} for M${viewer}: ${answers[i]?.result}`);
      if (expected && answers[i]?.hit?.documentId !== built.ids[i]) found.push(`batch D${i} for M${viewer}: another document`);
      const read = await app.inject({ method: 'GET', url: `/api/v1/documents/${built.ids[i]}`, headers });
      if (read.statusCode !== (modelSees(world, viewer, doc) ? 200 : 404)) found.push(`get D${i} for M${viewer}: ${read.statusCode}`);
    }
    // The viewer's reports: each with where it stands, and the record only where the viewer may see it.
    const list = await app.inject({ method: 'GET', url: '/api/v1/documents/reports?limit=100', headers });
    expect(list.statusCode, list.body).toBe(200);
    const listed = list.json<{ data: { id: string; state: string; document: { id: string } | null }[] }>().data.filter((item) => built.ids.includes(item.id));
    const shown = listed.map((item) => `D${built.ids.indexOf(item.id)} ${item.state} ${item.document ? 'record' : 'none'}`).sort();
    const expected = world.documents
      .flatMap((doc, i) => (doc.reporter === viewer ? [`D${i} ${reportState(doc)} ${modelSees(world, viewer, doc) ? 'record' : 'none'}`] : []))
      .sort();
    if (JSON.stringify(shown) !== JSON.stringify(expected)) found.push(`reports of M${viewer}: ${shown.join(', ')} vs ${expected.join(', ')}`);
  }
  return found;
}

describe('which checks hit, against the reference model', () => {
  test('each wall alone, and both together, answer each member exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(worldArbitrary, async (world) => {
        const built = await build(world);
        for (const { name, app } of apps) expect(await differences(app, world, built), name).toEqual([]);
      }),
      { numRuns: 12 },
    );
  }, 300_000);

  test('a report the issuer confirmed and keeps to itself is 404 to its reporter, under each wall alone', async () => {
    // M1 reported M0's documents: D0 confirmed and kept by M0, D1 confirmed and cancelled, D2 confirmed
    // and shared with M1, D3 waiting, D4 rejected.
    const report = (state: WorldState, kind: AudienceKind = 'owner', members: number[] = []): WorldDocument => ({ owner: 0, kind, members, groups: [], state, reporter: 1 });
    const world: World = {
      observers: [false, false, false],
      groups: [],
      documents: [report('active'), report('cancelled'), report('active', 'members', [1]), report('pending-confirmation'), report('rejected')],
    };
    expect(world.documents.map((doc) => modelSees(world, 1, doc))).toEqual([false, false, true, true, true]);
    const built = await build(world);
    for (const { name, app } of apps) expect(await differences(app, world, built), name).toEqual([]);
  });

  test('with both walls removed the same check finds the leak, so it can fail', async () => {
    const leaky = await t.variant({ unsafeWithoutSharingCondition: true, unsafeWithoutRowLevelSecurity: true });
    const world: World = {
      observers: [false, false, true],
      groups: [],
      documents: [
        { owner: 0, kind: 'owner', members: [], groups: [], state: 'active', reporter: null },
        { owner: 0, kind: 'all', members: [], groups: [], state: 'active', reporter: null },
      ],
    };
    const built = await build(world);
    const found = await differences(leaky, world, built);
    expect(found).toContain('check D0 for M1: hit');
    expect(found).toContain('check D1 for M2: hit');
    expect(found).toContain('get D0 for M1: 200');
  });
});
