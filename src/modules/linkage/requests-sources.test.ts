import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { matchAll } from './matcher.js';

/**
 * Step two for every entity source (platform/entity-sources.ts, `disclosable`): a request about a
 * match with another module's record (a document hit, a report's vessel) is granted with fields that
 * record type declares, read through its source; the asker reads exactly those.
 */

const PREFIX = '/api/v1';
const API = `${PREFIX}/linkage`;

interface Field {
  name: string;
  label: string;
}
interface Request {
  id: string;
  side: 'asker' | 'holder';
  status: string;
  records: { module: string; recordType: string; id: string; label: string; fields: Field[] }[];
  disclosed: { record: string; module: string; recordType: string; fields: Record<string, unknown>; labels: Field[]; sharing: { tlp: string } }[];
}

let t: TestContext;
let issuer: TestSession;
let checker: TestSession;
let writer: TestSession;
let holder: TestSession;
let asker: TestSession;
let outsider: TestSession;

const post = (who: TestSession, url: string, payload?: unknown) => t.as(who, { method: 'POST', url: PREFIX + url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
async function ok<T>(promise: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<T> {
  const response = await promise;
  expect(response.statusCode, response.body).toBe(status);
  return (response.json() as { data: T }).data;
}
const pointers = (response: { json: () => unknown }) => (response.json() as { errors: { pointer: string }[] }).errors.map((error) => error.pointer);
const read = (who: TestSession, id: string) => ok<Request>(t.as(who, { method: 'GET', url: `${API}/requests/${id}` }));
const toAsker = { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' };
const grant = (who: TestSession, id: string, records: { id: string; fields: string[] }[]) => post(who, `/linkage/requests/${id}/grant`, { records, sharing: toAsker });

/** The asker's (BBB's) lead holding `entity`, its notice about `key` and its request to the holder. */
async function askAbout(entity: Record<string, unknown>, key: string): Promise<string> {
  await ok(post(asker, '/linkage/leads', { title: `BBB’s lead on ${key}`, subject: 'other', entities: [entity], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } }), 201);
  await matchAll(t.platform);
  const notices = await ok<{ id: string; key: string }[]>(t.as(asker, { method: 'GET', url: `${API}/notices?side=told` }));
  const notice = notices.find((item) => item.key === key);
  expect(notice, `a notice about ${key}`).toBeTruthy();
  const request = await ok<Request>(post(asker, `/linkage/notices/${notice?.id ?? ''}/requests`, { reason: 'Case 2025/207: the same passport and boat.', urgency: 'routine' }), 201);
  expect(request.records).toEqual([]);
  return request.id;
}

/** The asker reads what was disclosed: exactly these fields of this record, and the holder's record ids nowhere else. */
async function expectDisclosed(id: string, record: { module: string; recordType: string; id: string }, fields: Record<string, unknown>): Promise<Request['disclosed'][number]> {
  const seen = await read(asker, id);
  expect(seen).toMatchObject({ side: 'asker', status: 'granted', records: [] });
  expect(seen.disclosed).toHaveLength(1);
  const item = seen.disclosed[0] as Request['disclosed'][number];
  expect(item).toMatchObject({ record: record.id, module: record.module, recordType: record.recordType });
  expect(item.fields).toEqual(fields);
  expect(item.labels.map((field) => field.name)).toEqual(Object.keys(fields));
  expect(item.labels.every((field) => field.label.length > 0)).toBe(true);
  return item;
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['UTO', 'AUS', 'AAA', 'BBB', 'CCC']) await t.makeMember(code);
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer', 'approver']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  writer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  holder = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  asker = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['analyst', 'approver', 'member-admin']));
});
afterAll(() => t.close());

describe('step two for other modules’ records', () => {
  test('a document hit: the issuer grants chosen fields of its hit; the asker reads exactly those; a field a hit does not disclose is refused at its pointer', async () => {
    await ok(post(issuer, '/documents', { type: 'passport', number: 'R7000001', status: 'stolen', lostOn: '2025-01-05', place: 'Kupang airport', holder: { surname: 'Vandermeulen' } }), 201);
    const check = await ok<{ hit?: { hitId: string } }>(post(checker, '/documents/checks', { purpose: 'border control', document: { issuer: 'UTO', type: 'passport', number: 'R7000001' } }));
    const hitId = check.hit?.hitId as string;
    const id = await askAbout({ type: 'travel-document', issuer: 'UTO', number: 'R7000001' }, 'UTO:R7000001');

    // The issuer is offered its hit, labelled as the hit shows it, with what a hit discloses.
    const offered = await read(issuer, id);
    expect(offered.records).toHaveLength(1);
    expect(offered.records[0]).toMatchObject({ module: 'documents', recordType: 'hit', id: hitId, label: expect.stringContaining('R7000001') as string });
    const names = offered.records[0]?.fields.map((field) => field.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['documentType', 'status', 'lostOn', 'lostAt', 'checkedAt']));
    // Never which member checked it (the checker's to tell), nor the holder's personal details.
    expect(names).not.toContain('checkedBy');
    expect(JSON.stringify(offered.records)).not.toMatch(/surname|Vandermeulen/i);

    const before = await fingerprint(t.db);
    const leadField = await grant(issuer, id, [{ id: hitId, fields: ['status', 'narrative'] }]);
    expect(leadField.statusCode).toBe(400);
    expect(pointers(leadField)).toEqual(['/records/0/fields/1']);
    const checkerNamed = await grant(issuer, id, [{ id: hitId, fields: ['checkedBy'] }]);
    expect(pointers(checkerNamed)).toEqual(['/records/0/fields/0']);
    const notMatching = await grant(issuer, id, [{ id: id, fields: ['status'] }]);
    expect(notMatching.statusCode).toBe(400);
    expect(pointers(notMatching)).toEqual(['/records/0/id']);
    expect(await fingerprint(t.db)).toEqual(before);

    await ok(grant(issuer, id, [{ id: hitId, fields: ['documentType', 'status', 'lostOn', 'lostAt'] }]));
    const item = await expectDisclosed(id, { module: 'documents', recordType: 'hit', id: hitId }, { documentType: 'passport', status: 'stolen', lostOn: '2025-01-05', lostAt: 'Kupang airport' });
    expect(JSON.stringify(item)).not.toContain('AUS');
  });

  test('a report’s vessel: its owner grants chosen fields of the report; the asker reads exactly those, a count the report left blank as null', async () => {
    const imo = '9074729';
    const input = {
      where: { country: 'IDN', place: 'Off Rote Island', kind: 'at-sea' },
      incidentType: 'smuggling-sea',
      when: { from: '2024-02-01' },
      route: [{ from: 'IDN', to: 'AUS', mode: 'boat', imo: `IMO ${imo}`, vesselName: 'KM Sinar Bahari', vesselFlag: 'IDN' }],
      outcomes: { dead: 3, rescued: 12 },
      narrative: 'The boat left Rote at night.',
      // Shared with CCC alone: BBB is told of a match, never shown the report.
      sharing: { audience: { kind: 'members', members: ['CCC'] }, tlp: 'AMBER' },
    };
    const { id: reportId } = await ok<{ id: string }>(post(writer, '/reports', input), 201);
    await ok(post(writer, `/reports/${reportId}/submit`));
    await ok(post(holder, `/reports/${reportId}/approve`));
    const id = await askAbout({ type: 'vessel', imo }, imo);

    const offered = await read(holder, id);
    expect(offered.records.map((record) => [record.module, record.recordType, record.id])).toEqual([['reports', 'report', reportId]]);
    expect(offered.records[0]?.fields.map((field) => field.name)).toEqual(expect.arrayContaining(['occurredFrom', 'country', 'route', 'dead', 'missing', 'rescued', 'narrative']));

    // A third member gets 404 and nothing changes; so does a field a report does not disclose.
    const before = await fingerprint(t.db);
    expect((await t.as(outsider, { method: 'GET', url: `${API}/requests/${id}` })).statusCode).toBe(404);
    expect((await grant(outsider, id, [{ id: reportId, fields: ['dead'] }])).statusCode).toBe(404);
    const owner = await grant(holder, id, [{ id: reportId, fields: ['dead', 'owner', 'people'] }]);
    expect(owner.statusCode).toBe(400);
    expect(pointers(owner)).toEqual(['/records/0/fields/1', '/records/0/fields/2']);
    expect(await fingerprint(t.db)).toEqual(before);

    await ok(grant(holder, id, [{ id: reportId, fields: ['occurredFrom', 'route', 'dead', 'missing'] }]));
    const item = await expectDisclosed(id, { module: 'reports', recordType: 'report', id: reportId }, {
      occurredFrom: '2024-02-01',
      // As the report holds it: the IMO number as written.
      route: [{ from: 'IDN', to: 'AUS', mode: 'boat', imo: `IMO ${imo}`, vesselName: 'KM Sinar Bahari', vesselFlag: 'IDN' }],
      dead: 3,
      missing: null,
    });
    const text = JSON.stringify(item);
    expect(text).not.toContain('Rote at night');
    expect(text).not.toContain('Off Rote Island');
    // The outsider still reads nothing of it.
    expect((await t.as(outsider, { method: 'GET', url: `${API}/requests/${id}` })).statusCode).toBe(404);
  });
});
