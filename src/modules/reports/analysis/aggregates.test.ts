import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../../test/support/app.js';
import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../platform/auth/actor.js';
import { runAs } from '../../../platform/context.js';
import { sql } from '../../../platform/db/sql.js';
import type { CellReader } from './dashboard.js';
import { combine, type AnalysisFilters, type Dimension, type RawCell } from './figures.js';
import { AnalysisStoreMoved, factStoreFor, factView } from './fact-store.js';
import { sqlReference } from './sql-reference.js';
import type { ReportInput } from '../schemas.js';
import { insertReport, updateReportContent } from '../records/store.js';

/**
 * The analysis store the dashboard uses (fact-store.ts, migration 0007) against the SQL reference,
 * computed by the database straight from the reports (sql-reference.ts, migration 0004). For random
 * sets of reports, changed afterwards as users change them (approved, edited, returned, withdrawn,
 * deleted), every viewer and random requests get exactly the same cells from both, fee medians
 * included, over the reports the viewer may see and no others. The store follows the change log of
 * the analysis table (`report_facts`, migration 0006), which triggers keep, so the check also proves
 * that neither lags the reports.
 */

const MEMBERS = ['AAA', 'BBB', 'CCC', 'OBS'] as const;
const COUNTRIES = ['IDN', 'AUS', 'MYS', 'THA'] as const;
const TYPES = ['smuggling-sea', 'smuggling-land', 'document-fraud'] as const;
const MODES = ['boat', 'vehicle', 'air'] as const;
const STATUSES = ['draft', 'submitted', 'shared', 'withdrawn'] as const;

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  await t.makeMember('OBS', { status: 'observer' });
  await t.makeGroup('g-one', ['AAA', 'OBS']);
  await t.makeGroup('g-two', ['BBB', 'CCC']);
  await t.makeGroup('g-old', ['CCC'], { endsOn: '2001-01-01' });
});
afterAll(() => t.close());

const report = fc.record({
  owner: fc.constantFrom(...MEMBERS),
  // Mostly shared, so most cells hold something; the other statuses must count nowhere.
  status: fc.oneof({ weight: 6, arbitrary: fc.constant('shared' as const) }, { weight: 1, arbitrary: fc.constantFrom(...STATUSES) }),
  recent: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  type: fc.constantFrom(...TYPES),
  country: fc.constantFrom(...COUNTRIES),
  // On land; at sea near a coast (with its country); far at sea (no country: its sea area, or only its source's region).
  place: fc.oneof({ weight: 3, arbitrary: fc.constant('land' as const) }, { weight: 2, arbitrary: fc.constantFrom('near-sea' as const, 'far-sea' as const) }),
  seaArea: fc.option(fc.constantFrom('Timor Sea', 'Andaman Sea'), { nil: undefined }),
  sourceRegion: fc.constantFrom('Southeast Asia', 'Mediterranean'),
  legs: fc.array(fc.tuple(fc.constantFrom(...COUNTRIES), fc.constantFrom(...COUNTRIES), fc.constantFrom(...MODES)), { maxLength: 2 }),
  citizenships: fc.uniqueArray(fc.constantFrom('AFG', 'IRN', 'XXX'), { maxLength: 2 }),
  people: fc.integer({ min: 0, max: 9 }),
  day: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }),
  latitude: fc.option(fc.double({ min: -40, max: 40, noNaN: true }), { nil: undefined }),
  fee: fc.option(fc.integer({ min: 100, max: 5000 }), { nil: undefined }),
  regional: fc.boolean(),
  audience: fc.oneof(
    fc.constant({ kind: 'all' as const }),
    fc.constant({ kind: 'owner' as const }),
    fc.record({ kind: fc.constant('members' as const), members: fc.uniqueArray(fc.constantFrom(...MEMBERS), { minLength: 1, maxLength: 2 }) }),
    fc.record({ kind: fc.constant('groups' as const), groups: fc.uniqueArray(fc.constantFrom('g-one', 'g-two', 'g-old'), { minLength: 1, maxLength: 2 }) }),
  ),
});
type Generated = fc.Arbitrary<typeof report extends fc.Arbitrary<infer T> ? T : never>;
type Report = Generated extends fc.Arbitrary<infer T> ? T : never;

function inputOf(r: Report): ReportInput {
  const from = r.day === undefined ? undefined : new Date(Date.UTC(2022, 0, 1) + r.day * 86_400_000).toISOString().slice(0, 10);
  return {
    incidentType: r.type,
    ...(from ? { when: { from } } : {}),
    where: {
      ...(r.place === 'far-sea' ? {} : { country: r.country }),
      ...(r.place === 'land' ? {} : { kind: 'at-sea' as const, sourceRegion: r.sourceRegion, ...(r.seaArea ? { seaArea: r.seaArea } : {}) }),
      ...(r.latitude === undefined ? {} : { latitude: Math.round(r.latitude * 1000) / 1000, longitude: Math.round(r.latitude * 2500) / 1000 }),
    },
    ...(r.legs.length > 0 ? { route: r.legs.map(([legFrom, to, mode]) => ({ from: legFrom, to, mode })) } : {}),
    ...(r.citizenships.length > 0 ? { people: r.citizenships.map((citizenship, i) => ({ citizenship, adultMen: r.people + i, girls: i })) } : {}),
    ...(r.fee === undefined ? {} : { fee: { amount: r.fee, currency: r.fee % 2 === 0 ? 'USD' : 'AUD', basis: r.fee % 3 === 0 ? 'total' : 'per-person' } }),
    outcomes: { dead: r.people % 3, intercepted: r.people },
    countsInRegional: r.regional,
    sharing: { audience: r.audience, tlp: 'AMBER' },
  };
}

const change = fc.record({
  index: fc.nat(),
  to: fc.constantFrom('shared', 'submitted', 'draft', 'withdrawn', 'edit', 'delete'),
  with: report,
});

const request = fc.record({
  dims: fc.constantFrom<Dimension[]>([], ['quarter', 'incidentType'], ['month', 'route'], ['year', 'citizenship'], ['route'], ['grid:5'], ['grid:0.5'], ['mode', 'member'], ['destination', 'origin', 'country'],
    ['seaArea'], ['quarter', 'seaArea'], ['country', 'incidentType']),
  // None, one or two filters at a time (every filter at once would leave almost every answer empty).
  filters: fc
    .array(
      fc.oneof(
        fc.record({ incidentType: fc.uniqueArray(fc.constantFrom(...TYPES), { minLength: 1, maxLength: 2 }) }),
        fc.record({ country: fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 1, maxLength: 2 }) }),
        fc.record({ citizenship: fc.uniqueArray(fc.constantFrom('AFG', 'XXX'), { minLength: 1 }) }),
        fc.record({ mode: fc.uniqueArray(fc.constantFrom(...MODES), { minLength: 1 }) }),
        fc.record({ route: fc.constant(['IDN>AUS']) }),
        fc.record({ seaArea: fc.uniqueArray(fc.constantFrom('Timor Sea', 'Southeast Asia', 'Mediterranean'), { minLength: 1, maxLength: 2 }) }),
        fc.record({ origin: fc.constant(['IDN']), destination: fc.constant(['AUS']) }),
        fc.record({ member: fc.uniqueArray(fc.constantFrom(...MEMBERS), { minLength: 1, maxLength: 2 }) }),
        fc.record({ from: fc.constant('2022-06-01'), to: fc.constant('2023-06-30') }),
      ),
      { maxLength: 2 },
    )
    .map((parts) => Object.assign({}, ...parts) as AnalysisFilters),
});

/** An analyst of the member, with its standing as the database has it (groups that ended left out). */
async function actorOf(member: string): Promise<Actor> {
  const standing = await t.db.transaction({ member }, (tx) =>
    tx.one<{ full: boolean; groups: string[] }>(sql`SELECT lintas_member_is_full() AS full, lintas_member_groups() AS groups`),
  );
  return { userId: randomUUID(), name: 'Analyst', email: `analyst@${member.toLowerCase()}.test`, roles: ['analyst'], via: 'token', member, fullMember: standing.full, groups: standing.groups };
}

/** Cells in a canonical order and form, for comparison. */
function canonical(list: RawCell[], fees: boolean) {
  return list
    .map((cell) => ({
      keys: cell.keys.join('|'),
      ...(fees ? { reports: cell.figures.reports, fee: cell.fee } : { figures: cell.figures }),
    }))
    .sort((a, b) => (a.keys < b.keys ? -1 : a.keys > b.keys ? 1 : 0));
}

describe('the analysis store equals the SQL reference', () => {
  test('for random reports, changes, viewers and requests', async () => {
    // What the comparisons covered, so the test cannot pass on empty answers alone.
    const seen = { cells: 0, fees: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(report, { minLength: 5, maxLength: 40 }), fc.array(change, { maxLength: 8 }), fc.array(request, { minLength: 1, maxLength: 4 }), async (generated, changes, requests) => {
        await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports`));
        const ids: string[] = [];
        await t.db.ownerTransaction(async (tx) => {
          for (const r of generated) {
            const id = await insertReport(tx, r.owner, null, inputOf(r), { status: r.status });
            // A recent submission makes its owner a contributor (reciprocity); an old one does not.
            if (r.status !== 'draft') await tx.query(sql`UPDATE reports SET submitted_at = now() - ${r.recent ? '1 day' : '3 years'}::interval WHERE id = ${id}`);
            ids.push(id);
          }
        });
        // Changes as the owner member makes them, each in its own transaction (the triggers keep the facts).
        for (const { index, to, with: next } of changes) {
          const id = ids[index % ids.length] as string;
          const owner = generated[index % generated.length]?.owner as string;
          await t.db.transaction({ member: owner }, async (tx) => {
            if (to === 'delete') await tx.query(sql`DELETE FROM reports WHERE id = ${id}`);
            else if (to === 'edit') await updateReportContent(tx, id, inputOf({ ...next, owner: next.owner }));
            else await tx.query(sql`UPDATE reports SET status = ${to}, submitted_at = coalesce(submitted_at, now()) WHERE id = ${id}`);
          });
        }
        await factStoreFor(t.db).catchUp();
        for (const viewer of MEMBERS) {
          const actor = await actorOf(viewer);
          for (const { dims, filters } of requests) {
            const [memory, reference] = await runAs(t.platform, actor, { requestId: 'test', address: '127.0.0.1' }, async (ctx) => {
              const both = async (from: CellReader) => [
                await from.cells(filters, dims),
                await from.feeCells(filters, ['route', 'year', 'currency']),
              ];
              return [await both(await factView(ctx)), await both(sqlReference(ctx.tx))];
            });
            expect(canonical(memory?.[0] ?? [], false), `${viewer} ${JSON.stringify({ dims, filters })}`).toEqual(canonical(reference?.[0] ?? [], false));
            expect(canonical(memory?.[1] ?? [], true), `${viewer} fees ${JSON.stringify(filters)}`).toEqual(canonical(reference?.[1] ?? [], true));
            for (const cell of [...(reference?.[0] ?? []), ...(reference?.[1] ?? [])]) {
              seen.cells++;
              if (cell.fee) seen.fees++;
            }
            // The store's view comes from the database's answer on the access classes: each wall
            // alone (row-level security without the query layer's condition, and the reverse) gives it the same.
            for (const wall of [{ unsafeWithoutSharingCondition: true }, { unsafeWithoutRowLevelSecurity: true }]) {
              const alone = await runAs({ ...t.platform, ...wall }, actor, { requestId: 'test', address: '127.0.0.1' }, async (ctx) =>
                (await factView(ctx)).cells(filters, dims),
              );
              expect(canonical(alone, false), `memory, ${Object.keys(wall)[0]}, ${viewer}`).toEqual(canonical(memory?.[0] ?? [], false));
            }
            // The dashboard takes its total from the period × split grid when the split has one value
            // per report (dashboard.ts): the grid must add up to the total exactly.
            for (const split of ['incidentType', 'destination', 'member'] as const) {
              const [grid, [total]] = await runAs(t.platform, actor, { requestId: 'test', address: '127.0.0.1' }, async (ctx) => {
                const view = await factView(ctx);
                return [view.cells(filters, ['month', split]), view.cells(filters, [])];
              });
              const sum = combine(grid, []);
              expect(sum.figures).toEqual(total?.figures);
            }
          }
        }
        // The table holds exactly the shared reports, no more (a derived row outliving its source would leak).
        const counts = await t.db.ownerTransaction((tx) =>
          tx.one<{ facts: number; shared: number }>(sql`SELECT (SELECT count(*)::int FROM report_facts) AS facts, (SELECT count(*)::int FROM reports WHERE status = 'shared') AS shared`),
        );
        expect(counts.facts).toBe(counts.shared);
      }),
      { numRuns: 25 },
    );
    expect(seen.fees).toBeGreaterThan(0);
    expect(seen.cells).toBeGreaterThan(100);
  }, 240_000);

  test('the application role cannot write the analysis table; it reads only what the sharing rule lets it see', async () => {
    await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports`));
    const shared = async (owner: string, audience: ReportInput['sharing']['audience']) =>
      t.db.ownerTransaction(async (tx) => {
        const id = await insertReport(tx, owner, null, { incidentType: 'smuggling-sea', where: { country: 'IDN' }, sharing: { audience, tlp: 'AMBER' } }, { status: 'shared' });
        await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
        return id;
      });
    const open = await shared('AAA', { kind: 'all' });
    const closed = await shared('AAA', { kind: 'owner' });
    await shared('BBB', { kind: 'all' });
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`DELETE FROM report_facts`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`UPDATE report_facts SET dead = 99`))).rejects.toThrow(/permission denied/);
    const seen = await t.db.transaction({ member: 'BBB' }, (tx) => tx.query<{ report_id: string }>(sql`SELECT report_id FROM report_facts`));
    expect(seen.map((row) => row.report_id)).toContain(open);
    expect(seen.map((row) => row.report_id)).not.toContain(closed);
  });

  test('a view of the analysis store is refused once the store changed under it, so no answer mixes two states', async () => {
    await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM reports`));
    const share = (owner: string) =>
      t.db.ownerTransaction(async (tx) => {
        const id = await insertReport(tx, owner, null, { incidentType: 'smuggling-sea', where: { country: 'IDN' }, sharing: { audience: { kind: 'all' }, tlp: 'AMBER' } }, { status: 'shared' });
        await tx.query(sql`UPDATE reports SET submitted_at = now() WHERE id = ${id}`);
      });
    await share('AAA');
    const store = factStoreFor(t.db);
    await store.catchUp();
    const actor = await actorOf('AAA');
    const view = await runAs(t.platform, actor, { requestId: 'test', address: '127.0.0.1' }, (ctx) => factView(ctx));
    expect(view.cells({}, [])[0]?.figures.reports).toBe(1);
    // Another request catches the store up with a report shared meanwhile (its slot, its class).
    await share('BBB');
    await store.catchUp();
    expect(() => view.cells({}, ['incidentType'])).toThrow(AnalysisStoreMoved);
    expect(() => view.feeCells({ country: ['IDN'] }, ['route'])).toThrow(AnalysisStoreMoved);
    // A view made now counts both.
    const fresh = await runAs(t.platform, actor, { requestId: 'test', address: '127.0.0.1' }, (ctx) => factView(ctx));
    expect(fresh.cells({}, [])[0]?.figures.reports).toBe(2);
  });
});
