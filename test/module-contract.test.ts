import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { build } from '../src/app.js';
import { MODULES } from '../src/modules/index.js';
import { loadConfig } from '../src/platform/config.js';
import { migrate } from '../src/platform/db/migrate.js';
import { sql } from '../src/platform/db/sql.js';
import { defineModule, migrationsOf, readAllSettings } from '../src/platform/module.js';
import { startServer } from '../src/server.js';
import { makeTestDataFolder } from './support/db.js';
import { makeTestApp, type TestContext } from './support/app.js';
import { notes, notesJob } from './support/notes-module/index.js';
import { documentedRoutes, routerRoutes } from './support/routes.js';

/** The module contract, proved by a module that exists only here: it plugs in by one line. */
const WITH_NOTES = [...MODULES, notes];

let t: TestContext;
let plain: TestContext;
let applied: string[];

beforeAll(async () => {
  t = await makeTestApp({ modules: WITH_NOTES, env: { LINTAS_TEST_NOTES_LIMIT: '7' } });
  plain = await makeTestApp();
  applied = await migrate(t.db, migrationsOf(WITH_NOTES));
  await t.makeMember('AAA');
  await t.makeMember('BBB');
});
afterAll(async () => {
  await t.close();
  await plain.close();
});

describe('a module plugged in by one line', () => {
  test('its migration applies, after the others, and only once', async () => {
    const all = migrationsOf(WITH_NOTES);
    expect(all.at(-1)?.name).toBe('9100_test_notes.sql');
    expect(applied).toEqual(['9100_test_notes.sql']);
    expect(await migrate(t.db, all)).toEqual([]);
  });

  test('its routes are served and in the OpenAPI document; the outsiders table (all routes but these) no longer names every route', () => {
    const added = ['GET /notes', 'POST /notes'];
    expect(routerRoutes(t.app)).toEqual([...routerRoutes(plain.app), ...added].sort());
    expect(documentedRoutes(t.app)).toEqual([...documentedRoutes(plain.app), ...added].sort());
    // The outsiders test compares its table with routerRoutes(app): the notes routes would be missing from it.
    expect(routerRoutes(t.app).filter((route) => !routerRoutes(plain.app).includes(route))).toEqual(added);
  });

  test('its actions are enforced: signed out 401, a role that does not grant notes.write 403, one that does 201', async () => {
    const officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
    const analyst = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const post = { method: 'POST' as const, url: '/api/v1/notes', payload: { body: 'a note' } };
    expect((await t.as(null, post)).statusCode).toBe(401);
    expect((await t.as(officer, post)).statusCode).toBe(403);
    expect((await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM test_notes`))).n).toBe(0);
    expect((await t.as(analyst, post)).statusCode).toBe(201);
    const list = await t.as(officer, { method: 'GET', url: '/api/v1/notes' });
    expect(list.json()).toEqual({ notes: ['a note'], limit: 7 });
    const session = await t.as(officer, { method: 'GET', url: '/api/v1/auth/session' });
    expect(session.json<{ actions: string[] }>().actions).toContain('notes.read');
    expect(session.json<{ actions: string[] }>().actions).not.toContain('notes.write');
  });

  test('its settings are read from the environment, and a bad value stops the start naming the variable', () => {
    expect(() => readAllSettings(WITH_NOTES, loadConfig({ LINTAS_TEST_NOTES_LIMIT: 'many' }))).toThrow(/LINTAS_TEST_NOTES_LIMIT must be a whole number/);
    expect(() => readAllSettings(MODULES, loadConfig({ LINTAS_TEST_NOTES_LIMIT: 'many' }))).not.toThrow();
  });

  test('its job starts with the server and stops when it closes', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'lintas-modules-'));
    try {
      // From the migrated template: the server then applies only the notes module's migration.
      await makeTestDataFolder(folder);
      const config = { ...loadConfig({}), dataDir: folder, databaseUrl: undefined, port: 0, host: '127.0.0.1' };
      const before = { ...notesJob };
      const running = await startServer(config, { demo: false, logger: false, quiet: true, modules: WITH_NOTES });
      expect(notesJob).toEqual({ started: before.started + 1, stopped: before.stopped });
      await running.close();
      expect(notesJob).toEqual({ started: before.started + 1, stopped: before.stopped + 1 });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('a route for signed-in users that declares no action stops the app from being built', async () => {
    const careless = defineModule({
      name: 'careless',
      actions: {},
      routes: (app) => {
        app.get('/careless', { schema: { response: { 200: Type.Object({}) } } }, () => ({}));
      },
      auditActions: [],
    });
    await expect(build({ platform: plain.platform, logger: false, webRoot: '/nonexistent', modules: [...MODULES, careless] })).rejects.toThrow(/GET \/api\/v1\/careless is for signed-in users but declares no action/);
  });

  test('an action two modules declare is refused', () => {
    expect(() => defineModule({ name: 'copycat', actions: { 'reports.read': 'signed-in' }, auditActions: [] })).toThrow(/reports\.read of module copycat is already declared by module reports/);
  });
});
