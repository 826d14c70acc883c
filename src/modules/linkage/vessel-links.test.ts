import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { parseCsv } from '../../platform/files/csv.js';
import { insertReport } from '../reports/records/store.js';
import { matchAll } from './matcher.js';
import { multipart } from '../../../test/support/multipart.js';

/**
 * Vessels on report route legs (reports/records/entities.ts) in linkage: a lead holding a vessel links
 * to a report whose leg names it while the lead's member may see the report, is told of a match while
 * it may not, and the report's approval, re-sharing, withdrawal and deletion keep its entity rows in step.
 */

const PREFIX = '/api/v1';
const IMO = '9074729';
type Audience = { kind: 'all' } | { kind: 'owner' } | { kind: 'members'; members: string[] };
interface ShownRecord {
  module: string;
  recordType: string;
  id: string;
  owner: string;
  label: string;
}

let t: TestContext;
let writer: TestSession;
let approver: TestSession;
let analyst: TestSession;
let outsider: TestSession;

const report = (imo: string, sharing: Audience = { kind: 'all' }, more: Record<string, unknown> = {}) => ({
  where: { country: 'IDN', place: 'Off Rote Island', kind: 'at-sea' },
  incidentType: 'smuggling-sea',
  when: { from: '2024-02-01' },
  route: [{ from: 'LKA', to: 'IDN', mode: 'air' }, { from: 'IDN', to: 'AUS', mode: 'boat', imo: `IMO ${imo}`, mmsi: '525012345', vesselName: 'KM Sinar Bahari', vesselFlag: 'IDN' }],
  sharing: { audience: sharing, tlp: 'AMBER' },
  ...more,
});

async function ok<T>(promise: Promise<{ statusCode: number; body: string; json: () => unknown }>, status = 200): Promise<T> {
  const response = await promise;
  expect(response.statusCode, response.body).toBe(status);
  return (response.json() as { data: T }).data;
}
const post = (who: TestSession, url: string, payload?: unknown) => t.as(who, { method: 'POST', url: PREFIX + url, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });

async function shared(input: unknown): Promise<string> {
  const { id } = await ok<{ id: string }>(post(writer, '/reports', input), 201);
  await ok(post(writer, `/reports/${id}/submit`));
  await ok(post(approver, `/reports/${id}/approve`));
  return id;
}
async function leadWith(imo: string): Promise<string> {
  const payload = { title: `BBB’s lead on ${imo}`, subject: 'vessel', entities: [{ type: 'vessel', imo }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } };
  return (await ok<{ id: string }>(post(analyst, '/linkage/leads', payload), 201)).id;
}
async function links(id: string): Promise<ShownRecord[]> {
  return (await ok<{ links: { record: ShownRecord }[] }>(t.as(analyst, { method: 'GET', url: `${PREFIX}/linkage/leads/${id}` }))).links.map((link) => link.record);
}
async function toldOf(who: TestSession, key: string): Promise<{ member: string | null; kind: string }[]> {
  const notices = await ok<{ side: string; key: string; member: string | null; kind: string }[]>(t.as(who, { method: 'GET', url: `${PREFIX}/linkage/notices?side=told` }));
  return notices.filter((notice) => notice.key === key);
}
const entityRows = (id: string) =>
  t.db.ownerTransaction((tx) => tx.query<{ kind: string; key: string; audience_kind: string; audience_members: string[] }>(sql`
    SELECT kind, key, audience_kind, audience_members FROM linkage_entities WHERE record_id = ${id} ORDER BY kind`));

function importBody(options: unknown, file: Buffer): Pick<InjectOptions, 'payload' | 'headers'> {
  return multipart([{ name: 'options', value: JSON.stringify(options) }, { name: 'file', value: file, filename: 'r.csv' }]);
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  writer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  approver = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  analyst = await t.sessionFor(await t.makeUser('BBB', ['analyst', 'approver']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['analyst', 'approver']));
  // BBB has contributed a shared report, so reciprocity lets it see AAA's shared reports.
  await t.db.ownerTransaction(async (tx) => {
    const id = await insertReport(tx, 'BBB', null, { where: { country: 'THA', place: 'Contribution' }, incidentType: 'smuggling-sea', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } }, { status: 'shared' });
    await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
  });
});
afterAll(() => t.close());

describe('vessels on report route legs', () => {
  test('a bad IMO number or MMSI is a 400 naming the leg’s field, and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const bad = report('9074728', { kind: 'all' });
    (bad.route[1] as Record<string, unknown>).mmsi = '52501234';
    const response = await post(writer, '/reports', bad);
    expect(response.statusCode).toBe(400);
    const errors = response.json<{ errors: { pointer: string; detail: string }[] }>().errors;
    expect(errors.map((error) => error.pointer).sort()).toEqual(['/route/1/imo', '/route/1/mmsi']);
    expect(errors.find((error) => error.pointer === '/route/1/imo')?.detail).toContain('check digit');
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('a lead holding the IMO is told of a draft report it may not see, then links to it once shared; withdrawal takes the link away', async () => {
    const { id } = await ok<{ id: string }>(post(writer, '/reports', report(IMO)), 201);
    // A draft is its owner's alone, whatever its sharing will be.
    expect((await entityRows(id)).map((row) => [row.kind, row.key, row.audience_kind])).toEqual([
      ['imo', IMO, 'owner'], ['mmsi', '525012345', 'owner'], ['vessel-name', 'IDN:SINAR BAHARI', 'owner'],
    ]);
    const lead = await leadWith(IMO);
    expect(await links(lead)).toEqual([]);
    await matchAll(t.platform);
    expect(await toldOf(analyst, IMO)).toEqual([expect.objectContaining({ member: 'AAA', kind: 'imo' })]);

    await ok(post(writer, `/reports/${id}/submit`));
    await ok(post(approver, `/reports/${id}/approve`));
    expect((await entityRows(id)).every((row) => row.audience_kind === 'all')).toBe(true);
    const seen = await links(lead);
    expect(seen).toEqual([{ module: 'reports', recordType: 'report', id, owner: 'AAA', label: expect.stringContaining('Indonesia') as string }]);

    await ok(post(writer, `/reports/${id}/withdraw`));
    expect(await links(lead)).toEqual([]);
    expect(await toldOf(outsider, IMO)).toEqual([]);
  });

  test('re-sharing the report away from the lead’s member takes the link away; deleting the report takes its entity rows', async () => {
    const imo = '9176187';
    const id = await shared(report(imo));
    const lead = await leadWith(imo);
    expect((await links(lead)).map((record) => record.id)).toEqual([id]);
    // Edited to share with CCC alone: back to submitted (owner only), then approved for CCC.
    await ok(t.as(writer, { method: 'PUT', url: `${PREFIX}/reports/${id}`, payload: report(imo, { kind: 'members', members: ['CCC'] }) }));
    expect(await links(lead)).toEqual([]);
    await ok(post(approver, `/reports/${id}/approve`));
    expect((await entityRows(id)).map((row) => row.audience_members)).toEqual([['CCC'], ['CCC'], ['CCC']]);
    expect(await links(lead)).toEqual([]);
    // An edit that drops the vessel drops its rows.
    const noVessel = report(imo, { kind: 'members', members: ['CCC'] });
    noVessel.route = [{ from: 'LKA', to: 'IDN', mode: 'air' }];
    await ok(t.as(writer, { method: 'PUT', url: `${PREFIX}/reports/${id}`, payload: noVessel }));
    expect(await entityRows(id)).toEqual([]);
    // Only a draft may be deleted.
    const { id: again } = await ok<{ id: string }>(post(writer, '/reports', report(imo)), 201);
    expect((await entityRows(again)).length).toBe(3);
    expect((await t.as(writer, { method: 'DELETE', url: `${PREFIX}/reports/${again}` })).statusCode).toBe(204);
    expect(await entityRows(again)).toEqual([]);
  });

  test('the import template carries each leg’s vessel; an export re-imports unchanged, and imported reports offer their vessels', async () => {
    const file = Buffer.from(
      'external_id,incident_type,date_from,country,place,route,vessel_imo,vessel_mmsi,vessel_name,vessel_flag,audience,tlp\n' +
      `V-1,smuggling-sea,2024-04-01,IDN,Vessel import,LKA>IDN:air|IDN>AUS:boat,|${IMO},|525012345,|KM Sinar Bahari,|idn,all,AMBER\n`,
    );
    const imported = await t.as(writer, { method: 'POST', url: `${PREFIX}/reports/import`, ...importBody({ format: 'lintas' }, file) });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toMatchObject({ imported: 1, rejected: 0 });
    const id = (await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM reports WHERE import_key = 'V-1'`))).id;
    expect((await entityRows(id)).map((row) => row.key)).toEqual([IMO, '525012345', 'IDN:SINAR BAHARI']);

    const csv = await t.as(writer, { method: 'GET', url: `${PREFIX}/reports/export.csv?mine=true&from=2024-04-01&to=2024-04-01` });
    const rows = parseCsv(csv.body.replace('\uFEFF', ''), ',');
    const header = rows[0] as string[];
    const row = rows.find((cells) => cells.includes('Vessel import')) as string[];
    expect(['vessel_imo', 'vessel_mmsi', 'vessel_name', 'vessel_flag'].map((name) => row[header.indexOf(name)])).toEqual([`|${IMO}`, '|525012345', '|KM Sinar Bahari', '|IDN']);
    const again = await t.as(writer, { method: 'POST', url: `${PREFIX}/reports/import`, ...importBody({ format: 'lintas', dryRun: true }, Buffer.from(csv.body.replace('\uFEFF', ''))) });
    expect(again.json()).toMatchObject({ rows: 1, unchanged: 1, updated: 0, rejected: 0 });

    const bad = Buffer.from('external_id,incident_type,country,place,route,vessel_imo,audience,tlp\nV-2,smuggling-sea,IDN,Bad,LKA>IDN:boat,9074728|9074729,all,AMBER\n');
    const refused = await t.as(writer, { method: 'POST', url: `${PREFIX}/reports/import`, ...importBody({ format: 'lintas' }, bad) });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('vessel_imo');
  });
});
