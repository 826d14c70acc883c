import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_TOTP_SECRET } from '../../src/demo/seed.js';
import { totpCode } from '../../src/platform/auth/totp.js';
import { loadConfig, type Config } from '../../src/platform/config.js';
import { sql } from '../../src/platform/db/sql.js';
import { startServer } from '../../src/server.js';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND } from './db.js';
import { DEMO_DATA_KEY, pgliteDemoDump, postgresDemoTemplate } from './demo-template.js';

/**
 * A whole Lintas listening on a free port, with the demo loaded into a database of its own: an
 * embedded one in a new folder, or on the PostgreSQL leg (LINTAS_TEST_DATABASE_URL) a new database,
 * each a copy of the run's demo template (demo-template.ts). Serves the built web app (web/dist).
 * `env`: settings of its own (e.g. LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP).
 */
export async function startTestServer(options: { env?: Record<string, string> } = {}): Promise<{ url: string; kind: 'pglite' | 'postgres'; config: Config; close(): Promise<void>; totpFor(email: string): Promise<string> }> {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-e2e-'));
  // The demo is seeded once per run and copied here, so the server finds it loaded. On the PostgreSQL
  // leg the server opens the database by its URL; the test's own pool is only kept to drop it at the end.
  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  const database = TEST_DB_KIND === 'postgres' && serverUrl ? await openTestDatabase({}, await postgresDemoTemplate(serverUrl)) : undefined;
  if (!database) await makeTestDataFolder(folder, await pgliteDemoDump());
  // The demo template's data key: it sealed the demo's data and wraps its data keys.
  const config = { ...loadConfig({ LINTAS_DATA_KEY: DEMO_DATA_KEY, ...options.env }), dataDir: folder, databaseUrl: database?.url, port: 0, host: '127.0.0.1', rateLimitPerMinute: 100_000 };
  const running = await startServer(config, { demo: true, logger: false, quiet: true }).catch(async (error: unknown) => {
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
      return totpCode(DEMO_TOTP_SECRET);
    },
    async close() {
      await running.close();
      await database?.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
