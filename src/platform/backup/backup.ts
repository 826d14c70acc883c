import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { appendAudit } from '../audit/writer.js';
import type { Config } from '../config.js';
import type { Database, Queryable } from '../db/database.js';
import { PgliteDatabase } from '../db/pglite.js';
import type { Sql } from '../db/sql.js';
import { writeArchive, type ArchiveEntry } from './archive.js';
import { BackupRefused, checkRecipients, encryptTo } from './envelope.js';
import { dataKeyFingerprint, lintasVersion, MANIFEST_FORMAT, MANIFEST_NAME, MANIFEST_VERSION, readFacts, type DatabaseFacts, type Manifest, type PartFormat } from './manifest.js';
import { findPgTool, run } from './pg-tools.js';

export type BackupConfig = Pick<Config, 'databaseUrl' | 'dataDir' | 'env'>;

interface Dumped {
  facts: DatabaseFacts;
  part: { name: string; format: PartFormat; bytes: number; sha256: string; content: () => AsyncIterable<Uint8Array> };
}

/**
 * Writes an encrypted backup of the open database to `out`: an age file to the recipients, holding
 * a tar of the manifest and the dump. Online on both kinds: on a server, pg_dump runs in a snapshot
 * exported by a transaction that reads the manifest's facts in the same snapshot; on PGlite, the
 * facts and the dump are taken in one transaction. The file appears at `out` only when whole.
 */
export async function makeBackup(db: Database, config: BackupConfig, options: { out: string; recipients: readonly string[]; now?: Date }): Promise<Manifest> {
  const recipients = await checkRecipients(options.recipients);
  if (existsSync(options.out)) throw new BackupRefused(`${options.out} already exists; a backup never overwrites a file`);
  const now = options.now ?? new Date();
  await db.ownerTransaction((tx) =>
    appendAudit(tx, { requestId: 'lintas-backup' }, [{ action: 'platform.backup', details: { createdAt: now.toISOString(), recipients } }]),
  );
  const work = mkdtempSync(join(tmpdir(), 'lintas-backup-'));
  const partial = `${options.out}.partial`;
  try {
    const dumped = db instanceof PgliteDatabase ? await dumpPglite(db) : await dumpPostgres(config, work);
    const { content, ...part } = dumped.part;
    const manifest: Manifest = {
      format: MANIFEST_FORMAT,
      version: MANIFEST_VERSION,
      createdAt: now.toISOString(),
      database: db.kind,
      lintasVersion: lintasVersion(),
      ...dumped.facts,
      dataKeyFingerprint: dataKeyFingerprint(config),
      parts: [part],
    };
    const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`);
    const entries: ArchiveEntry[] = [
      { name: MANIFEST_NAME, size: manifestBytes.length, content: [manifestBytes] },
      { name: part.name, size: part.bytes, content: content() },
    ];
    await encryptTo(partial, recipients, writeArchive(entries, Math.floor(now.getTime() / 1000)));
    renameSync(partial, options.out);
    return manifest;
  } finally {
    rmSync(partial, { force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

async function dumpPglite(db: PgliteDatabase): Promise<Dumped> {
  const { facts, dump } = await db.snapshot(readFacts);
  const bytes = new Uint8Array(await dump.arrayBuffer());
  return {
    facts,
    part: {
      name: 'database.tar.gz',
      format: 'pglite-data-folder.tar.gz',
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      content: async function* () {
        yield bytes;
      },
    },
  };
}

/** A Queryable over one node-postgres client (the snapshot's transaction). */
function clientQueryable(client: pg.Client): Queryable {
  return {
    async query<Row>(statement: Sql): Promise<Row[]> {
      const { text, values } = statement.compile();
      return (await client.query(text, values)).rows as Row[];
    },
  };
}

async function dumpPostgres(config: BackupConfig, work: string): Promise<Dumped> {
  const url = config.databaseUrl;
  if (!url) throw new Error('a server backup needs DATABASE_URL');
  const pgDump = findPgTool('pg_dump', config.env);
  const file = join(work, 'database.pgdump');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The transaction exports its snapshot; pg_dump dumps that very snapshot while it stays open.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot');
    const facts = await readFacts(clientQueryable(client));
    // Unlogged tables (the rate limits' request counts) are dumped empty, as PGlite's folder keeps them.
    await run(pgDump, ['--format=custom', '--no-unlogged-table-data', `--snapshot=${rows[0]?.snapshot ?? ''}`, '--no-password', `--file=${file}`, `--dbname=${url}`]);
    await client.query('COMMIT');
    return {
      facts,
      part: {
        name: 'database.pgdump',
        format: 'pg_dump-custom',
        bytes: statSync(file).size,
        sha256: await hashFile(file),
        content: () => createReadStream(file),
      },
    };
  } finally {
    await client.end();
  }
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
