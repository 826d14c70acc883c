import { addKey, K_PLATFORM, K_PUBLISHED, passes, perturbCount, type CellContributions } from './disclosure.js';
import { periodClosed, periodOf, RELEASE_INTERVALS } from './periods.js';

/**
 * The cells of a regional release as they are added up, whatever a module counts in them: each
 * cell's records, their owners and the sum of their keys, by month first, then rolled up into the
 * quarters and years that have closed. A module that adds figures of its own (sums) keeps them
 * beside these in its cell type, and says how two of its cells merge.
 */

/** A cell's records, its owners' shares and its key, as it is added up. */
export interface CellCount extends CellContributions {
  /** The owners' numbers (`OwnerNumbers`), one entry an owner, beside `ownerCounts`. */
  ownerIds: number[];
  ownerCounts: number[];
}

export const emptyCount = (): CellCount => ({ records: 0, cellKey: 0, ownerIds: [], ownerCounts: [] });

/** Adds `count` records of an owner to a cell (a few owners a cell: a scan beats a Map). */
function addOwner(cell: CellCount, owner: number, count: number): void {
  const at = cell.ownerIds.indexOf(owner);
  if (at < 0) {
    cell.ownerIds.push(owner);
    cell.ownerCounts.push(count);
  } else {
    cell.ownerCounts[at] = (cell.ownerCounts[at] as number) + count;
  }
}

/** Adds one record of `owner`, whose fixed key is `key`, to a cell. */
export function countRecord(cell: CellCount, owner: number, key: number): void {
  cell.records += 1;
  cell.cellKey = addKey(cell.cellKey, key);
  addOwner(cell, owner, 1);
}

/** Adds a cell of disjoint records (another month of the same quarter or year) into `into`. */
export function mergeCount(into: CellCount, from: CellCount): void {
  into.records += from.records;
  into.cellKey = addKey(into.cellKey, from.cellKey);
  from.ownerIds.forEach((owner, index) => addOwner(into, owner, from.ownerCounts[index] as number));
}

/** Owners numbered in the order they come, so a cell compares numbers, not codes. */
export class OwnerNumbers {
  private readonly numbers = new Map<string, number>();

  of(owner: string): number {
    let number = this.numbers.get(owner);
    if (number === undefined) {
      number = this.numbers.size;
      this.numbers.set(owner, number);
    }
    return number;
  }
}

/** A cell of a closed period, before the thresholds. */
export interface PeriodCell<T extends string, C extends CellCount> {
  table: T;
  period: string;
  keys: string[];
  cell: C;
}

/** A release's cells by table, month and keys; `periods` rolls them up into every closed period. */
export class MonthCells<T extends string, C extends CellCount> {
  private readonly months = new Map<string, { table: T; month: number; keys: string[]; cell: C }>();

  constructor(
    private readonly make: (table: T) => C,
    private readonly merge: (into: C, from: C) => void,
  ) {}

  /** The cell of a table, month and keys, made empty the first time. */
  cell(table: T, month: number, keys: string[]): C {
    const id = `${table}\u0001${month}\u0001${keys.join('\u0001')}`;
    let found = this.months.get(id);
    if (!found) {
      found = { table, month, keys, cell: this.make(table) };
      this.months.set(id, found);
    }
    return found.cell;
  }

  /** Every month, quarter and year that closed before `cutoffMonth`, made from its months' cells. */
  periods(cutoffMonth: number): PeriodCell<T, C>[] {
    const periods = new Map<string, PeriodCell<T, C>>();
    for (const { table, month, keys, cell } of this.months.values()) {
      for (const interval of RELEASE_INTERVALS) {
        if (!periodClosed(month, interval, cutoffMonth)) continue;
        const period = periodOf(month, interval);
        const id = `${table}\u0001${period}\u0001${keys.join('\u0001')}`;
        let target = periods.get(id);
        if (!target) {
          target = { table, period, keys, cell: this.make(table) };
          periods.set(id, target);
        }
        this.merge(target.cell, cell);
      }
    }
    return [...periods.values()];
  }
}

/**
 * The shown count of a cell, or null when it does not pass the thresholds at k = 5 (then it is not
 * stored at all, so it is absent exactly like a cell with no records). `published`: it passes k = 11.
 */
export function shownCount(cell: CellContributions): { published: boolean; count: number } | null {
  if (!passes(cell, K_PLATFORM)) return null;
  const published = passes(cell, K_PUBLISHED);
  return { published, count: perturbCount(cell.records, cell.cellKey, published ? K_PUBLISHED : K_PLATFORM) };
}

/**
 * Records of one owner in one cell of one month, added up where they are stored (a release of
 * millions of records reads one row per table, month, keys and owner): how many, and the sum of
 * their fixed keys modulo 2^32.
 */
export interface CountedGroup<T extends string> {
  table: T;
  keys: string[];
  month: number;
  owner: string;
  records: number;
  keySum: number;
}

/** A released cell of counts: perturbed, of a cell that passed the thresholds. */
export interface ReleasedCount<T extends string> {
  table: T;
  period: string;
  keys: string[];
  published: boolean;
  count: number;
}

/** A release whose tables only count records: every cell of a closed period that passes, perturbed. */
export function releaseCounts<T extends string>(groups: readonly CountedGroup<T>[], cutoffMonth: number): ReleasedCount<T>[] {
  const owners = new OwnerNumbers();
  const months = new MonthCells<T, CellCount>(emptyCount, mergeCount);
  for (const group of groups) {
    // A month that has not closed is in no period of the release (a quarter or year ends with one of its months).
    if (group.month >= cutoffMonth || group.records <= 0) continue;
    const part: CellCount = { records: group.records, cellKey: group.keySum >>> 0, ownerIds: [owners.of(group.owner)], ownerCounts: [group.records] };
    mergeCount(months.cell(group.table, group.month, group.keys), part);
  }
  return months.periods(cutoffMonth).flatMap(({ table, period, keys, cell }) => {
    const shown = shownCount(cell);
    return shown ? [{ table, period, keys, ...shown }] : [];
  });
}
