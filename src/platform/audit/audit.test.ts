import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { sql } from '../db/sql.js';
import { appendAudit, type AuditEvent } from './writer.js';
import { verifyAudit } from './verify.js';

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
});
afterAll(() => t.close());

async function append(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await t.db.transaction({ member: 'AAA' }, (tx) => appendAudit(tx, { member: 'AAA' }, [{ action: `test.act-${i}`, objectOwner: 'AAA', details: { i } }]));
  }
}

/** Tampering needs the trigger out of the way, as an attacker with the owner's rights would do. */
async function tamper(statement: ReturnType<typeof sql>): Promise<void> {
  await t.db.ownerTransaction(async (tx) => {
    await tx.execScript('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
    await tx.query(statement);
    await tx.execScript('ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only');
  });
}

/** Removes a row, keeping an exact copy aside so the next test can put it back. */
async function remove(seq: number): Promise<void> {
  await t.db.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS audit_saved AS SELECT * FROM audit_log WITH NO DATA'));
  await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO audit_saved SELECT * FROM audit_log WHERE seq = ${seq}`));
  await tamper(sql`DELETE FROM audit_log WHERE seq = ${seq}`);
}

async function restore(): Promise<void> {
  await t.db.ownerTransaction((tx) => tx.execScript('INSERT INTO audit_log SELECT * FROM audit_saved; DELETE FROM audit_saved'));
}

async function rows(): Promise<{ seq: number; lane: number; lane_seq: number }[]> {
  return t.db.ownerTransaction((tx) => tx.query(sql`SELECT seq, lane, lane_seq FROM audit_log ORDER BY seq`));
}

describe('the audit trail', () => {
  test('an untouched chain verifies', async () => {
    await append(12);
    const verdict = await verifyAudit(t.db);
    expect(verdict).toEqual({ ok: true, rows: 12 });
  });

  test('rows go out with the COMMIT: any text reads back exactly, a rolled-back act leaves none, a failing append rolls the act back', async () => {
    const nasty = "quote ' double '' backslash \\ \\' escape \\u0041 \\x00 newline \n tab \t unicode é 😀 $1 $$ ;COMMIT; --";
    await t.db.transaction({ member: 'AAA' }, (tx) => appendAudit(tx, { member: 'AAA' }, [{ action: 'test.literal', objectOwner: 'AAA', details: { nasty } }]));
    const [row] = await t.db.ownerTransaction((tx) => tx.query<{ details: { nasty: string } }>(sql`SELECT details FROM audit_log WHERE action = 'test.literal'`));
    expect(row?.details.nasty).toBe(nasty);

    await expect(
      t.db.transaction({ member: 'AAA' }, async (tx) => {
        await appendAudit(tx, { member: 'AAA' }, [{ action: 'test.rolled-back', objectOwner: 'AAA' }]);
        throw new Error('the act fails');
      }),
    ).rejects.toThrow('the act fails');
    // An append the database refuses (no action) fails the transaction: nothing it wrote stays.
    await t.db.ownerTransaction((tx) => tx.execScript('CREATE TABLE IF NOT EXISTS audit_probe (x int); GRANT ALL ON audit_probe TO lintas_app'));
    await expect(
      t.db.transaction({ member: 'AAA' }, async (tx) => {
        await tx.query(sql`INSERT INTO audit_probe VALUES (1)`);
        tx.defer(`SELECT audit_append('[{"member": "AAA"}]'::jsonb)`);
      }),
    ).rejects.toThrow();
    const counts = await t.db.ownerTransaction((tx) =>
      tx.one<{ probes: number; rolled: number }>(sql`SELECT (SELECT count(*)::int FROM audit_probe) AS probes, (SELECT count(*)::int FROM audit_log WHERE action = 'test.rolled-back') AS rolled`),
    );
    expect(counts).toEqual({ probes: 0, rolled: 0 });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('the rows of one append read back field for field, in order, with consecutive numbers on one lane', async () => {
    const userId = '0b7c5a3e-2f4d-4a8e-9d1c-6e5f4a3b2c1d';
    const events: AuditEvent[] = [
      { action: 'test.group-all', objectType: 'travel-document', objectId: 'd-1', objectOwner: 'BBB', objectOwners: ['BBB', 'CCC'], purpose: "border 'control'", details: { n: 1, list: ['a', 'b'] } },
      { action: 'test.group-bare' },
      { action: 'test.group-owners', objectOwners: ['DDD'], details: { nested: { deep: [1, null, 'é'] } } },
    ];
    await t.db.transaction({ member: 'AAA', user: userId }, (tx) => appendAudit(tx, { userId, member: 'AAA', requestId: 'req-7', address: '192.0.2.1' }, events));
    const got = await t.db.ownerTransaction((tx) =>
      tx.query(sql`SELECT seq, lane, lane_seq, user_id, member, action, object_type, object_id, object_owner, object_owners,
          purpose, request_id, address, details FROM audit_log WHERE action LIKE 'test.group-%' ORDER BY seq`),
    );
    expect(got.map((row) => row.action)).toEqual(['test.group-all', 'test.group-bare', 'test.group-owners']);
    expect(new Set(got.map((row) => row.lane)).size).toBe(1);
    const seqs = got.map((row) => Number(row.seq));
    const laneSeqs = got.map((row) => Number(row.lane_seq));
    expect(seqs).toEqual([seqs[0], seqs[0]! + 1, seqs[0]! + 2]);
    expect(laneSeqs).toEqual([laneSeqs[0], laneSeqs[0]! + 1, laneSeqs[0]! + 2]);
    for (const row of got) expect(row).toMatchObject({ user_id: userId, member: 'AAA', request_id: 'req-7', address: '192.0.2.1' });
    expect(got[0]).toMatchObject({ object_type: 'travel-document', object_id: 'd-1', object_owner: 'BBB', object_owners: ['BBB', 'CCC'], purpose: "border 'control'", details: { n: 1, list: ['a', 'b'] } });
    expect(got[1]).toMatchObject({ object_type: null, object_id: null, object_owner: null, object_owners: [], purpose: null, details: {} });
    expect(got[2]).toMatchObject({ object_owners: ['DDD'], details: { nested: { deep: [1, null, 'é'] } } });
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });


  test('a large row (a manifest’s checked documents) is stored compressed, lz4 where the server has it, and reads back and verifies', async () => {
    const checked = Array.from({ length: 1000 }, (_, i) => `AUS/passport/A${String(i * 7919).padStart(8, '0')}`);
    await t.db.transaction({ member: 'AAA' }, (tx) => appendAudit(tx, { member: 'AAA' }, [{ action: 'test.large', details: { checked } }]));
    const row = await t.db.ownerTransaction((tx) =>
      tx.one<{ details: { checked: string[] }; method: string | null; stored: number }>(sql`
        SELECT details, pg_column_compression(details) AS method, pg_column_size(details) AS stored FROM audit_log WHERE action = 'test.large'`),
    );
    expect(row.details.checked).toEqual(checked);
    expect(row.method).toBe(TEST_DB_KIND === 'postgres' ? 'lz4' : 'pglz');
    expect(row.stored).toBeLessThan(JSON.stringify(checked).length / 2);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });
  test('the application role cannot change or remove rows, and the trigger refuses even the owner', async () => {
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`UPDATE audit_log SET action = 'x'`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`DELETE FROM audit_log`))).rejects.toThrow(/permission denied/);
    await expect(t.db.transaction({ member: 'AAA' }, (tx) => tx.query(sql`INSERT INTO audit_log (lane, lane_seq, at, action, prev_hash, hash) VALUES (0, 99, now(), 'forged', '\\x00', '\\x00')`))).rejects.toThrow(/permission denied/);
    await expect(t.db.ownerTransaction((tx) => tx.query(sql`UPDATE audit_log SET action = 'x'`))).rejects.toThrow(/append-only/);
    await expect(t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM audit_log`))).rejects.toThrow(/append-only/);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('an edited row is found and named', async () => {
    const target = (await rows())[4]!;
    await tamper(sql`UPDATE audit_log SET details = '{"i": 999}' WHERE seq = ${target.seq}`);
    const verdict = await verifyAudit(t.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toMatchObject({ seq: target.seq, problem: expect.stringMatching(/edited/) });
    await tamper(sql`UPDATE audit_log SET details = '{"i": 4}' WHERE seq = ${target.seq}`);
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('a removed row is found, and the row after it named', async () => {
    await append(4);
    const all = await rows();
    // Remove a row that has a successor in its lane.
    const victim = all.find((row) => all.some((other) => other.lane === row.lane && other.lane_seq === row.lane_seq + 1))!;
    const successor = all.find((other) => other.lane === victim.lane && other.lane_seq === victim.lane_seq + 1)!;
    await remove(victim.seq);
    const verdict = await verifyAudit(t.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad).toMatchObject({ seq: successor.seq, problem: expect.stringMatching(/removed/) });
    await restore();
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('the last row of a lane removed is found through the lane head', async () => {
    const all = await rows();
    const last = all[all.length - 1]!;
    await remove(last.seq);
    const verdict = await verifyAudit(t.db);
    expect(verdict.ok).toBe(false);
    expect(verdict.firstBad?.problem).toMatch(/last rows were removed/);
    await restore();
    expect((await verifyAudit(t.db)).ok).toBe(true);
  });

  test('two rows swapped in order are found and named', async () => {
    const all = await rows();
    const first = all.find((row) => all.some((other) => other.lane === row.lane && other.lane_seq === row.lane_seq + 1))!;
    const second = all.find((other) => other.lane === first.lane && other.lane_seq === first.lane_seq + 1)!;
    // Swap their positions in the lane: each keeps its content, the order changes.
    await tamper(sql`UPDATE audit_log SET lane_seq = -1 WHERE seq = ${first.seq}`);
    await tamper(sql`UPDATE audit_log SET lane_seq = ${first.lane_seq} WHERE seq = ${second.seq}`);
    await tamper(sql`UPDATE audit_log SET lane_seq = ${second.lane_seq} WHERE seq = ${first.seq}`);
    const verdict = await verifyAudit(t.db);
    expect(verdict.ok).toBe(false);
    expect([first.seq, second.seq]).toContain(verdict.firstBad?.seq);
  });
});
