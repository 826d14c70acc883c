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

  test('approximate search finds the mate of noisy probes as exact search does (recall@1 >= 0.99); removed keys never come back', () => {
    const dimensions = 512;
    const size = 4000;
    const next = gaussians(11);
    const data = randomRows(size, dimensions, next);
    const keys = BigUint64Array.from({ length: size }, (_, i) => 1_000_000_000_000n + BigInt(i));
    const index = new VectorIndex({ dimensions, approximateFrom: 1000 });
    index.addMany(keys, data);
    expect(index.size).toBe(size);
    expect(index.approximateBuilt).toBe(true);

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

  test('min is respected by both searches; nothing above it gives no hits', () => {
    const dimensions = 8;
    const next = gaussians(3);
    const data = randomRows(300, dimensions, next);
    const index = new VectorIndex({ dimensions, approximateFrom: 100 });
    index.addMany(BigUint64Array.from({ length: 300 }, (_, i) => BigInt(i)), data);
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

  test('addMany: later rows win for a repeated key, and existing keys are replaced', () => {
    const index = new VectorIndex({ dimensions: 2, approximateFrom: 2 });
    index.addMany(BigUint64Array.of(1n, 2n, 1n), Float32Array.of(1, 0, 0, 1, -1, 0));
    expect(index.size).toBe(2);
    expect(index.search(Float32Array.of(-1, 0), 1)).toEqual([{ key: 1n, similarity: 1 }]);
    index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(0, -1, 1, 1));
    expect(index.size).toBe(3);
    expect(index.search(Float32Array.of(0, -1), 1)[0]?.key).toBe(2n);
  });

  test('bad input throws a clear error and changes nothing', () => {
    const index = new VectorIndex({ dimensions: 3 });
    index.add(1n, Float32Array.of(1, 2, 3));
    expect(() => index.add(2n, Float32Array.of(1, 2))).toThrow('a vector has 3 values, not 2');
    expect(() => index.add(2n, Float32Array.of(1, Number.NaN, 3))).toThrow(/finite/);
    expect(() => index.add(2n, Float32Array.of(1, Number.POSITIVE_INFINITY, 3))).toThrow(/finite/);
    expect(() => index.add(2n, Float32Array.of(0, 0, 0))).toThrow(/zeros/);
    expect(() => index.add(-1n, Float32Array.of(1, 2, 3))).toThrow(/key/);
    expect(() => index.add(2n ** 64n - 1n, Float32Array.of(1, 2, 3))).toThrow(/key/);
    expect(() => index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(1, 2, 3, 4, 5))).toThrow('2 vectors of 3 values are 6 values, not 5');
    expect(() => index.addMany(BigUint64Array.of(2n, 3n), Float32Array.of(1, 2, 3, 4, Number.NaN, 6))).toThrow(/finite/);
    expect(() => index.search(Float32Array.of(1, 2, 3, 4), 1)).toThrow('a vector has 3 values, not 4');
    expect(() => index.exactSearch(Float32Array.of(1, Number.NaN, 3), 1)).toThrow(/finite/);
    expect(() => index.search(Float32Array.of(1, 2, 3), 0)).toThrow(/k is a whole number/);
    expect(() => new VectorIndex({ dimensions: 0 })).toThrow(/dimensions/);
    expect(index.size).toBe(1);
    expect(index.has(2n)).toBe(false);
  });
});
