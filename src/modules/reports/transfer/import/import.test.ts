import { existsSync, readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../../test/support/app.js';
import { fingerprint } from '../../../../../test/support/db.js';
import { sql } from '../../../../platform/db/sql.js';
import type { ImportResult } from './schemas.js';
import ExcelJS from 'exceljs';
import { multipart } from '../../../../../test/support/multipart.js';

const FIXTURES = new URL('../../../../../test/fixtures/reports/', import.meta.url);
const SHARED_MMP = new URL('../../../../../../shared/data/missing-migrants-2019.csv', import.meta.url);
const FULL_MMP = existsSync(SHARED_MMP);
const MMP_FILE = FULL_MMP ? SHARED_MMP : new URL('missing-migrants-sample.csv', FIXTURES);
const SHARING = { audience: { kind: 'all' }, tlp: 'GREEN' };

const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));

let t: TestContext;
let officer: TestSession;

function upload(file: Buffer, filename: string, options: Record<string, unknown>, who: TestSession = officer): Promise<LightMyRequestResponse> {
  return t.as(who, {
    method: 'POST',
    url: '/api/v1/reports/import',
    ...multipart([{ name: 'options', value: JSON.stringify({ sharing: SHARING, ...options }) }, { name: 'file', value: file, filename }]),
  });
}

function ok(response: LightMyRequestResponse): ImportResult {
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ImportResult>();
}

function refused(response: LightMyRequestResponse, status = 400): { detail: string; errors: { pointer: string; detail: string }[] } {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<{ detail: string; errors?: { pointer: string; detail: string }[] }>();
  return { detail: body.detail, errors: body.errors ?? [] };
}

const report = (source: string, key: string) =>
  t.db.ownerTransaction((tx) =>
    tx.maybeOne(sql`SELECT * FROM reports WHERE owner = 'AAA' AND import_source = ${source} AND import_key = ${key}`),
  );
const count = async (source: string): Promise<number> =>
  (await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports WHERE import_source = ${source}`))).n;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
});
afterAll(() => t.close());

describe('the IOM Missing Migrants Project file', () => {
  const mmp = readFileSync(MMP_FILE);
  const mmpOptions = { format: 'missing-migrants' };
  // The row without coordinates: 51450, row 3099 of the full file and row 6 of the sample.
  const noCoordinatesRow = FULL_MMP ? 3099 : 6;

  test('a dry run reports every row and writes nothing', async () => {
    const before = await fingerprint(t.db);
    const result = ok(await upload(mmp, 'mmp.csv', { ...mmpOptions, dryRun: true }));
    expect(await fingerprint(t.db)).toEqual(before);
    expect(result).toMatchObject({ dryRun: true, encoding: 'utf-8', delimiter: ',', unchanged: 0, updated: 0 });
    expect(result.imported + result.rejected).toBe(FULL_MMP ? 5987 : 6);
    // The 2019 layout writes "December 30, 2019"; every row's date was read so.
    expect(result.dates).toEqual([{ column: 'Reported Date', format: 'Month D, YYYY', rows: FULL_MMP ? 5987 : 6 }]);
    expect(result.errors).toContainEqual(expect.objectContaining({ row: noCoordinatesRow, column: 'Location Coordinates', message: expect.stringMatching(/is empty/) }));
    // After the quoted newline of row 5044, rows keep the numbers a spreadsheet shows.
    // Row 5396, far out in the central Mediterranean, is kept: at sea, without a country (missing-migrants-places.test.ts).
    if (FULL_MMP) expect(result.errors.filter((error) => error.row === 5396)).toEqual([]);
  });

  test('without partial, the bad rows refuse the whole import and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const { errors } = refused(await upload(mmp, 'mmp.csv', mmpOptions));
    expect(errors.map((error) => error.pointer)).toContain(`/rows/${noCoordinatesRow}/Location Coordinates`);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('a partial import writes every good row, accounts for every row, and a second run adds nothing', async () => {
    const result = ok(await upload(mmp, 'mmp.csv', { ...mmpOptions, partial: true }));
    if (FULL_MMP) expect({ imported: result.imported, rejected: result.rejected }).toEqual({ imported: 5987 - REJECTED, rejected: REJECTED });
    else expect({ imported: result.imported, rejected: result.rejected }).toEqual({ imported: 5, rejected: 1 });
    expect(result.rows).toBe(result.imported + result.rejected);
    expect(await count('missing-migrants')).toBe(result.imported);

    // Bodies found on a boat off Sado Island: at sea, so the nearest coast's country.
    expect(await report('missing-migrants', '52663')).toMatchObject({
      country: 'JPN', dead: 5, adult_men: 3, place_kind: 'at-sea', occurred_from: '2019-12-27', incident_type: 'death-or-disappearance',
      citizenships: ['XXX'], tlp: 'GREEN', audience_kind: 'all', status: 'draft', narrative: 'Unknown',
      // The source text names the source; its id, region, links and quality have their own fields.
      source: 'Japan Times, Kyodo News, AFP (IOM Missing Migrants Project)', source_record_id: '52663', source_region: 'East Asia',
      source_url: 'http://bit.ly/2sCnBz1, http://bit.ly/2sEra83, http://bit.ly/2MJk88F', source_quality: '3/5',
    });
    // Van lake, inland Turkey: on land, survivors rescued.
    expect(await report('missing-migrants', '52662')).toMatchObject({ country: 'TUR', dead: 7, rescued: 64, place_kind: null });
    // The row whose place holds a quoted newline is one row, read whole.
    expect(await report('missing-migrants', '40674')).toMatchObject({ country: 'MEX', place: 'Río Bravo, Las Adjuntas, Piedras Negras, Coahuila, Mexico' });
    expect(await report('missing-migrants', '51450')).toBeUndefined();

    const again = ok(await upload(mmp, 'mmp.csv', { ...mmpOptions, partial: true }));
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: result.imported, rejected: result.rejected });
    expect(await count('missing-migrants')).toBe(result.imported);

    const audit = await t.db.ownerTransaction((tx) => tx.query<{ details: Record<string, unknown> }>(sql`SELECT details FROM audit_log WHERE action = 'reports.import' ORDER BY seq`));
    expect(audit.map((row) => row.details.imported)).toEqual([result.imported, 0]);
  });
});

// Rows of the full file that cannot be imported: one without coordinates, and one in Kosovo (row
// 5728), whose code XKX is not ISO 3166-1: the API refuses it, so the import does too. The points more
// than 250 km out at sea (the central Mediterranean, the Atlantic off West Africa, the Bay of Bengal…)
// are kept, at sea, without a country.
const REJECTED = 2;

describe('the Lintas template', () => {
  test('semicolons are recognised and reported; people, route syntax and counts are read', async () => {
    const result = ok(await upload(fixture('semicolon.csv'), 'semicolon.csv', { format: 'lintas' }));
    expect(result).toMatchObject({ delimiter: ';', imported: 2, rejected: 0 });
    expect(await report('lintas', 'S-1')).toMatchObject({ country: 'IDN', adult_men: 10, adult_women: 2, people_total: 12, latitude: -10.73 });
  });

  test('a header that no known delimiter splits is a clear 400', async () => {
    const { detail, errors } = refused(await upload(fixture('colon-delimited.csv'), 'colon.csv', { format: 'lintas' }));
    expect(detail).toMatch(/any delimiter/);
    expect(errors[0]?.pointer).toBe('/rows/1');
  });

  test('Windows-1252 text is read as such, not as broken UTF-8', async () => {
    const result = ok(await upload(fixture('latin1.csv'), 'latin1.csv', { format: 'lintas' }));
    expect(result).toMatchObject({ encoding: 'windows-1252', imported: 1 });
    expect(await report('lintas', 'L-1')).toMatchObject({ place: 'São Tomé – baía de Ana Chaves', narrative: 'Embarcação interceptada' });
  });

  test('a missing required column and an unknown column are named', async () => {
    expect(refused(await upload(fixture('missing-column.csv'), 'm.csv', { format: 'lintas' })).errors).toEqual([
      expect.objectContaining({ pointer: '/rows/1/incident_type', detail: 'the column "incident_type" is missing' }),
    ]);
    expect(refused(await upload(fixture('extra-column.csv'), 'e.csv', { format: 'lintas' })).errors).toEqual([
      expect.objectContaining({ pointer: '/rows/1/narative' }),
    ]);
  });

  test('every bad value is reported at its row and column; partial import writes the good row only', async () => {
    const before = await fingerprint(t.db);
    const dry = ok(await upload(fixture('bad-values.csv'), 'bad.csv', { format: 'lintas', dryRun: true }));
    expect(await fingerprint(t.db)).toEqual(before);
    expect(dry).toMatchObject({ imported: 1, rejected: 6 });
    const where = dry.errors.map((error) => `${error.row}/${error.column}`);
    expect(where).toEqual(['2/date_from', '3/latitude', '4/longitude', '5/dead', '6/people', '8/country', '8/incident_type']);
    expect(dry.errors[0]?.message).toMatch(/not a real date \(2019-02-30\)/);
    expect(dry.errors[3]?.message).toMatch(/negative/);

    const atomic = refused(await upload(fixture('bad-values.csv'), 'bad.csv', { format: 'lintas' }));
    expect(atomic.errors).toHaveLength(7);
    expect(atomic.errors[0]).toEqual({ pointer: '/rows/2/date_from', detail: expect.stringMatching(/real date/) });
    expect(await fingerprint(t.db)).toEqual(before);

    expect(ok(await upload(fixture('bad-values.csv'), 'bad.csv', { format: 'lintas', partial: true }))).toMatchObject({ imported: 1, rejected: 6 });
    expect(await report('lintas', 'B-6')).toMatchObject({ rescued: 2 });
    expect(await report('lintas', 'B-1')).toBeUndefined();
  });

  test('a repeated header row is skipped and reported; a blank line is ignored; a quoted newline stays in its cell', async () => {
    const result = ok(await upload(fixture('stray-header.csv'), 'stray.csv', { format: 'lintas' }));
    expect(result).toMatchObject({ imported: 2, rejected: 0, skipped: [{ row: 4, reason: 'a repeated header row' }] });
    expect(await report('lintas', 'H-1')).toMatchObject({ place: 'Rote Island,\nsouth coast' });
  });

  test('a file broken after thousands of good rows is a 400 at its line, and the batches written before it are undone', async () => {
    // The rows are read while earlier batches are written (tabular.ts): 9,000 good rows, more than
    // two batches, then a quote left open. Not even a partial import keeps the rows before it.
    const header = 'external_id,incident_type,country,dead\n';
    const good = Array.from({ length: 9000 }, (_, i) => `K-${i},smuggling-sea,IDN,1\n`).join('');
    const before = await fingerprint(t.db);
    const { errors } = refused(await upload(Buffer.from(`${header}${good}K-9000,smuggling-sea,"IDN,1\n`), 'k.csv', { format: 'lintas', partial: true }));
    expect(errors).toEqual([{ pointer: '/lines/9002', detail: expect.stringMatching(/quoted field is not closed/) }]);
    expect(await fingerprint(t.db)).toEqual(before);
    expect(await report('lintas', 'K-0')).toBeUndefined();
  });

  test('the same file imported twice at once makes each report once: the second import waits for the first and finds its rows', async () => {
    const header = 'external_id,incident_type,country,dead\n';
    const file = Buffer.from(header + Array.from({ length: 6000 }, (_, i) => `C-${i},smuggling-land,THA,${i % 3}\n`).join(''));
    const results = (await Promise.all([upload(file, 'c.csv', { format: 'lintas' }), upload(file, 'c.csv', { format: 'lintas' })])).map(ok);
    expect(results.map(({ imported, unchanged }) => ({ imported, unchanged })).sort((a, b) => a.imported - b.imported)).toEqual([
      { imported: 0, unchanged: 6000 },
      { imported: 6000, unchanged: 0 },
    ]);
    const made = await t.db.ownerTransaction((tx) => tx.one<{ n: number; keys: number }>(
      sql`SELECT count(*)::int AS n, count(DISTINCT import_key)::int AS keys FROM reports WHERE owner = 'AAA' AND import_key LIKE 'C-%'`,
    ));
    expect(made).toEqual({ n: 6000, keys: 6000 });
  });

  test('a file over the row limit is refused, naming the limit', async () => {
    const { detail } = refused(await upload(fixture('semicolon.csv'), 's.csv', { format: 'lintas', maxRows: 1 }), 413);
    expect(detail).toMatch(/more than 1 data rows/);
  });

  test('a file that is not a workbook, named or shaped like one, is a 400', async () => {
    expect(refused(await upload(fixture('not-a-workbook.xlsx'), 'reports.xlsx', { format: 'lintas' })).errors[0]?.detail).toMatch(/not an XLSX/);
    const zip = readFileSync(new URL('../not-docx.zip', FIXTURES));
    expect(refused(await upload(zip, 'reports.xlsx', { format: 'lintas' })).errors[0]?.detail).toMatch(/not a readable XLSX/);
  });

  test('a corrected row updates its draft report; the same identifier twice in a file is refused', async () => {
    const header = 'external_id,incident_type,country,dead\n';
    ok(await upload(Buffer.from(`${header}U-1,smuggling-sea,IDN,1\n`), 'u.csv', { format: 'lintas' }));
    const id = (await report('lintas', 'U-1'))?.id;
    expect(ok(await upload(Buffer.from(`${header}U-1,smuggling-sea,IDN,2\n`), 'u.csv', { format: 'lintas' }))).toMatchObject({ imported: 0, updated: 1, unchanged: 0 });
    expect(await report('lintas', 'U-1')).toMatchObject({ id, dead: 2 });
    const twice = ok(await upload(Buffer.from(`${header}U-2,smuggling-sea,IDN,1\nU-2,smuggling-sea,IDN,3\n`), 'u.csv', { format: 'lintas', dryRun: true }));
    expect(twice.errors).toEqual([{ row: 3, column: 'external_id', message: expect.stringMatching(/also on row 2/) }]);
  });

  test('a country code the API refuses is a row error here too: one validation for both', async () => {
    const header = 'external_id,incident_type,country,origin,dead\n';
    const dry = ok(await upload(Buffer.from(`${header}Q-1,smuggling-sea,XXQ,IDN,1\nQ-2,smuggling-sea,IDN,QQQ,1\nQ-3,smuggling-sea,IDN,LKA,1\n`), 'q.csv', { format: 'lintas', dryRun: true }));
    expect(dry.errors).toEqual([
      { row: 2, column: 'country', message: '"XXQ" is not an ISO 3166-1 alpha-3 country code', value: 'XXQ' },
      { row: 3, column: 'origin', message: '"QQQ" is not an ISO 3166-1 alpha-3 country code', value: 'QQQ' },
    ]);
    expect(dry).toMatchObject({ imported: 1, rejected: 2 });
    // The API answers the same report with the same words.
    const api = await t.as(officer, { method: 'POST', url: '/api/v1/reports', payload: { where: { country: 'XXQ' }, incidentType: 'smuggling-sea', sharing: SHARING } });
    expect(refused(api).errors).toEqual([{ pointer: '/where/country', detail: '"XXQ" is not an ISO 3166-1 alpha-3 country code' }]);
    expect(await report('lintas', 'Q-1')).toBeUndefined();
  });

  test('the XLSX template downloads with its instructions and, filled in, imports', async () => {
    const response = await t.as(officer, { method: 'GET', url: '/api/v1/reports/import/template.xlsx' });
    expect(response.statusCode).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ExcelJS.Buffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Reports', 'Instructions']);
    const instructions = workbook.getWorksheet('Instructions');
    expect(instructions?.getCell('A3').value).toBe('incident_type');
    expect(instructions?.getCell('E3').text).toContain('death-or-disappearance');
    const sheet = workbook.getWorksheet('Reports');
    const header = (sheet?.getRow(1).values as unknown[]).slice(1) as string[];
    const row = header.map((column) => ({ external_id: 'X-1', incident_type: 'smuggling-air', country: 'THA', date_from: new Date(Date.UTC(2024, 0, 5)), dead: 0 })[column] ?? null);
    sheet?.addRow(row);
    const filled = Buffer.from(await workbook.xlsx.writeBuffer());
    expect(ok(await upload(filled, 'filled.xlsx', { format: 'lintas' }))).toMatchObject({
      imported: 1, encoding: 'xlsx', delimiter: null, dates: [{ column: 'date_from', format: 'YYYY-MM-DD', rows: 1 }],
    });
    expect(await report('lintas', 'X-1')).toMatchObject({ country: 'THA', occurred_from: '2024-01-05', incident_type: 'smuggling-air' });
    const csv = await t.as(officer, { method: 'GET', url: '/api/v1/reports/import/template.csv' });
    expect(csv.body.replace('\uFEFF', '').split('\r\n')[0]).toBe(header.join(','));
  });

  test('a user whose role may not import is refused before the file is read', async () => {
    const approver = await t.sessionFor(await t.makeUser('AAA', ['approver']));
    const before = await fingerprint(t.db);
    refused(await upload(fixture('semicolon.csv'), 's.csv', { format: 'lintas' }, approver), 403);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});
