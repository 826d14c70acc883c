/**
 * The in-memory index of the online check: a set of 64-bit fingerprints of document keys in one
 * typed array (open addressing, linear probing, tombstones), each with a 16-bit tag beside it (the
 * register's number for the document's audience), 10 bytes a slot and no JS object per entry, so
 * the region's 100 million documents fit in 2.5 GiB.
 *
 * `has()` answers "maybe": two keys may share a fingerprint (about one pair in 2^64), and the
 * module confirms every positive in the database, so a collision costs one extra query and can
 * never create a false hit. A key that was added and not deleted is always found, unless another key
 * with the same fingerprint was deleted after it: the same one-pair-in-2^64 chance, which is why
 * keys are ASCII (documentKey): the hash tells apart every string of code units up to 0xFF.
 */
import { webcrypto } from 'node:crypto';

/** Slots are at most half full after construction or growth, and grow past three quarters. */
const TARGET_LOAD = 0.5;
const MAX_LOAD = 0.75;
const MIN_CAPACITY = 16;
/** Keys hashed ahead of their probes in findMany(). */
const RUN = 64;

/** Per-process seeds, so fingerprints cannot be precomputed from outside. */
const SEEDS = webcrypto.getRandomValues(new Uint32Array(2));
const SEED_1 = SEEDS[0]!;
const SEED_2 = SEEDS[1]!;

// The last fingerprint computed (two 32-bit halves), kept in module state so hashing allocates nothing.
let fingerprintHigh = 0;
let fingerprintLow = 0;

const rotate = (value: number, bits: number): number => (value << bits) | (value >>> (32 - bits));

/** murmur3's 32-bit finaliser: every input bit affects every output bit. */
function finalise(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Sets fingerprintHigh/Low to a 64-bit hash of the key, in the shape of murmur3's x86 128-bit
 * variant cut to two lanes: eight characters a round (one byte each: keys are ASCII; a wider code
 * unit is folded in, which can only cost a collision, never a miss), one 32-bit block into each lane,
 * the lanes feeding each other every round and crossed and finalised at the end. Only 32-bit
 * multiplies: no BigInt, no allocation.
 */
function fingerprint(key: string): void {
  const length = key.length;
  let h1 = SEED_1 ^ length;
  let h2 = SEED_2;
  let i = 0;
  const rounds = length & ~7;
  while (i < rounds) {
    let k1 = key.charCodeAt(i) ^ (key.charCodeAt(i + 1) << 8) ^ (key.charCodeAt(i + 2) << 16) ^ (key.charCodeAt(i + 3) << 24);
    let k2 = key.charCodeAt(i + 4) ^ (key.charCodeAt(i + 5) << 8) ^ (key.charCodeAt(i + 6) << 16) ^ (key.charCodeAt(i + 7) << 24);
    i += 8;
    k1 = Math.imul(k1, 0x239b961b);
    k1 = rotate(k1, 15);
    k1 = Math.imul(k1, 0xab0e9789);
    h1 ^= k1;
    h1 = rotate(h1, 19);
    h1 = (h1 + h2) | 0;
    h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, 0xab0e9789);
    k2 = rotate(k2, 16);
    k2 = Math.imul(k2, 0x38b34ae5);
    h2 ^= k2;
    h2 = rotate(h2, 17);
    h2 = (h2 + h1) | 0;
    h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
  }
  // The last 0–7 characters.
  let k1 = 0;
  let k2 = 0;
  for (let shift = 0; i < length; i++, shift += 8) {
    if (shift < 32) k1 ^= key.charCodeAt(i) << shift;
    else k2 ^= key.charCodeAt(i) << (shift - 32);
  }
  k1 = Math.imul(rotate(Math.imul(k1, 0x239b961b), 15), 0xab0e9789);
  h1 ^= k1;
  k2 = Math.imul(rotate(Math.imul(k2, 0xab0e9789), 16), 0x38b34ae5);
  h2 ^= k2;
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  h1 = finalise(h1);
  h2 = finalise(h2);
  h1 = (h1 + h2) | 0;
  h2 = (h2 + h1) | 0;
  // A high half of 0 marks an empty slot (low 0) or a deleted one (low 1), so a fingerprint never has one.
  fingerprintHigh = h1 === 0 ? 1 : h1 >>> 0;
  fingerprintLow = h2 >>> 0;
}

/** 2^30 slots (8 GiB) at most: slot numbers stay within 31-bit integer arithmetic. */
const MAX_CAPACITY = 2 ** 30;

function capacityFor(entries: number): number {
  let capacity = MIN_CAPACITY;
  while (capacity * TARGET_LOAD < entries) capacity *= 2;
  if (capacity > MAX_CAPACITY) throw new RangeError(`an index holds at most ${MAX_CAPACITY * TARGET_LOAD} keys, not ${entries}`);
  return capacity;
}

/** What find() answers for a key the index does not hold. */
export const ABSENT = -1;
/** The largest tag a key can carry. */
export const MAX_TAG = 0xffff;

export class DocumentIndex {
  /** Interleaved [high, low] fingerprint halves, two 32-bit words a slot. */
  private slots: Uint32Array;
  /** Each slot's tag. */
  private tags: Uint16Array;
  private mask: number;
  private entries = 0;
  private tombstones = 0;
  private limit: number;
  private readonly scratchHigh = new Uint32Array(RUN);
  private readonly scratchLow = new Uint32Array(RUN);
  /** Where findMany's prefetching reads go, so the compiler keeps them. */
  private touched = 0;

  /** An index with room for `expected` keys before it has to grow. */
  constructor(expected: number) {
    if (!Number.isInteger(expected) || expected < 0) throw new RangeError(`expected is a whole number of keys, not ${expected}`);
    const capacity = capacityFor(expected);
    this.slots = new Uint32Array(capacity * 2);
    this.tags = new Uint16Array(capacity);
    this.mask = capacity - 1;
    this.limit = Math.floor(capacity * MAX_LOAD);
  }

  /** Keys in the index. */
  get size(): number {
    return this.entries;
  }

  /** Bytes the index holds (its slots and their tags). */
  get bytes(): number {
    return this.slots.byteLength + this.tags.byteLength;
  }

  /** Slots in the table (for tests and the benchmark). */
  get capacity(): number {
    return this.mask + 1;
  }

  has(key: string): boolean {
    return this.find(key) !== ABSENT;
  }

  /** The key's tag, or ABSENT. */
  find(key: string): number {
    fingerprint(key);
    return this.lookup(fingerprintHigh, fingerprintLow);
  }

  /**
   * find() for many keys (a manifest): `out[i]` is keys[i]'s tag or ABSENT. It hashes a run of keys
   * first and then probes them, so the memory reads of different keys overlap, which calls one at a
   * time cannot; that is what makes it faster on a table much larger than the CPU's caches.
   */
  findMany(keys: readonly string[], out: Int32Array = new Int32Array(keys.length)): Int32Array {
    const highs = this.scratchHigh;
    const lows = this.scratchLow;
    const slots = this.slots;
    const mask = this.mask;
    let touched = 0;
    for (let start = 0; start < keys.length; start += RUN) {
      const end = Math.min(start + RUN, keys.length);
      for (let i = start; i < end; i++) {
        fingerprint(keys[i]!);
        highs[i - start] = fingerprintHigh;
        lows[i - start] = fingerprintLow;
      }
      // Read each key's first slot with no branch on what is read, so the reads overlap (JavaScript
      // has no prefetch); the probes that follow then find their slots in the cache.
      for (let i = 0; i < end - start; i++) touched ^= slots[(lows[i]! & mask) << 1]!;
      for (let i = start; i < end; i++) out[i] = this.lookup(highs[i - start]!, lows[i - start]!);
    }
    this.touched = touched;
    return out;
  }

  /** The tag of the slot holding the fingerprint, or ABSENT. */
  private lookup(high: number, low: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = low & mask;
    for (;;) {
      const at = slot << 1;
      const h = slots[at]!;
      if (h === high && slots[at + 1] === low) return this.tags[slot]!;
      if (h === 0 && slots[at + 1] === 0) return ABSENT;
      slot = (slot + 1) & mask;
    }
  }

  /**
   * Adds the key with its tag; a key already there takes the new tag, unless `keep` says to leave
   * the one it has.
   */
  add(key: string, tag = 0, keep = false): void {
    if (!Number.isInteger(tag) || tag < 0 || tag > MAX_TAG) throw new RangeError(`a tag is a whole number from 0 to ${MAX_TAG}, not ${tag}`);
    fingerprint(key);
    const high = fingerprintHigh;
    const low = fingerprintLow;
    const slots = this.slots;
    const mask = this.mask;
    let slot = low & mask;
    let free = -1;
    for (;;) {
      const at = slot << 1;
      const h = slots[at]!;
      if (h === high && slots[at + 1] === low) {
        if (!keep) this.tags[slot] = tag;
        return;
      }
      if (h === 0) {
        if (slots[at + 1] === 0) break;
        if (free < 0) free = slot; // a tombstone: reuse it once the key is known to be absent
      }
      slot = (slot + 1) & mask;
    }
    if (free >= 0) {
      slot = free;
      this.tombstones--;
    }
    slots[slot << 1] = high;
    slots[(slot << 1) + 1] = low;
    this.tags[slot] = tag;
    this.entries++;
    if (this.entries + this.tombstones > this.limit) this.rebuild();
  }

  /** Gives a key the index holds a new tag; a key it does not hold stays out. */
  retag(key: string, tag: number): void {
    if (!Number.isInteger(tag) || tag < 0 || tag > MAX_TAG) throw new RangeError(`a tag is a whole number from 0 to ${MAX_TAG}, not ${tag}`);
    fingerprint(key);
    const slots = this.slots;
    const mask = this.mask;
    let slot = fingerprintLow & mask;
    for (;;) {
      const at = slot << 1;
      const h = slots[at]!;
      if (h === fingerprintHigh && slots[at + 1] === fingerprintLow) {
        this.tags[slot] = tag;
        return;
      }
      if (h === 0 && slots[at + 1] === 0) return;
      slot = (slot + 1) & mask;
    }
  }

  delete(key: string): void {
    fingerprint(key);
    const high = fingerprintHigh;
    const low = fingerprintLow;
    const slots = this.slots;
    const mask = this.mask;
    let slot = low & mask;
    for (;;) {
      const at = slot << 1;
      const h = slots[at]!;
      if (h === high && slots[at + 1] === low) {
        slots[at] = 0;
        slots[at + 1] = 1;
        this.entries--;
        this.tombstones++;
        return;
      }
      if (h === 0 && slots[at + 1] === 0) return;
      slot = (slot + 1) & mask;
    }
  }

  /** Rehashes the live fingerprints into a table sized for them (bigger, or the same size without tombstones). */
  private rebuild(): void {
    const old = this.slots;
    const oldTags = this.tags;
    const capacity = capacityFor(this.entries);
    const slots = new Uint32Array(capacity * 2);
    const tags = new Uint16Array(capacity);
    const mask = capacity - 1;
    for (let at = 0; at < old.length; at += 2) {
      const high = old[at]!;
      if (high === 0) continue;
      const low = old[at + 1]!;
      let slot = low & mask;
      while (slots[slot << 1] !== 0) slot = (slot + 1) & mask;
      slots[slot << 1] = high;
      slots[(slot << 1) + 1] = low;
      tags[slot] = oldTags[at >> 1]!;
    }
    this.slots = slots;
    this.tags = tags;
    this.mask = mask;
    this.limit = Math.floor(capacity * MAX_LOAD);
    this.tombstones = 0;
  }
}
