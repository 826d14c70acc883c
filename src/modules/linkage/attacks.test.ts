import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';

/**
 * Linkage against a hostile member (issue 24): each attack written as a test that fails if it
 * works. FIS fishes: it writes leads holding guessed values to learn who holds them, watches for a
 * value to become common, compares the answers of writes that match hidden records with writes
 * that match nothing, and differences its answers before and after the holders change theirs.
 * The over-linking guard stops at 3 records, and a member is given 3 notices a day.
 */

let t: TestContext;
const s: Record<string, TestSession> = {};
const LEADS = '/api/v1/linkage/leads';

const write = (member: string, value: string, more: Record<string, unknown> = {}): Promise<LightMyRequestResponse> =>
  t.as(s[member] as TestSession, { method: 'POST', url: LEADS, payload: { title: 'Lead', subject: 'other', entities: [{ type: 'email', value }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, ...more } });
async function lead(member: string, value: string, more: Record<string, unknown> = {}): Promise<string> {
  const response = await write(member, value, more);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
const get = async (member: string, url: string) => {
  const response = await t.as(s[member] as TestSession, { method: 'GET', url: `/api/v1${url}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.body;
};
/** An answer less what names this request: ids, times and the given values. */
const shape = (body: string, values: string[] = []): string =>
  values.reduce((text, value) => text.split(value).join('VALUE'), body)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'ID')
    .replace(/\d{4}-\d{2}-\d{2}T[\d:.]+Z/g, 'TIME');
/** Everything a member can read of linkage: its leads (each with its links), its notices, its inbox, the release. */
async function everythingSeenBy(member: string): Promise<string> {
  const list = JSON.parse(await get(member, '/linkage/leads?limit=100')) as { data: { id: string }[] };
  const leads = await Promise.all(list.data.map((item) => get(member, `/linkage/leads/${item.id}`)));
  const inbox = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT n.kind, n.title, n.body FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.member = ${member} ORDER BY n.created_at`));
  return JSON.stringify([list, leads, await get(member, '/linkage/notices?limit=100'), inbox, await get(member, '/linkage/release?table=entitiesByKind&interval=month')]);
}
const notices = async (member: string) =>
  (JSON.parse(await get(member, '/linkage/notices?limit=100')) as { data: { id: string; side: string; key: string | null; member: string | null; yourRecords: { id: string }[]; theirRecords: { id: string }[] }[] }).data;

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_LINKAGE_COMMON_VALUE_RECORDS: '3', LINTAS_LINKAGE_NOTICES_PER_DAY: '3' } });
  for (const code of ['FIS', 'HA', 'HB', 'HC', 'HD', 'TA', 'TB', 'SEC']) {
    await t.makeMember(code);
    s[code] = await t.sessionFor(await t.makeUser(code, code === 'SEC' ? ['secretariat'] : ['analyst', 'approver']));
  }
});
afterAll(() => t.close());

describe('a member fishing with guessed values', () => {
  test('learns only that a match exists and whom to ask; a few a day; the holders and the secretariat see the fishing', async () => {
    const heldA = await lead('HA', 'one@guess.example');
    const heldB = [await lead('HB', 'two@guess.example', { namedInHits: false }), await lead('HB', 'two@guess.example', { namedInHits: false })];
    const heldC = [await lead('HC', 'three@guess.example'), await lead('HC', 'four@guess.example'), await lead('HC', 'five@guess.example')];
    const guesses = ['one', 'two', 'three', 'four', 'five', 'six'].map((word) => `${word}@guess.example`);
    const mine = [];
    for (const guess of guesses) mine.push(await lead('FIS', guess));
    await matchAll(t.platform);

    const told = (await notices('FIS')).filter((n) => n.side === 'told');
    // Five guesses hit; three notices a day: the rest wait for tomorrow.
    expect(told).toHaveLength(3);
    for (const notice of told) {
      expect(notice.theirRecords).toEqual([]);
      expect(notice.yourRecords.map((r) => r.id)).toEqual([mine[guesses.indexOf(notice.key ?? '')]]);
      expect(notice.member === null ? 'HB' : notice.member).toBe(notice.key === 'one@guess.example' ? 'HA' : notice.key === 'two@guess.example' ? 'HB' : 'HC');
    }
    // An unnamed holder stays unnamed; no holder's record, title or number of records shows anywhere FIS reads.
    const seen = await everythingSeenBy('FIS');
    for (const id of [heldA, ...heldB, ...heldC]) expect(seen).not.toContain(id);
    expect(seen).not.toContain('HB');
    const two = told.find((n) => n.key === 'two@guess.example');
    if (two) expect(two.member).toBeNull();

    // The secretariat sees FIS's notices for the day and matches waiting; the holders see who asked.
    const volume = JSON.parse(await get('SEC', '/linkage/notices/volume')) as { data: { member: string; notices: number; waiting: number }[] };
    expect(volume.data.find((row) => row.member === 'FIS')?.notices).toBe(3);
    expect(volume.data.reduce((sum, row) => sum + row.waiting, 0)).toBeGreaterThan(0);
    const holders = (await notices('HC')).filter((n) => n.side === 'holder');
    expect(holders.every((n) => n.member === 'FIS')).toBe(true);
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ object_owners: string[] }>(sql`SELECT object_owners FROM audit_log WHERE action = 'linkage.notice' AND 'FIS' = ANY(object_owners)`));
    expect(audited.length).toBeGreaterThanOrEqual(3);
    for (const row of audited) expect(row.object_owners).toHaveLength(2);
    // Members never read the guard's values or the volume.
    for (const url of ['/api/v1/linkage/values', '/api/v1/linkage/notices/volume']) expect((await t.as(s.FIS as TestSession, { method: 'GET', url })).statusCode).toBe(403);
  });
});

describe('a member watching for a value to become common', () => {
  test('learns nothing when others push a value it does not hold past the guard, and its writes of common, warned, rare and unheld values answer alike', async () => {
    await lead('HA', 'common@watch.example');
    await lead('HB', 'common@watch.example');
    await lead('HC', 'common@watch.example');
    await lead('HA', 'rare@watch.example');
    await matchAll(t.platform);
    const before = await everythingSeenBy('FIS');
    // A fourth record: the value is now common (the guard's limit is 3).
    await lead('HD', 'common@watch.example');
    await matchAll(t.platform);
    expect(await everythingSeenBy('FIS')).toBe(before);
    const status = await t.db.ownerTransaction((tx) => tx.query<{ status: string }>(sql`SELECT status FROM linkage_values WHERE key = 'common@watch.example'`));
    expect(status).toEqual([{ status: 'common' }]);

    await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO linkage_values (kind, key, status) VALUES ('email', 'listed@watch.example', 'benign')`));
    const values = ['common@watch.example', 'listed@watch.example', 'rare@watch.example', 'nobody@watch.example'];
    const answers = [];
    for (const value of values) answers.push(await write('FIS', value));
    for (const answer of answers) expect(answer.statusCode).toBe(201);
    const shapes = answers.map((answer, i) => shape(answer.body, [values[i] as string]));
    for (const other of shapes) expect(other).toBe(shapes[0]);
    // Reading them back says nothing more: no links, no flag.
    const reads = await Promise.all(answers.map((answer, i) => get('FIS', `/linkage/leads/${answer.json<{ data: { id: string } }>().data.id}`).then((body) => shape(body, [values[i] as string]))));
    for (const other of reads) expect(other).toBe(reads[0]);
  });
});

describe('a write that matches a hidden record', () => {
  test('answers exactly as a write that matches nothing: the matcher runs after the write commits', async () => {
    // TB (no notices yet today) writes one value TA holds in a record TB may not see, and one nobody holds.
    await lead('TA', 'hidden@time.example');
    await matchAll(t.platform);
    const count = () => t.db.ownerTransaction((tx) => tx.one<{ notices: number; queued: number }>(sql`
      SELECT (SELECT count(*)::int FROM linkage_notices) AS notices, (SELECT count(*)::int FROM linkage_queue WHERE not_before <= now()) AS queued`));
    const start = await count();
    const matching = await write('TB', 'hidden@time.example');
    const lonely = await write('TB', 'lonely@time.example');
    expect([matching.statusCode, lonely.statusCode]).toEqual([201, 201]);
    expect(Object.keys(matching.headers).sort()).toEqual(Object.keys(lonely.headers).sort());
    expect(shape(matching.body, ['hidden@time.example'])).toBe(shape(lonely.body, ['lonely@time.example']));
    // Nothing was matched in the writes' transactions: both wait in the queue, no notice yet.
    expect(await count()).toEqual({ notices: start.notices, queued: start.queued + 2 });
    await matchAll(t.platform);
    expect((await notices('TB')).map((n) => [n.side, n.key, n.member]).sort()).toEqual([['holder', 'hidden@time.example', 'TA'], ['told', 'hidden@time.example', 'TA']]);
  });
});

describe('differencing two answers', () => {
  test('once told, nothing the holder does to its records changes what the member told reads, and figures move only with the job', async () => {
    // HD (FIS has had its notices for the day) is told of HB's record.
    await lead('HB', 'diff@probe.example');
    await lead('HD', 'diff@probe.example');
    await matchAll(t.platform);
    expect((await notices('HD')).filter((n) => n.key === 'diff@probe.example' && n.side === 'told')).toHaveLength(1);
    const before = await everythingSeenBy('HD');
    // The holder adds records holding it, shares one with another member, removes one.
    const more = [await lead('HB', 'diff@probe.example'), await lead('HB', 'diff@probe.example')];
    const shared = await t.as(s.HB as TestSession, { method: 'PATCH', url: `${LEADS}/${more[0]}`, payload: { sharing: { audience: { kind: 'members', members: ['HC'] }, tlp: 'AMBER' } } });
    expect(shared.statusCode, shared.body).toBe(200);
    expect((await t.as(s.HB as TestSession, { method: 'DELETE', url: `${LEADS}/${more[1]}` })).statusCode).toBe(204);
    await matchAll(t.platform);
    expect(await everythingSeenBy('HD')).toBe(before);
  });
});
