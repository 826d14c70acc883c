import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../../test/support/app.js';
import { fingerprint } from '../../../../../test/support/db.js';
import { sql } from '../../../../platform/db/sql.js';
import type { ImportMapping, MappingPreview, SavedMapping } from './mapping-schemas.js';
import type { ImportRun } from './run-schemas.js';
import { settleRuns } from './runs.js';
import { multipart } from '../../../../../test/support/multipart.js';

const OWN = readFileSync(new URL('../../../../../test/fixtures/reports/own-spreadsheet.csv', import.meta.url));
const SHARING = { audience: { kind: 'owner' }, tlp: 'AMBER' } as const;

let t: TestContext;
let officer: TestSession;
let outsider: TestSession;
let approverOnly: TestSession;

const preview = (file: Buffer, who: TestSession = officer): Promise<LightMyRequestResponse> =>
  t.as(who, { method: 'POST', url: '/api/v1/reports/import-mappings/preview', ...multipart([{ name: 'file', value: file, filename: 'own.csv' }]) });

const startRun = (file: Buffer, options: Record<string, unknown>, who: TestSession = officer): Promise<LightMyRequestResponse> =>
  t.as(who, {
    method: 'POST',
    url: '/api/v1/reports/import-runs',
    ...multipart([{ name: 'options', value: JSON.stringify(options) }, { name: 'file', value: file, filename: 'own.csv' }]),
  });

/** Starts a run and waits for it to write its final state. */
async function finished(file: Buffer, options: Record<string, unknown>): Promise<ImportRun> {
  const started = await startRun(file, options);
  expect(started.statusCode, started.body).toBe(201);
  await settleRuns();
  const response = await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-runs/${started.json<ImportRun>().id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ImportRun>();
}

const auditRows = (action: string) =>
  t.db.ownerTransaction((tx) => tx.query<{ object_id: string; member: string; details: Record<string, unknown> }>(sql`SELECT object_id, member, details FROM audit_log WHERE action = ${action} ORDER BY at`));

/** The mapping of own-spreadsheet.csv as the preview suggests it, with "Boat" mapped by hand. */
let mapping: ImportMapping;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  outsider = await t.sessionFor(await t.makeUser('BBB', ['officer', 'analyst', 'liaison', 'member-admin']));
  approverOnly = await t.sessionFor(await t.makeUser('AAA', ['approver']));
});
afterAll(() => t.close());

describe('the preview of a file of one\'s own', () => {
  test('suggests each header\'s field, the codes of words, the date order, and writes nothing', async () => {
    const before = await fingerprint(t.db);
    const response = await preview(OWN);
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<MappingPreview>();
    expect(await fingerprint(t.db)).toEqual(before);
    expect(body.header).toEqual(['Case No', 'Date', 'Type', 'Country Code', 'Location', 'Deaths', 'Survivors', 'Description', 'Location type', 'Smuggler role']);
    expect(body.rows).toHaveLength(4);
    expect(body.rows[1]).toEqual(['PAT-002', '02/04/2024', 'Boat', 'IDN', 'Kupang harbour', '0', '12', 'Boat stopped in the harbour.', 'Seaport', 'transporter']);
    expect(body.suggested.columns).toEqual([
      { source: 'Case No', target: 'external_id' },
      { source: 'Date', target: 'date_from' },
      { source: 'Type', target: 'incident_type' },
      { source: 'Country Code', target: 'country' },
      { source: 'Location', target: 'place' },
      { source: 'Deaths', target: 'dead' },
      { source: 'Survivors', target: 'rescued' },
      { source: 'Description', target: 'narrative' },
      { source: 'Location type', target: 'place_kind' },
      { source: 'Smuggler role', target: 'smuggler_roles' },
    ]);
    expect(body.matches.find((match) => match.source === 'Case No')?.how).toBe('synonym');
    expect(body.suggested.dateOrder).toBe('day-first');
    // Words become codes where one code fits; "Boat" fits no incident type, so it is left to the person.
    expect(body.suggested.values).toEqual(expect.arrayContaining([
      { field: 'incident_type', source: 'Land smuggling', code: 'smuggling-land' },
      { field: 'incident_type', source: 'Sea smuggling', code: 'smuggling-sea' },
      { field: 'place_kind', source: 'At sea', code: 'at-sea' },
      { field: 'place_kind', source: 'Land border', code: 'land-border' },
      { field: 'smuggler_roles', source: 'Border guide', code: 'guide' },
    ]));
    expect(body.suggested.values?.some((value) => value.source === 'Boat')).toBe(false);
    expect(body.distinct.find((column) => column.source === 'Smuggler role')?.values).toEqual(['Border guide', 'Organiser;Transporter', 'transporter']);
    expect(body.distinct.find((column) => column.source === 'Type')?.values).toEqual(['Boat', 'Land smuggling', 'Sea smuggling']);
    expect(body.targets.find((target) => target.column === 'incident_type')?.codes).toContain('smuggling-sea');
    mapping = { ...body.suggested, values: [...(body.suggested.values ?? []), { field: 'incident_type', source: 'Boat', code: 'smuggling-sea' }], sharing: SHARING };
  });

  test('a file that is not a table is a 400 naming it; a user who may not import is refused', async () => {
    const bad = await preview(Buffer.from('PK\u0003\u0004 not a workbook'));
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await preview(OWN, approverOnly)).statusCode).toBe(403);
  });
});

describe('saved mappings', () => {
  let saved: SavedMapping;

  test('bad mappings are refused with pointers, and nothing changes', async () => {
    const before = await fingerprint(t.db);
    const post = (body: unknown) => t.as(officer, { method: 'POST', url: '/api/v1/reports/import-mappings', payload: body as Record<string, unknown> });
    const twice = await post({ name: 'Patrol log', mapping: { columns: [{ source: 'Date', target: 'date_from' }, { source: 'Day', target: 'date_from' }] } });
    expect(twice.statusCode).toBe(400);
    expect(twice.json<{ errors: { pointer: string }[] }>().errors).toEqual([expect.objectContaining({ pointer: '/mapping/columns/1/target' })]);
    const code = await post({ name: 'Patrol log', mapping: { columns: [{ source: 'Type', target: 'incident_type' }], values: [{ field: 'incident_type', source: 'Boat', code: 'boat' }] } });
    expect(code.statusCode).toBe(400);
    expect(code.json<{ errors: { pointer: string; detail: string }[] }>().errors).toEqual([{ pointer: '/mapping/values/0/code', detail: expect.stringMatching(/"boat" is not a code of incident_type/) }]);
    const target = await post({ name: 'Patrol log', mapping: { columns: [{ source: 'Type', target: 'kind_of_thing' }] } });
    expect(target.statusCode).toBe(400);
    expect(target.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/mapping/columns/0/target');
    const sharing = await post({ name: 'Patrol log', mapping: { columns: [{ source: 'Type', target: 'incident_type' }], sharing: { audience: { kind: 'members', members: ['QQQ'] }, tlp: 'AMBER' } } });
    expect(sharing.statusCode).toBe(400);
    expect(sharing.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toMatch(/^\/mapping\/sharing\/audience/);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('are saved, listed, read, changed and deleted by the member\'s importers, each on the record', async () => {
    const created = await t.as(officer, { method: 'POST', url: '/api/v1/reports/import-mappings', payload: { name: 'Patrol log', mapping } });
    expect(created.statusCode, created.body).toBe(201);
    saved = created.json<SavedMapping>();
    expect(saved).toMatchObject({ name: 'Patrol log', mapping, createdBy: officer.user.id });
    const again = await t.as(officer, { method: 'POST', url: '/api/v1/reports/import-mappings', payload: { name: 'Patrol log', mapping } });
    expect(again.statusCode).toBe(409);

    const list = await t.as(officer, { method: 'GET', url: '/api/v1/reports/import-mappings' });
    expect(list.json<{ data: SavedMapping[] }>().data.map((one) => one.id)).toEqual([saved.id]);
    const changed = await t.as(officer, { method: 'PUT', url: `/api/v1/reports/import-mappings/${saved.id}`, payload: { name: 'Patrol log 2024', mapping } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json<SavedMapping>().name).toBe('Patrol log 2024');
    expect((await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-mappings/${saved.id}` })).json<SavedMapping>().name).toBe('Patrol log 2024');

    expect(await auditRows('reports.mapping.create')).toEqual([expect.objectContaining({ object_id: saved.id, member: 'AAA' })]);
    expect(await auditRows('reports.mapping.update')).toEqual([expect.objectContaining({ object_id: saved.id, details: expect.objectContaining({ renamedFrom: 'Patrol log' }) })]);

    const scratch = (await t.as(officer, { method: 'POST', url: '/api/v1/reports/import-mappings', payload: { name: 'Scratch', mapping } })).json<SavedMapping>();
    expect((await t.as(officer, { method: 'DELETE', url: `/api/v1/reports/import-mappings/${scratch.id}` })).statusCode).toBe(204);
    expect((await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-mappings/${scratch.id}` })).statusCode).toBe(404);
    expect(await auditRows('reports.mapping.delete')).toEqual([expect.objectContaining({ object_id: scratch.id, details: { name: 'Scratch' } })]);
  });

  test('another member may not list, read, change, delete or use them: 404, and nothing changes', async () => {
    const before = await fingerprint(t.db);
    const list = await t.as(outsider, { method: 'GET', url: '/api/v1/reports/import-mappings' });
    expect(list.json<{ data: SavedMapping[] }>().data).toEqual([]);
    const missing = await t.as(outsider, { method: 'GET', url: '/api/v1/reports/import-mappings/00000000-0000-4000-8000-000000000000' });
    for (const request of [
      { method: 'GET', url: `/api/v1/reports/import-mappings/${saved.id}` },
      { method: 'PUT', url: `/api/v1/reports/import-mappings/${saved.id}`, payload: { name: 'Taken over', mapping } },
      { method: 'DELETE', url: `/api/v1/reports/import-mappings/${saved.id}` },
    ] as const) {
      const response = await t.as(outsider, request);
      expect(response.statusCode, `${request.method} ${response.body}`).toBe(404);
      expect(response.json<{ detail: string }>().detail).toBe(missing.json<{ detail: string }>().detail);
    }
    const used = await startRun(OWN, { format: 'mapped', mappingId: saved.id, sharing: SHARING }, outsider);
    expect(used.statusCode).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('a mapped import as a run', () => {
  test('a dry run lists every bad row with its column and value, and its errors download as CSV', async () => {
    const run = await finished(OWN, { format: 'mapped', mapping, dryRun: true });
    expect(run).toMatchObject({ status: 'done', dryRun: true, format: 'mapped', rowsTotal: 4, rowsRead: 4, rowsWritten: 0, errorCount: 1 });
    expect(run.result?.errors).toEqual([{ row: 5, column: 'Date', value: '30/02/2024', message: expect.stringMatching(/not a real date/) }]);
    expect(run.result?.imported).toBe(3);

    // Without "Boat" in the value table, its row is an error naming the value.
    const unmapped = await finished(OWN, { format: 'mapped', mapping: { ...mapping, values: mapping.values?.filter((value) => value.source !== 'Boat') }, dryRun: true });
    expect(unmapped.result?.errors).toContainEqual({ row: 3, column: 'Type', value: 'Boat', message: expect.stringMatching(/"Boat" is not a code of incident_type/) });

    const csv = await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-runs/${run.id}/errors.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split(/\r?\n/).slice(0, 2)).toEqual(['\uFEFFrow,column,value,reason', expect.stringMatching(/^5,Date,30\/02\/2024,is not a real date/)]);
  });

  test('an error\'s value that looks like a formula is neutralised in the CSV', async () => {
    const file = Buffer.from('Case No,Type,Country Code\nF-1,"=HYPERLINK(""http://example.com"")",IDN\n');
    const run = await finished(file, { format: 'mapped', mapping: { columns: [{ source: 'Case No', target: 'external_id' }, { source: 'Type', target: 'incident_type' }, { source: 'Country Code', target: 'country' }], sharing: SHARING }, dryRun: true });
    expect(run.result?.errors[0]).toMatchObject({ row: 2, column: 'Type', value: '=HYPERLINK("http://example.com")' });
    const csv = await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-runs/${run.id}/errors.csv` });
    expect(csv.body).toContain(`"'=HYPERLINK(""http://example.com"")"`);
  });

  test('a refused import is a failed run with its errors; a partial one writes the good rows, stamped with the run', async () => {
    const before = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`));
    const refused = await finished(OWN, { format: 'mapped', mapping });
    expect(refused).toMatchObject({ status: 'failed', rowsWritten: 0, problem: { status: 400, title: 'Import refused' } });
    expect(refused.result?.errors.map((error) => error.row)).toEqual([5]);
    expect((await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`))).n).toBe(before.n);

    const saved = (await t.as(officer, { method: 'GET', url: '/api/v1/reports/import-mappings' })).json<{ data: SavedMapping[] }>().data[0];
    const run = await finished(OWN, { format: 'mapped', mappingId: saved?.id, partial: true });
    expect(run).toMatchObject({ status: 'done', rowsRead: 4, rowsWritten: 3, errorCount: 1 });
    const reports = await t.db.ownerTransaction((tx) => tx.query<{ import_key: string; import_id: string; incident_type: string; occurred_from: string; place_kind: string }>(
      sql`SELECT import_key, import_id, incident_type, occurred_from::text, place_kind FROM reports WHERE import_source = 'mapped' ORDER BY import_key`));
    expect(reports).toEqual([
      { import_key: 'PAT-001', import_id: run.id, incident_type: 'smuggling-sea', occurred_from: '2024-03-14', place_kind: 'at-sea' },
      { import_key: 'PAT-002', import_id: run.id, incident_type: 'smuggling-sea', occurred_from: '2024-04-02', place_kind: 'seaport' },
      { import_key: 'PAT-003', import_id: run.id, incident_type: 'smuggling-land', occurred_from: '2024-04-21', place_kind: 'land-border' },
    ]);

    // The reports list selects one import's reports; another member's filter by the same run finds none of them.
    const listed = await t.as(officer, { method: 'GET', url: `/api/v1/reports?importId=${run.id}` });
    expect(listed.json<{ data: { id: string }[] }>().data).toHaveLength(3);
    const outsiders = await t.as(outsider, { method: 'GET', url: `/api/v1/reports?importId=${run.id}` });
    expect(outsiders.json<{ data: unknown[] }>().data).toEqual([]);
    // The export takes the same filter: the header and the three reports.
    const exported = await t.as(officer, { method: 'GET', url: `/api/v1/reports/export.csv?importId=${run.id}` });
    expect(exported.statusCode, exported.body).toBe(200);
    expect(exported.body.trim().split(/\r?\n/).slice(1).map((line) => line.split(',')[0]).sort()).toEqual(['PAT-001', 'PAT-002', 'PAT-003']);
  });

  test('an import done in the request is a run too: the Location header names it and its reports carry it', async () => {
    const file = Buffer.from('external_id,incident_type,country\nSYNC-1,smuggling-land,MYS\n');
    const response = await t.as(officer, {
      method: 'POST',
      url: '/api/v1/reports/import',
      ...multipart([{ name: 'options', value: JSON.stringify({ format: 'lintas', sharing: SHARING }) }, { name: 'file', value: file, filename: 'sync.csv' }]),
    });
    expect(response.statusCode, response.body).toBe(200);
    const location = String(response.headers.location);
    expect(location).toMatch(/^\/api\/v1\/reports\/import-runs\/[0-9a-f-]{36}$/);
    const run = (await t.as(officer, { method: 'GET', url: location })).json<ImportRun>();
    expect(run).toMatchObject({ status: 'done', fileName: 'sync.csv', format: 'lintas', rowsRead: 1, rowsWritten: 1, result: { imported: 1 } });
    const stamped = await t.db.ownerTransaction((tx) => tx.one<{ import_id: string }>(sql`SELECT import_id FROM reports WHERE import_key = 'SYNC-1'`));
    expect(stamped.import_id).toBe(run.id);
  });

  test('a run is its member\'s: another member gets 404 for it, its errors and in the list, and nothing changes', async () => {
    const runs = (await t.as(officer, { method: 'GET', url: '/api/v1/reports/import-runs' })).json<{ data: ImportRun[] }>().data;
    expect(runs.length).toBeGreaterThan(3);
    const before = await fingerprint(t.db);
    for (const url of [`/api/v1/reports/import-runs/${runs[0]?.id}`, `/api/v1/reports/import-runs/${runs[0]?.id}/errors.csv`]) {
      expect((await t.as(outsider, { method: 'GET', url })).statusCode).toBe(404);
    }
    expect((await t.as(outsider, { method: 'GET', url: '/api/v1/reports/import-runs' })).json<{ data: unknown[] }>().data).toEqual([]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('while a run goes its progress is read from the server\'s memory, and its final state stays', async () => {
    const rows = Array.from({ length: 3000 }, (_, index) => `BIG-${index},14/03/2024,Sea smuggling,IDN,Off Rote Island,0,1,Boat seen.,At sea,guide`);
    const file = Buffer.from(`${OWN.toString('utf8').split('\n')[0]}\n${rows.join('\n')}\n`);
    const started = await startRun(file, { format: 'mapped', mapping });
    expect(started.statusCode, started.body).toBe(201);
    const id = started.json<ImportRun>().id;
    const during = await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-runs/${id}` });
    expect(during.statusCode).toBe(200);
    expect(['queued', 'running', 'done']).toContain(during.json<ImportRun>().status);
    expect(during.json<ImportRun>().rowsRead).toBeLessThanOrEqual(3000);
    expect((await t.as(outsider, { method: 'GET', url: `/api/v1/reports/import-runs/${id}` })).statusCode).toBe(404);
    await settleRuns();
    const after = (await t.as(officer, { method: 'GET', url: `/api/v1/reports/import-runs/${id}` })).json<ImportRun>();
    expect(after).toMatchObject({ status: 'done', rowsTotal: 3000, rowsRead: 3000, rowsWritten: 3000, errorCount: 0, result: { imported: 3000 } });
    expect(after.finishedAt).not.toBeNull();
  });

  test('a mapping naming a column the file does not have is a 400 before anything is written', async () => {
    const before = await fingerprint(t.db);
    const response = await startRun(Buffer.from('Case No,Type\nX-1,Boat\n'), { format: 'mapped', mapping });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: { pointer: string; detail: string }[] }>().errors).toContainEqual({ pointer: '/options/mapping/columns/1/source', detail: 'the file has no column "Date"' });
    expect(await fingerprint(t.db)).toEqual(before);
  });
});
