import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../test/support/db.js';
import { TEST_SHARED_BUFFERS_MB } from '../test/support/processes.js';
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
  config = { ...loadConfig({ LINTAS_PGLITE_SHARED_BUFFERS_MB: TEST_SHARED_BUFFERS_MB }), dataDir: folder, databaseUrl: server?.url };
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
  expect(added.out).toMatch(/reset-password#token=[A-Za-z0-9_-]{40,}/);
  const listed = await lintas('user', 'list', '--member', 'NZL');
  expect(listed.out).toMatch(/new\.officer@nzl\.example\s+NZL\s+officer,liaison/);
  expect((await lintas('user', 'add', '--member', 'NZL', '--email', 'x@y.z', '--name', 'X', '--roles', 'pilot')).code).toBe(2);
  // ASVS 2.1.7: a common password is refused, writing nothing; a strong one is taken.
  const weak = await lintas('user', 'add', '--member', 'NZL', '--email', 'weak@nzl.example', '--name', 'Weak', '--roles', 'officer', '--password', 'password1234');
  expect(weak).toMatchObject({ code: 2, err: expect.stringMatching(/--password: this password is (among the most common|too easy to guess)/) });
  expect((await lintas('user', 'list', '--member', 'NZL')).out).not.toMatch(/weak@nzl\.example/);
  expect(await lintas('user', 'add', '--member', 'NZL', '--email', 'strong@nzl.example', '--name', 'Strong', '--roles', 'officer', '--password', 'tidal ferry lantern quietly'))
    .toMatchObject({ code: 0, out: 'User created.' });
  expect((await lintas('user', 'totp-code', '--email', 'officer@aus.demo')).out).toMatch(/^\d{6}$/);
  expect((await lintas('user', 'totp-code', '--email', 'analyst@aus.demo')).code).toBe(2);
  // A lost second factor, reset by the operator once the person was proofed: refused without a
  // proofing of some length, then the factor and sessions go and the audit row says how.
  const proofing = 'Seen in person at the Canberra office with a passport';
  expect((await lintas('user', 'second-factor-reset', '--email', 'officer@aus.demo', '--proofing', 'ok')).code).toBe(2);
  expect(await lintas('user', 'second-factor-reset', '--email', 'officer@aus.demo', '--proofing', proofing)).toMatchObject({ code: 0, out: expect.stringMatching(/^Second factor reset/) });
  expect(await lintas('user', 'second-factor-reset', '--email', 'officer@aus.demo', '--proofing', proofing)).toMatchObject({ code: 2, err: expect.stringMatching(/no second factor to reset/) });
  const db = await openDatabase(config);
  try {
    const after = await db.ownerTransaction((tx) => tx.one<{ enabled: boolean; details: unknown }>(sql`
      SELECT u.totp_enabled AS enabled, (SELECT details FROM audit_log WHERE action = 'user.second-factor-reset' AND object_id = u.id::text) AS details
      FROM users u WHERE u.email = 'officer@aus.demo'`));
    expect(after).toEqual({ enabled: false, details: { via: 'cli', proofing } });
  } finally {
    await db.close();
  }
});

test('member add creates a member on the record; a bad code, kind or a duplicate is refused, writing nothing', async () => {
  const added = await lintas('member', 'add', 'ZZL', '--name', 'Testland', '--kind', 'state');
  expect(added.code).toBe(0);
  expect(added.out).toMatch(/Member ZZL created/);
  expect((await lintas('member', 'add', 'UN-X', '--name', 'Observer body', '--kind', 'organisation', '--status', 'observer')).code).toBe(0);
  const duplicate = await lintas('member', 'add', 'ZZL', '--name', 'Testland again', '--kind', 'state');
  expect(duplicate).toMatchObject({ code: 2 });
  expect(duplicate.err).toMatch(/a member with code ZZL exists already/);
  expect((await lintas('member', 'add', 'b@d', '--name', 'X', '--kind', 'state')).err).toMatch(/bad member code/);
  expect((await lintas('member', 'add', 'BAD CODE', '--name', 'X', '--kind', 'state')).code).toBe(2);
  expect((await lintas('member', 'add', 'XYZ', '--name', 'X', '--kind', 'country')).code).toBe(2);
  expect((await lintas('member', 'add', 'XYZ', '--kind', 'state')).code).toBe(2);
  expect((await lintas('user', 'add', '--member', 'ZZL', '--email', 'admin@zzl.example', '--name', 'Admin', '--roles', 'member-admin')).code).toBe(0);

  const db = await openDatabase(config);
  try {
    const rows = await db.ownerTransaction(async (tx) => ({
      members: await tx.query<{ code: string; name: string; kind: string; status: string }>(sql`SELECT code, name, kind, status FROM members WHERE code IN ('ZZL', 'UN-X', 'XYZ', 'BAD CODE') ORDER BY code`),
      audit: await tx.query<{ object_id: string }>(sql`SELECT object_id FROM audit_log WHERE action = 'member.create' AND object_id IN ('ZZL', 'UN-X', 'XYZ') ORDER BY seq`),
    }));
    expect(rows.members).toEqual([
      { code: 'UN-X', name: 'Observer body', kind: 'organisation', status: 'observer' },
      { code: 'ZZL', name: 'Testland', kind: 'state', status: 'member' },
    ]);
    expect(rows.audit).toEqual([{ object_id: 'ZZL' }, { object_id: 'UN-X' }]);
  } finally {
    await db.close();
  }
});

test('reports import and export run as a named user of the member, whom the audit rows name', async () => {
  const file = join(folder, 'reports.csv');
  writeFileSync(file, 'external_id,incident_type,country,date_from,dead\nCLI-1,smuggling-sea,AUS,2024-01-02,1\nCLI-2,smuggling-land,AUS,2024-02-03,0\n');
  const as = ['--member', 'AUS', '--as', 'officer@aus.demo'];
  const sharing = ['--audience', 'all', '--tlp', 'GREEN'];
  const dry = await lintas('reports', 'import', ...as, '--dry-run', ...sharing, file);
  expect(dry).toMatchObject({ code: 0 });
  expect(dry.out).toMatch(/Dry run \(nothing written\): would import 2, updated 0, unchanged 0, rejected 0 of 2 rows/);
  expect((await lintas('reports', 'import', ...as, ...sharing, file)).out).toMatch(/^Imported 2, updated 0, unchanged 0, rejected 0 of 2 rows/);
  expect((await lintas('reports', 'import', ...as, ...sharing, file)).out).toMatch(/^Imported 0, updated 0, unchanged 2, rejected 0 of 2 rows/);

  // Refused: every bad row named with its column; nothing written.
  const bad = join(folder, 'bad-reports.csv');
  writeFileSync(bad, 'external_id,incident_type,country,dead\nCLI-3,smuggling-sea,AUS,-1\nCLI-4,smuggling-sea,AUS,2\n');
  const refused = await lintas('reports', 'import', ...as, ...sharing, bad);
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/row 2, column dead: must not be negative/);
  const partial = await lintas('reports', 'import', ...as, ...sharing, '--partial', bad);
  expect(partial).toMatchObject({ code: 0 });
  expect(partial.out).toMatch(/^Imported 1, updated 0, unchanged 0, rejected 1 of 2 rows/);

  // Who may: a user of the member with a role that imports.
  expect((await lintas('reports', 'import', '--member', 'IDN', '--as', 'officer@aus.demo', ...sharing, file)).code).toBe(2);
  expect((await lintas('reports', 'import', '--member', 'AUS', '--as', 'approver@aus.demo', ...sharing, file)).err).toMatch(/may not import/);
  expect((await lintas('reports', 'import', ...as, file.replace('.csv', '-missing.csv'))).code).toBe(2);

  const csv = join(folder, 'export.csv');
  const exported = await lintas('reports', 'export', '--member', 'AUS', '--as', 'analyst@aus.demo', '--format', 'csv', '--out', csv);
  expect(exported.code).toBe(0);
  const text = readFileSync(csv, 'utf8');
  expect(text.split('\r\n')[0]).toMatch(/^\uFEFFexternal_id,incident_type,/);
  expect(text).toContain('CLI-1,smuggling-sea');
  const xlsx = join(folder, 'export.xlsx');
  expect((await lintas('reports', 'export', ...as, '--format', 'xlsx', '--out', xlsx)).code).toBe(0);
  expect(readFileSync(xlsx).subarray(0, 2).toString()).toBe('PK');

  const db = await openDatabase(config);
  try {
    const rows = await db.ownerTransaction((tx) =>
      tx.query<{ action: string; email: string; member: string }>(sql`
        SELECT a.action, u.email, a.member FROM audit_log a JOIN users u ON u.id = a.user_id
        WHERE a.action IN ('reports.import', 'reports.export') AND a.request_id LIKE 'cli-%' ORDER BY a.seq`),
    );
    expect(rows).toEqual([
      { action: 'reports.import', email: 'officer@aus.demo', member: 'AUS' },
      { action: 'reports.import', email: 'officer@aus.demo', member: 'AUS' },
      { action: 'reports.import', email: 'officer@aus.demo', member: 'AUS' },
      { action: 'reports.export', email: 'analyst@aus.demo', member: 'AUS' },
      { action: 'reports.export', email: 'officer@aus.demo', member: 'AUS' },
    ]);
  } finally {
    await db.close();
  }
});

test('reports import prints the date shapes read and every warning; --date-order reads numbers-only dates', async () => {
  const as = ['--member', 'AUS', '--as', 'officer@aus.demo', '--audience', 'all', '--tlp', 'GREEN'];
  const later = new URL('../test/fixtures/reports/mmp-later-layout.csv', import.meta.url).pathname;
  const dry = await lintas('reports', 'import', ...as, '--format', 'missing-migrants', '--dry-run', later);
  expect(dry.out).toMatch(/would import 4, updated 0, unchanged 0, rejected 1 of 5 rows/);
  expect(dry.out).toContain('  Reported Date: 5 date(s) read as D-Mon-YY');
  expect(dry.out).toContain('  row 2, column Location Description (warning): repaired text that was UTF-8 read as Windows-1252: "Hospital General de Ciudad JuÃ¡rez');
  expect(dry.out).toMatch(/row 6, column Latitude: is empty/);

  const file = join(folder, 'numbers-only.csv');
  writeFileSync(file, 'external_id,incident_type,country,date_from\nCLI-D1,smuggling-sea,AUS,02/03/2024\n');
  expect((await lintas('reports', 'import', ...as, '--dry-run', file)).out).toMatch(/row 2, column date_from: .*day or the month comes first/);
  const read = await lintas('reports', 'import', ...as, '--dry-run', '--date-order', 'month-first', file);
  expect(read.out).toContain('  date_from: 1 date(s) read as MM/DD/YYYY');
  expect((await lintas('reports', 'import', ...as, '--date-order', 'sideways', file)).code).toBe(2);
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
