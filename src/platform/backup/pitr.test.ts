import { appendFileSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { findPgTool, run } from './pg-tools.js';

// Point-in-time recovery on a PostgreSQL server, as docs/operations.md tells it: a throwaway cluster
// archiving its WAL, a base backup, act A, a moment, act B; recovery to that moment has A and not B.
// The server leg only; the cluster listens on a socket in its own folder (no TCP port).

function tools(): { initdb: string; pgCtl: string; pgBasebackup: string } | string {
  try {
    return { initdb: findPgTool('initdb', process.env), pgCtl: findPgTool('pg_ctl', process.env), pgBasebackup: findPgTool('pg_basebackup', process.env) };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

const found = TEST_DB_KIND === 'postgres' ? tools() : 'the PostgreSQL leg only';
if (typeof found === 'string' && TEST_DB_KIND === 'postgres') console.warn(`point-in-time recovery test skipped: ${found}`);

describe.runIf(typeof found !== 'string')('point-in-time recovery with WAL archiving', () => {
  let root = '';
  const port = '5999';
  const clusters: string[] = [];
  let asPostgres: (program: string, args: string[]) => Promise<string>;

  afterAll(async () => {
    for (const data of clusters) await asPostgres(pgCtl(), ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const pgCtl = (): string => (typeof found === 'string' ? '' : found.pgCtl);

  const connect = async (): Promise<pg.Client> => {
    const client = new pg.Client({ host: root, port: Number(port), user: 'postgres', database: 'postgres' });
    await client.connect();
    return client;
  };

  test('restores to a moment between two acts: the first is there, the second is not', async () => {
    if (typeof found === 'string') return;
    root = mkdtempSync(join(tmpdir(), 'lintas-pitr-'));
    // As root, PostgreSQL's programs run as the postgres user, who is given the folder.
    if (process.getuid?.() === 0) {
      const uid = Number((await run('id', ['-u', 'postgres'])).trim());
      const gid = Number((await run('id', ['-g', 'postgres'])).trim());
      chownSync(root, uid, gid);
      asPostgres = (program, args) => run('runuser', ['-u', 'postgres', '--', program, ...args]);
    } else {
      asPostgres = (program, args) => run(program, args);
    }
    const primary = join(root, 'primary');
    const archive = join(root, 'archive');
    const base = join(root, 'base');
    await asPostgres('mkdir', ['-p', archive]);
    await asPostgres(found.initdb, ['-D', primary, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    appendFileSync(
      join(primary, 'postgresql.conf'),
      `listen_addresses = ''\nunix_socket_directories = '${root}'\nport = ${port}\nfsync = off\n` +
        `wal_level = replica\narchive_mode = on\narchive_command = 'test ! -f ${archive}/%f && cp %p ${archive}/%f'\n`,
    );
    await asPostgres(found.pgCtl, ['-D', primary, '-l', join(root, 'primary.log'), '-w', 'start']);
    clusters.push(primary);

    await asPostgres(found.pgBasebackup, ['-h', root, '-p', port, '-U', 'postgres', '-D', base, '-X', 'stream', '-c', 'fast']);
    const client = await connect();
    await client.query(`CREATE TABLE acts (name text); INSERT INTO acts VALUES ('A')`);
    const moment = (await client.query<{ at: string }>('SELECT clock_timestamp()::text AS at')).rows[0]?.at ?? '';
    await client.query(`INSERT INTO acts VALUES ('B')`);
    // Close the WAL segment holding B and wait until it is archived.
    const segment = (await client.query<{ name: string }>('SELECT pg_walfile_name(pg_switch_wal()) AS name')).rows[0]?.name;
    await vi.waitUntil(async () => (await client.query<{ last: string | null }>('SELECT last_archived_wal AS last FROM pg_stat_archiver')).rows[0]?.last === segment, { timeout: 15_000, interval: 50 });
    await client.end();
    await asPostgres(found.pgCtl, ['-D', primary, '-m', 'fast', '-w', 'stop']);
    clusters.splice(clusters.indexOf(primary), 1);

    // The recovery: the base backup, the archive, the moment.
    const restored = join(root, 'restored');
    await asPostgres('cp', ['-a', base, restored]);
    writeFileSync(join(restored, 'recovery.signal'), '');
    appendFileSync(
      join(restored, 'postgresql.auto.conf'),
      `archive_mode = off\nrestore_command = 'cp ${archive}/%f %p'\nrecovery_target_time = '${moment}'\nrecovery_target_action = 'promote'\n`,
    );
    await asPostgres(found.pgCtl, ['-D', restored, '-l', join(root, 'restored.log'), '-w', 'start']);
    clusters.push(restored);
    const after = await connect();
    try {
      await vi.waitUntil(async () => (await after.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r')).rows[0]?.r === false, { timeout: 15_000, interval: 50 });
      const { rows } = await after.query<{ name: string }>('SELECT name FROM acts ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(['A']);
    } finally {
      await after.end();
    }
  }, 60_000);
});
