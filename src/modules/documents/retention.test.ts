import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { eraseOldHolders } from './retention.js';

/**
 * Retention of holder details: a cancelled document's, or a rejected foreign report's, are erased
 * the set number of days after; active documents and reports still waiting keep theirs; the record
 * stays; each batch is audited for its issuer and for no one else.
 */

const PREFIX = '/api/v1';
const DAY = 86_400_000;
const HOLDER = { surname: 'Lindqvist', givenNames: 'Maja', sex: 'F' };

let t: TestContext;
let issuer: TestSession;
let reporter: TestSession;

const post = (who: TestSession, url: string, payload: unknown) => t.as(who, { method: 'POST', url: PREFIX + url, payload: payload as Record<string, unknown> });
const holderOf = async (id: string) => (await t.as(issuer, { method: 'GET', url: `${PREFIX}/documents/${id}` })).json<{ data: { holder?: unknown; state: string } }>().data;
const sealed = (ids: string[]) =>
  t.db.ownerTransaction((tx) => tx.query<{ id: string; kept: boolean }>(sql`SELECT id, holder_sealed IS NOT NULL AND holder_digest IS NOT NULL AS kept FROM travel_documents WHERE id = ANY(${ids}::uuid[]) ORDER BY id`));

async function add(number: string, holder: unknown = HOLDER): Promise<string> {
  const response = await post(issuer, '/documents', { type: 'passport', number, status: 'stolen', holder });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO');
  await t.makeMember('AUS');
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  reporter = await t.sessionFor(await t.makeUser('AUS', ['officer']));
});
afterAll(() => t.close());

describe('holder details past their retention', () => {
  test('are erased from cancelled documents and rejected reports only, a year after by default; each issuer audited', async () => {
    const active = await add('R1000001');
    const cancelled = await add('R1000002');
    expect((await post(issuer, `/documents/${cancelled}/cancel`, { reason: 'found' })).statusCode).toBe(200);
    const waiting = (await post(reporter, '/documents/reports', { issuer: 'UTO', type: 'passport', number: 'R1000003', status: 'counterfeit' })).json<{ data: { id: string } }>().data.id;
    const rejected = (await post(reporter, '/documents/reports', { issuer: 'UTO', type: 'passport', number: 'R1000004', status: 'forged' })).json<{ data: { id: string } }>().data.id;
    expect((await post(issuer, `/documents/${rejected}/reject`, { note: 'not ours' })).statusCode).toBe(200);
    // A report carries no holder details from its reporter; these two are given some (any bytes: no one opens them here) to see which keep them.
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE travel_documents SET holder_sealed = '\\x01'::bytea, holder_digest = 'digest' WHERE id = ANY(${[waiting, rejected]}::uuid[])`));
    expect((await holderOf(cancelled)).holder).toEqual(HOLDER);

    // Within the year nothing goes.
    expect(await eraseOldHolders(t.platform, new Date(Date.now() + 364 * DAY))).toBe(0);
    expect((await sealed([active, cancelled, waiting, rejected])).every((row) => row.kept)).toBe(true);

    // After it, the cancelled document's and the rejected report's go; the records stay.
    expect(await eraseOldHolders(t.platform, new Date(Date.now() + 366 * DAY))).toBe(2);
    const kept = new Map((await sealed([active, cancelled, waiting, rejected])).map((row) => [row.id, row.kept]));
    expect([kept.get(active), kept.get(cancelled), kept.get(waiting), kept.get(rejected)]).toEqual([true, false, true, false]);
    expect(await holderOf(cancelled)).toMatchObject({ state: 'cancelled', holder: null });
    expect((await holderOf(active)).holder).toEqual(HOLDER);

    // One audit row for the issuer naming both; none for the reporting member, who did nothing.
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ member: string; details: { documents: string[]; days: number } }>(sql`SELECT member, details FROM audit_log WHERE action = 'document.holder-expire'`));
    expect(audited.map((row) => row.member)).toEqual(['UTO']);
    expect([...(audited[0]?.details.documents ?? [])].sort()).toEqual([cancelled, rejected].sort());
    expect(audited[0]?.details.days).toBe(365);

    // Run again: nothing left to erase, nothing audited.
    expect(await eraseOldHolders(t.platform, new Date(Date.now() + 366 * DAY))).toBe(0);
    expect(await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'document.holder-expire'`))).toEqual({ n: 1 });
  });

  test('a backlog larger than a transaction is erased in batches, each audited; 0 days keeps everything', async () => {
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, state, cancelled_at, holder_sealed, holder_digest, owner)
        SELECT 'UTO', 'passport', 'OLD' || g, 'lost', 'cancelled', '2020-01-01', '\\x01'::bytea, 'digest', 'UTO' FROM generate_series(1, 1005) g`),
    );
    expect(await eraseOldHolders(t.platform, new Date(), 0)).toBe(0);
    const before = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'document.holder-expire'`));
    expect(await eraseOldHolders(t.platform)).toBe(1005);
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ n: number }>(sql`SELECT jsonb_array_length(details->'documents') AS n FROM audit_log WHERE action = 'document.holder-expire' ORDER BY seq OFFSET ${before.n}`),
    );
    expect(rows.map((row) => row.n)).toEqual([1000, 5]);
    expect(await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM travel_documents WHERE number LIKE 'OLD%' AND holder_sealed IS NULL`))).toEqual({ n: 1005 });
  });

  test('the issuer is told until when they are kept; the reporting member is told nothing of them', async () => {
    type Seen = { holder?: unknown; holderKeptUntil?: string | null; cancelledAt: string | null; decidedAt: string | null };
    const seen = async (id: string) => (await t.as(issuer, { method: 'GET', url: `${PREFIX}/documents/${id}` })).json<{ data: Seen }>().data;
    const active = await add('R2000001');
    const cancelled = await add('R2000002');
    const none = await add('R2000003', null);
    for (const id of [cancelled, none]) expect((await post(issuer, `/documents/${id}/cancel`, { reason: 'found' })).statusCode).toBe(200);
    const rejected = (await post(reporter, '/documents/reports', { issuer: 'UTO', type: 'passport', number: 'R2000004', status: 'forged' })).json<{ data: { id: string } }>().data.id;
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE travel_documents SET holder_sealed = holder.holder_sealed, holder_digest = holder.holder_digest FROM travel_documents holder WHERE travel_documents.id = ${rejected} AND holder.id = ${active}`));
    expect((await post(issuer, `/documents/${rejected}/reject`, { note: 'not ours' })).statusCode).toBe(200);

    // Active: kept while it is. Cancelled or rejected with details: 365 days after. Cancelled without: nothing to erase.
    expect((await seen(active)).holderKeptUntil).toBeNull();
    const gone = await seen(cancelled);
    expect(gone.holderKeptUntil).toBe(new Date(Date.parse(gone.cancelledAt!) + 365 * DAY).toISOString());
    const refused = await seen(rejected);
    expect(refused.holder).toEqual(HOLDER);
    expect(refused.holderKeptUntil).toBe(new Date(Date.parse(refused.decidedAt!) + 365 * DAY).toISOString());
    expect((await seen(none)).holderKeptUntil).toBeNull();
    // The list says the same.
    const listed = (await t.as(issuer, { method: 'GET', url: `${PREFIX}/documents?number=R2000002` })).json<{ data: (Seen & { id: string })[] }>().data;
    expect(listed.find((row) => row.id === cancelled)?.holderKeptUntil).toBe(gone.holderKeptUntil);

    // The reporting member sees its rejected report, never the holder details nor when they go.
    const reports = (await t.as(reporter, { method: 'GET', url: `${PREFIX}/documents/reports` })).json<{ data: { id: string; document: Record<string, unknown> | null }[] }>().data;
    const own = reports.find((row) => row.id === rejected);
    expect(own?.document).not.toBeNull();
    expect(own?.document).not.toHaveProperty('holder');
    expect(own?.document).not.toHaveProperty('holderKeptUntil');

    // Once erased, there is nothing left to keep: null.
    expect(await eraseOldHolders(t.platform, new Date(Date.now() + 366 * DAY))).toBe(2);
    expect(await seen(cancelled)).toMatchObject({ holder: null, holderKeptUntil: null });
  });
});
