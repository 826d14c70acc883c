import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { seedDemo } from '../../demo/seed.js';
import type { Role } from '../../platform/auth/roles.js';
import { sql } from '../../platform/db/sql.js';
import { bulletins } from './index.js';

/** The demo bulletins: loaded once however often the demo runs, each with its first version, and shared as written. */

let t: TestContext;

// From the run's demo template (the demo seeded once, as `serve --demo` leaves it), seeded again.
beforeAll(async () => {
  t = await makeTestApp({ demo: true });
  await seedDemo(t.db, t.platform.config, [bulletins]);
}, 180_000);
afterAll(() => t.close());

async function titlesFor(email: string): Promise<{ title: string; unread: boolean }[]> {
  const user = await t.db.ownerTransaction((tx) => tx.one<{ id: string; member: string; roles: Role[] }>(sql`SELECT id, member, roles FROM users WHERE email = ${email}`));
  const session = await t.sessionFor({ id: user.id, email, member: user.member, roles: user.roles });
  const response = await t.as(session, { method: 'GET', url: '/api/v1/bulletins' });
  expect(response.statusCode).toBe(200);
  return response.json<{ data: { title: string; unread: boolean }[] }>().data;
}

test('three bulletins, once, with their first versions; Australia’s route note reaches Indonesia and not Malaysia', async () => {
  const counts = await t.db.ownerTransaction((tx) =>
    tx.one<{ bulletins: number; versions: number }>(sql`SELECT (SELECT count(*)::int FROM bulletins) AS bulletins, (SELECT count(*)::int FROM bulletin_versions) AS versions`),
  );
  expect(counts).toEqual({ bulletins: 3, versions: 3 });
  const route = 'Departures from the south coast of Rote';
  const indonesia = await titlesFor('officer@idn.demo');
  expect(indonesia.map((item) => item.title).sort()).toEqual(['Altered data pages on genuine passports seen at Soekarno-Hatta', route, 'Recruiters for scam centres arranging tourist visas'].sort());
  // Indonesia's officer wrote its own alert (opened on creation); the others wait unread.
  expect(indonesia.filter((item) => item.unread).map((item) => item.title).sort()).toEqual([route, 'Recruiters for scam centres arranging tourist visas'].sort());
  expect((await titlesFor('officer@mys.demo')).map((item) => item.title)).not.toContain(route);
});
