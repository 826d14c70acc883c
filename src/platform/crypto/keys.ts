import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, openSync, readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * The data key: 32 bytes that seal fields at rest (AES-256-GCM) and key hashes (HMAC-SHA-256), held
 * outside the database so that a copy of the database alone reads none of it. From
 * `LINTAS_DATA_KEY` (64 hex digits or 44 base64 characters; every server process of one database
 * must have the same), else from `<LINTAS_DATA>/data.key`, made (mode 0600) the first time it is
 * needed. Each use takes its own subkey (HKDF with the use's name), so one purpose's output says
 * nothing about another's.
 */
export class DataKey {
  private readonly subkeys = new Map<string, Buffer>();

  constructor(private readonly master: Buffer) {
    if (master.length !== 32) throw new Error('the data key must be 32 bytes');
  }

  private subkey(use: string): Buffer {
    let key = this.subkeys.get(use);
    if (!key) this.subkeys.set(use, (key = Buffer.from(hkdfSync('sha256', this.master, Buffer.alloc(0), `lintas ${use}`, 32))));
    return key;
  }

  /** Seals bytes for `use`: version byte, 12-byte nonce, ciphertext, 16-byte tag. `use` is bound in too. */
  seal(use: string, plain: Uint8Array): Buffer {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(`seal ${use}`), nonce);
    cipher.setAAD(Buffer.from(use));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([1]), nonce, body, cipher.getAuthTag()]);
  }

  /** Opens what `seal` sealed for the same use; throws if it was changed or sealed with another key or use. */
  open(use: string, sealed: Uint8Array): Buffer {
    const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (bytes.length < 29 || bytes[0] !== 1) throw new Error('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.subkey(`seal ${use}`), bytes.subarray(1, 13));
    decipher.setAAD(Buffer.from(use));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(13, bytes.length - 16)), decipher.final()]);
  }

  sealJson(use: string, value: unknown): Buffer {
    return this.seal(use, Buffer.from(JSON.stringify(value), 'utf8'));
  }

  openJson(use: string, sealed: Uint8Array): unknown {
    return JSON.parse(this.open(use, sealed).toString('utf8'));
  }

  /** A keyed hash (hex): equal inputs give equal hashes, and without the key nothing can be tried against it. */
  hash(use: string, data: Uint8Array): string {
    return createHmac('sha256', this.subkey(`hash ${use}`)).update(data).digest('hex');
  }
}

function parseKey(raw: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return decoded;
  throw new Error('LINTAS_DATA_KEY must be 32 bytes as 64 hex digits or 44 base64 characters (make one with: openssl rand -hex 32)');
}

const keys = new WeakMap<object, DataKey>();

/** The configuration's data key (read, or made in the data folder, once per configuration). */
export function dataKeyOf(config: Pick<Config, 'env' | 'dataDir'>): DataKey {
  let key = keys.get(config.env);
  if (!key) {
    key = new DataKey(config.env.LINTAS_DATA_KEY ? parseKey(config.env.LINTAS_DATA_KEY) : keyFile(config.dataDir));
    keys.set(config.env, key);
  }
  return key;
}

/**
 * The configuration's data key when there is one (LINTAS_DATA_KEY, or a key file already in the
 * data folder), without making one: a restore must not mint a new key and take it for the old.
 */
export function existingDataKey(config: Pick<Config, 'env' | 'dataDir'>): DataKey | undefined {
  if (config.env.LINTAS_DATA_KEY) return dataKeyOf(config);
  try {
    readFileSync(join(config.dataDir, 'data.key'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return dataKeyOf(config);
}

/** `<dataDir>/data.key`: read, or written once with a new random key (never replaced: that would lose what it sealed). */
function keyFile(dataDir: string): Buffer {
  const path = join(dataDir, 'data.key');
  try {
    return parseKey(readFileSync(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true });
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, `${randomBytes(32).toString('hex')}\n`);
    closeSync(fd);
    chmodSync(path, 0o600);
  } catch (error) {
    // Another process made it first: use that one.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return parseKey(readFileSync(path, 'utf8'));
}
