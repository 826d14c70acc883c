import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { App } from '../../platform/http/app.js';
import type { TestSession } from '../../../test/support/app.js';
import { getAs, sharingHarness, type Built } from '../../../test/support/sharing-harness.js';
import { clausesWorld, endedGroupsOf, groupsOf, isFullMember, sharingSees, worldArbitrary, type SharedRecord, type World } from '../../../test/support/sharing-model.js';
import { sql } from '../../platform/db/sql.js';
import type { AudienceKind } from '../../platform/sharing/model.js';
import { ICAO_ISSUERS } from './icao.js';
import { documentKey } from './number.js';
import { DocumentRegister } from './register.js';

/**
 * Which checks hit, against the reference model of the sharing rule (test/support/sharing-model.ts;
 * DESIGN.md §3, rule 1): a member gets a hit on an active document it owns or is in the audience of
 * (observers do not see "all"), and exactly "no hit" otherwise; the record itself is 404 to it, the
 * 404 of a record that does not exist. A member that reported another issuer's document reads that
 * record only while it waits or once rejected; once confirmed the record is the issuer's, under its
 * sharing alone, and the reporter's list of reports says only "confirmed" (with the record when the
 * sharing lets it see it). The in-memory index, which answers a check before the database does, says
 * "may hit" for exactly the documents the model says hit, so a document hidden from a member takes
 * the path (and the time) of one nobody registered, and none it may see is missed. Each wall alone (row-level security, the query layer's condition) and
 * both together give the model's answers, and with both removed the same check finds the leak, so
 * it can fail.
 */

type WorldState = 'active' | 'cancelled' | 'pending-confirmation' | 'rejected';
interface WorldDocument extends SharedRecord {
  state: WorldState;
  /** The member that reported it as a foreign document, if one did (always for pending and rejected). */
  reporter: number | null;
}

/** The record: by the sharing rule, or as the reporter of a report that waits or was rejected (never once confirmed). */
const modelSees = (world: World<WorldDocument>, viewer: number, doc: WorldDocument): boolean =>
  sharingSees(world, viewer, doc) || (doc.reporter === viewer && (doc.state === 'pending-confirmation' || doc.state === 'rejected'));
const modelHits = (world: World<WorldDocument>, viewer: number, doc: WorldDocument): boolean => doc.state === 'active' && sharingSees(world, viewer, doc);
/** Where a report stands, to its reporter. */
const reportState = (doc: WorldDocument): string => (doc.state === 'active' || doc.state === 'cancelled' ? 'confirmed' : doc.state);

const documentWorlds = worldArbitrary(
  { members: { minLength: 2, maxLength: 4 }, groups: { maxLength: 2 }, records: { minLength: 1, maxLength: 8 } },
  {
    extra: fc.record({ state: fc.constantFrom<WorldState>('active', 'active', 'cancelled', 'pending-confirmation', 'rejected'), reporter: fc.option(fc.nat(3)) }),
    record: (shared, { state, reporter: drawn }, n): WorldDocument => {
      // A report is another member's; one that waits or was rejected always has its reporter.
      let reporter = drawn === null ? null : drawn % n;
      if (reporter === shared.owner) reporter = null;
      if (reporter === null && (state === 'pending-confirmation' || state === 'rejected')) reporter = (shared.owner + 1) % n;
      return { ...shared, state, reporter };
    },
  },
);

// Members must be issuing states: every world takes fresh ISO codes from this list.
const CODES = [...ICAO_ISSUERS.keys()].filter((code) => /^[A-Z]{3}$/.test(code) && !code.startsWith('X') && !code.startsWith('U') && code !== 'EUE');
let nextCode = 0;
const numberOf = (run: number, index: number): string => `V${run}N${index}`;

/** What one app answers a member's single checks, a batch and its list of reports, compared with the model. */
async function checkDifferences(app: App, viewer: number, session: TestSession, built: Built<WorldDocument>): Promise<string[]> {
  const { world } = built;
  const found: string[] = [];
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  const documents = world.records.map((doc, i) => ({ issuer: built.codes[doc.owner]!, type: 'passport', number: numberOf(built.run, i) }));
  const batch = await app.inject({ method: 'POST', url: '/api/v1/documents/checks/batch', headers, payload: { purpose: 'property test', documents } });
  expect(batch.statusCode, batch.body).toBe(200);
  const answers = batch.json<{ data: { result: string; hit?: { documentId: string } }[] }>().data;
  for (const [i, doc] of world.records.entries()) {
    const expected = modelHits(world, viewer, doc);
    const single = await app.inject({ method: 'POST', url: '/api/v1/documents/checks', headers, payload: { purpose: 'property test', document: documents[i] } });
    const result = single.json<{ data: { result: string } }>().data.result;
    if (result !== (expected ? 'hit' : 'no-hit')) found.push(`check D${i} for M${viewer}: ${result}`);
    if (answers[i]?.result !== (expected ? 'hit' : 'no-hit')) found.push(`batch D${i} for M${viewer}: ${answers[i]?.result}`);
    if (expected && answers[i]?.hit?.documentId !== built.ids[i]) found.push(`batch D${i} for M${viewer}: another document`);
  }
  // The viewer's reports: each with where it stands, and the record only where the viewer may see it.
  const list = await getAs(app, session, '/api/v1/documents/reports?limit=100');
  expect(list.statusCode, list.body).toBe(200);
  const listed = list.json<{ data: { id: string; state: string; document: { id: string } | null }[] }>().data.filter((item) => built.ids.includes(item.id));
  const shown = listed.map((item) => `D${built.ids.indexOf(item.id)} ${item.state} ${item.document ? 'record' : 'none'}`).sort();
  const expected = world.records
    .flatMap((doc, i) => (doc.reporter === viewer ? [`D${i} ${reportState(doc)} ${modelSees(world, viewer, doc) ? 'record' : 'none'}`] : []))
    .sort();
  if (JSON.stringify(shown) !== JSON.stringify(expected)) found.push(`reports of M${viewer}: ${shown.join(', ')} vs ${expected.join(', ')}`);
  // The index: its answer for each document, one at a time and as a manifest, is the model's.
  const actor = {
    member: built.codes[viewer]!,
    fullMember: isFullMember(world, viewer),
    groups: groupsOf(world, viewer).map((g) => built.groupCodes[g]!),
    endedGroups: endedGroupsOf(world, viewer).map((g) => built.groupCodes[g]!),
  };
  const keys = documents.map((doc) => documentKey(doc.issuer, 'passport', doc.number));
  const many = indexed.mayHoldMany(keys, actor);
  for (const [i, doc] of world.records.entries()) {
    const expected = modelHits(world, viewer, doc);
    if (indexed.mayHold(keys[i]!, actor) !== expected) found.push(`index D${i} for M${viewer}: ${!expected}`);
    if (many[i] !== expected) found.push(`index (manifest) D${i} for M${viewer}: ${!expected}`);
  }
  return found;
}

/** A register with the index on, beside the apps, which check with it off: the database's walls are proved alone. */
let indexed: DocumentRegister;

/** Travel documents written behind the API's back, stolen passports under fresh numbers; the register learns them as a start would. */
const register = sharingHarness<WorldDocument>({
  prefix: 'D',
  app: { env: { LINTAS_DOCUMENT_INDEX: 'off' } },
  memberCode: () => {
    const code = CODES[nextCode++];
    if (!code) throw new Error('out of member codes');
    return code;
  },
  sees: modelSees,
  label: (_, i) => `D${i}`,
  create: async (t, { record, index, run, owner, members, groups, codes }) => {
    const row = await t.db.ownerTransaction((tx) =>
      tx.one<{ id: string }>(sql`
        INSERT INTO travel_documents (issuer, doc_type, number, status, state, reported_by, owner, audience_kind, audience_members, audience_groups, tlp)
        VALUES (${owner}, 'passport', ${numberOf(run, index)}, 'stolen', ${record.state}, ${record.reporter === null ? null : codes[record.reporter]!}, ${owner},
          ${record.kind}, ${members}, ${groups}, ${record.tlp})
        RETURNING id`),
    );
    return row.id;
  },
  afterCreate: async (t) => {
    indexed ??= new DocumentRegister(t.db, { useIndex: true });
    await indexed.rebuild();
  },
  views: ({ app, viewer, session, built }) => ({
    get: (id) => app.inject({ method: 'GET', url: `/api/v1/documents/${id}`, headers: { cookie: session.cookie, 'x-csrf-token': session.csrf } }),
    more: () => checkDifferences(app, viewer, session, built),
  }),
});

describe('which checks hit, against the reference model', () => {
  test('each wall alone, and both together, answer each member exactly what the model says', async () => {
    await fc.assert(
      fc.asyncProperty(documentWorlds, (world) => register.check(world)),
      { numRuns: 12 },
    );
  }, 300_000);

  test('every clause of the sharing rule, met and missed, under each wall alone', async () => {
    // The clauses world's records, active; and the same audiences again on cancelled ones, which hit no one.
    const world = clausesWorld(
      (record): WorldDocument => ({ ...record, state: 'active', reporter: null }),
      clausesWorld((record): WorldDocument => ({ ...record, state: 'cancelled', reporter: null })).records,
    );
    await register.check(world);
    expect(world.members.map((_, viewer) => world.records.flatMap((doc, i) => (modelHits(world, viewer, doc) ? [i] : [])))).toEqual([
      [0, 1, 2, 3, 4, 5],
      [1, 3, 5],
      [4, 5],
      [2, 3],
    ]);
  });

  test('a report the issuer confirmed and keeps to itself is 404 to its reporter, under each wall alone', async () => {
    // M1 reported M0's documents: D0 confirmed and kept by M0, D1 confirmed and cancelled, D2 confirmed
    // and shared with M1, D3 waiting, D4 rejected.
    const report = (state: WorldState, kind: AudienceKind = 'owner', members: number[] = []): WorldDocument => ({ owner: 0, kind, members, groups: [], tlp: 'AMBER', state, reporter: 1 });
    const world: World<WorldDocument> = {
      members: [{ observer: false }, { observer: false }, { observer: false }],
      groups: [],
      records: [report('active'), report('cancelled'), report('active', 'members', [1]), report('pending-confirmation'), report('rejected')],
    };
    expect(world.records.map((doc) => modelSees(world, 1, doc))).toEqual([false, false, true, true, true]);
    await register.check(world);
  });

  test('with both walls removed the same check finds the leak, so it can fail', async () => {
    const world: World<WorldDocument> = {
      members: [{ observer: false }, { observer: false }, { observer: true }],
      groups: [],
      records: [
        { owner: 0, kind: 'owner', members: [], groups: [], tlp: 'AMBER', state: 'active', reporter: null },
        { owner: 0, kind: 'all', members: [], groups: [], tlp: 'AMBER', state: 'active', reporter: null },
      ],
    };
    const found = await register.leaks(world);
    expect(found).toContain('check D0 for M1: hit');
    expect(found).toContain('check D1 for M2: hit');
    expect(found).toContain('get D0 for M1: 200');
  });
});
