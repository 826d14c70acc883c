import { closeSync, existsSync, openSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { seedDemo } from '../../src/demo/seed.js';
import { MODULES } from '../../src/modules/index.js';
import { loadConfig } from '../../src/platform/config.js';
import { openDataKeys } from '../../src/platform/crypto/envelope.js';
import type { Database, DatabaseOptions } from '../../src/platform/db/database.js';
import { PgliteDatabase } from '../../src/platform/db/pglite.js';
import { PostgresDatabase } from '../../src/platform/db/postgres.js';
import { smtpMailer } from '../../src/platform/notify/mailer.js';
import { dumpBlob, openTestDatabase, TEST_SHARED_BUFFERS, type TestDatabase } from './db.js';

/**
 * The demo, seeded once per run and copied for each test server, as the migrated template is for
 * each test file: every browser test's server used to migrate and seed a database of its own, a
 * dozen seconds each on the embedded database. Built by the first server that needs it (a file lock
 * on PGlite's side, an advisory lock on PostgreSQL's), so runs without browser tests never pay for it.
 */

/** The data key the demo template is sealed with: test apps and servers on a copy of it use it too. */
export const DEMO_DATA_KEY = 'de'.repeat(32);

async function seed(db: Database): Promise<void> {
  const config = loadConfig({ LINTAS_DATA_KEY: DEMO_DATA_KEY });
  await openDataKeys(db, config);
  const platform = { db, config, mailer: smtpMailer(config) };
  for (const module of MODULES) await module.prepare?.(platform);
  await seedDemo(db, config, MODULES);
}

/** The path of a dump of the migrated embedded database with the demo loaded. */
export async function pgliteDemoDump(): Promise<string> {
  const dump = join(dirname(inject('pgliteTemplate')), 'demo.tar');
  const lock = `${dump}.lock`;
  let mine = false;
  try {
    closeSync(openSync(lock, 'wx'));
    mine = true;
  } catch {
    // Another worker is building it: wait for the file it renames into place when done.
  }
  if (mine) {
    const db = await PgliteDatabase.open(undefined, { sharedBuffers: TEST_SHARED_BUFFERS }, dumpBlob(inject('pgliteTemplate')));
    try {
      await seed(db);
      const blob = await db.dump();
      writeFileSync(`${dump}.part`, Buffer.from(await blob.arrayBuffer()));
      renameSync(`${dump}.part`, dump);
    } finally {
      await db.close();
    }
  }
  for (let waited = 0; !existsSync(dump); waited += 200) {
    if (waited > 300_000) throw new Error(`the demo template ${dump} was not built within 5 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return dump;
}

/** The name of a database on the server holding the migrated schema with the demo loaded, to clone. */
export async function postgresDemoTemplate(serverUrl: string): Promise<string> {
  const template = inject('postgresTemplate');
  if (!template) throw new Error('the PostgreSQL leg has no migrated template');
  const name = template.replace('lintas_template_', 'lintas_demo_');
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // One builder at a time; the others find it built when they get the lock.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await admin.query(`CREATE DATABASE ${name}_part TEMPLATE ${template}`);
      const url = new URL(serverUrl);
      url.pathname = `/${name}_part`;
      const db = await PostgresDatabase.open(url.toString(), { poolSize: 2 });
      try {
        await seed(db);
      } finally {
        await db.close();
      }
      // Renamed once whole, so a half-seeded template is never cloned.
      await admin.query(`ALTER DATABASE ${name}_part RENAME TO ${name}`);
    }
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
  } finally {
    await admin.end();
  }
  return name;
}

/** A database of the suite's kind with the demo loaded, copied from the run's demo template. */
export async function openDemoDatabase(options: DatabaseOptions = {}): Promise<TestDatabase> {
  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  return serverUrl ? openTestDatabase(options, await postgresDemoTemplate(serverUrl)) : openTestDatabase(options, null, await pgliteDemoDump());
}
