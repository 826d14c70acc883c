import { randomInt } from 'node:crypto';
import { authenticator } from 'otplib';
import { digest } from './secrets.js';

authenticator.options = { step: 30, window: 1, digits: 6 };

export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

export function totpUri(email: string, secret: string): string {
  return authenticator.keyuri(email, 'Lintas', secret);
}

/**
 * The time step a code belongs to, or null when it is wrong. A code whose step is not later than
 * the last one used is refused by the caller, so a code cannot be replayed.
 */
export function totpStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = authenticator.checkDelta(code, secret);
  if (delta === null) return null;
  return Math.floor(now / 30_000) + delta;
}

/** The current code, for tests and the demo. */
export function totpCode(secret: string): string {
  return authenticator.generate(secret);
}

/** Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand is not mistaken. */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RECOVERY_CODE_LENGTH = 24;
const CURRENT_FORM = /^[0-9A-HJKMNP-TV-Z]{24}$/;

/**
 * Ten recovery codes, shown once, in groups of four (`ABCD-EFGH-…`); stored as the SHA-256 of their
 * 24 characters. 24 characters of base32 are 120 random bits (ASVS 2.6.2 asks 112), which an
 * offline search cannot cover, so a plain hash resists it without a salt (ASVS 2.6.3).
 */
export function newRecoveryCodes(): { codes: string[]; hashes: Buffer[] } {
  const raw = Array.from({ length: 10 }, () => Array.from({ length: RECOVERY_CODE_LENGTH }, () => CROCKFORD[randomInt(32)]).join(''));
  return { codes: raw.map((code) => code.replace(/(.{4})(?!$)/g, '$1-')), hashes: raw.map((code) => digest(code)) };
}

/**
 * The hash a typed recovery code is looked up by. A code of the current form is read as Crockford
 * reads it (case, spaces and dashes ignored; I and L are 1, O is 0); one of the earlier form
 * (12 lower-case characters, issued before 0048) as it was then, so it keeps working until used or replaced.
 */
export function recoveryCodeHash(typed: string): Buffer {
  const crockford = typed.replace(/[\s-]/g, '').toUpperCase().replace(/[IL]/g, '1').replace(/O/g, '0');
  if (CURRENT_FORM.test(crockford)) return digest(crockford);
  return digest(typed.trim().toLowerCase());
}
