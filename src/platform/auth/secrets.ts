import { hash as oneShotHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
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

// OWASP's argon2id settings: 19 MiB, two passes, one lane.
// Algorithm.Argon2id is a const enum, which isolated modules cannot read; 2 is its value.
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment, @typescript-eslint/no-unnecessary-type-assertion
const ARGON2_ID: Algorithm = 2 as Algorithm;
const ARGON2 = { algorithm: ARGON2_ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) return false;
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not tell. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(newSecret());
  return decoy;
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
