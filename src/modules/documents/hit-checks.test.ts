import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';

/**
 * Repeat checks are grouped: a check of a document on which the checking member already has a hit
 * waiting for the issuer's answer is added to that hit as another check; the issuer is told once per
 * hit; once the hit is answered, the next check opens a new hit (a new encounter the issuer must
 * answer again). Every check keeps its own audit row. The issuer sees each check's time and how it
 * was made, not who checked nor why (beyond the first check, as before); the checking member sees all.
 */

const PREFIX = '/api/v1';

let t: TestContext;
let issuer: TestSession;
let checker: TestSession;
let colleague: TestSession;
let otherChecker: TestSession;
let outsider: TestSession;

interface HitCheck {
  checkedAt: string;
  via: string;
  checkedBy?: string | null;
  purpose?: string;
}
interface HitRecord {
  id: string;
  number: string;
  checker: string;
  outcome: string;
  checkCount: number;
  lastCheckedAt: string;
  createdAt: string;
  checks?: HitCheck[];
}

const get = (who: TestSession, url: string) => t.as(who, { method: 'GET', url: PREFIX + url });
const post = (who: TestSession, url: string, payload: Record<string, unknown>) => t.as(who, { method: 'POST', url: PREFIX + url, payload });

async function check(who: TestSession, number: string, purpose = 'border control'): Promise<string> {
  const response = await post(who, '/documents/checks', { purpose, document: { issuer: 'UTO', type: 'passport', number } });
  expect(response.statusCode, response.body).toBe(200);
  const answer = response.json<{ data: { result: string; hit?: { hitId: string } } }>().data;
  expect(answer.result).toBe('hit');
  return String(answer.hit?.hitId);
}

async function hit(who: TestSession, id: string): Promise<HitRecord> {
  const response = await get(who, `/documents/hits/${id}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: HitRecord }>().data;
}

async function queue(who: TestSession, side: 'issuer' | 'checker'): Promise<HitRecord[]> {
  const response = await get(who, `/documents/hits?side=${side}&limit=100`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: HitRecord[] }>().data;
}

async function toldIssuer(number: string): Promise<number> {
  const response = await get(issuer, '/inbox?limit=100');
  return response.json<{ data: { kind: string; title: string }[] }>().data.filter((item) => item.kind === 'document-hit.opened' && item.title.includes(number)).length;
}

const checkRows = () => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM document_hit_checks`)).then((row) => row.n);

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['UTO', 'AUS', 'KIR', 'NZL']) await t.makeMember(code);
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer', 'approver']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  colleague = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  otherChecker = await t.sessionFor(await t.makeUser('KIR', ['officer']));
  outsider = await t.sessionFor(await t.makeUser('NZL', ['officer', 'approver', 'member-admin']));
  for (const number of ['R0000001', 'R0000002', 'R0000003']) {
    const sharing = number === 'R0000003' ? { audience: { kind: 'members', members: ['AUS'] }, tlp: 'AMBER' } : { audience: { kind: 'all' }, tlp: 'GREEN' };
    const response = await post(issuer, '/documents', { type: 'passport', number, status: 'stolen', sharing });
    expect(response.statusCode, response.body).toBe(201);
  }
});
afterAll(() => t.close());

describe('repeat checks of a document', () => {
  test('two checks by one member make one hit with two checks, the issuer told once, each check audited', async () => {
    const first = await check(checker, 'R0000001', 'Sydney arrivals');
    const second = await check(colleague, 'R0000001', 'Sydney transfer desk');
    expect(second).toBe(first);
    expect(await toldIssuer('R0000001')).toBe(1);

    const mine = await hit(checker, first);
    expect(mine.checkCount).toBe(2);
    expect(mine.checks?.map((one) => one.purpose)).toEqual(['Sydney arrivals', 'Sydney transfer desk']);
    expect(mine.checks?.every((one) => typeof one.checkedBy === 'string')).toBe(true);
    expect(mine.lastCheckedAt).toBe(mine.checks?.[1]?.checkedAt);
    expect(mine.lastCheckedAt >= mine.createdAt).toBe(true);

    // The issuer: the count, each check's time and how; who checked again, and why, stay with the checker.
    const theirs = await hit(issuer, first);
    expect(theirs.checkCount).toBe(2);
    expect(theirs.checks?.map((one) => one.checkedAt)).toEqual(mine.checks?.map((one) => one.checkedAt));
    for (const one of theirs.checks ?? []) expect(Object.keys(one).sort()).toEqual(['checkedAt', 'via']);
    expect(JSON.stringify(theirs)).not.toContain('Sydney transfer desk');

    // The queues: one hit for the document, with its count.
    expect((await queue(issuer, 'issuer')).filter((one) => one.number === 'R0000001').map((one) => [one.id, one.checkCount])).toEqual([[first, 2]]);
    expect((await queue(checker, 'checker')).filter((one) => one.number === 'R0000001').map((one) => one.checkCount)).toEqual([2]);

    const audited = await t.db.ownerTransaction((tx) =>
      tx.query<{ purpose: string }>(sql`SELECT purpose FROM audit_log WHERE action = 'documents.check' AND member = 'AUS' AND details->'checked' ? 'UTO/passport/R0000001' ORDER BY seq`),
    );
    expect(audited.map((row) => row.purpose)).toEqual(['Sydney arrivals', 'Sydney transfer desk']);
  });

  test('another member’s check of the same document opens its own hit', async () => {
    const aus = await check(checker, 'R0000002');
    const kir = await check(otherChecker, 'R0000002');
    expect(kir).not.toBe(aus);
    expect((await hit(checker, aus)).checkCount).toBe(1);
    expect((await hit(otherChecker, kir)).checkCount).toBe(1);
    expect((await get(otherChecker, `/documents/hits/${aus}`)).statusCode).toBe(404);
    expect(await toldIssuer('R0000002')).toBe(2);
  });

  test('once the hit is answered, the next check opens a new hit, and every user whose check it held is told the answer', async () => {
    const waiting = await check(checker, 'R0000003');
    expect(await check(colleague, 'R0000003')).toBe(waiting);
    const answered = await post(issuer, `/documents/hits/${waiting}/answer`, { outcome: 'confirmed', notes: 'Hold it.' });
    expect(answered.statusCode, answered.body).toBe(200);
    expect(answered.json<{ data: HitRecord }>().data.checks).toHaveLength(2);
    for (const who of [checker, colleague]) {
      const inbox = (await get(who, '/inbox?limit=100')).json<{ data: { kind: string; objectId: string }[] }>().data;
      expect(inbox.filter((item) => item.kind === 'document-hit.answered' && item.objectId === waiting)).toHaveLength(1);
    }
    const next = await check(checker, 'R0000003');
    expect(next).not.toBe(waiting);
    expect((await hit(checker, waiting)).checkCount).toBe(2);
    expect((await hit(checker, next)).checkCount).toBe(1);
    expect(await toldIssuer('R0000003')).toBe(2);
  });

  test('an outsider sees nothing of the hits or their checks, and changes nothing', async () => {
    const id = await check(checker, 'R0000001');
    const before = await checkRows();
    const record = await hit(checker, id);
    for (const url of [`/documents/hits/${id}`, `/documents/hits/${id}/holder`]) expect((await get(outsider, url)).statusCode).toBe(404);
    expect((await post(outsider, `/documents/hits/${id}/answer`, { outcome: 'denied' })).statusCode).toBe(404);
    for (const side of ['issuer', 'checker'] as const) expect(await queue(outsider, side)).toEqual([]);
    // The outsider may not see R0000003: its check is a no hit and joins nothing.
    const response = await post(outsider, '/documents/checks', { purpose: 'probe', document: { issuer: 'UTO', type: 'passport', number: 'R0000003' } });
    expect(response.json<{ data: { result: string } }>().data.result).toBe('no-hit');
    expect(await checkRows()).toBe(before);
    expect(await hit(checker, id)).toEqual(record);
  });

  test('the database refuses a check row on another member’s hit, or in another member’s name', async () => {
    const id = await check(checker, 'R0000002');
    const row = (checker: string) => sql`INSERT INTO document_hit_checks (hit_id, checker, purpose, via, owner, audience_kind, audience_members, tlp)
      VALUES (${id}, ${checker}, 'forged', 'number', 'UTO', 'members', ARRAY[${checker}], 'GREEN')`;
    await expect(t.db.transaction({ member: 'KIR' }, (tx) => tx.query(row('KIR')))).rejects.toThrow();
    await expect(t.db.transaction({ member: 'KIR' }, (tx) => tx.query(row('AUS')))).rejects.toThrow();
    await expect(t.db.transaction({ member: 'AUS' }, (tx) => tx.query(sql`UPDATE document_hit_checks SET purpose = 'changed' WHERE hit_id = ${id}`))).rejects.toThrow();
    expect((await hit(checker, id)).checks?.some((one) => one.purpose === 'forged' || one.purpose === 'changed')).toBe(false);
  });
});
