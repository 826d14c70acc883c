import { createHmac, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DOCUMENT_TYPES, type DocumentType } from './icao.js';
import { DocumentNumberError, documentKey } from './number.js';
import { KeyedHasher, SnapshotError, readSnapshot, sortRecords, writeSnapshot, type SnapshotInput } from './snapshot-file.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const other = generateKeyPairSync('ed25519');
const MADE = new Date('2025-06-01T06:00:00Z');
const FRESH = { now: new Date('2025-06-02T06:00:00Z'), maxAgeDays: 2 };
const STATUSES = ['lost', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit'] as const;

interface Doc {
  issuer: string;
  type: DocumentType;
  number: string;
  status: string;
}
const keyOf = (doc: Pick<Doc, 'issuer' | 'type' | 'number'>): string => documentKey(doc.issuer, doc.type, doc.number);

function snapshot(docs: Doc[], changes: Partial<SnapshotInput> = {}): Buffer {
  return writeSnapshot({
    member: 'MYS',
    version: 10,
    entries: docs.map((doc) => ({ key: keyOf(doc), status: doc.status })),
    hashKey: HASH_KEY,
    privateKey,
    createdAt: MADE,
    ...changes,
  });
}
const HASH_KEY = randomBytes(32);

function expectSnapshotError(work: () => unknown, code: SnapshotError['code']): void {
  let thrown: unknown;
  try {
    work();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected SnapshotError(${code})`).toBeInstanceOf(SnapshotError);
  expect((thrown as SnapshotError).code).toBe(code);
}

const DOCS: Doc[] = [
  { issuer: 'UTO', type: 'passport', number: 'L898902C3', status: 'stolen' },
  { issuer: 'D', type: 'identity-card', number: 'T22000129', status: 'lost' },
  { issuer: 'MYS', type: 'passport', number: 'A12345678', status: 'revoked' },
  { issuer: 'IDN', type: 'visa', number: 'V0000001', status: 'stolen-blank' },
];

describe('snapshot round trip', () => {
  test('every document hits with its status; others do not; checks are normalised like the online check', () => {
    const register = readSnapshot(snapshot(DOCS), publicKey, FRESH);
    expect(register.size).toBe(4);
    expect(register.version).toBe(10);
    expect(register.member).toBe('MYS');
    expect(register.createdAt).toEqual(MADE);
    for (const doc of DOCS) expect(register.check(doc.issuer, doc.type, doc.number)).toEqual({ hit: true, status: doc.status });
    expect(register.check('uto', 'passport', 'l8989 02c3')).toEqual({ hit: true, status: 'stolen' });
    expect(register.check('DEU', 'identity-card', 'T22000129')).toEqual({ hit: true, status: 'lost' });
    expect(register.check('UTO', 'identity-card', 'L898902C3')).toEqual({ hit: false });
    expect(register.check('UTO', 'passport', 'L898902C4')).toEqual({ hit: false });
    expect(() => register.check('UTO', 'passport', 'L89/8902')).toThrow(DocumentNumberError);
  });

  test('the file holds no document number, in any form', () => {
    const file = snapshot(DOCS);
    for (const doc of DOCS) {
      expect(file.includes(doc.number)).toBe(false);
      expect(file.includes(keyOf(doc))).toBe(false);
    }
  });

  test('an empty register, and a repeated key keeps the last status', () => {
    expect(readSnapshot(snapshot([]), publicKey, FRESH).size).toBe(0);
    const register = readSnapshot(snapshot([DOCS[0]!, { ...DOCS[0]!, status: 'revoked' }]), publicKey, FRESH);
    expect(register.size).toBe(1);
    expect(register.check('UTO', 'passport', 'L898902C3')).toEqual({ hit: true, status: 'revoked' });
  });

  test('offline answers equal the reference set on random documents (property)', () => {
    const doc = fc.record({
      issuer: fc.constantFrom('UTO', 'D', 'MYS', 'IDN', 'AUS', 'THA', 'XXA'),
      type: fc.constantFrom(...DOCUMENT_TYPES),
      number: fc.stringMatching(/^[A-Z0-9]{1,12}$/),
      status: fc.constantFrom(...STATUSES),
    });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 300, size: 'max' }), fc.array(doc, { maxLength: 100, size: 'max' }), (docs, probes) => {
        const reference = new Map(docs.map((d) => [keyOf(d), d.status]));
        const register = readSnapshot(snapshot(docs), publicKey, FRESH);
        expect(register.size).toBe(reference.size);
        for (const d of [...docs, ...probes]) {
          const status = reference.get(keyOf(d));
          expect(register.check(d.issuer, d.type, d.number)).toEqual(status === undefined ? { hit: false } : { hit: true, status });
        }
      }),
      { numRuns: 60 },
    );
  });

  test('50,000 documents: sorted and found by binary search', () => {
    const docs: Doc[] = Array.from({ length: 50_000 }, (_, i) => ({ issuer: 'MYS', type: 'passport', number: `A${i}`, status: STATUSES[i % STATUSES.length]! }));
    const register = readSnapshot(snapshot(docs), publicKey, FRESH);
    expect(register.size).toBe(50_000);
    for (let i = 0; i < 50_000; i += 997) expect(register.check('MYS', 'passport', `A${i}`)).toEqual({ hit: true, status: STATUSES[i % STATUSES.length] });
    for (let i = 50_000; i < 50_100; i++) expect(register.check('MYS', 'passport', `A${i}`)).toEqual({ hit: false });
  });
});

test('records sort by the whole 16-byte hash, ties on the 32-bit prefix included, the last of equal hashes kept (property)', () => {
  // Few distinct prefixes and tails, so prefixes collide often and whole hashes sometimes.
  const record = fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 255 }));
  fc.assert(
    fc.property(fc.array(record, { maxLength: 200, size: 'max' }), (records) => {
      const source = Buffer.alloc(records.length * 17);
      records.forEach(([prefix, tail, status], i) => {
        source.writeUInt32BE(prefix * 0x40000000, i * 17);
        source[i * 17 + 15] = tail;
        source[i * 17 + 16] = status;
      });
      const sorted = sortRecords(source, records.length, 17);
      const expected = new Map<string, number>();
      records.forEach(([prefix, tail, status]) => expected.set(`${prefix}:${tail}`, status));
      const keys = [...expected.keys()].sort((a, b) => {
        const [pa, ta] = a.split(':').map(Number) as [number, number];
        const [pb, tb] = b.split(':').map(Number) as [number, number];
        return pa - pb || ta - tb;
      });
      expect(sorted.length).toBe(keys.length * 17);
      keys.forEach((key, i) => {
        const [prefix, tail] = key.split(':').map(Number) as [number, number];
        expect(sorted.readUInt32BE(i * 17)).toBe(prefix * 0x40000000);
        expect(sorted[i * 17 + 15]).toBe(tail);
        expect(sorted[i * 17 + 16]).toBe(expected.get(key));
      });
    }),
    { numRuns: 200 },
  );
});

test('the keyed hash is HMAC-SHA256 truncated to 16 bytes, for any key and any hash key (property)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 100 }), fc.array(fc.string({ maxLength: 300, unit: 'grapheme' }), { maxLength: 5 }), (hashKey, keys) => {
      const hasher = new KeyedHasher(Buffer.from(hashKey));
      for (const key of keys) expect(hasher.hash(key)).toEqual(createHmac('sha256', Buffer.from(hashKey)).update(key, 'utf8').digest().subarray(0, 16));
    }),
    { numRuns: 200 },
  );
});

describe('refusals', () => {
  test('tampering with any single byte is refused as a bad signature', () => {
    const file = snapshot(DOCS.slice(0, 2));
    for (let at = 0; at < file.length; at++) {
      const tampered = Buffer.from(file);
      tampered[at] = tampered[at]! ^ (1 << at % 8);
      expectSnapshotError(() => readSnapshot(tampered, publicKey, FRESH), 'signature');
    }
  });

  test('a cut, lengthened or foreign-signed file is refused', () => {
    const file = snapshot(DOCS);
    expectSnapshotError(() => readSnapshot(file.subarray(0, file.length - 1), publicKey, FRESH), 'signature');
    expectSnapshotError(() => readSnapshot(file.subarray(0, 20), publicKey, FRESH), 'signature');
    expectSnapshotError(() => readSnapshot(Buffer.concat([file, Buffer.from([0])]), publicKey, FRESH), 'signature');
    expectSnapshotError(() => readSnapshot(Buffer.alloc(0), publicKey, FRESH), 'signature');
    expectSnapshotError(() => readSnapshot(writeSnapshot({ member: 'MYS', version: 1, entries: [], hashKey: HASH_KEY, privateKey: other.privateKey, createdAt: MADE }), publicKey, FRESH), 'signature');
    expectSnapshotError(() => readSnapshot(file, other.publicKey, FRESH), 'signature');
  });

  test('a stale snapshot is refused; one within its age is read', () => {
    const file = snapshot(DOCS);
    expect(readSnapshot(file, publicKey, { now: new Date(MADE.getTime() + 2 * 86_400_000), maxAgeDays: 2 }).size).toBe(4);
    expectSnapshotError(() => readSnapshot(file, publicKey, { now: new Date(MADE.getTime() + 2 * 86_400_000 + 1000), maxAgeDays: 2 }), 'stale');
    expectSnapshotError(() => readSnapshot(file, publicKey, { now: new Date('2026-01-01'), maxAgeDays: 30 }), 'stale');
  });

  test('a validly signed file that is not a snapshot is refused by format', () => {
    const body = Buffer.from('NOTASNAP\u0000\u0000\u0000\u0002{}');
    expectSnapshotError(() => readSnapshot(Buffer.concat([body, sign(null, body, privateKey)]), publicKey, FRESH), 'format');
  });
});

describe('deltas', () => {
  const base = (): ReturnType<typeof readSnapshot> => readSnapshot(snapshot(DOCS), publicKey, FRESH);
  const delta = (changes: Partial<SnapshotInput>): Buffer =>
    snapshot([], { version: 12, baseVersion: 10, createdAt: new Date('2025-06-02T05:00:00Z'), ...changes });

  test('a delta adds, changes and removes documents and moves the version on', () => {
    const register = base();
    register.applyDelta(
      delta({
        entries: [
          { key: keyOf({ issuer: 'THA', type: 'passport', number: 'AA1111111' }), status: 'counterfeit' },
          { key: keyOf(DOCS[2]!), status: 'stolen' },
        ],
        removed: [keyOf(DOCS[0]!)],
      }),
    );
    expect(register.version).toBe(12);
    expect(register.size).toBe(4);
    expect(register.check('THA', 'passport', 'AA1111111')).toEqual({ hit: true, status: 'counterfeit' });
    expect(register.check('MYS', 'passport', 'A12345678')).toEqual({ hit: true, status: 'stolen' });
    expect(register.check('UTO', 'passport', 'L898902C3')).toEqual({ hit: false });
    expect(register.check('D', 'identity-card', 'T22000129')).toEqual({ hit: true, status: 'lost' });
    // The next delta builds on 12.
    register.applyDelta(snapshot([], { version: 13, baseVersion: 12, removed: [keyOf(DOCS[1]!)] }));
    expect(register.check('D', 'identity-card', 'T22000129')).toEqual({ hit: false });
    expect(register.version).toBe(13);
  });

  test('a delta with the wrong base, for another member, from another full snapshot, or tampered is refused and changes nothing', () => {
    const register = base();
    expectSnapshotError(() => register.applyDelta(delta({ baseVersion: 9 })), 'base');
    expectSnapshotError(() => register.applyDelta(delta({ member: 'IDN' })), 'member');
    expectSnapshotError(() => register.applyDelta(delta({ hashKey: randomBytes(32) })), 'base');
    expectSnapshotError(() => register.applyDelta(snapshot(DOCS, { version: 12 })), 'base');
    const tampered = delta({ removed: [keyOf(DOCS[0]!)] });
    tampered[20] = tampered[20]! ^ 1;
    expectSnapshotError(() => register.applyDelta(tampered), 'signature');
    expectSnapshotError(() => register.applyDelta(delta({ createdAt: new Date('2025-05-01') })), 'stale');
    expect(register.version).toBe(10);
    for (const doc of DOCS) expect(register.check(doc.issuer, doc.type, doc.number)).toEqual({ hit: true, status: doc.status });
  });

  test('a delta is not a snapshot to start from', () => {
    expectSnapshotError(() => readSnapshot(delta({}), publicKey, FRESH), 'base');
  });

  test('base plus delta answers as a full snapshot of the changed register would (property)', () => {
    const doc: fc.Arbitrary<Doc> = fc.record({
      issuer: fc.constantFrom('UTO', 'D', 'MYS'),
      type: fc.constantFrom<DocumentType>('passport', 'identity-card'),
      number: fc.stringMatching(/^[A-Z0-9]{1,6}$/),
      status: fc.constantFrom(...STATUSES),
    });
    fc.assert(
      fc.property(fc.array(doc, { maxLength: 120, size: 'max' }), fc.array(doc, { maxLength: 60, size: 'max' }), fc.array(fc.nat(), { maxLength: 40, size: 'max' }), (docs, changed, removing) => {
        const before = new Map(docs.map((d) => [keyOf(d), d]));
        const removed = removing.map((i) => docs[i % Math.max(docs.length, 1)]).filter((d): d is Doc => d !== undefined);
        const after = new Map(before);
        for (const d of removed) after.delete(keyOf(d));
        for (const d of changed) after.set(keyOf(d), d);
        const register = readSnapshot(snapshot([...before.values()]), publicKey, FRESH);
        // A delta lists what changed since the base; a document removed and re-added is a change, not a removal.
        const changedKeys = new Set(changed.map(keyOf));
        register.applyDelta(
          snapshot(changed, { version: 11, baseVersion: 10, removed: removed.map(keyOf).filter((key) => !changedKeys.has(key)) }),
        );
        expect(register.size).toBe(after.size);
        for (const d of [...docs, ...changed]) {
          const now = after.get(keyOf(d));
          expect(register.check(d.issuer, d.type, d.number)).toEqual(now ? { hit: true, status: now.status } : { hit: false });
        }
      }),
      { numRuns: 60 },
    );
  });
});
