import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { rowsVisited } from '../../../test/support/plan.js';
import { loadSession } from '../../platform/auth/sessions.js';
import { runAs } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { IndexChanges } from './register.js';
import { cancelKeys } from './service.js';

/**
 * Cancelling documents reads the documents named, not the register: a list of one in a register of
 * 20,000 had read all 20,000 (the planner, guessing the member's share of the table, joined the list
 * to every document the member owned). PGlite never analyses a table, so there it is checked as
 * the table stands; a PostgreSQL server's autovacuum analyses, so there it is checked after ANALYZE.
 */

let t: TestContext;
const REGISTERED = 20_000;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('IDN');
  await t.db.ownerTransaction(async (tx) => {
    await tx.query(sql`INSERT INTO travel_documents (owner, issuer, doc_type, number, status, audience_kind, tlp)
      SELECT 'IDN', 'IDN', 'passport', 'C' || g, 'lost', 'all', 'GREEN' FROM generate_series(1, ${REGISTERED}::int) g`);
    if (TEST_DB_KIND === 'postgres') await tx.execScript('ANALYZE travel_documents');
  });
});
afterAll(() => t.close());

test('a bulk cancel reads the documents it names, whatever the size of the register', async () => {
  const session = await t.sessionFor(await t.makeUser('IDN', ['officer']));
  const actor = (await loadSession(t.db, session.cookie.split('=')[1] ?? ''))!.actor;
  const cancel = (numbers: string[]) =>
    runAs(t.platform, actor, { requestId: 'cancel-reads', address: '127.0.0.1' }, async (ctx) => {
      const count = () => rowsVisited(ctx.tx, ['travel_documents']);
      const before = await count();
      const result = await cancelKeys(ctx, 'IDN', numbers.map((number) => ({ type: 'passport' as const, number })), 'test', new IndexChanges());
      return { read: (await count()) - before, result };
    });

  const one = await cancel(['C7']);
  expect(one.result).toMatchObject({ cancelled: 1, alreadyCancelled: 0, notFoundCount: 0 });
  expect(one.read).toBeLessThanOrEqual(20);

  // Twenty: one already cancelled, one never registered, one named twice.
  const twenty = await cancel(['C7', 'C999999', ...Array.from({ length: 18 }, (_, i) => `C${100 + i}`), 'C100']);
  expect(twenty.result).toMatchObject({ cancelled: 18, alreadyCancelled: 1, notFoundCount: 1 });
  expect(twenty.read).toBeLessThanOrEqual(20 * 20);
  const states = await t.db.ownerTransaction((tx) => tx.query<{ state: string; n: number }>(sql`SELECT state, count(*)::int AS n FROM travel_documents GROUP BY state ORDER BY state`));
  expect(states).toEqual([{ state: 'active', n: REGISTERED - 19 }, { state: 'cancelled', n: 19 }]);
});
