import type { RawCell } from './figures.js';

/**
 * The analysis store's building blocks (fact-store.ts): dictionaries of codes, a typed hash table
 * of report ids, and the hot loops of an aggregation as small functions of typed arrays, each
 * optimised by V8 on its own.
 */

/** Strings and string lists to small integers; 0 stands for NULL. */
export class Dictionary {
  readonly values: (string | null)[] = [null];
  private readonly ids = new Map<string, number>();
  id(value: string | null): number {
    if (value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
  find(value: string): number | undefined {
    return this.ids.get(value);
  }
}


/**
 * UUIDs to slot numbers: open addressing with linear probing over a typed array of the ids' four
 * 32-bit words and their slots, tombstones for removed ids, doubled when half full.
 */
export class SlotTable {
  private words = new Uint32Array(0);
  /** Per table entry: slot + 1; 0 empty, -1 removed. */
  private entries = new Int32Array(0);
  private used = 0;
  size = 0;

  constructor() {
    this.clear();
  }

  clear(): void {
    this.words = new Uint32Array(1024 * 4);
    this.entries = new Int32Array(1024);
    this.used = 0;
    this.size = 0;
  }

  private static parse(id: string, into: Uint32Array): void {
    const hex = id.replace(/-/g, '');
    if (hex.length !== 32) throw new Error(`not a uuid: ${id}`);
    for (let w = 0; w < 4; w++) into[w] = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16);
  }

  private readonly key = new Uint32Array(4);

  /** The entry of the id, or of the first free place for it (-(index) - 1). */
  private find(words: Uint32Array): number {
    const mask = this.entries.length - 1;
    let index = (Math.imul((words[0] as number) ^ (words[3] as number), 0x9e3779b1) >>> 0) & mask;
    let free = -1;
    for (;;) {
      const entry = this.entries[index] as number;
      if (entry === 0) return -((free >= 0 ? free : index) + 1);
      if (entry === -1) {
        if (free < 0) free = index;
      } else {
        const at = index * 4;
        if (this.words[at] === words[0] && this.words[at + 1] === words[1] && this.words[at + 2] === words[2] && this.words[at + 3] === words[3]) return index;
      }
      index = (index + 1) & mask;
    }
  }

  get(id: string): number {
    SlotTable.parse(id, this.key);
    const index = this.find(this.key);
    return index >= 0 ? (this.entries[index] as number) - 1 : -1;
  }

  set(id: string, slot: number): void {
    SlotTable.parse(id, this.key);
    let index = this.find(this.key);
    if (index >= 0) {
      this.entries[index] = slot + 1;
      return;
    }
    index = -index - 1;
    if (this.entries[index] === 0) this.used++;
    this.entries[index] = slot + 1;
    this.words.set(this.key, index * 4);
    this.size++;
    if (this.used * 2 > this.entries.length) this.rehash();
  }

  delete(id: string): void {
    SlotTable.parse(id, this.key);
    const index = this.find(this.key);
    if (index < 0) return;
    this.entries[index] = -1;
    this.size--;
  }

  private rehash(): void {
    const { words, entries } = this;
    const length = Math.max(1024, 2 ** Math.ceil(Math.log2(this.size * 4 + 1)));
    this.words = new Uint32Array(length * 4);
    this.entries = new Int32Array(length);
    this.used = 0;
    const key = new Uint32Array(4);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i] as number;
      if (entry <= 0) continue;
      key.set(words.subarray(i * 4, i * 4 + 4));
      const index = -this.find(key) - 1;
      this.entries[index] = entry;
      this.words.set(key, index * 4);
      this.used++;
    }
  }
}

export function grow<T extends Int32Array | Float64Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

export function denseCells(keys: Float64Array, n: number, cellOf: Int32Array, dense: Int32Array): number[] {
  const cellKeys: number[] = [];
  for (let j = 0; j < n; j++) {
    const key = keys[j] as number;
    let cell = dense[key] as number;
    if (cell < 0) {
      cell = cellKeys.length;
      dense[key] = cell;
      cellKeys.push(key);
    }
    cellOf[j] = cell;
  }
  for (const key of cellKeys) dense[key] = -1;
  return cellKeys;
}

export function fillLists(column: Int32Array, rows: Int32Array, n: number, keys: Float64Array, multiplier: number): void {
  for (let j = 0; j < n; j++) keys[j] = (keys[j] as number) + (column[rows[j] as number] as number) * multiplier;
}

export function sparseCells(keys: Float64Array, n: number, cellOf: Int32Array): number[] {
  const sparse = new Map<number, number>();
  const cellKeys: number[] = [];
  for (let j = 0; j < n; j++) {
    const key = keys[j] as number;
    let cell = sparse.get(key);
    if (cell === undefined) {
      cell = cellKeys.length;
      sparse.set(key, cell);
      cellKeys.push(key);
    }
    cellOf[j] = cell;
  }
  return cellKeys;
}

export function countCells(cellOf: Int32Array, n: number, counts: Int32Array): void {
  for (let j = 0; j < n; j++) {
    const cell = cellOf[j] as number;
    counts[cell] = (counts[cell] as number) + 1;
  }
}

/** The figures of each entry's row added to its cell's sums; written out for the 15, as a loop over them is slower on this hot path. */
export function sumFigures(cellOf: Int32Array, rows: Int32Array, n: number, figures: Int32Array, sums: Float64Array): void {
  for (let j = 0; j < n; j++) {
    const a = (rows[j] as number) * 15;
    const b = (cellOf[j] as number) * 15;
    sums[b] = (sums[b] as number) + (figures[a] as number);
    sums[b + 1] = (sums[b + 1] as number) + (figures[a + 1] as number);
    sums[b + 2] = (sums[b + 2] as number) + (figures[a + 2] as number);
    sums[b + 3] = (sums[b + 3] as number) + (figures[a + 3] as number);
    sums[b + 4] = (sums[b + 4] as number) + (figures[a + 4] as number);
    sums[b + 5] = (sums[b + 5] as number) + (figures[a + 5] as number);
    sums[b + 6] = (sums[b + 6] as number) + (figures[a + 6] as number);
    sums[b + 7] = (sums[b + 7] as number) + (figures[a + 7] as number);
    sums[b + 8] = (sums[b + 8] as number) + (figures[a + 8] as number);
    sums[b + 9] = (sums[b + 9] as number) + (figures[a + 9] as number);
    sums[b + 10] = (sums[b + 10] as number) + (figures[a + 10] as number);
    sums[b + 11] = (sums[b + 11] as number) + (figures[a + 11] as number);
    sums[b + 12] = (sums[b + 12] as number) + (figures[a + 12] as number);
    sums[b + 13] = (sums[b + 13] as number) + (figures[a + 13] as number);
    sums[b + 14] = (sums[b + 14] as number) + (figures[a + 14] as number);
  }
}

/** Each entry's value from `column`, grouped by cell at the cells' offsets. */
export function groupValues(cellOf: Int32Array, rows: Int32Array, n: number, column: Float64Array, offsets: Int32Array): Float64Array {
  const at = offsets.slice(0, offsets.length - 1);
  const values = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const cell = cellOf[j] as number;
    values[at[cell] as number] = column[rows[j] as number] as number;
    at[cell] = (at[cell] as number) + 1;
  }
  return values;
}

/**
 * percentile_cont(0.5), min and max as PostgreSQL computes them (lo + (position - floor) * (hi - lo)),
 * with the order statistics found by selection rather than a sort. Reorders `values`.
 */
export function median(values: Float64Array): RawCell['fee'] {
  const n = values.length;
  if (n === 0) return null;
  let min = values[0] as number;
  let max = min;
  for (let i = 1; i < n; i++) {
    const value = values[i] as number;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const position = 0.5 * (n - 1);
  const low = Math.floor(position);
  const lo = select(values, low);
  let hi = lo;
  if (position > low) {
    // The next order statistic: the smallest value right of the selected one.
    hi = values[low + 1] as number;
    for (let i = low + 2; i < n; i++) if ((values[i] as number) < hi) hi = values[i] as number;
  }
  return { median: lo + (position - low) * (hi - lo), min, max };
}

/** The k-th smallest value (Hoare's selection); afterwards values[k] holds it, smaller ones left, larger right. */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (right > left) {
    const pivot = values[(left + right) >>> 1] as number;
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const swap = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swap;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k] as number;
}
