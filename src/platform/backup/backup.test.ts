import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { build } from '../../app.js';
import { main } from '../../cli.js';
import { MODULES } from '../../modules/index.js';
import { verifyAudit } from '../audit/verify.js';
import { loadConfig } from '../config.js';
import type { Platform } from '../context.js';
import type { Database } from '../db/database.js';
import { PgliteDatabase } from '../db/pglite.js';
import { PostgresDatabase } from '../db/postgres.js';
import { sql } from '../db/sql.js';
import { migrationsOf } from '../module.js';
import { fingerprint, TEST_DB_KIND } from '../../../test/support/db.js';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { makeBackup, type BackupConfig } from './backup.js';
import { BackupRefused, decryptTo, encryptTo, newIdentity, parseIdentities } from './envelope.js';
import { restoreBackup } from './restore.js';

// Backups on the suite's database kind: made while the app writes, restored into a new empty
// database (a folder, or a database of its own on the server) that answers as the source did, and
// refused whole when the file, the identity, the data key or the target is wrong.

const DOCUMENTS = '/api/v1/library/documents';
const migrations = migrationsOf(MODULES);

let t: TestContext;
let session: TestSession;
let folder: string;
let identityFile: string;
let recipient: string;
let source: BackupConfig;
const targets: { drop(): Promise<void> }[] = [];

/** A new empty target of the suite's kind: a folder for PGlite, a new database on the server. */
async function emptyTarget(): Promise<{ config: BackupConfig; open(): Promise<Database>; isEmpty(): Promise<boolean> }> {
  const dataDir = mkdtempSync(join(folder, 'target-'));
  const env = source.env;
  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  if (TEST_DB_KIND === 'pglite' || !serverUrl) {
    return {
      config: { databaseUrl: undefined, dataDir, env },
      open: () => PgliteDatabase.open(dataDir),
      isEmpty: () => Promise.resolve(readdirSync(dataDir).length === 0),
    };
  }
  const name = `lintas_restore_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  targets.push({
    async drop() {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  });
  return {
    config: { databaseUrl: url.toString(), dataDir, env },
    open: () => PostgresDatabase.open(url.toString(), { poolSize: 2 }),
    async isEmpty() {
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`);
      await client.end();
      return rows[0]?.n === 0;
    },
  };
}

/** The app on another database (a restored one), with the source's configuration. */
async function appOn(db: Database): Promise<Awaited<ReturnType<typeof build>>> {
  const platform: Platform = { db, config: t.platform.config, mailer: t.platform.mailer };
  for (const module of MODULES) await module.prepare?.(platform);
  const app = await build({ platform, logger: false, webRoot: '/nonexistent', modules: MODULES });
  await app.ready();
  return app;
}

async function createDocument(title: string): Promise<string> {
  const response = await t.as(session, {
    method: 'POST',
    url: DOCUMENTS,
    payload: { title, category: 'workshop-report', body: `The text of ${title}.`, sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  session = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  for (let i = 0; i < 3; i++) await createDocument(`Boat departures ${i}`);
  folder = mkdtempSync(join(tmpdir(), 'lintas-backup-test-'));
  const pair = await newIdentity();
  recipient = pair.recipient;
  identityFile = join(folder, 'identity.txt');
  writeFileSync(identityFile, pair.identityFile);
  source = { databaseUrl: t.database.url, dataDir: join(folder, 'source'), env: t.platform.config.env };
}, 60_000);

afterAll(async () => {
  await t.close();
  for (const target of targets) await target.drop();
  rmSync(folder, { recursive: true, force: true });
});

describe('a backup', () => {
  let backupFile: string;

  test('restores into an empty database that verifies and answers as the source did', async () => {
    const list = (await t.as(session, { method: 'GET', url: DOCUMENTS })).json<unknown>();
    backupFile = join(folder, 'one.age');
    const manifest = await makeBackup(t.db, source, { out: backupFile, recipients: [recipient] });
    expect(manifest.database).toBe(TEST_DB_KIND);
    expect(manifest.rows.library_documents).toBe(3);
    expect(manifest.dataKeyFingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(readFileSync(backupFile).subarray(0, 21).toString()).toBe('age-encryption.org/v1');
    // The standard age tool reads it too, where it is installed: a tar whose first entry is the manifest.
    if (existsSync('/usr/bin/age')) {
      const tar = execFileSync('/usr/bin/age', ['-d', '-i', identityFile, backupFile], { maxBuffer: 1 << 28 });
      expect(tar.toString('ascii', 0, 13)).toBe('manifest.json');
      expect(JSON.parse(tar.toString('utf8', 512, 512 + parseInt(tar.toString('ascii', 124, 135), 8)))).toEqual(manifest);
    }

    const target = await emptyTarget();
    const report = await restoreBackup(target.config, { in: backupFile, identityFile, migrations });
    expect(report.auditRows).toBe(manifest.audit.rows);
    const restored = await target.open();
    try {
      expect((await verifyAudit(restored)).ok).toBe(true);
      const app = await appOn(restored);
      try {
        // The same session (sessions are in the database) reads the same list, and the same document.
        const again = await app.inject({ method: 'GET', url: DOCUMENTS, headers: { cookie: session.cookie } });
        expect(again.statusCode).toBe(200);
        expect(again.json()).toEqual(list);
      } finally {
        await app.close();
      }
      const rows = await restored.ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1`));
      expect(rows[0]?.action).toBe('platform.restore');
    } finally {
      await restored.close();
    }
  }, 120_000);

  test('is refused whole when a byte is changed, the file is cut, the identity or the data key is another, or the target is not empty', async () => {
    const target = await emptyTarget();
    const refused = async (file: string, options: { identity?: string; config?: BackupConfig } = {}): Promise<string> => {
      const error = await restoreBackup(options.config ?? target.config, { in: file, identityFile: options.identity ?? identityFile, migrations }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BackupRefused);
      expect(await target.isEmpty()).toBe(true);
      return (error as Error).message;
    };
    const bytes = readFileSync(backupFile);
    const flipped = join(folder, 'flipped.age');
    const copy = Buffer.from(bytes);
    const middle = Math.floor(copy.length / 2);
    copy.writeUInt8(copy.readUInt8(middle) ^ 0x01, middle);
    writeFileSync(flipped, copy);
    expect(await refused(flipped)).toMatch(/damaged or cut short/);

    const cut = join(folder, 'cut.age');
    writeFileSync(cut, bytes);
    truncateSync(cut, bytes.length - 1000);
    expect(await refused(cut)).toMatch(/damaged or cut short/);

    // A file that decrypts but whose dump is not the one the manifest names (made with the recipient).
    const plain = join(folder, 'plain.tar');
    await decryptTo(backupFile, plain, parseIdentities(readFileSync(identityFile, 'utf8')));
    const tar = readFileSync(plain);
    const manifestSize = parseInt(tar.toString('ascii', 124, 135), 8);
    const inDump = 512 + Math.ceil(manifestSize / 512) * 512 + 512 + 100;
    tar.writeUInt8(tar.readUInt8(inDump) ^ 0x01, inDump);
    const resealed = join(folder, 'resealed.age');
    await encryptTo(resealed, [recipient], [tar]);
    expect(await refused(resealed)).toMatch(/does not match its checksum/);

    const other = join(folder, 'other-identity.txt');
    writeFileSync(other, (await newIdentity()).identityFile);
    expect(await refused(backupFile, { identity: other })).toMatch(/not made for this identity/);

    const otherKey = { ...target.config, env: { ...target.config.env, LINTAS_DATA_KEY: randomBytes(32).toString('hex') } };
    expect(await refused(backupFile, { config: otherKey })).toMatch(/no key of the ring here .* is the one the backup's sealed fields need/);

    // The source itself is a non-empty target: it is left exactly as it was.
    const before = await fingerprint(t.db);
    const full: BackupConfig = TEST_DB_KIND === 'pglite' ? { ...source, dataDir: join(folder, 'full') } : source;
    if (TEST_DB_KIND === 'pglite') {
      mkdirSync(full.dataDir);
      writeFileSync(join(full.dataDir, 'PG_VERSION'), '18\n');
    }
    expect(await refused(backupFile, { config: full })).toMatch(/already holds a database|is not empty/);
    expect(await fingerprint(t.db)).toEqual(before);
  }, 60_000);

  test('taken while the app writes holds every write acknowledged before it began, and restores whole', async () => {
    const acknowledged: { id: string; at: number }[] = [];
    let writing = true;
    const writer = async (lane: number): Promise<void> => {
      for (let i = 0; writing && i < 500; i++) {
        const id = await createDocument(`Under load ${lane}.${i}`);
        acknowledged.push({ id, at: performance.now() });
      }
    };
    const writers = [writer(1), writer(2), writer(3)];
    await vi.waitUntil(() => acknowledged.length >= 5, { timeout: 30_000, interval: 5 });
    const startedAt = performance.now();
    const out = join(folder, 'under-load.age');
    const manifest = await makeBackup(t.db, source, { out, recipients: [recipient] });
    writing = false;
    await Promise.all(writers);
    const before = acknowledged.filter((write) => write.at < startedAt).map((write) => write.id);

    const target = await emptyTarget();
    await restoreBackup(target.config, { in: out, identityFile, migrations });
    const restored = await target.open();
    try {
      const ids = await restored.ownerTransaction((tx) => tx.query<{ id: string }>(sql`SELECT id FROM library_documents`));
      const present = new Set(ids.map((row) => row.id));
      expect(before.filter((id) => !present.has(id))).toEqual([]);
      expect(present.size).toBe(manifest.rows.library_documents);
      expect((await verifyAudit(restored)).ok).toBe(true);
    } finally {
      await restored.close();
    }
    // Writes were under way when the backup began (on PGlite they wait for its transaction: one at a time).
    expect(acknowledged.length).toBeGreaterThan(before.length);
  }, 120_000);
});

describe.runIf(TEST_DB_KIND === 'pglite')('the command line on the embedded database', () => {
  test('refuses to back up a folder a running server holds, and says what to do', async () => {
    const dataDir = join(folder, 'held');
    const held = await PgliteDatabase.open(dataDir);
    const errors: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void errors.push(parts.join(' ')));
    try {
      const code = await main(['backup', '--out', join(folder, 'held.age'), '--recipient', recipient], loadConfig({ LINTAS_DATA: dataDir }));
      expect(code).toBe(1);
      expect(errors.join('\n')).toMatch(/in use by another Lintas process.*stop the server, run lintas backup, start it again/s);
      expect(existsSync(join(folder, 'held.age'))).toBe(false);
    } finally {
      spy.mockRestore();
      await held.close();
    }
  }, 60_000);
});
