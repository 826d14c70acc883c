import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TestContext, TestSession } from '../../../test/support/app.js';
import { getAs, pagedIds, sharingHarness, type Viewing } from '../../../test/support/sharing-harness.js';
import { worldArbitrary, type SharedRecord } from '../../../test/support/sharing-model.js';
import { again, template } from '../../../test/support/templates.js';
import { sql } from '../../platform/db/sql.js';

/**
 * Gallery isolation against the shared reference model (DESIGN.md §3), on random worlds of members
 * (observers among them), groups and subjects. A gallery is its owner's alone, whatever audience
 * the world draws for a record: the model's rule narrowed to "the owner sees it". For each member,
 * under each wall alone (row-level security; the query layer's condition) and both together:
 *
 * - its gallery list is exactly its own subjects, all pages walked;
 * - each subject reads 200 for its owner and, for everyone else, the very 404 of no subject at all;
 * - a search with a face from each subject, under an agreement in force between every member of the
 *   world, hits exactly the gallery that holds it (never the searcher's own, which it does not
 *   search), naming that subject's reference and nothing of any other gallery; the other galleries
 *   answer no hit; and another member reads the search as 404.
 */

const FORMAT = 'human-faceres-1024';
const officers = new Map<string, TestSession>();
const agreements = new Map<number, string>();
/** Each world's subjects have faces of their own: a seed by world and record. */
const seedOf = (run: number, index: number) => run * 100 + index + 1;
const referenceOf = (run: number, index: number) => `B${run}-${index}`;

async function officerOf(t: TestContext, member: string): Promise<TestSession> {
  let session = officers.get(member);
  if (!session) {
    session = await t.sessionFor(await t.makeUser(member, ['officer']));
    officers.set(member, session);
  }
  return session;
}

/** An agreement in force between every member of the world, each searching every other's gallery (written as its parties would have left it). */
async function agreementOf(t: TestContext, run: number, codes: readonly string[]): Promise<string> {
  let id = agreements.get(run);
  if (!id) {
    const directions = codes.flatMap((searcher) => codes.filter((holder) => holder !== searcher).map((holder) => `${searcher}>${holder}`));
    id = await t.db.ownerTransaction(async (tx) => {
      const row = await tx.one<{ id: string }>(sql`INSERT INTO biometric_agreements (title, proposer, parties, directions, purposes, modalities, formats, valid_from, status)
        VALUES (${`World ${run}`}, ${codes[0]!}, ${[...codes]}::text[], ${directions}::text[], '{irregular-arrival}', '{face}', ${[FORMAT]}::text[], '2026-01-01', 'active') RETURNING id`);
      await tx.query(sql`INSERT INTO biometric_acceptances (agreement_id, member) SELECT ${row.id}, m FROM unnest(${[...codes]}::text[]) AS m`);
      return row.id;
    });
    agreements.set(run, id);
  }
  return id;
}

interface SearchAnswer { data: { id: string; results: { holder: string; hit: boolean; candidates: { reference: string }[] }[] } }

/** What the searches of one member show unlike the model. */
async function searchDifferences({ t, app, viewer, session, built }: Viewing<SharedRecord>): Promise<string[]> {
  const { world, codes, run } = built;
  const agreement = await agreementOf(t, run, codes);
  const found: string[] = [];
  const others = codes.filter((_, m) => m !== viewer).sort();
  for (const [index, record] of world.records.entries()) {
    const response = await app.inject({
      method: 'POST', url: '/api/v1/biometrics/searches', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
      payload: { agreement, purpose: 'irregular-arrival', template: { format: FORMAT, vector: again(seedOf(run, index)) } },
    });
    if (response.statusCode !== 201) {
      found.push(`search by M${viewer} for R${index}: ${response.statusCode} ${response.body}`);
      continue;
    }
    const answer = response.json<SearchAnswer>().data;
    const got = answer.results.map((r) => `${r.holder}:${r.hit ? r.candidates.map((c) => c.reference).join(',') : '-'}`);
    const expected = others.map((holder) => `${holder}:${holder === codes[record.owner] ? referenceOf(run, index) : '-'}`);
    if (got.join(' ') !== expected.join(' ')) found.push(`search by M${viewer} for R${index}: ${got.join(' ')} vs ${expected.join(' ')}`);
    // Another member is a holder of every search (every gallery is searched): it reads its own gallery's answer only.
    const other = (viewer + 1) % codes.length;
    const read = await getAs(app, built.sessions[other]!, `/api/v1/biometrics/searches/${answer.id}`);
    const holders = read.statusCode === 200 ? read.json<SearchAnswer>().data.results.map((r) => r.holder) : [];
    if (read.statusCode !== 200 || holders.join() !== codes[other]) found.push(`M${other} reads search by M${viewer}: ${read.statusCode} ${holders.join()}`);
    if (record.owner !== other && read.body.includes(referenceOf(run, index))) found.push(`M${other} is shown R${index}'s reference`);
  }
  return found;
}

const gallery = sharingHarness<SharedRecord>({
  prefix: 'B',
  // A gallery is its owner's alone: no audience opens it.
  sees: (_, viewer, record) => record.owner === viewer,
  create: async (t, { owner, index, run }) => {
    const enrolled = await t.as(await officerOf(t, owner), {
      method: 'POST',
      url: '/api/v1/biometrics/subjects',
      payload: { reference: referenceOf(run, index), template: { format: FORMAT, vector: template(seedOf(run, index)) }, biographic: { familyName: `Family ${index}` } },
    });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    return enrolled.json<{ data: { id: string } }>().data.id;
  },
  views: (viewing) => ({
    lists: { gallery: () => pagedIds(viewing.app, viewing.session, '/api/v1/biometrics/subjects?limit=3') },
    get: (id) => getAs(viewing.app, viewing.session, `/api/v1/biometrics/subjects/${id}`),
    more: () => searchDifferences(viewing),
  }),
});

const worlds = worldArbitrary({ members: { minLength: 2, maxLength: 4 }, groups: { maxLength: 2 }, records: { minLength: 1, maxLength: 6 } });

describe('galleries against the reference model', () => {
  test('each wall alone, and both together: a member lists and reads its own gallery only; a search hits exactly the gallery holding the face', async () => {
    await fc.assert(fc.asyncProperty(worlds, (world) => gallery.check(world)), { numRuns: 8 });
  }, 300_000);
});
