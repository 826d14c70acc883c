import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { matchAll } from './matcher.js';

const LEADS = '/api/v1/linkage/leads';
const VALUES = '/api/v1/linkage/values';

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let ccc: TestSession;
let secretariat: TestSession;

const write = async (who: TestSession, title: string, value: string, audience: 'owner' | 'all' = 'owner'): Promise<string> => {
  const response = await t.as(who, { method: 'POST', url: LEADS, payload: { title, subject: 'other', entities: [{ type: 'phone', value }], sharing: { audience: { kind: audience }, tlp: 'AMBER' } } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
};
const notices = async (who: TestSession): Promise<{ key: string; side: string }[]> => (await t.as(who, { method: 'GET', url: '/api/v1/linkage/notices' })).json<{ data: { key: string; side: string }[] }>().data;

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_LINKAGE_COMMON_VALUE_RECORDS: '2' } });
  for (const code of ['AAA', 'BBB', 'CCC', 'SEC']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['analyst', 'member-admin', 'approver']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  ccc = await t.sessionFor(await t.makeUser('CCC', ['analyst']));
  secretariat = await t.sessionFor(await t.makeUser('SEC', ['secretariat']));
});
afterAll(() => t.close());

test('a guarded value waits for the secretariat; let through, its records are matched and notices go out', async () => {
  for (const [who, title] of [[aaa, 'A'], [bbb, 'B'], [ccc, 'C']] as const) await write(who, title, '+63 2 8888 0000');
  expect((await matchAll(t.platform)).notices).toBe(0);
  const listed = await t.as(secretariat, { method: 'GET', url: `${VALUES}?status=common` });
  expect(listed.json<{ data: { kind: string; key: string; records: number }[] }>().data).toEqual([expect.objectContaining({ kind: 'phone', key: '+63288880000', records: 3 })]);
  const released = await t.as(secretariat, { method: 'PUT', url: VALUES, payload: { kind: 'phone', key: '+63288880000', status: 'released', note: 'A smuggling hotline, not a public number' } });
  expect(released.statusCode, released.body).toBe(200);
  expect(released.json<{ data: { requeued: number } }>().data.requeued).toBe(3);
  // Three members, each told of the two others: six notices.
  expect((await matchAll(t.platform)).notices).toBe(6);
  expect((await notices(bbb)).filter((n) => n.key === '+63288880000' && n.side === 'told')).toHaveLength(2);
});

test('a value put on the warning list, given as it is typed, never links nor makes notices', async () => {
  const put = await t.as(secretariat, { method: 'PUT', url: VALUES, payload: { entity: { type: 'phone', value: '(02) 8527 2222' }, country: 'PHL', status: 'benign', note: 'Embassy switchboard' } });
  expect(put.statusCode, put.body).toBe(200);
  expect(put.json<{ data: { key: string } }>().data.key).toBe('+63285272222');
  const shared = await write(aaa, 'Embassy, shared', '+63 2 8527 2222', 'all');
  const mine = await write(bbb, 'Embassy, mine', '+63285272222');
  await matchAll(t.platform);
  expect((await notices(bbb)).filter((n) => n.key === '+63285272222')).toEqual([]);
  const lead = (await t.as(bbb, { method: 'GET', url: `${LEADS}/${mine}` })).json<{ data: { links: { record: { id: string } }[] } }>().data;
  expect(lead.links.map((link) => link.record.id)).not.toContain(shared);
});

test('members may not read or change the review, the warning lists or the volume: 403, nothing changed', async () => {
  const before = await fingerprint(t.db);
  for (const who of [aaa, bbb]) {
    expect((await t.as(who, { method: 'GET', url: VALUES })).statusCode).toBe(403);
    expect((await t.as(who, { method: 'PUT', url: VALUES, payload: { kind: 'phone', key: '+63288880000', status: 'benign' } })).statusCode).toBe(403);
    expect((await t.as(who, { method: 'GET', url: '/api/v1/linkage/notices/volume' })).statusCode).toBe(403);
  }
  expect(await fingerprint(t.db)).toEqual(before);
});

test('a bad value is a 400 with its pointer, and nothing changes', async () => {
  const before = await fingerprint(t.db);
  const response = await t.as(secretariat, { method: 'PUT', url: VALUES, payload: { entity: { type: 'phone', value: '02 8527 2222' }, status: 'benign' } });
  expect(response.statusCode).toBe(400);
  expect(response.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/entity/value');
  expect(await fingerprint(t.db)).toEqual(before);
});

test('the secretariat sees how many notices each member was given, by day', async () => {
  const volume = (await t.as(secretariat, { method: 'GET', url: '/api/v1/linkage/notices/volume?days=7' })).json<{ data: { member: string; notices: number }[] }>().data;
  expect(volume.find((row) => row.member === 'BBB')?.notices).toBe(2);
});
