import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { migrate } from '../../src/platform/db/migrate.js';
import { MODULES } from '../../src/modules/index.js';
import { migrationsOf } from '../../src/platform/module.js';
import { PgliteDatabase } from '../../src/platform/db/pglite.js';
import { PostgresDatabase } from '../../src/platform/db/postgres.js';
import { builtAfter } from './freshness.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    postgresTemplate: string | null;
    /** The serving login of the PostgreSQL leg's databases (a member of lintas_app only), or null. */
    postgresServingLogin: string | null;
  }
}

/**
 * Migrates once, then every test file starts from a copy: a dump of a migrated PGlite, and on
 * the PostgreSQL leg (LINTAS_TEST_DATABASE_URL) a template database cloned per file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-test-'));
  const db = await PgliteDatabase.open(undefined);
  await migrate(db, migrationsOf(MODULES));
  const dump = await db.dump();
  await db.close();
  const templatePath = join(folder, 'template.tar');
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', templatePath);

  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  // The second leg of `npm test` (scripts/test.mjs) serves the web app the first leg built.
  // So does a run after `npm run build` (as CI does) while no source of the web app has changed since.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const webBuilt = builtAfter(join(root, 'web', 'dist', 'index.html'), [join(root, 'web'), join(root, 'src')]);
  if (process.env.LINTAS_TEST_WEB_BUILT !== '1' && !webBuilt) await buildWebApp();
  let templateName: string | null = null;
  let servingLogin: string | null = null;
  if (serverUrl) {
    templateName = `lintas_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${templateName}`);
    await admin.query(`CREATE DATABASE ${templateName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${templateName}`;
    const template = await PostgresDatabase.open(url.toString(), { poolSize: 1 });
    await migrate(template, migrationsOf(MODULES));
    await template.close();
    // The leg's databases serve requests as production's do with DATABASE_APP_URL: through a login
    // that is a member of lintas_app and nothing more (roles are the server's, not a database's).
    servingLogin = `lintas_serving_${process.pid}`;
    const roles = new pg.Client({ connectionString: serverUrl });
    await roles.connect();
    await roles.query(`DROP ROLE IF EXISTS ${servingLogin}`);
    await roles.query(`CREATE ROLE ${servingLogin} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEROLE NOCREATEDB IN ROLE lintas_app`);
    await roles.end();
  }
  project.provide('postgresTemplate', templateName);
  project.provide('postgresServingLogin', servingLogin);

  return async () => {
    rmSync(folder, { recursive: true, force: true });
    if (serverUrl && templateName) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      const leftovers = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'lintas_t_${process.pid}_%'`);
      for (const row of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${templateName} WITH (FORCE)`);
      // The demo's template (test/support/demo-template.ts), when a browser test built it.
      const demo = templateName.replace('lintas_template_', 'lintas_demo_');
      await admin.query(`DROP DATABASE IF EXISTS ${demo}_part WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${demo} WITH (FORCE)`);
      if (servingLogin) await admin.query(`DROP ROLE IF EXISTS ${servingLogin}`);
      await admin.end();
    }
  };
}

/**
 * The browser tests serve web/dist, on both legs: build it once for the run, from the sources under test, as
 * production does (Vitest sets NODE_ENV=test, which would bundle React's development build).
 */
async function buildWebApp(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}
