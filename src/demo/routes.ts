import { rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { Type } from 'typebox';
import { DEMO_ADDRESS_FILE, DEMO_TOTP_PATH, demoTotpCode } from '../modules/account/index.js';
import type { Config } from '../platform/config.js';
import type { Platform } from '../platform/context.js';
import { notFound } from '../platform/errors.js';
import type { App } from '../platform/http/app.js';
import { Email } from '../platform/http/schemas.js';
import { Strict } from '../platform/schema.js';

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

/**
 * Demo mode only (the app registers it nowhere else): the current code of a demo user whose second
 * factor is the published demo secret, for `lintas user totp-code` while the server holds the
 * embedded database. It answers this machine only (the socket's address, never a forwarded one)
 * and tells nothing that is not public already: the secret is printed at start and is in the
 * source. Anyone else, and any other user, gets 404.
 */
export function registerDemoRoutes(app: App, platform: Platform): void {
  app.post(DEMO_TOTP_PATH, {
    schema: { hide: true, body: Strict({ email: Email }), response: { 200: Strict({ code: Type.String() }) } },
  }, async (request) => {
    if (!isLoopback(request.socket.remoteAddress)) throw notFound();
    const code = await platform.db.ownerTransaction((tx) => demoTotpCode(tx, request.body.email));
    if (code === null) throw notFound();
    return { code };
  });
}

/** The address a command on this machine reaches the server at. */
export function loopbackUrl(host: Config['host'], port: number): string {
  const local = ['0.0.0.0', '::', ''].includes(host) ? '127.0.0.1' : host;
  return `http://${isIP(local) === 6 ? `[${local}]` : local}:${port}`;
}

/** Writes the running demo server's address into its data folder; the returned function removes it. */
export function recordDemoAddress(dataDir: string, url: string): () => void {
  const path = join(dataDir, DEMO_ADDRESS_FILE);
  writeFileSync(path, `${url}\n`, { mode: 0o600 });
  return () => rmSync(path, { force: true });
}
