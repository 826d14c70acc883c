import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { extractText } from '../../platform/files/extract-text.js';
import type { AudienceKind } from '../../platform/sharing/model.js';
import { protectSums, type RawCell } from './analysis.js';
import type { ReportInput } from './schemas.js';
import { insertReport } from './store.js';

/**
 * Regional analysis: small-cell suppression (DESIGN.md §3, rule 6) over the viewer's population —
 * what it may see plus the reports that count in regional aggregates — and reciprocity (rule 7).
 *
 * Reports, all shared, on 2024-03-10 (AAA owns them unless said otherwise):
 *   smuggling-sea      3  owner only, regional        IDN>AUS, fee 1000–3000
 *   smuggling-land     5  owner only, regional        MMR>THA, fee 100–500
 *   document-fraud     2  all members, not regional
 *   irregular-entry    4  owner only, not regional     (hidden from others: must count nowhere for them)
 *   disrupted-attempt  2  all members, not regional + 2 owner only, regional
 *   smuggling-air      1  BBB's, all members (+ one BBB draft, which counts nowhere)
 * DDD has contributed nothing: reciprocity hides every other member's report from it.
 */

interface Cell { suppressed: boolean; reports?: number; people?: number }
interface Analysis {
  k: number;
  totals: Cell;
  series: { cells: (Cell & { period: string; key: string })[]; byKey: (Cell & { key: string })[] };
  flows: { top: (Cell & { from: string; to: string })[]; suppressedCells: number };
  map: { cells: (Cell & { latitude: number; longitude: number })[]; suppressedCells: number };
  fees: { route: string; year: string; currency: string; suppressed: boolean; reports?: number; median?: number; min?: number; max?: number }[];
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

describe('small-cell suppression', () => {
  test('cells with hidden regional reports below k are suppressed with no numbers; at k they are shown; visible-only cells never', async () => {
    const result = await analysis(bbb, '?split=incidentType&interval=year');
    expect(result.k).toBe(5);
    expect(byKey(result, 'smuggling-sea')).toEqual({ key: 'smuggling-sea', suppressed: true });
    expect(byKey(result, 'smuggling-land')).toMatchObject({ suppressed: false, reports: 5, people: 15 });
    // 2 visible + 2 hidden regional: 4 reports, some hidden.
    expect(byKey(result, 'disrupted-attempt')).toEqual({ key: 'disrupted-attempt', suppressed: true });
    // Visible only, below k: never suppressed.
    expect(byKey(result, 'document-fraud')).toMatchObject({ suppressed: false, reports: 2 });
    expect(byKey(result, 'smuggling-air')).toMatchObject({ suppressed: false, reports: 1 });
    // Non-regional reports BBB may not see count nowhere; nor does BBB's draft.
    expect(byKey(result, 'irregular-entry')).toBeUndefined();
    expect(result.totals).toMatchObject({ suppressed: false, reports: 3 + 5 + 2 + 4 + 1 });
    const cell = result.series.cells.find((c) => c.key === 'smuggling-sea');
    expect(cell).toEqual({ period: '2024', key: 'smuggling-sea', suppressed: true });
  });

  test('secondary suppression: a lone suppressed cell takes the smallest other cell with hidden reports with it', async () => {
    const result = await analysis(bbb, '?incidentType=smuggling-sea&incidentType=smuggling-land&incidentType=document-fraud');
    expect(result.totals).toMatchObject({ suppressed: false, reports: 10 });
    expect(byKey(result, 'smuggling-sea')?.suppressed).toBe(true);
    // 5 reports would be shown alone, but total − land − fraud would give sea back.
    expect(byKey(result, 'smuggling-land')).toEqual({ key: 'smuggling-land', suppressed: true });
    // Visible-only cells reveal nothing hidden and stay.
    expect(byKey(result, 'document-fraud')).toMatchObject({ suppressed: false, reports: 2 });
  });

  test('protectSums leaves a set with no or several suppressed cells alone', () => {
    const cell = (reports: number, hidden: number, suppressed: boolean): RawCell => ({
      keys: [String(reports)], hidden, suppressed, fee: null,
      figures: { reports, people: 0, adultMen: 0, adultWomen: 0, boys: 0, girls: 0, unknownSexOrAge: 0, unaccompaniedChildren: 0, intercepted: 0, rescued: 0, dead: 0, missing: 0, returned: 0, claimedAsylum: 0, arrests: 0, convictions: 0 },
    });
    const two = [cell(2, 2, true), cell(3, 1, true), cell(9, 9, false)];
    expect(protectSums([two])).toEqual([]);
    const one = [cell(2, 2, true), cell(7, 0, false), cell(9, 9, false), cell(8, 8, false)];
    expect(protectSums([one]).map((c) => c.figures.reports)).toEqual([8]);
  });

  test('a viewer that sees every report sees no suppression', async () => {
    const result = await analysis(aaa, '?split=incidentType');
    expect(result.series.byKey.every((cell) => !cell.suppressed)).toBe(true);
    expect(byKey(result, 'smuggling-sea')).toMatchObject({ reports: 3 });
    expect(byKey(result, 'irregular-entry')).toMatchObject({ reports: 4 });
    expect(result.totals).toMatchObject({ reports: 3 + 5 + 2 + 4 + 4 + 1 });
    expect(result.fees.every((fee) => !fee.suppressed)).toBe(true);
    expect(result.map.suppressedCells).toBe(0);
  });

  test('flows, map cells and fees obey the same rule; fee medians of small hidden cells are not shown', async () => {
    const result = await analysis(bbb, '?zoom=4');
    expect(result.flows.top.map((flow) => [flow.from, flow.to, flow.reports])).toEqual([['MMR', 'THA', 5]]);
    expect(result.flows.suppressedCells).toBe(1);
    const land = result.fees.find((fee) => fee.route === 'MMR>THA');
    expect(land).toMatchObject({ year: '2024', currency: 'USD', suppressed: false, reports: 5, median: 300, min: 100, max: 500 });
    expect(result.fees.find((fee) => fee.route === 'IDN>AUS')).toEqual({ route: 'IDN>AUS', year: '2024', currency: 'USD', suppressed: true });
    expect(result.map.cells).toHaveLength(1);
    expect(result.map.cells[0]).toMatchObject({ reports: 5, latitude: 16.5, longitude: 100.5 });
    expect(result.map.suppressedCells).toBe(1);
  });

  test('filters apply to hidden reports too', async () => {
    const result = await analysis(bbb, '?route=MMR%3ETHA&split=route');
    expect(result.totals).toMatchObject({ reports: 5 });
    const none = await analysis(bbb, '?from=2025-01-01');
    expect(none.totals).toMatchObject({ suppressed: false, reports: 0 });
    expect(none.series.byKey).toEqual([]);
  });
});

describe('reciprocity and the population', () => {
  test('a member that has contributed nothing sees no report rows but gets the regional aggregates', async () => {
    const rows = await t.db.transaction({ member: 'DDD' }, (tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports`));
    expect(rows.n).toBe(0);
    const result = await analysis(ddd, '?split=incidentType');
    // Only the regional reports count for it (3 + 5 + 2), all hidden.
    expect(result.totals).toMatchObject({ suppressed: false, reports: 10 });
    expect(byKey(result, 'smuggling-land')).toMatchObject({ reports: 5 });
    expect(byKey(result, 'smuggling-sea')?.suppressed).toBe(true);
    expect(byKey(result, 'document-fraud')).toBeUndefined();
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

  test('one audit row per analysis request, with the criteria and no record ids', async () => {
    const before = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'reports.analyse'`));
    await analysis(bbb, '?country=THA&split=member');
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string; details: { criteria: Record<string, unknown>; records?: unknown } }>(
        sql`SELECT member, details FROM audit_log WHERE action = 'reports.analyse' ORDER BY seq DESC`,
      ),
    );
    expect(rows.length).toBe(before.n + 1);
    expect(rows[0]).toMatchObject({ member: 'BBB', details: { criteria: { country: ['THA'], split: 'member' } } });
    expect(rows[0]?.details.records).toBeUndefined();
  });

  test('bad filters are 400', async () => {
    const response = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/analysis?split=narrative' });
    expect(response.statusCode).toBe(400);
  });
});

describe('regional summary', () => {
  test('suppresses with k = 11, names the contributing members, and the PDF carries the key figures', async () => {
    const response = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/summary?from=2024-01-01&to=2024-12-31' });
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json<{ k: number; keyFigures: Cell; byIncidentType: (Cell & { key: string })[]; contributors: { code: string }[]; topRoutes: unknown[] }>();
    expect(summary.k).toBe(11);
    expect(summary.keyFigures).toMatchObject({ suppressed: false, reports: 15 });
    // 5 hidden reports: shown on the dashboard, not in something published.
    expect(summary.byIncidentType.find((c) => c.key === 'smuggling-land')).toEqual({ key: 'smuggling-land', suppressed: true });
    expect(summary.topRoutes).toEqual([]);
    expect(summary.contributors.map((m) => m.code)).toEqual(['AAA', 'BBB']);

    const pdf = await t.as(aaa, { method: 'GET', url: '/api/v1/reports/summary.pdf?from=2024-01-01&to=2024-12-31' });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const { kind, text } = await extractText(pdf.rawPayload);
    expect(kind).toBe('pdf');
    expect(text).toContain('Incident reports: 19');
    expect(text).toContain('2024-01-01 to 2024-12-31');
    expect(text).toContain('k = 11');
    expect(text).toMatch(/Member AAA \(AAA\)/);
  });

  test('a period that ends before it starts is 400', async () => {
    const response = await t.as(bbb, { method: 'GET', url: '/api/v1/reports/summary?from=2024-12-31&to=2024-01-01' });
    expect(response.statusCode).toBe(400);
  });
});

describe('the dashboard while reports change', () => {
  test('answers made while other reports are shared are all given, each counting what was shared by then', async () => {
    const before = (await analysis(bbb)).totals.reports ?? 0;
    // Dashboard requests and newly shared reports interleaved: each request catches the analysis
    // store up before its transaction, while other requests are running on it.
    const sharing = Array.from({ length: 6 }, (_, i) => reports('BBB', 1, () => input('smuggling-air', 'all', { regional: false, people: i + 1 })));
    const answers = await Promise.all([...Array.from({ length: 12 }, () => t.as(bbb, { method: 'GET', url: '/api/v1/reports/analysis' })), ...sharing]);
    const totals: number[] = [];
    for (const response of answers.slice(0, 12)) {
      if (!response) continue;
      expect(response.statusCode, response.body).toBe(200);
      totals.push(response.json<Analysis>().totals.reports ?? -1);
    }
    for (const total of totals) expect(total).toBeGreaterThanOrEqual(before);
    for (const total of totals) expect(total).toBeLessThanOrEqual(before + 6);
    expect((await analysis(bbb)).totals.reports).toBe(before + 6);
  });
});
