import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { rowsVisited } from '../../../test/support/plan.js';
import type { Actor } from '../../platform/auth/actor.js';
import { loadSession } from '../../platform/auth/sessions.js';
import { runAs, type Ctx } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import type { Tx } from '../../platform/db/database.js';
import { normalisePerson } from './entities/names.js';
import { expand } from './graph.js';
import { matchAll } from './matcher.js';
import { linksOf } from './store.js';

// linksOf and the graph look exact keys up through linkage_holders (the reader's own rows by owner,
// rows shared with all by audience kind, rows shared by name or group by the reader's own entries
// in the reach index), and similar names through the pairs the matcher stored, probed the same way
// (linkage_similar_names_of), so hidden holders are never visited. These tests hold that every way a
// record can reach its reader still links, and nothing else does, with and without the query
// layer's condition (row-level security alone), and that the rows a read visits do not change when
// hidden records hold its values or names like its own (what a member timing its own reads would
// measure).

const LEADS = '/api/v1/linkage/leads';
const PHONE = { type: 'phone', value: '+62 811 7777 0001' };
const NAME = { type: 'person', name: 'Ahmad Fauzi Rahman', birthYear: 1980 };

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] } | { kind: 'groups'; groups: string[] };
interface Lead {
  id: string;
  links: { kind: string; key: string; record: { id: string; owner: string } }[];
}

for (const unsafeWithoutSharingCondition of [false, true]) {
  describe(`links by audience kind (${unsafeWithoutSharingCondition ? 'row-level security alone' : 'both walls'})`, () => {
    let t: TestContext;
    const sessions: Record<string, TestSession> = {};
    const ids: Record<string, string> = {};

    async function write(member: string, name: string, audience: Audience, entity: Record<string, unknown> = PHONE): Promise<void> {
      const response = await t.as(sessions[member] as TestSession, {
        method: 'POST',
        url: LEADS,
        payload: { title: name, subject: 'person', entities: [entity], sharing: { audience, tlp: 'AMBER' } },
      });
      expect(response.statusCode, response.body).toBe(201);
      ids[name] = response.json<{ data: Lead }>().data.id;
    }
    async function linkedNames(member: string, name: string): Promise<string[]> {
      const response = await t.as(sessions[member] as TestSession, { method: 'GET', url: `${LEADS}/${ids[name]}` });
      expect(response.statusCode, response.body).toBe(200);
      const byId = new Map(Object.entries(ids).map(([key, id]) => [id, key]));
      return response.json<{ data: Lead }>().data.links.map((link) => byId.get(link.record.id) ?? link.record.id).sort();
    }

    beforeAll(async () => {
      t = await makeTestApp({ unsafeWithoutSharingCondition });
      for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
      await t.makeMember('OBS', { status: 'observer' });
      await t.makeGroup('g1', ['AAA', 'BBB']);
      await t.makeGroup('g2', ['BBB', 'CCC']);
      for (const code of ['AAA', 'BBB', 'CCC', 'OBS']) sessions[code] = await t.sessionFor(await t.makeUser(code, ['analyst']));
      await write('BBB', 'b-owner', { kind: 'owner' });
      await write('BBB', 'b-all', { kind: 'all' });
      await write('BBB', 'b-named-aaa', { kind: 'members', members: ['AAA'] });
      await write('BBB', 'b-named-ccc', { kind: 'members', members: ['CCC'] });
      await write('BBB', 'b-named-obs', { kind: 'members', members: ['OBS'] });
      await write('BBB', 'b-group-g1', { kind: 'groups', groups: ['g1'] });
      await write('BBB', 'b-group-g2', { kind: 'groups', groups: ['g2'] });
      await write('AAA', 'a-own', { kind: 'owner' });
      await write('AAA', 'a-all', { kind: 'all' });
      await write('AAA', 'a-named-bbb', { kind: 'members', members: ['BBB'] });
      await write('AAA', 'a-read', { kind: 'owner' });
      await write('OBS', 'o-read', { kind: 'owner' });
      // Names (in another word order and script) go through linkage_similar_names, which applies the rule itself.
      const arabic = { type: 'person', name: 'رحمن أحمد فوزي', birthYear: 1981 };
      await write('BBB', 'n-owner', { kind: 'owner' }, arabic);
      await write('BBB', 'n-all', { kind: 'all' }, arabic);
      await write('BBB', 'n-named-aaa', { kind: 'members', members: ['AAA'] }, arabic);
      await write('BBB', 'n-named-ccc', { kind: 'members', members: ['CCC'] }, arabic);
      await write('BBB', 'n-group-g1', { kind: 'groups', groups: ['g1'] }, arabic);
      await write('BBB', 'n-group-g2', { kind: 'groups', groups: ['g2'] }, arabic);
      await write('AAA', 'n-read', { kind: 'owner' }, NAME);
      await write('OBS', 'n-obs', { kind: 'owner' }, NAME);
      // Names link once the matcher has stored their pairs (seconds after the write, in the server).
      await matchAll(t.platform);
    });
    afterAll(() => t.close());

    test('a full member’s lead links to its own records of every audience and to others’ records shared with it, and to nothing hidden', async () => {
      expect(await linkedNames('AAA', 'a-read')).toEqual(['a-all', 'a-named-bbb', 'a-own', 'b-all', 'b-group-g1', 'b-named-aaa']);
    });

    test('the other side sees its own records and what the reader shared with it', async () => {
      expect(await linkedNames('BBB', 'b-owner')).toEqual(
        ['a-all', 'a-named-bbb', 'b-all', 'b-group-g1', 'b-group-g2', 'b-named-aaa', 'b-named-ccc', 'b-named-obs'],
      );
    });

    test('a name links to the similar names the reader may see, and to no hidden one', async () => {
      expect(await linkedNames('AAA', 'n-read')).toEqual(['n-all', 'n-group-g1', 'n-named-aaa']);
      expect(await linkedNames('OBS', 'n-obs')).toEqual([]);
    });

    test('the database wall: linkage_similar_names_of returns only pairs whose other row the member of the transaction may see', async () => {
      const mine = await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM linkage_entities WHERE record_id = ${ids['n-read']}`));
      const hidden = await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM linkage_entities WHERE record_id = ${ids['n-owner']}`));
      const query = (entities: string[]) => sql`SELECT o.record_id FROM linkage_similar_names_of(${entities}::uuid[]) s JOIN linkage_entities o ON o.id = s.other_id`;
      const similar = (member: string | null, entities: string[]) => (member === null
        ? t.db.ownerTransaction((tx) => tx.query<{ record_id: string }>(query(entities)))
        : t.db.transaction({ member }, (tx) => tx.query<{ record_id: string }>(query(entities))));
      const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
      const names = (rows: { record_id: string }[]) => rows.map((row) => byId.get(row.record_id)).sort();
      expect(names(await similar('AAA', [mine.id]))).toEqual(['n-all', 'n-group-g1', 'n-named-aaa']);
      // A row the member may not see gives nothing, though its pairs include the member's own rows.
      expect(names(await similar('AAA', [hidden.id]))).toEqual([]);
      expect(names(await similar('BBB', [hidden.id]))).toEqual(['n-all', 'n-group-g1', 'n-group-g2', 'n-named-aaa', 'n-named-ccc']);
      // Without a member (the owner's own jobs) it finds nothing: it fails closed. The application role may not read the pairs.
      expect(await similar(null, [mine.id])).toEqual([]);
      await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`SELECT count(*) FROM linkage_name_pairs`))).rejects.toThrow(/permission denied/);
    });

    test('an observer (not a full member) is not reached by "all", only by what is shared with it by name', async () => {
      expect(await linkedNames('OBS', 'o-read')).toEqual(['b-named-obs']);
    });

    test('timing: a read visits the same rows however many hidden records hold its values or names like its own', async () => {
      const actors: Record<string, Actor> = {};
      for (const code of ['AAA', 'OBS']) actors[code] = (await loadSession(t.db, (sessions[code] as TestSession).cookie.split('=')[1] ?? ''))!.actor;
      const phone = await t.db.ownerTransaction((tx) => tx.one<{ key: string }>(sql`SELECT key FROM linkage_entities WHERE record_id = ${ids['a-read']}`));
      const name = normalisePerson(NAME.name, NAME.birthYear);
      // Rows of linkage_entities, linkage_name_pairs and their indexes returned or fetched by the
      // read, from the transaction's own statistics (the same measure on PGlite and PostgreSQL).
      async function visited(member: string, read: (ctx: Ctx) => Promise<unknown>): Promise<{ rows: number; answer: string }> {
        return runAs(t.platform, actors[member] as Actor, { requestId: 'links-timing', address: '127.0.0.1' }, async (ctx) => {
          const count = () => rowsVisited(ctx.tx, ['linkage_entities', 'linkage_name_pairs']);
          // On these few rows the planner would scan linkage_entities whole for the read's own rows
          // (and for the join back from linkage_holders); at any real size it probes the indexes.
          // What is measured here is the lookup of others' rows, so scans go as they do at size.
          await ctx.tx.query(sql`SET LOCAL enable_seqscan = off`);
          const before = await count();
          const answer = JSON.stringify(await read(ctx));
          return { rows: (await count()) - before, answer };
        });
      }
      const lead = (name: string) => ({ module: 'linkage', recordType: 'lead', id: ids[name] as string });
      const phoneValue = { value: { kind: 'phone' as const, key: phone.key } };
      // The name as a value typed into the graph (not a stored record's entity).
      const nameValue = { value: { kind: 'person' as const, key: name.key, birthYear: NAME.birthYear } };
      const reads = {
        aaaLinks: () => visited('AAA', (ctx) => linksOf(ctx, lead('a-read'), 0.6)),
        aaaGraph: () => visited('AAA', async (ctx) => (await expand(ctx, phoneValue)).data.nodes),
        obsLinks: () => visited('OBS', (ctx) => linksOf(ctx, lead('o-read'), 0.6)),
        obsGraph: () => visited('OBS', async (ctx) => (await expand(ctx, phoneValue)).data.nodes),
        aaaNameLinks: () => visited('AAA', (ctx) => linksOf(ctx, lead('n-read'), 0.6)),
        aaaNameGraph: () => visited('AAA', async (ctx) => (await expand(ctx, nameValue)).data.nodes),
        obsNameLinks: () => visited('OBS', (ctx) => linksOf(ctx, lead('n-obs'), 0.6)),
        obsNameGraph: () => visited('OBS', async (ctx) => (await expand(ctx, nameValue)).data.nodes),
      };
      type Read = keyof typeof reads;
      const readAll = async () => {
        const all: Partial<Record<Read, { rows: number; answer: string }>> = {};
        for (const read of Object.keys(reads) as Read[]) all[read] = await reads[read]();
        return all as Record<Read, { rows: number; answer: string }>;
      };
      // 40 records of each audience hold the phone, the same name and a name like it (a letter
      // changed); the matcher then stores the names' pairs, as it would after their writes.
      const similarKey = name.key.replace('fauzi', 'fauzy');
      const hide = async (audience: string) => {
        await t.db.ownerTransaction((tx) => tx.query(sql`
          INSERT INTO linkage_entities (module, record_type, record_id, kind, key, skeleton, birth_year, owner, audience_kind, audience_members, audience_groups, tlp)
          SELECT 'linkage', 'lead', gen_random_uuid(), v.kind, v.key, v.skeleton, v.birth_year, a.owner, a.kind, a.members, a.groups, 'AMBER'
          FROM generate_series(1, 40) AS n, (VALUES
            ('BBB', 'owner', '{}'::text[], '{}'::text[]), ('CCC', 'owner', '{}', '{}'), ('BBB', 'members', '{CCC}', '{}'),
            ('CCC', 'members', '{BBB}', '{}'), ('CCC', 'groups', '{}', '{g2}'), ('BBB', 'all', '{}', '{}')) AS a (owner, kind, members, groups),
            LATERAL (VALUES ('phone', ${phone.key}, NULL, NULL::int),
              ('person', CASE WHEN n % 2 = 0 THEN ${name.key} ELSE ${similarKey} END, ${name.skeleton}, ${NAME.birthYear}::int)) AS v (kind, key, skeleton, birth_year)
          WHERE a.kind = ${audience} OR (${audience} = 'hidden from both' AND a.kind <> 'all')`));
        await matchAll(t.platform);
      };
      const first = await readAll();
      expect(first.aaaLinks.rows).toBeGreaterThan(0);
      expect(first.aaaNameLinks.rows).toBeGreaterThan(0);
      // The name links are there to be read: the typed name finds the reader's own record and the three shared with it.
      expect((JSON.parse(first.aaaNameGraph.answer) as { type: string }[]).filter((node) => node.type === 'record')).toHaveLength(4);
      // 200 records of other members that neither reader may see hold the value, the name or one like it.
      await hide('hidden from both');
      const pairs = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_name_pairs p JOIN linkage_entities e ON e.id = p.entity_id
        WHERE e.record_id = ${ids['n-read']}`));
      expect(pairs.n).toBeGreaterThanOrEqual(200);
      const second = await readAll();
      for (const read of Object.keys(reads) as Read[]) expect(second[read], read).toEqual(first[read]);
      // 40 more shared with all: a full member's read visits them (the measure sees rows a read may
      // visit; their records are not leads, so no link shows), an observer's reads do not change.
      await hide('all');
      const third = await readAll();
      expect(third.aaaLinks.rows).toBeGreaterThanOrEqual(first.aaaLinks.rows + 40);
      expect(third.aaaNameLinks.rows).toBeGreaterThanOrEqual(first.aaaNameLinks.rows + 40);
      for (const read of ['obsLinks', 'obsGraph', 'obsNameLinks', 'obsNameGraph'] as const) expect(third[read], read).toEqual(first[read]);
    });

    test('timing: re-sharing, renaming or deleting one’s own name row touches no stored pair, however many hidden names are like it', async () => {
      // The reader's own lead has 200 and more pairs by now, most with rows it may not see (the test above).
      const own = await t.db.ownerTransaction((tx) => tx.one<{ id: string; pairs: number }>(sql`SELECT e.id,
        (SELECT count(*)::int FROM linkage_name_pairs p WHERE p.other_id = e.id) AS pairs FROM linkage_entities e WHERE e.record_id = ${ids['n-read']}`));
      expect(own.pairs).toBeGreaterThanOrEqual(200);
      const rolledBack = new Error('rolled back');
      // Pair rows and index entries the write read, changed or wrote, from the transaction's own statistics.
      const touched = (tx: Tx) => tx.one<{ n: number }>(sql`
        SELECT (sum(pg_stat_get_xact_tuples_returned(c)) + sum(pg_stat_get_xact_tuples_fetched(c)) + sum(pg_stat_get_xact_tuples_inserted(c))
          + sum(pg_stat_get_xact_tuples_updated(c)) + sum(pg_stat_get_xact_tuples_deleted(c)))::int AS n
        FROM (SELECT 'linkage_name_pairs'::regclass::oid AS c UNION ALL SELECT indexrelid FROM pg_index WHERE indrelid = 'linkage_name_pairs'::regclass) r`);
      for (const write of [
        sql`UPDATE linkage_entities SET audience_kind = 'all' WHERE id = ${own.id}`,
        sql`UPDATE linkage_entities SET birth_year = birth_year + 1 WHERE id = ${own.id}`,
        sql`DELETE FROM linkage_entities WHERE id = ${own.id}`,
      ]) {
        let n = -1;
        await expect(t.db.ownerTransaction(async (tx) => {
          const before = (await touched(tx)).n;
          await tx.query(write);
          n = (await touched(tx)).n - before;
          // Queued for the matcher instead, which finds the pairs again (or removes them) after the commit.
          expect(await tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_queue WHERE entity_id = ${own.id}`)).toEqual({ n: 1 });
          throw rolledBack;
        })).rejects.toBe(rolledBack);
        expect(n).toBe(0);
      }
    });
  });
}
