import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../test/support/app.js';
import { sql } from '../platform/db/sql.js';
import { seedDemo } from './seed.js';

/** The demo's coordination groups: each with a theme and a chair in its roster, one ended; seeding again keeps edits. */

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp({ demo: true });
}, 180_000);
afterAll(() => t.close());

interface Row {
  code: string;
  theme: string | null;
  chair: string | null;
  ended: boolean;
  chair_in_roster: boolean;
}

const groups = () =>
  t.db.ownerTransaction((tx) =>
    tx.query<Row>(sql`SELECT g.code, g.theme, g.chair, coalesce(g.ends_on < current_date, false) AS ended,
        EXISTS (SELECT 1 FROM group_members m WHERE m.group_code = g.code AND m.member_code = g.chair) AS chair_in_roster
      FROM sharing_groups g ORDER BY g.code`),
  );

test('every demo group has a theme and a chair in its roster; only the Andaman Sea group has ended', async () => {
  const rows = await groups();
  expect(rows.length).toBe(6);
  for (const row of rows) expect(row, row.code).toMatchObject({ theme: expect.any(String), chair: expect.any(String), chair_in_roster: true });
  expect(rows.filter((row) => row.ended).map((row) => row.code)).toEqual(['andaman-sea-2015']);
});

test('seeding again keeps a group’s edited theme, and its ended group’s roster', async () => {
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE sharing_groups SET theme = 'Edited', chair = NULL WHERE code = 'wg-tip'`));
  await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM group_members WHERE group_code = 'andaman-sea-2015' AND member_code = 'AUS'`));
  await seedDemo(t.db, t.platform.config, []);
  const rows = await groups();
  expect(rows.find((row) => row.code === 'wg-tip')).toMatchObject({ theme: 'Edited', chair: null });
  const roster = await t.db.ownerTransaction((tx) => tx.query<{ member_code: string }>(sql`SELECT member_code FROM group_members WHERE group_code = 'andaman-sea-2015'`));
  expect(roster.map((row) => row.member_code)).not.toContain('AUS');
});
