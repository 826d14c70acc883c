import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';
import { linkageSettings } from './settings.js';

// Re-linking names from scratch (linkage_rebuild_name_pairs, `lintas linkage relink-names`) must
// store exactly the pairs the matcher stores one name at a time, and those the obvious trigram
// search of every name finds, at any threshold, including one equal to a similarity the data holds
// (pg_trgm compares float4 similarities): names at and around the threshold, swapped words,
// sound-alikes, other scripts, years of birth one and two apart or unknown, and two similar names
// in one record.

const NAMES: [string, number | null][] = [
  ['Ahmad Fauzi Rahman', 1980], ['Ahmed Fauzy Rahman', 1981], ['Rahman Ahmad Fauzi', 1979], ['Ahmad Rahman', 1980],
  ['Ahmad Fauzi Rahman', 1982], ['Achmad Fauzi Rachman', null], ['A. F. Rahman', 1980], ['Fauzi Rahmat', 1980],
  ['Muhammad Ali Hassan', 1975], ['Mohammed Aly Hasan', 1975], ['Mohamad Ali Hassan', 1976], ['Muhammad Hassan', 1974],
  ['Mohammad Ali', null], ['Ali Hassan Muhammad', 1977], ['Nguyen Van Minh', 1990], ['Nguyen Van Manh', 1990],
  ['Nguyễn Văn Minh', 1991], ['Van Minh Nguyen', null], ['Tran Thi Lan', 1985], ['Tran Thi Lanh', 1985],
  ['Siti Nurhaliza', 1979], ['Siti Nur Haliza', 1979], ['Siti Nurhalizah', 1980], ['Jean-Pierre Dubois', 1960],
  ['Jean Pierre Du Bois', 1960], ['Zhang Wei', 1988], ['Zhang Wie', 1988], ['张伟', 1988], ['Wei Zhang', 1989],
  ['Abdul Karim', 1970], ['Abdulkarim', 1970], ['Abd al-Karim', 1971], ['Li Na', 1990], ['Na Li', null], ['Lina', 1990],
];

describe('re-linking names from scratch', () => {
  let t: TestContext;
  let analyst: TestSession;

  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('AAA');
    await t.makeMember('BBB');
    analyst = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const other = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
    for (const [index, [name, birthYear]] of NAMES.entries()) {
      const people = [{ type: 'person', name, ...(birthYear === null ? {} : { birthYear }) }];
      // One record holds two names like each other: they must not pair (same record).
      if (index === 0) people.push({ type: 'person', name: 'Ahmad Fauzi Rahmann', birthYear: 1980 });
      const response = await t.as(index % 2 === 0 ? analyst : other, {
        method: 'POST',
        url: '/api/v1/linkage/leads',
        payload: { title: `lead ${index}`, subject: 'person', entities: people, sharing: { audience: { kind: index % 3 === 0 ? 'all' : 'owner' }, tlp: 'AMBER' } },
      });
      expect(response.statusCode, response.body).toBe(201);
    }
    await matchAll(t.platform);
  }, 60_000);

  afterAll(() => t.close());

  type Pair = { entity_id: string; other_id: string; score: number; owner: string; audience_kind: string };
  const stored = () =>
    t.db.ownerTransaction((tx) =>
      tx.query<Pair>(sql`SELECT entity_id, other_id, round(score::numeric, 5)::float8 AS score, owner, audience_kind
        FROM linkage_name_pairs ORDER BY entity_id, other_id`),
    );
  // The obvious way: one trigram search for every name, the threshold at full precision.
  const searched = (threshold: number) =>
    t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`SELECT set_config('pg_trgm.similarity_threshold', ${threshold}::real::float8::text, true)`);
      return tx.query<Pair>(sql`
        SELECT a.id AS entity_id, b.id AS other_id, round(b.score::numeric, 5)::float8 AS score, b.owner, b.audience_kind
        FROM linkage_entities a CROSS JOIN LATERAL (
          SELECT e.id, e.owner, e.audience_kind, greatest(similarity(e.key, a.key), similarity(e.skeleton, a.skeleton)) AS score
          FROM linkage_entities e
          WHERE e.kind = 'person' AND (e.key % a.key OR e.skeleton % a.skeleton) AND e.record_id <> a.record_id
            AND (a.birth_year IS NULL OR e.birth_year IS NULL OR abs(e.birth_year - a.birth_year) <= 1)) b
        WHERE a.kind = 'person' AND b.score >= ${threshold}::real
        ORDER BY 1, 2`);
    });
  const rebuild = (threshold: number) =>
    t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT linkage_rebuild_name_pairs(${threshold}::real)::int AS n`));

  test('stores the pairs the matcher stores, and those a trigram search of every name finds', async () => {
    const byMatcher = await stored();
    const at = linkageSettings.of(t.platform.config).nameSimilarity / 100;
    // The data must reach the interesting cases: pairs exist, and some near names do not pair.
    expect(byMatcher.length).toBeGreaterThan(20);
    const reference = await searched(at);
    expect(reference).toEqual(byMatcher);
    expect((await rebuild(at)).n).toBe(byMatcher.length);
    expect(await stored()).toEqual(byMatcher);
  });

  test('at other thresholds too, including ones that fall between two names’ similarities', async () => {
    for (const threshold of [0.3, 0.45, 0.5, 0.75, 0.9, 1]) {
      const reference = await searched(threshold);
      expect((await rebuild(threshold)).n, `threshold ${threshold}`).toBe(reference.length);
      expect(await stored(), `threshold ${threshold}`).toEqual(reference);
    }
    // Every similarity the data holds, exactly: float4 rounding at the boundary must not lose a pair.
    const scores = await t.db.ownerTransaction((tx) =>
      tx.query<{ s: number }>(sql`SELECT DISTINCT greatest(similarity(a.key, b.key), similarity(a.skeleton, b.skeleton))::float8 AS s
        FROM linkage_entities a JOIN linkage_entities b ON a.kind = 'person' AND b.kind = 'person' AND a.id < b.id
        WHERE greatest(similarity(a.key, b.key), similarity(a.skeleton, b.skeleton)) BETWEEN 0.3 AND 0.95 ORDER BY 1 LIMIT 12`),
    );
    expect(scores.length).toBeGreaterThan(3);
    for (const { s } of scores) {
      const reference = await searched(s);
      expect((await rebuild(s)).n, `threshold ${s}`).toBe(reference.length);
      expect(await stored(), `threshold ${s}`).toEqual(reference);
    }
  });
});
