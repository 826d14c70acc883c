import type { FastifyBaseLogger } from 'fastify';
import { repeat, type RepeatingJob } from '../jobs.js';
import type { Database } from './database.js';
import { PgliteDatabase } from './pglite.js';
import { sql } from './sql.js';

/** Transactions waiting for the embedded database from which the periodic run leaves its remaining tables to the next. */
export const BUSY_QUEUE = 4;

/** When a run left tables because requests were waiting, how soon it is tried again. */
const RETRY_BUSY_MS = 60_000;

/** How often the embedded database's maintenance looks for tables that need it. */
export const MAINTENANCE_EVERY_MS = 10 * 60_000;

/** A table the maintenance went through: vacuumed and analysed, or analysed only, and how long it held the database. */
export interface Maintained {
  table: string;
  vacuumed: boolean;
  ms: number;
}

/**
 * The tables PostgreSQL's autovacuum would take now, by its default thresholds: dead rows past 50 and
 * a fifth of the table, or its oldest unfrozen transaction older than `autovacuum_freeze_max_age`
 * (VACUUM, which also analyses); rows changed since the last ANALYZE past 50 and a tenth (ANALYZE),
 * or, on a table of 100,000 rows or more, past its size. On PGlite each holds the server's one
 * thread: an ANALYZE reads a sample of 30,000 rows whatever the table's size (0.3–0.5 s for the
 * audit trail in a soak, every pass while it grew by a tenth), so a large table is analysed again
 * once it has doubled, and a VACUUM for rows only added (autovacuum's, past 1,000 and a fifth) is
 * left to the run at each start: on a table only ever added to, such as the audit trail, it would
 * read every page added since, only to mark them all-visible. Most changed first.
 */
const DUE = sql`SELECT s.schemaname AS schema, s.relname AS name,
    (s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0) OR age(c.relfrozenxid) > current_setting('autovacuum_freeze_max_age')::bigint) AS vacuum
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.n_dead_tup > 50 + 0.2 * greatest(c.reltuples, 0)
     OR age(c.relfrozenxid) > current_setting('autovacuum_freeze_max_age')::bigint
     OR s.n_mod_since_analyze > 50 + (CASE WHEN c.reltuples >= 100000 THEN 1 ELSE 0.1 END) * greatest(c.reltuples, 0)
  ORDER BY s.n_dead_tup + s.n_mod_since_analyze DESC, s.schemaname, s.relname`;

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** Every table: the first run after a start, since PGlite forgets its statistics at every close. */
const ALL = sql`SELECT schemaname AS schema, relname AS name, true AS vacuum FROM pg_stat_user_tables ORDER BY schemaname, relname`;

/**
 * VACUUM and ANALYZE for the embedded database, where autovacuum would run them on a server. PGlite
 * is one backend without autovacuum's workers: left alone, the rows that updates and deletes leave
 * behind (sessions touched at every request, the outbox, counters) would never be reclaimed, and the
 * planner would never learn a table's size after an import. The tables autovacuum would take now, by
 * its thresholds; with `all`, every table (PGlite does not keep its statistics across a close, so
 * after a start they cannot tell what changed before it). Each table is a turn of its own on the one
 * connection, so requests are answered between two tables (a table's VACUUM holds them meanwhile:
 * the log says how long).
 */
export async function maintainEmbedded(db: PgliteDatabase, options: { all?: boolean; busy?: () => boolean } = {}): Promise<{ done: Maintained[]; left: number }> {
  const due = await db.ownerTransaction((tx) => tx.query<{ schema: string; name: string; vacuum: boolean }>(options.all ? ALL : DUE));
  const done: Maintained[] = [];
  for (const table of due) {
    // Requests queued for the database: the rest waits for the next run (they would wait for each table).
    if (options.busy?.()) return { done, left: due.length - done.length };
    const started = performance.now();
    await db.runAlone(`${table.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${quoted(table.schema)}.${quoted(table.name)}`);
    done.push({ table: `${table.schema}.${table.name}`, vacuumed: table.vacuum, ms: Math.round(performance.now() - started) });
  }
  return { done, left: 0 };
}

/**
 * The maintenance job on the embedded database: every table at the start (about half a second on the
 * demo's database), then every 10 minutes the tables past autovacuum's thresholds, stopping for the
 * next run when `BUSY_QUEUE` transactions are waiting (under load it would make every request wait
 * for each table). None on a server, whose autovacuum does it.
 */
export function startEmbeddedMaintenance(db: Database, log: FastifyBaseLogger): RepeatingJob | undefined {
  if (!(db instanceof PgliteDatabase)) return undefined;
  let all = true;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const job = repeat(
    async () => {
      clearTimeout(retry);
      const started = performance.now();
      const { done, left } = await maintainEmbedded(db, { all, busy: () => !all && db.waiting() >= BUSY_QUEUE });
      all = false;
      if (done.length > 0 || left > 0) {
        const slowest = [...done].sort((a, b) => b.ms - a.ms).slice(0, 3);
        log.info({ tables: done.length, left, ms: Math.round(performance.now() - started), slowest }, 'embedded database maintenance: VACUUM and ANALYZE where autovacuum would have run them');
      }
      // Left for requests that were waiting: tried again in a minute rather than in ten.
      if (left > 0) retry = setTimeout(() => job.kick(), RETRY_BUSY_MS).unref();
    },
    { everyMs: MAINTENANCE_EVERY_MS, runNow: true, onError: (error) => log.error({ err: error }, 'the embedded database maintenance failed; it runs again in 10 minutes') },
  );
  return {
    kick: () => job.kick(),
    async stop() {
      clearTimeout(retry);
      await job.stop();
    },
  };
}
