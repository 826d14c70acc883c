import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';

const LEADS = '/api/v1/linkage/leads';
const NOTICES = '/api/v1/linkage/notices';

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] };
interface RecordRef {
  id: string;
  owner: string;
  label: string;
}
interface Notice {
  id: string;
  side: 'told' | 'holder';
  kind: string;
  key: string | null;
  member: string | null;
  yourRecords: RecordRef[];
  theirRecords: RecordRef[];
}

let t: TestContext;
const sessions: Record<string, TestSession> = {};

async function lead(member: string, title: string, entities: unknown[], audience: Audience = { kind: 'owner' }, more: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(sessions[member] as TestSession, { method: 'POST', url: LEADS, payload: { title, subject: 'person', entities, sharing: { audience, tlp: 'AMBER' }, ...more } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
async function notices(member: string, side?: 'told' | 'holder'): Promise<Notice[]> {
  const response = await t.as(sessions[member] as TestSession, { method: 'GET', url: `${NOTICES}${side ? `?side=${side}` : ''}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Notice[] }>().data;
}
const about = (list: Notice[], key: string): Notice[] => list.filter((notice) => notice.key === key);
const inbox = (member: string) =>
  t.db.ownerTransaction((tx) => tx.query<{ kind: string; title: string; body: string; object_id: string }>(sql`SELECT n.kind, n.title, n.body, n.object_id::text
    FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.member = ${member} AND n.kind LIKE 'linkage.%' ORDER BY n.created_at`));

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC', 'DDD']) {
    await t.makeMember(code);
    sessions[code] = await t.sessionFor(await t.makeUser(code, ['analyst', 'approver']));
  }
});
afterAll(() => t.close());

describe('hit notices: a match with a record the member may not see', () => {
  test('both members are told; each sees its own records and the other’s name, never the other’s records', async () => {
    const aaa = await lead('AAA', 'AAA’s boat agent', [{ type: 'phone', value: '+62 811 0000 0001' }]);
    const bbb = await lead('BBB', 'BBB’s boat agent', [{ type: 'phone', value: '0811-0000-0001' }], { kind: 'owner' }, { country: 'IDN' });
    // The write answers before matching; matching is the job's.
    expect(await notices('BBB')).toEqual([]);
    expect((await matchAll(t.platform)).notices).toBe(2);

    const toldB = about(await notices('BBB', 'told'), '+6281100000001');
    expect(toldB).toHaveLength(1);
    expect(toldB[0]).toMatchObject({ side: 'told', kind: 'phone', member: 'AAA', theirRecords: [] });
    expect(toldB[0]?.yourRecords.map((record) => record.id)).toEqual([bbb]);
    const heldA = about(await notices('AAA', 'holder'), '+6281100000001');
    expect(heldA).toHaveLength(1);
    expect(heldA[0]).toMatchObject({ side: 'holder', member: 'BBB', theirRecords: [] });
    expect(heldA[0]?.yourRecords.map((record) => record.id)).toEqual([aaa]);
    // BBB's answer names nothing of AAA's record.
    const body = (await t.as(sessions.BBB as TestSession, { method: 'GET', url: NOTICES })).body;
    expect(body).not.toContain(aaa);
    expect(body).not.toContain('AAA’s boat agent');
    // Inbox: the told member and the holder, once each per notice.
    expect((await inbox('BBB')).map((n) => n.kind).sort()).toEqual(['linkage.match', 'linkage.matched']);
    // A third member learns nothing.
    expect(await notices('CCC')).toEqual([]);
    for (const id of [toldB[0]?.id, heldA[0]?.id]) expect((await t.as(sessions.CCC as TestSession, { method: 'GET', url: `${NOTICES}/${id}` })).statusCode).toBe(404);
  });

  test('a holder that stays unnamed is "another member" to the member told, in the API and in the inbox', async () => {
    await lead('AAA', 'Unnamed holder', [{ type: 'email', value: 'quiet@example.org' }], { kind: 'owner' }, { namedInHits: false });
    await lead('CCC', 'Asker', [{ type: 'email', value: 'QUIET@example.org' }]);
    await matchAll(t.platform);
    const told = about(await notices('CCC', 'told'), 'quiet@example.org');
    expect(told).toHaveLength(1);
    expect(told[0]?.member).toBeNull();
    const response = await t.as(sessions.CCC as TestSession, { method: 'GET', url: `${NOTICES}/${told[0]?.id}` });
    expect(response.body).not.toContain('AAA');
    const message = (await inbox('CCC')).find((n) => n.object_id === told[0]?.id && n.kind === 'linkage.match');
    expect(message?.title).toContain('another member');
    expect(`${message?.title} ${message?.body}`).not.toContain('AAA');
    // AAA, the holder, is told who asked.
    expect(about(await notices('AAA', 'holder'), 'quiet@example.org')[0]?.member).toBe('CCC');
  });

  test('only the side that may not see is told; the holder sees the asker’s records its sharing shows it', async () => {
    const shared = await lead('AAA', 'Shared with BBB', [{ type: 'iban', value: 'GB82WEST12345698765432' }], { kind: 'members', members: ['BBB'] });
    const hidden = await lead('BBB', 'BBB’s own', [{ type: 'iban', value: 'GB82 WEST 1234 5698 7654 32' }]);
    await matchAll(t.platform);
    // BBB sees AAA's lead: a link, no notice. AAA does not see BBB's: AAA is told.
    expect(about(await notices('BBB', 'told'), 'GB82WEST12345698765432')).toEqual([]);
    const toldA = about(await notices('AAA', 'told'), 'GB82WEST12345698765432');
    expect(toldA.map((n) => [n.member, n.yourRecords.map((r) => r.id)])).toEqual([['BBB', [shared]]]);
    const heldB = about(await notices('BBB', 'holder'), 'GB82WEST12345698765432');
    expect(heldB[0]?.yourRecords.map((r) => r.id)).toEqual([hidden]);
    expect(heldB[0]?.theirRecords.map((r) => [r.id, r.label])).toEqual([[shared, 'Shared with BBB']]);
  });

  test('a member is told once per value and holder: later records join the notice, nobody is told again', async () => {
    await lead('AAA', 'First', [{ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }]);
    const first = await lead('DDD', 'D one', [{ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }]);
    await matchAll(t.platform);
    const before = (await inbox('DDD')).length;
    const second = await lead('DDD', 'D two', [{ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }]);
    expect((await matchAll(t.platform)).notices).toBe(0);
    const told = about(await notices('DDD', 'told'), 'tron:TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t');
    expect(told).toHaveLength(1);
    expect(told[0]?.yourRecords.map((r) => r.id).sort()).toEqual([first, second].sort());
    expect((await inbox('DDD')).length).toBe(before);
  });

  test('a matched name: each side is shown its own words for it, never the other’s', async () => {
    await lead('AAA', 'Latin', [{ type: 'person', name: 'Mohammed Abdullah', birthYear: 1979 }]);
    await lead('BBB', 'Arabic', [{ type: 'person', name: 'محمد عبد الله', birthYear: 1979 }]);
    await matchAll(t.platform);
    const toldB = (await notices('BBB', 'told')).filter((n) => n.kind === 'person' && n.member === 'AAA');
    expect(toldB.map((n) => n.key)).toEqual(['bdllh mhmd']);
    const heldA = (await notices('AAA', 'holder')).filter((n) => n.kind === 'person' && n.member === 'BBB');
    expect(heldA.map((n) => n.key)).toEqual([null]);
    const body = (await t.as(sessions.AAA as TestSession, { method: 'GET', url: NOTICES })).body;
    expect(body).not.toContain('bdllh');
  });

  test('every notice is on the record, naming both members unless the member told stays unnamed', async () => {
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ object_owners: string[]; details: { told: string; holder: string }; told_named: boolean }>(sql`SELECT a.object_owners, a.details, n.told_named
        FROM audit_log a JOIN linkage_notices n ON n.id::text = a.object_id WHERE a.action = 'linkage.notice'`));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.some((row) => !row.told_named)).toBe(true);
    for (const row of rows) expect(row.object_owners).toEqual(row.told_named ? [row.details.holder, row.details.told].sort() : [row.details.told]);
  });

  test('a member may not read a notice it is not a side of: the same 404 as a missing one, nothing changed', async () => {
    const notice = (await notices('AAA')).find((one) => one.member === 'BBB');
    const before = await fingerprint(t.db);
    const hidden = await t.as(sessions.DDD as TestSession, { method: 'GET', url: `${NOTICES}/${notice?.id}` });
    const missing = await t.as(sessions.DDD as TestSession, { method: 'GET', url: `${NOTICES}/0190f000-0000-7000-8000-000000000000` });
    expect(hidden.statusCode).toBe(404);
    const shape = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });
    expect(shape(hidden.json())).toEqual(shape(missing.json()));
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('the over-linking guard, warning lists and the daily number of notices', () => {
  test('a value held by more records than the guard allows makes no new notice and goes to review; a member told before sees nothing change', async () => {
    const guarded = await makeTestApp({ env: { LINTAS_LINKAGE_COMMON_VALUE_RECORDS: '3' } });
    try {
      const s: Record<string, TestSession> = {};
      for (const code of ['AAA', 'BBB', 'CCC', 'DDD']) {
        await guarded.makeMember(code);
        s[code] = await guarded.sessionFor(await guarded.makeUser(code, ['analyst']));
      }
      const write = async (member: string, title: string) => {
        const response = await guarded.as(s[member] as TestSession, { method: 'POST', url: LEADS, payload: { title, subject: 'other', entities: [{ type: 'phone', value: '+61 2 6261 1111' }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
        expect(response.statusCode).toBe(201);
        return response.json<{ data: { id: string } }>().data.id;
      };
      const list = async (member: string) => (await guarded.as(s[member] as TestSession, { method: 'GET', url: NOTICES })).json<{ data: Notice[] }>().data;
      await write('AAA', 'A');
      const b1 = await write('BBB', 'B1');
      await matchAll(guarded.platform);
      expect((await list('BBB')).filter((n) => n.side === 'told').map((n) => n.member)).toEqual(['AAA']);
      // Three records hold it: the guard's limit. A fourth makes it common.
      await write('CCC', 'C');
      await matchAll(guarded.platform);
      const beforeD = await list('DDD');
      await write('DDD', 'D');
      const result = await matchAll(guarded.platform);
      expect(result.notices).toBe(0);
      expect(await list('DDD')).toEqual(beforeD);
      const values = await guarded.db.ownerTransaction((tx) => tx.query<{ status: string; records: number }>(sql`SELECT status, records FROM linkage_values WHERE kind = 'phone' AND key = '+61262611111'`));
      expect(values).toEqual([{ status: 'common', records: 4 }]);
      // BBB, told of AAA before, writes the value again: its record joins the notice as before the value was common.
      const b2 = await write('BBB', 'B2');
      await matchAll(guarded.platform);
      const toldB = (await list('BBB')).filter((n) => n.side === 'told' && n.member === 'AAA');
      expect(toldB[0]?.yourRecords.map((r) => r.id).sort()).toEqual([b1, b2].sort());
    } finally {
      await guarded.close();
    }
  });

  test('a value on the warning list never makes a notice', async () => {
    await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO linkage_values (kind, key, status, note) VALUES ('phone', '+62215550000', 'benign', 'Embassy switchboard')`));
    await lead('AAA', 'Embassy', [{ type: 'phone', value: '+62 21 555 0000' }]);
    await lead('BBB', 'Embassy too', [{ type: 'phone', value: '(021) 555-0000' }], { kind: 'owner' }, { country: 'IDN' });
    await matchAll(t.platform);
    expect(about(await notices('BBB'), '+62215550000')).toEqual([]);
    expect(about(await notices('AAA'), '+62215550000')).toEqual([]);
  });

  test('a member past its notices for the day waits for the next: its matches are held, not lost, and the fishing is visible', async () => {
    const limited = await makeTestApp({ env: { LINTAS_LINKAGE_NOTICES_PER_DAY: '2' } });
    try {
      for (const code of ['AAA', 'BBB']) await limited.makeMember(code);
      const holder = await limited.sessionFor(await limited.makeUser('AAA', ['analyst']));
      const fisher = await limited.sessionFor(await limited.makeUser('BBB', ['analyst']));
      const write = (who: TestSession, value: string) =>
        limited.as(who, { method: 'POST', url: LEADS, payload: { title: value, subject: 'other', entities: [{ type: 'email', value }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
      for (const n of [1, 2, 3, 4]) await write(holder, `guess${n}@example.org`);
      for (const n of [1, 2, 3, 4]) await write(fisher, `guess${n}@example.org`);
      const result = await matchAll(limited.platform);
      const told = await limited.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_notices WHERE told = 'BBB'`));
      expect(told[0]?.n).toBe(2);
      expect(result.held).toBe(2);
      const waiting = await limited.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_queue WHERE not_before > now()`));
      expect(waiting[0]?.n).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

describe('timing: a write does not wait on what it matches', () => {
  test('the write itself touches only its own rows and the queue, whatever others hold', async () => {
    // The statements of a write are the same whether the value is held by a hidden record or by none:
    // the answer is made before any matching (the matcher is a job), which this test pins down by
    // finding the queue filled and no notice made until the job runs.
    await lead('AAA', 'Hidden holder', [{ type: 'vehicle', plate: 'B 1234 XYZ', country: 'IDN' }]);
    await matchAll(t.platform);
    const before = await t.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_notices`));
    await lead('CCC', 'Matches hidden', [{ type: 'vehicle', plate: 'B-1234-XYZ', country: 'IDN' }]);
    const queued = await t.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_queue`));
    const after = await t.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_notices`));
    expect(queued[0]?.n).toBe(1);
    expect(after).toEqual(before);
    await matchAll(t.platform);
  });
});
