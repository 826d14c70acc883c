/**
 * The vectors themselves, unit length, in one Float32Array (a row per slot) with a key per slot and a
 * key→slot map; removed slots are reused. No JS object per vector, so a million 512-d vectors are
 * 2 GiB of one buffer. Exact search reads every live row: it is the reference the approximate index
 * is checked against, and what answers below its threshold.
 */

export interface VectorHit {
  key: bigint;
  /** Cosine similarity, -1..1. */
  similarity: number;
}

/** usearch keeps the largest 64-bit key for its free slots, so a caller's key is below it. */
export const MAX_KEY = 2n ** 64n - 2n;
const MIN_SLOTS = 64;

/** Throws unless the key is a whole number that fits usearch's 64-bit keys. */
export function checkKey(key: bigint): void {
  if (typeof key !== 'bigint' || key < 0n || key > MAX_KEY) throw new Error(`a vector's key is a bigint from 0 to 2^64 - 2, not ${String(key)}`);
}

/**
 * Writes `source[from .. from+dimensions)` scaled to unit length into `target` at `at`; throws on a
 * non-finite value or a zero vector (which has no direction to compare).
 */
export function normaliseInto(source: Float32Array, from: number, dimensions: number, target: Float32Array, at: number): void {
  let sum = 0;
  for (let i = 0; i < dimensions; i++) {
    const value = source[from + i]!;
    if (!Number.isFinite(value)) throw new Error(`a vector's values must be finite numbers; value ${i} is ${value}`);
    sum += value * value;
  }
  if (sum === 0 || !Number.isFinite(sum)) throw new Error('a vector of zeros (or one too large to square) has no direction to compare');
  const scale = 1 / Math.sqrt(sum);
  for (let i = 0; i < dimensions; i++) target[at + i] = source[from + i]! * scale;
}

/** Keeps the best `k` (key, similarity) pairs seen, best first, in two parallel arrays. */
export class TopK {
  readonly keys: bigint[] = [];
  readonly similarities: number[] = [];
  constructor(private readonly k: number, private readonly min: number) {}

  /** The similarity a candidate must beat to enter. */
  get floor(): number {
    return this.similarities.length < this.k ? this.min : this.similarities[this.k - 1]!;
  }

  offer(key: bigint, similarity: number): void {
    if (similarity < this.min || (this.similarities.length === this.k && similarity <= this.similarities[this.k - 1]!)) return;
    let at = this.similarities.length < this.k ? this.similarities.length : this.k - 1;
    while (at > 0 && this.similarities[at - 1]! < similarity) {
      this.similarities[at] = this.similarities[at - 1]!;
      this.keys[at] = this.keys[at - 1]!;
      at--;
    }
    this.similarities[at] = similarity;
    this.keys[at] = key;
  }

  hits(): VectorHit[] {
    return this.keys.map((key, i) => ({ key, similarity: this.similarities[i]! }));
  }
}

export class VectorArena {
  /** Row `slot` is `vectors[slot*dimensions .. (slot+1)*dimensions)`. */
  vectors: Float32Array;
  /** The key in each slot; meaningless for a free slot. */
  keys: BigUint64Array;
  /** 1 where the slot holds a vector. */
  live: Uint8Array;
  /** Slots below this have been used; exact search reads no further. */
  used = 0;
  private readonly slots = new Map<bigint, number>();
  private free: number[] = [];

  constructor(readonly dimensions: number, expected = MIN_SLOTS) {
    const capacity = Math.max(MIN_SLOTS, expected);
    this.vectors = new Float32Array(capacity * dimensions);
    this.keys = new BigUint64Array(capacity);
    this.live = new Uint8Array(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  /** True when the live vectors fill slots 0..size-1 (no holes): they can be handed over without a copy. */
  get dense(): boolean {
    return this.used === this.slots.size;
  }

  slotOf(key: bigint): number | undefined {
    return this.slots.get(key);
  }

  /**
   * Stores the vector (normalised) under the key and returns its slot: the key's old slot when it was
   * there before, else a free or new one. Validates everything before writing anything.
   */
  put(key: bigint, source: Float32Array, from: number): number {
    const existing = this.slots.get(key);
    const scratch = this.scratch;
    normaliseInto(source, from, this.dimensions, scratch, 0);
    let slot = existing;
    if (slot === undefined) {
      slot = this.free.pop() ?? this.nextSlot();
      this.slots.set(key, slot);
      this.keys[slot] = key;
      this.live[slot] = 1;
    }
    this.vectors.set(scratch, slot * this.dimensions);
    return slot;
  }

  /** Frees the key's slot; false when the key was not there. */
  delete(key: bigint): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.live[slot] = 0;
    this.vectors.fill(0, slot * this.dimensions, (slot + 1) * this.dimensions);
    this.free.push(slot);
    return true;
  }

  /** Cosine of a unit probe with the vector in a slot (both unit length: their dot product). */
  similarity(probe: Float32Array, slot: number): number {
    const vectors = this.vectors;
    const dimensions = this.dimensions;
    const base = slot * dimensions;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let i = 0;
    // Four running sums let the CPU overlap the multiply-adds.
    for (; i + 3 < dimensions; i += 4) {
      a += probe[i]! * vectors[base + i]!;
      b += probe[i + 1]! * vectors[base + i + 1]!;
      c += probe[i + 2]! * vectors[base + i + 2]!;
      d += probe[i + 3]! * vectors[base + i + 3]!;
    }
    for (; i < dimensions; i++) a += probe[i]! * vectors[base + i]!;
    return a + b + c + d;
  }

  /** Every live vector compared with the unit probe. */
  exact(probe: Float32Array, k: number, min: number): VectorHit[] {
    const top = new TopK(k, min);
    this.scan(probe, top, 0, this.used);
    return top.hits();
  }

  /** Offers every live vector in slots from..to-1 to `top`. */
  scan(probe: Float32Array, top: TopK, from: number, to: number): void {
    const live = this.live;
    const keys = this.keys;
    for (let slot = from; slot < to; slot++) {
      if (live[slot] === 0) continue;
      const similarity = this.similarity(probe, slot);
      if (similarity >= top.floor) top.offer(keys[slot]!, similarity);
    }
  }

  /** The row of a slot, without a copy (valid until the arena grows). */
  row(slot: number): Float32Array {
    return this.vectors.subarray(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  clear(): void {
    this.slots.clear();
    this.free = [];
    this.used = 0;
    this.vectors = new Float32Array(0);
    this.keys = new BigUint64Array(0);
    this.live = new Uint8Array(0);
  }

  private scratchRow: Float32Array | undefined;
  private get scratch(): Float32Array {
    this.scratchRow ??= new Float32Array(this.dimensions);
    return this.scratchRow;
  }

  private nextSlot(): number {
    if (this.used === this.keys.length) this.grow(Math.max(MIN_SLOTS, this.keys.length * 2));
    return this.used++;
  }

  /** Makes room for at least `slots` slots in all. */
  reserve(slots: number): void {
    if (slots > this.keys.length) this.grow(slots);
  }

  private grow(capacity: number): void {
    const vectors = new Float32Array(capacity * this.dimensions);
    vectors.set(this.vectors.subarray(0, this.used * this.dimensions));
    const keys = new BigUint64Array(capacity);
    keys.set(this.keys.subarray(0, this.used));
    const live = new Uint8Array(capacity);
    live.set(this.live.subarray(0, this.used));
    this.vectors = vectors;
    this.keys = keys;
    this.live = live;
  }
}
