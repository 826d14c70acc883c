import { readFileSync } from 'node:fs';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../../test/support/app.js';
import { fingerprint } from '../../../../../test/support/db.js';
import { parseCsv } from '../../../../platform/files/csv.js';
import { sql } from '../../../../platform/db/sql.js';
import type { ImportResult } from './schemas.js';
import { multipart } from '../../../../../test/support/multipart.js';

/**
 * The IOM Missing Migrants Project's layouts (test/fixtures/reports/: mmp-later-layout.csv,
 * mmp-no-id.csv, mmp-2022.xlsx made by make-mmp-xlsx.ts; the 2019 layout is import.test.ts's), and
 * what every format shares: dates in any shape, reported by column and shape; NULL, N/A and "-" as
 * empty; mojibake repaired, with a warning.
 */

const FIXTURES = new URL('../../../../../test/fixtures/reports/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(name, FIXTURES));
const SHARING = { audience: { kind: 'all' }, tlp: 'GREEN' };

function importBody(options: Record<string, unknown>, file: Buffer, filename: string): Pick<InjectOptions, 'payload' | 'headers'> {
  return multipart([{ name: 'options', value: JSON.stringify({ sharing: SHARING, ...options }) }, { name: 'file', value: file, filename }]);
}

let t: TestContext;
let officer: TestSession;

const upload = (file: Buffer, filename: string, options: Record<string, unknown>): Promise<LightMyRequestResponse> =>
  t.as(officer, { method: 'POST', url: '/api/v1/reports/import', ...importBody(options, file, filename) });

function ok(response: LightMyRequestResponse): ImportResult {
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ImportResult>();
}

function refused(response: LightMyRequestResponse): { pointer: string; detail: string }[] {
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  return response.json<{ errors: { pointer: string; detail: string }[] }>().errors;
}

const report = (source: string, key: string) =>
  t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT * FROM reports WHERE owner = 'AAA' AND import_source = ${source} AND import_key = ${key}`));
const reportWhere = (place: string) =>
  t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT * FROM reports WHERE owner = 'AAA' AND place = ${place}`));

/** The file as a later export has it: its UTF-8 read as Windows-1252 and saved as UTF-8 again. */
const withMojibake = (file: Buffer): Buffer => Buffer.from(new TextDecoder('windows-1252').decode(file), 'utf8');

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
});
afterAll(() => t.close());

describe('a later layout: Main ID and Incident ID, 1-Sep-20 dates, NULL cells, mojibake, Latitude and Longitude', () => {
  const file = fixture('mmp-later-layout.csv');
  const options = { format: 'missing-migrants' };

  test('a dry run reads every row, says which date shape it read, and names every repair', async () => {
    const before = await fingerprint(t.db);
    const dry = ok(await upload(file, 'later.csv', { ...options, dryRun: true }));
    expect(await fingerprint(t.db)).toEqual(before);
    expect(dry).toMatchObject({ rows: 5, imported: 4, rejected: 1 });
    expect(dry.dates).toEqual([{ column: 'Reported Date', format: 'D-Mon-YY', rows: 5 }]);
    // The row whose point is NULL: no point, so no country.
    expect(dry.errors).toEqual([
      { row: 6, column: 'Latitude', message: expect.stringMatching(/is empty/) },
      { row: 6, column: 'Longitude', message: expect.stringMatching(/is empty/) },
    ]);
    expect(dry.warnings).toEqual([
      { row: 2, column: 'Location Description', message: expect.stringContaining('"Hospital General de Ciudad Juárez, Chihuahua, México"') },
      { row: 3, column: 'Country of Incident', message: expect.stringContaining('"Côte d\'Ivoire"') },
      { row: 3, column: 'Location Description', message: expect.stringContaining('"Abidjan, CÃ´te d\'Ivoire" is read as "Abidjan, Côte d\'Ivoire"') },
    ]);
  });

  test('a partial import keeps the repaired text, the region and the source fields; NULL is empty; a second import changes nothing', async () => {
    const result = ok(await upload(file, 'later.csv', { ...options, partial: true }));
    expect(result).toMatchObject({ imported: 4, rejected: 1, unchanged: 0 });
    expect(await report('missing-migrants', '2019.MMP51880')).toMatchObject({
      place: 'Hospital General de Ciudad Juárez, Chihuahua, México', country: 'MEX', occurred_from: '2019-07-20', dead: 1, missing: 0, rescued: 0,
      adult_men: 1, people_total: 1, source: 'El Diario, Reforma (IOM Missing Migrants Project)', source_record_id: '2019.MMP51880',
      source_region: 'North America', source_url: 'http://bit.ly/2Lzahnb, http://bit.ly/2JTGHWg', source_quality: '3/5',
      narrative: 'Sickness / lack of access to adequate healthcare',
    });
    expect(await report('missing-migrants', '2019.MMP52382')).toMatchObject({ place: "Abidjan, Côte d'Ivoire", country: 'CIV', adult_women: 1, source_quality: '2/5' });
    expect(await report('missing-migrants', '2019.MMP52625')).toMatchObject({ dead: 5, missing: 21, rescued: 149, adult_women: 15, adult_men: 11, source_region: 'Mediterranean' });
    expect(await report('missing-migrants', '2017.MMP51450')).toBeUndefined();

    const again = ok(await upload(file, 'later.csv', { ...options, partial: true }));
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: 4, rejected: 1 });
  });

  test('the report shows the source fields, and an export carries them in its own columns', async () => {
    const stored = await report('missing-migrants', '2019.MMP51880');
    const one = await t.as(officer, { method: 'GET', url: `/api/v1/reports/${String(stored?.id)}` });
    expect(one.json<{ data: Record<string, unknown> }>().data).toMatchObject({
      source: 'El Diario, Reforma (IOM Missing Migrants Project)',
      where: expect.objectContaining({ sourceRegion: 'North America' }),
      sourceDetails: { recordId: '2019.MMP51880', url: 'http://bit.ly/2Lzahnb, http://bit.ly/2JTGHWg', quality: '3/5' },
    });
    const csv = await t.as(officer, { method: 'GET', url: '/api/v1/reports/export.csv' });
    const [header = [], ...rows] = parseCsv(csv.body.replace(/^\uFEFF/, ''), ',').filter((record) => record.length > 1);
    const row = rows.find((cells) => cells[header.indexOf('external_id')] === '2019.MMP51880') ?? [];
    const cell = (name: string): string | undefined => row[header.indexOf(name)];
    expect([cell('source_record_id'), cell('source_region'), cell('source_url'), cell('source_quality')]).toEqual([
      '2019.MMP51880', 'North America', 'http://bit.ly/2Lzahnb, http://bit.ly/2JTGHWg', '3/5',
    ]);
  });
});

describe('a layout without any identifier: rows keyed by their own fields', () => {
  const file = fixture('mmp-no-id.csv');
  const options = { format: 'missing-migrants' };

  test('N/A and "-" are empty; a row given twice is named; re-importing, even the file with mojibake, changes nothing', async () => {
    const first = ok(await upload(file, 'no-id.csv', { ...options, partial: true }));
    expect(first).toMatchObject({ rows: 5, imported: 4, rejected: 1, warnings: [] });
    expect(first.dates).toEqual([{ column: 'Reported Date', format: 'Month D, YYYY', rows: 5 }]);
    expect(first.errors).toEqual([{ row: 6, column: 'row', message: expect.stringMatching(/same date, point, counts and place as row 5/) }]);
    const sado = await reportWhere('Bodies found on boat near Sado Island, Niigata, Japan');
    expect(sado).toMatchObject({ dead: 5, missing: 0, rescued: 0, adult_men: 3, people_total: 3, source_region: 'East Asia', source_record_id: null, source_quality: '3/5' });
    expect(String(sado?.import_key)).toMatch(/^row-sha256:[0-9a-f]{40}$/);

    expect(ok(await upload(file, 'no-id.csv', { ...options, partial: true }))).toMatchObject({ imported: 0, updated: 0, unchanged: 4, rejected: 1 });
    // The same rows broken by a round through Windows-1252: repaired, they are the same rows.
    const broken = ok(await upload(withMojibake(file), 'no-id.csv', { ...options, partial: true }));
    expect(broken).toMatchObject({ imported: 0, updated: 0, unchanged: 4, rejected: 1 });
    expect(broken.warnings).toEqual([
      { row: 4, column: 'Location Description', message: expect.stringContaining('"Darién Gap, in river near "Loma de la Muerte", Panamá"') },
      { row: 4, column: 'Information Source', message: expect.stringContaining('"Radio Televisión Martí, El Diario de Cuba"') },
    ]);
    const count = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports WHERE import_key LIKE 'row-sha256:%'`));
    expect(count.n).toBe(4);
  });
});

describe('an XLSX file with date cells', () => {
  test('real date cells and text dates are both read, each shape counted', async () => {
    const result = ok(await upload(fixture('mmp-2022.xlsx'), 'mmp-2022.xlsx', { format: 'missing-migrants' }));
    expect(result).toMatchObject({ encoding: 'xlsx', imported: 4, rejected: 0 });
    expect(result.dates).toEqual([
      { column: 'Incident Date', format: 'YYYY-MM-DD', rows: 3 },
      { column: 'Incident Date', format: 'Month D, YYYY', rows: 1 },
    ]);
    expect(await report('missing-migrants', '2019.MMP52673')).toMatchObject({ occurred_from: '2019-12-30', rescued: 11, source_region: 'Mediterranean', source_quality: '1/5' });
    expect(await report('missing-migrants', '2019.MMP51732')).toMatchObject({ occurred_from: '2019-04-23', place: 'Darién Gap, in river near "Loma de la Muerte", Panamá' });
    // Females 2 and children 2: sex or age unknown for all, the children among the females.
    expect(await report('missing-migrants', '2019.MMP52384')).toMatchObject({ occurred_from: '2019-04-26', unknown_sex_or_age: 2, people_total: 2, country: 'NER' });
    expect(ok(await upload(fixture('mmp-2022.xlsx'), 'mmp-2022.xlsx', { format: 'missing-migrants' }))).toMatchObject({ imported: 0, unchanged: 4 });
  });
});

describe('the header', () => {
  test('a file without what every layout needs is refused at its header, naming each column; nothing is written', async () => {
    const before = await fingerprint(t.db);
    const file = Buffer.from('Incident ID,Region,Number of Survivors,Latitude\nX-1,Europe,2,45.1\n');
    expect(refused(await upload(file, 'h.csv', { format: 'missing-migrants' }))).toEqual([
      { pointer: '/rows/1/Incident Date', detail: 'the column "Incident Date" (or "Reported Date") is missing' },
      { pointer: '/rows/1/Number Dead', detail: 'the column "Number Dead" (or "Number of Dead") is missing' },
      { pointer: '/rows/1/Minimum Estimated Number of Missing', detail: 'the column "Minimum Estimated Number of Missing" is missing' },
      { pointer: '/rows/1/Longitude', detail: 'the column "Longitude" is missing: "Latitude" is half of a point' },
    ]);
    const noPoint = Buffer.from('Reported Date,Number Dead,Minimum Estimated Number of Missing\n1-Sep-20,1,0\n');
    expect(refused(await upload(noPoint, 'h.csv', { format: 'missing-migrants' }))).toEqual([
      { pointer: '/rows/1/Location Coordinates', detail: 'the column "Location Coordinates" (or "Coordinates", or "Latitude" and "Longitude") is missing' },
    ]);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('dates written with numbers only', () => {
  const header = 'Web ID,Reported Date,Number Dead,Minimum Estimated Number of Missing,Location Coordinates\n';
  const file = Buffer.from(`${header}D-1,01/09/2020,1,0,"38.777228612085, 42.739257582031"\n`);

  test('are refused without the day/month order, and read with it', async () => {
    const without = ok(await upload(file, 'd.csv', { format: 'missing-migrants', dryRun: true }));
    expect(without.errors).toEqual([{ row: 2, column: 'Reported Date', message: expect.stringMatching(/day or the month comes first/), value: '01/09/2020' }]);
    const monthFirst = ok(await upload(file, 'd.csv', { format: 'missing-migrants', dateOrder: 'month-first', dryRun: true }));
    expect(monthFirst).toMatchObject({ imported: 1, dates: [{ column: 'Reported Date', format: 'MM/DD/YYYY', rows: 1 }] });
    ok(await upload(file, 'd.csv', { format: 'missing-migrants', dateOrder: 'day-first' }));
    expect(await report('missing-migrants', 'D-1')).toMatchObject({ occurred_from: '2020-09-01', country: 'TUR' });
  });

  test('an unknown order is a 400 on the option', async () => {
    expect(refused(await upload(file, 'd.csv', { format: 'missing-migrants', dateOrder: 'year-first' }))).toEqual([
      expect.objectContaining({ pointer: '/options/dateOrder' }),
    ]);
  });
});

describe('the Lintas template reads the same', () => {
  test('dates in every shape, reported by column; NULL, N/A and "-" empty; mojibake repaired; the source fields', async () => {
    const header = 'external_id,incident_type,country,date_from,date_to,place,dead,rescued,source,source_region,source_quality\n';
    const rows = [
      'T-1,smuggling-sea,IDN,1-Sep-20,NULL,N/A,2,-,Patrol,Timor Sea,B',
      'T-2,smuggling-sea,IDN,"September 01, 2020",03/09/2020,Kupang,0,1,Patrol,NULL,n/a',
      'T-3,smuggling-land,THA,2020-09-01,,Mae Sot,NULL,4,Patrol,,',
      `T-4,smuggling-sea,IDN,02/09/2020,,${withMojibake(Buffer.from('Pulau Rote – Nusa Tenggara Timur')).toString('utf8')},1,0,,,`,
    ];
    const result = ok(await upload(Buffer.from(header + rows.join('\n')), 't.csv', { format: 'lintas', dateOrder: 'day-first' }));
    expect(result).toMatchObject({ imported: 4, rejected: 0 });
    expect(result.dates).toEqual([
      { column: 'date_from', format: 'D-Mon-YY', rows: 1 },
      { column: 'date_from', format: 'Month D, YYYY', rows: 1 },
      { column: 'date_from', format: 'YYYY-MM-DD', rows: 1 },
      { column: 'date_from', format: 'DD/MM/YYYY', rows: 1 },
      { column: 'date_to', format: 'DD/MM/YYYY', rows: 1 },
    ]);
    expect(result.warnings).toEqual([{ row: 5, column: 'place', message: expect.stringContaining('"Pulau Rote – Nusa Tenggara Timur"') }]);
    expect(await report('lintas', 'T-1')).toMatchObject({ occurred_from: '2020-09-01', occurred_to: null, place: null, dead: 2, rescued: 0, source_region: 'Timor Sea', source_quality: 'B' });
    expect(await report('lintas', 'T-2')).toMatchObject({ occurred_from: '2020-09-01', occurred_to: '2020-09-03', source_region: null, source_quality: null });
    expect(await report('lintas', 'T-3')).toMatchObject({ dead: 0, rescued: 4 });
    expect(await report('lintas', 'T-4')).toMatchObject({ occurred_from: '2020-09-02', place: 'Pulau Rote – Nusa Tenggara Timur' });
  });
});
