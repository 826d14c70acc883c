/**
 * A cosine vector index in memory: exact search over every vector while the index is small, and an
 * approximate one (usearch's HNSW graph) from `approximateFrom` vectors on, whose candidates are
 * re-scored exactly. It holds copies: the caller's database is the truth, and the caller keeps the
 * index in step (README.md).
 */
import { Index, MetricKind, ScalarKind } from 'usearch';
import { checkKey, normaliseInto, TopK, VectorArena, type VectorHit } from './arena.js';

export type { VectorHit } from './arena.js';

export type Quantization = 'f32' | 'f16' | 'i8';

export interface VectorIndexOptions {
  dimensions: number;
  /** From this many vectors the approximate index (usearch HNSW) answers; below it, exact search. */
  approximateFrom?: number;
  /** How the approximate index stores its copy of each vector; exact search and re-scoring use f32. */
  quantization?: Quantization;
  /** HNSW edges per node (M). */
  connectivity?: number;
  /** HNSW beam width while inserting (ef_add). */
  expansionAdd?: number;
  /** HNSW beam width while searching (ef_search). */
  expansionSearch?: number;
  /** Candidates asked of the approximate index per search (at least k), re-scored exactly on the f32 vectors. */
  candidates?: number;
  /** Threads usearch may use for a bulk add (0: all cores). */
  threads?: number;
}

/** Defaults chosen by bench/biometrics-search.ts (src/platform/vectors/README.md gives the figures). */
export const DEFAULTS = {
  approximateFrom: 20_000,
  quantization: 'i8' as Quantization,
  connectivity: 32,
  expansionAdd: 128,
  expansionSearch: 256,
  candidates: 64,
  threads: 0,
} as const;

const SCALARS: Record<Quantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 };

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} is a whole number of at least 1, not ${value}`);
  return value;
}

export class VectorIndex {
  readonly dimensions: number;
  readonly approximateFrom: number;
  /** Candidates asked of the approximate index per search; may be changed at any time (it also widens HNSW's beam). */
  candidates: number;
  private readonly settings: Required<Omit<VectorIndexOptions, 'dimensions' | 'approximateFrom' | 'candidates'>>;
  private arena: VectorArena;
  /** Built once the index reaches approximateFrom, then kept in step with every change. */
  private approximate: Index | undefined;
  private readonly probe: Float32Array;
  private closed = false;

  constructor(options: VectorIndexOptions) {
    this.dimensions = positiveInteger(options.dimensions, 'dimensions');
    this.approximateFrom = positiveInteger(options.approximateFrom ?? DEFAULTS.approximateFrom, 'approximateFrom');
    const quantization = options.quantization ?? DEFAULTS.quantization;
    if (!(quantization in SCALARS)) throw new Error(`quantization is f32, f16 or i8, not ${quantization as string}`);
    this.settings = {
      quantization,
      connectivity: positiveInteger(options.connectivity ?? DEFAULTS.connectivity, 'connectivity'),
      expansionAdd: positiveInteger(options.expansionAdd ?? DEFAULTS.expansionAdd, 'expansionAdd'),
      expansionSearch: positiveInteger(options.expansionSearch ?? DEFAULTS.expansionSearch, 'expansionSearch'),
      threads: options.threads ?? DEFAULTS.threads,
    };
    this.candidates = positiveInteger(options.candidates ?? DEFAULTS.candidates, 'candidates');
    this.arena = new VectorArena(this.dimensions);
    this.probe = new Float32Array(this.dimensions);
  }

  get size(): number {
    return this.arena.size;
  }

  /** True once the approximate index exists (the index has reached approximateFrom at least once). */
  get approximateBuilt(): boolean {
    return this.approximate !== undefined;
  }

  has(key: bigint): boolean {
    return this.arena.slotOf(key) !== undefined;
  }

  /** Adds the vector (normalised) under the key; a key added before takes the new vector. */
  add(key: bigint, vector: Float32Array): void {
    this.checkOpen();
    checkKey(key);
    this.checkLength(vector, 1);
    const replaced = this.has(key);
    const slot = this.arena.put(key, vector, 0);
    if (this.approximate) {
      if (replaced) this.approximate.remove(key);
      this.approximate.add(key, this.arena.vectors.subarray(slot * this.dimensions, (slot + 1) * this.dimensions), 1);
    } else if (this.size >= this.approximateFrom) {
      this.build();
    }
  }

  /**
   * Adds many vectors (`vectors` holds keys.length rows one after another), as at start from the
   * database; the approximate index inserts them on several threads. Nothing is added when any row is
   * invalid.
   */
  addMany(keys: BigUint64Array, vectors: Float32Array): void {
    this.checkOpen();
    this.checkLength(vectors, keys.length);
    const scratch = new Float32Array(this.dimensions);
    for (let row = 0; row < keys.length; row++) {
      checkKey(keys[row]!);
      normaliseInto(vectors, row * this.dimensions, this.dimensions, scratch, 0);
    }
    this.arena.reserve(this.arena.used + keys.length);
    const firstNew = this.arena.used;
    const changed = new Set<bigint>();
    for (let row = 0; row < keys.length; row++) {
      const key = keys[row]!;
      if (this.approximate && this.has(key) && !changed.has(key)) this.approximate.remove(key);
      this.arena.put(key, vectors, row * this.dimensions);
      changed.add(key);
    }
    if (!this.approximate) {
      if (this.size >= this.approximateFrom) this.build();
      return;
    }
    // A fresh batch of distinct new keys sits in consecutive slots: hand them over without a copy.
    if (changed.size === keys.length && this.arena.used - firstNew === keys.length) {
      this.approximate.add(keys, this.arena.vectors.subarray(firstNew * this.dimensions, this.arena.used * this.dimensions), this.settings.threads);
    } else {
      this.addRows([...changed]);
    }
  }

  /** Removes the key; false when it was not there. */
  remove(key: bigint): boolean {
    this.checkOpen();
    if (!this.arena.delete(key)) return false;
    this.approximate?.remove(key);
    return true;
  }

  /** The k most similar with similarity >= min, best first: approximate past the threshold. */
  search(probe: Float32Array, k: number, min = -1): VectorHit[] {
    const unit = this.prepare(probe, k);
    if (!this.approximate || this.size < this.approximateFrom) return this.arena.exact(unit, k, min);
    const wanted = Math.max(k, this.candidates);
    const found = this.approximate.search(unit, wanted, 1);
    // usearch's own distances are on its quantised copy; the f32 vectors give the exact cosine.
    const top = new TopK(k, min);
    for (const key of found.keys) {
      const slot = this.arena.slotOf(key);
      if (slot !== undefined) top.offer(key, this.arena.similarity(unit, slot));
    }
    return top.hits();
  }

  /** Brute force over every vector: the reference. */
  exactSearch(probe: Float32Array, k: number, min = -1): VectorHit[] {
    return this.arena.exact(this.prepare(probe, k), k, min);
  }

  /** Drops every vector and the approximate index; the object cannot be used afterwards. */
  close(): void {
    this.closed = true;
    this.approximate = undefined;
    this.arena.clear();
  }

  private build(): void {
    const index = new Index({
      dimensions: this.dimensions,
      metric: MetricKind.Cos,
      quantization: SCALARS[this.settings.quantization],
      connectivity: this.settings.connectivity,
      expansion_add: this.settings.expansionAdd,
      expansion_search: this.settings.expansionSearch,
      multi: false,
    });
    this.approximate = index;
    const arena = this.arena;
    if (arena.dense) {
      index.add(arena.keys.subarray(0, arena.used), arena.vectors.subarray(0, arena.used * this.dimensions), this.settings.threads);
    } else {
      const keys: bigint[] = [];
      for (let slot = 0; slot < arena.used; slot++) if (arena.live[slot] === 1) keys.push(arena.keys[slot]!);
      this.addRows(keys);
    }
  }

  /** Copies the keys' rows together and adds them to the approximate index. */
  private addRows(keys: bigint[]): void {
    if (keys.length === 0) return;
    const rows = new Float32Array(keys.length * this.dimensions);
    keys.forEach((key, row) => {
      const slot = this.arena.slotOf(key)!;
      rows.set(this.arena.vectors.subarray(slot * this.dimensions, (slot + 1) * this.dimensions), row * this.dimensions);
    });
    this.approximate!.add(BigUint64Array.from(keys), rows, this.settings.threads);
  }

  private prepare(probe: Float32Array, k: number): Float32Array {
    this.checkOpen();
    positiveInteger(k, 'k');
    this.checkLength(probe, 1);
    normaliseInto(probe, 0, this.dimensions, this.probe, 0);
    return this.probe;
  }

  private checkLength(vectors: Float32Array, rows: number): void {
    if (!(vectors instanceof Float32Array)) throw new Error('vectors are Float32Arrays');
    if (vectors.length !== rows * this.dimensions) {
      throw new Error(rows === 1
        ? `a vector has ${this.dimensions} values, not ${vectors.length}`
        : `${rows} vectors of ${this.dimensions} values are ${rows * this.dimensions} values, not ${vectors.length}`);
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('the vector index is closed');
  }
}
