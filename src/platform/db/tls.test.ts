// The database connection over TLS (ASVS 9.2.2, 1.9.1, 1.9.2): LINTAS_DATABASE_TLS, and what
// sslmode=verify-full does on both clients Lintas uses (node-postgres for everything it runs, libpq
// for pg_dump and pg_restore in backups), against a server that speaks TLS (test/support/tls.ts).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { makeCertificates, startPgTlsProxy, type TlsProxy } from '../../../test/support/tls.js';
import { findPgTool } from '../backup/pg-tools.js';
import { loadConfig } from '../config.js';
import { PostgresDatabase } from './postgres.js';
import { sql } from './sql.js';

describe('LINTAS_DATABASE_TLS', () => {
  const remote = 'postgres://lintas@db.example.org:5432/lintas';

  test('in production a database on another machine must be asked for sslmode=verify-full, or the process does not start', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: remote })).toThrow(/asks for no sslmode.*add sslmode=verify-full/);
    for (const mode of ['disable', 'prefer', 'require', 'verify-ca', 'no-verify']) {
      expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: `${remote}?sslmode=${mode}` })).toThrow(new RegExp(`asks for sslmode=${mode}`));
    }
    expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: `${remote}?sslmode=verify-full&sslrootcert=/run/secrets/internal_ca` }).databaseTls).toBe('required');
  });

  test('a database on this machine (loopback, a socket), or any outside production, may be plain unless it is asked for', () => {
    for (const url of ['postgres://postgres@127.0.0.1:5432/lintas', 'postgres://postgres@localhost/lintas', 'postgres://postgres@[::1]:5432/lintas', 'postgres:///lintas?host=/var/run/postgresql']) {
      expect(loadConfig({ NODE_ENV: 'production', DATABASE_URL: url }).databaseTls, url).toBe('off');
    }
    expect(loadConfig({ DATABASE_URL: remote }).databaseTls).toBe('off');
    expect(() => loadConfig({ LINTAS_DATABASE_TLS: 'required', DATABASE_URL: 'postgres://postgres@127.0.0.1/lintas' })).toThrow(/LINTAS_DATABASE_TLS=required/);
    expect(loadConfig({ NODE_ENV: 'production', LINTAS_DATABASE_TLS: 'off', DATABASE_URL: remote }).databaseTls).toBe('off');
    // The embedded database has no connection to protect.
    expect(loadConfig({ NODE_ENV: 'production', LINTAS_DATABASE_TLS: 'required' }).databaseTls).toBe('required');
  });

  test('a setting or an address it cannot read is refused by name', () => {
    expect(() => loadConfig({ LINTAS_DATABASE_TLS: 'yes' })).toThrow(/LINTAS_DATABASE_TLS must be required or off, got "yes"/);
    expect(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'lintas on db' })).toThrow(/DATABASE_URL must be a URL/);
  });
});

describe.skipIf(TEST_DB_KIND !== 'postgres')('a database that speaks TLS', () => {
  let t: TestDatabase;
  let certificates: ReturnType<typeof makeCertificates>;
  let stranger: ReturnType<typeof makeCertificates>;
  let proxy: TlsProxy;
  let misnamed: TlsProxy;

  beforeAll(async () => {
    t = await openTestDatabase();
    const server = new URL(t.url as string);
    const upstream = { host: server.hostname, port: Number(server.port || 5432) };
    certificates = makeCertificates(['localhost', 'db.example.org']);
    stranger = makeCertificates(['localhost']);
    proxy = await startPgTlsProxy(upstream, certificates.of('localhost'));
    misnamed = await startPgTlsProxy(upstream, certificates.of('db.example.org'));
  });
  afterAll(async () => {
    await proxy?.close();
    await misnamed?.close();
    certificates?.remove();
    stranger?.remove();
    await t?.close();
  });

  /** The test database through `port` on localhost, with `params`. */
  const through = (port: number, params: Record<string, string>): string => {
    const url = new URL(t.url as string);
    url.hostname = 'localhost';
    url.port = String(port);
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.toString();
  };

  test('with sslmode=verify-full and the authority that signed the certificate, transactions and LISTEN go over TLS', async () => {
    const url = through(proxy.port, { sslmode: 'verify-full', sslrootcert: certificates.caFile });
    expect(loadConfig({ NODE_ENV: 'production', LINTAS_DATABASE_TLS: 'required', DATABASE_URL: url }).databaseTls).toBe('required');
    const before = { ...proxy.counts };
    const db = await PostgresDatabase.open(url, { poolSize: 2 });
    try {
      expect(await db.ownerTransaction((tx) => tx.one(sql`SELECT count(*)::int > 0 AS migrated FROM schema_migrations`))).toEqual({ migrated: true });
      const heard: string[] = [];
      const listener = await db.listen('lintas_tls_test', (payload) => heard.push(payload));
      await db.ownerTransaction((tx) => tx.query(sql`SELECT pg_notify('lintas_tls_test', 'heard over TLS')`));
      await vi.waitFor(() => expect(heard).toEqual(['heard over TLS']));
      await listener.close();
    } finally {
      await db.close();
    }
    expect(proxy.counts.tls - before.tls).toBeGreaterThanOrEqual(2); // the pool's connection and the listener's
    expect(proxy.counts.plain - before.plain).toBe(0);
  });

  test('a certificate another authority signed is refused, and so is one for another name', async () => {
    await expect(PostgresDatabase.open(through(proxy.port, { sslmode: 'verify-full', sslrootcert: stranger.caFile }), { poolSize: 1 })).rejects.toThrow(/unable to verify|self.signed/);
    await expect(PostgresDatabase.open(through(misnamed.port, { sslmode: 'verify-full', sslrootcert: certificates.caFile }), { poolSize: 1 })).rejects.toThrow(/does not match|altnames/);
  });

  test('a server that does not speak TLS is refused, and a plain client is refused by one that requires it', async () => {
    const plainServer = new URL(t.url as string);
    plainServer.searchParams.set('sslmode', 'verify-full');
    await expect(PostgresDatabase.open(plainServer.toString(), { poolSize: 1 })).rejects.toThrow(/does not support SSL/);
    const before = proxy.counts.plain;
    await expect(PostgresDatabase.open(through(proxy.port, {}), { poolSize: 1 })).rejects.toThrow();
    expect(proxy.counts.plain).toBe(before + 1);
  });

  test('pg_dump (libpq, as backups run it) checks the certificate the same way', async () => {
    const pgDump = findPgTool('pg_dump', process.env);
    const dump = (url: string) => promisify(execFile)(pgDump, ['--schema-only', '--table=schema_migrations', '--no-password', `--dbname=${url}`]);
    const { stdout } = await dump(through(proxy.port, { sslmode: 'verify-full', sslrootcert: certificates.caFile }));
    expect(stdout).toContain('CREATE TABLE public.schema_migrations');
    await expect(dump(through(proxy.port, { sslmode: 'verify-full', sslrootcert: stranger.caFile }))).rejects.toThrow(/certificate verify failed/);
    await expect(dump(through(misnamed.port, { sslmode: 'verify-full', sslrootcert: certificates.caFile }))).rejects.toThrow(/does not match host name/);
  });
});
