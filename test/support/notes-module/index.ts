import { Type } from 'typebox';
import { sql } from '../../../src/platform/db/sql.js';
import type { App } from '../../../src/platform/http/app.js';
import { perform } from '../../../src/platform/http/pipeline.js';
import { problemResponses } from '../../../src/platform/http/schemas.js';
import { defineModule, migrationsFolder } from '../../../src/platform/module.js';
import { Strict } from '../../../src/platform/schema.js';
import { defineSettings } from '../../../src/platform/settings.js';

/**
 * A module that exists only in the tests, to prove the module contract: plugged in by one line
 * (`[...MODULES, notes]`), its migration applies, its routes are served and documented, its actions
 * are enforced, its settings are read and its job starts and stops.
 */
export const notesSettings = defineSettings({
  limit: { env: 'LINTAS_TEST_NOTES_LIMIT', kind: 'count', default: 3, description: 'notes a member may keep' },
});

/** What the module's job did, for the test to see. */
export const notesJob = { started: 0, stopped: 0 };

function notesRoutes(app: App): void {
  app.get('/notes', {
    schema: { tags: ['notes'], summary: 'Your member’s notes', response: { 200: Strict({ notes: Type.Array(Type.String()), limit: Type.Integer() }), ...problemResponses } },
    config: { action: 'notes.read' },
  }, async (request) =>
    perform(request, async (ctx) => {
      const rows = await ctx.tx.query<{ body: string }>(sql`SELECT body FROM test_notes ORDER BY id`);
      return { notes: rows.map((row) => row.body), limit: notesSettings.of(ctx.platform.config).limit };
    }, { read: true }));
  app.post('/notes', {
    schema: { tags: ['notes'], summary: 'Keep a note', body: Strict({ body: Type.String({ minLength: 1, maxLength: 100 }) }), response: { 201: Strict({ kept: Type.Boolean() }), ...problemResponses } },
    config: { action: 'notes.write' },
  }, async (request, reply) =>
    reply.status(201).send(
      await perform(request, async (ctx) => {
        await ctx.tx.query(sql`INSERT INTO test_notes (owner, body) VALUES (${ctx.actor.member}, ${request.body.body})`);
        await ctx.audit({ action: 'test.note-create', objectType: 'test-note', objectOwner: ctx.actor.member });
        return { kept: true };
      }),
    ));
}

export const notes = defineModule({
  name: 'notes',
  actions: { 'notes.read': 'signed-in', 'notes.write': ['analyst'] },
  settings: notesSettings,
  migrations: migrationsFolder(import.meta.url),
  routes: notesRoutes,
  start() {
    notesJob.started++;
    return {
      stop: () => {
        notesJob.stopped++;
        return Promise.resolve();
      },
    };
  },
  auditActions: ['test.note-create'],
});

declare module '../../../src/platform/auth/roles.js' {
  interface ModuleActions {
    notes: keyof typeof notes.actions;
  }
}
