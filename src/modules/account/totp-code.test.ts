import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build } from '../../app.js';
import { totpCode } from '../../platform/auth/totp.js';
import { sql } from '../../platform/db/sql.js';
import type { App } from '../../platform/http/app.js';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../test/support/db.js';
import { DEMO_DATA_KEY, pgliteDemoDump, postgresDemoTemplate } from '../../../test/support/demo-template.js';
import { pointers, problem } from '../../../test/support/problem.js';
import { runLintas, spawnServer } from '../../../test/support/processes.js';
import { DEMO_TOTP_PATH, DEMO_TOTP_SECRET } from './demo-code.js';

// `lintas user totp-code`, run as a user runs it (a process of its own) while the server runs: the
// command the start banner prints works when pasted. On the embedded database the server holds the
// folder, so it answers, in demo mode only, from this machine only, and only for the published
// demo secret.

describe('the command beside a running server', () => {
  let folder: string;
  let database: TestDatabase | undefined;
  let env: Record<string, string>;
  // The demo case starts from the suite's demo template (the demo already loaded, as `serve --demo`
  // leaves it): seeding it again here would only repeat what the README and start tests cover.
  let demoFolder: string;
  let demoDatabase: TestDatabase | undefined;
  let demoEnv: Record<string, string>;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'lintas-totp-'));
    demoFolder = mkdtempSync(join(tmpdir(), 'lintas-totp-demo-'));
    const serverUrl = process.env.LINTAS_TEST_DATABASE_URL;
    if (serverUrl) {
      database = await openTestDatabase();
      demoDatabase = await openTestDatabase({}, await postgresDemoTemplate(serverUrl));
    } else {
      await makeTestDataFolder(folder);
      await makeTestDataFolder(demoFolder, await pgliteDemoDump());
    }
    env = database ? { DATABASE_URL: database.url!, LINTAS_DATA: folder } : { LINTAS_DATA: folder };
    // The demo template's data key, which wraps its data keys.
    // The spawned server runs with NODE_ENV=production, which refuses --demo on a PostgreSQL server unless allowed.
    demoEnv = demoDatabase ? { DATABASE_URL: demoDatabase.url!, LINTAS_DATA: demoFolder, LINTAS_DATA_KEY: DEMO_DATA_KEY, LINTAS_ALLOW_DEMO: 'true' } : { LINTAS_DATA: demoFolder, LINTAS_DATA_KEY: DEMO_DATA_KEY };
  }, 180_000);
  afterAll(async () => {
    await database?.close();
    await demoDatabase?.close();
    rmSync(folder, { recursive: true, force: true });
    rmSync(demoFolder, { recursive: true, force: true });
  });

  test('without demo mode the server has no such route, and the command prints no code', async () => {
    const server = await spawnServer(['--no-demo'], env);
    try {
      const asked = await fetch(`${server.url}${DEMO_TOTP_PATH}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'officer@aus.demo' }) });
      expect(asked.status).toBe(404);
      expect(server.output()).not.toMatch(/totp-code/);
      const ran = await runLintas(['user', 'totp-code', 'officer@aus.demo'], env);
      expect(ran.out).toBe('');
      if (TEST_DB_KIND === 'pglite') {
        // The folder is held by a server that is not in demo mode: nothing to ask.
        expect(ran).toMatchObject({ code: 1 });
        expect(ran.err).toMatch(/in use by another Lintas process .*not in demo mode, so it prints no codes/);
      } else {
        // On a server database the command reads it itself; this one has no demo user.
        expect(ran).toMatchObject({ code: 2 });
        expect(ran.err).toMatch(/only a demo user with the published demo secret/);
      }
    } finally {
      await server.stop();
    }
  }, 180_000);

  test('in demo mode the banner’s command, pasted, prints the demo officer’s current code', async () => {
    const server = await spawnServer(['--demo'], demoEnv);
    try {
      const line = /^\s+((?:LINTAS_DATA='([^']*)' )?npx lintas (user totp-code \S+))/m.exec(server.output());
      expect(line, server.output()).not.toBeNull();
      const [, , dataFolder, args] = line!;
      if (TEST_DB_KIND === 'pglite') expect(dataFolder).toBe(demoFolder);
      // On a server the operator's shell has what the server was given: the database and its key ring.
      const commandEnv: Record<string, string> = TEST_DB_KIND === 'pglite' ? { LINTAS_DATA: dataFolder! } : { DATABASE_URL: demoDatabase!.url!, LINTAS_DATA_KEY: DEMO_DATA_KEY };

      const before = totpCode(DEMO_TOTP_SECRET);
      const ran = await runLintas(args!.split(' '), commandEnv);
      const after = totpCode(DEMO_TOTP_SECRET);
      expect(ran, ran.err).toMatchObject({ code: 0 });
      expect([before, after]).toContain(ran.out.trim());
      expect(ran.out).toMatch(/^\d{6}\n$/);

      // The --email form of the README works too; a user without the demo secret gets no code.
      expect((await runLintas(['user', 'totp-code', '--email', 'OFFICER@aus.demo'], commandEnv)).out).toMatch(/^\d{6}\n$/);
      const refused = await runLintas(['user', 'totp-code', 'analyst@aus.demo'], commandEnv);
      expect(refused).toMatchObject({ code: 2, out: '' });
      expect(refused.err).toMatch(/only a demo user with the published demo secret/);
    } finally {
      await server.stop();
    }
  }, 240_000);
});

describe('the demo route', () => {
  let t: TestContext;
  let demoApp: App;
  const ask = (app: App, email: unknown, remoteAddress = '127.0.0.1') =>
    app.inject({ method: 'POST', url: DEMO_TOTP_PATH, payload: { email }, remoteAddress });

  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('AUS');
    const demoUser = await t.makeUser('AUS', ['officer'], { email: 'officer@aus.demo' });
    const otherUser = await t.makeUser('AUS', ['officer'], { email: 'other@aus.demo' });
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`UPDATE users SET totp_enabled = true WHERE id IN (${demoUser.id}, ${otherUser.id})`);
      await tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_secret = ${DEMO_TOTP_SECRET} WHERE user_id = ${demoUser.id}`);
      await tx.query(sql`UPDATE lintas_secrets.user_secrets SET totp_secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' WHERE user_id = ${otherUser.id}`);
    });
    demoApp = await build({ platform: t.platform, logger: false, webRoot: '/nonexistent', demo: true });
    await demoApp.ready();
  });
  afterAll(async () => {
    await demoApp.close();
    await t.close();
  });

  test('does not exist outside demo mode', async () => {
    const response = await ask(t.app, 'officer@aus.demo');
    expect(response.statusCode).toBe(404);
    expect(response.json()).not.toHaveProperty('code');
    expect(t.app.hasRoute({ method: 'POST', url: DEMO_TOTP_PATH })).toBe(false);
    expect(demoApp.hasRoute({ method: 'POST', url: DEMO_TOTP_PATH })).toBe(true);
  });

  test('answers the demo user’s code to this machine only', async () => {
    const response = await ask(demoApp, 'officer@aus.demo');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ code: expect.stringMatching(/^\d{6}$/) });
    for (const address of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1']) {
      expect((await ask(demoApp, 'officer@aus.demo', address)).statusCode, address).toBe(404);
    }
    expect((await ask(demoApp, 'officer@aus.demo', '::1')).statusCode).toBe(200);
  });

  test('a user with any other secret, or no user, is the same 404; a bad body is a problem with its field', async () => {
    expect((await ask(demoApp, 'other@aus.demo')).statusCode).toBe(404);
    expect((await ask(demoApp, 'nobody@aus.demo')).statusCode).toBe(404);
    expect(pointers(problem(await ask(demoApp, 'not an address'), 400))).toEqual(['/email']);
  });

  test('is no part of the API document', async () => {
    const document = (await demoApp.inject({ method: 'GET', url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths).filter((path) => path.includes('demo'))).toEqual([]);
  });
});
