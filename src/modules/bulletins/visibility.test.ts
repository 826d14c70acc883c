import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getAs, pagedIds, sharingHarness } from '../../../test/support/sharing-harness.js';
import { sharingAddsTo, sharingSees, worldArbitrary, type SharedRecord, type World } from '../../../test/support/sharing-model.js';
import { sql } from '../../platform/db/sql.js';

/**
 * Bulletins against the reference model of the sharing rule (DESIGN.md §3, rules 1 and 2), on random
 * worlds (members, observers among them, groups, some ended; bulletins with random audiences), under
 * each wall alone and both together: each member's list and reads are exactly the model's, and so is
 * everything hanging from a bulletin (its versions, comment thread, acknowledgements and attachment),
 * whose rows carry no sharing fields of their own but follow the bulletin's; and whether it may
 * respond to each is the model's too (a bulletin reached only through an ended group is read-only).
 */

const worlds = worldArbitrary({ members: { minLength: 2, maxLength: 4 }, groups: { maxLength: 2 }, records: { minLength: 1, maxLength: 5 } });

/** Each bulletin's attachment, by bulletin id. */
const attachmentOf = new Map<string, string>();

const bulletins = sharingHarness<SharedRecord>({
  prefix: 'B',
  label: (_, i) => `B${i}`,
  create: (t, { record, index, owner, members, groups }) =>
    t.db.ownerTransaction(async (tx) => {
      const { id } = await tx.one<{ id: string }>(sql`
        INSERT INTO bulletins (type, title, body, owner, audience_kind, audience_members, audience_groups, tlp)
        VALUES ('alert', ${`Bulletin ${index}`}, 'A method.', ${owner}, ${record.kind}, ${members}, ${groups}, ${record.tlp}) RETURNING id`);
      await tx.query(sql`INSERT INTO bulletin_versions (bulletin_id, version, type, title, body, countries, places, tags) VALUES (${id}, 1, 'alert', 'B', 'A method.', '{}', '{}', '{}')`);
      await tx.query(sql`INSERT INTO bulletin_comments (bulletin_id, member, author_name, body) VALUES (${id}, ${owner}, 'Officer', 'Seen it.')`);
      const attachment = await tx.one<{ id: string }>(sql`INSERT INTO bulletin_attachments (bulletin_id, name, content_type, size, sha256, content)
        VALUES (${id}, 'a.pdf', 'application/pdf', 9, ${'0'.repeat(64)}, ${Buffer.from('%PDF-1.7 ')}) RETURNING id`);
      attachmentOf.set(id, attachment.id);
      return id;
    }),
  clear: (t) => t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM bulletins`)),
  views: ({ app, session, viewer, built }) => ({
    lists: { list: () => pagedIds(app, session, '/api/v1/bulletins?limit=2') },
    get: (id) => getAs(app, session, `/api/v1/bulletins/${id}`),
    more: async () => {
      const found: string[] = [];
      const listed = await getAs(app, session, '/api/v1/bulletins?limit=100');
      for (const item of listed.json<{ data: { id: string; abilities: { respond: boolean } }[] }>().data) {
        const i = built.ids.indexOf(item.id);
        if (i >= 0 && item.abilities.respond !== sharingAddsTo(built.world, viewer, built.world.records[i]!)) found.push(`respond to B${i} for M${viewer}: ${item.abilities.respond}`);
      }
      for (const [i, record] of built.world.records.entries()) {
        const id = built.ids[i]!;
        const expected = sharingSees(built.world, viewer, record) ? 200 : 404;
        for (const path of ['versions', 'comments', 'acknowledgements', `attachments/${attachmentOf.get(id) ?? ''}`]) {
          const response = await getAs(app, session, `/api/v1/bulletins/${id}/${path}`);
          if (response.statusCode !== expected) found.push(`${path.split('/')[0]} of B${i} for M${viewer}: ${response.statusCode}`);
          if (path === 'comments' && expected === 200 && response.json<{ data: unknown[] }>().data.length !== 1) found.push(`comments of B${i} for M${viewer}: not the one`);
        }
      }
      return found;
    },
  }),
});

describe('who sees which bulletin, and what hangs from it, against the reference model', () => {
  test('each wall alone, and both together, show each member exactly what the model says', async () => {
    await fc.assert(fc.asyncProperty(worlds, (world) => bulletins.check(world)), { numRuns: 5 });
  }, 300_000);

  test('with both walls removed the same check finds the leaks, so it can fail', async () => {
    const world: World = {
      members: [{ observer: false }, { observer: false }],
      groups: [],
      records: [{ owner: 0, kind: 'owner', members: [], groups: [], tlp: 'AMBER' }],
    };
    const found = await bulletins.leaks(world);
    expect(found).toEqual(expect.arrayContaining(['get B0 for M1: 200', 'comments of B0 for M1: 200', 'attachments of B0 for M1: 200']));
  });
});
