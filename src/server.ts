import { build } from './app.js';
import { loopbackUrl, recordDemoAddress } from './demo/routes.js';
import { DEMO_PASSWORD, DEMO_SIGN_INS, DEMO_TOTP_EMAIL, DEMO_TOTP_EMAILS, DEMO_TOTP_SECRET, isEmpty, seedDemo } from './demo/seed.js';
import { MODULES } from './modules/index.js';
import type { Config } from './platform/config.js';
import type { Platform } from './platform/context.js';
import type { Database } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { openDataKeys } from './platform/crypto/envelope.js';
import { pepperStoredPasswords } from './platform/auth/secrets.js';
import { openDatabase } from './platform/db/open.js';
import type { App } from './platform/http/app.js';
import { stopBeingReady } from './platform/http/readiness.js';
import { migrationsOf, readAllSettings, type LintasModule, type Running as ModuleRunning } from './platform/module.js';
import { closeAuditGroup } from './platform/audit/group-commit.js';
import { listenForSessionChanges } from './platform/auth/sessions.js';
import type { Listener } from './platform/db/listen.js';
import { smtpMailer } from './platform/notify/mailer.js';
import { startDigestJob } from './platform/notify/digest.js';
import { startEmbeddedMaintenance } from './platform/db/maintenance.js';
import { startOutboxWorker } from './platform/notify/outbox.js';

export interface Running {
  app: App;
  platform: Platform;
  url: string;
  close(): Promise<void>;
}

/** The command that prints the demo officer's current code, as it must be typed beside this server. */
function totpCommand(config: Config): string {
  const command = `npx lintas user totp-code ${DEMO_TOTP_EMAIL}`;
  if (config.databaseUrl) return `${command}   (with DATABASE_URL set as for the server)`;
  // A data folder given to the server must be given to the command too; quoted for a POSIX shell.
  return config.env.LINTAS_DATA ? `LINTAS_DATA='${config.dataDir.replaceAll("'", "'\\''")}' ${command}` : command;
}

/**
 * Refuses the demo (users with a published password and TOTP secret) on a PostgreSQL server in
 * production, unless the operator says so: such a database is rarely a throw-away (ASVS 2.5.4).
 */
export function assertDemoAllowed(config: Config): void {
  if (!config.databaseUrl || config.env.NODE_ENV !== 'production' || config.env.LINTAS_ALLOW_DEMO === 'true') return;
  throw new Error(
    '--demo refused: with NODE_ENV=production on a PostgreSQL server the demo would add users whose password and second factor are published. ' +
      'For a trial installation set LINTAS_ALLOW_DEMO=true as well; otherwise start without --demo.',
  );
}

/**
 * What every server does with a migrated database before it builds its app: reads the modules'
 * settings, opens the data keys (a wrong or missing key stops here, before anything is read or
 * written), and runs each module's preparation (sealing left-over rows, loading in-memory indexes,
 * registering linkage's sources). `startServer` calls it; so do the tests' apps and the benches'
 * servers, so that what they serve is prepared as production's is.
 */
export async function preparePlatform(
  db: Database,
  config: Config,
  options: { modules?: readonly LintasModule[]; mailer?: Platform['mailer']; unsafeWithoutSharingCondition?: boolean } = {},
): Promise<Platform> {
  const modules = options.modules ?? MODULES;
  readAllSettings(modules, config);
  await openDataKeys(db, config);
  const platform: Platform = {
    db,
    config,
    mailer: options.mailer ?? smtpMailer(config),
    ...(options.unsafeWithoutSharingCondition ? { unsafeWithoutSharingCondition: true } : {}),
  };
  for (const module of modules) await module.prepare?.(platform);
  return platform;
}

/**
 * Opens the database, applies migrations, loads the demo into a new database when asked (`demo`),
 * starts every module's background work, and listens. `database`: one already open to serve instead
 * of opening config's (the server takes it over and closes it), such as an embedded one in memory.
 */
export async function startServer(
  config: Config,
  options: { demo?: boolean; logger?: boolean | { stream: { write(line: string): void } }; quiet?: boolean; modules?: readonly LintasModule[]; database?: Database } = {},
): Promise<Running> {
  const modules = options.modules ?? MODULES;
  readAllSettings(modules, config);
  const demo = options.demo ?? false;
  if (demo) assertDemoAllowed(config);
  const db = options.database ?? (await openDatabase(config));
  const started: ModuleRunning[] = [];
  let sessionChanges: Listener | undefined;
  try {
    await migrate(db, migrationsOf(modules));
    // A serving login that could act as the owner, or that is refused its proofs, stops the start here.
    await db.checkLogins();
    // Sign-outs, revocations and directory changes made by other processes reach this one's session cache.
    if (config.databaseUrl) sessionChanges = await listenForSessionChanges(config.databaseUrl);
    // A wrong or missing key stops the start here, before anything is read or written.
    const platform = await preparePlatform(db, config, { modules });
    // Password hashes made before the pepper, or by an older version, are peppered now (no password needed).
    await pepperStoredPasswords(db, config);
    let seeded = false;
    if (demo && (await isEmpty(db))) {
      await seedDemo(db, config, modules);
      seeded = true;
    }
    const app = await build({ platform, logger: options.logger ?? true, modules, demo });
    const outbox = startOutboxWorker(platform);
    const digest = startDigestJob(platform, (error) => app.log.error({ err: error }, 'the daily digest failed; it runs again shortly'), () => outbox.kick());
    const maintenance = startEmbeddedMaintenance(db, app.log);
    app.addHook('onResponse', async (request) => {
      if (request.method !== 'GET') outbox.kick();
    });
    const stopAll = async (): Promise<void> => {
      for (const running of started.splice(0).reverse()) await running.stop();
    };
    // Fastify names the scheme in its log from its own `https` option, which a server factory leaves unset.
    const scheme = config.tls ? 'https' : 'http';
    try {
      for (const module of modules) {
        if (module.start) started.push(await module.start({ platform, log: app.log.child({ module: module.name }), kickOutbox: () => outbox.kick() }));
      }
      await app.listen({ port: config.port, host: config.host, listenTextResolver: (address) => `Server listening at ${address.replace(/^https?:/, `${scheme}:`)}` });
    } catch (error) {
      await app.close();
      await stopAll();
      await digest.stop();
      await maintenance?.stop();
      await outbox.stop();
      throw error;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const url = `${scheme}://localhost:${port}`;
    // `lintas user totp-code` cannot open the embedded database this server holds: it asks the server
    // (over plain HTTP on loopback: not when the server speaks HTTPS).
    const forgetAddress = demo && !config.databaseUrl && !config.tls ? recordDemoAddress(config.dataDir, loopbackUrl(config.host, port)) : () => undefined;
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
          `${DEMO_TOTP_EMAILS.join(', ')} have a second factor: add the secret ${DEMO_TOTP_SECRET} to an authenticator app, or print a current code with:`,
          `  ${totpCommand(config)}`,
          `  (with the user's own address for the others)`,
        );
      }
      console.log(lines.join('\n') + '\n');
    }
    return {
      app,
      platform,
      url,
      async close() {
        forgetAddress();
        if (config.shutdownDrainSeconds > 0) {
          // Out of the proxy's rotation first (its health check sees /readyz fail), serving meanwhile.
          stopBeingReady(app);
          app.log.info({ seconds: config.shutdownDrainSeconds }, 'stopping: /readyz answers 503 while requests are still served');
          await new Promise((resolve) => setTimeout(resolve, config.shutdownDrainSeconds * 1000));
        }
        await app.close();
        await stopAll();
        await closeAuditGroup(db);
        await digest.stop();
        await maintenance?.stop();
        await outbox.stop();
        platform.mailer.close?.();
        await sessionChanges?.close();
        await db.close();
      },
    };
  } catch (error) {
    for (const running of started.splice(0).reverse()) await running.stop().catch(() => undefined);
    await sessionChanges?.close();
    await db.close();
    throw error;
  }
}
