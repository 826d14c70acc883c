import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint, TEST_DB_KIND } from '../../../test/support/db.js';
import { again, template } from '../../../test/support/templates.js';
import { sql } from '../../platform/db/sql.js';
import { GalleryIndex } from './gallery-index.js';
import { applyRetention } from './retention.js';

// Agreements, galleries and step one through the API: what each side may do and learn, and every
// way an agreement refuses a search (none, not a party, wrong purpose, wrong direction, not yet in
// force, expired, suspended, terminated, over quota), each changing nothing.

const API = '/api/v1/biometrics';
const FORMAT = 'human-faceres-1024';


let t: TestContext;
const admin: Record<string, TestSession> = {};
const officer: Record<string, TestSession> = {};

async function call(who: TestSession, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  return t.as(who, { method, url: `${API}${url}`, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

async function agreement(body: Record<string, unknown>, acceptBy: string[]): Promise<string> {
  const proposed = await call(admin.AAA as TestSession, 'POST', '/agreements', {
    title: 'AAA, BBB and CCC', parties: ['BBB', 'CCC'], purposes: ['irregular-arrival', 'trafficking-victim'], formats: [FORMAT],
    stepTwoFields: ['familyName', 'givenNames', 'dateOfBirth'], validFrom: '2026-01-01',
    directions: [{ searcher: 'AAA', holder: 'BBB' }, { searcher: 'AAA', holder: 'CCC' }, { searcher: 'BBB', holder: 'AAA' }],
    ...body,
  });
  expect(proposed.statusCode, proposed.body).toBe(201);
  const id = proposed.json<{ data: { id: string } }>().data.id;
  for (const member of acceptBy) expect((await call(admin[member] as TestSession, 'POST', `/agreements/${id}/accept`)).statusCode).toBe(200);
  return id;
}

const searchBody = (agreementId: string, vector: number[], extra: Record<string, unknown> = {}) => ({ agreement: agreementId, purpose: 'irregular-arrival', template: { format: FORMAT, vector }, ...extra });

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC', 'DDD']) {
    await t.makeMember(code);
    admin[code] = await t.sessionFor(await t.makeUser(code, ['member-admin']));
    officer[code] = await t.sessionFor(await t.makeUser(code, ['officer']));
  }
  // BBB's gallery holds subjects 1–3, CCC's 4–5; DDD's 6 (DDD is party to nothing).
  for (const [member, seeds] of [['BBB', [1, 2, 3]], ['CCC', [4, 5]], ['DDD', [6]]] as const) {
    for (const seed of seeds) {
      const enrolled = await call(officer[member] as TestSession, 'POST', '/subjects', {
        reference: `${member}-${seed}`, template: { format: FORMAT, vector: template(seed) }, biographic: { familyName: `Family ${seed}`, givenNames: 'Given' },
      });
      expect(enrolled.statusCode, enrolled.body).toBe(201);
    }
  }
});
afterAll(() => t.close());

describe('agreements', () => {
  test('proposed by one member, in force once every party accepted it; only parties read it', async () => {
    const id = await agreement({}, []);
    let read = (await call(admin.BBB as TestSession, 'GET', `/agreements/${id}`)).json<{ data: { status: string; inForce: boolean; abilities: { accept: boolean } } }>().data;
    expect(read).toMatchObject({ status: 'proposed', inForce: false, abilities: { accept: true } });
    await call(admin.BBB as TestSession, 'POST', `/agreements/${id}/accept`);
    expect((await call(admin.BBB as TestSession, 'POST', `/agreements/${id}/accept`)).statusCode).toBe(409);
    await call(admin.CCC as TestSession, 'POST', `/agreements/${id}/accept`);
    read = (await call(officer.CCC as TestSession, 'GET', `/agreements/${id}`)).json<{ data: { status: string; inForce: boolean; abilities: { accept: boolean } } }>().data;
    expect(read).toMatchObject({ status: 'active', inForce: true, abilities: { accept: false } });
    // DDD: not a party. The agreement is absent from its list and 404 to read or act on, changing nothing.
    const before = await fingerprint(t.db);
    expect((await call(admin.DDD as TestSession, 'GET', `/agreements/${id}`)).statusCode).toBe(404);
    expect((await call(admin.DDD as TestSession, 'POST', `/agreements/${id}/accept`)).statusCode).toBe(404);
    expect((await call(admin.DDD as TestSession, 'POST', `/agreements/${id}/terminate`, { reason: 'x' })).statusCode).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await call(admin.DDD as TestSession, 'GET', '/agreements')).json<{ data: unknown[] }>().data).toEqual([]);
  });

  test('bad proposals name their fields and change nothing', async () => {
    const before = await fingerprint(t.db);
    const response = await call(admin.AAA as TestSession, 'POST', '/agreements', {
      title: 'Bad', parties: ['ZZZ', 'BBB'], purposes: ['irregular-arrival'], formats: [FORMAT], stepTwoFields: [], validFrom: '2026-05-01', validUntil: '2026-04-01',
      directions: [{ searcher: 'AAA', holder: 'CCC' }, { searcher: 'BBB', holder: 'BBB' }],
    });
    expect(response.statusCode).toBe(400);
    const pointers = response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer).sort();
    expect(pointers).toEqual(['/directions/0/holder', '/directions/1/holder', '/parties/0', '/validUntil']);
    expect((await call(admin.AAA as TestSession, 'POST', '/agreements', { title: 'x', parties: ['BBB'], purposes: ['fishing'], formats: [FORMAT], stepTwoFields: [], validFrom: '2026-01-01', directions: [{ searcher: 'AAA', holder: 'BBB' }] })).json()).toMatchObject({ status: 400, errors: [{ pointer: '/purposes/0' }] });
    expect((await call(officer.AAA as TestSession, 'POST', '/agreements', { title: 'x', parties: ['BBB'], purposes: ['asylum-screening'], formats: [FORMAT], stepTwoFields: [], validFrom: '2026-01-01', directions: [{ searcher: 'AAA', holder: 'BBB' }] })).statusCode).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('any party suspends; only it resumes; any party terminates, for good', async () => {
    const id = await agreement({}, ['BBB', 'CCC']);
    expect((await call(admin.BBB as TestSession, 'POST', `/agreements/${id}/suspend`, { reason: 'A breach' })).json()).toMatchObject({ data: { status: 'suspended', statusBy: 'BBB', statusReason: 'A breach' } });
    expect((await call(admin.AAA as TestSession, 'POST', `/agreements/${id}/resume`)).statusCode).toBe(409);
    expect((await call(admin.BBB as TestSession, 'POST', `/agreements/${id}/resume`)).json()).toMatchObject({ data: { status: 'active', inForce: true } });
    expect((await call(admin.CCC as TestSession, 'POST', `/agreements/${id}/terminate`, { reason: 'Ended' })).json()).toMatchObject({ data: { status: 'terminated', inForce: false } });
    expect((await call(admin.AAA as TestSession, 'POST', `/agreements/${id}/suspend`, { reason: 'x' })).statusCode).toBe(409);
  });
});

describe('search, step one', () => {
  let inForce: string;
  beforeAll(async () => {
    inForce = await agreement({}, ['BBB', 'CCC']);
  });

  test('a probe hits the gallery that holds the face, with its reference and band; the others answer no hit', async () => {
    const response = await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(inForce, again(2)));
    expect(response.statusCode, response.body).toBe(201);
    const found = response.json<{ data: { id: string; results: unknown[] } }>().data;
    expect(found.results).toEqual([
      { holder: 'BBB', hit: true, candidates: [{ reference: 'BBB-2', band: 'high' }], stepTwo: null, abilities: { askStepTwo: true } },
      { holder: 'CCC', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } },
    ]);
    // The holder learns who searched its gallery and why, and its own answer only; the other holder its no hit.
    const bbb = (await call(officer.BBB as TestSession, 'GET', `/searches/${found.id}`)).json<{ data: { side: string; searcher: string; purpose: string; results: { holder: string; candidates: { reference: string; subject?: string }[] }[] } }>().data;
    expect(bbb).toMatchObject({ side: 'holder', searcher: 'AAA', purpose: 'irregular-arrival' });
    expect(bbb.results.map((r) => r.holder)).toEqual(['BBB']);
    expect(bbb.results[0]?.candidates[0]?.reference).toBe('BBB-2');
    const ccc = (await call(officer.CCC as TestSession, 'GET', `/searches/${found.id}`)).json<{ data: { results: unknown[] } }>().data;
    expect(ccc.results).toEqual([{ holder: 'CCC', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } }]);
    // DDD was not searched: 404, and nothing in its list.
    expect((await call(officer.DDD as TestSession, 'GET', `/searches/${found.id}`)).statusCode).toBe(404);
    expect((await call(officer.DDD as TestSession, 'GET', '/searches')).json<{ data: unknown[] }>().data).toEqual([]);
  });

  test('a face no gallery holds is no hit everywhere; a gallery outside the agreement is never searched', async () => {
    const miss = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(inForce, template(99)))).json<{ data: { results: unknown[] } }>().data;
    expect(miss.results).toEqual([{ holder: 'BBB', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } }, { holder: 'CCC', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } }]);
    // DDD's subject 6, searched for by AAA: DDD is no party, so no answer names DDD at all.
    const ddd = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(inForce, again(6)))).json<{ data: { results: { holder: string; hit: boolean }[] } }>().data;
    expect(ddd.results.map((r) => [r.holder, r.hit])).toEqual([['BBB', false], ['CCC', false]]);
  });

  test('hit-only agreements answer hit or no hit without references', async () => {
    const hitOnly = await agreement({ stepOne: 'hit-only' }, ['BBB', 'CCC']);
    const found = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(hitOnly, again(4)))).json<{ data: { results: unknown[] } }>().data;
    expect(found.results).toEqual([{ holder: 'BBB', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } }, { holder: 'CCC', hit: true, candidates: [], stepTwo: null, abilities: { askStepTwo: true } }]);
  });

  test('every refusal of an agreement, each with its status and changing nothing', async () => {
    const proposedOnly = await agreement({}, ['BBB']);
    const expired = await agreement({ validFrom: '2020-01-01', validUntil: '2020-12-31' }, ['BBB', 'CCC']);
    const suspended = await agreement({}, ['BBB', 'CCC']);
    await call(admin.CCC as TestSession, 'POST', `/agreements/${suspended}/suspend`, { reason: 'Audit' });
    const terminated = await agreement({}, ['BBB', 'CCC']);
    await call(admin.BBB as TestSession, 'POST', `/agreements/${terminated}/terminate`, { reason: 'Ended' });
    const before = await fingerprint(t.db);
    const probe = again(1);
    const refused = async (who: TestSession, body: unknown) => {
      const response = await call(who, 'POST', '/searches', body);
      return { status: response.statusCode, pointers: response.json<{ errors?: { pointer: string }[] }>().errors?.map((e) => e.pointer) ?? [] };
    };
    expect(await refused(officer.AAA as TestSession, searchBody(randomUUID(), probe))).toEqual({ status: 404, pointers: [] });
    expect(await refused(officer.DDD as TestSession, searchBody(inForce, probe))).toEqual({ status: 404, pointers: [] });
    expect(await refused(officer.AAA as TestSession, searchBody(inForce, probe, { purpose: 'return-identity' }))).toEqual({ status: 400, pointers: ['/purpose'] });
    // CCC may be searched but may not search under this agreement; BBB may search AAA only.
    expect((await refused(officer.CCC as TestSession, searchBody(inForce, probe))).status).toBe(403);
    expect(await refused(officer.BBB as TestSession, searchBody(inForce, probe, { holders: ['AAA', 'CCC'] }))).toEqual({ status: 400, pointers: ['/holders/1'] });
    expect((await refused(officer.AAA as TestSession, searchBody(proposedOnly, probe))).status).toBe(409);
    expect((await refused(officer.AAA as TestSession, searchBody(expired, probe))).status).toBe(409);
    expect((await refused(officer.AAA as TestSession, searchBody(suspended, probe))).status).toBe(409);
    expect((await refused(officer.AAA as TestSession, searchBody(terminated, probe))).status).toBe(409);
    expect(await refused(officer.AAA as TestSession, searchBody(inForce, probe.slice(0, 512)))).toEqual({ status: 400, pointers: ['/template/vector'] });
    expect(await refused(officer.AAA as TestSession, searchBody(inForce, probe.map(() => 0)))).toEqual({ status: 400, pointers: ['/template/vector'] });
    expect((await refused(admin.AAA as TestSession, searchBody(inForce, probe))).status).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('over the daily quota: 429 with Retry-After, and nothing written', async () => {
    const quota = await agreement({ dailyQuota: 2 }, ['BBB', 'CCC']);
    for (let i = 0; i < 2; i++) expect((await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(quota, again(3)))).statusCode).toBe(201);
    const before = await fingerprint(t.db);
    const over = await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(quota, again(3)));
    expect(over.statusCode).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(await fingerprint(t.db)).toEqual(before);
    // The quota is per searching member: BBB's searches under it are its own.
    expect((await call(officer.BBB as TestSession, 'POST', '/searches', searchBody(quota, again(3)))).statusCode).toBe(201);
  });
});

describe('galleries', () => {
  test('a gallery is its owner’s alone: others cannot read, list or remove its subjects', async () => {
    const list = (await call(officer.BBB as TestSession, 'GET', '/subjects')).json<{ data: { id: string; reference: string }[] }>().data;
    expect(list.map((s) => s.reference).sort()).toEqual(['BBB-1', 'BBB-2', 'BBB-3']);
    const one = list[0] as { id: string };
    expect((await call(officer.BBB as TestSession, 'GET', `/subjects/${one.id}`)).json()).toMatchObject({ data: { biographic: { givenNames: 'Given' } } });
    const before = await fingerprint(t.db);
    for (const member of ['AAA', 'CCC', 'DDD']) {
      expect((await call(officer[member] as TestSession, 'GET', `/subjects/${one.id}`)).statusCode).toBe(404);
      expect((await call(officer[member] as TestSession, 'DELETE', `/subjects/${one.id}`)).statusCode).toBe(404);
    }
    expect(await fingerprint(t.db)).toEqual(before);
    // Each lists its own gallery only (a read of its own, audited).
    for (const member of ['AAA', 'CCC', 'DDD']) {
      const own = (await call(officer[member] as TestSession, 'GET', '/subjects')).json<{ data: { reference: string }[] }>().data;
      expect(own.every((s) => s.reference.startsWith(member))).toBe(true);
    }
    // Row-level security alone keeps it too: a member's transaction sees no other member's subject.
    const seen = await t.db.transaction({ member: 'AAA' }, (tx) => tx.query<{ owner: string }>(sql`SELECT owner FROM biometric_subjects`));
    expect(seen).toEqual([]);
  });

  test('biographic fields and images are sealed at rest; the template format must match', async () => {
    const rows = await t.db.ownerTransaction((tx) => tx.query<{ biographic: Uint8Array }>(sql`SELECT biographic FROM biometric_subjects WHERE owner = 'BBB'`));
    for (const row of rows) expect(Buffer.from(row.biographic).toString('latin1')).not.toContain('Family');
    const wrong = await call(officer.BBB as TestSession, 'POST', '/subjects', { reference: 'BBB-9', template: { format: 'other-512', vector: template(9).slice(0, 512) } });
    expect(wrong.json()).toMatchObject({ status: 400, errors: [{ pointer: '/template/format' }] });
    const duplicate = await call(officer.BBB as TestSession, 'POST', '/subjects', { reference: 'BBB-1', template: { format: FORMAT, vector: template(9) } });
    expect(duplicate.statusCode).toBe(409);
  });

  test('a removed subject is searched no more', async () => {
    const id = await agreement({}, ['BBB', 'CCC']);
    const enrolled = (await call(officer.CCC as TestSession, 'POST', '/subjects', { reference: 'CCC-7', template: { format: FORMAT, vector: template(7) } })).json<{ data: { id: string } }>().data;
    const hit = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(id, again(7)))).json<{ data: { results: { holder: string; hit: boolean }[] } }>().data;
    expect(hit.results.find((r) => r.holder === 'CCC')?.hit).toBe(true);
    expect((await call(officer.CCC as TestSession, 'DELETE', `/subjects/${enrolled.id}`)).statusCode).toBe(204);
    const after = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(id, again(7)))).json<{ data: { results: { holder: string; hit: boolean }[] } }>().data;
    expect(after.results.find((r) => r.holder === 'CCC')?.hit).toBe(false);
  });

  test('past its retention date a subject is deleted, and a search record past its keeping date; each audited', async () => {
    const id = await agreement({ queryRetentionDays: 30 }, ['BBB', 'CCC']);
    const enrolled = (await call(officer.CCC as TestSession, 'POST', '/subjects', { reference: 'CCC-8', template: { format: FORMAT, vector: template(8) }, retainUntil: '2099-01-10' })).json<{ data: { id: string } }>().data;
    const searched = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(id, again(8)))).json<{ data: { id: string; results: { holder: string; hit: boolean }[] } }>().data;
    expect(searched.results.find((r) => r.holder === 'CCC')?.hit).toBe(true);
    // Within its 30 days the search's record stays.
    await applyRetention(t.platform, new Date(Date.now() + 29 * 86_400_000));
    expect((await call(officer.AAA as TestSession, 'GET', `/searches/${searched.id}`)).statusCode).toBe(200);
    // On its last day the subject stays (the search, past its 30 days, goes); the day after, the subject goes.
    expect((await applyRetention(t.platform, new Date('2099-01-10T23:59:00Z'))).searches).toBeGreaterThanOrEqual(1);
    expect((await call(officer.AAA as TestSession, 'GET', `/searches/${searched.id}`)).statusCode).toBe(404);
    expect((await call(officer.CCC as TestSession, 'GET', `/subjects/${enrolled.id}`)).statusCode).toBe(200);
    expect((await applyRetention(t.platform, new Date('2099-01-11T00:00:00Z'))).subjects).toBe(1);
    expect((await call(officer.CCC as TestSession, 'GET', `/subjects/${enrolled.id}`)).statusCode).toBe(404);
    const after = (await call(officer.AAA as TestSession, 'POST', '/searches', searchBody(id, again(8)))).json<{ data: { results: { holder: string; hit: boolean }[] } }>().data;
    expect(after.results.find((r) => r.holder === 'CCC')?.hit).toBe(false);
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ action: string; member: string }>(sql`SELECT action, member FROM audit_log WHERE object_id IN (${enrolled.id}, ${searched.id}) AND action LIKE '%expire' ORDER BY action`));
    expect(audited).toEqual([{ action: 'biometrics.search-expire', member: 'AAA' }, { action: 'biometrics.subject-expire', member: 'CCC' }]);
  });

  test.skipIf(TEST_DB_KIND !== 'postgres')('on PostgreSQL, another process’s enrolments and deletions reach its galleries through LISTEN/NOTIFY', async () => {
    // "Another process": a gallery index of its own on the same database, told only by notifications.
    const other = new GalleryIndex(t.db, { approximateFrom: 20_000, listenUrl: t.database.url });
    await other.start();
    try {
      const probe = Float32Array.from(again(9));
      expect(other.search('BBB', FORMAT, probe, 5, 0.75)).toEqual([]);
      const enrolled = (await call(officer.BBB as TestSession, 'POST', '/subjects', { reference: 'BBB-9', template: { format: FORMAT, vector: template(9) } })).json<{ data: { id: string } }>().data;
      await vi.waitFor(() => expect(other.search('BBB', FORMAT, probe, 5, 0.75).map((hit) => hit.reference)).toEqual(['BBB-9']), { timeout: 10_000, interval: 20 });
      expect(other.search('CCC', FORMAT, probe, 5, 0.75)).toEqual([]);
      expect((await call(officer.BBB as TestSession, 'DELETE', `/subjects/${enrolled.id}`)).statusCode).toBe(204);
      await vi.waitFor(() => expect(other.search('BBB', FORMAT, probe, 5, 0.75)).toEqual([]), { timeout: 10_000, interval: 20 });
    } finally {
      await other.close();
    }
  });
});
