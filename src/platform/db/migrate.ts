import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';
import { sql } from './sql.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  checksum: string;
  text: string;
}

export class MigrationError extends Error {}

/** The table of applied migrations, which `migrate` makes before the first. */
export const SCHEMA_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    version    int PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  );`;

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
      if (!match) throw new MigrationError(`migration file name ${file} is not of the form 0001_name.sql`);
      const text = readFileSync(`${dir}/${file}`, 'utf8');
      return { version: Number(match[1]), name: file, checksum: createHash('sha256').update(text).digest('hex'), text };
    });
}

/**
 * Applies the migrations not yet applied, each in its own transaction, in order. An applied
 * migration whose file changed, or whose file is gone, is an error that names it.
 */
export async function migrate(db: Database, migrations: readonly Migration[]): Promise<string[]> {
  await db.ownerTransaction(async (tx) => {
    await tx.execScript(`SELECT pg_advisory_xact_lock(7411); ${SCHEMA_MIGRATIONS_TABLE}`);
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const done = await db.ownerTransaction(async (tx) => {
      await tx.query(sql`SELECT pg_advisory_xact_lock(7411)`);
      const rows = await tx.query<{ version: number; name: string; checksum: string }>(
        sql`SELECT version, name, checksum FROM schema_migrations ORDER BY version`,
      );
      const known = new Map(rows.map((row) => [row.version, row]));
      for (const row of rows) {
        const file = migrations.find((m) => m.version === row.version);
        if (!file) throw new MigrationError(`applied migration ${row.name} has no file any more`);
        if (file.checksum !== row.checksum) {
          throw new MigrationError(`applied migration ${row.name} was edited after it was applied (checksum differs); add a new migration instead`);
        }
      }
      if (known.has(migration.version)) return false;
      await tx.execScript(migration.text);
      await tx.query(sql`INSERT INTO schema_migrations (version, name, checksum) VALUES (${migration.version}, ${migration.name}, ${migration.checksum})`);
      return true;
    });
    if (done) applied.push(migration.name);
  }
  return applied;
}
