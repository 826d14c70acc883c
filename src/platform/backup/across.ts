import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Tx } from '../db/database.js';
import { SCHEMA_MIGRATIONS_TABLE, type Migration } from '../db/migrate.js';
import type { PgliteDatabase } from '../db/pglite.js';
import type { PostgresDatabase } from '../db/postgres.js';
import { sql } from '../db/sql.js';

/**
 * Loading a backup into the other kind of database: an embedded database's into a PostgreSQL server
 * (a trial installation going into production), a server's into an embedded database. The target gets
 * its schema from the backup's own migrations, then every table's rows in COPY's text format (what
 * pg_dump itself writes) and the sequences where they were, in one transaction: a load that fails
 * leaves nothing. Foreign keys and triggers do not fire for the copied rows (they were checked when
 * first written, and the audit trail's triggers take rows only through `audit_append`); the caller
 * verifies the whole against the backup's manifest afterwards (restore.ts).
 */

interface Table {
  schema: string;
  name: string;
  /** Its columns in order, without generated ones (computed again as rows go in). */
  columns: string[];
}

/** The schemas whose tables a backup holds (as `countRows` counts them). */
const SCHEMAS = ['public', 'lintas_secrets'];

/** Rows of one COPY sent to an embedded database at a time, in bytes of text. */
const CHUNK_BYTES = 16 << 20;
/** Heap pages of a table copied out of an embedded database at a time (32 MB of 8 kB pages): a large table is never held whole. */
const CHUNK_PAGES = 4096;

const quoted = (name: string): string => sql.ident(name).compile().text;
const qualified = (table: { schema: string; name: string }): string => `${quoted(table.schema)}.${quoted(table.name)}`;
const columnList = (table: Table): string => table.columns.map(quoted).join(', ');

/**
 * In the load's transaction: the schema `migrations` make, emptied of the rows they seed, with
 * triggers and foreign keys off until the transaction ends (`session_replication_role`, which takes
 * a superuser or a role granted the setting). Gives the tables to fill.
 */
async function emptySchema(tx: Tx, migrations: readonly Migration[]): Promise<Table[]> {
  await tx.execScript(SCHEMA_MIGRATIONS_TABLE);
  for (const migration of migrations) await tx.execScript(migration.text);
  const tables = await tx.query<Table>(sql`
    SELECT n.nspname::text AS schema, c.relname::text AS name,
           array(SELECT a.attname::text FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum) AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = ANY(${SCHEMAS}::text[]) AND c.relkind = 'r' AND c.relpersistence <> 'u'
    ORDER BY 1, 2`);
  await tx.execScript(`SET LOCAL session_replication_role = replica; TRUNCATE ${tables.map(qualified).join(', ')}`);
  return tables;
}

const SEQUENCES = sql`
  SELECT n.nspname::text AS schema, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = ANY(${SCHEMAS}::text[]) AND c.relkind = 'S' ORDER BY 1, 2`;

/**
 * An embedded database's rows (`source`, opened from the backup) into the server database `target`,
 * which holds nothing yet. Each table goes over `chunkPages` of its heap at a time (a range of row
 * positions, which PostgreSQL scans directly), so no table is ever held whole in memory.
 */
export async function loadPgliteIntoServer(source: PgliteDatabase, target: PostgresDatabase, migrations: readonly Migration[], chunkPages = CHUNK_PAGES): Promise<void> {
  await target.ownerTransaction(async (tx) => {
    const copyFrom = tx.copyFrom?.bind(tx);
    if (!copyFrom) throw new Error('the target is not a PostgreSQL server');
    for (const table of await emptySchema(tx, migrations)) {
      const [size] = await source.ownerTransaction((from) =>
        from.query<{ pages: number }>(sql`SELECT (pg_relation_size(${qualified(table)}::regclass) / current_setting('block_size')::int)::int AS pages`),
      );
      for (let start = 0; start < (size?.pages ?? 0); start += chunkPages) {
        const rows = await source.copyOut(
          `COPY (SELECT ${columnList(table)} FROM ${qualified(table)} WHERE ctid >= '(${start},0)'::tid AND ctid < '(${start + chunkPages},0)'::tid) TO '/dev/blob'`,
        );
        await copyFrom(`COPY ${qualified(table)} (${columnList(table)}) FROM STDIN`, textOf(rows));
      }
    }
    const sequences = await source.ownerTransaction(async (from) => {
      const found = await from.query<{ schema: string; name: string }>(SEQUENCES);
      const states: { name: string; value: string; called: boolean }[] = [];
      for (const sequence of found) {
        const [state] = await from.query<{ value: string; called: boolean }>(sql`SELECT last_value::text AS value, is_called AS called FROM ${sql.raw(qualified(sequence))}`);
        if (state) states.push({ name: qualified(sequence), ...state });
      }
      return states;
    });
    for (const sequence of sequences) await tx.query(sql`SELECT setval(${sequence.name}::regclass, ${sequence.value}::bigint, ${sequence.called})`);
  });
}

/** A blob's text, as it decodes. */
async function* textOf(blob: Blob): AsyncIterable<string> {
  const decoder = new TextDecoder();
  for await (const chunk of blob.stream() as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(chunk, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/**
 * A server's dump (pg_dump's custom format, `dumpFile`) into the new embedded database `target`:
 * pg_restore writes the rows as a script of COPY blocks and `setval` calls, which go in through
 * `COPY … FROM '/dev/blob'` in chunks. Statements other than those a data-only script holds are refused.
 */
export async function loadServerDumpIntoPglite(target: PgliteDatabase, dumpFile: string, pgRestore: string, migrations: readonly Migration[]): Promise<void> {
  await target.ownerLoad(async (tx, copyIn) => {
    await emptySchema(tx, migrations);
    const child = spawn(pgRestore, ['--data-only', '--no-owner', '--file=-', dumpFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    const errors: Buffer[] = [];
    child.stderr.on('data', (chunk: Buffer) => errors.push(chunk));
    const exited = new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    let copy: string | undefined;
    let chunk: string[] = [];
    let bytes = 0;
    const send = async (): Promise<void> => {
      if (copy && chunk.length > 0) await copyIn(copy, new Blob(chunk));
      chunk = [];
      bytes = 0;
    };
    let statement = '';
    try {
      for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
        if (copy !== undefined) {
          if (line === '\\.') {
            await send();
            copy = undefined;
          } else {
            chunk.push(`${line}\n`);
            bytes += line.length + 1;
            if (bytes >= CHUNK_BYTES) await send();
          }
          continue;
        }
        if (statement === '' && (line === '' || line.startsWith('--') || /^\\(un)?restrict\s/.test(line))) continue;
        const copyStart = /^COPY ([\w".]+) \(([^)]*)\) FROM stdin;$/.exec(line);
        if (statement === '' && copyStart) {
          copy = `COPY ${copyStart[1]} (${copyStart[2]}) FROM '/dev/blob'`;
          continue;
        }
        statement += `${line}\n`;
        if (!line.endsWith(';')) continue;
        if (!/^(SET [\w.]+ = .*|SELECT pg_catalog\.(set_config|setval)\(.*\));\n$/s.test(statement)) {
          throw new Error(`the dump's script holds a statement a data-only restore does not expect: ${statement.slice(0, 200)}`);
        }
        // Its settings hold for this transaction only: the database is used as it is afterwards (verified, served).
        await tx.execScript(statement.replace(/^SET /, 'SET LOCAL ').replace(/^(SELECT pg_catalog\.set_config\(.*), false\);\n$/s, '$1, true);\n'));
        statement = '';
      }
    } catch (error) {
      child.kill();
      await exited.catch(() => undefined);
      throw error;
    }
    const code = await exited;
    if (code !== 0) throw new Error(`pg_restore failed (exit ${code}): ${Buffer.concat(errors).toString('utf8').trim()}`);
    if (copy !== undefined || statement !== '') throw new Error("the dump's script ended in the middle of a statement");
  });
}
