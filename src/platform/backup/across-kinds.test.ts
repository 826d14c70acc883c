import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MODULES } from '../../modules/index.js';
import { verifyAudit } from '../audit/verify.js';
import { loadConfig } from '../config.js';
import type { Database } from '../db/database.js';
import { PgliteDatabase } from '../db/pglite.js';
import { PostgresDatabase } from '../db/postgres.js';
import { sql } from '../db/sql.js';
import { migrationsOf } from '../module.js';
import { DEMO_DATA_KEY, openDemoDatabase } from '../../../test/support/demo-template.js';
import { fingerprint, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { makeBackup, type BackupConfig } from './backup.js';
import { BackupRefused, newIdentity } from './envelope.js';
import { restoreBackup } from './restore.js';
import { loadPgliteIntoServer } from './across.js';

// A backup restores into the other kind of database: the demo on a PostgreSQL server, backed up and
// restored into an embedded database, then that one backed up and restored into a new server
// database. Each hop keeps every row of every table, the sequences where they were, and an audit
// chain that verifies. It needs both kinds, so it runs on the PostgreSQL leg.

const migrations = migrationsOf(MODULES);
const env = loadConfig({ LINTAS_DATA_KEY: DEMO_DATA_KEY }).env;

let source: TestDatabase;
let folder: string;
let identityFile: string;
let recipient: string;
const serverUrl = process.env.LINTAS_TEST_DATABASE_URL ?? '';
const created: string[] = [];
/** The server database's backup and the embedded database's that the first test makes. */
let fromServer: string | undefined;
let fromEmbedded: string | undefined;

/** A new empty database on the server, with its URL. */
async function emptyServerDatabase(): Promise<string> {
  const name = `lintas_across_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Every table's rows but the audit trail's, which gains a row at each backup and restore. */
async function contents(db: Database): Promise<Record<string, string>> {
  const { audit_log: _log, ...rest } = await fingerprint(db);
  return rest;
}

/** Every sequence's state but the audit trail's, which moves at each backup and restore. */
async function sequences(db: Database): Promise<{ name: string; value: string; called: boolean }[]> {
  return (await allSequences(db)).filter((sequence) => !sequence.name.startsWith('public.audit_log_'));
}

function allSequences(db: Database): Promise<{ name: string; value: string; called: boolean }[]> {
  return db.ownerTransaction(async (tx) => {
    const found = await tx.query<{ schema: string; name: string }>(
      sql`SELECT n.nspname::text AS schema, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'lintas_secrets') AND c.relkind = 'S' ORDER BY 1, 2`,
    );
    const states = [];
    for (const { schema, name } of found) {
      const [state] = await tx.query<{ value: string; called: boolean }>(sql`SELECT last_value::text AS value, is_called AS called FROM ${sql.ident(schema)}.${sql.ident(name)}`);
      states.push({ name: `${schema}.${name}`, ...state! });
    }
    return states;
  });
}

async function auditRows(db: Database): Promise<number> {
  const [row] = await db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`));
  return row!.n;
}

describe.runIf(TEST_DB_KIND === 'postgres')('a backup restored into the other kind of database', () => {
  beforeAll(async () => {
    source = await openDemoDatabase();
    folder = mkdtempSync(join(tmpdir(), 'lintas-across-'));
    const pair = await newIdentity();
    recipient = pair.recipient;
    identityFile = join(folder, 'identity.txt');
    writeFileSync(identityFile, pair.identityFile);
  }, 300_000);

  afterAll(async () => {
    await source?.close();
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  test('the server’s demo into an embedded database, and that into a new server database: every row, every sequence, a chain that verifies', async () => {
    fromServer = join(folder, 'from-server.age');
    const manifest = await makeBackup(source.db, { databaseUrl: source.url, dataDir: join(folder, 'unused'), env }, { out: fromServer, recipients: [recipient] });
    expect(manifest.database).toBe('postgres');
    expect(manifest.rows.reports).toBeGreaterThan(0);
    const expected = await contents(source.db);
    const expectedSequences = await sequences(source.db);
    expect(expectedSequences.length).toBeGreaterThan(0);
    expect((await allSequences(source.db)).length).toBeGreaterThan(expectedSequences.length);

    // Into an embedded database.
    const embedded: BackupConfig = { databaseUrl: undefined, dataDir: join(folder, 'embedded'), env };
    const first = await restoreBackup(embedded, { in: fromServer, identityFile, migrations });
    expect(first.auditRows).toBe(manifest.audit.rows);
    const pglite = await PgliteDatabase.open(embedded.dataDir);
    let secondManifestRows: number;
    try {
      expect((await verifyAudit(pglite)).ok).toBe(true);
      expect(await contents(pglite)).toEqual(expected);
      expect(await sequences(pglite)).toEqual(expectedSequences);
      expect(await auditRows(pglite)).toBe(manifest.audit.rows + 1);

      // And back into a new server database.
      fromEmbedded = join(folder, 'from-embedded.age');
      const second = await makeBackup(pglite, embedded, { out: fromEmbedded, recipients: [recipient] });
      expect(second.database).toBe('pglite');
      secondManifestRows = second.audit.rows;
    } finally {
      await pglite.close();
    }
    const url = await emptyServerDatabase();
    const again = await restoreBackup({ databaseUrl: url, dataDir: join(folder, 'unused'), env }, { in: fromEmbedded, identityFile, migrations });
    expect(again.auditRows).toBe(secondManifestRows);
    const server = await PostgresDatabase.open(url, { poolSize: 2 });
    try {
      expect((await verifyAudit(server)).ok).toBe(true);
      expect(await contents(server)).toEqual(expected);
      expect(await sequences(server)).toEqual(expectedSequences);
      // The restored database takes writes as the source would: the next audit row chains on.
      const [last] = await server.ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1`));
      expect(last?.action).toBe('platform.restore');
    } finally {
      await server.close();
    }

    // Into a server database that is not empty (the source): refused, and the source is as it was.
    const before = await fingerprint(source.db);
    const refused = await restoreBackup({ databaseUrl: source.url, dataDir: join(folder, 'unused'), env }, { in: fromEmbedded, identityFile, migrations }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BackupRefused);
    expect((refused as Error).message).toMatch(/is not empty/);
    expect(await fingerprint(source.db)).toEqual(before);
  }, 300_000);

  test('an embedded database copied into a server a heap page at a time is the same, row for row', async () => {
    // The embedded database the first test restored, copied straight into a new server database in
    // chunks of one page, so every table of more than a page goes over in several.
    const pglite = await PgliteDatabase.open(join(folder, 'embedded'));
    const server = await PostgresDatabase.open(await emptyServerDatabase(), { poolSize: 1 });
    try {
      const [largest] = await pglite.ownerTransaction((tx) =>
        tx.query<{ pages: number }>(sql`SELECT max(pg_relation_size(c.oid) / 8192)::int AS pages FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'lintas_secrets') AND c.relkind = 'r'`),
      );
      expect(largest!.pages).toBeGreaterThan(3);
      await loadPgliteIntoServer(pglite, server, migrations, 1);
      expect(await fingerprint(server)).toEqual(await fingerprint(pglite));
      expect(await allSequences(server)).toEqual(await allSequences(pglite));
    } finally {
      await server.close();
      await pglite.close();
    }
  }, 300_000);

  test('a load that fails leaves the target as empty as it was, and says why: an embedded folder, a server database', async () => {
    // A target whose migrations fail halfway: the backup names the migrations, this "Lintas" has them, but
    // one of its texts refuses to run (the checksum is the backup's, so only the load can find out).
    const broken = migrations.map((migration, index) => (index === migrations.length - 1 ? { ...migration, text: `${migration.text}\nSELECT 1/0;` } : migration));
    const target: BackupConfig = { databaseUrl: undefined, dataDir: join(folder, 'held'), env };
    const refused = await restoreBackup(target, { in: fromServer!, identityFile, migrations: broken }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BackupRefused);
    expect((refused as Error).message).toMatch(/could not be loaded into an embedded database \(PGlite\).*division by zero/);
    expect(readdirSync(target.dataDir)).toEqual([]);

    // The embedded database's backup into a server database: the one transaction rolls back.
    const url = await emptyServerDatabase();
    const refusedToo = await restoreBackup({ databaseUrl: url, dataDir: join(folder, 'unused'), env }, { in: fromEmbedded!, identityFile, migrations: broken }).catch((error: unknown) => error);
    expect(refusedToo).toBeInstanceOf(BackupRefused);
    expect((refusedToo as Error).message).toMatch(/could not be loaded into a PostgreSQL server database \(.*division by zero/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'`);
    await client.end();
    expect(rows[0]?.n).toBe(0);
  }, 300_000);
});
