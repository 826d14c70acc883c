import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { again, template } from '../../../test/support/templates.js';
import { sql } from '../../platform/db/sql.js';
import { biometricsReleaseDue, makeBiometricsRelease } from './release.js';
import { applyRetention } from './retention.js';

/**
 * Counts of searches, hits and step-two decisions over other members, as a hostile member would
 * probe them (DESIGN.md §3, rule 6): only through the release's fixed tables, the same for every
 * viewer; a cell below the thresholds absent exactly like one with nothing in it (padding a cell
 * with one's own searches shows nothing until others' are there too); a closed period's figures
 * unchanged when its search records expire; the tallies unreadable by the application.
 */

const API = '/api/v1/biometrics';
const FORMAT = 'human-faceres-1024';
const MEMBERS = ['AAA', 'BBB', 'CCC', 'DDD'] as const;

let t: TestContext;
const admin: Record<string, TestSession> = {};
const officer: Record<string, TestSession> = {};
const approver: Record<string, TestSession> = {};
let agreementId: string;

const now = new Date();
const NEXT_MONTH = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 2));
const MONTH = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;

interface Cell { period: string; keys: string[]; count: number }
interface Release { release: { id: string } | null; k: number; cells: Cell[] }

async function call(who: TestSession, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.as(who, { method, url: `${API}${url}`, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

/** `count` searches by `member` for `purpose`; a seed of 1–4 is a face in a gallery (a hit), 100 and up no face there. */
async function searches(member: string, count: number, purpose: string, seed: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await call(officer[member] as TestSession, 'POST', '/searches', { agreement: agreementId, purpose, template: { format: FORMAT, vector: again(seed) } });
    expect(response.statusCode, response.body).toBe(201);
    ids.push(response.json<{ data: { id: string } }>().data.id);
  }
  return ids;
}

async function read(who: TestSession, query: string): Promise<Release> {
  const response = await call(who, 'GET', `/release?${query}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Release>();
}
const monthCells = (release: Release) => release.cells.filter((cell) => cell.period === MONTH);
const release = (force = true) => makeBiometricsRelease(t.db, 'operator', { now: NEXT_MONTH, force });

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of MEMBERS) {
    await t.makeMember(code);
    admin[code] = await t.sessionFor(await t.makeUser(code, ['member-admin']));
    officer[code] = await t.sessionFor(await t.makeUser(code, ['officer']));
    approver[code] = await t.sessionFor(await t.makeUser(code, ['approver']));
  }
  await t.makeMember('OBS', { status: 'observer' });
  officer.OBS = await t.sessionFor(await t.makeUser('OBS', ['officer']));
  const directions = MEMBERS.flatMap((searcher) => MEMBERS.filter((holder) => holder !== searcher).map((holder) => ({ searcher, holder })));
  const proposed = await call(admin.AAA as TestSession, 'POST', '/agreements', {
    title: 'Everyone', parties: ['BBB', 'CCC', 'DDD'], purposes: ['irregular-arrival', 'trafficking-victim'], formats: [FORMAT],
    stepTwoFields: ['familyName'], validFrom: '2026-01-01', directions,
  });
  expect(proposed.statusCode, proposed.body).toBe(201);
  agreementId = proposed.json<{ data: { id: string } }>().data.id;
  for (const code of ['BBB', 'CCC', 'DDD']) expect((await call(admin[code] as TestSession, 'POST', `/agreements/${agreementId}/accept`)).statusCode).toBe(200);
  // Each member's gallery holds one face: seed 1 in AAA's, 2 in BBB's, 3 in CCC's, 4 in DDD's.
  for (const [index, code] of MEMBERS.entries()) {
    const enrolled = await call(officer[code] as TestSession, 'POST', '/subjects', { reference: `${code}-1`, template: { format: FORMAT, vector: template(index + 1) }, biographic: { familyName: `Family ${code}` } });
    expect(enrolled.statusCode, enrolled.body).toBe(201);
  }
});
afterAll(() => t.close());

describe('the biometrics release', () => {
  test('before the job runs there is no release; a read says so and computes nothing', async () => {
    expect(await read(officer.AAA as TestSession, 'table=searches&interval=month')).toMatchObject({ release: null, cells: [], k: 5 });
    expect(await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM biometric_releases`))).toEqual([]);
    expect(await biometricsReleaseDue(t.db, NEXT_MONTH, 24)).toBe('period-closed');
  });

  test('searches of 3 members are shown, perturbed; searches of 2 members are absent like a purpose nobody searched for', async () => {
    // Irregular arrivals: 2 searches each by AAA, BBB and CCC, the first of each a hit (seed 4: DDD's face).
    for (const member of ['AAA', 'BBB', 'CCC']) {
      await searches(member, 1, 'irregular-arrival', 4);
      await searches(member, 1, 'irregular-arrival', 100);
    }
    await release();
    const before = await read(officer.DDD as TestSession, 'table=searchesByPurpose&interval=month');
    expect(monthCells(before).map((cell) => cell.keys)).toEqual([['irregular-arrival']]);
    expect(Math.abs((monthCells(before)[0]?.count ?? 0) - 6)).toBeLessThanOrEqual(2);

    // Trafficking victims: AAA pads the cell with 6 searches of its own and BBB adds 1: two members only, so nothing shows.
    await searches('AAA', 6, 'trafficking-victim', 100);
    await searches('BBB', 1, 'trafficking-victim', 100);
    await release();
    const after = await read(officer.AAA as TestSession, 'table=searchesByPurpose&interval=month');
    expect(after.release?.id).not.toBe(before.release?.id);
    expect(after.cells).toEqual(before.cells);
    // A third member's search: 8 searches of 3 members, but AAA's and BBB's hold 7 of them (over 85%): still absent.
    await searches('CCC', 1, 'trafficking-victim', 100);
    await release();
    expect((await read(officer.AAA as TestSession, 'table=searchesByPurpose&interval=month')).cells).toEqual(before.cells);
    // One more each by BBB and CCC: 10 searches, the two largest shares 8 of them: shown.
    await searches('BBB', 1, 'trafficking-victim', 100);
    await searches('CCC', 1, 'trafficking-victim', 100);
    await release();
    const passed = monthCells(await read(officer.AAA as TestSession, 'table=searchesByPurpose&interval=month'));
    expect(passed.map((cell) => cell.keys)).toEqual([['irregular-arrival'], ['trafficking-victim']]);
  });

  test('hits are counted under the searcher, only as the release shows them; 3 hits of 3 members stay below k', async () => {
    // Three searches hit so far (one each by AAA, BBB, CCC): below k = 5, absent.
    expect(monthCells(await read(officer.BBB as TestSession, 'table=hitsByPurpose&interval=month'))).toEqual([]);
    await searches('DDD', 2, 'irregular-arrival', 1);
    await release();
    const hits = monthCells(await read(officer.BBB as TestSession, 'table=hitsByPurpose&interval=month'));
    expect(hits.map((cell) => cell.keys)).toEqual([['irregular-arrival']]);
    expect(Math.abs((hits[0]?.count ?? 0) - 5)).toBeLessThanOrEqual(2);
  });

  test('step-two decisions are counted under the holder, by outcome', async () => {
    const ids = await searches('AAA', 1, 'irregular-arrival', 2);
    const asked = await t.as(officer.AAA as TestSession, {
      method: 'POST', url: `${API}/step-two`, ...multipart([{ name: 'metadata', value: JSON.stringify({ search: ids[0], holder: 'BBB', reference: 'BBB-1' }) }]),
    });
    expect(asked.statusCode, asked.body).toBe(201);
    const request = asked.json<{ data: { id: string } }>().data.id;
    expect((await call(approver.BBB as TestSession, 'POST', `/step-two/${request}/reject`, { reason: 'not the same person' })).statusCode).toBe(200);
    const tallied = await t.db.ownerTransaction((tx) => tx.query<{ owner: string; key1: string; records: number }>(sql`SELECT owner, key1, records FROM biometric_tallies WHERE tbl = 'stepTwoByOutcome'`));
    expect(tallied).toEqual([{ owner: 'BBB', key1: 'rejected', records: 1 }]);
  });

  test('every viewer reads the same cells: searchers, a member that never searched, observers', async () => {
    await release();
    const answers = await Promise.all([officer.AAA, officer.DDD, officer.OBS].map((who) => read(who as TestSession, 'table=searchesByPurpose&interval=year')));
    expect(answers[0]?.cells.length).toBeGreaterThan(0);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
  });

  test('a closed period’s figures stay when its search records expire; nothing changed means no new release', async () => {
    const before = await read(officer.AAA as TestSession, 'table=searchesByPurpose&interval=quarter');
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE biometric_searches SET keep_until = now() - interval '1 second'`));
    await applyRetention(t.platform);
    expect(await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM biometric_searches`))).toEqual([]);
    expect((await release(false)).releaseId).toBeNull();
    await release();
    expect((await read(officer.AAA as TestSession, 'table=searchesByPurpose&interval=quarter')).cells).toEqual(before.cells);
    expect(await biometricsReleaseDue(t.db, NEXT_MONTH, 24)).toBeNull();
    expect(await biometricsReleaseDue(t.db, new Date(NEXT_MONTH.getTime() + 25 * 3600_000), 24)).toBe('scheduled');
  });

  test('the application cannot read or write the tallies, nor tally for another member', async () => {
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`SELECT * FROM biometric_tallies`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`UPDATE biometric_tallies SET records = 0`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: null }, (tx) => tx.query(sql`SELECT biometric_tally('searches', '', '')`))).rejects.toThrow(/needs a member/);
  });

  test('the job’s audit row names the owners whose records entered; every read is on the record; a bad table is a 400', async () => {
    const rows = await t.db.ownerTransaction((tx) => tx.query<{ object_owners: string[] | null }>(sql`SELECT object_owners FROM audit_log WHERE action = 'biometrics.release' ORDER BY seq DESC LIMIT 1`));
    expect(rows[0]?.object_owners).toEqual(['AAA', 'BBB', 'CCC', 'DDD']);
    const count = () => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'biometrics.release-read' AND member = 'OBS'`));
    const before = (await count()).n;
    await read(officer.OBS as TestSession, 'table=searches&interval=year&published=true');
    expect((await count()).n).toBe(before + 1);
    const unchanged = await fingerprint(t.db);
    const bad = await call(officer.AAA as TestSession, 'GET', '/release?table=bySearcher');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('/table');
    expect(await fingerprint(t.db)).toEqual(unchanged);
  });
});
