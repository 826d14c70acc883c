import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../test/support/db.js';
import { main } from './cli.js';
import { loadConfig, type Config } from './platform/config.js';
import { openDatabase } from './platform/db/open.js';
import { sql } from './platform/db/sql.js';

let config: Config;
let server: TestDatabase | undefined;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'lintas-cli-'));
  if (TEST_DB_KIND === 'postgres') {
    server = await openTestDatabase();
    await server.db.close();
  } else {
    await makeTestDataFolder(folder);
  }
  config = { ...loadConfig({}), dataDir: folder, databaseUrl: server?.url };
});
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  if (server) await server.close().catch(() => undefined);
});

async function lintas(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    const code = await main(args, config);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

test('migrate, seed, user add and list', async () => {
  expect((await lintas('migrate')).code).toBe(0);
  expect(await lintas('seed')).toMatchObject({ code: 0, out: 'Demo data loaded.' });
  const added = await lintas('user', 'add', '--member', 'NZL', '--email', 'New.Officer@nzl.example', '--name', 'New Officer', '--roles', 'officer,liaison');
  expect(added.code).toBe(0);
  expect(added.out).toMatch(/reset-password\?token=[A-Za-z0-9_-]{40,}/);
  const listed = await lintas('user', 'list', '--member', 'NZL');
  expect(listed.out).toMatch(/new\.officer@nzl\.example\s+NZL\s+officer,liaison/);
  expect((await lintas('user', 'add', '--member', 'NZL', '--email', 'x@y.z', '--name', 'X', '--roles', 'pilot')).code).toBe(2);
  expect((await lintas('user', 'totp-code', '--email', 'officer@aus.demo')).out).toMatch(/^\d{6}$/);
  expect((await lintas('user', 'totp-code', '--email', 'analyst@aus.demo')).code).toBe(2);
});

test('audit verify passes on an intact trail and exits 1 naming the row after tampering', async () => {
  const intact = await lintas('audit', 'verify');
  expect(intact.code).toBe(0);
  expect(intact.out).toMatch(/Audit trail intact: \d+ rows verified/);
  const db = await openDatabase(config);
  let seq = 0;
  try {
    seq = await db.ownerTransaction(async (tx) => {
      const row = await tx.one<{ seq: number }>(sql`SELECT min(seq)::int AS seq FROM audit_log`);
      await tx.execScript('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
      await tx.query(sql`UPDATE audit_log SET action = 'forged' WHERE seq = ${row.seq}`);
      await tx.execScript('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
      return row.seq;
    });
  } finally {
    await db.close();
  }
  const broken = await lintas('audit', 'verify');
  expect(broken.code).toBe(1);
  expect(broken.err).toContain(`row ${seq}`);
  expect(broken.err).toMatch(/edited/);
});

test('unknown commands and missing arguments are usage errors', async () => {
  expect((await lintas('launch')).code).toBe(2);
  expect((await lintas('user', 'add', '--member', 'AUS')).code).toBe(2);
  expect((await lintas('--help')).code).toBe(0);
});
