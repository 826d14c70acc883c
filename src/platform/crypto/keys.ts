import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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

function parseKey(raw: string, name = 'LINTAS_DATA_KEY'): Buffer {
  const text = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  const decoded = Buffer.from(text, 'base64');
  if (decoded.length === 32 && /^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return decoded;
  throw new Error(`${name} must be 32 bytes as 64 hex digits or 44 base64 characters (make one with: openssl rand -hex 32)`);
}

/** A key-encryption key of the ring: its id is a fingerprint of the key (16 hex digits), so a wrong key never passes for a right one. */
export interface Kek {
  id: string;
  key: Buffer;
}

/**
 * The key ring: the key-encryption keys (KEKs) held outside the database, the first the current one
 * (it wraps new data keys; the others only open what they wrapped until `lintas keys rotate` re-wraps
 * it). From `LINTAS_DATA_KEYS_COMMAND` (a command asking a secrets manager, its output the keys),
 * else `LINTAS_DATA_KEYS` (keys separated by commas or spaces), else `LINTAS_DATA_KEY` (one key), else
 * `<LINTAS_DATA>/data.key` (one key a line).
 */
export interface KeyRing {
  keks: readonly Kek[];
  source: 'LINTAS_DATA_KEYS_COMMAND' | 'LINTAS_DATA_KEYS' | 'LINTAS_DATA_KEY' | 'file';
  /** The key file, when the ring is read from one. */
  file?: string;
}

export const kekId = (key: Uint8Array): string => createHash('sha256').update('lintas key id\0').update(key).digest('hex').slice(0, 16);

function ringOf(keys: readonly Buffer[], source: KeyRing['source'], file?: string): KeyRing {
  const keks = keys.map((key) => ({ id: kekId(key), key }));
  if (keks.length === 0) throw new Error(`${source === 'file' ? file : source} holds no key`);
  if (new Set(keks.map((kek) => kek.id)).size !== keks.length) throw new Error(`${source === 'file' ? file : source} holds the same key twice`);
  return { keks, source, ...(file ? { file } : {}) };
}

export const keyFilePath = (dataDir: string): string => join(dataDir, 'data.key');

/** Keys separated by new lines, commas or spaces; lines starting with # are comments. */
function parseKeys(text: string, name: string): Buffer[] {
  const keys = text.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  return keys.flatMap((line) => line.split(/[\s,]+/)).filter((key) => key !== '').map((key, i) => parseKey(key, `${name}, key ${i + 1},`));
}

/** How long the key command may take before the start gives up on it. */
export const KEY_COMMAND_TIMEOUT_MS = 30_000;

/**
 * The key ring from `LINTAS_DATA_KEYS_COMMAND`, run through `/bin/sh -c` as PostgreSQL runs its
 * `ssl_passphrase_command`: a secrets manager's client (`vault kv get -field=keys secret/lintas`, `aws
 * secretsmanager get-secret-value ... --query SecretString --output text`, `gcloud secrets versions
 * access latest --secret=lintas-keys`), so that the keys rest in the manager, under its access rules
 * and its audit, and reach the process only in memory. Its standard output holds the keys (one a
 * line, or separated by commas or spaces, the current one first); an exit other than 0, a signal, more
 * than the timeout or no key stops whatever asked, with the command's own words from standard error
 * (never its output, which is the keys).
 */
function runKeyCommand(command: string, env: Readonly<Record<string, string | undefined>>, timeout: number): Buffer[] {
  const run = spawnSync('/bin/sh', ['-c', command], { env: { ...process.env, ...env }, timeout, encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const said = (run.stderr ?? '').trim().split('\n').slice(-3).join(' / ').slice(0, 500);
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
    throw new Error(`LINTAS_DATA_KEYS_COMMAND took more than ${timeout / 1000} s and was stopped; no key was read`);
  }
  if (run.error) throw new Error(`LINTAS_DATA_KEYS_COMMAND could not run: ${run.error.message}`);
  if (run.status !== 0) {
    throw new Error(`LINTAS_DATA_KEYS_COMMAND failed (${run.signal ? `signal ${run.signal}` : `exit ${run.status}`})${said ? `: ${said}` : ''}; no key was read`);
  }
  return parseKeys(run.stdout, 'LINTAS_DATA_KEYS_COMMAND output');
}

function readKeyFile(path: string): Buffer[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return parseKeys(text, path);
}

/**
 * The configuration's key ring. `create`: with no key configured and no key file, make the file with a
 * new random key (mode 0600); only for a database that holds no data key yet, since a new key
 * cannot open what another sealed. Undefined when there is no key and `create` is false.
 */
export function readKeyRing(config: Pick<Config, 'env' | 'dataDir'>, options: { create: boolean; commandTimeoutMs?: number }): KeyRing | undefined {
  const command = config.env.LINTAS_DATA_KEYS_COMMAND?.trim();
  const many = config.env.LINTAS_DATA_KEYS?.trim();
  const one = config.env.LINTAS_DATA_KEY?.trim();
  if ([command, many, one].filter(Boolean).length > 1) throw new Error('set one of LINTAS_DATA_KEYS_COMMAND, LINTAS_DATA_KEYS and LINTAS_DATA_KEY, not several');
  if (command) return ringOf(runKeyCommand(command, config.env, options.commandTimeoutMs ?? KEY_COMMAND_TIMEOUT_MS), 'LINTAS_DATA_KEYS_COMMAND');
  if (many) return ringOf(many.split(/[\s,]+/).filter((text) => text !== '').map((text, i) => parseKey(text, `LINTAS_DATA_KEYS, key ${i + 1},`)), 'LINTAS_DATA_KEYS');
  if (one) return ringOf([parseKey(one)], 'LINTAS_DATA_KEY');
  const path = keyFilePath(config.dataDir);
  const keys = readKeyFile(path) ?? (options.create ? makeKeyFile(config.dataDir) : undefined);
  return keys ? ringOf(keys, 'file', path) : undefined;
}

/** Writes the key file's lines (mode 0600) through a new file renamed into place, so a crash leaves the old one or the new one. */
function writeKeyFile(path: string, keys: readonly Buffer[]): void {
  const part = `${path}.${process.pid}.part`;
  writeFileSync(part, `# Lintas key ring: the first key wraps new data keys (lintas keys rotate adds one)\n${keys.map((key) => key.toString('hex')).join('\n')}\n`, { mode: 0o600 });
  chmodSync(part, 0o600);
  renameSync(part, path);
}

/** Puts a new random key first in the key file; the new key's id. */
export function addKeyToFile(path: string): string {
  const keys = readKeyFile(path);
  if (!keys) throw new Error(`${path} does not exist`);
  const key = randomBytes(32);
  writeKeyFile(path, [key, ...keys]);
  return kekId(key);
}

/** Removes a key, by id, from the key file (never the current one). */
export function removeKeyFromFile(path: string, id: string): void {
  const keys = readKeyFile(path) ?? [];
  const kept = keys.filter((key) => kekId(key) !== id);
  if (kept.length === keys.length) throw new Error(`${path} holds no key ${id}`);
  if (kekId(keys[0] ?? Buffer.alloc(0)) === id) throw new Error(`key ${id} is the current key; rotate to another first`);
  writeKeyFile(path, kept);
}

const keys = new WeakMap<object, DataKey>();

/**
 * The data key of the first generation (before envelope encryption): it keys the platform's hashes
 * (probe hashes, unsubscribe links) and opens what it sealed (webhook secrets; biometric fields sealed
 * before migration 0046 until `lintas keys rotate --reencrypt`). Once the database's data keys are
 * open (`openDataKeys`, at start), it is the one the database keeps wrapped, whatever the ring holds
 * now; before that (tools that do not open them), the ring's one key.
 */
export function dataKeyOf(config: Pick<Config, 'env' | 'dataDir'>): DataKey {
  let key = keys.get(config.env);
  if (!key) {
    const ring = readKeyRing(config, { create: true });
    const [first] = ring?.keks ?? [];
    if (!first) throw new Error('no data key');
    if ((ring?.keks.length ?? 0) > 1) throw new Error('the key ring holds several keys: open the database\'s data keys first (openDataKeys)');
    key = new DataKey(first.key);
    keys.set(config.env, key);
  }
  return key;
}

/** Sets the configuration's first-generation data key (openDataKeys, from the database). */
export function setFirstDataKey(config: Pick<Config, 'env'>, key: Buffer): void {
  keys.set(config.env, new DataKey(key));
}

/** `<dataDir>/data.key` written once with a new random key (never replaced: that would lose what it sealed). */
function makeKeyFile(dataDir: string): Buffer[] {
  const path = keyFilePath(dataDir);
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
  return readKeyFile(path) ?? [];
}

/**
 * The keys of the configuration's ring when there is one (LINTAS_DATA_KEYS, LINTAS_DATA_KEY, or a key
 * file already in the data folder), without making one: a restore must not mint a new key and take it
 * for the old. The current key first.
 */
export function existingDataKeys(config: Pick<Config, 'env' | 'dataDir'>): DataKey[] {
  return (readKeyRing(config, { create: false })?.keks ?? []).map((kek) => new DataKey(kek.key));
}
