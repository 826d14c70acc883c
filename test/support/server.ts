import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOTP_SECRET } from '../../src/demo/seed.js';
import { issueResetLink } from '../../src/platform/auth/reset-links.js';
import { totpCode } from '../../src/platform/auth/totp.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { sql } from '../../src/platform/db/sql.js';
import { startServer } from '../../src/server.js';
import { PgliteDatabase } from '../../src/platform/db/pglite.js';
import { dumpBlob, openTestDatabase, TEST_DB_KIND, TEST_SHARED_BUFFERS } from './db.js';
import { DEMO_DATA_KEY, pgliteDemoDump, postgresDemoTemplate } from './demo-template.js';

/**
 * A whole Lintas listening on a free port, with the demo loaded into a database of its own: an
 * embedded one in a new folder, or on the PostgreSQL leg (LINTAS_TEST_DATABASE_URL) a new database,
 * each a copy of the run's demo template (demo-template.ts). Serves the built web app (web/dist).
 * `env`: settings of its own (e.g. LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP).
 */
export async function startTestServer(options: { env?: Record<string, string>; log?: { write(line: string): void } } = {}): Promise<{ url: string; kind: 'pglite' | 'postgres'; config: Config; close(): Promise<void>; totpFor(email: string): Promise<string>; resetLinkFor(email: string): Promise<string>; passwordEnteredAgo(email: string, minutes: number): Promise<void>; giveDemoSecondFactor(email: string): Promise<void> }> {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-e2e-'));
  // The demo is seeded once per run and copied here, so the server finds it loaded. On the PostgreSQL
  // leg the server opens the database by its URL; the test's own pool is only kept to drop it at the end.
  // On PGlite's the server is given an embedded database in memory, loaded from the demo's dump: a data
  // folder would be written out in full and read back, two seconds of CPU for every browser test's server.
  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  const database = TEST_DB_KIND === 'postgres' && serverUrl ? await openTestDatabase({}, await postgresDemoTemplate(serverUrl)) : undefined;
  const embedded = database ? undefined : await PgliteDatabase.open(undefined, { sharedBuffers: TEST_SHARED_BUFFERS }, dumpBlob(await pgliteDemoDump()));
  // The demo template's data key: it sealed the demo's data and wraps its data keys.
  // A browser test's sign-in may be many minutes old when it creates a token or changes roles: an hour's grace (passwordEnteredAgo moves it).
  const config = { ...loadConfig({ LINTAS_DATA_KEY: DEMO_DATA_KEY, LINTAS_REAUTH_MINUTES: '60', LINTAS_DECISION_MIN_SECONDS: '0', ...options.env }), dataDir: folder, databaseUrl: database?.url, databaseAppUrl: database?.appUrl, port: 0, host: '127.0.0.1', rateLimitPerMinute: 100_000 };
  const running = await startServer(config, { demo: true, logger: options.log ? { stream: options.log } : false, quiet: true, ...(embedded ? { database: embedded } : {}) }).catch(async (error: unknown) => {
    await database?.close();
    throw error;
  });
  return {
    url: running.url.replace('localhost', '127.0.0.1'),
    kind: running.platform.db.kind,
    config: running.platform.config,
    async totpFor(email) {
      const user = await running.platform.db.ownerTransaction((tx) => tx.one<{ totp_secret: string | null }>(sql`SELECT s.totp_secret FROM users u JOIN lintas_secrets.user_secrets s ON s.user_id = u.id WHERE u.email = ${email}`));
      if (user.totp_secret !== DEMO_TOTP_SECRET) throw new Error(`${email} has no demo second factor`);
      // A user signed in twice within one time step would have its code refused as reused (ASVS 2.8.5): tests may.
      await running.platform.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.user_secrets s SET totp_last_step = 0 FROM users u WHERE u.id = s.user_id AND u.email = ${email}`));
      return totpCode(DEMO_TOTP_SECRET);
    },
    /** A demo user's sessions last had the password entered this many minutes ago (re-authentication, ASVS 3.7.1). */
    async passwordEnteredAgo(email, minutes) {
      await running.platform.db.ownerTransaction((tx) =>
        tx.query(sql`UPDATE lintas_secrets.sessions s SET reauthenticated_at = now() - make_interval(mins => ${minutes}::int) FROM users u WHERE u.id = s.user_id AND u.email = ${email}`),
      );
    },
    /** Gives a demo user the demo's published second factor, as enrolling an authenticator would (an administrator needs one, ASVS 4.3.1). */
    async giveDemoSecondFactor(email) {
      await running.platform.db.ownerTransaction(async (tx) => {
        await tx.query(sql`UPDATE users SET totp_enabled = true WHERE email = ${email}`);
        await tx.query(sql`UPDATE lintas_secrets.user_secrets s SET totp_secret = ${DEMO_TOTP_SECRET}, totp_last_step = 0 FROM users u WHERE u.id = s.user_id AND u.email = ${email}`);
      });
    },
    /** A password link for a demo user, as the e-mail carries it. */
    async resetLinkFor(email) {
      return running.platform.db.ownerTransaction(async (tx) => {
        const user = await tx.one<{ id: string; email: string; name: string }>(sql`SELECT id, email, name FROM users WHERE email = ${email}`);
        return issueResetLink(tx, running.platform, user);
      });
    },
    async close() {
      await running.close();
      await database?.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
