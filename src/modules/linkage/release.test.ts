import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';
import { linkageReleaseDue, makeLinkageRelease } from './release.js';

/**
 * Linkage's release over the API, as a hostile member would probe it (DESIGN.md §3, rule 6): the
 * same cells for every viewer; a cell below the thresholds absent exactly like a cell with no
 * records (adding records that do not pass changes nothing shown); a cell unchanged while its
 * records are, whatever else changes; nothing computed on a read; owners named in the audit trail.
 */

let t: TestContext;
const s: Record<string, TestSession> = {};

/** The release covers the periods closed before next month: the records written now. */
const now = new Date();
const NEXT_MONTH = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
const MONTH = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

interface Cell { period: string; keys: string[]; count: number }
interface Release { release: { id: string } | null; k: number; cells: Cell[] }

async function lead(member: string, entity: Record<string, unknown>, audience: Record<string, unknown> = { kind: 'owner' }): Promise<string> {
  const response = await t.as(s[member] as TestSession, { method: 'POST', url: '/api/v1/linkage/leads', payload: { title: `${member} lead`, subject: 'person', entities: [entity], sharing: { audience, tlp: 'AMBER' } } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
async function leads(counts: Record<string, number>, entity: (n: number) => Record<string, unknown>): Promise<string[]> {
  const ids: string[] = [];
  let n = 0;
  for (const [member, count] of Object.entries(counts)) for (let i = 0; i < count; i++) ids.push(await lead(member, entity(n++)));
  return ids;
}
async function read(member: string, query: string): Promise<Release> {
  const response = await t.as(s[member] as TestSession, { method: 'GET', url: `/api/v1/linkage/release?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Release>();
}
const monthCells = (release: Release) => release.cells.filter((cell) => cell.period === MONTH);
const release = (force = true) => makeLinkageRelease(t.db, 'operator', { now: NEXT_MONTH, force });

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC', 'DDD']) {
    await t.makeMember(code);
    s[code] = await t.sessionFor(await t.makeUser(code, ['analyst']));
  }
  await t.makeMember('OBS', { status: 'observer' });
  s.OBS = await t.sessionFor(await t.makeUser('OBS', ['officer']));
});
afterAll(() => t.close());

describe('the linkage release', () => {
  test('before the job runs there is no release: a read says so and computes nothing', async () => {
    const first = await read('AAA', 'table=entitiesByKind&interval=month');
    expect(first).toMatchObject({ release: null, cells: [], k: 5 });
    const rows = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM linkage_releases`));
    expect(rows).toEqual([]);
    expect(await linkageReleaseDue(t.db, NEXT_MONTH, 24)).toBe('period-closed');
  });

  test('a cell is shown only from k records of 3 owners, the two largest at most 85%; one that fails is absent like one with no records', async () => {
    // Phones: 6 records of 3 owners (two largest 67%): shown.
    await leads({ AAA: 2, BBB: 2, CCC: 2 }, (n) => ({ type: 'phone', value: `+62 811 7000 00${10 + n}` }));
    await release();
    const before = await read('DDD', 'table=entitiesByKind&interval=month');
    expect(monthCells(before).map((cell) => cell.keys)).toEqual([['phone']]);
    expect(Math.abs((monthCells(before)[0]?.count ?? 0) - 6)).toBeLessThanOrEqual(2);

    // IBANs of two owners only; e-mails of four owners but four records; plates where two owners hold 6 of 7.
    await leads({ AAA: 3, BBB: 3 }, (n) => ({ type: 'iban', value: ['GB82WEST12345698765432', 'DE89370400440532013000', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'BE68539007547034', 'GB33BUKB20201555555555'][n] }));
    await leads({ AAA: 1, BBB: 1, CCC: 1, DDD: 1 }, (n) => ({ type: 'email', value: `few${n}@example.org` }));
    await leads({ AAA: 5, BBB: 1, CCC: 1 }, (n) => ({ type: 'vehicle', plate: `B ${1000 + n} XY`, country: 'IDN' }));
    await release();
    const after = await read('DDD', 'table=entitiesByKind&interval=month');
    // Nothing says the three were withheld: the table reads as it did before they were written, as for crypto nobody holds.
    expect(after.release?.id).not.toBe(before.release?.id);
    expect(after.cells).toEqual(before.cells);
  });

  test('every viewer reads the same cells: members with records, without, and observers', async () => {
    const answers = await Promise.all(['AAA', 'DDD', 'OBS'].map((member) => read(member, 'table=entitiesBySource&interval=year')));
    expect(answers[0]?.cells.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  test('a cell does not change while its records do not: re-sharing, other kinds and new releases leave it as it was', async () => {
    const before = await read('AAA', 'table=entitiesByKind&interval=quarter');
    const [phone] = await t.db.ownerTransaction((tx) => tx.query<{ record_id: string }>(sql`SELECT record_id FROM linkage_entities WHERE kind = 'phone' AND owner = 'AAA' LIMIT 1`));
    const shared = await t.as(s.AAA as TestSession, { method: 'PATCH', url: `/api/v1/linkage/leads/${phone?.record_id}`, payload: { sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } });
    expect(shared.statusCode, shared.body).toBe(200);
    await leads({ DDD: 1 }, () => ({ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }));
    for (let run = 0; run < 2; run++) {
      await release();
      expect((await read('AAA', 'table=entitiesByKind&interval=quarter')).cells).toEqual(before.cells);
    }
    // Nothing changed since: the job writes nothing but when it checked.
    expect((await release(false)).releaseId).toBeNull();
    expect(await linkageReleaseDue(t.db, NEXT_MONTH, 24)).toBeNull();
    expect(await linkageReleaseDue(t.db, new Date(NEXT_MONTH.getTime() + 25 * 3600_000), 24)).toBe('scheduled');
  });

  test('links and notices are counted by the job only: a read after new matches shows the last release until the job runs again', async () => {
    // Six members' records share phones with records they may not see: links, and notices counted under their holders.
    await leads({ AAA: 2, BBB: 2, CCC: 2 }, (n) => ({ type: 'phone', value: `+62 811 7000 00${10 + ((n + 2) % 6)}` }));
    await matchAll(t.platform);
    const stale = await read('BBB', 'table=linkedByKind&interval=month');
    const last = await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM linkage_releases ORDER BY computed_at DESC, id DESC LIMIT 1`));
    expect(stale.release?.id).toBe(last.id);
    expect(stale.cells).toEqual([]);
    await release();
    const linked = monthCells(await read('BBB', 'table=linkedByKind&interval=month'));
    expect(linked.map((cell) => cell.keys)).toEqual([['phone']]);
    expect(Math.abs((linked[0]?.count ?? 0) - 12)).toBeLessThanOrEqual(2);
    const notices = monthCells(await read('BBB', 'table=noticesByKind&interval=month'));
    const given = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_notices WHERE kind = 'phone'`));
    expect(given.n).toBeGreaterThanOrEqual(5);
    expect(notices.map((cell) => cell.keys)).toEqual([['phone']]);
    expect(Math.abs((notices[0]?.count ?? 0) - given.n)).toBeLessThanOrEqual(2);
  });

  test('the job’s audit row names the owners whose records entered; every read is on the record', async () => {
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ object_owners: string[] | null }>(sql`SELECT object_owners FROM audit_log WHERE action = 'linkage.release' ORDER BY seq DESC LIMIT 1`));
    expect(rows[0]?.object_owners).toEqual(['AAA', 'BBB', 'CCC', 'DDD']);
    const count = () => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'linkage.release-read' AND member = 'OBS'`));
    const before = (await count()).n;
    await read('OBS', 'table=entities&interval=year&published=true');
    expect((await count()).n).toBe(before + 1);
  });

  test('a table that does not exist is a 400 naming the field, not a figure', async () => {
    const response = await t.as(s.AAA as TestSession, { method: 'GET', url: '/api/v1/linkage/release?table=byOwner' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.body).toContain('/table');
  });
});
