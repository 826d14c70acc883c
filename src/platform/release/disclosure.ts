/**
 * Disclosure control of a regional release (DESIGN.md §3, rule 6), whatever module's records it
 * counts: which cells may be shown, and the cell-key perturbation of what is shown. Pure functions
 * over a cell's contributions.
 *
 * - **Thresholds.** A cell is shown only when it holds at least k records (5 inside the platform,
 *   11 in anything published or exported) from at least 3 owners, and its two largest owners hold
 *   at most 85% of its records (a dominance rule, against padding by one member or two in concert).
 *   A cell that fails is not stored at all, so it is absent exactly like a cell with no records.
 * - **Counts** (the cell-key method of the Australian Bureau of Statistics' TableBuilder): every
 *   record carries a fixed random 32-bit key; a cell's key is the sum of its records' keys modulo
 *   2^32, and its count noise is read from a fixed table at the cell key's low byte. The same records
 *   always give the same noise, so asking again, or in another table, averages nothing away.
 * - **Sums** (magnitudes) are perturbed in proportion to their two largest contributions, with
 *   multipliers read from a fixed table at positions drawn from the cell key, never by zero: a sum
 *   that is not zero always moves, so subtracting two shown cells never gives back one record's figure
 *   exactly, whatever the attacker padded them with.
 */

export const K_PLATFORM = 5;
export const K_PUBLISHED = 11;
const MIN_OWNERS = 3;
const DOMINANCE_SHARE = 0.85;

/** What a cell holds before it is released. */
export interface CellContributions {
  /** Number of records. */
  records: number;
  /** Records per owner (one entry an owner). */
  ownerCounts: readonly number[];
  /** Sum of the records' keys, modulo 2^32. */
  cellKey: number;
}

/** Rule 6's thresholds for a level k. */
export function passes(cell: CellContributions, k: number): boolean {
  if (cell.records < k || cell.ownerCounts.length < MIN_OWNERS) return false;
  let first = 0;
  let second = 0;
  for (const count of cell.ownerCounts) {
    if (count > first) {
      second = first;
      first = count;
    } else if (count > second) {
      second = count;
    }
  }
  return first + second <= DOMINANCE_SHARE * cell.records;
}

/** The sum of keys modulo 2^32, kept as an unsigned integer. */
export function addKey(cellKey: number, recordKey: number): number {
  return (cellKey + recordKey) >>> 0;
}

// Count noise: a zero-mean distribution over -2..2, truncated so that a shown count never falls
// below the threshold it passed. Row 0 is a count at the threshold, row 1 one above, row 2 the rest.
const COUNT_NOISE: readonly [number, number][] = [[-2, 0.1], [-1, 0.2], [0, 0.4], [1, 0.2], [2, 0.1]];
const COUNT_TABLE: readonly Int8Array[] = [0, 1, 2].map((row) => {
  const allowed = COUNT_NOISE.filter(([noise]) => noise >= -row);
  const total = allowed.reduce((sum, [, p]) => sum + p, 0);
  const table = new Int8Array(256);
  for (let index = 0; index < 256; index++) {
    const u = ((index + 0.5) / 256) * total;
    let cumulative = 0;
    let chosen = allowed[allowed.length - 1]?.[0] ?? 0;
    for (const [noise, p] of allowed) {
      cumulative += p;
      if (u < cumulative) {
        chosen = noise;
        break;
      }
    }
    table[index] = chosen;
  }
  return table;
});

// Magnitude multipliers: 256 values, half negative, of size 0.5 to 1.5 (narrower ones let two cells' noises
// cancel too often for differencing to fail: see disclosure.test.ts's dense worlds).
const MULTIPLIERS: Float64Array = (() => {
  const table = new Float64Array(256);
  for (let index = 0; index < 256; index++) table[index] = (index & 1 ? 1 : -1) * (0.5 + (index >> 1) / 127);
  return table;
})();

/** A 32-bit mix of the cell key and a position (murmur3's finaliser), for independent table indexes. */
function mix(cellKey: number, salt: number): number {
  let h = (cellKey ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The shown count of a cell that passed threshold `k`. */
export function perturbCount(records: number, cellKey: number, k: number): number {
  const row = COUNT_TABLE[Math.min(Math.max(records - k, 0), 2)] as Int8Array;
  return records + (row[cellKey & 255] as number);
}

/**
 * The shown value of a sum whose two largest contributions are `top1` and `top2`; `position` tells
 * the figures of one cell apart. `step` is the unit the noise is rounded to (1 for counts of
 * people, 0.01 for money).
 */
export function perturbSum(sum: number, top1: number, top2: number, cellKey: number, position: number, step = 1): number {
  if (sum === 0) return 0;
  const m1 = MULTIPLIERS[mix(cellKey, 2 * position) & 255] as number;
  const m2 = MULTIPLIERS[mix(cellKey, 2 * position + 1) & 255] as number;
  let noise = Math.round((m1 * top1 + m2 * top2) / step);
  if (noise === 0) noise = m1 > 0 ? 1 : -1;
  return Math.max(0, Math.round(sum / step + noise)) * step;
}
