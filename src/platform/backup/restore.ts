import { createWriteStream, existsSync, mkdirSync, mkdtempSync, openAsBlob, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { verifyAudit } from '../audit/verify.js';
import { appendAudit } from '../audit/writer.js';
import type { Database } from '../db/database.js';
import type { Migration } from '../db/migrate.js';
import { PgliteDatabase } from '../db/pglite.js';
import { PostgresDatabase } from '../db/postgres.js';
import { readArchive, readEntry, type ArchivedFile } from './archive.js';
import type { BackupConfig } from './backup.js';
import { BackupRefused, decryptTo, parseIdentities } from './envelope.js';
import { dataKeyFingerprint, dataKeyFingerprints, MANIFEST_NAME, parseManifest, readFacts, type Manifest } from './manifest.js';
import { findPgTool, run } from './pg-tools.js';

export interface RestoreOptions {
  in: string;
  identityFile: string;
  /** The migrations this Lintas knows: a backup made by a Lintas with others is refused. */
  migrations: readonly Migration[];
  /** Restore even though the data key here is not the one the backup's sealed fields need. */
  otherDataKey?: boolean;
}

/** The restored database did not turn out as its manifest says; it must not be used. */
export class RestoreMismatch extends Error {}

export interface RestoreReport {
  manifest: Manifest;
  auditRows: number;
  /** Set when the restore went ahead with another data key (--other-data-key). */
  dataKeyWarning?: string;
}

/**
 * Restores an encrypted backup into the configured database, which must be empty. Everything is
 * checked before the target is touched (the identity, every byte of the file, every checksum, the
 * kind, the migrations, the data key); afterwards the audit chain is verified and every table's
 * rows are counted against the manifest.
 */
export async function restoreBackup(config: BackupConfig, options: RestoreOptions): Promise<RestoreReport> {
  const identities = parseIdentities(readText(options.identityFile, 'identity file'));
  if (!existsSync(options.in)) throw new BackupRefused(`${options.in} does not exist`);
  const work = mkdtempSync(join(tmpdir(), 'lintas-restore-'));
  try {
    const plain = join(work, 'backup.tar');
    await decryptTo(options.in, plain, identities);
    const file = await open(plain, 'r');
    try {
      const { manifest, part } = await checkArchive(file);
      const target = config.databaseUrl ? 'postgres' : 'pglite';
      if (manifest.database !== target) {
        throw new BackupRefused(`the backup is of ${describeKind(manifest.database)} and the target is ${describeKind(target)}: a backup restores into the same kind of database`);
      }
      checkMigrations(manifest, options.migrations);
      const dataKeyWarning = checkDataKey(manifest, config, options.otherDataKey === true);
      const auditRows =
        target === 'pglite'
          ? await restorePglite(config.dataDir, manifest, await openAsBlob(plain).then((blob) => blob.slice(part.offset, part.offset + part.size)))
          : await restorePostgres(config, manifest, file, part, work);
      return { manifest, auditRows, ...(dataKeyWarning ? { dataKeyWarning } : {}) };
    } finally {
      await file.close();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new BackupRefused(`cannot read the ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

function describeKind(kind: 'pglite' | 'postgres'): string {
  return kind === 'pglite' ? 'an embedded database (PGlite)' : 'a PostgreSQL server database';
}

/** The manifest first, then each part it names with its size and SHA-256; nothing else. */
async function checkArchive(file: FileHandle): Promise<{ manifest: Manifest; part: ArchivedFile }> {
  let entries: ArchivedFile[];
  try {
    entries = await readArchive(file);
  } catch (error) {
    throw new BackupRefused(`the backup decrypted but its content is damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
  const [first, ...rest] = entries;
  if (first?.name !== MANIFEST_NAME) throw new BackupRefused('the backup holds no manifest');
  const chunks: Uint8Array[] = [];
  for await (const chunk of readEntry(file, first)) chunks.push(chunk);
  let manifest: Manifest;
  try {
    manifest = parseManifest(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new BackupRefused(error instanceof Error ? error.message : String(error));
  }
  if (manifest.parts.length !== 1 || rest.length !== 1) throw new BackupRefused('the backup does not hold the parts its manifest names');
  const [expected] = manifest.parts;
  const [part] = rest;
  if (!expected || !part || part.name !== expected.name) throw new BackupRefused('the backup does not hold the parts its manifest names');
  if (part.size !== expected.bytes || part.sha256 !== expected.sha256) {
    throw new BackupRefused(`${part.name} does not match its checksum in the manifest (SHA-256 ${part.sha256}, expected ${expected.sha256})`);
  }
  return { manifest, part };
}

function checkMigrations(manifest: Manifest, known: readonly Migration[]): void {
  const byVersion = new Map(known.map((migration) => [migration.version, migration]));
  const unknown = manifest.migrations.filter((migration) => byVersion.get(migration.version)?.checksum !== migration.checksum);
  if (unknown.length > 0) {
    throw new BackupRefused(
      `the backup was made by a Lintas with migrations this one does not have (${unknown.map((migration) => migration.name).join(', ')}): restore it with that version or a later one`,
    );
  }
}

function checkDataKey(manifest: Manifest, config: BackupConfig, allowOther: boolean): string | undefined {
  if (manifest.dataKeyFingerprint === null) return undefined;
  const here = dataKeyFingerprint(config);
  if (dataKeyFingerprints(config).includes(manifest.dataKeyFingerprint)) return undefined;
  const problem =
    here === null
      ? `there is no data key here (LINTAS_DATA_KEYS, LINTAS_DATA_KEY, or ${join(config.dataDir, 'data.key')}), and the backup's sealed fields need the key with fingerprint ${manifest.dataKeyFingerprint}`
      : `no key of the ring here (current: fingerprint ${here}) is the one the backup's sealed fields need (fingerprint ${manifest.dataKeyFingerprint})`;
  if (!allowOther) throw new BackupRefused(`${problem}: put the original key in place first (nothing was restored), or restore anyway with --other-data-key, leaving sealed fields unreadable`);
  return `${problem}; restored anyway (--other-data-key): sealed fields cannot be read until the original key is in place`;
}

/** The restored database against its manifest: the audit chain verifies, every table's rows and the chain's head are as they were. */
async function verifyRestored(db: Database, manifest: Manifest): Promise<number> {
  const verdict = await verifyAudit(db);
  if (!verdict.ok) throw new RestoreMismatch(`the restored audit trail does not verify at row ${verdict.firstBad?.seq}: ${verdict.firstBad?.problem}`);
  const facts = await db.ownerTransaction(readFacts);
  const tables = new Set([...Object.keys(manifest.rows), ...Object.keys(facts.rows)]);
  const differ = [...tables].filter((table) => manifest.rows[table] !== facts.rows[table]);
  if (differ.length > 0) {
    throw new RestoreMismatch(
      `the restored rows differ from the manifest in ${differ.map((table) => `${table} (${facts.rows[table] ?? 'missing'}, expected ${manifest.rows[table] ?? 'none'})`).join(', ')}`,
    );
  }
  if (JSON.stringify(facts.audit) !== JSON.stringify(manifest.audit)) throw new RestoreMismatch("the restored audit trail does not end where the manifest's head says");
  await db.ownerTransaction((tx) =>
    appendAudit(tx, { requestId: 'lintas-restore' }, [{ action: 'platform.restore', details: { backupCreatedAt: manifest.createdAt, auditRows: verdict.rows } }]),
  );
  return verdict.rows;
}

async function restorePglite(dataDir: string, manifest: Manifest, dump: Blob): Promise<number> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new BackupRefused(`${dataDir} already holds a database: a backup restores only into an empty data folder (set LINTAS_DATA to a new folder)`);
  }
  mkdirSync(dataDir, { recursive: true });
  const before = new Set(readdirSync(dataDir));
  let db: PgliteDatabase | undefined;
  try {
    db = await PgliteDatabase.open(dataDir, {}, dump);
    return await verifyRestored(db, manifest);
  } catch (error) {
    // The folder goes back to what it held (the data key, say), so a failed restore can be tried again.
    await db?.close().catch(() => undefined);
    db = undefined;
    for (const name of readdirSync(dataDir)) if (!before.has(name)) rmSync(join(dataDir, name), { recursive: true, force: true });
    throw error;
  } finally {
    await db?.close();
  }
}

async function restorePostgres(config: BackupConfig, manifest: Manifest, file: FileHandle, part: ArchivedFile, work: string): Promise<number> {
  const url = config.databaseUrl;
  if (!url) throw new Error('a server restore needs DATABASE_URL');
  const pgRestore = findPgTool('pg_restore', config.env);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`,
    );
    if ((rows[0]?.n ?? 0) > 0) throw new BackupRefused(`the target database ${new URL(url).pathname.slice(1)} is not empty: a backup restores only into an empty database (CREATE DATABASE a new one)`);
    // The application role is the cluster's, not the database's: made here as the first migration makes it.
    await client.query(`DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'lintas_app') THEN
          CREATE ROLE lintas_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
        END IF;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
          EXECUTE format('GRANT lintas_app TO %I', current_user);
        END IF;
      END $$`);
  } finally {
    await client.end();
  }
  const dumpFile = join(work, part.name);
  await pipeline(Readable.from(readEntry(file, part)), createWriteStream(dumpFile, { mode: 0o600 }));
  // One transaction: a restore that fails leaves the database as empty as it was.
  await run(pgRestore, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-password', `--dbname=${url}`, dumpFile]);
  const db = await PostgresDatabase.open(url, { poolSize: 2 });
  try {
    return await verifyRestored(db, manifest);
  } finally {
    await db.close();
  }
}
