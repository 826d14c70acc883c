import { FIGURES, type Figure } from '../analysis.js';
import { addKey, K_PLATFORM, K_PUBLISHED, passes, perturbCount, perturbSum, type CellContributions } from './disclosure.js';

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
export type ReleaseDimension = 'incidentType' | 'country' | 'route' | 'citizenship' | 'mode' | 'destination' | 'currency';

export const RELEASE_INTERVALS = ['month', 'quarter', 'year'] as const;
export type ReleaseInterval = (typeof RELEASE_INTERVALS)[number];

/** A shared report that counts in regional aggregates, as the job reads it. */
export interface ReleaseRecord {
  id: string;
  owner: string;
  /** year * 12 + month - 1 of the day the incident began. */
  month: number;
  key: number;
  incidentType: string;
  country: string;
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

export function periodOf(month: number, interval: ReleaseInterval): string {
  const year = Math.floor(month / 12);
  const inYear = month - year * 12;
  switch (interval) {
    case 'month':
      return `${year}-${String(inYear + 1).padStart(2, '0')}`;
    case 'quarter':
      return `${year}-Q${Math.floor(inYear / 3) + 1}`;
    case 'year':
      return String(year);
  }
}

/** Whether a record's period has closed before `cutoffMonth` (the first month not covered). */
export function periodClosed(month: number, interval: ReleaseInterval, cutoffMonth: number): boolean {
  const span = interval === 'month' ? 1 : interval === 'quarter' ? 3 : 12;
  return Math.floor(month / span) * span + span <= cutoffMonth;
}

function valuesOf(record: ReleaseRecord, dimension: ReleaseDimension): readonly string[] {
  switch (dimension) {
    case 'incidentType':
      return [record.incidentType];
    case 'country':
      return [record.country];
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

interface Accumulator extends CellContributions {
  owners: Map<string, number>;
  sums: Float64Array;
  top1: Float64Array;
  top2: Float64Array;
}

function accumulate(cell: Accumulator, record: ReleaseRecord, values: readonly number[]): void {
  cell.reports += 1;
  cell.cellKey = addKey(cell.cellKey, record.key);
  cell.owners.set(record.owner, (cell.owners.get(record.owner) ?? 0) + 1);
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    cell.sums[i] = (cell.sums[i] as number) + value;
    if (value > (cell.top1[i] as number)) {
      cell.top2[i] = cell.top1[i] as number;
      cell.top1[i] = value;
    } else if (value > (cell.top2[i] as number)) {
      cell.top2[i] = value;
    }
  }
}

/**
 * Every table of the release over `records` whose periods closed before `cutoffMonth`: the cells
 * that pass the thresholds at k = 5, perturbed, each marked when it passes k = 11 too.
 */
export function computeRelease(records: readonly ReleaseRecord[], cutoffMonth: number): ReleasedCell[] {
  const cells = new Map<string, { table: ReleaseTable; period: string; keys: string[]; acc: Accumulator }>();
  for (const record of records) {
    for (const interval of RELEASE_INTERVALS) {
      if (!periodClosed(record.month, interval, cutoffMonth)) continue;
      const period = periodOf(record.month, interval);
      for (const table of RELEASE_TABLE_NAMES) {
        const fees = table === 'fees';
        if (fees && (record.feePerPerson === null || !record.feeCurrency)) continue;
        const values = fees ? [record.feePerPerson ?? 0] : FIGURES.map((figure) => record.figures[figure]);
        const dimensions: readonly ReleaseDimension[] = RELEASE_TABLES[table].dimensions;
        for (const keys of combinations(dimensions.map((dimension) => valuesOf(record, dimension)))) {
          const id = `${table}\u0001${period}\u0001${keys.join('\u0001')}`;
          let cell = cells.get(id);
          if (!cell) {
            const width = fees ? 1 : WIDTH;
            cell = {
              table, period, keys,
              acc: { reports: 0, cellKey: 0, owners: new Map(), sums: new Float64Array(width), top1: new Float64Array(width), top2: new Float64Array(width) },
            };
            cells.set(id, cell);
          }
          accumulate(cell.acc, record, values);
        }
      }
    }
  }
  const released: ReleasedCell[] = [];
  for (const { table, period, keys, acc } of cells.values()) {
    if (!passes(acc, K_PLATFORM)) continue;
    const published = passes(acc, K_PUBLISHED);
    const reports = perturbCount(acc.reports, acc.cellKey, published ? K_PUBLISHED : K_PLATFORM);
    const figures = Object.fromEntries(FIGURES.map((figure) => [figure, 0])) as Record<Figure, number>;
    let feeMean: number | null = null;
    if (table === 'fees') {
      const sum = perturbSum(acc.sums[0] as number, acc.top1[0] as number, acc.top2[0] as number, acc.cellKey, WIDTH, 0.01);
      feeMean = Math.round((sum / reports) * 100) / 100;
    } else {
      FIGURES.forEach((figure, i) => {
        figures[figure] = perturbSum(acc.sums[i] as number, acc.top1[i] as number, acc.top2[i] as number, acc.cellKey, i);
      });
    }
    released.push({ table, period, keys, published, reports, figures, feeMean });
  }
  return released;
}
