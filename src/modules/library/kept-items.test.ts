import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import type { Actor } from '../../platform/auth/actor.js';
import { loadSession } from '../../platform/auth/sessions.js';
import { readAs, runAs } from '../../platform/context.js';
import type { Tx } from '../../platform/db/database.js';
import type { Sql } from '../../platform/db/sql.js';
import { rowVersionsOf } from '../../platform/db/row-versions.js';
import { sql } from '../../platform/db/sql.js';
import type { AudienceKind, Tlp } from '../../platform/sharing/model.js';
import { Page } from '../../platform/http/schemas.js';
import { validateValue } from '../../platform/http/validate.js';
import { DocumentItem } from './schemas.js';
import { keptItemKey, KEPT_ITEMS, list } from './service.js';

/**
 * A page without words reuses the items it presented before, kept under each document's row
 * version and the view the viewer has of it (owner who may write, owner who may not, any other
 * member). Proved here against the page read whole, which keeps nothing: through random creates,
 * edits, re-sharing and removals, every page every viewer is served is the page read whole at that
 * moment, field for field.
 */

const DOCUMENTS = '/api/v1/library/documents';
const MEMBERS = ['KA', 'KB', 'KC'];

/** The route's response schema: pages sent as JSON text must still be exactly what it says. */
const ListPage = Page(DocumentItem);

let t: TestContext;
/** A writer of each member, then a reader of KA who may not write (another view of KA's documents). */
let sessions: TestSession[];
let actors: Actor[];

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('KA');
  await t.makeMember('KB');
  await t.makeMember('KC', { status: 'observer' });
  await t.makeGroup('kept-group', ['KA', 'KB']);
  sessions = [];
  for (const member of MEMBERS) sessions.push(await t.sessionFor(await t.makeUser(member, ['officer'])));
  sessions.push(await t.sessionFor(await t.makeUser('KA', ['approver'])));
  actors = [];
  for (const session of sessions) actors.push((await loadSession(t.db, session.cookie.split('=')[1]!))!.actor);
});
afterAll(() => t.close());

interface SharingSeed {
  kind: AudienceKind;
  tlp: Tlp;
  handling: ('H1' | 'H2')[];
  note: boolean;
  evaluation: boolean;
}

const sharingSeed = fc.record({
  kind: fc.constantFrom<AudienceKind>('owner', 'members', 'groups', 'all'),
  tlp: fc.constantFrom<Tlp>('CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'),
  handling: fc.subarray<'H1' | 'H2'>(['H1', 'H2']),
  note: fc.boolean(),
  evaluation: fc.boolean(),
});

/** Valid sharing for an owner: groups only for members of the group, RED only to named members. */
function sharingOf(owner: number, seed: SharingSeed) {
  let kind = seed.kind;
  if (kind === 'groups' && owner === 2) kind = 'members';
  const audience =
    kind === 'members' ? { kind, members: MEMBERS.filter((_, i) => i !== owner) } : kind === 'groups' ? { kind, groups: ['kept-group'] } : { kind };
  const tlp = seed.tlp === 'RED' && kind !== 'members' && kind !== 'owner' ? 'AMBER' : seed.tlp;
  return {
    audience,
    tlp,
    handling: seed.note ? [...seed.handling, 'H3'] : seed.handling,
    ...(seed.note ? { handlingNote: 'only within the investigation' } : {}),
    ...(seed.evaluation ? { evaluation: { source: 'B', information: '2' } } : {}),
  };
}

type Step =
  | { kind: 'create'; owner: number; title: string; date: number; sharing: SharingSeed }
  | { kind: 'edit'; doc: number; title: string }
  | { kind: 'share'; doc: number; sharing: SharingSeed }
  | { kind: 'remove'; doc: number }
  | { kind: 'list'; viewer: number; limit: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), owner: fc.nat(2), title: fc.string({ minLength: 1, maxLength: 12 }), date: fc.nat(3), sharing: sharingSeed }),
  fc.record({ kind: fc.constant('edit' as const), doc: fc.nat(), title: fc.string({ minLength: 1, maxLength: 12 }) }),
  fc.record({ kind: fc.constant('share' as const), doc: fc.nat(), sharing: sharingSeed }),
  fc.record({ kind: fc.constant('remove' as const), doc: fc.nat() }),
  fc.record({ kind: fc.constant('list' as const), viewer: fc.nat(3), limit: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('list' as const), viewer: fc.nat(3), limit: fc.integer({ min: 1, max: 4 }) }),
);

/** The page read whole: the same service in a transaction that may write, where nothing is kept or reused. */
function wholePage(viewer: number, limit: number, cursor: string | null): Promise<unknown> {
  const query = { limit, ...(cursor ? { cursor } : {}) };
  return runAs(t.platform, actors[viewer]!, { requestId: 'kept-items-reference', address: '127.0.0.1' }, async (ctx) => JSON.parse((await list(ctx, query)).toString('utf8')) as unknown);
}

/** Every page the viewer is served, each compared with the page read whole; returns the differences. */
async function servedAgainstWhole(viewer: number, limit: number): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await t.as(sessions[viewer]!, { method: 'GET', url: `${DOCUMENTS}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}` });
    expect(response.statusCode, response.body).toBe(200);
    const served = validateValue(ListPage, response.json());
    const whole = await wholePage(viewer, limit, cursor);
    if (JSON.stringify(served) !== JSON.stringify(whole)) found.push(`viewer ${viewer}, page ${pages}: ${JSON.stringify(served)} != ${JSON.stringify(whole)}`);
    cursor = served.next;
    pages++;
  } while (cursor && pages < 50);
  return found;
}

async function run(steps: Step[]): Promise<string[]> {
  const docs: { id: string; owner: number }[] = [];
  const found: string[] = [];
  for (const s of steps) {
    const target = s.kind === 'create' || s.kind === 'list' || docs.length === 0 ? undefined : docs[s.doc % docs.length]!;
    if (s.kind === 'create') {
      const payload = { title: s.title, summary: `summary of ${s.title}`, body: `text of ${s.title}`, category: 'policy-guide', date: `2026-0${s.date + 1}-15`, sharing: sharingOf(s.owner, s.sharing) };
      const response = await t.as(sessions[s.owner]!, { method: 'POST', url: DOCUMENTS, payload });
      expect(response.statusCode, response.body).toBe(201);
      docs.push({ id: response.json<{ data: { id: string } }>().data.id, owner: s.owner });
    } else if (s.kind === 'list') {
      found.push(...(await servedAgainstWhole(s.viewer, s.limit)));
    } else if (target && s.kind === 'remove') {
      const response = await t.as(sessions[target.owner]!, { method: 'DELETE', url: `${DOCUMENTS}/${target.id}` });
      expect(response.statusCode, response.body).toBe(204);
      docs.splice(docs.indexOf(target), 1);
    } else if (target) {
      const payload = s.kind === 'edit' ? { title: s.title } : s.kind === 'share' ? { sharing: sharingOf(target.owner, s.sharing) } : {};
      const response = await t.as(sessions[target.owner]!, { method: 'PATCH', url: `${DOCUMENTS}/${target.id}`, payload });
      expect(response.statusCode, response.body).toBe(200);
    }
  }
  // The end state, as every viewer sees it; a search's page is sent as JSON text too.
  for (const viewer of actors.keys()) {
    found.push(...(await servedAgainstWhole(viewer, 3)));
    const search = await t.as(sessions[viewer]!, { method: 'GET', url: `${DOCUMENTS}?q=summary` });
    expect(search.statusCode, search.body).toBe(200);
    validateValue(ListPage, search.json());
  }
  return found;
}

async function clearDocuments(): Promise<void> {
  await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM library_documents`));
}

describe('list items kept under their row versions', () => {
  test('every page served is the page read whole, through creates, edits, re-sharing and removals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 16 }), async (steps) => {
        try {
          expect(await run(steps)).toEqual([]);
        } finally {
          await clearDocuments();
        }
      }),
      { numRuns: 15 },
    );
  }, 300_000);

  test('a kept item is what the page shows while its row is unchanged, and a change to the row retires it, so the comparison above can fail', async () => {
    const [writer, other] = [sessions[0]!, sessions[1]!];
    const created = await t.as(writer, { method: 'POST', url: DOCUMENTS, payload: { title: 'Kept', body: 'Kept text.', category: 'other', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } });
    const id = created.json<{ data: { id: string } }>().data.id;
    try {
      expect(await servedAgainstWhole(1, 5)).toEqual([]);
      // Replace what is kept for another member's view with a wrong item under the row's current version.
      const version = (await t.db.ownerTransaction((tx) => tx.one<{ v: string }>(sql`SELECT xmin::text AS v FROM library_documents WHERE id = ${id}`))).v;
      const [item] = (await t.as(other, { method: 'GET', url: `${DOCUMENTS}?limit=5` })).json<{ data: Record<string, unknown>[] }>().data;
      rowVersionsOf<Buffer>(t.db, KEPT_ITEMS).set(keptItemKey(id, 'other'), version, Buffer.from(JSON.stringify({ ...item, title: 'not what the row says' })));
      const served = await t.as(other, { method: 'GET', url: `${DOCUMENTS}?limit=5` });
      expect(served.json<{ data: { title: string }[] }>().data.map((item) => item.title)).toEqual(['not what the row says']);
      expect((await servedAgainstWhole(1, 5)).length).toBe(1);
      // An edit writes a new row version: the wrong item is not used again.
      await t.as(writer, { method: 'PATCH', url: `${DOCUMENTS}/${id}`, payload: { title: 'Kept, edited' } });
      expect(await servedAgainstWhole(1, 5)).toEqual([]);
      const after = await t.as(other, { method: 'GET', url: `${DOCUMENTS}?limit=5` });
      expect(after.json<{ data: { title: string }[] }>().data.map((item) => item.title)).toEqual(['Kept, edited']);
    } finally {
      await clearDocuments();
    }
  });

  test('a row changed between the page\'s two statements sends the page to be read whole, as it is then', async () => {
    const [writer, other] = [sessions[0]!, sessions[1]!];
    const ids: string[] = [];
    for (const title of ['First', 'Second']) {
      const created = await t.as(writer, { method: 'POST', url: DOCUMENTS, payload: { title, body: 'Some text.', category: 'other', date: '2026-01-01', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } });
      ids.push(created.json<{ data: { id: string } }>().data.id);
    }
    try {
      // Nothing is kept for these rows yet, so the page reads them by id. Just before it does, on a
      // server, another connection edits one. PGlite has one connection, so nothing can come between
      // a read's statements: there the read by id is made to find the row under another version.
      let moved = false;
      const racing = (tx: Tx): Tx =>
        Object.assign(Object.create(tx) as Tx, {
          async query<Row>(statement: Sql): Promise<Row[]> {
            if (moved || !statement.compile().text.includes('d.id = ANY(')) return tx.query<Row>(statement);
            moved = true;
            if (TEST_DB_KIND === 'postgres') {
              await t.db.ownerTransaction((owner) => owner.query(sql`UPDATE library_documents SET title = 'Second, edited' WHERE id = ${ids[1]!}`));
              return tx.query<Row>(statement);
            }
            const rows = await tx.query<Row & { id: string; version: string; title: string }>(statement);
            return rows.map((row) => (row.id === ids[1] ? { ...row, version: `${row.version}0`, title: 'Second, edited' } : row));
          },
        });
      const page = await readAs(t.platform, actors[1]!, { requestId: 'kept-items-race', address: '127.0.0.1' }, async (ctx) =>
        JSON.parse((await list({ ...ctx, tx: racing(ctx.tx) }, { limit: 5 })).toString('utf8')) as { data: { title: string }[] },
      );
      const titles = ['First', TEST_DB_KIND === 'postgres' ? 'Second, edited' : 'Second'];
      expect(moved).toBe(true);
      expect(page.data.map((item) => item.title).sort()).toEqual(titles);
      // What the whole read kept is right: the next pages are the pages read whole.
      expect(await servedAgainstWhole(1, 5)).toEqual([]);
      const served = await t.as(other, { method: 'GET', url: `${DOCUMENTS}?limit=5` });
      expect(served.json<{ data: { title: string }[] }>().data.map((item) => item.title).sort()).toEqual(titles);
    } finally {
      await clearDocuments();
    }
  });
});
