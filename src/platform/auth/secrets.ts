import { hash as oneShotHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, hashRaw, parseOptions, type Algorithm } from '@node-rs/argon2';
import { appendAudit } from '../audit/writer.js';
import { dataKeyOf } from '../crypto/keys.js';
import type { Database } from '../db/database.js';
import { sql } from '../db/sql.js';
import { invalid } from '../errors.js';
import { passwordRefusal, passwordUserInputs } from './password-strength.js';

/** A random secret for cookies, tokens and links: 32 bytes, base64url. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Secrets are stored as their SHA-256 only. */
export function digest(secret: string): Buffer {
  return oneShotHash('sha256', secret, 'buffer');
}

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

// OWASP's argon2id settings: 19 MiB, two passes, one lane, 32 bytes out.
// Algorithm.Argon2id is a const enum, which isolated modules cannot read; 2 is its value.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment, @typescript-eslint/no-unnecessary-type-assertion
const ARGON2_ID: Algorithm = 2 as Algorithm;
const ARGON2 = { algorithm: ARGON2_ID, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };

/**
 * A stored password hash is peppered (ASVS 2.4.5): argon2id's PHC string with its output replaced by
 * an HMAC-SHA-256 of that output under the first generation's data key, which is held outside the
 * database (wrapped by the key ring). A copy of the database alone cannot be tried against
 * guesses. `$pepper1` marks it; the rest is a PHC string whose salt and parameters verification
 * reuses.
 */
const PEPPERED = '$pepper1';
const PEPPER_USE = 'password';
type PepperKeyConfig = Parameters<typeof dataKeyOf>[0];

const unpadded = (bytes: Buffer): string => bytes.toString('base64').replace(/=+$/, '');

function macOf(config: PepperKeyConfig, raw: Uint8Array): Buffer {
  return Buffer.from(dataKeyOf(config).hash(PEPPER_USE, raw), 'hex');
}

/** A plain argon2id PHC string peppered: the same salt and parameters, its output replaced by the output's HMAC. */
export function pepperedHash(config: PepperKeyConfig, phc: string): string {
  const parts = phc.split('$');
  const output = parts[5];
  if (parts.length !== 6 || !phc.startsWith('$argon2') || !output) throw new Error('not an argon2 hash');
  return `${PEPPERED}${[...parts.slice(0, 5), unpadded(macOf(config, Buffer.from(output, 'base64')))].join('$')}`;
}

export async function hashPassword(config: PepperKeyConfig, password: string): Promise<string> {
  return pepperedHash(config, await hash(password, ARGON2));
}

/** True when `password` is the one `stored` was made from; false for anything else, a hash that is not peppered among them. */
export async function verifyPassword(config: PepperKeyConfig, stored: string | null, password: string): Promise<boolean> {
  if (!stored?.startsWith(`${PEPPERED}$argon2`)) return false;
  const phc = stored.slice(PEPPERED.length);
  const [, , , , salt, mac] = phc.split('$');
  if (!salt || !mac) return false;
  try {
    const raw = await hashRaw(password, { ...parseOptions(phc), salt: Buffer.from(salt, 'base64') });
    const expected = Buffer.from(mac, 'base64');
    const actual = macOf(config, raw);
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let decoy: Promise<string> | undefined;
export function decoyHash(config: PepperKeyConfig): Promise<string> {
  decoy ??= hashPassword(config, newSecret());
  return decoy;
}

/**
 * Peppers every stored password hash that is not yet (those made before the pepper, or written by an
 * older version of Lintas): at start, after the data keys are open, in one transaction. Needs no
 * password, since the pepper is an HMAC of argon2's output. Returns how many it peppered (audited).
 */
export async function pepperStoredPasswords(db: Database, config: PepperKeyConfig): Promise<number> {
  return db.ownerTransaction(async (tx) => {
    const rows = await tx.query<{ user_id: string; password_hash: string }>(
      sql`SELECT user_id, password_hash FROM lintas_secrets.user_secrets WHERE password_hash LIKE '$argon2%' FOR UPDATE`,
    );
    if (rows.length === 0) return 0;
    await tx.query(sql`UPDATE lintas_secrets.user_secrets s SET password_hash = p.hash
      FROM unnest(${rows.map((row) => row.user_id)}::uuid[], ${rows.map((row) => pepperedHash(config, row.password_hash))}::text[]) AS p (user_id, hash)
      WHERE s.user_id = p.user_id`);
    await appendAudit(tx, {}, [{ action: 'auth.passwords-peppered', objectType: 'user', details: { count: rows.length } }]);
    return rows.length;
  });
}

export const PASSWORD_RULES = { minLength: 12, maxLength: 200 } as const;

/**
 * Refuses (400, with a pointer to the password's field) a new password that is among the most
 * common or too easy to guess for its user (ASVS 2.1.7), by `passwordRefusal`.
 */
export async function assertAcceptablePassword(password: string, user: { email?: string | null; name?: string | null }, pointer: string): Promise<void> {
  const refusal = await passwordRefusal(password, passwordUserInputs(user));
  if (refusal) throw invalid([{ pointer, detail: refusal }], 'The new password is too weak.');
}
