import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../test/support/db.js';
import { runLintas, spawnServer, type ServerProcess } from '../test/support/processes.js';
import { DEMO_PASSWORD } from './demo/seed.js';
import { PgliteDatabase } from './platform/db/pglite.js';
import { sql } from './platform/db/sql.js';

// ASVS 2.5.4 / 14.2.2: no default accounts unless asked. `lintas serve` (run as a user runs it, with
// NODE_ENV=production like the image) loads the demo only with --demo, on either database.

let folder: string;
let database: TestDatabase | undefined;
let env: Record<string, string>;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), 'lintas-serve-demo-'));
  if (TEST_DB_KIND === 'postgres') database = await openTestDatabase();
  else await makeTestDataFolder(folder);
  env = database ? { DATABASE_URL: database.url!, LINTAS_DATA: folder } : { LINTAS_DATA: folder };
}, 120_000);
afterEach(async () => {
  await database?.close();
  database = undefined;
  rmSync(folder, { recursive: true, force: true });
});

/** The users the database holds, read once the server stopped (the embedded folder is one process's). */
async function userCount(): Promise<number> {
  const count = sql`SELECT count(*)::int AS n FROM users`;
  if (database) return (await database.db.ownerTransaction((tx) => tx.one<{ n: number }>(count))).n;
  const db = await PgliteDatabase.open(folder);
  try {
    return (await db.ownerTransaction((tx) => tx.one<{ n: number }>(count))).n;
  } finally {
    await db.close();
  }
}

const signIn = (server: ServerProcess): Promise<Response> =>
  fetch(`${server.url}/api/v1/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'analyst@aus.demo', password: DEMO_PASSWORD }) });

test('serve without --demo on an empty database loads no users and prints no sign-ins', async () => {
  const server = await spawnServer([], env);
  try {
    expect((await signIn(server)).status).toBe(401);
    expect(server.output()).not.toMatch(/Demo|aus\.demo/);
  } finally {
    await server.stop();
  }
  expect(await userCount()).toBe(0);
}, 180_000);

test('serve --demo on an empty database loads the demo users (on a PostgreSQL server in production only when allowed)', async () => {
  if (database) {
    const refused = await runLintas(['serve', '--demo'], env);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/--demo refused: .*LINTAS_ALLOW_DEMO=true/);
    expect(await userCount()).toBe(0);
  }
  const server = await spawnServer(['--demo'], database ? { ...env, LINTAS_ALLOW_DEMO: 'true' } : env);
  try {
    expect(server.output()).toMatch(/Demo data loaded/);
    expect((await signIn(server)).status).toBe(200);
  } finally {
    await server.stop();
  }
  expect(await userCount()).toBeGreaterThan(5);
}, 240_000);
