import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import type { Database, Tx, TxContext } from '../db/database.js';
import type { Actor } from '../auth/actor.js';
import { readAs } from '../context.js';
import { sql } from '../db/sql.js';
import { AuditGroupCommit } from './group-commit.js';
import { verifyAudit } from './verify.js';

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
});
afterAll(() => t.close());

const count = async (action: string): Promise<number> =>
  (await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = ${action}`))).n;

/** A database that counts the owner's transactions it runs (the groups), and can be told to fail them. */
function counting(db: Database): Database & { transactions: number; fail: boolean } {
  const wrapper = {
    kind: db.kind,
    transactions: 0,
    fail: false,
    transaction: <T>(context: TxContext, work: (tx: Tx) => Promise<T>) => db.transaction(context, work),
    read: <T>(context: TxContext, work: (tx: Tx) => Promise<T>) => db.read(context, work),
    ownerTransaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
      wrapper.transactions++;
      if (wrapper.fail) return Promise.reject(new Error('the audit database is down'));
      return db.ownerTransaction(work);
    },
    waiting: () => db.waiting(),
    checkLogins: () => db.checkLogins(),
    close: () => db.close(),
  };
  return wrapper;
}

describe('audit group commit', () => {
  test('every queued row is committed before its promise resolves, concurrent rows sharing transactions', async () => {
    const db = counting(t.db);
    const group = new AuditGroupCommit(db, { maxDelayMs: 5, maxRows: 50 });
    const appends = Array.from({ length: 200 }, (_, i) =>
      group.append({ member: 'AAA', requestId: `r-${i}` }, [{ action: 'test.grouped', details: { i } }]).then(async () => {
        // Durable when answered: the row is there, seen from another transaction.
        const row = await t.db.ownerTransaction((tx) => tx.maybeOne(sql`SELECT 1 FROM audit_log WHERE action = 'test.grouped' AND request_id = ${`r-${i}`}`));
        expect(row, `row ${i}`).toBeDefined();
      }),
    );
    await Promise.all(appends);
    expect(await count('test.grouped')).toBe(200);
    expect(db.transactions).toBeLessThan(200);
    expect(db.transactions).toBeGreaterThanOrEqual(4);
    expect(group.stats).toMatchObject({ rows: 200, failures: 0 });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('a failing group rejects every request waiting on it, and writes none of their rows', async () => {
    const db = counting(t.db);
    const group = new AuditGroupCommit(db, { maxDelayMs: 5, maxRows: 1000 });
    db.fail = true;
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => group.append({ member: 'AAA' }, [{ action: 'test.failed', details: { i } }])));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    expect(await count('test.failed')).toBe(0);
    // The next group works again.
    db.fail = false;
    await group.append({ member: 'AAA' }, [{ action: 'test.failed-then-ok' }]);
    expect(await count('test.failed-then-ok')).toBe(1);
  });

  test('a group the database refuses (the append function gone) fails its requests', async () => {
    const group = new AuditGroupCommit(t.db, { maxDelayMs: 1 });
    // The group commit writes as the owner (many members' rows in one statement), whom no grant stops.
    await t.db.ownerTransaction((tx) => tx.execScript('ALTER FUNCTION audit_append(jsonb) RENAME TO audit_append_away'));
    try {
      await expect(group.append({ member: 'AAA' }, [{ action: 'test.refused' }])).rejects.toThrow();
    } finally {
      await t.db.ownerTransaction((tx) => tx.execScript('ALTER FUNCTION audit_append_away(jsonb) RENAME TO audit_append'));
    }
    expect(await count('test.refused')).toBe(0);
  });

  test('a read through readAs answers only once its audit row is committed, and fails without an answer when it cannot be', async () => {
    const db = counting(t.db);
    const platform = { ...t.platform, db };
    const user = await t.makeUser('AAA', ['officer']);
    const actor: Actor = { userId: user.id, name: 'Reader', email: 'reader@aaa.test', roles: ['officer'], via: 'session', member: 'AAA', fullMember: true, groups: [] };
    const request = { requestId: 'read-as', address: '127.0.0.1' };
    const read = (action: `test.${string}`) =>
      readAs(platform, actor, request, async (ctx) => {
        await ctx.audit({ action });
        return ctx.tx.one<{ member: string }>(sql`SELECT current_setting('lintas.member') AS member`);
      });
    expect(await read('test.read-as')).toEqual({ member: 'AAA' });
    expect(await count('test.read-as')).toBe(1);
    db.fail = true;
    await expect(read('test.read-as-failed')).rejects.toThrow(/audit database is down/);
    db.fail = false;
    expect(await count('test.read-as-failed')).toBe(0);
  });

  test('close writes what is queued and refuses more', async () => {
    const group = new AuditGroupCommit(t.db, { maxDelayMs: 10_000, maxRows: 1000 });
    const pending = group.append({ member: 'AAA' }, [{ action: 'test.closed' }]);
    await group.close();
    await pending;
    expect(await count('test.closed')).toBe(1);
    await expect(group.append({ member: 'AAA' }, [{ action: 'test.after-close' }])).rejects.toThrow(/closed/);
  });
});
