import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestUser } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { loadConfig } from '../config.js';
import type { Tx } from './database.js';
import { PostgresDatabase } from './postgres.js';
import { sql } from './sql.js';

// Issue #27: on a PostgreSQL server the requests' transactions run on a login that is a member of
// lintas_app and nothing more (DATABASE_APP_URL; the whole PostgreSQL leg of the suite runs so).
// What a statement on such a connection may try, as SQL injected into a request's query would: leave
// the application role, seal another member, replay a proof it saw go by, replace the connection's
// count, shadow the platform's tables. Each fails; the process's own proofs pass.

const server = TEST_DB_KIND === 'postgres';

describe.runIf(server)('the serving login', () => {
  let t: TestContext;
  let officer: TestUser;
  let hidden: string;
  let appUrl: string;
  let ownerUrl: string;
  const opened: PostgresDatabase[] = [];
  const roles: string[] = [];
  let admin: pg.Client;

  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('AAA');
    await t.makeMember('BBB');
    officer = await t.makeUser('AAA', ['officer']);
    hidden = await t.makeDocument('BBB', { title: 'only for BBB' });
    appUrl = t.database.appUrl!;
    ownerUrl = t.database.url!;
    admin = new pg.Client({ connectionString: ownerUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    for (const role of roles) await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
    await t.close();
  });

  /** A database on the serving login with one connection of each login, so successive transactions share it. */
  async function single(): Promise<PostgresDatabase> {
    const db = await PostgresDatabase.open(ownerUrl, { appUrl, poolSize: 1 });
    opened.push(db);
    await db.checkLogins();
    return db;
  }

  /** The process's key, as only the owner reads it. */
  async function key(): Promise<Key> {
    return t.db.ownerTransaction((tx) => tx.one(sql`SELECT process_inner_key AS inner, process_outer_key AS outer FROM lintas_secrets.context_key`));
  }

  interface Key {
    inner: Buffer;
    outer: Buffer;
  }

  /** The process's proof, made here with its key: for a member and user on a backend, its counter and a count. */
  function prove(k: Key, member: string, user: string, pid: number, counter: number, count: bigint): string {
    const inner = createHash('sha256').update(k.inner).update(`${member}|${user}|${pid}|${counter}|${count}`, 'utf8').digest();
    return createHash('sha256').update(k.outer).update(inner).digest('hex');
  }

  /** This connection's backend and counter (the sequence its session opened, or one a statement made in its place). */
  function here(tx: Tx): Promise<{ pid: number; counter: number }> {
    return tx.one(sql`SELECT pg_backend_pid() AS pid, coalesce(to_regclass('pg_temp.lintas_session')::oid, 0)::int8 AS counter`);
  }

  const asOfficer = <T>(work: (tx: Tx) => Promise<T>, db = t.db): Promise<T> => db.transaction({ member: 'AAA', user: officer.id }, work);

  test('requests’ transactions run on it, as the application role, and it cannot leave that role', async () => {
    const who = await asOfficer((tx) => tx.one<{ login: string; role: string }>(sql`SELECT session_user::text AS login, current_user::text AS role`));
    expect(who).toEqual({ login: new URL(appUrl).username, role: 'lintas_app' });
    // RESET ROLE lands on the login itself: no secret, no other member's record, no owner to become.
    await expect(asOfficer(async (tx) => {
      await tx.query(sql`RESET ROLE`);
      return tx.query(sql`SELECT * FROM lintas_secrets.context_key`);
    })).rejects.toThrow(/permission denied/);
    await expect(asOfficer(async (tx) => {
      await tx.query(sql`RESET ROLE`);
      return tx.query(sql`SELECT process_inner_key FROM lintas_secrets.context_key`);
    })).rejects.toThrow(/permission denied/);
    const owner = (await admin.query<{ owner: string }>(`SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE oid = 'public.audit_log'::regclass`)).rows[0]!.owner;
    await expect(asOfficer((tx) => tx.query(sql`SET ROLE ${sql.ident(owner)}`))).rejects.toThrow(/permission denied/);
    expect(await asOfficer(async (tx) => {
      await tx.query(sql`RESET ROLE`);
      return tx.query(sql`SELECT id FROM library_documents WHERE id = ${hidden}`);
    })).toEqual([]);
    await expect(asOfficer(async (tx) => {
      await tx.query(sql`RESET ROLE`);
      return tx.query(sql`SELECT lintas_begin('BBB', '')`);
    })).rejects.toThrow(/permission denied/);
    await expect(asOfficer(async (tx) => {
      await tx.query(sql`RESET ROLE`);
      return tx.query(sql`SELECT audit_append(${JSON.stringify([{ member: 'BBB', action: 'test.forged' }])}::jsonb)`);
    })).rejects.toThrow(/must name the member and user/);
  });

  test('a forged proof, one for another backend, and one already spent are refused; only the key’s holder seals a member', async () => {
    const k = await key();
    // Each attempt learns its backend and counter in its own transaction: a refused proof closes the connection.
    const attempt = (count: bigint, proof: (pid: number, counter: number) => string, counterOf = (counter: number) => counter) => asOfficer(async (tx) => {
      const { pid, counter } = await here(tx);
      await tx.query(sql`SELECT lintas_begin_proven('BBB', '', ${counterOf(counter)}::oid, ${String(count)}::bigint, ${proof(pid, counter)})`);
      return tx.query<{ id: string }>(sql`SELECT id FROM library_documents WHERE id = ${hidden}`);
    });
    const fresh = 9223372036854775000n;
    await expect(attempt(fresh, () => 'f'.repeat(64))).rejects.toThrow(/not proven by the serving process/);
    // The right key, for another backend.
    await expect(attempt(fresh, (pid, counter) => prove(k, 'BBB', '', pid + 1, counter, fresh))).rejects.toThrow(/not proven/);
    // The right key and backend, naming a relation that is not the session's counter (proof and all).
    await expect(attempt(fresh, (pid) => prove(k, 'BBB', '', pid, 1259, fresh), () => 1259)).rejects.toThrow(/no session of the serving process/);
    // A count already spent on this connection (its start is random, so every low count is).
    await expect(attempt(1n, (pid, counter) => prove(k, 'BBB', '', pid, counter, 1n))).rejects.toThrow(/spent on this connection already/);
    // The key's holder can: a proof for this backend and counter at a fresh count seals BBB, and BBB's record shows.
    expect(await attempt(fresh, (pid, counter) => prove(k, 'BBB', '', pid, counter, fresh))).toEqual([{ id: hidden }]);
  });

  test('a proof seen going by in pg_stat_activity is refused on the connection that saw it and, later, on the one it was for', async () => {
    const a = await single();
    const b = await single();
    let text = '';
    // A's transaction for BBB runs a while; B, in a transaction of AAA's officer, reads its text.
    const running = a.transaction({ member: 'BBB' }, (tx) => tx.query(sql`SELECT pg_sleep(1.5)`));
    for (let i = 0; i < 100 && !text; i++) {
      // As the login (the application role is not let see its connections' statements).
      const rows = await asOfficer(async (tx) => {
        await tx.query(sql`RESET ROLE`);
        return tx.query<{ query: string }>(sql`SELECT query FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE '%lintas_begin_proven(''BBB''%'`);
      }, b);
      text = rows[0]?.query ?? '';
      if (!text) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(text).toMatch(/lintas_begin_proven\('BBB', '', \d+, \d+, '[0-9a-f]{64}'\)/);
    const call = /lintas_begin_proven\([^)]*\)/.exec(text)![0];
    const replay = (db: PostgresDatabase) => asOfficer(async (tx) => {
      await tx.query(sql.raw(`SELECT ${call}`));
      return tx.query(sql`SELECT id FROM library_documents WHERE id = ${hidden}`);
    }, db);
    // On B: the proof is for A's backend (or its count is below B's own, each starting at random).
    await expect(replay(b)).rejects.toThrow(/not proven|spent/);
    await running;
    await expect(replay(a)).rejects.toThrow(/spent/);
  });

  test('a connection whose count was dropped and replaced is refused, closed, and the next transaction gets a new one', async () => {
    const k = await key();
    const db = await single();
    await expect(asOfficer(async (tx) => {
      await tx.query(sql`DISCARD TEMP`);
      await tx.query(sql`CREATE TEMPORARY SEQUENCE lintas_session START WITH 1`);
      // Even with a proof for it, made with the key: the counter is not the owner's.
      const { pid, counter } = await here(tx);
      return tx.query(sql`SELECT lintas_begin_proven('BBB', '', ${counter}::oid, 2, ${prove(k, 'BBB', '', pid, counter, 2n)})`);
    }, db)).rejects.toThrow(/no session of the serving process/);
    // Committed this time: the connection's next transaction is refused and the connection closed.
    const { pid } = await asOfficer(async (tx) => {
      await tx.query(sql`DISCARD TEMP`);
      await tx.query(sql`CREATE TEMPORARY SEQUENCE lintas_session START WITH 1`);
      return tx.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
    }, db);
    await expect(asOfficer((tx) => tx.query(sql`SELECT 1`), db)).rejects.toThrow(/no session of the serving process/);
    const next = await asOfficer((tx) => tx.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`), db);
    expect(next.pid).not.toBe(pid);
  });

  test('a count spent ahead by a statement costs that connection one refused transaction, then it is replaced', async () => {
    const db = await single();
    const { pid } = await asOfficer(async (tx) => {
      await tx.query(sql`SELECT lintas_session_spend(9223372036854775000)`);
      return tx.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`);
    }, db);
    await expect(asOfficer((tx) => tx.query(sql`SELECT 1`), db)).rejects.toThrow(/spent on this connection already/);
    const next = await asOfficer((tx) => tx.one<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`), db);
    expect(next.pid).not.toBe(pid);
  });

  test('a temporary table or a search path left on a pooled connection shadows none of the platform’s tables', async () => {
    const db = await single();
    await asOfficer(async (tx) => {
      await tx.query(sql`CREATE TEMPORARY TABLE library_documents (id uuid, title text)`);
      await tx.query(sql`INSERT INTO pg_temp.library_documents VALUES (${hidden}, 'planted')`);
      await tx.query(sql`SET SESSION search_path = pg_temp, public`);
    }, db);
    // The next transaction on that connection, for BBB, reads the real table.
    const seen = await db.transaction({ member: 'BBB' }, (tx) => tx.query<{ title: string }>(sql`SELECT title FROM library_documents WHERE id = ${hidden}`));
    expect(seen).toEqual([{ title: 'only for BBB' }]);
  });

  test('a failed transaction (a text refused whole, its begin never run) leaves the connection working, its count spent', async () => {
    const db = await single();
    await expect(asOfficer((tx) => tx.query(sql`SELECT ${'a\0b'}::text`), db)).rejects.toThrow();
    await expect(asOfficer((tx) => tx.query(sql`SELEC 1`), db)).rejects.toThrow(/syntax/);
    expect(await asOfficer((tx) => tx.query(sql`SELECT 1 AS one`), db)).toEqual([{ one: 1 }]);
    expect(await db.read({ member: 'AAA' }, (tx) => tx.query(sql`SELECT 1 AS one`))).toEqual([{ one: 1 }]);
  });

  test('many transactions at once on a pool not yet checked, more than it has connections, all run', async () => {
    const db = await PostgresDatabase.open(ownerUrl, { appUrl, poolSize: 2 });
    opened.push(db);
    const ones = await Promise.all(Array.from({ length: 20 }, () => asOfficer((tx) => tx.one<{ one: number }>(sql`SELECT 1 AS one`), db)));
    expect(ones).toEqual(Array.from({ length: 20 }, () => ({ one: 1 })));
  });

  test('a read’s statements, each a transaction of its own, are each proven with a count of their own', async () => {
    const db = await single();
    const seen = await db.read({ member: 'BBB' }, async (tx) => {
      const rows: unknown[] = [];
      for (let i = 0; i < 3; i++) rows.push(...(await tx.query(sql`SELECT title FROM library_documents WHERE id = ${hidden}`)));
      rows.push(...(await tx.query(sql`SELECT title FROM library_documents WHERE id = ${hidden}`.withGenericPlan())));
      return rows;
    });
    expect(seen).toEqual(Array.from({ length: 4 }, () => ({ title: 'only for BBB' })));
  });

  test('deploy/db-init.sh (the recipe\'s first start) makes a serving login that passes, with the password it was given', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-db-init-'));
    const password = `pw-${randomBytes(6).toString('hex')}'; DROP ROLE x; --`;
    try {
      writeFileSync(join(folder, 'password'), password);
      const owner = new URL(ownerUrl);
      const run = () => execFileSync('sh', [fileURLToPath(new URL('../../../deploy/db-init.sh', import.meta.url))], {
        env: { ...process.env, PGHOST: owner.hostname, PGPORT: owner.port || '5432', POSTGRES_USER: decodeURIComponent(owner.username), POSTGRES_DB: owner.pathname.slice(1), DB_SERVING_PASSWORD_FILE: join(folder, 'password') },
        stdio: 'pipe',
      });
      const before = (await admin.query(`SELECT 1 FROM pg_roles WHERE rolname = 'lintas_serving'`)).rowCount;
      run();
      if (!before) roles.push('lintas_serving'); // the server's, not the test database's: dropped after
      run(); // again: nothing but the password changes
      const made = (await admin.query(`SELECT rolsuper, rolbypassrls, rolcreaterole, rolcanlogin, rolpassword IS NOT NULL AS has_password FROM pg_authid WHERE rolname = 'lintas_serving'`)).rows;
      expect(made).toEqual([{ rolsuper: false, rolbypassrls: false, rolcreaterole: false, rolcanlogin: true, has_password: true }]);
      const url = new URL(ownerUrl);
      url.username = 'lintas_serving';
      const db = await PostgresDatabase.open(ownerUrl, { appUrl: url.toString(), poolSize: 1 });
      try {
        await db.checkLogins();
      } finally {
        await db.close();
      }
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  describe('a serving login that could act as the owner stops the start', () => {
    async function login(attributes: string, grants: string[]): Promise<string> {
      const name = `lintas_t_login_${randomBytes(4).toString('hex')}`;
      roles.push(name);
      await admin.query(`CREATE ROLE ${name} LOGIN ${attributes}`);
      for (const grant of grants) await admin.query(`GRANT ${grant} TO ${name}`);
      const url = new URL(ownerUrl);
      url.username = name;
      return url.toString();
    }

    async function check(url: string): Promise<void> {
      const db = await PostgresDatabase.open(ownerUrl, { appUrl: url, poolSize: 1 });
      try {
        await db.checkLogins();
      } finally {
        await db.close();
      }
    }

    test.each([
      ['a superuser', 'SUPERUSER', ['lintas_app'], /is a superuser/],
      ['BYPASSRLS', 'BYPASSRLS', ['lintas_app'], /has BYPASSRLS/],
      ['CREATEROLE', 'CREATEROLE', ['lintas_app'], /has CREATEROLE/],
      ['not in lintas_app', '', [], /is not a member of lintas_app \(GRANT lintas_app TO/],
      ['reads all data', '', ['lintas_app', 'pg_read_all_data'], /is a member of pg_read_all_data as well/],
    ] as const)('%s', async (_name, attributes, grants, message) => {
      await expect(check(await login(attributes, [...grants]))).rejects.toThrow(message);
    });

    test('the owner’s own login, and one to another database, are refused; a login in lintas_app alone passes', async () => {
      await expect(check(ownerUrl)).rejects.toThrow(/is a superuser|is a member of/);
      const elsewhere = new URL(appUrl);
      elsewhere.pathname = '/postgres';
      await expect(check(elsewhere.toString())).rejects.toThrow(/DATABASE_APP_URL/);
      await expect(check(await login('', ['lintas_app']))).resolves.toBeUndefined();
    });
  });
});

describe('DATABASE_APP_URL', () => {
  test('needs DATABASE_URL, and is held to the TLS rule as DATABASE_URL is', () => {
    expect(() => loadConfig({ DATABASE_APP_URL: 'postgres://serving@127.0.0.1/lintas' })).toThrow(/set DATABASE_URL too/);
    const owner = 'postgres://lintas@db.internal:5432/lintas?sslmode=verify-full';
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: owner, DATABASE_APP_URL: 'postgres://serving@db.internal:5432/lintas' }))
      .toThrow(/DATABASE_APP_URL asks for no sslmode.*add sslmode=verify-full to DATABASE_APP_URL/);
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: owner, DATABASE_APP_URL: 'postgres://serving@db.internal:5432/lintas?sslmode=verify-full' });
    expect(config).toMatchObject({ databaseAppUrl: 'postgres://serving@db.internal:5432/lintas?sslmode=verify-full', databaseTls: 'required' });
  });

  test('takes its password from DATABASE_APP_PASSWORD_FILE, written into the URL as node-postgres reads it back', () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-serving-'));
    try {
      const file = join(folder, 'db_serving_password');
      writeFileSync(file, 'p@ss/word:#?%\n');
      const env = { DATABASE_URL: 'postgres://lintas@127.0.0.1/lintas', DATABASE_APP_URL: 'postgres://serving@127.0.0.1/lintas', DATABASE_APP_PASSWORD_FILE: file };
      const url = loadConfig(env).databaseAppUrl!;
      // What node-postgres reads from it.
      const read = (new pg.Client({ connectionString: url }) as unknown as { connectionParameters: Record<string, unknown> }).connectionParameters;
      expect(read).toMatchObject({ user: 'serving', password: 'p@ss/word:#?%', host: '127.0.0.1', database: 'lintas' });
      expect(() => loadConfig({ ...env, DATABASE_APP_URL: 'postgres://serving:given@127.0.0.1/lintas' })).toThrow(/names a password already/);
      expect(() => loadConfig({ ...env, DATABASE_APP_PASSWORD_FILE: join(folder, 'missing') })).toThrow(/DATABASE_APP_PASSWORD_FILE: cannot read/);
      expect(() => loadConfig({ DATABASE_URL: env.DATABASE_URL, DATABASE_APP_PASSWORD_FILE: file })).toThrow(/set DATABASE_APP_URL too/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
