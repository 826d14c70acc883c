/**
 * `npm run bench -- retention`: how long the retention jobs take over a backlog, and how long each
 * of their transactions holds a connection (on PGlite, the only one), on PGlite (in memory) and on a
 * PostgreSQL server (a throwaway database). Beside each, the floor: the same rows changed by one bare
 * statement, without batches or audit rows.
 *
 *   npm run bench -- retention [--documents 100000] [--leads 20000] [--postgres postgres://postgres@127.0.0.1:5432] [--skip-pglite] [--skip-postgres]
 *
 * The backlog: `--documents` cancelled records holding holder details, cancelled two years ago (as
 * many active ones beside them, which keep theirs), and `--leads` linkage leads unchanged for six
 * years with five entity rows each (as many fresh ones beside them); two owners.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { eraseOldHolders } from '../src/modules/documents/retention.js';
import { MODULES } from '../src/modules/index.js';
import { applyLinkageRetention } from '../src/modules/linkage/retention.js';
import { loadConfig } from '../src/platform/config.js';
import type { Platform } from '../src/platform/context.js';
import type { Database } from '../src/platform/db/database.js';
import { migrate } from '../src/platform/db/migrate.js';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { sql } from '../src/platform/db/sql.js';
import { migrationsOf } from '../src/platform/module.js';

const args = process.argv.slice(3);
const arg = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const DOCUMENTS = Number(arg('documents', '100000'));
const LEADS = Number(arg('leads', '20000'));
const POSTGRES = arg('postgres', 'postgres://postgres@127.0.0.1:5432');
const ENTITIES_A_LEAD = 5;

/** The database, with each owner transaction's length recorded (what a batch holds a connection for). */
function timed(db: Database, lengths: number[]): Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'ownerTransaction') {
        return async (work: Parameters<Database['ownerTransaction']>[0]) => {
          const started = performance.now();
          try {
            return await target.ownerTransaction(work);
          } finally {
            lengths.push(performance.now() - started);
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...rest: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function seedDocuments(db: Database): Promise<void> {
  await db.ownerTransaction(async (tx) => {
    await tx.query(sql`DELETE FROM travel_documents`);
    await tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, state, cancelled_at, holder_sealed, holder_digest, owner)
      SELECT CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END, 'passport', 'X' || g, 'lost', 'cancelled', now() - interval '730 days',
        '\\x0102030405060708090a0b0c0d0e0f10111213141516171819'::bytea, md5(g::text), CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END
      FROM generate_series(1, ${DOCUMENTS}) g`);
    await tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, holder_sealed, holder_digest, owner)
      SELECT CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END, 'passport', 'Y' || g, 'stolen',
        '\\x0102030405060708090a0b0c0d0e0f10111213141516171819'::bytea, md5(g::text), CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END
      FROM generate_series(1, ${DOCUMENTS}) g`);
  });
  if (db.kind === 'postgres') await db.ownerTransaction((tx) => tx.query(sql`ANALYZE travel_documents`));
}

async function seedLeads(db: Database): Promise<void> {
  await db.ownerTransaction(async (tx) => {
    await tx.query(sql`DELETE FROM linkage_entities`);
    await tx.query(sql`DELETE FROM linkage_leads`);
    await tx.query(sql`INSERT INTO linkage_leads (id, title, subject, owner, updated_at)
      SELECT ('c0000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'Lead ' || g, 'person', CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END,
        CASE WHEN g <= ${LEADS} THEN now() - interval '2190 days' ELSE now() END
      FROM generate_series(1, ${LEADS * 2}) g`);
    await tx.query(sql`INSERT INTO linkage_entities (module, record_type, record_id, kind, key, owner)
      SELECT 'linkage', 'lead', ('c0000000-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, 'phone', '+62811' || lpad((g * ${ENTITIES_A_LEAD} + e)::text, 8, '0'),
        CASE WHEN g % 2 = 0 THEN 'AAA' ELSE 'BBB' END
      FROM generate_series(1, ${LEADS * 2}) g, generate_series(1, ${ENTITIES_A_LEAD}) e`);
  });
  if (db.kind === 'postgres') {
    await db.ownerTransaction((tx) => tx.query(sql`ANALYZE linkage_leads`));
    await db.ownerTransaction((tx) => tx.query(sql`ANALYZE linkage_entities`));
  }
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toFixed(1));

async function run(label: string, db: Database): Promise<void> {
  await migrate(db, migrationsOf(MODULES));
  await db.ownerTransaction((tx) => tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('AAA', 'Member AAA', 'state', 'member'), ('BBB', 'Member BBB', 'state', 'member')`));
  const lengths: number[] = [];
  const platform: Platform = { db: timed(db, lengths), config: loadConfig({ LINTAS_DATA_KEY: 'be'.repeat(32) }), mailer: { configured: false, send: () => Promise.reject(new Error('no mail')) } };

  const jobs: { name: string; rows: number; seed: () => Promise<void>; job: () => Promise<number>; floor: () => Promise<void> }[] = [
    {
      name: 'holder details of cancelled documents',
      rows: DOCUMENTS,
      seed: () => seedDocuments(db),
      job: () => eraseOldHolders(platform),
      floor: () =>
        db.ownerTransaction(async (tx) => {
          await tx.query(sql`UPDATE travel_documents SET holder_sealed = NULL, holder_digest = NULL
            WHERE holder_sealed IS NOT NULL AND state IN ('cancelled', 'rejected') AND coalesce(cancelled_at, decided_at) < now() - interval '365 days'`);
        }),
    },
    {
      name: `linkage leads (${String(ENTITIES_A_LEAD)} entity rows each)`,
      rows: LEADS,
      seed: () => seedLeads(db),
      job: async () => (await applyLinkageRetention(platform)).leads,
      floor: () =>
        db.ownerTransaction(async (tx) => {
          await tx.query(sql`DELETE FROM linkage_entities WHERE module = 'linkage' AND record_type = 'lead'
            AND record_id IN (SELECT id FROM linkage_leads WHERE updated_at < now() - interval '1825 days')`);
          await tx.query(sql`DELETE FROM linkage_leads WHERE updated_at < now() - interval '1825 days'`);
        }),
    },
  ];
  for (const job of jobs) {
    await job.seed();
    lengths.length = 0;
    const started = performance.now();
    const done = await job.job();
    const seconds = (performance.now() - started) / 1000;
    if (done !== job.rows) throw new Error(`${job.name}: the job changed ${String(done)} rows, not ${String(job.rows)}`);
    const sorted = [...lengths].sort((a, b) => a - b);
    await job.seed();
    const floorStarted = performance.now();
    await job.floor();
    const floorSeconds = (performance.now() - floorStarted) / 1000;
    console.log(
      `${label.padEnd(10)} ${job.name}: ${String(done)} in ${seconds.toFixed(2)} s (${Math.round(done / seconds).toLocaleString('en')} rows/s), ` +
        `${String(sorted.length)} transactions, each p50 ${ms(quantile(sorted, 0.5))} / p99 ${ms(quantile(sorted, 0.99))} / max ${ms(sorted.at(-1) ?? 0)} ms; ` +
        `floor (one bare statement, no audit) ${floorSeconds.toFixed(2)} s, so the job takes ${(seconds / floorSeconds).toFixed(1)}x the floor`,
    );
  }
}

if (!args.includes('--skip-pglite')) {
  const db = await PgliteDatabase.open(undefined);
  try {
    await run('PGlite', db);
  } finally {
    await db.close();
  }
}
if (!args.includes('--skip-postgres')) {
  const name = `lintas_bench_retention_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${POSTGRES}/postgres` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const db = await PostgresDatabase.open(`${POSTGRES}/${name}`);
    try {
      await run('PostgreSQL', db);
    } finally {
      await db.close();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
