import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FIGURES, type Figure } from '../analysis/figures.js';
import { K_PLATFORM, K_PUBLISHED, passes, perturbCount, perturbSum } from '../../../platform/release/disclosure.js';
import { computeRelease, periodOf, type ReleasedCell, type ReleaseRecord } from './tables.js';

/**
 * The release's disclosure control on random worlds and random record keys (DESIGN.md §3, rule 6):
 * the thresholds, that a record changes only the cells it is in (and none it does not pass), and
 * that the scripted attacks of a hostile member recover a hidden record's figures exactly in
 * under 5% of worlds.
 */

const OWNERS = ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'] as const;
const TYPES = ['smuggling-sea', 'smuggling-land', 'document-fraud', 'irregular-entry'] as const;
const ROUTES = ['IDN>AUS', 'MMR>THA', 'LKA>IDN'] as const;
/** 2024-01 .. 2024-06 as month numbers; the release's cutoff is 2025-01. */
const FIRST = 2024 * 12;
const CUTOFF = 2025 * 12;

const figures = (people: number, dead = 0): Record<Figure, number> => ({
  ...(Object.fromEntries(FIGURES.map((figure) => [figure, 0])) as Record<Figure, number>),
  people,
  adultMen: Math.ceil(people / 2),
  adultWomen: Math.floor(people / 2),
  dead,
  intercepted: people,
});

let serial = 0;
const record = fc.record({
  owner: fc.constantFrom(...OWNERS),
  month: fc.integer({ min: FIRST, max: FIRST + 5 }),
  key: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  type: fc.constantFrom(...TYPES),
  route: fc.constantFrom(...ROUTES),
  people: fc.integer({ min: 1, max: 60 }),
  dead: fc.integer({ min: 0, max: 3 }),
  fee: fc.option(fc.integer({ min: 100, max: 8000 }), { nil: null }),
}).map((r): ReleaseRecord => ({
  id: `r${serial++}`,
  owner: r.owner,
  month: r.month,
  key: r.key,
  incidentType: r.type,
  country: r.route.slice(4),
  destination: 'AUS',
  flows: [r.route],
  citizenships: ['AFG'],
  modes: ['boat'],
  feePerPerson: r.fee,
  feeCurrency: r.fee === null ? null : 'USD',
  figures: figures(r.people, r.dead),
}));

const cellId = (cell: ReleasedCell): string => `${cell.table}|${cell.period}|${cell.keys.join('|')}`;
const byId = (cells: ReleasedCell[]): Map<string, string> => new Map(cells.map((cell) => [cellId(cell), JSON.stringify(cell)]));

/** Whether a record falls in a cell (by table, period and keys). */
function contains(cell: Pick<ReleasedCell, 'table' | 'period' | 'keys'>, r: ReleaseRecord): boolean {
  const interval = /^\d{4}$/.test(cell.period) ? 'year' : cell.period.includes('Q') ? 'quarter' : 'month';
  if (periodOf(r.month, interval) !== cell.period) return false;
  const [a, b] = cell.keys;
  switch (cell.table) {
    case 'total':
      return true;
    case 'incidentType':
      return r.incidentType === a;
    case 'country':
      return r.country === a;
    case 'route':
      return r.flows.includes(a ?? '');
    case 'citizenship':
      return r.citizenships.includes(a ?? '');
    case 'mode':
      return r.modes.includes(a ?? '');
    case 'destination':
      return (r.destination ?? 'unknown') === a;
    case 'countryByIncidentType':
      return r.country === a && r.incidentType === b;
    case 'fees':
      return r.feePerPerson !== null && r.flows.includes(a ?? '') && r.feeCurrency === b;
  }
}

describe('thresholds', () => {
  test('k records from at least 3 owners, the two largest holding at most 85%', () => {
    const cell = (counts: number[]) => ({ records: counts.reduce((a, b) => a + b, 0), ownerCounts: counts, cellKey: 0 });
    expect(passes(cell([2, 2, 1]), K_PLATFORM)).toBe(true);
    expect(passes(cell([1, 1, 1, 1]), K_PLATFORM)).toBe(false);
    expect(passes(cell([3, 2]), K_PLATFORM)).toBe(false);
    expect(passes(cell([3, 2, 1]), K_PLATFORM)).toBe(true); // 5/6 = 83%
    expect(passes(cell([4, 2, 1]), K_PLATFORM)).toBe(false); // 6/7 = 86%
    expect(passes(cell([8, 2, 1]), K_PUBLISHED)).toBe(false);
    expect(passes(cell([4, 4, 3]), K_PUBLISHED)).toBe(true);
  });

  test('a shown count never falls below the threshold it passed, and the same key gives the same noise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 50 }), fc.constantFrom(K_PLATFORM, K_PUBLISHED), (key, extra, k) => {
        const shown = perturbCount(k + extra, key, k);
        expect(shown).toBeGreaterThanOrEqual(k);
        expect(Math.abs(shown - (k + extra))).toBeLessThanOrEqual(2);
        expect(perturbCount(k + extra, key, k)).toBe(shown);
      }),
    );
  });

  test('a sum that is not zero always moves, by an amount bounded by its largest contributions', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 20 }), (key, top1, top2Raw, position) => {
        const top2 = Math.min(top1, top2Raw);
        const sum = top1 + top2 + 7;
        const shown = perturbSum(sum, top1, top2, key, position);
        expect(shown).not.toBe(sum);
        expect(Math.abs(shown - sum)).toBeLessThanOrEqual(Math.ceil(1.5 * (top1 + top2)) + 1);
        expect(perturbSum(0, 0, 0, key, position)).toBe(0);
      }),
    );
  });
});

describe('a record changes only what it may', () => {
  test('adding a record leaves every cell it is not in byte-identical, and a cell it is in that fails the thresholds absent', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 10, maxLength: 80 }), record, (world, extra) => {
        const before = byId(computeRelease(world, CUTOFF));
        const afterCells = computeRelease([...world, extra], CUTOFF);
        const after = byId(afterCells);
        for (const [id, shown] of before) {
          const cell = JSON.parse(shown) as ReleasedCell;
          if (!contains(cell, extra)) expect(after.get(id), id).toBe(shown);
        }
        for (const [id, shown] of after) {
          const cell = JSON.parse(shown) as ReleasedCell;
          if (!contains(cell, extra)) expect(before.get(id), id).toBe(shown);
        }
        // Every cell shown passes the thresholds: computed again from the records, never from the release.
        for (const cell of afterCells) {
          const members = [...world, extra].filter((r) => contains(cell, r));
          const owners = new Map<string, number>();
          for (const r of members) owners.set(r.owner, (owners.get(r.owner) ?? 0) + 1);
          expect(passes({ records: members.length, ownerCounts: [...owners.values()], cellKey: 0 }, K_PLATFORM), cellId(cell)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  test('the same records give the same release, in any order', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 5, maxLength: 60 }), (world) => {
        const forward = computeRelease(world, CUTOFF).map((cell) => JSON.stringify(cell)).sort();
        const backward = computeRelease([...world].reverse(), CUTOFF).map((cell) => JSON.stringify(cell)).sort();
        expect(backward).toEqual(forward);
      }),
      { numRuns: 50 },
    );
  });
});

/**
 * A hostile member's attacks on one hidden record h (the only record of its incident type in its
 * month, so that cell is withheld): each gives an estimate of h's people; an attack succeeds when
 * the estimate is exact.
 */
function attacks(world: ReleaseRecord[], h: ReleaseRecord, attacker: string, partner: string): { name: string; estimate: number | null }[] {
  const month = periodOf(h.month, 'month');
  const quarter = periodOf(h.month, 'quarter');
  const released = computeRelease([...world, h], CUTOFF);
  const find = (cells: ReleasedCell[], table: string, period: string, keys: string[] = []) =>
    cells.find((cell) => cell.table === table && cell.period === period && cell.keys.join('|') === keys.join('|'));
  const people = (cell: ReleasedCell | undefined) => cell?.figures.people ?? 0;
  const results: { name: string; estimate: number | null }[] = [];

  // 1. Differencing across a table's dimension: the month's total minus every incident type shown.
  const total = find(released, 'total', month);
  const shownTypes = released.filter((cell) => cell.table === 'incidentType' && cell.period === month);
  results.push({ name: 'split', estimate: total ? people(total) - shownTypes.reduce((sum, cell) => sum + people(cell), 0) : null });

  // 2. Differencing across periods: the quarter's cell of h's type minus the months shown.
  const quarterCell = find(released, 'incidentType', quarter, [h.incidentType]);
  const months = released.filter((cell) => cell.table === 'incidentType' && cell.keys[0] === h.incidentType && /^\d{4}-\d{2}$/.test(cell.period) && periodOf(monthOf(cell.period), 'quarter') === quarter);
  results.push({ name: 'periods', estimate: quarterCell ? people(quarterCell) - months.reduce((sum, cell) => sum + people(cell), 0) : null });

  // 3. Differencing across releases: the month's total before and after h entered.
  const before = find(computeRelease(world, CUTOFF), 'total', month);
  results.push({ name: 'releases', estimate: total && before ? people(total) - people(before) : null });

  // 4. Padding in concert: the attacker and a partner each add two records to h's cell, then
  //    subtract their own figures from the cell that now passes.
  const pads = [attacker, attacker, partner, partner].map((owner, i): ReleaseRecord => ({ ...h, id: `pad${i}`, owner, key: (h.key * 7 + i * 977_001) >>> 0, figures: figures(1 + i) }));
  const padded = computeRelease([...world, h, ...pads], CUTOFF);
  const cell = find(padded, 'incidentType', month, [h.incidentType]);
  const own = pads.reduce((sum, pad) => sum + pad.figures.people, 0);
  results.push({ name: 'padding', estimate: cell ? people(cell) - own : null });

  // 5. Padding, then differencing: the padded month's total minus every other incident type shown, minus the pads.
  const paddedTotal = find(padded, 'total', month);
  const others = padded.filter((c) => c.table === 'incidentType' && c.period === month && c.keys[0] !== h.incidentType);
  results.push({ name: 'padding-split', estimate: paddedTotal ? people(paddedTotal) - others.reduce((sum, c) => sum + people(c), 0) - own : null });
  return results;
}

function monthOf(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

describe('scripted attacks on random worlds', () => {
  test('recover a hidden record’s people exactly in under 5% of worlds (best of the attacks)', () => {
    let worlds = 0;
    let recovered = 0;
    let attempted = 0;
    const hits = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(record, { minLength: 30, maxLength: 120 }), record, (raw, hidden) => {
        // h is alone of its type in its month (so its cell is withheld), from an owner the attacker is not.
        const h: ReleaseRecord = { ...hidden, incidentType: 'smuggling-sea', owner: 'CCC' };
        const world = raw.filter((r) => !(r.incidentType === h.incidentType && r.month === h.month));
        worlds++;
        const results = attacks(world, h, 'AAA', 'BBB');
        if (results.some((result) => result.estimate !== null)) attempted++;
        for (const result of results) if (result.estimate === h.figures.people) hits.set(result.name, (hits.get(result.name) ?? 0) + 1);
        if (results.some((result) => result.estimate === h.figures.people)) recovered++;
      }),
      { numRuns: 400, seed: 20261203 },
    );
    console.log(`release attacks: ${recovered} of ${worlds} worlds recovered exactly`, Object.fromEntries(hits));
    expect(attempted).toBeGreaterThan(worlds * 0.9);
    expect(recovered / worlds).toBeLessThan(0.05);
  });
});

describe('scripted attacks on dense worlds', () => {
  test('where every other cell of the hidden record’s month is shown, padding then differencing recovers it in under 5% of worlds', () => {
    let worlds = 0;
    let recovered = 0;
    let attempted = 0;
    const dense = fc.array(
      fc.record({ owner: fc.constantFrom(...OWNERS), key: fc.integer({ min: 0, max: 2 ** 32 - 1 }), people: fc.integer({ min: 1, max: 12 }), type: fc.constantFrom('smuggling-land', 'document-fraud') }),
      { minLength: 12, maxLength: 40 },
    );
    fc.assert(
      fc.property(dense, record, (raw, hidden) => {
        const h: ReleaseRecord = { ...hidden, incidentType: 'smuggling-sea', owner: 'CCC', month: FIRST + 2 };
        // Every other record is in h's month, of another type, from all five owners: those cells are shown.
        const world = raw.map((r, i): ReleaseRecord => ({ ...h, id: `d${i}`, owner: OWNERS[i % OWNERS.length] ?? r.owner, key: r.key, incidentType: r.type, figures: figures(r.people) }));
        worlds++;
        const results = attacks(world, h, 'AAA', 'BBB');
        if (results.some((result) => result.estimate !== null)) attempted++;
        if (results.some((result) => result.estimate === h.figures.people)) recovered++;
      }),
      { numRuns: 400, seed: 20261204 },
    );
    console.log(`dense worlds: ${recovered} of ${worlds} recovered exactly`);
    expect(attempted).toBe(worlds);
    expect(recovered / worlds).toBeLessThan(0.05);
  });
});
