import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';

// linksOf looks exact keys up by audience kind (the reader's own rows by owner, others' by the
// kinds that can reach the reader), so hidden holders are never visited. These tests hold that
// every way a record can reach its reader still links, and nothing else does, with and without the
// query layer's condition (row-level security alone).

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

    test('the database wall: linkage_similar_names returns only rows the member of the transaction may see', async () => {
      const key = (await t.db.ownerTransaction((tx) => tx.one<{ key: string; skeleton: string }>(sql`SELECT key, skeleton FROM linkage_entities WHERE record_id = ${ids['n-read']}`)));
      const seen = await t.db.transaction({ member: 'AAA' }, (tx) =>
        tx.query<{ record_id: string }>(sql`SELECT e.record_id FROM linkage_similar_names(${key.key}, ${key.skeleton}, 1980, 0.6) s
          JOIN linkage_entities e ON e.id = s.id`));
      const everyone = await t.db.ownerTransaction((tx) =>
        tx.query<{ id: string }>(sql`SELECT s.id FROM linkage_similar_names(${key.key}, ${key.skeleton}, 1980, 0.6) s`));
      const byId = new Map(Object.entries(ids).map(([name, id]) => [id, name]));
      expect(seen.map((row) => byId.get(row.record_id)).sort()).toEqual(['n-all', 'n-group-g1', 'n-named-aaa', 'n-read']);
      // Without a member (the owner's own jobs) it finds nothing: it fails closed.
      expect(everyone).toEqual([]);
    });

    test('an observer (not a full member) is not reached by "all", only by what is shared with it by name', async () => {
      expect(await linkedNames('OBS', 'o-read')).toEqual(['b-named-obs']);
    });
  });
}
