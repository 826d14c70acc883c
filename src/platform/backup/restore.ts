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
import { loadPgliteIntoServer, loadServerDumpIntoPglite } from './across.js';

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
 * migrations, the data key); afterwards the audit chain is verified and every table's rows are
 * counted against the manifest. A backup of one kind of database restores into the other too
 * (across.ts): an embedded database's into a server, a server's into an embedded database.
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
      const migrations = checkMigrations(manifest, options.migrations);
      const dataKeyWarning = checkDataKey(manifest, config, options.otherDataKey === true);
      const dump = () => openAsBlob(plain).then((blob) => blob.slice(part.offset, part.offset + part.size));
      let auditRows: number;
      if (!config.databaseUrl) {
        auditRows = await restorePglite(config.dataDir, manifest, async () =>
          manifest.database === 'pglite'
            ? PgliteDatabase.open(config.dataDir, {}, await dump())
            : openServerDumpInPglite(config, await extract(file, part, work), migrations),
        );
      } else if (manifest.database === 'postgres') {
        auditRows = await restorePostgres(config.databaseUrl, config, manifest, () => extract(file, part, work));
      } else {
        auditRows = await restorePgliteIntoServer(config.databaseUrl, manifest, await dump(), work, migrations);
      }
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

/** The backup's migrations, each as this Lintas has it; refused when one is not. */
function checkMigrations(manifest: Manifest, known: readonly Migration[]): Migration[] {
  const byVersion = new Map(known.map((migration) => [migration.version, migration]));
  const unknown = manifest.migrations.filter((migration) => byVersion.get(migration.version)?.checksum !== migration.checksum);
  if (unknown.length > 0) {
    throw new BackupRefused(
      `the backup was made by a Lintas with migrations this one does not have (${unknown.map((migration) => migration.name).join(', ')}): restore it with that version or a later one`,
    );
  }
  return manifest.migrations.map((migration) => byVersion.get(migration.version)!);
}

/** The backup's dump as a file of its own in `work`. */
async function extract(file: FileHandle, part: ArchivedFile, work: string): Promise<string> {
  const dumpFile = join(work, part.name);
  await pipeline(Readable.from(readEntry(file, part)), createWriteStream(dumpFile, { mode: 0o600 }));
  return dumpFile;
}

/** A load into the other kind of database, in one transaction: when it fails, nothing was restored. */
async function across(load: () => Promise<void>, target: string): Promise<void> {
  try {
    await load();
  } catch (error) {
    throw new BackupRefused(`the backup's rows could not be loaded into ${target} (${error instanceof Error ? error.message : String(error)})`);
  }
}

function checkDataKey(manifest: Manifest, config: BackupConfig, allowOther: boolean): string | undefined {
  if (manifest.dataKeyFingerprint === null) return undefined;
  const here = dataKeyFingerprint(config);
  if (dataKeyFingerprints(config).includes(manifest.dataKeyFingerprint)) return undefined;
  const problem =
    here === null
      ? `there is no data key here (LINTAS_DATA_KEYS_COMMAND, LINTAS_DATA_KEYS, LINTAS_DATA_KEY, or ${join(config.dataDir, 'data.key')}), and the backup's sealed fields need the key with fingerprint ${manifest.dataKeyFingerprint}`
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

/** A server's dump in a new embedded database in the data folder: pg_restore writes its rows out, and they are loaded. */
async function openServerDumpInPglite(config: BackupConfig, dumpFile: string, migrations: readonly Migration[]): Promise<PgliteDatabase> {
  const pgRestore = findPgTool('pg_restore', config.env);
  const db = await PgliteDatabase.open(config.dataDir);
  try {
    await across(() => loadServerDumpIntoPglite(db, dumpFile, pgRestore, migrations), describeKind('pglite'));
    return db;
  } catch (error) {
    await db.close();
    throw error;
  }
}

/** Into an empty data folder: `fill` opens the database there with the backup's rows in it. */
async function restorePglite(dataDir: string, manifest: Manifest, fill: () => Promise<PgliteDatabase>): Promise<number> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new BackupRefused(`${dataDir} already holds a database: a backup restores only into an empty data folder (set LINTAS_DATA to a new folder)`);
  }
  mkdirSync(dataDir, { recursive: true });
  const before = new Set(readdirSync(dataDir));
  let db: PgliteDatabase | undefined;
  try {
    db = await fill();
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

/** The server database at `url` is empty, and the application role, which is the cluster's, exists. */
async function prepareServerTarget(url: string): Promise<void> {
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
}

/** A server's dump into a server database: written out of the backup (`extract`) once the target is known to be empty. */
async function restorePostgres(url: string, config: BackupConfig, manifest: Manifest, extractDump: () => Promise<string>): Promise<number> {
  const pgRestore = findPgTool('pg_restore', config.env);
  await prepareServerTarget(url);
  const dumpFile = await extractDump();
  // One transaction: a restore that fails leaves the database as empty as it was.
  await run(pgRestore, ['--single-transaction', '--exit-on-error', '--no-owner', '--no-password', `--dbname=${url}`, dumpFile]);
  return verifyServer(url, manifest);
}

/** An embedded database's backup into a server: opened from its folder's copy in `work`, its rows copied over. */
async function restorePgliteIntoServer(url: string, manifest: Manifest, dump: Blob, work: string, migrations: readonly Migration[]): Promise<number> {
  await prepareServerTarget(url);
  const source = await PgliteDatabase.open(join(work, 'source'), {}, dump);
  try {
    const target = await PostgresDatabase.open(url, { poolSize: 1 });
    try {
      await across(() => loadPgliteIntoServer(source, target, migrations), describeKind('postgres'));
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
  return verifyServer(url, manifest);
}

async function verifyServer(url: string, manifest: Manifest): Promise<number> {
  const db = await PostgresDatabase.open(url, { poolSize: 2 });
  try {
    return await verifyRestored(db, manifest);
  } finally {
    await db.close();
  }
}
