/**
 * Envelope encryption: values are sealed with data-encryption keys (DEKs) that the database keeps
 * only wrapped by a key-encryption key (KEK) of the key ring outside it (keys.ts, migration 0046).
 * One current DEK per use and member, made by the first write that seals; a sealed value names its
 * DEK, so rotating the KEK re-wraps the DEKs (rotation.ts) and seals nothing again.
 *
 * A sealed value: version byte 2, the DEK's id (16 bytes), 12-byte nonce, ciphertext, 16-byte tag;
 * the use and the header are bound in. Version 1 is the first generation's (`DataKey.seal`): it
 * still opens, with the first-generation key the database keeps wrapped under the nil id.
 */
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { Database, Queryable, Tx } from '../db/database.js';
import { sql } from '../db/sql.js';
import { DataKey, readKeyRing, setFirstDataKey, type Kek, type KeyRing } from './keys.js';

/** The first generation's key: the data key before envelope encryption, kept wrapped like any DEK. */
export const FIRST_KEY_ID = '00000000-0000-0000-0000-000000000000';
const VERSION = 2;
const HEADER = 17;

interface KeyRow {
  id: string;
  use: string;
  member: string;
  kek_id: string;
  wrapped: Uint8Array;
}

const uuidBytes = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidText = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
const wrapAad = (row: Pick<KeyRow, 'id' | 'use' | 'member'>): Buffer => Buffer.from(`lintas data key\0${row.id}\0${row.use}\0${row.member}`);

/** A DEK wrapped by a KEK: nonce, sealed key, tag (60 bytes). */
export function wrapKey(kek: Kek, row: Pick<KeyRow, 'id' | 'use' | 'member'>, key: Buffer): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek.key, nonce);
  cipher.setAAD(wrapAad(row));
  return Buffer.concat([nonce, cipher.update(key), cipher.final(), cipher.getAuthTag()]);
}

function unwrapKey(kek: Kek, row: KeyRow): Buffer {
  const wrapped = Buffer.from(row.wrapped);
  const decipher = createDecipheriv('aes-256-gcm', kek.key, wrapped.subarray(0, 12));
  decipher.setAAD(wrapAad(row));
  decipher.setAuthTag(wrapped.subarray(44));
  try {
    return Buffer.concat([decipher.update(wrapped.subarray(12, 44)), decipher.final()]);
  } catch {
    throw new Error(`key ${kek.id} of the key ring does not open the data key ${row.id}: its row in data_keys was changed`);
  }
}

const ringNames = (ring: KeyRing): string => `${ring.keks.map((kek) => kek.id).join(', ')} (from ${ring.source === 'file' ? ring.file : ring.source})`;

/** The error when the ring lacks the KEK that wraps a DEK: which key is missing, where the ring came from, what to do. */
function missingKek(ring: KeyRing | undefined, wanted: readonly string[]): Error {
  const held = ring ? `the key ring holds ${ringNames(ring)}` : 'no key is configured (LINTAS_DATA_KEYS_COMMAND, LINTAS_DATA_KEYS, LINTAS_DATA_KEY or <LINTAS_DATA>/data.key)';
  return new Error(
    `The database's data keys are wrapped with key ${wanted.join(', ')}, but ${held}: the key is wrong or missing. ` +
      'Give every server process the key ring it was given before (lintas keys list names the keys in use); nothing was read or written.',
  );
}

/** The database's data keys, opened with the ring: what seals and opens values for one database. */
export class Envelope {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    private ring: KeyRing,
    private readonly config: Pick<Config, 'env' | 'dataDir'>,
  ) {}

  get currentKek(): Kek {
    const [kek] = this.ring.keks;
    if (!kek) throw new Error('the key ring is empty');
    return kek;
  }

  /** The first generation's key (opened at start): hashes keyed with it stay the same through every rotation. */
  get firstKey(): DataKey {
    const key = this.keys.get(FIRST_KEY_ID);
    if (!key) throw new Error('the first-generation key is not open');
    return new DataKey(key);
  }

  get keyRing(): KeyRing {
    return this.ring;
  }

  /** The ring read again (a key added to the file by `lintas keys rotate` while this process ran). */
  reloadRing(): void {
    this.ring = readKeyRing(this.config, { create: false }) ?? this.ring;
  }

  /** Unwraps a DEK row (reading the ring again once when it lacks the row's KEK) and keeps it. */
  unwrap(row: KeyRow): Buffer {
    const known = this.keys.get(row.id);
    if (known) return known;
    let kek = this.ring.keks.find((candidate) => candidate.id === row.kek_id);
    if (!kek) {
      this.reloadRing();
      kek = this.ring.keks.find((candidate) => candidate.id === row.kek_id);
    }
    if (!kek) throw missingKek(this.ring, [row.kek_id]);
    const key = unwrapKey(kek, row);
    this.keys.set(row.id, key);
    return key;
  }

  /** The current DEK of a use for a member, made in the caller's transaction when there is none (it commits or rolls back with the write). */
  async sealer(tx: Tx, use: string, member: string): Promise<Sealer> {
    const current = sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys WHERE use = ${use} AND member = ${member} AND retired_at IS NULL`;
    let row = await tx.maybeOne<KeyRow>(current);
    if (!row) {
      const made = { id: randomUUID(), use, member };
      const kek = this.currentKek;
      const wrapped = wrapKey(kek, made, randomBytes(32));
      // Two writes making the same key: the second waits for the first, then reads its key.
      await tx.query(sql`INSERT INTO data_keys (id, use, member, kek_id, wrapped) VALUES (${made.id}::uuid, ${use}, ${member}, ${kek.id}, ${wrapped})
        ON CONFLICT (use, member) WHERE retired_at IS NULL DO NOTHING`);
      row = await tx.one<KeyRow>(current);
    }
    return new Sealer(use, row.id, this.unwrap(row));
  }

  async seal(tx: Tx, use: string, member: string, plain: Uint8Array): Promise<Buffer> {
    return (await this.sealer(tx, use, member)).seal(plain);
  }

  async sealJson(tx: Tx, use: string, member: string, value: unknown): Promise<Buffer> {
    return (await this.sealer(tx, use, member)).sealJson(value);
  }

  /** Opens a value sealed for `use` (by a DEK, or by the first generation's key); throws if it was changed or sealed for another use. */
  async open(tx: Queryable, use: string, sealed: Uint8Array): Promise<Buffer> {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (bytes[0] === 1) return new DataKey(await this.key(tx, FIRST_KEY_ID)).open(use, bytes);
    if (bytes.length < HEADER + 28 || bytes[0] !== VERSION) throw new Error('not a sealed value');
    const key = await this.key(tx, uuidText(bytes.subarray(1, HEADER)));
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(HEADER, HEADER + 12));
    decipher.setAAD(Buffer.concat([bytes.subarray(0, HEADER), Buffer.from(use)]));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(HEADER + 12, bytes.length - 16)), decipher.final()]);
  }

  async openJson(tx: Queryable, use: string, sealed: Uint8Array): Promise<unknown> {
    return JSON.parse((await this.open(tx, use, sealed)).toString('utf8'));
  }

  /** A DEK by id: known, or read (another process made it since this one opened the keys). */
  private async key(tx: Queryable, id: string): Promise<Buffer> {
    const known = this.keys.get(id);
    if (known) return known;
    const [row] = await tx.query<KeyRow>(sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys WHERE id = ${id}::uuid`);
    if (!row) throw new Error(`the value was sealed with data key ${id}, which the database does not hold`);
    return this.unwrap(row);
  }
}

/** The DEK id a sealed value names (undefined for a first-generation value). */
export function sealedKeyId(sealed: Uint8Array): string | undefined {
  return sealed[0] === VERSION ? uuidText(Buffer.from(sealed.subarray(1, HEADER))) : undefined;
}

/** Nonces drawn from the random generator 4 KiB at a time: a bulk import seals a million values, and a draw each cost about a third of a seal. */
let noncePool = Buffer.alloc(0);
function nonce(): Buffer {
  if (noncePool.length < 12) noncePool = randomBytes(12 * 341);
  const taken = Buffer.from(noncePool.subarray(0, 12));
  noncePool = noncePool.subarray(12);
  return taken;
}

/** Seals values of one use with one DEK, without a round trip (a bulk import seals a million rows with one). */
export class Sealer {
  private readonly header: Buffer;

  constructor(
    private readonly use: string,
    readonly keyId: string,
    private readonly key: Buffer,
  ) {
    this.header = Buffer.concat([Buffer.from([VERSION]), uuidBytes(keyId)]);
  }

  seal(plain: Uint8Array): Buffer {
    const iv = nonce();
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.concat([this.header, Buffer.from(this.use)]));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([this.header, iv, body, cipher.getAuthTag()]);
  }

  sealJson(value: unknown): Buffer {
    return this.seal(Buffer.from(JSON.stringify(value), 'utf8'));
  }
}

const opened = new WeakMap<Database, Envelope>();

/**
 * Opens the database's data keys with the configuration's key ring, at start (server, commands, tests):
 * every DEK must unwrap, or the start stops with an error naming the missing key, before anything is
 * read or written. A new database (no data keys yet) gets its key file made when no key is
 * configured, and keeps the first generation's key (the ring's current key) wrapped under the nil id.
 */
export async function openDataKeys(db: Database, config: Pick<Config, 'env' | 'dataDir'>): Promise<Envelope> {
  const rows = await db.ownerTransaction((tx) => tx.query<KeyRow>(sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys ORDER BY created_at`));
  const ring = readKeyRing(config, { create: rows.length === 0 });
  if (!ring) throw missingKek(undefined, [...new Set(rows.map((row) => row.kek_id))]);
  const held = new Set(ring.keks.map((kek) => kek.id));
  const lacking = [...new Set(rows.map((row) => row.kek_id).filter((id) => !held.has(id)))];
  if (lacking.length > 0) throw missingKek(ring, lacking);
  const envelope = new Envelope(ring, config);
  for (const row of rows) envelope.unwrap(row);
  if (!rows.some((row) => row.id === FIRST_KEY_ID)) {
    // The first generation's key is the key the ring held before envelope encryption: its current one.
    const first = { id: FIRST_KEY_ID, use: 'first generation', member: '' };
    const kek = envelope.currentKek;
    await db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO data_keys (id, use, member, kek_id, wrapped) VALUES (${FIRST_KEY_ID}::uuid, ${first.use}, '', ${kek.id}, ${wrapKey(kek, first, kek.key)})
        ON CONFLICT DO NOTHING`),
    );
    const [row] = await db.ownerTransaction((tx) => tx.query<KeyRow>(sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys WHERE id = ${FIRST_KEY_ID}::uuid`));
    if (!row) throw new Error('the first-generation key was not kept');
    envelope.unwrap(row);
  }
  const [first] = await db.ownerTransaction((tx) => tx.query<KeyRow>(sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys WHERE id = ${FIRST_KEY_ID}::uuid`));
  if (first) setFirstDataKey(config, envelope.unwrap(first));
  opened.set(db, envelope);
  return envelope;
}

/** Opens the data keys unless this process opened them already (tools that may run before or without a server's start: the demo loader). */
export async function ensureDataKeys(db: Database, config: Pick<Config, 'env' | 'dataDir'>): Promise<Envelope> {
  return opened.get(db) ?? openDataKeys(db, config);
}

/** The database's opened data keys (openDataKeys ran at start). */
export function envelopeOf(platform: { db: Database }): Envelope {
  const envelope = opened.get(platform.db);
  if (!envelope) throw new Error('the data keys of this database are not open: openDataKeys runs at start');
  return envelope;
}
