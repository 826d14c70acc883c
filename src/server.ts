import type { App } from './platform/http/app.js';
import { build } from './app.js';
import { DEMO_PASSWORD, DEMO_SIGN_INS, DEMO_TOTP_EMAIL, DEMO_TOTP_SECRET, isEmpty, seedDemo } from './demo/seed.js';
import type { Config } from './platform/config.js';
import type { Platform } from './platform/context.js';
import { migrate } from './platform/db/migrate.js';
import { openDatabase } from './platform/db/open.js';
import { applyReportSettings } from './modules/reports/settings.js';
import { startHitReminders } from './modules/documents/hits.js';
import { closeRegister, registerOf } from './modules/documents/register.js';
import { factStoreFor } from './modules/reports/fact-store.js';
import { startReleaseJob } from './modules/reports/release/job.js';
import { closeAuditGroup } from './platform/audit/group-commit.js';
import { smtpMailer } from './platform/notify/mailer.js';
import { startOutboxWorker } from './platform/notify/outbox.js';

export interface Running {
  app: App;
  platform: Platform;
  url: string;
  close(): Promise<void>;
}

/**
 * Opens the database, applies migrations, loads the demo into a new embedded database (or when
 * asked), and listens.
 */
export async function startServer(config: Config, options: { demo?: boolean; logger?: boolean; quiet?: boolean } = {}): Promise<Running> {
  const db = await openDatabase(config);
  try {
    await migrate(db);
    await applyReportSettings(db, config);
    const demo = options.demo ?? !config.databaseUrl;
    let seeded = false;
    if (demo && (await isEmpty(db))) {
      await seedDemo(db, config);
      seeded = true;
    }
    const platform: Platform = { db, config, mailer: smtpMailer(config) };
    const app = await build({ platform, logger: options.logger ?? true });
    const outbox = startOutboxWorker(platform);
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET') outbox.kick();
    });
    // The documents index is built before the first check is taken; hits unanswered too long are reminded.
    await registerOf(platform).start();
    // The analysis store loads in the background; a dashboard request made meanwhile waits for it.
    factStoreFor(db)
      .catchUp()
      .catch((error: unknown) => app.log.error({ err: error }, 'the analysis store could not be loaded'));
    const reminders = startHitReminders(platform, () => outbox.kick());
    // The regional release is computed when a month closes and on a schedule, never on request.
    const release = startReleaseJob(platform, (error) => app.log.error({ err: error }, 'the regional release could not be computed'));
    await app.listen({ port: config.port, host: config.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `http://localhost:${port}`;
    if (!options.quiet) {
      const where = config.databaseUrl ? 'PostgreSQL server' : `embedded database in ${config.dataDir}`;
      const lines = [
        '',
        `Lintas is running at ${url}  (${where})`,
        `API document: ${url}/api/openapi.json   API docs page: ${url}/api/docs`,
      ];
      if (demo) {
        lines.push(
          seeded ? 'Demo data loaded. Sign in with any of these (password for all: ' + DEMO_PASSWORD + '):' : `Demo sign-ins (password ${DEMO_PASSWORD}):`,
          ...DEMO_SIGN_INS.map((user) => `  ${user.email.padEnd(24)} ${user.member.padEnd(4)} ${user.roles.join(', ')}`),
          `${DEMO_TOTP_EMAIL} has a second factor: add the secret ${DEMO_TOTP_SECRET} to an authenticator app (or, with the server stopped, run: npx lintas user totp-code --email ${DEMO_TOTP_EMAIL}).`,
        );
      }
      console.log(lines.join('\n') + '\n');
    }
    return {
      app,
      platform,
      url,
      async close() {
        await app.close();
        await reminders.stop();
        await release.stop();
        await closeAuditGroup(db);
        await closeRegister(db);
        await outbox.stop();
        await db.close();
      },
    };
  } catch (error) {
    await db.close();
    throw error;
  }
}
