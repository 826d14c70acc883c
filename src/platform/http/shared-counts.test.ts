import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, withinOneMinute, type TestContext } from '../../../test/support/app.js';
import type { Database } from '../db/database.js';
import { sql } from '../db/sql.js';
import type { App } from './app.js';
import { SharedCounts } from './shared-counts.js';

/**
 * The rate limits and the refusals per address hold across every process on one database: each
 * counts in memory and shares its counts every second (issue 27, "several Lintas processes").
 */
const MINUTE = 60_000;
// A moment 10 s into a window, so that a test's own windows are known; years on, so that the apps'
// own syncs (on the real clock) never take its rows for old ones.
const T0 = Date.UTC(2036, 11, 5, 12, 0, 10);

describe('a sliding count', () => {
  test('weighs the previous window by how much of it is still within the last minute', () => {
    const clock = { now: T0 + 49_000 };
    const counts = new SharedCounts({ now: () => clock.now });
    for (let i = 1; i <= 10; i++) expect(counts.add('k', MINUTE).count).toBe(i);
    expect(counts.peek('k', MINUTE)).toEqual({ count: 10, windowLeftMs: 1_000 });
    clock.now = T0 + 50_000; // the next window's first moment: the previous one weighs whole
    expect(counts.add('k', MINUTE).count).toBe(11);
    clock.now = T0 + 80_000; // half way: the ten weigh five
    expect(counts.peek('k', MINUTE).count).toBe(5 + 1);
    clock.now = T0 + 110_000; // a window on: the ten are out, the one weighs one
    expect(counts.peek('k', MINUTE).count).toBe(1);
    clock.now = T0 + 170_000;
    expect(counts.peek('k', MINUTE).count).toBe(0);
    // Keys and windows are counted apart.
    expect(counts.peek('other', MINUTE).count).toBe(0);
    expect(counts.add('k', 10_000).count).toBe(1);
  });

  test('waitMs is when a request would be counted within the limit again', () => {
    const clock = { now: T0 };
    const counts = new SharedCounts({ now: () => clock.now });
    for (let i = 0; i < 6; i++) counts.add('k', MINUTE);
    expect(counts.waitMs('k', MINUTE, 10)).toBe(0);
    // Limit 5, six counted at 10 s into the window: heard again when they weigh four, 20 s into the next window.
    const wait = counts.waitMs('k', MINUTE, 5);
    expect(wait).toBe(50_000 + 20_000);
    clock.now = T0 + wait - 1;
    expect(counts.add('probe-free', MINUTE).count).toBe(1);
    expect(counts.waitMs('k', MINUTE, 5)).toBe(1);
    clock.now = T0 + wait;
    expect(counts.waitMs('k', MINUTE, 5)).toBe(0);
    expect(counts.add('k', MINUTE).count).toBe(5);
    expect(counts.waitMs('none', MINUTE, 5)).toBe(0);
    // A limit of one: two windows on.
    const one = new SharedCounts({ now: () => T0 });
    one.add('k', MINUTE);
    expect(one.waitMs('k', MINUTE, 1)).toBe(50_000 + MINUTE);
  });

});

describe('two processes on one database', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(() => t.close());

  const both = (db: Database) => [new SharedCounts({ db, now: () => T0 }), new SharedCounts({ db, now: () => T0 })] as const;

  test('each sees the other’s counts after a sync; the database holds no address, only hashes', async () => {
    const [a, b] = both(t.db);
    for (let i = 0; i < 6; i++) a.add('rate\n203.0.113.9', MINUTE);
    for (let i = 0; i < 3; i++) b.add('rate\n203.0.113.9', MINUTE);
    expect([a.peek('rate\n203.0.113.9', MINUTE).count, b.peek('rate\n203.0.113.9', MINUTE).count]).toEqual([6, 3]);
    await a.sync();
    await b.sync();
    expect(b.peek('rate\n203.0.113.9', MINUTE).count).toBe(9);
    expect(a.peek('rate\n203.0.113.9', MINUTE).count).toBe(6);
    await a.sync();
    expect(a.add('rate\n203.0.113.9', MINUTE).count).toBe(10);
    const rows = await t.db.ownerTransaction((tx) => tx.query<{ id: string; window_end: string; count: number }>(sql`SELECT id, window_end::text, count FROM rate_counts`));
    expect(rows.some((row) => row.id.includes('203.0.113'))).toBe(false);
    expect(rows.filter((row) => Number(row.window_end) === T0 + 50_000).map((row) => row.count)).toContain(9);
  });

  test('a key a process counted in the last window is read in the current one before it counts it again', async () => {
    const clock = { now: T0 };
    const [a, b] = [new SharedCounts({ db: t.db, now: () => clock.now }), new SharedCounts({ db: t.db, now: () => clock.now })];
    for (let i = 0; i < 3; i++) a.add('carried', MINUTE);
    await a.sync();
    clock.now = T0 + 51_000; // a second into the next window
    for (let i = 0; i < 4; i++) b.add('carried', MINUTE);
    await b.sync();
    await a.sync();
    // The last window's three weigh 59/60 (rounded up), and the current window holds the other's four.
    expect(a.peek('carried', MINUTE).count).toBe(3 + 4);
    clock.now = T0 + 10 * MINUTE; // nothing counted for two windows: forgotten
    await a.sync();
    expect(a.peek('carried', MINUTE).count).toBe(0);
  });

  test('syncs at once, over the same keys in any order, add up and do not deadlock', async () => {
    const [a, b] = both(t.db);
    const keys = Array.from({ length: 50 }, (_, i) => `many\n${i}`);
    for (let round = 0; round < 5; round++) {
      for (const key of keys) a.add(key, MINUTE);
      for (const key of [...keys].reverse()) b.add(key, MINUTE);
      await Promise.all([a.sync(), b.sync()]);
    }
    await Promise.all([a.sync(), b.sync()]);
    for (const key of keys) {
      expect(a.peek(key, MINUTE).count).toBe(10);
      expect(b.peek(key, MINUTE).count).toBe(10);
    }
  });

  test('what a sync is sending still counts until its total is read back: a burst during the round trip finds the count whole', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const db = {
      transaction: async (...args: Parameters<Database['transaction']>) => {
        await held;
        return t.db.transaction(...args);
      },
    } as unknown as Database;
    const counts = new SharedCounts({ db, now: () => T0 });
    for (let i = 0; i < 40; i++) counts.add('slow-sync', MINUTE);
    const syncing = counts.sync();
    // The database has not answered: the 40 are on their way, and still count.
    expect(counts.peek('slow-sync', MINUTE).count).toBe(40);
    expect(counts.waitMs('slow-sync', MINUTE, 40)).toBeGreaterThan(0);
    expect(counts.add('slow-sync', MINUTE).count).toBe(41);
    release();
    await syncing;
    expect(counts.peek('slow-sync', MINUTE).count).toBe(41);
    await counts.sync();
    expect(counts.peek('slow-sync', MINUTE).count).toBe(41);
  });

  test('a failed sync keeps what was counted, and the next one shares it', async () => {
    let down = true;
    const db = {
      transaction: (...args: Parameters<Database['transaction']>) => (down ? Promise.reject(new Error('the database is down')) : t.db.transaction(...args)),
    } as unknown as Database;
    const counts = new SharedCounts({ db, now: () => T0 });
    counts.add('flaky', MINUTE);
    counts.add('flaky', MINUTE);
    await expect(counts.sync()).rejects.toThrow('the database is down');
    expect(counts.peek('flaky', MINUTE).count).toBe(2);
    down = false;
    await counts.sync();
    const [other] = both(t.db);
    other.add('flaky', MINUTE);
    await other.sync();
    expect(other.peek('flaky', MINUTE).count).toBe(3);
  });

  test('rows of windows long over are deleted', async () => {
    await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO rate_counts (id, window_end, count) VALUES ('old', ${T0 - 11 * MINUTE}, 4), ('recent', ${T0 - 9 * MINUTE}, 4)`));
    const counts = new SharedCounts({ db: t.db, now: () => T0 });
    await counts.sync();
    const left = await t.db.ownerTransaction((tx) => tx.query<{ id: string }>(sql`SELECT id FROM rate_counts WHERE id IN ('old', 'recent')`));
    expect(left.map((row) => row.id)).toEqual(['recent']);
  });
});

describe('the API rate limit and the address limit across two processes', () => {
  const LIMIT = 6;
  let t: TestContext;
  let other: App;
  beforeAll(async () => {
    t = await makeTestApp({ config: { rateLimitPerMinute: LIMIT, refusalsPerAddressPerMinute: LIMIT } });
    await t.makeMember('AAA');
    other = await t.variant({});
  });
  afterAll(() => t.close());

  const syncBoth = async () => {
    await t.app.requestCounts.sync();
    await other.requestCounts.sync();
  };

  test('a user’s requests through either process count towards one limit', async () => {
    const session = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const through = (app: App) => app.inject({ method: 'GET', url: '/api/v1/members', headers: { cookie: session.cookie } });
    const statuses: number[] = [];
    await withinOneMinute();
    for (let i = 0; i < 4; i++) statuses.push((await through(t.app)).statusCode);
    await syncBoth();
    // The other process learns of a key at its first sync after it first counts it (within a second).
    statuses.push((await through(other)).statusCode);
    await syncBoth();
    for (let i = 0; i < 2; i++) statuses.push((await through(other)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    // The first process reads what the other added.
    await other.requestCounts.sync();
    await t.app.requestCounts.sync();
    const refused = await through(t.app);
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('made-up tokens from one address through either process count towards one address limit', async () => {
    const from = (app: App) =>
      app.inject({ method: 'GET', url: '/api/v1/members', remoteAddress: '198.51.100.44', headers: { authorization: `Bearer ${'made-up-token-'.repeat(3)}` } });
    const statuses: number[] = [];
    await withinOneMinute();
    for (let i = 0; i < 4; i++) statuses.push((await from(t.app)).statusCode);
    await syncBoth();
    statuses.push((await from(other)).statusCode);
    await syncBoth();
    for (let i = 0; i < 2; i++) statuses.push((await from(other)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
  });
});
