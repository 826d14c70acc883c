import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { acquireFolderLock, FolderLockedError } from './folder-lock.js';
import { migrate, readMigrations } from './migrate.js';
import { MODULES } from '../../modules/index.js';
import { migrationsOf, type LintasModule } from '../module.js';
import RELEASED from '../../../test/fixtures/migrations-released.json' with { type: 'json' };
import { PgliteDatabase } from './pglite.js';
import { openDatabase } from './open.js';
import { loadConfig } from '../config.js';
import { PostgresDatabase } from './postgres.js';
import { sql, type Sql } from './sql.js';
import type { Tx } from './database.js';

describe('sql template', () => {
  test('values become parameters and fragments nest', () => {
    const inner = sql`b = ${2} AND c = ${'x'}`;
    const { text, values } = sql`SELECT * FROM t WHERE a = ${1} AND ${inner} AND d = ANY(${[1, 2]})`.compile();
    expect(text).toBe('SELECT * FROM t WHERE a = $1 AND b = $2 AND c = $3 AND d = ANY($4)');
    expect(values).toEqual([1, 2, 'x', [1, 2]]);
    expect(sql.join([sql`a = ${1}`, sql`b = ${2}`], ' OR ').compile().text).toBe('a = $1 OR b = $2');
  });

  test('identifiers are checked, not escaped', () => {
    expect(() => sql.ident('users; DROP TABLE users')).toThrow(/identifier/);
  });
});

describe(`the database (${TEST_DB_KIND})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(() => t.close());

  test('rows look the same on both drivers: int8 as number, date as text, timestamptz as Date', async () => {
    const row = await t.db.ownerTransaction((tx) =>
      tx.one<{ n: number; d: string; ts: Date; arr: string[] }>(sql`SELECT 9007199254740991::int8 AS n, DATE '2024-02-29' AS d, now() AS ts, ARRAY['a','b'] AS arr`),
    );
    expect(row).toEqual({ n: 9007199254740991, d: '2024-02-29', ts: expect.any(Date), arr: ['a', 'b'] });
  });

  test('timestamps read back to the millisecond in any time zone the server writes them in, BC and far years too (property)', async () => {
    const zones = ['UTC', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/St_Johns', 'Pacific/Chatham', 'Europe/Amsterdam', 'America/Los_Angeles'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...zones),
        fc.array(fc.date({ min: new Date('-004000-01-01T00:00:00Z'), max: new Date('+012000-12-31T23:59:59.999Z'), noInvalidDate: true }), { minLength: 1, maxLength: 20 }),
        async (zone, dates) => {
          const rows = await t.db.ownerTransaction(async (tx) => {
            await tx.query(sql`SELECT set_config('TimeZone', ${zone}, true)`);
            return tx.query<{ at: Date; text: string }>(sql`SELECT d AS at, d::text AS text FROM unnest(${dates.map((d) => d.getTime())}::int8[]) ms, LATERAL (SELECT TIMESTAMPTZ 'epoch' + (ms || ' milliseconds')::interval AS d) x`);
          });
          rows.forEach((row, i) => expect(row.at.getTime(), `${row.text} in ${zone}`).toBe(dates[i]!.getTime()));
        },
      ),
      { numRuns: 60 },
    );
  });

  test('application transactions run as lintas_app, without BYPASSRLS, with the member set locally', async () => {
    const inside = await t.db.transaction({ member: 'XYZ' }, (tx) =>
      tx.one<{ role: string; bypass: boolean; member: string }>(sql`SELECT current_user AS role,
        (SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user) AS bypass, current_setting('lintas.member') AS member`),
    );
    expect(inside).toEqual({ role: 'lintas_app', bypass: false, member: 'XYZ' });
    const after = await t.db.ownerTransaction((tx) => tx.one<{ member: string | null }>(sql`SELECT nullif(current_setting('lintas.member', true), '') AS member`));
    expect(after.member).toBeNull();
  });

  test.skipIf(TEST_DB_KIND !== 'postgres')('on a server, no statement of the app is JIT-compiled, on any connection of the pool', async () => {
    const settings = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0
          ? t.db.read({ member: 'XYZ' }, (tx) => tx.one<{ jit: string }>(sql`SELECT current_setting('jit') AS jit`))
          : i % 3 === 1
            ? t.db.transaction({ member: 'XYZ' }, (tx) => tx.one<{ jit: string }>(sql`SELECT current_setting('jit') AS jit, pg_sleep(0.05)`))
            : t.db.ownerTransaction((tx) => tx.one<{ jit: string }>(sql`SELECT current_setting('jit') AS jit, pg_sleep(0.05)`)),
      ),
    );
    expect(settings.map((row) => row.jit)).toEqual(Array.from({ length: 12 }, () => 'off'));
  });

  test.skipIf(TEST_DB_KIND !== 'postgres')('on a server, the statement of a process killed mid-way is cancelled within seconds, its transaction rolled back and its locks freed', async () => {
    // A process of its own opens the pool as the server does, takes a row lock and sleeps in a statement.
    const folder = mkdtempSync(join(tmpdir(), 'lintas-orphan-'));
    const script = join(folder, 'orphan.mts');
    writeFileSync(script, [
      `import { PostgresDatabase } from ${JSON.stringify(new URL('./postgres.ts', import.meta.url).pathname)};`,
      `import { sql } from ${JSON.stringify(new URL('./sql.ts', import.meta.url).pathname)};`,
      `const db = await PostgresDatabase.open(${JSON.stringify(t.url)}, { poolSize: 1 });`,
      `await db.ownerTransaction(async (tx) => {`,
      `  await tx.query(sql\`INSERT INTO members (code, name, kind, status) VALUES ('ORPHAN', 'x', 'state', 'member')\`);`,
      `  const { pid } = await tx.one(sql\`SELECT pg_backend_pid() AS pid\`);`,
      `  console.log('pid', pid);`,
      `  await tx.query(sql\`SELECT pg_sleep(120)\`);`,
      `});`,
    ].join('\n'));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const found = /pid (\d+)/.exec(out);
          if (found) resolve(Number(found[1]));
        });
        child.once('exit', (code) => reject(new Error(`the process exited (${String(code)}) before it slept`)));
      });
      const running = async () => (await t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM pg_stat_activity WHERE pid = ${pid}`))) !== undefined;
      expect(await running()).toBe(true);
      child.kill('SIGKILL');
      const killed = Date.now();
      while ((await running()) && Date.now() - killed < 30_000) await new Promise((resolve) => setTimeout(resolve, 250));
      // Without the check its backend would sleep out the two minutes, holding the row's lock.
      expect(await running()).toBe(false);
      const row = await t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM members WHERE code = 'ORPHAN'`));
      expect(row).toBeUndefined();
    } finally {
      child.kill('SIGKILL');
      rmSync(folder, { recursive: true, force: true });
    }
  }, 60_000);

  test('a member code that is not a code is refused before it reaches SQL', async () => {
    await expect(t.db.transaction({ member: "x'; DROP TABLE members; --" }, async () => 1)).rejects.toThrow(/invalid member code/);
  });

  test('a failed transaction leaves nothing behind', async () => {
    await expect(
      t.db.ownerTransaction(async (tx) => {
        await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('ROLLBK', 'x', 'state', 'member')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const row = await t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM members WHERE code = 'ROLLBK'`));
    expect(row).toBeUndefined();
  });

  test('reads run as lintas_app with the member set, read-only: a write is refused, changes nothing, and the next read works', async () => {
    const inside = await t.db.read({ member: 'XYZ' }, (tx) =>
      tx.one<{ role: string; member: string; readOnly: string }>(sql`SELECT current_user AS role, current_setting('lintas.member') AS member,
        current_setting('transaction_read_only') AS "readOnly"`),
    );
    expect(inside).toEqual({ role: 'lintas_app', member: 'XYZ', readOnly: 'on' });
    await expect(
      t.db.read({ member: 'XYZ' }, (tx) => tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES (${'READONLY'}, 'x', 'state', 'member')`)),
    ).rejects.toThrow(/read-only/);
    const owner = await t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM members WHERE code = 'READONLY'`));
    expect(owner).toBeUndefined();
    // The failed read's connection was rolled back and serves the next one.
    for (let i = 0; i < 12; i++) {
      expect(await t.db.read({ member: 'XYZ' }, (tx) => tx.one<{ n: number }>(sql`SELECT ${i}::int AS n`))).toEqual({ n: i });
    }
    await expect(t.db.read({ member: 'XYZ' }, async (tx) => tx.defer('SELECT 1'))).rejects.toThrow(/defers nothing/);
    await expect(t.db.read({ member: "x'; --" }, async () => 1)).rejects.toThrow(/invalid member code/);
  });

  test('any value reads back from a read’s statement, and a write’s first, exactly as from a parameterised one (property)', async () => {
    // On a server a read writes values into its statement text; quotes, backslashes, `$1`,
    // semicolons, braces and any Unicode must come back unchanged, as parameters do.
    const tricky = fc.constantFrom("'", "''", '\\', "\\'", '$1', '$$', ';', '--', '/*', 'E', '"', '{', '}', ',', 'NULL', '\n', '\t', ' ');
    const text = fc.array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 12 }).map((parts) => parts.join('').replaceAll('\0', ''));
    const value = fc.record({
      text,
      list: fc.array(fc.option(text, { nil: null }), { maxLength: 5 }),
      number: fc.double({ noNaN: true, noDefaultInfinity: true }),
      flag: fc.boolean(),
      bytes: fc.uint8Array({ maxLength: 16 }),
      json: fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean())),
      when: fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }),
      absent: fc.constant(null),
    });
    const statement = (v: typeof value extends fc.Arbitrary<infer V> ? V : never) => sql`SELECT ${v.text}::text AS text, ${v.list}::text[] AS list,
      ${v.number}::float8 AS number, ${v.flag}::boolean AS flag, ${Buffer.from(v.bytes)}::bytea AS bytes, ${v.json}::jsonb AS json,
      ${v.when}::timestamptz AS "when", ${v.absent}::text AS absent, length(${v.text}) AS length`;
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        const read = await t.db.read({ member: 'XYZ' }, (tx) => tx.one(statement(v)));
        // Twice, so the second runs the statement prepared by the first (on a pool of several, often on the same connection).
        const generic = await t.db.read({ member: 'XYZ' }, (tx) => tx.one(statement(v).withGenericPlan()));
        const again = await t.db.read({ member: 'XYZ' }, (tx) => tx.one(statement(v).withGenericPlan()));
        // A transaction's first statement goes with its BEGIN, values written in as a read's; the next ones as parameters.
        const first = await t.db.transaction({ member: 'XYZ' }, (tx) => tx.one(statement(v)));
        const parameterised = await t.db.transaction({ member: 'XYZ' }, async (tx) => {
          await tx.query(sql`SELECT 1`);
          return tx.one(statement(v));
        });
        // In a write, a generic plan's statement as the first (with the BEGIN) and as a later one.
        const firstGeneric = await t.db.transaction({ member: 'XYZ' }, (tx) => tx.one(statement(v).withGenericPlan()));
        const laterGeneric = await t.db.transaction({ member: 'XYZ' }, async (tx) => {
          await tx.query(sql`SELECT 1`);
          return tx.one(statement(v).withGenericPlan());
        });
        expect(read).toEqual(parameterised);
        expect(generic).toEqual(parameterised);
        expect(again).toEqual(parameterised);
        expect(first).toEqual(parameterised);
        expect(firstGeneric).toEqual(parameterised);
        expect(laterGeneric).toEqual(parameterised);
        expect(read).toMatchObject({ text: v.text, list: v.list, flag: v.flag, json: v.json, absent: null, length: Array.from(v.text).length });
        expect((read as { when: Date }).when.getTime()).toBe(v.when.getTime());
        expect(Buffer.from((read as { bytes: Uint8Array }).bytes)).toEqual(Buffer.from(v.bytes));
      }),
      { numRuns: 150 },
    );
  });

  test('a write’s first statement carries its context, with any values; one with only deferred work commits it; a failure rolls all back', async () => {
    const long = 'x'.repeat(20_000);
    const first = (value: string, list: string[]) =>
      t.db.transaction({ member: 'XYZ' }, (tx) =>
        tx.one<{ member: string; role: string; length: number; n: number }>(
          sql`SELECT current_setting('lintas.member') AS member, current_user AS role, length(${value}) AS length, cardinality(${list}::text[]) AS n`,
        ),
      );
    // Small values go with the BEGIN; long ones, many ones and a NUL's refusal go as parameters: the same answers.
    expect(await first('abc', ['a'])).toEqual({ member: 'XYZ', role: 'lintas_app', length: 3, n: 1 });
    expect(await first(long, Array.from({ length: 5_000 }, String))).toEqual({ member: 'XYZ', role: 'lintas_app', length: 20_000, n: 5_000 });
    await expect(first('a\0b', [])).rejects.toThrow();
    // Deferred statements alone: BEGIN, context, them and COMMIT go together, and commit.
    await t.db.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS deferred_probe (member text); GRANT ALL ON deferred_probe TO lintas_app'));
    await t.db.transaction({ member: 'XYZ' }, async (tx) => tx.defer(`INSERT INTO deferred_probe VALUES (current_setting('lintas.member'))`));
    // A failing first statement, and work that fails before sending anything, leave nothing and a working connection.
    await expect(t.db.transaction({ member: 'XYZ' }, (tx) => tx.query(sql`INSERT INTO deferred_probe VALUES (${'abc'}::int::text)`))).rejects.toThrow();
    await expect(
      t.db.transaction({ member: 'XYZ' }, async (tx) => {
        tx.defer(`INSERT INTO deferred_probe VALUES ('never')`);
        throw new Error('before anything was sent');
      }),
    ).rejects.toThrow('before anything');
    for (let i = 0; i < 12; i++) expect(await first('ok', [])).toMatchObject({ member: 'XYZ', length: 2 });
    const rows = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT member FROM deferred_probe`));
    expect(rows).toEqual([{ member: 'XYZ' }]);
  });

  test('work that fails while its statements are still on their way leaves nothing; a statement sent once its transaction is over is refused', async () => {
    await t.db.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS inflight_probe (note text); GRANT ALL ON inflight_probe TO lintas_app'));
    // Values too long to go with the BEGIN: the statement waits behind it, as an import's first batch does.
    const long = 'x'.repeat(20_000);
    const sent: Promise<unknown>[] = [];
    let kept: Tx | undefined;
    for (const run of [
      (work: (tx: Tx) => Promise<unknown>) => t.db.transaction({ member: 'XYZ' }, work),
      (work: (tx: Tx) => Promise<unknown>) => t.db.ownerTransaction(work),
    ]) {
      await expect(
        run(async (tx) => {
          kept = tx;
          const first = tx.query(sql`INSERT INTO inflight_probe VALUES (${long})`);
          first.catch(() => undefined);
          sent.push(first);
          throw new Error('failed while its statement was on its way');
        }),
      ).rejects.toThrow('on its way');
      await Promise.allSettled(sent);
      await expect(kept?.query(sql`INSERT INTO inflight_probe VALUES ('late')`)).rejects.toThrow(/after its transaction was over/);
    }
    await expect(t.db.read({ member: 'XYZ' }, async (tx) => {
      kept = tx;
      return tx.query(sql`SELECT 1`);
    })).resolves.toHaveLength(1);
    await expect(kept?.query(sql`SELECT 1`)).rejects.toThrow(/after its transaction was over/);
    const rows = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT note FROM inflight_probe`));
    expect(rows).toEqual([]);
  });

  test.skipIf(TEST_DB_KIND !== 'postgres')('on a server, a connection is sent one statement at a time: what a transaction queues waits in order, never in the driver’s deprecated queue', async () => {
    // Every query sent to a connection, and how many were unanswered on it when it was sent.
    const inFlight = new Map<object, number>();
    let most = 0;
    let sent = 0;
    const descriptor = Object.getOwnPropertyDescriptor(pg.Client.prototype, 'query') as PropertyDescriptor & { value: typeof pg.Client.prototype.query };
    const original = descriptor.value;
    const settle = (client: object): void => {
      inFlight.set(client, (inFlight.get(client) ?? 1) - 1);
    };
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
      const now = (inFlight.get(this) ?? 0) + 1;
      inFlight.set(this, now);
      most = Math.max(most, now);
      sent++;
      const result = (original as (...a: unknown[]) => unknown).apply(this, args);
      if (result instanceof Promise) {
        result.then(() => settle(this), () => settle(this));
      } else {
        const stream = result as NodeJS.EventEmitter;
        let done = false;
        const end = (): void => {
          if (!done) settle(this);
          done = true;
        };
        stream.once('finish', end).once('error', end).once('close', end);
      }
      return result;
    } as typeof original;
    const db = await PostgresDatabase.open(t.url as string, { poolSize: 2 });
    try {
      await db.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS lane_probe (note text); GRANT ALL ON lane_probe TO lintas_app'));
      const long = 'y'.repeat(20_000);
      // Fresh connections (their SET jit first), a first statement too long to go with its BEGIN, a script, a COPY, concurrent work.
      await Promise.all([
        db.transaction({ member: 'XYZ' }, async (tx) => {
          await tx.query(sql`INSERT INTO lane_probe VALUES (${long})`);
          await tx.execScript(`INSERT INTO lane_probe VALUES ('script')`);
        }),
        db.ownerTransaction(async (tx) => {
          await Promise.all([tx.query(sql`INSERT INTO lane_probe VALUES (${long + '2'})`), tx.query(sql`INSERT INTO lane_probe VALUES ('second')`)]);
          await tx.copyFrom?.('COPY lane_probe (note) FROM STDIN', (async function* () {
            yield 'copied\n';
          })());
        }),
        db.read({ member: 'XYZ' }, (tx) => tx.query(sql`SELECT ${'z'.repeat(30_000)}::text AS long`)),
      ]);
      await expect(db.ownerTransaction(async (tx) => {
        const first = tx.query(sql`INSERT INTO lane_probe VALUES (${long + '3'})`);
        first.catch(() => undefined);
        throw new Error('failed while its statement was on its way');
      })).rejects.toThrow('on its way');
      const notes = await db.ownerTransaction((tx) => tx.query<{ note: string }>(sql`SELECT left(note, 6) AS note FROM lane_probe ORDER BY 1`));
      expect(notes.map((row) => row.note)).toEqual(['copied', 'script', 'second', 'yyyyyy', 'yyyyyy']);
    } finally {
      await db.close();
      pg.Client.prototype.query = original;
    }
    expect(sent).toBeGreaterThan(10);
    expect(most).toBe(1);
  });

  test('a statement marked for a generic plan is prepared once per session (a server connection, PGlite) and run with that plan, in reads and writes; failures leave the session working', async () => {
    // One session whose prepared statements are all this test's: a pool of one connection, or a fresh PGlite.
    const fresh = TEST_DB_KIND === 'pglite' ? await openTestDatabase() : undefined;
    const one = fresh?.db ?? (await PostgresDatabase.open(t.url!, { poolSize: 1 }));
    try {
      const read = <Row>(statement: Sql) => one.read({ member: 'XYZ' }, (tx) => tx.one<Row>(statement));
      const quotient = (a: number, b: number) =>
        read<{ q: number; mode: string; member: string }>(sql`SELECT ${a}::int / ${b}::int AS q, current_setting('plan_cache_mode') AS mode,
          current_setting('lintas.member') AS member`.withGenericPlan());
      const prepared = () => read<{ list: string }>(sql`SELECT string_agg(name || ':' || generic_plans || ':' || custom_plans, ',' ORDER BY name) AS list FROM pg_prepared_statements`);
      expect(await quotient(6, 3)).toEqual({ q: 2, mode: 'force_generic_plan', member: 'XYZ' });
      expect(await quotient(8, 2)).toEqual({ q: 4, mode: 'force_generic_plan', member: 'XYZ' });
      expect(await prepared()).toEqual({ list: 'lintas_generic_1:2:0' });
      // The setting is the transaction's only.
      expect(await read(sql`SELECT current_setting('plan_cache_mode') AS mode`)).toEqual({ mode: 'auto' });
      // Failing after its PREPARE (which a rollback does not undo): the next run prepares under a new name.
      const remainder = (a: number, b: number) => read<{ r: number }>(sql`SELECT ${a}::int % ${b}::int AS r`.withGenericPlan());
      await expect(remainder(7, 0)).rejects.toThrow(/division by zero/);
      expect(await remainder(7, 4)).toEqual({ r: 3 });
      expect(await remainder(9, 4)).toEqual({ r: 1 });
      // A statement that cannot be prepared fails as it would unprepared, and the connection goes on.
      await expect(read(sql`SELECT ${1}::int AS v FROM no_such_table`.withGenericPlan())).rejects.toThrow(/no_such_table/);
      await expect(quotient(1, 0)).rejects.toThrow(/division by zero/);
      expect(await quotient(9, 3)).toEqual({ q: 3, mode: 'force_generic_plan', member: 'XYZ' });
      // lintas_generic_2 is the one whose run failed, kept by the server and never used again.
      expect(await prepared()).toEqual({ list: 'lintas_generic_1:4:0,lintas_generic_2:1:0,lintas_generic_3:2:0' });
      // In a write: the same prepared statement, first with the BEGIN and then after another statement; the
      // setting lasts to the transaction's end; a failure after the EXECUTE rolls its row back.
      await one.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS generic_probe (n int); GRANT ALL ON generic_probe TO lintas_app'));
      const insert = (n: number) => sql`INSERT INTO generic_probe VALUES (${n}::int) RETURNING n, current_setting('plan_cache_mode') AS mode`.withGenericPlan();
      expect(await one.transaction({ member: 'XYZ' }, (tx) => tx.one(insert(1)))).toEqual({ n: 1, mode: 'force_generic_plan' });
      expect(
        await one.transaction({ member: 'XYZ' }, async (tx) => {
          await tx.query(sql`SELECT 1`);
          const row = await tx.one(insert(2));
          return { ...row, after: (await tx.one<{ mode: string }>(sql`SELECT current_setting('plan_cache_mode') AS mode`)).mode };
        }),
      ).toEqual({ n: 2, mode: 'force_generic_plan', after: 'force_generic_plan' });
      await expect(
        one.transaction({ member: 'XYZ' }, async (tx) => {
          await tx.one(insert(3));
          await tx.query(sql`SELECT 1 / 0`);
        }),
      ).rejects.toThrow(/division by zero/);
      expect(await one.transaction({ member: 'XYZ' }, (tx) => tx.one(insert(4)))).toEqual({ n: 4, mode: 'force_generic_plan' });
      expect(await one.ownerTransaction((tx) => tx.query(sql`SELECT n FROM generic_probe ORDER BY n`))).toEqual([{ n: 1 }, { n: 2 }, { n: 4 }]);
      // lintas_generic_4 was the statement on a missing table, which could not be prepared.
      expect(await prepared()).toEqual({ list: 'lintas_generic_1:4:0,lintas_generic_2:1:0,lintas_generic_3:2:0,lintas_generic_5:4:0' });
    } finally {
      await (fresh ? fresh.close() : one.close());
    }
  });

  test('a NUL in a read’s value fails as it does in a transaction, and the next read works', async () => {
    const inTransaction = await t.db.transaction({ member: 'XYZ' }, (tx) => tx.one(sql`SELECT ${'a\0b'}::text AS v`)).catch((error: unknown) => String(error));
    const inRead = await t.db.read({ member: 'XYZ' }, (tx) => tx.one(sql`SELECT ${'a\0b'}::text AS v`)).catch((error: unknown) => String(error));
    expect(inRead).toBe(inTransaction);
    expect(await t.db.read({ member: 'XYZ' }, (tx) => tx.one(sql`SELECT 1 AS n`))).toEqual({ n: 1 });
  });

  test('every shareable table forces row-level security and has the four policies of the rule and the context guard', async () => {
    const tables = await t.db.ownerTransaction((tx) =>
      tx.query<{ relname: string; forced: boolean; policies: number; readable: boolean }>(sql`
        SELECT c.relname, c.relforcerowsecurity AS forced,
          (SELECT count(*)::int FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname LIKE 'lintas\\_%') AS policies,
          has_table_privilege('lintas_app', c.oid, 'SELECT') AS readable
        FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'audience_kind'
        WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`),
    );
    expect(tables.map((row) => row.relname)).toEqual(expect.arrayContaining(['library_documents', 'notifications', 'reports']));
    for (const table of tables.filter((row) => row.readable)) expect(table, table.relname).toMatchObject({ forced: true, policies: 5 });
    // A table that copies records' access fields for the schema owner's functions alone (linkage's
    // name pairs): the application may not read it at all, and row-level security is forced anyway
    // (its one policy is the context guard of migration 0043, which grants nothing by itself).
    for (const table of tables.filter((row) => !row.readable)) expect(table, table.relname).toMatchObject({ forced: true, policies: 1 });
    expect(tables.filter((row) => !row.readable).map((row) => row.relname)).toEqual(['linkage_name_pairs']);
  });

  test('new rows get time-ordered ids (UUID version 7): the time of their making first, then random bits', async () => {
    const defaults = await t.db.ownerTransaction((tx) =>
      tx.query<{ relname: string; expr: string }>(sql`
        SELECT c.relname, pg_get_expr(d.adbin, d.adrelid) AS expr
        FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE a.atttypid = 'uuid'::regtype AND c.relnamespace = 'public'::regnamespace ORDER BY 1`),
    );
    expect(defaults.map((row) => row.relname)).toEqual(expect.arrayContaining(['library_documents', 'reports', 'travel_documents', 'users']));
    for (const row of defaults) expect(row, row.relname).toMatchObject({ expr: 'lintas_uuid_v7()' });

    const before = Date.now();
    const ids = await t.db.transaction({ member: 'XYZ' }, (tx) =>
      tx.query<{ id: string }>(sql`SELECT lintas_uuid_v7()::text AS id FROM generate_series(1, 2000)`),
    );
    const after = Date.now();
    expect(new Set(ids.map((row) => row.id)).size).toBe(2000);
    let last = 0;
    for (const { id } of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const millis = Number.parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(millis).toBeGreaterThanOrEqual(Math.max(last, before - 1000));
      expect(millis).toBeLessThanOrEqual(after + 1000);
      last = millis;
    }
  });
});

describe('migrations', () => {
  test('an applied migration that was edited is an error naming it; a new one applies', async () => {
    const t = await openTestDatabase();
    const folder = mkdtempSync(join(tmpdir(), 'lintas-migrations-'));
    const all = () => [...migrationsOf(MODULES), ...readMigrations(folder)];
    try {
      expect(await migrate(t.db, all())).toEqual([]);
      writeFileSync(join(folder, '9001_extra.sql'), 'CREATE TABLE extra_test (id int);');
      expect(await migrate(t.db, all())).toEqual(['9001_extra.sql']);
      writeFileSync(join(folder, '9001_extra.sql'), 'CREATE TABLE extra_test (id int, edited int);');
      await expect(migrate(t.db, all())).rejects.toThrow(/9001_extra\.sql was edited/);
      rmSync(join(folder, '9001_extra.sql'));
      await expect(migrate(t.db, all())).rejects.toThrow(/9001_extra\.sql has no file/);
      writeFileSync(join(folder, 'bad-name.sql'), 'SELECT 1;');
      expect(() => readMigrations(folder)).toThrow(/bad-name\.sql/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
      await t.close();
    }
  });

  test('the migrations of the platform and the modules keep the released names, versions and checksums', () => {
    const now = new Map(migrationsOf(MODULES).map((migration) => [migration.version, { version: migration.version, name: migration.name, checksum: migration.checksum }]));
    for (const released of RELEASED) expect(now.get(released.version)).toEqual(released);
  });

  test('a database the released migrations made upgrades without change', async () => {
    const t = await openTestDatabase();
    try {
      const rows = await t.db.ownerTransaction((tx) => tx.query<{ version: number; name: string; checksum: string }>(sql`SELECT version, name, checksum FROM schema_migrations ORDER BY version`));
      expect(rows.filter((row) => row.version <= Math.max(...RELEASED.map((m) => m.version)))).toEqual(RELEASED);
      expect(await migrate(t.db, migrationsOf(MODULES))).toEqual([]);
    } finally {
      await t.close();
    }
  });

  test('two migration files with one version, in two folders, are an error naming both', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-migrations-'));
    try {
      writeFileSync(join(folder, '0005_clash.sql'), 'SELECT 1;');
      const clashing = { ...MODULES[0], name: 'clash', migrations: folder } as LintasModule;
      expect(() => migrationsOf([...MODULES, clashing])).toThrow(/0005_documents\.sql and 0005_clash\.sql have the same version|0005_clash\.sql and 0005_documents\.sql have the same version/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the data folder lock', () => {
  test('a second open of the same folder is refused with a clear error, and the folder opens again after close', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-lock-'));
    try {
      const template = new Blob([readFileSync(inject('pgliteTemplate'))]);
      const first = await PgliteDatabase.open(folder, {}, template);
      await expect(PgliteDatabase.open(folder)).rejects.toBeInstanceOf(FolderLockedError);
      await expect(PgliteDatabase.open(folder)).rejects.toThrow(/in use by another Lintas process/);
      await first.close();
      expect(existsSync(join(folder, 'lintas.lock'))).toBe(false);
      acquireFolderLock(folder).release();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a lock held by another live process is refused; one left by a process that no longer runs is taken over', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-lock-'));
    try {
      // pid 1 is always alive.
      writeFileSync(join(folder, 'lintas.lock'), '1');
      expect(() => acquireFolderLock(folder)).toThrow(/pid 1/);
      writeFileSync(join(folder, 'lintas.lock'), '2147483646');
      const lock = acquireFolderLock(folder);
      expect(readFileSync(join(folder, 'lintas.lock'), 'utf8')).toBe(String(process.pid));
      lock.release();
      expect(existsSync(join(folder, 'lintas.lock'))).toBe(false);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

test.skipIf(TEST_DB_KIND !== 'pglite')('LINTAS_PGLITE_SHARED_BUFFERS_MB sets the embedded database’s page cache (128 MB unless set); a value that is not a whole number is refused', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'lintas-buffers-'));
  try {
    for (const [env, shown] of [[{}, '128MB'], [{ LINTAS_PGLITE_SHARED_BUFFERS_MB: '24' }, '24MB']] as const) {
      const db = await openDatabase({ ...loadConfig(env), dataDir: folder });
      try {
        expect(await db.ownerTransaction((tx) => tx.one<{ shared_buffers: string }>(sql`SHOW shared_buffers`))).toEqual({ shared_buffers: shown });
      } finally {
        await db.close();
      }
    }
    expect(() => loadConfig({ LINTAS_PGLITE_SHARED_BUFFERS_MB: '16MB' })).toThrow(/LINTAS_PGLITE_SHARED_BUFFERS_MB must be a whole number/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
