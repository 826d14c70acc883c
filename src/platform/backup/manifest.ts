import { readFileSync } from 'node:fs';
import type { Config } from '../config.js';
import { existingDataKeys, type DataKey } from '../crypto/keys.js';
import type { Queryable } from '../db/database.js';
import { sql } from '../db/sql.js';

/** The archive's first entry: what the backup holds, to check a restore against. */
export const MANIFEST_NAME = 'manifest.json';
export const MANIFEST_FORMAT = 'lintas-backup';
export const MANIFEST_VERSION = 1;

/** How the database is stored in the backup. */
export type PartFormat = 'pglite-data-folder.tar.gz' | 'pg_dump-custom';

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  createdAt: string;
  database: 'pglite' | 'postgres';
  lintasVersion: string;
  postgresVersion: string;
  migrations: { version: number; name: string; checksum: string }[];
  /** Rows in every table of the schema, at the moment of the backup. */
  rows: Record<string, number>;
  /** The audit trail's head: its rows and where each lane ends (the last row's hash, hex). */
  audit: { rows: number; lanes: { lane: number; lastSeq: number; lastHash: string }[] };
  /** A keyed hash of the data key that sealed fields (never the key); null when there was none. */
  dataKeyFingerprint: string | null;
  parts: { name: string; format: PartFormat; bytes: number; sha256: string }[];
}

/** The facts of the manifest that come from the database, read in the backup's own snapshot. */
export type DatabaseFacts = Pick<Manifest, 'postgresVersion' | 'migrations' | 'rows' | 'audit'>;

export async function readFacts(tx: Queryable): Promise<DatabaseFacts> {
  const [version] = await tx.query<{ version: string }>(sql`SELECT current_setting('server_version') AS version`);
  const migrations = await tx.query<{ version: number; name: string; checksum: string }>(sql`SELECT version, name, checksum FROM schema_migrations ORDER BY version`);
  const rows = await countRows(tx);
  const lanes = await tx.query<{ lane: number; last_seq: string | number; last_hash: string }>(
    sql`SELECT lane, last_seq, encode(last_hash, 'hex') AS last_hash FROM audit_lanes ORDER BY lane`,
  );
  return {
    postgresVersion: version?.version ?? 'unknown',
    migrations,
    rows,
    audit: { rows: rows.audit_log ?? 0, lanes: lanes.map((lane) => ({ lane: lane.lane, lastSeq: Number(lane.last_seq), lastHash: lane.last_hash })) },
  };
}

/**
 * The number of rows of every table of the public schema and of the secrets schema (sessions, tokens,
 * password hashes: lintas_secrets, named with it), in one statement. Not of unlogged tables (the
 * request counts of the rate limits, `rate_counts`): they hold nothing a restore needs, a backup
 * leaves their rows out, and PGlite's folder never keeps them.
 */
export async function countRows(tx: Queryable): Promise<Record<string, number>> {
  const tables = await tx.query<{ schema: string; name: string }>(
    sql`SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'lintas_secrets') AND c.relkind IN ('r', 'p') AND c.relpersistence <> 'u' ORDER BY 1, 2`,
  );
  if (tables.length === 0) return {};
  const each = tables.map(({ schema, name }) => {
    const label = schema === 'public' ? name : `${schema}.${name}`;
    return sql`SELECT ${label}::text AS name, count(*)::bigint AS n FROM ${sql.ident(schema)}.${sql.ident(name)}`;
  });
  const counted = await tx.query<{ name: string; n: string | number }>(sql.join(each, ' UNION ALL '));
  return Object.fromEntries(counted.map((row) => [row.name, Number(row.n)]));
}

const fingerprintOf = (key: DataKey): string => key.hash('backup fingerprint', Buffer.from('lintas data key')).slice(0, 32);

/** The current key's fingerprint: an HMAC under the key itself, so it names the key without revealing it. */
export function dataKeyFingerprint(config: Pick<Config, 'env' | 'dataDir'>): string | null {
  const [current] = existingDataKeys(config);
  return current ? fingerprintOf(current) : null;
}

/** The fingerprints of every key of the ring here (after a rotation the backup's key may be an older one still held). */
export function dataKeyFingerprints(config: Pick<Config, 'env' | 'dataDir'>): string[] {
  return existingDataKeys(config).map(fingerprintOf);
}

export function lintasVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

/** Parses and checks a manifest's shape; anything else is refused. */
export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the manifest is not JSON');
  }
  const manifest = value as Partial<Manifest> | null;
  if (!manifest || manifest.format !== MANIFEST_FORMAT) throw new Error('this is not a Lintas backup (no manifest)');
  if (manifest.version !== MANIFEST_VERSION) throw new Error(`the backup's format version ${String(manifest.version)} is not one this Lintas reads (${MANIFEST_VERSION})`);
  if (
    (manifest.database !== 'pglite' && manifest.database !== 'postgres') ||
    !Array.isArray(manifest.parts) ||
    !Array.isArray(manifest.migrations) ||
    typeof manifest.rows !== 'object' ||
    !manifest.audit ||
    !Array.isArray(manifest.audit.lanes)
  ) {
    throw new Error('the manifest is incomplete');
  }
  return manifest as Manifest;
}
