import { countRecord, emptyCount, mergeCount, MonthCells, OwnerNumbers, shownCount, type CellCount } from '../../../platform/release/cells.js';
import { perturbSum } from '../../../platform/release/disclosure.js';
import { periodOf, RELEASE_INTERVALS, type ReleaseInterval } from '../../../platform/release/periods.js';
import { FIGURES, type Figure } from '../analysis/figures.js';

// The periods are the platform's (src/platform/release/): re-exported for the reports' schemas and tests.
export { periodOf, RELEASE_INTERVALS, type ReleaseInterval };

/**
 * The regional release's fixed tables: each period (month, quarter, year) crossed with at most two
 * fixed dimensions. Nothing else is ever computed over records a viewer cannot see.
 */
export const RELEASE_TABLES = {
  total: { dimensions: [], label: 'All reports' },
  incidentType: { dimensions: ['incidentType'], label: 'By incident type' },
  country: { dimensions: ['country'], label: 'By country of the incident' },
  route: { dimensions: ['route'], label: 'By route leg' },
  citizenship: { dimensions: ['citizenship'], label: 'By citizenship of people moved' },
  mode: { dimensions: ['mode'], label: 'By transport mode' },
  destination: { dimensions: ['destination'], label: 'By intended destination' },
  countryByIncidentType: { dimensions: ['country', 'incidentType'], label: 'By country and incident type' },
  fees: { dimensions: ['route', 'currency'], label: 'Fee per person by route leg and currency' },
} as const satisfies Record<string, { dimensions: readonly ReleaseDimension[]; label: string }>;
export type ReleaseTable = keyof typeof RELEASE_TABLES;
export const RELEASE_TABLE_NAMES = Object.keys(RELEASE_TABLES) as ReleaseTable[];
type ReleaseDimension = 'incidentType' | 'country' | 'route' | 'citizenship' | 'mode' | 'destination' | 'currency';

/** A shared report that counts in regional aggregates, as the job reads it. */
export interface ReleaseRecord {
  id: string;
  owner: string;
  /** year * 12 + month - 1 of the day the incident began. */
  month: number;
  key: number;
  incidentType: string;
  country: string | null;
  destination: string | null;
  flows: readonly string[];
  citizenships: readonly string[];
  modes: readonly string[];
  feePerPerson: number | null;
  feeCurrency: string | null;
  figures: Readonly<Record<Figure, number>>;
}

/** A released cell: perturbed figures of a cell that passed the thresholds. */
export interface ReleasedCell {
  table: ReleaseTable;
  period: string;
  keys: string[];
  /** Also passes k = 11: may be published or exported. */
  published: boolean;
  reports: number;
  figures: Record<Figure, number>;
  /** Fee tables: the perturbed mean fee per person. */
  feeMean: number | null;
}

function valuesOf(record: ReleaseRecord, dimension: ReleaseDimension): readonly string[] {
  switch (dimension) {
    case 'incidentType':
      return [record.incidentType];
    case 'country':
      // A report far at sea has no country: it is in no country's cell (it still counts by route).
      return record.country === null ? [] : [record.country];
    case 'destination':
      return [record.destination ?? 'unknown'];
    case 'route':
      return record.flows.length ? [...new Set(record.flows)] : ['unknown'];
    case 'citizenship':
      return record.citizenships.length ? [...new Set(record.citizenships)] : ['unknown'];
    case 'mode':
      return record.modes.length ? [...new Set(record.modes)] : ['unknown'];
    case 'currency':
      return record.feeCurrency ? [record.feeCurrency] : [];
  }
}

/** Every combination of one value per dimension (a report with two route legs is in both legs' cells). */
function combinations(lists: readonly (readonly string[])[]): string[][] {
  let result: string[][] = [[]];
  for (const list of lists) result = result.flatMap((prefix) => list.map((value) => [...prefix, value]));
  return result;
}

const WIDTH = FIGURES.length;

/** A cell's count, and per figure its sum and two largest values, in one array (sums, then firsts, then seconds). */
interface Accumulator extends CellCount {
  width: number;
  figures: Float64Array;
}

function accumulator(width: number): Accumulator {
  return { ...emptyCount(), width, figures: new Float64Array(3 * width) };
}

function accumulate(cell: Accumulator, owner: number, key: number, values: readonly number[]): void {
  countRecord(cell, owner, key);
  const { figures, width } = cell;
  for (let i = 0; i < width; i++) {
    const value = values[i] as number;
    figures[i] = (figures[i] as number) + value;
    const first = figures[width + i] as number;
    if (value > first) {
      figures[2 * width + i] = first;
      figures[width + i] = value;
    } else if (value > (figures[2 * width + i] as number)) {
      figures[2 * width + i] = value;
    }
  }
}

/** Adds a cell of disjoint records (another month of the same quarter or year) into `into`. */
function merge(into: Accumulator, from: Accumulator): void {
  mergeCount(into, from);
  const { figures, width } = into;
  const other = from.figures;
  for (let i = 0; i < width; i++) {
    figures[i] = (figures[i] as number) + (other[i] as number);
    // The two largest of the union are among the two largest of each part.
    const a1 = figures[width + i] as number;
    const a2 = figures[2 * width + i] as number;
    const b1 = other[width + i] as number;
    const b2 = other[2 * width + i] as number;
    if (b1 > a1) {
      figures[width + i] = b1;
      figures[2 * width + i] = Math.max(a1, b2);
    } else {
      figures[2 * width + i] = Math.max(a2, b1);
    }
  }
}

/**
 * Every table of the release over `records` whose periods closed before `cutoffMonth`: the cells
 * that pass the thresholds at k = 5, perturbed, each marked when it passes k = 11 too. Records are
 * added up by month once; quarters and years are made from their months' cells.
 */
export function computeRelease(records: readonly ReleaseRecord[], cutoffMonth: number): ReleasedCell[] {
  const owners = new OwnerNumbers();
  const months = new MonthCells<ReleaseTable, Accumulator>((table) => accumulator(table === 'fees' ? 1 : WIDTH), merge);
  for (const record of records) {
    // A month that has not closed is in no period of the release (a quarter or year ends with one of its months).
    if (record.month >= cutoffMonth) continue;
    const figures = FIGURES.map((figure) => record.figures[figure]);
    const owner = owners.of(record.owner);
    for (const table of RELEASE_TABLE_NAMES) {
      const fees = table === 'fees';
      if (fees && (record.feePerPerson === null || !record.feeCurrency)) continue;
      const dimensions: readonly ReleaseDimension[] = RELEASE_TABLES[table].dimensions;
      const values = fees ? [record.feePerPerson ?? 0] : figures;
      const combos = dimensions.length === 1 ? valuesOf(record, dimensions[0] as ReleaseDimension).map((value) => [value]) : combinations(dimensions.map((dimension) => valuesOf(record, dimension)));
      for (const keys of combos) accumulate(months.cell(table, record.month, keys), owner, record.key, values);
    }
  }
  const released: ReleasedCell[] = [];
  for (const { table, period, keys, cell: acc } of months.periods(cutoffMonth)) {
    const shown = shownCount(acc);
    if (!shown) continue;
    const { published, count: reports } = shown;
    const figures = Object.fromEntries(FIGURES.map((figure) => [figure, 0])) as Record<Figure, number>;
    let feeMean: number | null = null;
    if (table === 'fees') {
      const sum = perturbSum(acc.figures[0] as number, acc.figures[1] as number, acc.figures[2] as number, acc.cellKey, WIDTH, 0.01);
      feeMean = Math.round((sum / reports) * 100) / 100;
    } else {
      FIGURES.forEach((figure, i) => {
        figures[figure] = perturbSum(acc.figures[i] as number, acc.figures[WIDTH + i] as number, acc.figures[2 * WIDTH + i] as number, acc.cellKey, i);
      });
    }
    released.push({ table, period, keys, published, reports, figures, feeMean });
  }
  return released;
}
