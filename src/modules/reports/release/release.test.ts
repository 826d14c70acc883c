import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { sql } from '../../../platform/db/sql.js';
import { extractText } from '../../../platform/files/extract-text.js';
import type { ReportInput } from '../schemas.js';
import { insertReport } from '../records/store.js';
import { makeRelease, releaseDue } from './job.js';

/**
 * The regional release over the API, as a hostile member would probe it: the same cells for every
 * viewer; cells below the thresholds absent exactly like cells with no reports; padding with one's
 * own reports, alone or with a second member, never shows a hidden report's figures exactly; the
 * release changes only when its records do; owners are named in the audit trail and see which of
 * their records entered; the summary and its PDF read the release's published cells only.
 */

let t: TestContext;
let viewer: TestSession;
let owner: TestSession;
let partner: TestSession;

/** The release covers the periods that closed before this moment's month: all of 2024. */
const NOW = new Date('2025-02-10T00:00:00Z');

function input(type: ReportInput['incidentType'], options: { people?: number; day?: string; route?: [string, string]; audience?: 'owner' | 'all'; regional?: boolean } = {}): ReportInput {
  const route = options.route ?? ['IDN', 'AUS'];
  return {
    incidentType: type,
    when: { from: options.day ?? '2024-03-10' },
    where: { country: route[1] },
    route: [{ from: route[0], to: route[1], mode: 'boat' }],
    people: [{ citizenship: 'AFG', adultMen: options.people ?? 3 }],
    countsInRegional: options.regional ?? true,
    sharing: { audience: { kind: options.audience ?? 'owner' }, tlp: 'AMBER' },
  };
}

async function share(member: string, count: number, make: (index: number) => ReportInput): Promise<string[]> {
  return t.db.ownerTransaction(async (tx) => {
    const ids: string[] = [];
    for (let index = 0; index < count; index++) {
      const id = await insertReport(tx, member, null, make(index), { status: 'shared' });
      await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
      ids.push(id);
    }
    return ids;
  });
}

interface Cell { period: string; keys: string[]; reports: number; people?: number; feeMean?: number }
interface Cells { release: { id: string; cutoff: string } | null; k: number; cells: Cell[] }

async function table(who: TestSession, query: string): Promise<Cells> {
  const response = await t.as(who, { method: 'GET', url: `/api/v1/reports/release/cells?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<Cells>();
}

/** How many rectangles the PDF's pages draw and fill (pdfjs's operator list): the bars of its charts. */
async function filledRectangles(content: Buffer): Promise<number> {
  const { getDocument, OPS } = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await getDocument({ data: new Uint8Array(content), isEvalSupported: false, useSystemFonts: false, verbosity: 0 }).promise;
  let count = 0;
  for (let number = 1; number <= pdf.numPages; number++) {
    const { fnArray, argsArray } = await (await pdf.getPage(number)).getOperatorList();
    fnArray.forEach((fn, index) => {
      // pdfjs 4 gives a path as [its operators, their arguments, its bounds]; pdfkit's bars are a rectangle, its colour, then a fill.
      if (fn !== OPS.constructPath) return;
      const [operators] = argsArray[index] as [number[]];
      if (operators.includes(OPS.rectangle) && fnArray.slice(index + 1, index + 3).some((next) => next === OPS.fill || next === OPS.eoFill)) count++;
    });
  }
  await pdf.destroy();
  return count;
}

const cell = (cells: Cells, period: string, ...keys: string[]) => cells.cells.find((c) => c.period === period && c.keys.join('|') === keys.join('|'));

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC', 'DDD', 'EEE']) await t.makeMember(code);
  viewer = await t.sessionFor(await t.makeUser('DDD', ['analyst', 'officer']));
  owner = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
  partner = await t.sessionFor(await t.makeUser('EEE', ['analyst']));
});
afterAll(() => t.close());
beforeEach(async () => {
  await t.db.ownerTransaction((tx) => tx.execScript('DELETE FROM report_releases; DELETE FROM reports'));
});

describe('the regional release', () => {
  test('cells pass only with k reports from 3 owners, none dominant; the rest are absent like empty cells', async () => {
    // smuggling-sea in 2024-03: 2 + 2 + 1 from three owners (passes); smuggling-land: 4 from three owners (too few);
    // document-fraud: 3 + 2 from two owners (too few owners); irregular-entry: 5 + 1 + 1 (two largest hold 86%).
    await share('AAA', 2, () => input('smuggling-sea'));
    await share('BBB', 2, () => input('smuggling-sea'));
    await share('CCC', 1, () => input('smuggling-sea'));
    await share('AAA', 2, () => input('smuggling-land'));
    await share('BBB', 1, () => input('smuggling-land'));
    await share('CCC', 1, () => input('smuggling-land'));
    await share('AAA', 3, () => input('document-fraud'));
    await share('BBB', 2, () => input('document-fraud'));
    await share('AAA', 5, () => input('irregular-entry'));
    await share('BBB', 1, () => input('irregular-entry'));
    await share('CCC', 1, () => input('irregular-entry'));
    await makeRelease(t.db, 'period-closed', { now: NOW });
    const types = await table(viewer, 'table=incidentType&interval=month');
    expect(types.k).toBe(5);
    expect(types.cells.map((c) => c.keys[0])).toEqual(['smuggling-sea']);
    const sea = cell(types, '2024-03', 'smuggling-sea');
    expect(sea?.reports).toBeGreaterThanOrEqual(5);
    expect(sea?.reports).toBeLessThanOrEqual(7);
    // Nothing in the answer tells a withheld cell from an empty one.
    expect(JSON.stringify(types)).not.toMatch(/suppress|withheld|fewer/);
    // The same for every viewer, the owner of most of the records included.
    expect(await table(owner, 'table=incidentType&interval=month')).toEqual(types);
  });

  test('padding a hidden report’s cell with the viewer’s own reports, alone or with a second member, never gives its figure back exactly', async () => {
    await share('AAA', 6, (i) => input('smuggling-land', { people: 2 + i }));
    await share('BBB', 6, (i) => input('smuggling-land', { people: 3 + i }));
    await share('CCC', 6, (i) => input('smuggling-land', { people: 4 + i }));
    // The hidden report: CCC's only smuggling-sea report of the month, owner-only.
    await share('CCC', 1, () => input('smuggling-sea', { people: 23 }));
    // Alone: the viewer adds four reports of its own (five reports, two owners: absent).
    await share('DDD', 4, () => input('smuggling-sea', { people: 1, audience: 'all' }));
    await makeRelease(t.db, 'period-closed', { now: NOW });
    expect(cell(await table(viewer, 'table=incidentType&interval=month'), '2024-03', 'smuggling-sea')).toBeUndefined();
    // In concert: two of the viewer's and two of a partner's (five reports, three owners, 80%): shown, perturbed.
    await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports WHERE owner = 'DDD'`));
    await share('DDD', 2, () => input('smuggling-sea', { people: 1, audience: 'all' }));
    await share('EEE', 2, () => input('smuggling-sea', { people: 1, audience: 'all' }));
    await makeRelease(t.db, 'scheduled', { now: NOW });
    const padded = cell(await table(viewer, 'table=incidentType&interval=month'), '2024-03', 'smuggling-sea');
    expect(padded).toBeDefined();
    // A sum that is not zero always moves, so the padded cell minus the pads is never the hidden figure.
    // (Differencing across the release's own tables and periods can come out exact by chance, when two
    // cells' noises happen to be equal: disclosure.test.ts measures how often, over random worlds and keys.)
    expect((padded?.people ?? 0) - 4).not.toBe(23);
  });

  test('a release changes only when its records do; the job runs when a month closes and on its schedule, never on request', async () => {
    await share('AAA', 3, () => input('smuggling-sea'));
    await share('BBB', 3, () => input('smuggling-sea'));
    await share('CCC', 3, () => input('smuggling-sea'));
    expect(await releaseDue(t.db, NOW, 24)).toBe('period-closed');
    const first = await makeRelease(t.db, 'period-closed', { now: NOW });
    expect(first.releaseId).not.toBeNull();
    const before = await table(viewer, 'table=total&interval=year');
    expect(await releaseDue(t.db, NOW, 24)).toBeNull();
    expect(await releaseDue(t.db, new Date(NOW.getTime() + 25 * 3600_000), 24)).toBe('scheduled');
    expect(await releaseDue(t.db, new Date('2025-03-01T00:00:00Z'), 24)).toBe('period-closed');
    // Unchanged records: nothing new is written.
    expect((await makeRelease(t.db, 'scheduled', { now: NOW })).releaseId).toBeNull();
    // Forced again over the same records: the same cells, byte for byte.
    await makeRelease(t.db, 'operator', { now: NOW, force: true });
    const again = await table(viewer, 'table=total&interval=year');
    expect(again.cells).toEqual(before.cells);
    expect(again.release?.id).not.toBe(before.release?.id);
    // A report of the current month (not closed) changes nothing released.
    await share('AAA', 1, () => input('smuggling-sea', { day: '2025-02-03' }));
    expect((await makeRelease(t.db, 'scheduled', { now: NOW })).releaseId).toBeNull();
    // A report approved late for a closed period enters the next release.
    await share('AAA', 1, () => input('smuggling-sea', { day: '2024-07-01', people: 40 }));
    expect((await makeRelease(t.db, 'scheduled', { now: NOW })).releaseId).not.toBeNull();
    expect((await table(viewer, 'table=total&interval=year')).cells).not.toEqual(before.cells);
  });

  test('the audit trail names the owners whose records entered; each owner sees which of its records entered, and no other’s', async () => {
    const aaa = await share('AAA', 3, () => input('smuggling-sea'));
    await share('BBB', 3, () => input('smuggling-sea'));
    await share('CCC', 3, () => input('smuggling-sea'));
    // Not regional, or not yet shared: never in a release.
    await share('AAA', 1, () => input('smuggling-sea', { regional: false }));
    const { releaseId } = await makeRelease(t.db, 'period-closed', { now: NOW });
    const row = await t.db.ownerTransaction((tx) =>
      tx.one<{ object_owners: string[]; object_id: string }>(sql`SELECT object_owners, object_id FROM audit_log WHERE action = 'reports.release' ORDER BY seq DESC LIMIT 1`),
    );
    expect(row).toEqual({ object_owners: ['AAA', 'BBB', 'CCC'], object_id: releaseId });
    const mine = await t.as(owner, { method: 'GET', url: '/api/v1/reports/release/my-records' });
    expect(mine.statusCode, mine.body).toBe(200);
    const releases = mine.json<{ releases: { release: { id: string }; reports: string[] }[] }>().releases;
    expect(releases[0]?.release.id).toBe(releaseId);
    expect([...(releases[0]?.reports ?? [])].sort()).toEqual([...aaa].sort());
    const theirs = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/release/my-records' });
    expect(theirs.json<{ releases: { reports: string[] }[] }>().releases[0]?.reports).toEqual([]);
    // "Who read my records" lists the release for AAA.
    const reads = await t.as(owner, { method: 'GET', url: '/api/v1/audit/reads' });
    expect(reads.json<{ data: { action: string }[] }>().data.map((r) => r.action)).toContain('reports.release');
  });

  test('the application role reads neither the record keys nor who entered a release, and only its own record lists', async () => {
    await share('AAA', 3, () => input('smuggling-sea'));
    await share('BBB', 3, () => input('smuggling-sea'));
    await share('CCC', 3, () => input('smuggling-sea'));
    await makeRelease(t.db, 'period-closed', { now: NOW });
    await expect(t.db.transaction({ member: 'DDD' }, (tx) => tx.query(sql`SELECT * FROM report_release_keys`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'DDD' }, (tx) => tx.query(sql`SELECT owners FROM report_releases`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'DDD' }, (tx) => tx.query(sql`INSERT INTO report_release_cells (release_id, tbl, period, published, reports, figures) SELECT id, 'total', '2024', true, 1, '{}' FROM report_releases`))).rejects.toThrow(/permission denied/);
    const lists = await t.db.transaction({ member: 'AAA' }, (tx) => tx.query<{ owner: string }>(sql`SELECT owner FROM report_release_records`));
    expect(lists.map((l) => l.owner)).toEqual(['AAA']);
  });

  test('the summary and its PDF show only cells that may be published (k = 11), for a closed period', async () => {
    await share('AAA', 5, () => input('smuggling-sea', { people: 4 }));
    await share('BBB', 4, () => input('smuggling-sea', { people: 4 }));
    await share('CCC', 3, () => input('smuggling-sea', { people: 4 }));
    // 6 reports of another type: shown on the dashboard's release layer (k = 5), never published.
    await share('AAA', 2, () => input('smuggling-land', { route: ['MMR', 'THA'] }));
    await share('BBB', 2, () => input('smuggling-land', { route: ['MMR', 'THA'] }));
    await share('CCC', 2, () => input('smuggling-land', { route: ['MMR', 'THA'] }));
    await makeRelease(t.db, 'period-closed', { now: NOW });
    expect(cell(await table(viewer, 'table=incidentType&interval=year'), '2024', 'smuggling-land')).toBeDefined();
    expect(cell(await table(viewer, 'table=incidentType&interval=year&published=true'), '2024', 'smuggling-land')).toBeUndefined();
    const response = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/summary' });
    expect(response.statusCode, response.body).toBe(200);
    const summary = response.json<{ period: string; k: number; keyFigures: { reports: number }; byIncidentType: { key: string; reports: number }[]; topRoutes: { from: string; to: string }[] }>();
    expect(summary.period).toBe('2024');
    expect(summary.k).toBe(11);
    expect(summary.keyFigures.reports).toBeGreaterThanOrEqual(16);
    expect(summary.byIncidentType.map((c) => c.key)).toEqual(['smuggling-sea']);
    expect(summary.topRoutes.map((r) => `${r.from}>${r.to}`)).toEqual(['IDN>AUS']);
    expect(JSON.stringify(summary)).not.toMatch(/contributor|AAA|BBB|CCC/);
    const pdf = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/summary.pdf?period=2024' });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const { text } = await extractText(pdf.rawPayload);
    expect(text).toContain('Period: 2024');
    expect(text).toContain(`Incident reports: ${summary.keyFigures.reports}`);
    expect(text).not.toMatch(/AAA|BBB|CCC/);
    // The same charts as the page, drawn as vectors: each chart's title and its bars' labels and numbers, and filled rectangles.
    for (const title of ['Reports by incident type', 'Reports by quarter', 'People by sex and age group']) expect(text).toContain(title);
    expect(text).toContain('Smuggling by sea');
    expect(text).toContain(`Smuggling by sea ${summary.byIncidentType[0]?.reports} reports`);
    expect(await filledRectangles(pdf.rawPayload)).toBeGreaterThanOrEqual(1 + 1 + 5);
    const bad = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/summary?period=2024-13' });
    expect(bad.statusCode).toBe(400);
  });

  test('before the job first ran there is no release, and the answers say so', async () => {
    const overview = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/release' });
    expect(overview.json<{ release: unknown }>().release).toBeNull();
    expect((await table(viewer, 'table=route')).cells).toEqual([]);
    const summary = await t.as(viewer, { method: 'GET', url: '/api/v1/reports/summary' });
    expect(summary.json<{ period: unknown; keyFigures: unknown }>()).toMatchObject({ period: null, keyFigures: null });
  });

  test('only signed-in users with an analysis role read it; bad tables are 400', async () => {
    const signedOut = await t.app.inject({ method: 'GET', url: '/api/v1/reports/release/cells?table=total' });
    expect(signedOut.statusCode).toBe(401);
    const bad = await t.as(partner, { method: 'GET', url: '/api/v1/reports/release/cells?table=narrative' });
    expect(bad.statusCode).toBe(400);
  });
});
