import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';

/**
 * Every check is on the record before it is answered: under concurrent load each request has its
 * audit row (group commit for checks without a hit, the hit's own transaction otherwise), and when
 * the audit row cannot be written the request gets no answer at all.
 */

const PREFIX = '/api/v1';
let t: TestContext;
let issuer: TestSession;
let checker: TestSession;

const checkRows = async (): Promise<{ request_id: string; details: { hits: number } }[]> =>
  t.db.ownerTransaction((tx) => tx.query(sql`SELECT request_id, details FROM audit_log WHERE action = 'documents.check' AND member = 'AUS'`));

const check = (number: string) =>
  t.as(checker, { method: 'POST', url: `${PREFIX}/documents/checks`, payload: { purpose: 'load', document: { issuer: 'UTO', type: 'passport', number } } });

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO');
  await t.makeMember('AUS');
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  for (const number of ['HIT00001', 'HIT00002']) {
    const response = await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents`, payload: { type: 'passport', number, status: 'stolen' } });
    expect(response.statusCode).toBe(201);
  }
});
afterAll(() => t.close());

describe('the audit trail of checks', () => {
  test('200 concurrent checks, hits among them: 200 answers, 200 audit rows, one per request id', async () => {
    const before = (await checkRows()).length;
    const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => check(i % 20 === 0 ? `HIT0000${1 + ((i / 20) % 2)}` : `MISS${i}`)));
    expect(responses.map((response) => response.statusCode)).toEqual(Array(200).fill(200));
    const rows = (await checkRows()).slice(before);
    expect(rows).toHaveLength(200);
    const ids = new Set(responses.map((response) => response.headers['x-request-id']));
    expect(new Set(rows.map((row) => row.request_id))).toEqual(ids);
    expect(rows.filter((row) => row.details.hits === 1)).toHaveLength(10);
    // Repeat checks of a document join the member's waiting hit, concurrent ones too: two hits, ten checks.
    const hits = await t.db.ownerTransaction((tx) =>
      tx.query<{ number: string; checks: number }>(sql`SELECT h.number, (SELECT count(*)::int FROM document_hit_checks c WHERE c.hit_id = h.id) AS checks
        FROM document_hits h WHERE h.checker = 'AUS' ORDER BY h.number`),
    );
    expect(hits).toEqual([{ number: 'HIT00001', checks: 5 }, { number: 'HIT00002', checks: 5 }]);
  });

  test('when the audit row cannot be written there is no answer, hit or no hit, and no hit record', async () => {
    const hitsBefore = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM document_hits`));
    const checksBefore = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM document_hit_checks`));
    const rowsBefore = (await checkRows()).length;
    await t.db.ownerTransaction((tx) => tx.execScript('ALTER FUNCTION audit_append(jsonb) RENAME TO audit_append_away'));
    try {
      for (const number of ['MISS-NONE', 'HIT00001']) {
        const response = await check(number);
        expect(response.statusCode, number).toBe(500);
        expect(response.body).not.toMatch(/no-hit|"hit"|HIT00001/);
      }
    } finally {
      await t.db.ownerTransaction((tx) => tx.execScript('ALTER FUNCTION audit_append_away(jsonb) RENAME TO audit_append'));
    }
    expect((await checkRows()).length).toBe(rowsBefore);
    const hitsAfter = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM document_hits`));
    expect(hitsAfter.n).toBe(hitsBefore.n);
    const checksAfter = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM document_hit_checks`));
    expect(checksAfter.n).toBe(checksBefore.n);
    // And once it can, checks answer again.
    expect((await check('HIT00001')).statusCode).toBe(200);
  });
});
