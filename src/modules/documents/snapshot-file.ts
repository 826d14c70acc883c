/**
 * The offline snapshot of the register (like INTERPOL's MIND): a signed file a border post loads to
 * check documents without a link. It holds keyed hashes of document keys, never the numbers.
 *
 * Layout (all integers big-endian):
 *   8 bytes   magic "LNTSDOC1" (format version 1)
 *   4 bytes   header length H
 *   H bytes   header, JSON: member, version, baseVersion (null for a full snapshot), createdAt,
 *             count, removedCount, statuses (the status names), hashKey (base64)
 *   count × 17 bytes    entries: HMAC-SHA256(hashKey, document key) truncated to 16 bytes, then
 *                       the status's index in `statuses`; sorted by hash, no two alike
 *   removedCount × 16   (deltas) hashes of documents no longer in the register, sorted
 *   64 bytes  Ed25519 signature over every byte before it
 *
 * The hash key travels inside the signed file. Keying the hash stops anyone precomputing a
 * dictionary of hashes that works across snapshots (each full snapshot gets a fresh key); it is
 * not a secret from the holder, who can hash candidate numbers with it like the check does.
 */
import { hash as cryptoHash, sign, verify, type KeyObject } from 'node:crypto';
import type { DocumentType } from './icao.js';
import { normalisedDocumentKey } from './number.js';

const MAGIC = Buffer.from('LNTSDOC1', 'latin1');
const HASH_BYTES = 16;
const ENTRY_BYTES = HASH_BYTES + 1;
const SIGNATURE_BYTES = 64;
const DAY_MS = 86_400_000;

export type SnapshotErrorCode = 'format' | 'signature' | 'stale' | 'base' | 'member';

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
  constructor(
    readonly code: SnapshotErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface SnapshotInput {
  /** The member the snapshot was made for (it holds what that member may see). */
  member: string;
  /** The register's change sequence the snapshot reflects. */
  version: number;
  /** For a delta: the version of the snapshot it applies to. */
  baseVersion?: number;
  /** Documents in the register (a delta: those added or changed since baseVersion), by documentKey. */
  entries: Iterable<{ key: string; status: string }>;
  /** A delta's documents gone since baseVersion (cancelled, rejected, no longer shared), by documentKey. */
  removed?: Iterable<string>;
  /** 32 random bytes, fresh for each full snapshot; a delta uses its base's key. */
  hashKey: Buffer;
  privateKey: KeyObject;
  createdAt: Date;
}

interface Header {
  member: string;
  version: number;
  baseVersion: number | null;
  createdAt: string;
  count: number;
  removedCount: number;
  statuses: string[];
  hashKey: string;
}

/**
 * HMAC-SHA256 (RFC 2104) of document keys under one hash key, truncated to 16 bytes. Built from
 * two one-shot `crypto.hash` calls over buffers prepared once, rather than a `createHmac` object per
 * key: a snapshot hashes millions of keys, and this skips making and finalising an object for each.
 */
export class KeyedHasher {
  private readonly inner: Buffer;
  private readonly outer: Buffer;

  constructor(hashKey: Buffer) {
    const block = Buffer.alloc(64);
    if (hashKey.length > 64) cryptoHash('sha256', hashKey, 'buffer').copy(block);
    else hashKey.copy(block);
    this.inner = Buffer.alloc(64 + 256);
    this.outer = Buffer.alloc(64 + 32);
    for (let i = 0; i < 64; i++) {
      this.inner[i] = block[i]! ^ 0x36;
      this.outer[i] = block[i]! ^ 0x5c;
    }
  }

  hash(key: string): Buffer {
    const length = Buffer.byteLength(key, 'utf8');
    const inner = length <= this.inner.length - 64 ? this.inner : Buffer.concat([this.inner.subarray(0, 64), Buffer.alloc(length)]);
    inner.write(key, 64, 'utf8');
    cryptoHash('sha256', inner.subarray(0, 64 + length), 'buffer').copy(this.outer, 64);
    return cryptoHash('sha256', this.outer, 'buffer').subarray(0, HASH_BYTES);
  }
}

/** Growable buffer of fixed-size records. */
class Records {
  buffer: Buffer;
  count = 0;
  constructor(private readonly size: number) {
    this.buffer = Buffer.allocUnsafe(size * 1024);
  }
  push(hash: Buffer, status?: number): void {
    if ((this.count + 1) * this.size > this.buffer.length) {
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.count * this.size);
      this.buffer = bigger;
    }
    hash.copy(this.buffer, this.count * this.size);
    if (status !== undefined) this.buffer[this.count * this.size + HASH_BYTES] = status;
    this.count++;
  }
}

/**
 * Sorts fixed-size records by their first 16 bytes and drops repeated hashes (the last one of a
 * hash wins). Radix sort on the 32-bit prefix (uniform: the hashes are HMAC output), then the rare
 * runs sharing a prefix by the whole hash. Exported for its tests.
 */
export function sortRecords(source: Buffer, count: number, size: number): Buffer {
  const prefix = new Uint32Array(count);
  for (let i = 0; i < count; i++) prefix[i] = source.readUInt32BE(i * size);
  let order = new Uint32Array(count);
  let spare = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (const shift of [0, 16]) {
    const counts = new Uint32Array(65_537);
    for (let i = 0; i < count; i++) counts[((prefix[order[i]!]! >>> shift) & 0xffff) + 1]!++;
    for (let b = 1; b < counts.length; b++) counts[b]! += counts[b - 1]!;
    for (let i = 0; i < count; i++) {
      const index = order[i]!;
      spare[counts[(prefix[index]! >>> shift) & 0xffff]!++] = index;
    }
    [order, spare] = [spare, order];
  }
  const hashOf = (index: number): Buffer => source.subarray(index * size, index * size + HASH_BYTES);
  for (let start = 0; start < count; ) {
    let end = start + 1;
    while (end < count && prefix[order[end]!] === prefix[order[start]!]) end++;
    // A stable sort keeps the input order among equal hashes, so the last one is the one given last.
    if (end - start > 1) order.set(Array.from(order.subarray(start, end)).sort((a, b) => Buffer.compare(hashOf(a), hashOf(b)) || a - b), start);
    start = end;
  }
  const out = Buffer.allocUnsafe(count * size);
  let written = 0;
  for (let i = 0; i < count; i++) {
    const index = order[i]!;
    const next = order[i + 1];
    if (next !== undefined && Buffer.compare(hashOf(index), hashOf(next)) === 0) continue;
    source.copy(out, written * size, index * size, index * size + size);
    written++;
  }
  return out.subarray(0, written * size);
}

/** Writes a full snapshot, or a delta when `baseVersion` is given; signed with Ed25519. */
export function writeSnapshot(input: SnapshotInput): Buffer {
  if (input.hashKey.length < 16) throw new RangeError('the hash key has at least 16 bytes');
  const statuses: string[] = [];
  const statusIndex = new Map<string, number>();
  const hasher = new KeyedHasher(input.hashKey);
  const entries = new Records(ENTRY_BYTES);
  for (const { key, status } of input.entries) {
    let index = statusIndex.get(status);
    if (index === undefined) {
      if (statuses.length === 256) throw new RangeError('a snapshot holds at most 256 statuses');
      index = statuses.push(status) - 1;
      statusIndex.set(status, index);
    }
    entries.push(hasher.hash(key), index);
  }
  const removed = new Records(HASH_BYTES);
  for (const key of input.removed ?? []) removed.push(hasher.hash(key));
  const sortedEntries = sortRecords(entries.buffer, entries.count, ENTRY_BYTES);
  const sortedRemoved = sortRecords(removed.buffer, removed.count, HASH_BYTES);
  const header: Header = {
    member: input.member,
    version: input.version,
    baseVersion: input.baseVersion ?? null,
    createdAt: input.createdAt.toISOString(),
    count: sortedEntries.length / ENTRY_BYTES,
    removedCount: sortedRemoved.length / HASH_BYTES,
    statuses,
    hashKey: input.hashKey.toString('base64'),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(headerBytes.length);
  const body = Buffer.concat([MAGIC, length, headerBytes, sortedEntries, sortedRemoved]);
  return Buffer.concat([body, sign(null, body, input.privateKey)]);
}

export interface ReadOptions {
  now: Date;
  /** A snapshot (or delta) made longer ago than this is refused as stale. */
  maxAgeDays: number;
}

interface ParsedFile {
  header: Header;
  hashKey: Buffer;
  entries: Buffer;
  removed: Buffer;
}

/** Verifies the signature first (so no byte of an unsigned file is interpreted), then the shape and the age. */
function parseFile(file: Buffer, publicKey: KeyObject, options: ReadOptions): ParsedFile {
  if (file.length < MAGIC.length + 4 + SIGNATURE_BYTES) throw new SnapshotError('signature', 'the file is too short to be a signed snapshot');
  const body = file.subarray(0, file.length - SIGNATURE_BYTES);
  const signature = file.subarray(file.length - SIGNATURE_BYTES);
  if (!verify(null, body, publicKey, signature)) {
    throw new SnapshotError('signature', 'the snapshot’s signature does not verify: the file was changed or was not made by this register');
  }
  if (!body.subarray(0, MAGIC.length).equals(MAGIC)) throw new SnapshotError('format', 'not a Lintas document snapshot (format 1)');
  const headerLength = body.readUInt32BE(MAGIC.length);
  const headerEnd = MAGIC.length + 4 + headerLength;
  if (headerEnd > body.length) throw new SnapshotError('format', 'the snapshot header is cut short');
  let header: Header;
  try {
    header = JSON.parse(body.subarray(MAGIC.length + 4, headerEnd).toString('utf8')) as Header;
  } catch {
    throw new SnapshotError('format', 'the snapshot header is not JSON');
  }
  const entriesEnd = headerEnd + header.count * ENTRY_BYTES;
  if (entriesEnd + header.removedCount * HASH_BYTES !== body.length) throw new SnapshotError('format', 'the snapshot’s length does not match its header');
  const createdAt = Date.parse(header.createdAt);
  if (!Number.isFinite(createdAt)) throw new SnapshotError('format', 'the snapshot has no valid creation time');
  const ageDays = (options.now.getTime() - createdAt) / DAY_MS;
  if (ageDays > options.maxAgeDays) {
    throw new SnapshotError('stale', `the snapshot was made on ${header.createdAt}, ${ageDays.toFixed(1)} days ago; it is valid for ${options.maxAgeDays} days`);
  }
  return {
    header,
    hashKey: Buffer.from(header.hashKey, 'base64'),
    entries: body.subarray(headerEnd, entriesEnd),
    removed: body.subarray(entriesEnd),
  };
}

export type OfflineAnswer = { hit: false } | { hit: true; status: string };

/** A loaded snapshot, with the deltas applied since. */
export class OfflineRegister {
  private constructor(
    readonly member: string,
    private currentVersion: number,
    private made: Date,
    private readonly hashKey: Buffer,
    private readonly hasher: KeyedHasher,
    private readonly publicKey: KeyObject,
    private readonly options: ReadOptions,
    private statuses: string[],
    private entries: Buffer,
  ) {}

  /** @internal use readSnapshot */
  static fromFile(parsed: ParsedFile, publicKey: KeyObject, options: ReadOptions): OfflineRegister {
    const { header } = parsed;
    return new OfflineRegister(
      header.member,
      header.version,
      new Date(header.createdAt),
      parsed.hashKey,
      new KeyedHasher(parsed.hashKey),
      publicKey,
      options,
      header.statuses,
      Buffer.from(parsed.entries),
    );
  }

  get version(): number {
    return this.currentVersion;
  }

  /** When the snapshot (or its last delta) was made. */
  get createdAt(): Date {
    return this.made;
  }

  /** Documents in the register. */
  get size(): number {
    return this.entries.length / ENTRY_BYTES;
  }

  /** As the online check answers: a hit with the document's status, or none. Throws for a bad issuer or number, as it does. */
  check(issuer: string, type: DocumentType, number: string): OfflineAnswer {
    const hash = this.hasher.hash(normalisedDocumentKey(issuer, type, number));
    const at = findHash(this.entries, ENTRY_BYTES, hash);
    if (at < 0) return { hit: false };
    return { hit: true, status: this.statuses[this.entries[at * ENTRY_BYTES + HASH_BYTES]!]! };
  }

  /**
   * Applies a delta made for this member on this register's version (refused otherwise, and when
   * its signature or age fails as a snapshot's would); the register then stands at the delta's version.
   */
  applyDelta(deltaFile: Buffer, options: ReadOptions = this.options): void {
    const delta = parseFile(deltaFile, this.publicKey, options);
    const { header } = delta;
    if (header.member !== this.member) throw new SnapshotError('member', `the delta was made for ${header.member}, this register for ${this.member}`);
    if (header.baseVersion === null) throw new SnapshotError('base', 'this is a full snapshot, not a delta: load it with readSnapshot');
    if (header.baseVersion !== this.currentVersion) {
      throw new SnapshotError('base', `the delta applies to version ${header.baseVersion}; this register is at version ${this.currentVersion}`);
    }
    if (!delta.hashKey.equals(this.hashKey)) throw new SnapshotError('base', 'the delta was made from another full snapshot (its hash key differs)');
    const statusMap = header.statuses.map((status) => {
      const index = this.statuses.indexOf(status);
      if (index >= 0) return index;
      if (this.statuses.length === 256) throw new SnapshotError('format', 'too many statuses');
      return this.statuses.push(status) - 1;
    });
    this.entries = merge(this.entries, delta.entries, delta.removed, statusMap);
    this.currentVersion = header.version;
    this.made = new Date(header.createdAt);
  }
}

/** The record index of `hash` in sorted fixed-size records, or -1. */
function findHash(records: Buffer, size: number, hash: Buffer): number {
  let low = 0;
  let high = records.length / size - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const offset = middle * size;
    const order = records.compare(hash, 0, HASH_BYTES, offset, offset + HASH_BYTES);
    if (order === 0) return middle;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return -1;
}

/** The base's entries without the removed hashes, with the delta's entries added or replacing theirs; still sorted. */
function merge(base: Buffer, added: Buffer, removed: Buffer, statusMap: number[]): Buffer {
  const out = Buffer.allocUnsafe(base.length + added.length);
  let written = 0;
  let a = 0;
  let b = 0;
  const baseCount = base.length / ENTRY_BYTES;
  const addedCount = added.length / ENTRY_BYTES;
  const copyBase = (): void => {
    if (findHash(removed, HASH_BYTES, base.subarray(a * ENTRY_BYTES, a * ENTRY_BYTES + HASH_BYTES)) < 0) {
      base.copy(out, written * ENTRY_BYTES, a * ENTRY_BYTES, (a + 1) * ENTRY_BYTES);
      written++;
    }
    a++;
  };
  const copyAdded = (): void => {
    added.copy(out, written * ENTRY_BYTES, b * ENTRY_BYTES, b * ENTRY_BYTES + HASH_BYTES);
    out[written * ENTRY_BYTES + HASH_BYTES] = statusMap[added[b * ENTRY_BYTES + HASH_BYTES]!]!;
    written++;
    b++;
  };
  while (a < baseCount && b < addedCount) {
    const order = base.compare(added, b * ENTRY_BYTES, b * ENTRY_BYTES + HASH_BYTES, a * ENTRY_BYTES, a * ENTRY_BYTES + HASH_BYTES);
    if (order < 0) copyBase();
    else if (order > 0) copyAdded();
    else {
      a++; // the delta's entry replaces the base's
      copyAdded();
    }
  }
  while (a < baseCount) copyBase();
  while (b < addedCount) copyAdded();
  return out.subarray(0, written * ENTRY_BYTES);
}

/** Reads a full snapshot: verifies its signature and age. A delta is refused here: apply it to its base. */
export function readSnapshot(file: Buffer, publicKey: KeyObject, options: ReadOptions): OfflineRegister {
  const parsed = parseFile(file, publicKey, options);
  if (parsed.header.baseVersion !== null) {
    throw new SnapshotError('base', `this is a delta on version ${parsed.header.baseVersion}: load the full snapshot, then apply the delta`);
  }
  return OfflineRegister.fromFile(parsed, publicKey, options);
}
