/**
 * A cosine vector index in memory: exact search over every vector while the index is small, and an
 * approximate one (usearch's HNSW graph) from `approximateFrom` vectors on, whose candidates are
 * re-scored exactly. The graph is built in the background in short turns, so a large build never
 * blocks the event loop; until it holds a vector, searches compare that vector exactly. It holds
 * copies: the caller's database is the truth, and the caller keeps the index in step (README.md).
 */
import { Index, MetricKind, ScalarKind } from 'usearch';
import { checkKey, normaliseInto, TopK, VectorArena, type VectorHit } from './arena.js';
import { nextTurn, Pace } from './pace.js';

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
  /** HNSW beam width while searching (ef_search); a search asking for more candidates widens it to them. */
  expansionSearch?: number;
  /** Candidates asked of the approximate index per search (at least k), re-scored exactly on the f32 vectors. */
  candidates?: number;
  /**
   * Threads usearch may use while inserting (0: all cores). Every insertion uses the same number:
   * usearch sizes its per-thread state when it grows, and a call with more threads fails.
   */
  threads?: number;
  /** About how long one turn of the background build, or of addMany's loading, may hold the event loop. */
  turnMilliseconds?: number;
}

export interface AddManyOptions {
  /** Stops the loading before its next turn (rows loaded so far stay); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Defaults chosen by bench/biometrics-search.ts (src/platform/vectors/README.md gives the figures). */
export const DEFAULTS = {
  approximateFrom: 20_000,
  quantization: 'i8' as Quantization,
  connectivity: 32,
  expansionAdd: 128,
  // usearch's own beam; a search asks for `candidates`, which widens the beam to them (the knob that counts).
  expansionSearch: 64,
  candidates: 512,
  // One: with two, usearch's concurrent insertions left 0.005–0.15% of the nodes unreachable by any
  // search (templates never found); with one, none in the same runs, for 1.0–1.9 times the build time.
  threads: 1,
  turnMilliseconds: 25,
} as const;

const SCALARS: Record<Quantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 };
/** Rows of the first turn: loading a row is a few microseconds, inserting one into the graph up to a millisecond. */
const FIRST_LOAD_ROWS = 256;
const FIRST_BUILD_ROWS = 16;

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
  /** Created once the index reaches approximateFrom, then kept in step with every change. */
  private approximate: Index | undefined;
  /**
   * The build's cursor: the approximate index holds the current vector of every live slot below it
   * and nothing else. A change to a slot below it is applied to the graph at once; a slot at or past
   * it waits for the build, and searches compare it exactly meanwhile.
   */
  private indexed = 0;
  private building: Promise<void> | undefined;
  private buildPace: Pace;
  /** Why the approximate index was given up (usearch threw); searches stay exact from then on. */
  private failure: unknown;
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
      turnMilliseconds: positiveInteger(options.turnMilliseconds ?? DEFAULTS.turnMilliseconds, 'turnMilliseconds'),
    };
    this.candidates = positiveInteger(options.candidates ?? DEFAULTS.candidates, 'candidates');
    this.arena = new VectorArena(this.dimensions);
    this.buildPace = new Pace(this.settings.turnMilliseconds, FIRST_BUILD_ROWS);
    this.probe = new Float32Array(this.dimensions);
  }

  get size(): number {
    return this.arena.size;
  }

  /** True when the approximate index exists and holds every vector (searches use it from approximateFrom vectors on). */
  get approximateReady(): boolean {
    return this.approximate !== undefined && this.indexed >= this.arena.used;
  }

  /** Why the approximate index was given up, when usearch threw (searches are exact from then on); else undefined. */
  get approximateFailure(): unknown {
    return this.failure;
  }

  /** The longest turn the background build has held the event loop so far, in milliseconds. */
  get longestBuildTurn(): number {
    return this.buildPace.longest;
  }

  /**
   * Resolves when the approximate index holds every vector, or at once when none is needed yet or the
   * index is closed; rejects when usearch failed (searches are then exact).
   */
  async whenApproximateReady(): Promise<void> {
    while (this.building) await this.building;
    if (this.failure !== undefined) throw this.failure instanceof Error ? this.failure : new Error('usearch failed', { cause: this.failure });
  }

  has(key: bigint): boolean {
    return this.arena.slotOf(key) !== undefined;
  }

  /** Adds the vector (normalised) under the key; a key added before takes the new vector. Searchable at once. */
  add(key: bigint, vector: Float32Array): void {
    this.checkOpen();
    checkKey(key);
    this.checkLength(vector, 1);
    this.put(key, vector, 0);
    this.startBuild();
  }

  /**
   * Adds many vectors (`vectors` holds keys.length rows one after another), as at start from the
   * database, in turns that leave the event loop free; a later row wins over an earlier one with the
   * same key. Nothing is added when any row is invalid. Resolves once every row is searchable (exactly
   * until the background build reaches it: whenApproximateReady). The arrays must not change meanwhile.
   */
  async addMany(keys: BigUint64Array, vectors: Float32Array, options: AddManyOptions = {}): Promise<void> {
    this.checkOpen();
    this.checkLength(vectors, keys.length);
    for (const key of keys) checkKey(key);
    const scratch = new Float32Array(this.dimensions);
    await this.inTurns(keys.length, options.signal, (from, to) => {
      for (let row = from; row < to; row++) normaliseInto(vectors, row * this.dimensions, this.dimensions, scratch, 0);
    });
    this.arena.reserve(this.arena.used + keys.length);
    await this.inTurns(keys.length, options.signal, (from, to) => {
      for (let row = from; row < to; row++) this.put(keys[row]!, vectors, row * this.dimensions);
    });
    this.startBuild();
  }

  /** Removes the key; false when it was not there. */
  remove(key: bigint): boolean {
    this.checkOpen();
    const slot = this.arena.slotOf(key);
    if (slot === undefined) return false;
    this.arena.delete(key);
    if (slot < this.indexed) this.onGraph((graph) => graph.remove(key));
    return true;
  }

  /**
   * The k most similar with similarity >= min, best first: from approximateFrom vectors on, the
   * approximate index's candidates re-scored exactly, plus an exact pass over vectors the build has
   * not reached yet.
   */
  search(probe: Float32Array, k: number, min = -1): VectorHit[] {
    const unit = this.prepare(probe, k);
    const graph = this.approximate;
    if (!graph || this.indexed === 0 || this.size < this.approximateFrom) return this.arena.exact(unit, k, min);
    const top = new TopK(k, min);
    const found = graph.search(unit, Math.max(k, this.candidates), 1);
    // usearch's own distances are on its quantised copy; the f32 vectors give the exact cosine.
    for (const key of found.keys) {
      const slot = this.arena.slotOf(key);
      if (slot !== undefined && slot < this.indexed) top.offer(key, this.arena.similarity(unit, slot));
    }
    this.arena.scan(unit, top, this.indexed, this.arena.used);
    return top.hits();
  }

  /** Brute force over every vector: the reference. */
  exactSearch(probe: Float32Array, k: number, min = -1): VectorHit[] {
    return this.arena.exact(this.prepare(probe, k), k, min);
  }

  /** Drops every vector and the approximate index, and stops the build; the object cannot be used afterwards. */
  close(): void {
    this.closed = true;
    this.approximate = undefined;
    this.indexed = 0;
    this.arena.clear();
  }

  /** Stores the row and, when the build has passed its slot, brings the graph in step at once. */
  private put(key: bigint, source: Float32Array, from: number): void {
    const replaced = this.has(key);
    const slot = this.arena.put(key, source, from);
    if (slot >= this.indexed) return;
    this.onGraph((graph) => {
      if (replaced) graph.remove(key);
      graph.add(key, this.arena.row(slot), this.settings.threads);
    });
  }

  /** Starts the background build when the graph is due and lags behind the vectors, unless it runs already. */
  private startBuild(): void {
    if (this.building || this.closed || this.failure !== undefined) return;
    if (!this.approximate) {
      if (this.size < this.approximateFrom) return;
      this.approximate = this.newGraph();
      this.indexed = 0;
    }
    if (this.indexed >= this.arena.used) return;
    this.building = this.build()
      .catch((error: unknown) => this.giveUp(error))
      .finally(() => {
        this.building = undefined;
        // A change made between the build's last turn and this callback is picked up here.
        this.startBuild();
      });
  }

  /** Inserts the slots past the cursor into the graph, a turn at a time, until it has them all. */
  private async build(): Promise<void> {
    while (this.approximate && this.indexed < this.arena.used) {
      const graph = this.approximate;
      this.buildPace.run((rows) => {
        const from = this.indexed;
        const to = Math.min(this.arena.used, from + rows);
        this.insertSlots(graph, from, to);
        this.indexed = to;
        return to - from;
      });
      await nextTurn();
    }
  }

  /** Adds the live slots from..to-1 to the graph; a run of slots with no hole goes without a copy. */
  private insertSlots(graph: Index, from: number, to: number): void {
    const arena = this.arena;
    const live: number[] = [];
    for (let slot = from; slot < to; slot++) if (arena.live[slot] === 1) live.push(slot);
    if (live.length === 0) return;
    const d = this.dimensions;
    if (live.length === to - from) {
      graph.add(arena.keys.subarray(from, to), arena.vectors.subarray(from * d, to * d), this.settings.threads);
      return;
    }
    const rows = new Float32Array(live.length * d);
    live.forEach((slot, row) => rows.set(arena.row(slot), row * d));
    graph.add(BigUint64Array.from(live, (slot) => arena.keys[slot]!), rows, this.settings.threads);
  }

  /** Applies a change to the graph; if usearch throws, the graph is given up (searches stay exact and correct). */
  private onGraph(change: (graph: Index) => void): void {
    if (!this.approximate) return;
    try {
      change(this.approximate);
    } catch (error) {
      this.giveUp(error);
    }
  }

  private giveUp(error: unknown): void {
    this.failure = error;
    this.approximate = undefined;
    this.indexed = 0;
  }

  private newGraph(): Index {
    return new Index({
      dimensions: this.dimensions,
      metric: MetricKind.Cos,
      quantization: SCALARS[this.settings.quantization],
      connectivity: this.settings.connectivity,
      expansion_add: this.settings.expansionAdd,
      expansion_search: this.settings.expansionSearch,
      multi: false,
    });
  }

  /** Runs `work` over rows 0..total-1 in turns of about turnMilliseconds, yielding the event loop between them. */
  private async inTurns(total: number, signal: AbortSignal | undefined, work: (from: number, to: number) => void): Promise<void> {
    const pace = new Pace(this.settings.turnMilliseconds, FIRST_LOAD_ROWS);
    for (let from = 0; from < total;) {
      signal?.throwIfAborted();
      this.checkOpen();
      pace.run((rows) => {
        const to = Math.min(total, from + rows);
        work(from, to);
        const done = to - from;
        from = to;
        return done;
      });
      if (from < total) await nextTurn();
    }
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
