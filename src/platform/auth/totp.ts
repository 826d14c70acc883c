import { authenticator } from 'otplib';
import { digest, newSecret } from './secrets.js';

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

/** Ten recovery codes, shown once; stored as hashes. */
export function newRecoveryCodes(): { codes: string[]; hashes: Buffer[] } {
  const codes = Array.from({ length: 10 }, () => newSecret(10).replace(/[-_]/g, 'x').slice(0, 12).toLowerCase());
  return { codes, hashes: codes.map((code) => digest(code)) };
}
