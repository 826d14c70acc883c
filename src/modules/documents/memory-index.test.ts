import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ABSENT, DocumentIndex, MAX_TAG } from './memory-index.js';
import { documentKey } from './number.js';

const key = (i: number): string => documentKey(['MYS', 'IDN', 'D', 'UTO'][i % 4]!, i % 3 === 0 ? 'passport' : 'identity-card', `A${i}`);

describe('DocumentIndex', () => {
  test('adds, finds, deletes; size and bytes', () => {
    const index = new DocumentIndex(10);
    expect(index.size).toBe(0);
    expect(index.has(key(1))).toBe(false);
    index.add(key(1));
    index.add(key(1));
    expect(index.size).toBe(1);
    expect(index.has(key(1))).toBe(true);
    expect(index.has(key(2))).toBe(false);
    index.delete(key(2));
    expect(index.size).toBe(1);
    index.delete(key(1));
    expect(index.has(key(1))).toBe(false);
    expect(index.size).toBe(0);
    index.add(key(1));
    expect(index.has(key(1))).toBe(true);
    expect(index.bytes).toBe(index.capacity * 10);
  });

  test('each key carries a tag: set on add, kept when asked, changed by retag; retag adds nothing', () => {
    const index = new DocumentIndex(10);
    expect(index.find(key(1))).toBe(ABSENT);
    index.add(key(1), 7);
    expect(index.find(key(1))).toBe(7);
    index.add(key(1), 9, true);
    expect(index.find(key(1))).toBe(7);
    index.add(key(1), 9);
    expect(index.find(key(1))).toBe(9);
    index.retag(key(1), MAX_TAG);
    expect(index.find(key(1))).toBe(MAX_TAG);
    index.retag(key(2), 3);
    expect(index.find(key(2))).toBe(ABSENT);
    expect(index.size).toBe(1);
    expect(() => index.add(key(3), MAX_TAG + 1)).toThrow(RangeError);
    expect(() => index.retag(key(1), -1)).toThrow(RangeError);
  });

  test('sized for the expected keys: at most half full, 10 bytes a slot', () => {
    expect(new DocumentIndex(0).capacity).toBe(16);
    expect(new DocumentIndex(1000).capacity).toBe(2048);
    expect(new DocumentIndex(1024).capacity).toBe(2048);
    expect(new DocumentIndex(1025).capacity).toBe(4096);
    // 100,000,000 keys: 2^28 slots, 2 GiB.
    expect(() => new DocumentIndex(-1)).toThrow(RangeError);
    expect(() => new DocumentIndex(1.5)).toThrow(RangeError);
    expect(() => new DocumentIndex(2 ** 30)).toThrow(RangeError);
  });

  test('grows past three quarters full and keeps every key', () => {
    const index = new DocumentIndex(4);
    const start = index.capacity;
    for (let i = 0; i < 10_000; i++) index.add(key(i));
    expect(index.capacity).toBeGreaterThan(start);
    expect(index.size).toBe(10_000);
    expect(index.size / index.capacity).toBeLessThanOrEqual(0.75);
    for (let i = 0; i < 10_000; i++) expect(index.has(key(i))).toBe(true);
  });

  test('tombstones are reused and cleared: churn at a steady size does not grow the table', () => {
    const index = new DocumentIndex(1000);
    const capacity = index.capacity;
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1000; i++) index.add(key(round * 1000 + i));
      for (let i = 0; i < 1000; i++) index.delete(key(round * 1000 + i));
    }
    expect(index.size).toBe(0);
    expect(index.capacity).toBe(capacity);
    for (let i = 0; i < 1000; i++) index.add(key(i));
    for (let i = 0; i < 1000; i++) expect(index.has(key(i))).toBe(true);
    expect(index.has(key(1000))).toBe(false);
  });

  test('a deleted key in the middle of a probe run does not hide the keys after it', () => {
    // A small table, nearly full, so runs are long.
    const index = new DocumentIndex(8);
    for (let i = 0; i < 12; i++) index.add(key(i));
    for (let i = 0; i < 12; i += 2) index.delete(key(i));
    for (let i = 1; i < 12; i += 2) expect(index.has(key(i))).toBe(true);
    for (let i = 0; i < 12; i += 2) expect(index.has(key(i))).toBe(false);
  });

  test('findMany answers as find() does, for any number of keys', () => {
    const index = new DocumentIndex(100);
    for (let i = 0; i < 500; i += 3) index.add(key(i), i % 5);
    const keys = Array.from({ length: 500 }, (_, i) => key(i));
    const answers = index.findMany(keys);
    expect(Array.from(answers)).toEqual(keys.map((k) => index.find(k)));
    expect(Array.from(index.findMany([]))).toEqual([]);
    const out = new Int32Array(3).fill(7);
    expect(index.findMany([key(0), key(1), key(3)], out)).toBe(out);
    expect(Array.from(out)).toEqual([0, ABSENT, 3]);
  });

  test('equals a Map of tags under random adds, retags, deletes and growth; never a false negative (property)', () => {
    const operations = (ids: number) =>
      fc.array(
        fc.oneof(
          { weight: 4, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: ids }), tag: fc.integer({ min: 0, max: MAX_TAG }), keep: fc.boolean() }) },
          { weight: 1, arbitrary: fc.record({ kind: fc.constant('retag' as const), id: fc.integer({ min: 0, max: ids }), tag: fc.integer({ min: 0, max: MAX_TAG }) }) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), id: fc.integer({ min: 0, max: ids }) }) },
          { weight: 3, arbitrary: fc.record({ kind: fc.constant('check' as const), id: fc.integer({ min: 0, max: ids }) }) },
        ),
        { maxLength: 500, size: 'max' },
      );
    // Few ids in small tables (long probe runs, many tombstones) and many ids (growth).
    const world = fc.oneof(
      fc.tuple(fc.constant(30), fc.integer({ min: 0, max: 8 })).chain(([ids, expected]) => fc.tuple(fc.constant(ids), fc.constant(expected), operations(ids))),
      fc.tuple(fc.constant(400), fc.integer({ min: 0, max: 64 })).chain(([ids, expected]) => fc.tuple(fc.constant(ids), fc.constant(expected), operations(ids))),
    );
    fc.assert(
      fc.property(world, ([ids, expected, steps]) => {
        const index = new DocumentIndex(expected);
        const reference = new Map<string, number>();
        for (const step of steps) {
          const k = key(step.id);
          if (step.kind === 'add') {
            index.add(k, step.tag, step.keep);
            if (!step.keep || !reference.has(k)) reference.set(k, step.tag);
          } else if (step.kind === 'retag') {
            index.retag(k, step.tag);
            if (reference.has(k)) reference.set(k, step.tag);
          } else if (step.kind === 'delete') {
            index.delete(k);
            reference.delete(k);
          } else {
            expect(index.find(k)).toBe(reference.get(k) ?? ABSENT);
          }
          expect(index.size).toBe(reference.size);
        }
        for (let id = 0; id <= ids; id++) expect(index.find(key(id))).toBe(reference.get(key(id)) ?? ABSENT);
      }),
      { numRuns: 120 },
    );
  });

  // Keys are built by documentKey from normalised parts: ASCII only. The hash reads one byte a
  // character, so any code units up to 0xFF are told apart; wider ones are folded (see fingerprint).
  test('keys of any length and any byte-wide characters; one character apart is another key (property)', () => {
    const byteWide = fc.integer({ min: 0, max: 0xff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ maxLength: 40, unit: byteWide }), { maxLength: 200, size: 'max' }), (keys) => {
        const index = new DocumentIndex(keys.length);
        for (const k of keys) index.add(k);
        for (const k of keys) {
          expect(index.has(k)).toBe(true);
          expect(index.has(`${k}X`)).toBe(keys.includes(`${k}X`));
        }
        expect(index.size).toBe(keys.length);
      }),
      { numRuns: 100 },
    );
  });

  test('fingerprints are spread: 200,000 similar keys share no fingerprint, and 200,000 others are not found', () => {
    // Numbers that differ in one character only, as sequential passport numbers do.
    const index = new DocumentIndex(200_000);
    for (let i = 0; i < 200_000; i++) index.add(documentKey('MYS', 'passport', `A${String(i).padStart(8, '0')}`));
    expect(index.size).toBe(200_000);
    let falsePositives = 0;
    for (let i = 200_000; i < 400_000; i++) if (index.has(documentKey('MYS', 'passport', `A${String(i).padStart(8, '0')}`))) falsePositives++;
    expect(falsePositives).toBe(0);
  });
});
