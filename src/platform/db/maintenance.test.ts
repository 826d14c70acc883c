import pino from 'pino';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { maintainEmbedded, startEmbeddedMaintenance } from './maintenance.js';
import { PgliteDatabase } from './pglite.js';
import { sql } from './sql.js';

// The embedded database has no autovacuum workers: the maintenance job does their work, by their
// thresholds, one table at a time. A server's autovacuum does it there, so the job does not start.

let t: TestDatabase;
beforeAll(async () => {
  t = await openTestDatabase();
});
afterAll(async () => {
  await t.close();
});

interface Stats {
  n_dead_tup: number;
  vacuumed: boolean;
  analysed: boolean;
  reltuples: number;
}
const stats = (table: string): Promise<Stats> =>
  t.db.ownerTransaction((tx) =>
    tx.one<Stats>(sql`SELECT s.n_dead_tup::int, s.last_vacuum IS NOT NULL AS vacuumed, s.last_analyze IS NOT NULL AS analysed, c.reltuples::float8 AS reltuples
      FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid WHERE s.relname = ${table}`),
  );
function embedded(): PgliteDatabase {
  if (!(t.db instanceof PgliteDatabase)) throw new Error('not the embedded database');
  return t.db;
}
/** The statistics of this session's work, sent now rather than within a second. */
const flush = () => t.db.ownerTransaction((tx) => tx.query(sql`SELECT pg_stat_force_next_flush()`));

describe.skipIf(TEST_DB_KIND !== 'pglite')('on the embedded database', () => {
  test('a table whose rows were changed past autovacuum’s thresholds is vacuumed and analysed; one barely touched is left; a second run finds nothing', async () => {
    const db = embedded();
    await db.ownerTransaction((tx) => tx.execScript(`CREATE TABLE maintenance_churned (id int PRIMARY KEY, n int);
      INSERT INTO maintenance_churned SELECT g, 0 FROM generate_series(1, 5000) g;
      CREATE TABLE maintenance_quiet (id int PRIMARY KEY); INSERT INTO maintenance_quiet SELECT g FROM generate_series(1, 10) g;`));
    // Everything the migrations and the template left is taken first, so what follows is this test's alone.
    await flush();
    await maintainEmbedded(db);
    for (let round = 0; round < 3; round++) await db.ownerTransaction((tx) => tx.query(sql`UPDATE maintenance_churned SET n = n + 1`));
    await db.ownerTransaction((tx) => tx.query(sql`UPDATE maintenance_quiet SET id = id WHERE id = 1`));
    await flush();
    expect((await stats('maintenance_churned')).n_dead_tup).toBeGreaterThan(10_000);

    // While requests queue for the database, the run leaves its tables to the next.
    expect(await maintainEmbedded(db, { busy: () => true })).toEqual({ done: [], left: 1 });
    const { done } = await maintainEmbedded(db);
    expect(done).toEqual([{ table: 'public.maintenance_churned', vacuumed: true, ms: expect.any(Number) }]);
    await flush();
    expect(await stats('maintenance_churned')).toMatchObject({ n_dead_tup: 0, vacuumed: true, analysed: true, reltuples: 5000 });
    expect((await stats('maintenance_quiet')).n_dead_tup).toBe(1);
    expect(await maintainEmbedded(db)).toEqual({ done: [], left: 0 });
  });

  test('rows only added are analysed, not vacuumed: a VACUUM would hold the one thread for every page added', async () => {
    const db = embedded();
    await db.ownerTransaction((tx) => tx.execScript(`CREATE TABLE maintenance_appended (id int PRIMARY KEY); INSERT INTO maintenance_appended SELECT g FROM generate_series(1, 500) g;`));
    await flush();
    expect((await maintainEmbedded(db)).done).toEqual([{ table: 'public.maintenance_appended', vacuumed: false, ms: expect.any(Number) }]);
    await db.ownerTransaction((tx) => tx.query(sql`INSERT INTO maintenance_appended SELECT g FROM generate_series(501, 3000) g`));
    await flush();
    expect((await maintainEmbedded(db)).done).toEqual([{ table: 'public.maintenance_appended', vacuumed: false, ms: expect.any(Number) }]);
    expect(await stats('maintenance_appended')).toMatchObject({ vacuumed: false, analysed: true, reltuples: 3000 });
  });
});

describe.skipIf(TEST_DB_KIND !== 'pglite')('after a start', () => {
  test('every table is vacuumed and analysed, since PGlite forgot what changed before it', async () => {
    const db = embedded();
    const tables = await db.ownerTransaction((tx) => tx.query<{ name: string }>(sql`SELECT schemaname || '.' || relname AS name FROM pg_stat_user_tables ORDER BY 1`));
    const { done } = await maintainEmbedded(db, { all: true });
    expect(done.map((table) => table.table).sort()).toEqual(tables.map((table) => table.name));
    expect(done.every((table) => table.vacuumed)).toBe(true);
    await flush();
    expect(await stats('users')).toMatchObject({ vacuumed: true, analysed: true });
  });
});

test('the job runs on the embedded database only: a server’s autovacuum does the work there', async () => {
  const job = startEmbeddedMaintenance(t.db, pino({ level: 'silent' }));
  expect(job !== undefined).toBe(TEST_DB_KIND === 'pglite');
  await job?.stop();
});
