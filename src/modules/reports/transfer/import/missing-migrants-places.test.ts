import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../../test/support/app.js';
import { fingerprint } from '../../../../../test/support/db.js';
import { sql } from '../../../../platform/db/sql.js';
import type { MappedRow } from './format.js';
import { missingMigrants } from './missing-migrants.js';
import type { ImportResult } from './schemas.js';
import { multipart } from '../../../../../test/support/multipart.js';

/**
 * Places of the IOM Missing Migrants Project file (cite as "IOM Missing Migrants Project"): eight real
 * rows of the 2019 export (test/fixtures/reports/missing-migrants-places.csv) at Ceuta, Melilla and
 * Lampedusa, far at sea in the Bay of Bengal and the central Mediterranean, one whose latitude and
 * longitude are swapped (Atbara, Sudan, given as a point in the sea south of Greece) and one on the
 * Río Bravo whose words name Mexico while the point is on the United States' bank.
 */

const FIXTURE = readFileSync(new URL('../../../../../test/fixtures/reports/missing-migrants-places.csv', import.meta.url));
const SHARING = { audience: { kind: 'all' }, tlp: 'GREEN' } as const;

let t: TestContext;
let officer: TestSession;
let analyst: TestSession;

function importBody(options: Record<string, unknown>, file: Buffer): Pick<InjectOptions, 'payload' | 'headers'> {
  return multipart([{ name: 'options', value: JSON.stringify(options) }, { name: 'file', value: file, filename: 'mmp.csv', type: 'text/csv' }]);
}

const importFile = (file: Buffer, options: Record<string, unknown> = {}): Promise<LightMyRequestResponse> =>
  t.as(officer, { method: 'POST', url: '/api/v1/reports/import', ...importBody({ format: 'missing-migrants', sharing: SHARING, ...options }, file) });

interface StoredPlace {
  country: string | null;
  place_kind: string | null;
  sea_area: string | null;
  source_region: string | null;
  named_country: string | null;
}
const stored = (key: string) =>
  t.db.ownerTransaction((tx) =>
    tx.maybeOne<StoredPlace>(sql`SELECT country, place_kind, sea_area, source_region, named_country FROM reports
      WHERE owner = 'AAA' AND import_source = 'missing-migrants' AND import_key = ${key}`),
  );

const rows = (): Record<string, string>[] => parse(FIXTURE, { columns: true, bom: true }) as Record<string, string>[];
const mapped = (key: string): MappedRow => {
  const row = rows().find((cells) => cells['Web ID'] === key);
  if (!row) throw new Error(`no row ${key} in the fixture`);
  return missingMigrants.mapRow(row, { sharing: SHARING });
};

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  analyst = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
});
afterAll(() => t.close());

describe('the places of Missing Migrants rows', () => {
  test('every row imports: enclaves keep their country, points far at sea keep their source\'s region and no country', async () => {
    const response = await importFile(FIXTURE);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<ImportResult>()).toMatchObject({ rows: 8, imported: 8, rejected: 0, errors: [] });

    const onLand = { place_kind: null, sea_area: null, source_region: 'Mediterranean', named_country: null };
    expect(await stored('51984')).toEqual({ country: 'ESP', ...onLand }); // Port of Ceuta, Spain (Morocco at 1:50m)
    expect(await stored('52666')).toEqual({ country: 'ESP', ...onLand }); // Calamocarro beach, Ceuta
    expect(await stored('52602')).toEqual({ country: 'ESP', ...onLand }); // Port of Melilla, Spain
    expect(await stored('52625')).toEqual({ country: 'ITA', ...onLand }); // Isola dei Conigli, Lampedusa (Tunisia at 1:50m)
    // Far at sea: no country, at sea, the source's region; "off the coast of Libya" keeps Libya as the named country.
    expect(await stored('40563')).toEqual({ country: null, place_kind: 'at-sea', sea_area: null, source_region: 'Southeast Asia', named_country: null });
    expect(await stored('31089')).toEqual({ country: null, place_kind: 'at-sea', sea_area: null, source_region: 'Mediterranean', named_country: 'LBY' });
    // Disagreements: the point's country is kept, the named one beside it.
    expect(await stored('44173')).toEqual({ country: null, place_kind: 'at-sea', sea_area: null, source_region: 'North Africa', named_country: 'SDN' });
    expect(await stored('52529')).toEqual({ country: 'USA', place_kind: null, sea_area: null, source_region: 'US-Mexico Border', named_country: 'MEX' });

    // Analysts find the disagreements by the named country.
    const list = await t.as(officer, { method: 'GET', url: '/api/v1/reports?namedCountry=MEX' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json<{ data: { where: Record<string, unknown> }[] }>().data.map((item) => item.where)).toEqual([
      expect.objectContaining({ country: 'USA', namedCountry: 'MEX', place: 'Río Bravo, near Guardados de Arriba, Ciudad Miguel Alemán, Tamaulipas, Mexico' }),
    ]);

    // The report reads back with its place as stored.
    const id = await t.db.ownerTransaction((tx) => tx.one<{ id: string }>(sql`SELECT id FROM reports WHERE import_key = '31089'`));
    const read = await t.as(officer, { method: 'GET', url: `/api/v1/reports/${id.id}` });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json<{ data: { where: Record<string, unknown> } }>().data.where).toEqual({
      place: 'Unspecified location off the coast of Libya', latitude: 34.8505039, longitude: 17.5484844, kind: 'at-sea', sourceRegion: 'Mediterranean', namedCountry: 'LBY',
    });
  });

  test('a disagreement between the point and the words is a warning on the row, not a guess', () => {
    expect(mapped('51984')).not.toHaveProperty('warnings');
    expect(mapped('31089')).not.toHaveProperty('warnings'); // far at sea "off the coast of Libya": no country to disagree with
    expect(mapped('52529')).toMatchObject({
      warnings: [{ column: 'Location Description', message: expect.stringMatching(/names Mexico \(MEX\), but the point lies in United States of America \(USA\); the report keeps USA/) }],
    });
    expect(mapped('44173')).toMatchObject({
      warnings: [{ column: 'Location Coordinates', message: expect.stringMatching(/swapped it would be in Sudan \(SDN\)/) }],
    });
  });

  test('a point far at sea with no region to name its sea area is refused, and nothing is written', async () => {
    const [header = '', , , , , , far = ''] = FIXTURE.toString('utf8').split('\n');
    const noRegion = Buffer.from(`${header}\n${far.replace('"Mediterranean"', '""').replace('"31089"', '"31089-b"')}\n`);
    const before = await fingerprint(t.db);
    const response = await importFile(noRegion);
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json<{ errors: { pointer: string; detail: string }[] }>().errors).toEqual([
      { pointer: '/rows/2/Location Coordinates', detail: expect.stringMatching(/more than 250 km from any country and the row has no Region of Incident/) },
    ]);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('a place without a country, through the API', () => {
  const report = (where: Record<string, unknown>) => ({ incidentType: 'death-or-disappearance', where, sharing: SHARING });

  test('a place on land needs its country; one at sea without a country needs its sea area', async () => {
    for (const [where, pointer] of [
      [{ place: 'Somewhere inland' }, '/where/country'],
      [{ kind: 'seaport', latitude: 35.89, longitude: -5.32 }, '/where/country'],
      [{ kind: 'at-sea', latitude: 34.0, longitude: 17.7 }, '/where/seaArea'],
    ] as const) {
      const before = await fingerprint(t.db);
      const response = await t.as(officer, { method: 'POST', url: '/api/v1/reports', payload: report(where) });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual([pointer]);
      expect(await fingerprint(t.db)).toEqual(before);
    }
    const created = await t.as(officer, { method: 'POST', url: '/api/v1/reports', payload: report({ kind: 'at-sea', seaArea: 'Timor Sea', latitude: -11.5, longitude: 127.0 }) });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json<{ data: { where: unknown } }>().data.where).toEqual({ kind: 'at-sea', seaArea: 'Timor Sea', latitude: -11.5, longitude: 127.0 });
  });
});

describe('analysis of places at sea', () => {
  interface Analysis {
    totals: { reports: number; dead: number };
    series: { byKey: { key: string; reports: number; dead: number }[] };
  }
  const analysis = async (query: string): Promise<Analysis> => {
    const response = await t.as(analyst, { method: 'GET', url: `/api/v1/reports/analysis?interval=year&${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Analysis>();
  };
  const keys = (result: Analysis) => Object.fromEntries(result.series.byKey.map((cell) => [cell.key, cell.reports]));

  test('counts by country leave out reports far at sea; counts by sea area and by route include them', async () => {
    // The imported rows and the Timor Sea report, shared (the workflow's own tests cover approval).
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE reports SET status = 'shared', submitted_at = now() WHERE owner = 'AAA'`));

    const byCountry = await analysis('split=country');
    expect(byCountry.totals.reports).toBe(9);
    expect(keys(byCountry)).toEqual({ ESP: 3, ITA: 1, USA: 1 });

    const bySea = await analysis('split=seaArea');
    expect(bySea.totals.reports).toBe(9);
    // Only the reports at sea: the Timor Sea report by its own sea area, the MMP rows by their source's region.
    expect(keys(bySea)).toEqual({ 'Timor Sea': 1, 'Southeast Asia': 1, Mediterranean: 1, 'North Africa': 1 });

    const byRoute = await analysis('split=route');
    expect(byRoute.series.byKey.reduce((total, cell) => total + cell.reports, 0)).toBe(9);

    const filtered = await analysis('split=incidentType&seaArea=Mediterranean');
    expect(filtered.totals.reports).toBe(1);
  });
});
