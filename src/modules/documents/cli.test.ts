import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test, vi } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { main } from '../../cli.js';
import { loadConfig, type Config } from '../../platform/config.js';
import { openDatabase } from '../../platform/db/open.js';
import { sql } from '../../platform/db/sql.js';

/** `lintas documents import | cancel | snapshot | check-offline`, on a database the command opens itself. */

let config: Config;
let server: TestDatabase | undefined;
let folder: string;
const fixture = (name: string): string => fileURLToPath(new URL(`../../../test/fixtures/documents/${name}`, import.meta.url));

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'lintas-documents-cli-'));
  if (TEST_DB_KIND === 'postgres') {
    server = await openTestDatabase();
    await server.db.close();
  } else {
    await makeTestDataFolder(folder);
  }
  config = { ...loadConfig({}), dataDir: folder, databaseUrl: server?.url };
  const db = await openDatabase(config);
  await db.ownerTransaction((tx) => tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('UTO', 'Utopia', 'state', 'member'), ('AUS', 'Australia', 'state', 'member')`));
  await db.close();
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

test('import, cancel, snapshot and check offline from the command line', async () => {
  const bad = await lintas('documents', 'import', '--member', 'UTO', fixture('register-bad-rows.csv'));
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/row 3, column issuer: unknown issuer "ZZZ"/);
  const imported = await lintas('documents', 'import', '--member', 'UTO', fixture('register-semicolon-bom.csv'));
  expect(imported).toMatchObject({ code: 0 });
  expect(imported.out).toMatch(/Imported 8 rows: 8 added/);
  expect((await lintas('documents', 'import', '--member', 'UTO', fixture('register-semicolon-bom.csv'))).out).toMatch(/0 added, 0 changed, 8 unchanged/);
  const cancelled = await lintas('documents', 'cancel', '--member', 'UTO', fixture('cancel-list.csv'));
  expect(cancelled.out).toMatch(/Cancelled 2; 0 were cancelled already; 1 not in the register/);

  const out = join(folder, 'aus.snapshot');
  const snapshot = await lintas('documents', 'snapshot', '--member', 'AUS', '--out', out);
  expect(snapshot.code, snapshot.err).toBe(0);
  expect(snapshot.out).toMatch(/Snapshot for AUS at version \d+: 6 documents/);
  expect(snapshot.out).toMatch(/BEGIN PUBLIC KEY/);
  const offline = (...document: string[]) => lintas('documents', 'check-offline', '--snapshot', out, '--public-key', `${out}.pub.pem`, ...document);
  expect((await offline('UTO', 'passport', 'AB100002')).out).toMatch(/HIT: UTO passport AB100002 is registered as lost/);
  expect((await offline('UTO', 'passport', 'AB100001')).out).toMatch(/no hit/);
  expect((await offline('uto', 'visa', 'v 100 005')).out).toMatch(/HIT: UTO visa V100005/);
  const version = /version (\d+)/.exec(snapshot.out)?.[1] ?? '';

  // A delta since that version, applied on top.
  expect((await lintas('documents', 'cancel', '--member', 'UTO', fixture('register-cancel-one.csv'))).code).toBe(1);
  const db = await openDatabase(config);
  await db.transaction({ member: 'UTO' }, (tx) => tx.query(sql`UPDATE travel_documents SET state = 'cancelled' WHERE number = 'V100005'`));
  await db.close();
  const delta = await lintas('documents', 'snapshot', '--member', 'AUS', '--out', `${out}.delta`, '--since', version);
  expect(delta.out).toMatch(new RegExp(`Delta since ${version} for AUS at version \\d+: 0 documents, 1 removed`));
  const withDelta = await lintas('documents', 'check-offline', '--snapshot', out, '--delta', `${out}.delta`, '--public-key', `${out}.pub.pem`, 'UTO', 'visa', 'V100005');
  expect(withDelta.out).toMatch(/no hit/);

  // A tampered snapshot is refused.
  const tampered = readFileSync(out);
  tampered[40] = (tampered[40] ?? 0) ^ 0xff;
  writeFileSync(out, tampered);
  const refused = await offline('UTO', 'passport', 'AB100002');
  expect(refused.code).toBe(1);
  expect(refused.err).toMatch(/refused: .*signature/);
  // Usage errors.
  expect((await lintas('documents', 'snapshot', '--member', 'AUS')).code).toBe(2);
  expect((await lintas('documents', 'snapshot', '--member', 'AUS', '--out', out, '--since', '999999')).code).toBe(2);
});
