import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { totpCode } from '../../platform/auth/totp.js';
import type { Queryable } from '../../platform/db/database.js';
import { sql } from '../../platform/db/sql.js';

/** The demo user's published second-factor secret: the only one whose codes Lintas ever prints. */
export const DEMO_TOTP_SECRET = 'KRUGKIDEMO2LINTASXY3TOTPQLINTAS2';

/** The file in the data folder where a running demo server on the embedded database writes its address. */
export const DEMO_ADDRESS_FILE = 'lintas.address';

/** The demo server's route that answers `lintas user totp-code` (outside /api/v1: no part of the API). */
export const DEMO_TOTP_PATH = '/api/demo/totp-code';

/**
 * The current code of a user whose second factor is the published demo secret; null for anyone else.
 * Reads the secrets' schema: the owner's transaction only.
 */
export async function demoTotpCode(db: Queryable, email: string): Promise<string | null> {
  const [user] = await db.query<{ totp_secret: string | null }>(sql`SELECT s.totp_secret FROM users u JOIN lintas_secrets.user_secrets s ON s.user_id = u.id
    WHERE u.email = ${email.toLowerCase()} AND NOT u.disabled`);
  // Only the demo secret: a real user's codes come from their own authenticator, never from the server.
  return user?.totp_secret === DEMO_TOTP_SECRET ? totpCode(DEMO_TOTP_SECRET) : null;
}

export type AskedServer = { answer: 'code'; code: string } | { answer: 'not a demo user' } | { answer: 'no demo server' };

/**
 * Asks the demo server that holds the data folder (its address is in DEMO_ADDRESS_FILE, written
 * only in demo mode) for a demo user's current code.
 */
export async function askDemoServer(dataDir: string, email: string): Promise<AskedServer> {
  let url: string;
  try {
    url = readFileSync(join(dataDir, DEMO_ADDRESS_FILE), 'utf8').trim();
  } catch {
    return { answer: 'no demo server' };
  }
  const response = await fetch(new URL(DEMO_TOTP_PATH, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    signal: AbortSignal.timeout(10_000),
  }).catch((error: unknown) => {
    throw new Error(`the demo server at ${url} did not answer (${error instanceof Error ? error.message : String(error)})`);
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return { answer: 'not a demo user' };
  }
  if (!response.ok) throw new Error(`the demo server at ${url} answered ${response.status}`);
  const body = (await response.json()) as { code: string };
  return { answer: 'code', code: body.code };
}
