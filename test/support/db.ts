import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { inject } from 'vitest';
import type { Database, DatabaseOptions } from '../../src/platform/db/database.js';
import { PgliteDatabase } from '../../src/platform/db/pglite.js';
import { PostgresDatabase } from '../../src/platform/db/postgres.js';
import { sql } from '../../src/platform/db/sql.js';
import type { RefusalAction } from '../../src/platform/http/refusals.js';
import { TEST_SHARED_BUFFERS_MB } from './processes.js';

export interface TestDatabase {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** The server database's URL, on the PostgreSQL leg (its owner's login). */
  url?: string;
  /** The same database through the serving login (DATABASE_APP_URL), on the PostgreSQL leg. */
  appUrl?: string;
  close(): Promise<void>;
}

/** Which database the suite runs on: PGlite, or the PostgreSQL server of LINTAS_TEST_DATABASE_URL. */
export const TEST_DB_KIND: 'pglite' | 'postgres' = process.env.LINTAS_TEST_DATABASE_URL ? 'postgres' : 'pglite';

/**
 * A fresh, migrated database of the suite's kind, for one test file; cloned from `template` (a server
 * database's name) or loaded from `pgliteDump` (a PGlite dump's path) instead of the migrated
 * template when given.
 */
export async function openTestDatabase(
  options: DatabaseOptions = {},
  template: string | null = inject('postgresTemplate'),
  pgliteDump: string = inject('pgliteTemplate'),
): Promise<TestDatabase> {
  const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
  if (serverUrl && template) {
    const name = `lintas_t_${template.replace(/^lintas_(template|demo)_/, '')}_${randomBytes(5).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const appUrl = servingUrl(url.toString());
    const db = await PostgresDatabase.open(url.toString(), { ...options, ...(appUrl ? { appUrl } : {}) });
    return {
      db,
      kind: 'postgres',
      url: url.toString(),
      ...(appUrl ? { appUrl } : {}),
      async close() {
        await db.close();
        const dropper = new pg.Client({ connectionString: serverUrl });
        await dropper.connect();
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await dropper.end();
      },
    };
  }
  const db = await PgliteDatabase.open(undefined, { ...options, sharedBuffers: TEST_SHARED_BUFFERS }, dumpBlob(pgliteDump));
  return { db, kind: 'pglite', close: () => db.close() };
}

/**
 * `url` (a PostgreSQL leg's database) through the leg's serving login: every test on that leg runs
 * requests' transactions on it, as production does with DATABASE_APP_URL.
 */
export function servingUrl(url: string, login: string | null = inject('postgresServingLogin')): string | undefined {
  if (!login) return undefined;
  const serving = new URL(url);
  serving.username = login;
  serving.password = '';
  return serving.toString();
}

export const TEST_SHARED_BUFFERS = `${TEST_SHARED_BUFFERS_MB}MB`;

/**
 * A dump as PGlite reads it (the whole of it, at once), from bytes read once per worker. Node's Blob
 * would copy the tens of megabytes of a dump in and out again, through a stream, at every open:
 * about half a second of CPU, paid by every test file. PGlite only reads the bytes (its tar reader
 * and its file system copy what they keep), so every open shares them.
 */
class DumpBlob extends Blob {
  constructor(private readonly content: Uint8Array) {
    super([]);
  }

  override get size(): number {
    return this.content.byteLength;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.content;
    if (!(buffer instanceof ArrayBuffer) || byteOffset !== 0 || byteLength !== buffer.byteLength) return Promise.resolve(this.content.slice().buffer);
    return Promise.resolve(buffer);
  }
}

const dumps = new Map<string, Uint8Array>();

/** The dump at `path`, read once per worker. */
export function dumpBlob(path: string): Blob {
  let bytes = dumps.get(path);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(path));
    dumps.set(path, bytes);
  }
  return new DumpBlob(bytes);
}

/** The refusals counted on the audit trail (platform/http/refusals.ts). */
const REFUSALS = ['auth.token-refused', 'auth.csrf-refused', 'auth.throttled', 'access.role-refused', 'request.invalid', 'route.unknown', 'upload.malware'] as const satisfies readonly RefusalAction[];

/**
 * A fingerprint of every table's content (audit trail included), to prove a refused request changed nothing.
 * One statement for all the tables: the outsiders' test takes one after each of some 500 requests.
 */
export async function fingerprint(db: Database): Promise<Record<string, string>> {
  return db.ownerTransaction(async (tx) => {
    // The sign-in secrets' schema too (sessions, tokens, links), named with it.
    const tables = await tx.query<{ schema: string; name: string }>(
      sql`SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'lintas_secrets') AND c.relkind IN ('r', 'p') ORDER BY 1, 2`,
    );
    // A refused request leaves one designed trace: its counted refusal on the audit trail
    // (platform/http/refusals.ts), and the lane heads the trail's rows move; a session's last use is
    // bookkeeping any request writes (at most once a minute), refused or not, and so are the request
    // counts of the rate limits (`rate_counts`, shared every second). Everything else is compared.
    const each = tables
      .filter(({ schema, name }) => !(schema === 'public' && (name === 'audit_lanes' || name === 'rate_counts')))
      .map(({ schema, name }) => {
        const label = schema === 'public' ? name : `${schema}.${name}`;
        const rows = name === 'audit_log' && schema === 'public' ? sql`(SELECT * FROM audit_log WHERE action <> ALL(${[...REFUSALS]}::text[])) t` : sql`${sql.ident(schema)}.${sql.ident(name)} t`;
        const row = label === 'lintas_secrets.sessions' ? sql`(to_jsonb(t) - 'last_seen_at')::text` : sql`t::text`;
        return sql`SELECT ${label}::text AS name, count(*)::int AS n, md5(string_agg(${row}, '|' ORDER BY ${row})) AS digest FROM ${rows}`;
      });
    const rows = await tx.query<{ name: string; n: number; digest: string | null }>(sql.join(each, ' UNION ALL '));
    return Object.fromEntries(rows.map((row) => [row.name, `${row.n}:${row.digest ?? ''}`]));
  });
}

/** A migrated PGlite data folder (from the template, or the dump given), for code that opens the database itself. */
export async function makeTestDataFolder(folder: string, dump: string = inject('pgliteTemplate')): Promise<void> {
  const db = await PgliteDatabase.open(folder, { sharedBuffers: TEST_SHARED_BUFFERS }, dumpBlob(dump));
  await db.close();
}
