import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { parseMrz } from './mrz.js';
import { registerOf } from './register.js';
import { DEMO_MRZS } from './demo.js';
import { seedDemo } from '../../demo/seed.js';

/** The demo register: thousands of documents, and MRZs a demo user can paste that hit. */

let t: TestContext;

// From the run's demo template (the demo seeded once, as `serve --demo` leaves it), seeded again.
beforeAll(async () => {
  t = await makeTestApp({ demo: true });
  await seedDemo(t.db, t.platform.config);
  await registerOf(t.platform).rebuild();
}, 180_000);
afterAll(() => t.close());

test('the demo register holds thousands of documents, once, and its MRZs read and hit for a demo officer', async () => {
  const counts = await t.db.ownerTransaction((tx) =>
    tx.one<{ active: number; pending: number; hits: number }>(sql`SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
      count(*) FILTER (WHERE state = 'pending-confirmation')::int AS pending, (SELECT count(*)::int FROM document_hits) AS hits FROM travel_documents`),
  );
  expect(counts.active).toBeGreaterThan(3000);
  expect(counts).toMatchObject({ pending: 1, hits: 2 });
  const user = await t.db.ownerTransaction((tx) => tx.one<{ id: string; member: string }>(sql`SELECT id, member FROM users WHERE email = 'officer@idn.demo'`));
  const session = await t.sessionFor({ id: user.id, email: 'officer@idn.demo', member: user.member, roles: ['officer'] });
  for (const { label, mrz } of DEMO_MRZS) {
    expect(parseMrz(mrz).ok, label).toBe(true);
    const response = await t.as(session, { method: 'POST', url: '/api/v1/documents/checks', payload: { purpose: 'demo', mrz } });
    expect(response.json<{ data: { result: string } }>().data.result, label).toBe('hit');
  }
});
