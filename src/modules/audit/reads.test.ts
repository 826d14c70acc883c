import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';

/**
 * "Who read my records" pages by the member's own rows: the audit trail's sequence number counts
 * every member's acts, so it must reach a member neither in an item nor in a cursor, and a page's
 * cursor must not move when other members act.
 */

let t: TestContext;
let owner: TestSession;
let reader: TestSession;
let bystander: TestSession;
const documents: string[] = [];

interface ReadsPage {
  data: Record<string, unknown>[];
  next: string | null;
}

const readsOf = async (session: TestSession, query = ''): Promise<ReadsPage> => {
  const response = await t.as(session, { method: 'GET', url: `/api/v1/audit/reads${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<ReadsPage>();
};
const readDocument = async (session: TestSession, id: string): Promise<void> => {
  expect((await t.as(session, { method: 'GET', url: `/api/v1/library/documents/${id}` })).statusCode).toBe(200);
};
/** Other members' acts that have nothing to do with the owner: each writes audit rows. */
const othersAct = async (times: number): Promise<void> => {
  const theirs = await t.makeDocument('BBB', { title: 'The reader’s own', audience: 'all' });
  for (let i = 0; i < times; i++) await readDocument(bystander, theirs);
};
const decoded = (cursor: string): unknown => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  owner = await t.sessionFor(await t.makeUser('AAA', ['member-admin']));
  reader = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  bystander = await t.sessionFor(await t.makeUser('CCC', ['officer']));
  for (let i = 0; i < 4; i++) documents.push(await t.makeDocument('AAA', { title: `Read ${i}`, audience: 'all' }));
  // The owner's records are read with other members' acts in between.
  for (const id of documents) {
    await readDocument(reader, id);
    await othersAct(3);
  }
});
afterAll(() => t.close());

describe('GET /audit/reads pages by the member’s own rows', () => {
  test('neither an item nor a cursor carries the audit trail’s sequence number', async () => {
    const sequence = await t.db.ownerTransaction((tx) =>
      tx.query<{ seq: number }>(sql`SELECT seq FROM audit_log WHERE object_owner = 'AAA' AND member = 'BBB' ORDER BY seq`),
    );
    expect(sequence.length).toBe(4);
    const page = await readsOf(owner, '?limit=2');
    expect(page.data).toHaveLength(2);
    for (const item of page.data) {
      expect(Object.keys(item).sort()).toEqual(['action', 'at', 'id', 'ids', 'objectType', 'purpose', 'readerMember', 'readerName']);
      expect(item.id).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(page.next).not.toBeNull();
    const cursor = decoded(page.next ?? '');
    // The time and the hash of the last row returned, nothing that counts.
    expect(cursor).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), page.data[1]?.id]);
    const seqs = new Set(sequence.map((row) => row.seq));
    for (const part of cursor as unknown[]) expect(typeof part === 'number' && seqs.has(part)).toBe(false);
  });

  test('a cursor does not move when other members act, and the next page is the owner’s next rows', async () => {
    const all = await readsOf(owner, '?limit=100');
    expect(all.data.map((item) => item.ids)).toEqual([...documents].reverse().map((id) => [id]));
    const first = await readsOf(owner, '?limit=2');
    await othersAct(5);
    const again = await readsOf(owner, '?limit=2');
    expect(again.next).toBe(first.next);
    const second = await readsOf(owner, `?limit=2&cursor=${first.next ?? ''}`);
    expect([...first.data, ...second.data]).toEqual(all.data);
    expect(second.next).toBeNull();
  });

  test('a cursor that is not one the API issued is a 400', async () => {
    for (const cursor of [Buffer.from('[5]').toString('base64url'), Buffer.from('["2024-01-01T00:00:00Z","xyz"]').toString('base64url')]) {
      const response = await t.as(owner, { method: 'GET', url: `/api/v1/audit/reads?cursor=${cursor}` });
      expect(response.statusCode).toBe(400);
    }
  });
});
