import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { documentKey } from './number.js';
import { buildIndex, DocumentRegister } from './register.js';

/**
 * The process's index: built from the database (every active key, none other), and on PostgreSQL
 * kept in step with other processes' writes through LISTEN/NOTIFY.
 */

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO');
});
afterAll(() => t.close());

const write = (statement: ReturnType<typeof sql>) => t.db.transaction({ member: 'UTO' }, (tx) => tx.query(statement));

describe('the documents index', () => {
  test('holds exactly the active documents’ keys, read in batches', async () => {
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, state, owner)
        SELECT 'UTO', 'passport', 'B' || g, 'lost', CASE WHEN g % 10 = 0 THEN 'cancelled' ELSE 'active' END, 'UTO' FROM generate_series(1, 6000) g`),
    );
    const index = await buildIndex(t.db, 1000);
    expect(index.size).toBe(5_400);
    expect(index.has(documentKey('UTO', 'passport', 'B1'))).toBe(true);
    expect(index.has(documentKey('UTO', 'passport', 'B10'))).toBe(false);
    expect(index.has(documentKey('UTO', 'visa', 'B1'))).toBe(false);
  });

  test('keeps each document’s audience, numbering each distinct audience once', async () => {
    await t.makeMember('AUS');
    await t.makeGroup('grp-one', ['UTO', 'AUS']);
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner, audience_kind, audience_members, audience_groups) VALUES
        ('UTO', 'passport', 'AUD1', 'lost', 'UTO', 'owner', '{}', '{}'),
        ('UTO', 'passport', 'AUD2', 'lost', 'UTO', 'members', '{AUS}', '{}'),
        ('UTO', 'passport', 'AUD3', 'lost', 'UTO', 'groups', '{}', '{grp-one}'),
        ('UTO', 'passport', 'AUD4', 'lost', 'UTO', 'members', '{AUS}', '{}')`),
    );
    const register = new DocumentRegister(t.db, { useIndex: true });
    await register.start();
    const keys = ['AUD1', 'AUD2', 'AUD3', 'AUD4'].map((number) => documentKey('UTO', 'passport', number));
    expect(register.mayHoldMany(keys, { member: 'AUS', fullMember: true, groups: [] })).toEqual([false, true, false, true]);
    expect(register.mayHoldMany(keys, { member: 'AUS', fullMember: true, groups: ['grp-one'] })).toEqual([false, true, true, true]);
    expect(register.mayHoldMany(keys, { member: 'NZL', fullMember: true, groups: [] })).toEqual([false, false, false, false]);
    // The 5,400 documents of the test before share one audience (all); these four add three.
    expect(register.audiences).toBe(4);
  });

  test.skipIf(TEST_DB_KIND !== 'postgres')('on PostgreSQL, another process’s writes reach the index through LISTEN/NOTIFY', async () => {
    const register = new DocumentRegister(t.db, { useIndex: true, listenUrl: t.database.url });
    await register.start();
    try {
      const key = documentKey('UTO', 'passport', 'LISTEN1');
      expect(register.index.has(key)).toBe(false);
      // Written by "another process": not through this register.
      await write(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner) VALUES ('UTO', 'passport', 'LISTEN1', 'stolen', 'UTO')`);
      await vi.waitFor(() => expect(register.index.has(key)).toBe(true), { timeout: 10_000, interval: 20 });
      await write(sql`UPDATE travel_documents SET state = 'cancelled' WHERE number = 'LISTEN1'`);
      await vi.waitFor(() => expect(register.index.has(key)).toBe(false), { timeout: 10_000, interval: 20 });
      // A cancelled record and a new active one of the same document in one transaction: the key stays.
      await write(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner) VALUES ('UTO', 'passport', 'LISTEN1', 'lost', 'UTO')`);
      await vi.waitFor(() => expect(register.index.has(key)).toBe(true), { timeout: 10_000, interval: 20 });
      // Its audience narrowed elsewhere: the index stops sending another member's checks to the database.
      const outsider = { member: 'AUS', fullMember: true, groups: [] };
      expect(register.mayHold(key, outsider)).toBe(true);
      await write(sql`UPDATE travel_documents SET audience_kind = 'owner' WHERE number = 'LISTEN1' AND state = 'active'`);
      await vi.waitFor(() => expect(register.mayHold(key, outsider)).toBe(false), { timeout: 10_000, interval: 20 });
      expect(register.mayHold(key, { member: 'UTO', fullMember: true, groups: [] })).toBe(true);
    } finally {
      await register.close();
    }
  });
});
