import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';

// linksOf looks exact keys up by audience kind (the reader's own rows by owner, others' by the
// kinds that can reach the reader), so hidden holders are never visited. These tests hold that
// every way a record can reach its reader still links, and nothing else does, with and without the
// query layer's condition (row-level security alone).

const LEADS = '/api/v1/linkage/leads';
const PHONE = '+62 811 7777 0001';

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

    async function write(member: string, name: string, audience: Audience): Promise<void> {
      const response = await t.as(sessions[member] as TestSession, {
        method: 'POST',
        url: LEADS,
        payload: { title: name, subject: 'person', entities: [{ type: 'phone', value: PHONE }], sharing: { audience, tlp: 'AMBER' } },
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

    test('an observer (not a full member) is not reached by "all", only by what is shared with it by name', async () => {
      expect(await linkedNames('OBS', 'o-read')).toEqual(['b-named-obs']);
    });
  });
}
