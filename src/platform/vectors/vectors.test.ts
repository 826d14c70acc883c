import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Index } from 'usearch';
import { describe, expect, test } from 'vitest';
import { VectorIndex, type VectorHit } from './index.js';

/** xorshift32 and Box–Muller: the same data every run. */
function gaussians(seed: number): () => number {
  let state = seed;
  const uniform = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 1) / 4294967297;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

function randomRows(rows: number, dimensions: number, next: () => number): Float32Array {
  return Float32Array.from({ length: rows * dimensions }, next);
}

const row = (rows: Float32Array, i: number, dimensions: number): Float32Array => rows.slice(i * dimensions, (i + 1) * dimensions);

/** A probe at exactly `cosine` with the given vector: the vector plus noise orthogonal to it. */
function mated(vector: Float32Array, cosine: number, next: () => number): Float32Array {
  const unit = normalised(vector);
  const noise = Float32Array.from(unit, next);
  const along = dot(noise, unit);
  const orthogonal = normalised(noise.map((value, i) => value - along * unit[i]!));
  const side = Math.sqrt(1 - cosine * cosine);
  return unit.map((value, i) => cosine * value + side * orthogonal[i]!);
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, i) => sum + value * b[i]!, 0);
const normalised = (v: Float32Array): Float32Array => v.map((value) => value / Math.sqrt(dot(v, v)));

/** The reference: every cosine in double precision, sorted. */
function naive(vectors: Map<bigint, Float32Array>, probe: Float32Array, k: number, min: number): VectorHit[] {
  const all = [...vectors].map(([key, vector]) => ({ key, similarity: dot(vector, probe) / Math.sqrt(dot(vector, vector) * dot(probe, probe)) }));
  return all.filter((hit) => hit.similarity >= min).sort((a, b) => b.similarity - a.similarity).slice(0, k);
}

const keysOf = (hits: VectorHit[]): bigint[] => hits.map((hit) => hit.key);

describe('VectorIndex', () => {
  test('add, replace, remove, has, size', () => {
    const index = new VectorIndex({ dimensions: 3 });
    expect(index.size).toBe(0);
    index.add(1n, Float32Array.of(1, 0, 0));
    index.add(2n, Float32Array.of(0, 2, 0));
    expect(index.size).toBe(2);
    expect(index.has(1n)).toBe(true);
    expect(index.has(3n)).toBe(false);
    // Replacing keeps one entry under the key, with the new direction.
    index.add(1n, Float32Array.of(0, 0, 5));
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.of(0, 0, 1), 1)).toEqual([{ key: 1n, similarity: 1 }]);
    expect(index.remove(1n)).toBe(true);
    expect(index.remove(1n)).toBe(false);
    expect(index.has(1n)).toBe(false);
    expect(index.size).toBe(1);
    expect(keysOf(index.exactSearch(Float32Array.of(0, 0, 1), 5))).toEqual([2n]);
    // A freed slot is reused by the next key.
    index.add(7n, Float32Array.of(-1, 0, 0));
    expect(index.size).toBe(2);
    expect(keysOf(index.search(Float32Array.of(-1, 0.1, 0), 2))).toEqual([7n, 2n]);
    index.close();
    expect(() => index.add(1n, Float32Array.of(1, 0, 0))).toThrow(/closed/);
  });

  test('exact search agrees with a naive reference on random data, k and min included', () => {
    const dimensions = 24;
    const next = gaussians(7);
    const index = new VectorIndex({ dimensions });
    const reference = new Map<bigint, Float32Array>();
    const data = randomRows(600, dimensions, next);
    for (let i = 0; i < 600; i++) {
      const key = BigInt(i) * 1_000_003n;
      index.add(key, row(data, i, dimensions));
      reference.set(key, row(data, i, dimensions));
    }
    for (let i = 0; i < 100; i += 3) {
      index.remove(BigInt(i) * 1_000_003n);
      reference.delete(BigInt(i) * 1_000_003n);
    }
    for (let p = 0; p < 30; p++) {
      const probe = randomRows(1, dimensions, next);
      for (const [k, min] of [[1, -1], [10, -1], [50, 0.2], [700, 0]] as const) {
        const got = index.exactSearch(probe, k, min);
        const want = naive(reference, probe, k, min);
        expect(keysOf(got)).toEqual(keysOf(want));
        got.forEach((hit, i) => expect(hit.similarity).toBeCloseTo(want[i]!.similarity, 5));
        expect(got.every((hit) => hit.similarity >= min)).toBe(true);
      }
    }
  });

  test('approximate search finds the mate of noisy probes as exact search does (recall@1 >= 0.99); removed keys never come back', async () => {
    const dimensions = 512;
    const size = 4000;
    const next = gaussians(11);
    const data = randomRows(size, dimensions, next);
    const keys = BigUint64Array.from({ length: size }, (_, i) => 1_000_000_000_000n + BigInt(i));
    const index = new VectorIndex({ dimensions, approximateFrom: 1000 });
    await index.addMany(keys, data);
    expect(index.size).toBe(size);
    await index.whenApproximateReady();
    expect(index.approximateReady).toBe(true);

    const probes = 200;
    let mates = 0;
    let agree = 0;
    for (let p = 0; p < probes; p++) {
      const mate = (p * 19) % size;
      const probe = mated(row(data, mate, dimensions), 0.7, next);
      const approximate = index.search(probe, 5);
      const exact = index.exactSearch(probe, 5);
      if (approximate[0]?.key === keys[mate]) mates++;
      if (approximate[0]?.key === exact[0]?.key) agree++;
      // Re-scored on the f32 vectors: the same similarity as exact search gives.
      expect(approximate[0]!.similarity).toBeCloseTo(exact[0]!.similarity, 5);
    }
    expect(mates / probes).toBeGreaterThanOrEqual(0.99);
    expect(agree / probes).toBeGreaterThanOrEqual(0.99);

    // Remove every other key among the first 200: searches mated to them return other keys only.
    const removed = new Set<bigint>();
    for (let i = 0; i < 200; i += 2) {
      expect(index.remove(keys[i]!)).toBe(true);
      removed.add(keys[i]!);
    }
    for (let i = 0; i < 200; i += 2) {
      const probe = mated(row(data, i, dimensions), 0.9, next);
      for (const hit of [...index.search(probe, 10), ...index.exactSearch(probe, 10)]) expect(removed.has(hit.key)).toBe(false);
    }
    // A removed key added again, and a kept key replaced, are found by their new vectors.
    const fresh = randomRows(2, dimensions, next);
    index.add(keys[0]!, row(fresh, 0, dimensions));
    index.add(keys[1]!, row(fresh, 1, dimensions));
    expect(index.search(mated(row(fresh, 0, dimensions), 0.8, next), 1)[0]?.key).toBe(keys[0]);
    expect(index.search(mated(row(fresh, 1, dimensions), 0.8, next), 1)[0]?.key).toBe(keys[1]);
    expect(index.search(mated(row(data, 1, dimensions), 0.8, next), 1)[0]?.key).not.toBe(keys[1]);
    index.close();
  });

  test('min is respected by both searches; nothing above it gives no hits', async () => {
    const dimensions = 8;
    const next = gaussians(3);
    const data = randomRows(300, dimensions, next);
    const index = new VectorIndex({ dimensions, approximateFrom: 100 });
    await index.addMany(BigUint64Array.from({ length: 300 }, (_, i) => BigInt(i)), data);
    await index.whenApproximateReady();
    const probe = randomRows(1, dimensions, next);
    for (const min of [-1, 0, 0.5, 0.9]) {
      for (const hits of [index.search(probe, 300, min), index.exactSearch(probe, 300, min)]) {
        expect(hits.every((hit) => hit.similarity >= min)).toBe(true);
      }
    }
    expect(index.exactSearch(probe, 300, 0.5).length).toBeGreaterThan(0);
    expect(index.exactSearch(probe, 300, 1.01)).toEqual([]);
    expect(index.search(probe, 300, 1.01)).toEqual([]);
  });

  test('addMany: later rows win for a repeated key, and existing keys are replaced, before and after the build', async () => {
    const index = new VectorIndex({ dimensions: 2, approximateFrom: 2 });
    await index.addMany(BigUint64Array.of(1n, 2n, 1n), Float32Array.of(1, 0, 0, 1, -1, 0));
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.of(-1, 0), 1)).toEqual([{ key: 1n, similarity: 1 }]);
    await index.whenApproximateReady();
    expect(index.search(Float32Array.of(-1, 0), 1)).toEqual([{ key: 1n, similarity: 1 }]);
    await index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(0, -1, 1, 1));
    expect(index.size).toBe(3);
    expect(index.search(Float32Array.of(0, -1), 1)[0]?.key).toBe(2n);
    await index.whenApproximateReady();
    expect(index.search(Float32Array.of(0, -1), 1)[0]?.key).toBe(2n);
    expect(keysOf(index.search(Float32Array.of(0, 1), 3))).toEqual([3n, 1n, 2n]);
  });

  test('bad input throws a clear error and changes nothing', async () => {
    const index = new VectorIndex({ dimensions: 3 });
    index.add(1n, Float32Array.of(1, 2, 3));
    expect(() => index.add(2n, Float32Array.of(1, 2))).toThrow('a vector has 3 values, not 2');
    expect(() => index.add(2n, Float32Array.of(1, Number.NaN, 3))).toThrow(/finite/);
    expect(() => index.add(2n, Float32Array.of(1, Number.POSITIVE_INFINITY, 3))).toThrow(/finite/);
    expect(() => index.add(2n, Float32Array.of(0, 0, 0))).toThrow(/zeros/);
    expect(() => index.add(-1n, Float32Array.of(1, 2, 3))).toThrow(/key/);
    expect(() => index.add(2n ** 64n - 1n, Float32Array.of(1, 2, 3))).toThrow(/key/);
    await expect(index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(1, 2, 3, 4, 5))).rejects.toThrow('2 vectors of 3 values are 6 values, not 5');
    await expect(index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(1, 2, 3, 4, Number.NaN, 6))).rejects.toThrow(/finite/);
    expect(() => index.search(Float32Array.of(1, 2, 3, 4), 1)).toThrow('a vector has 3 values, not 4');
    expect(() => index.exactSearch(Float32Array.of(1, Number.NaN, 3), 1)).toThrow(/finite/);
    expect(() => index.search(Float32Array.of(1, 2, 3), 0)).toThrow(/k is a whole number/);
    expect(() => new VectorIndex({ dimensions: 0 })).toThrow(/dimensions/);
    expect(index.size).toBe(1);
    expect(index.has(2n)).toBe(false);
  });

  test('the approximate index is built in turns: the event loop runs between them, and searches answer meanwhile', async () => {
    const dimensions = 64;
    const size = 4000;
    const next = gaussians(5);
    const data = randomRows(size, dimensions, next);
    const keys = BigUint64Array.from({ length: size }, (_, i) => BigInt(i));
    const index = new VectorIndex({ dimensions, approximateFrom: 1000 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      await index.addMany(keys, data);
      // Loaded and searchable, the graph not yet built: the build goes on in the background.
      expect(index.size).toBe(size);
      expect(index.approximateReady).toBe(false);
      const ticksBefore = ticks;
      let turnsSeen = 0;
      while (!index.approximateReady) {
        expect(turnsSeen).toBeLessThan(100_000);
        const mate = (turnsSeen * 37) % size;
        expect(index.search(row(data, mate, dimensions), 1)[0]?.key).toBe(keys[mate]);
        turnsSeen++;
        await nextTurn();
      }
      await index.whenApproximateReady();
      // Other callbacks ran while the graph was built: timers fired and this loop got several turns.
      expect(ticks).toBeGreaterThan(ticksBefore);
      expect(turnsSeen).toBeGreaterThan(1);
    } finally {
      clearInterval(ticker);
    }
    index.close();
  });

  test('one add reaching approximateFrom starts the build in the background instead of building at once', async () => {
    const dimensions = 16;
    const next = gaussians(9);
    const data = randomRows(600, dimensions, next);
    const index = new VectorIndex({ dimensions, approximateFrom: 600 });
    for (let i = 0; i < 599; i++) index.add(BigInt(i), row(data, i, dimensions));
    expect(index.approximateReady).toBe(false);
    index.add(599n, row(data, 599, dimensions));
    expect(index.approximateReady).toBe(false);
    expect(index.search(row(data, 599, dimensions), 1)[0]?.key).toBe(599n);
    await index.whenApproximateReady();
    expect(index.approximateReady).toBe(true);
    // After the build, one add is inserted into the graph at once: the build's first turn runs within add.
    index.add(600n, randomRows(1, dimensions, next));
    expect(index.approximateReady).toBe(true);
    index.close();
  });

  // Two threads as well: every insertion must use the same number (usearch fails otherwise), and
  // concurrent insertions leave a few nodes unreachable, which the checks below tell apart.
  test.each([1, 2])('adds, replacements and removals during the build leave the index correct: every vector finds itself, as exact search says (%i threads)', async (threads) => {
    const dimensions = 32;
    const next = gaussians(13);
    const reference = new Map<bigint, Float32Array>();
    const initial = 3000;
    const data = randomRows(initial, dimensions, next);
    const keys = BigUint64Array.from({ length: initial }, (_, i) => BigInt(i) * 7n);
    keys.forEach((key, i) => reference.set(key, row(data, i, dimensions)));
    // Short turns: many of them, so the changes land both behind and ahead of the build's cursor.
    const index = new VectorIndex({ dimensions, approximateFrom: 500, turnMilliseconds: 1, threads });
    await index.addMany(keys, data);
    expect(index.approximateReady).toBe(false);

    let nextKey = 100_000n;
    const removed: bigint[] = [];
    // The live keys in an array too (with each one's place), so picking one costs no copy of them all.
    const live: bigint[] = [...reference.keys()];
    const place = new Map(live.map((key, i) => [key, i]));
    const keep = (key: bigint, vector: Float32Array): void => {
      if (!place.has(key)) place.set(key, live.push(key) - 1);
      reference.set(key, vector);
    };
    const drop = (key: bigint): void => {
      const at = place.get(key)!;
      const last = live.pop()!;
      if (last !== key) {
        live[at] = last;
        place.set(last, at);
      }
      place.delete(key);
      reference.delete(key);
    };
    const pick = (): bigint => live[Math.floor(Math.abs(next() * 1000)) % live.length]!;
    let changesDuringBuild = 0;
    let checks = 0;
    let misses = 0;
    const change = async (): Promise<void> => {
      const choice = Math.floor(Math.abs(next() * 1000)) % 5;
      if (choice === 0) {
        const key = nextKey++;
        const vector = randomRows(1, dimensions, next);
        index.add(key, vector);
        keep(key, vector);
      } else if (choice === 1) {
        const key = pick();
        const vector = randomRows(1, dimensions, next);
        index.add(key, vector);
        keep(key, vector);
      } else if (choice === 2 || (choice === 3 && removed.length === 0)) {
        const key = pick();
        expect(index.remove(key)).toBe(true);
        drop(key);
        removed.push(key);
      } else if (choice === 3) {
        const key = removed.pop()!;
        const vector = randomRows(1, dimensions, next);
        index.add(key, vector);
        keep(key, vector);
      } else {
        // A batch mixing new keys, replaced keys and a key repeated within it.
        const batch = [nextKey++, pick(), pick()];
        batch.push(batch[0]!);
        const vectors = randomRows(batch.length, dimensions, next);
        await index.addMany(BigUint64Array.from(batch), vectors);
        batch.forEach((key, i) => keep(key, row(vectors, i, dimensions)));
      }
    };
    for (let turn = 0; !index.approximateReady; turn++) {
      // A graph given up (usearch threw, as on a key added twice) would never become ready.
      expect(index.approximateFailure).toBeUndefined();
      expect(turn).toBeLessThan(100_000);
      // Changes stop after 400, so that a machine too busy to build much per turn still finishes.
      if (changesDuringBuild < 400) {
        for (let i = 0; i < 5; i++) await change();
        changesDuringBuild += 5;
      }
      // Correct while building: a stored vector finds itself (but for the rare node HNSW cannot reach).
      const probeKey = pick();
      checks++;
      if (index.search(reference.get(probeKey)!, 1)[0]?.key !== probeKey) misses++;
      await nextTurn();
    }
    await index.whenApproximateReady();
    expect(changesDuringBuild).toBeGreaterThan(50);
    expect(misses).toBeLessThanOrEqual(checks / 100);
    for (let i = 0; i < 200; i++) await change();
    await index.whenApproximateReady();
    expect(index.approximateReady).toBe(true);

    expect(index.size).toBe(reference.size);
    // The graph holds exactly the live keys, once each: nothing left of removed or replaced vectors.
    const graph = (index as unknown as { approximate: Index }).approximate;
    expect(graph.size()).toBe(reference.size);
    for (const key of reference.keys()) expect(graph.count(key)).toBe(1);
    for (const key of removed) if (!reference.has(key)) expect(graph.contains(key)).toBe(false);
    // HNSW leaves a few nodes that no search reaches (usearch does so without any removal too: about
    // 1 in 10,000 at 512 values, more at 32): a search for everything tells which.
    const reachable = new Set(graph.search(randomRows(1, dimensions, next), graph.size() + 100, 1).keys);
    let unreachable = 0;
    for (const [key, vector] of reference) {
      if (!reachable.has(key)) {
        unreachable++;
        continue;
      }
      // The graph's copy is the current vector: found by itself at distance about 0 (i8 rounding).
      const own = graph.search(vector, 10, 1);
      expect(own.keys[0]).toBe(key);
      expect(own.distances[0]).toBeLessThan(0.01);
      const approximate = index.search(vector, 1);
      expect(approximate[0]?.key).toBe(key);
      expect(keysOf(approximate)).toEqual(keysOf(index.exactSearch(vector, 1)));
    }
    expect(unreachable).toBeLessThan(reference.size / 100);
    index.close();
  });

  test('addMany stops at an aborted signal; close stops the build', async () => {
    const dimensions = 16;
    const data = randomRows(20_000, dimensions, gaussians(17));
    const keys = BigUint64Array.from({ length: 20_000 }, (_, i) => BigInt(i));
    const index = new VectorIndex({ dimensions, approximateFrom: 100 });
    const controller = new AbortController();
    const loading = index.addMany(keys, data, { signal: controller.signal });
    controller.abort(new Error('shutting down'));
    await expect(loading).rejects.toThrow('shutting down');
    expect(index.size).toBeLessThan(20_000);

    await index.addMany(keys, data);
    expect(index.approximateReady).toBe(false);
    index.close();
    await index.whenApproximateReady();
    expect(index.approximateReady).toBe(false);
    expect(() => index.search(row(data, 0, dimensions), 1)).toThrow(/closed/);
  });
});
