import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { sql } from '../../../platform/db/sql.js';
import type { AudienceKind } from '../../../platform/sharing/model.js';
import type { ReportInput } from '../schemas.js';
import { insertReport } from '../records/store.js';

/**
 * The dashboard's exact layer (DESIGN.md §3, rule 6): figures over the reports the viewer may see,
 * exact under any filter, and nothing of the reports it may not see, so no two answers can be
 * differenced into a hidden report (those reach it only through the regional release, release/).
 * Reciprocity (rule 7) applies.
 *
 * Reports, all shared, on 2024-03-10 (AAA owns them unless said otherwise):
 *   smuggling-sea      3  owner only, regional        IDN>AUS, fee 1000–3000
 *   smuggling-land     5  owner only, regional        MMR>THA, fee 100–500
 *   document-fraud     2  all members, not regional
 *   irregular-entry    4  owner only, not regional
 *   disrupted-attempt  2  all members, not regional + 2 owner only, regional
 *   smuggling-air      1  BBB's, all members (+ one BBB draft, which counts nowhere)
 * DDD has contributed nothing: reciprocity hides every other member's report from it.
 */

type Cell = { reports: number; people: number };
interface Analysis {
  totals: Cell;
  series: { cells: (Cell & { period: string; key: string })[]; byKey: (Cell & { key: string })[] };
  flows: { top: (Cell & { from: string; to: string })[] };
  map: { cells: (Cell & { latitude: number; longitude: number })[] };
  fees: { route: string; year: string; currency: string; reports: number; median: number; min: number; max: number }[];
}

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let ddd: TestSession;

function input(type: ReportInput['incidentType'], audience: AudienceKind, options: { regional: boolean; route?: [string, string]; fee?: number; people?: number; lat?: number }): ReportInput {
  return {
    incidentType: type,
    when: { from: '2024-03-10' },
    where: { country: options.route?.[1] ?? 'THA', ...(options.lat === undefined ? {} : { latitude: options.lat, longitude: 100.5 }) },
    ...(options.route ? { route: [{ from: options.route[0], to: options.route[1], mode: 'boat' as const }] } : {}),
    people: [{ citizenship: 'MMR', adultMen: options.people ?? 2, girls: 1 }],
    ...(options.fee === undefined ? {} : { fee: { amount: options.fee, currency: 'USD', basis: 'per-person' as const } }),
    countsInRegional: options.regional,
    sharing: { audience: { kind: audience }, tlp: 'AMBER' },
  };
}

async function reports(owner: string, count: number, make: (index: number) => ReportInput, status: 'shared' | 'draft' = 'shared'): Promise<void> {
  await t.db.ownerTransaction(async (tx) => {
    for (let index = 0; index < count; index++) {
      const id = await insertReport(tx, owner, null, make(index), { status });
      if (status === 'shared') await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
    }
  });
}

async function analysis(who: TestSession, query = ''): Promise<Analysis> {
  const response = await t.as(who, { method: 'GET', url: `/api/v1/reports/analysis${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Analysis>();
}

const byKey = (result: Analysis, key: string) => result.series.byKey.find((cell) => cell.key === key);

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'DDD']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  ddd = await t.sessionFor(await t.makeUser('DDD', ['analyst']));
  await reports('AAA', 3, (i) => input('smuggling-sea', 'owner', { regional: true, route: ['IDN', 'AUS'], fee: 1000 * (i + 1), lat: -10.2 }));
  await reports('AAA', 5, (i) => input('smuggling-land', 'owner', { regional: true, route: ['MMR', 'THA'], fee: 100 * (i + 1), lat: 16.7 }));
  await reports('AAA', 2, () => input('document-fraud', 'all', { regional: false }));
  await reports('AAA', 4, () => input('irregular-entry', 'owner', { regional: false, route: ['KHM', 'THA'] }));
  await reports('AAA', 2, () => input('disrupted-attempt', 'all', { regional: false }));
  await reports('AAA', 2, () => input('disrupted-attempt', 'owner', { regional: true }));
  await reports('BBB', 1, () => input('smuggling-air', 'all', { regional: false }));
  await reports('BBB', 1, () => input('smuggling-air', 'all', { regional: true }), 'draft');
});
afterAll(() => t.close());

describe('the exact layer', () => {
  test('a viewer gets exact figures of what it may see, and nothing of what it may not', async () => {
    const result = await analysis(bbb, '?split=incidentType&interval=year');
    expect(result).not.toHaveProperty('k');
    expect(byKey(result, 'document-fraud')).toMatchObject({ reports: 2 });
    expect(byKey(result, 'disrupted-attempt')).toMatchObject({ reports: 2 });
    expect(byKey(result, 'smuggling-air')).toMatchObject({ reports: 1 });
    // AAA's owner-only reports, regional or not, count nowhere for BBB; nor does BBB's draft.
    for (const hidden of ['smuggling-sea', 'smuggling-land', 'irregular-entry']) expect(byKey(result, hidden), hidden).toBeUndefined();
    expect(result.totals).toMatchObject({ reports: 5 });
    expect(result.flows.top).toEqual([]);
    expect(result.fees).toEqual([]);
    expect(JSON.stringify(result)).not.toMatch(/suppress/);
  });

  test('a member that sees every report gets exact figures everywhere', async () => {
    const result = await analysis(aaa, '?split=incidentType&zoom=4');
    expect(byKey(result, 'smuggling-sea')).toMatchObject({ reports: 3 });
    expect(byKey(result, 'irregular-entry')).toMatchObject({ reports: 4 });
    expect(result.totals).toMatchObject({ reports: 3 + 5 + 2 + 4 + 4 + 1 });
    expect(result.flows.top.map((flow) => [flow.from, flow.to, flow.reports])).toEqual([['MMR', 'THA', 5], ['KHM', 'THA', 4], ['IDN', 'AUS', 3]]);
    expect(result.fees.find((fee) => fee.route === 'MMR>THA')).toMatchObject({ year: '2024', currency: 'USD', reports: 5, median: 300, min: 100, max: 500 });
    expect(result.fees.find((fee) => fee.route === 'IDN>AUS')).toMatchObject({ reports: 3, median: 2000, min: 1000, max: 3000 });
    expect(result.map.cells.map((c) => c.reports).sort()).toEqual([3, 5]);
  });

  test('a hidden report changes no answer: differencing by member, by date window and by split, and padding, give nothing', async () => {
    const queries = [
      '', '?member=AAA', '?member=AAA&member=BBB', '?member=CCC', '?split=member', '?split=route&interval=month', '?split=citizenship',
      '?from=2024-03-10&to=2024-03-10', '?from=2024-03-10&to=2024-03-09', '?from=2024-03-11', '?route=IDN%3EAUS', '?country=AUS&zoom=6',
      '?incidentType=smuggling-sea', '?origin=IDN&destination=AUS',
    ];
    const answers = async () => Promise.all(queries.map(async (query) => (await t.as(bbb, { method: 'GET', url: `/api/v1/reports/analysis${query}` })).body));
    const before = await answers();
    // CCC shares one owner-only, regional report of the same day, route and fee as BBB's own.
    await t.makeMember('CCC');
    await reports('CCC', 1, () => ({ ...input('smuggling-sea', 'owner', { regional: true, route: ['IDN', 'AUS'], fee: 700, people: 9, lat: -10.2 }) }));
    expect(await answers()).toEqual(before);
    // Padding: BBB adds four reports of its own to that cell; the cell counts exactly its four.
    await reports('BBB', 4, () => input('smuggling-sea', 'owner', { regional: true, route: ['IDN', 'AUS'], fee: 700, people: 1, lat: -10.2 }));
    const padded = await analysis(bbb, '?incidentType=smuggling-sea&split=route');
    expect(padded.totals).toMatchObject({ reports: 4, people: 4 * 2 });
    expect(padded.fees).toEqual([expect.objectContaining({ route: 'IDN>AUS', reports: 4, median: 700, max: 700 })]);
  });
});

describe('reciprocity and the population', () => {
  test('a member that has contributed nothing sees no report rows and no figures of others', async () => {
    const rows = await t.db.transaction({ member: 'DDD' }, (tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`));
    expect(rows.n).toBe(0);
    const result = await analysis(ddd, '?split=incidentType');
    expect(result.totals).toMatchObject({ reports: 0 });
    expect(result.series.byKey).toEqual([]);
  });

  test('the restated visibility in the analysis functions agrees with row-level security', async () => {
    for (const member of ['AAA', 'BBB', 'DDD']) {
      const [rls, cells] = await t.db.transaction({ member }, async (tx) => [
        await tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports WHERE status = 'shared'`),
        await tx.one<{ n: number }>(sql`SELECT coalesce(sum(reports), 0)::int AS n FROM lintas_report_cells('{"dims":[]}'::jsonb)`),
      ]);
      expect(cells.n, member).toBe(rls.n);
    }
  });

  test('a dimension outside the whitelist is refused, never spliced into SQL', async () => {
    const error = await t.db
      .transaction({ member: 'DDD' }, (tx) => tx.query(sql`SELECT * FROM lintas_report_cells('{"dims":["x; DROP TABLE reports"]}'::jsonb)`))
      .then(() => null, (caught: unknown) => caught);
    expect(String(error)).toMatch(/unknown dimension/);
  });

  test('one audit row per analysis request, with the criteria, naming the owners whose reports it counted', async () => {
    const before = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'reports.analyse'`));
    await analysis(bbb, '?country=THA&split=member');
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string; object_owners: string[]; details: { criteria: Record<string, unknown>; records?: unknown } }>(
        sql`SELECT member, object_owners, details FROM audit_log WHERE action = 'reports.analyse' ORDER BY seq DESC`,
      ),
    );
    expect(rows.length).toBe(before.n + 1);
    expect(rows[0]).toMatchObject({ member: 'BBB', object_owners: ['AAA'], details: { criteria: { country: ['THA'], split: 'member' } } });
    expect(rows[0]?.details.records).toBeUndefined();
    // Reports it cannot see are not read, so their owners are not named.
    await analysis(bbb, '?incidentType=smuggling-sea');
    const second = await t.db.ownerTransaction((tx) => tx.one<{ object_owners: string[] }>(sql`SELECT object_owners FROM audit_log WHERE action = 'reports.analyse' ORDER BY seq DESC LIMIT 1`));
    expect(second.object_owners).toEqual([]);
  });

  test('bad filters are 400', async () => {
    const response = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/analysis?split=narrative' });
    expect(response.statusCode).toBe(400);
  });

  test('a route of the wrong shape is told the shape expected, with its pointer, next to the other bad fields', async () => {
    const response = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/analysis?route=IDN%3EAUS&route=mmr-tha&zoom=12' });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const errors = response.json<{ errors: { pointer: string; detail: string; in: string }[] }>().errors;
    expect(errors).toContainEqual({ pointer: '/route/1', in: 'query', detail: "must be a route: two ISO 3166-1 alpha-3 country codes in capitals joined by '>', such as MMR>THA" });
    expect(errors.find((error) => error.pointer === '/zoom')?.detail).toBe('must be 8 or less');
    expect(errors.some((error) => error.pointer === '/route/0')).toBe(false);
  });
});

describe('the dashboard while reports change', () => {
  test('answers made while other reports are shared are all given, each counting what was shared by then', async () => {
    const before = (await analysis(bbb)).totals.reports;
    // Dashboard requests and newly shared reports interleaved: each request catches the analysis
    // store up before its transaction, while other requests are running on it.
    const sharing = Array.from({ length: 6 }, (_, i) => reports('BBB', 1, () => input('smuggling-air', 'all', { regional: false, people: i + 1 })));
    const answers = await Promise.all([...Array.from({ length: 12 }, () => t.as(bbb, { method: 'GET', url: '/api/v1/reports/analysis' })), ...sharing]);
    const totals: number[] = [];
    for (const response of answers.slice(0, 12)) {
      if (!response) continue;
      expect(response.statusCode, response.body).toBe(200);
      totals.push(response.json<Analysis>().totals.reports);
    }
    for (const total of totals) expect(total).toBeGreaterThanOrEqual(before);
    for (const total of totals) expect(total).toBeLessThanOrEqual(before + 6);
    expect((await analysis(bbb)).totals.reports).toBe(before + 6);
  });
});
