import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { ICAO_ISSUERS, memberCodeForIssuer } from './icao.js';
import { documentKey } from './number.js';
import { registerOf } from './register.js';

/**
 * The register and the online check through the API: issuer-only writes, foreign reports, checks
 * by number, MRZ and batch with their errors, the sharing rule on hits, cancellation, hit records
 * and step two, and the audit row of every check.
 */

const TD3 = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';
const PREFIX = '/api/v1';
const PURPOSE = 'border control at Jakarta airport';

let t: TestContext;
let issuer: TestSession;
let issuerApprover: TestSession;
let checker: TestSession;
let other: TestSession;
let observer: TestSession;
let analystOnly: TestSession;

const post = (who: TestSession, url: string, payload: unknown) => t.as(who, { method: 'POST', url: PREFIX + url, payload: payload as Record<string, unknown> });
const get = (who: TestSession, url: string) => t.as(who, { method: 'GET', url: PREFIX + url });

async function addDocument(payload: Record<string, unknown>, who = issuer): Promise<{ id: string; number: string }> {
  const response = await post(who, '/documents', { type: 'passport', status: 'stolen', ...payload });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string; number: string } }>().data;
}

async function check(who: TestSession, document: Record<string, unknown>) {
  const response = await post(who, '/documents/checks', { purpose: PURPOSE, document });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { result: string; document: Record<string, string>; hit?: Record<string, unknown> & { contact: { member: string; focalPoints: unknown[] } } } }>().data;
}

async function auditRows(member: string, action: string): Promise<{ purpose: string | null; details: Record<string, unknown>; object_owners: string[] }[]> {
  return t.db.ownerTransaction((tx) => tx.query(sql`SELECT purpose, details, object_owners FROM audit_log WHERE member = ${member} AND action = ${action} ORDER BY seq`));
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO', { name: 'Utopia' });
  await t.makeMember('AUS');
  await t.makeMember('NZL');
  await t.makeMember('BEL', { status: 'observer' });
  const issuerUser = await t.makeUser('UTO', ['officer']);
  issuer = await t.sessionFor(issuerUser);
  issuerApprover = await t.sessionFor(await t.makeUser('UTO', ['approver']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  other = await t.sessionFor(await t.makeUser('NZL', ['officer', 'member-admin']));
  observer = await t.sessionFor(await t.makeUser('BEL', ['officer']));
  analystOnly = await t.sessionFor(await t.makeUser('AUS', ['approver']));
  await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO focal_points (member, topic, user_id) VALUES ('UTO', 'documents', ${issuerUser.id})`));
});
afterAll(() => t.close());

describe('the register', () => {
  test('the database maps every ICAO code to the member that issues it, as memberCodeForIssuer does', async () => {
    const codes = [...ICAO_ISSUERS.keys()];
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ code: string; member: string }>(sql`SELECT code, documents_issuer_member(code) AS member FROM unnest(${codes}::text[]) AS code`),
    );
    expect(rows.map((row) => [row.code, row.member])).toEqual(codes.map((code) => [code, memberCodeForIssuer(code)]));
  });

  test('the issuer adds a document, normalised, shared with every full member (GREEN) by default; twice is a conflict', async () => {
    const response = await post(issuer, '/documents', { type: 'passport', number: ' ab 12-34 56 ', status: 'lost', lostOn: '2024-03-01', holder: { surname: 'Eriksson', sex: 'F' } });
    expect(response.statusCode, response.body).toBe(201);
    const doc = response.json<{ data: Record<string, unknown> }>().data;
    expect(doc).toMatchObject({ issuer: 'UTO', number: 'AB123456', status: 'lost', state: 'active', owner: 'UTO', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' }, holder: { surname: 'Eriksson', sex: 'F' } });
    const again = await post(issuer, '/documents', { type: 'passport', number: 'AB123456', status: 'stolen' });
    expect(again.statusCode).toBe(409);
  });

  test('bad numbers, dates and codes are 400 with pointers, and nothing is written', async () => {
    const response = await post(issuer, '/documents', { type: 'passport', number: 'AB#12', status: 'lost', lostOn: '2999-01-01', holder: { nationality: 'QQQ' } });
    expect(response.statusCode).toBe(400);
    const pointers = response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer).sort();
    expect(pointers).toEqual(['/holder/nationality', '/lostOn', '/number']);
    const unknownStatus = await post(issuer, '/documents', { type: 'passport', number: 'AB12', status: 'misplaced' });
    expect(unknownStatus.statusCode).toBe(400);
  });

  test('only the issuer writes: another member that sees the record is refused (403), one that does not gets 404', async () => {
    const { id } = await addDocument({ number: 'W100001' });
    const hidden = await addDocument({ number: 'W100002', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
    expect((await t.as(checker, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { status: 'lost' } })).statusCode).toBe(403);
    expect((await post(checker, `/documents/${id}/cancel`, {})).statusCode).toBe(403);
    expect((await post(checker, `/documents/${hidden.id}/cancel`, {})).statusCode).toBe(404);
    expect((await get(checker, `/documents/${hidden.id}`)).statusCode).toBe(404);
    // A member whose code is no ICAO issuer keeps no register, and another member cannot add UTO's documents.
    const added = await post(checker, '/documents', { type: 'passport', number: 'W100001', status: 'lost' });
    expect(added.statusCode).toBe(201);
    expect(added.json<{ data: { issuer: string } }>().data.issuer).toBe('AUS');
    // Row-level security refuses a UTO record written by AUS even past the service.
    await expect(
      t.db.transaction({ member: 'AUS' }, (tx) => tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner) VALUES ('UTO', 'passport', 'FORGED1', 'lost', 'AUS')`)),
    ).rejects.toThrow();
    await expect(
      t.db.transaction({ member: 'AUS' }, (tx) => tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner) VALUES ('UTO', 'passport', 'FORGED1', 'lost', 'UTO')`)),
    ).rejects.toThrow();
    // The issuer changes its own record.
    const changed = await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { status: 'revoked', place: 'Utopia City' } });
    expect(changed.json<{ data: Record<string, unknown> }>().data).toMatchObject({ status: 'revoked', place: 'Utopia City' });
  });

  test('the register lists the member’s own documents with filters and pages', async () => {
    for (const number of ['L100001', 'L100002', 'L100003']) await addDocument({ number, status: 'lost' });
    const page1 = (await get(issuer, '/documents?number=L1000&limit=2')).json<{ data: { number: string }[]; next: string | null }>();
    expect(page1.data.map((doc) => doc.number)).toEqual(['L100001', 'L100002']);
    const page2 = (await get(issuer, `/documents?number=L1000&limit=2&cursor=${page1.next}`)).json<{ data: { number: string }[]; next: string | null }>();
    expect(page2.data.map((doc) => doc.number)).toEqual(['L100003']);
    expect(page2.next).toBeNull();
    const lost = (await get(issuer, '/documents?status=lost&limit=100')).json<{ data: { status: string }[] }>();
    expect(lost.data.every((doc) => doc.status === 'lost')).toBe(true);
    // Another member's register view shows its own records only.
    const theirs = (await get(checker, '/documents?limit=100')).json<{ data: { owner: string }[] }>();
    expect(theirs.data.every((doc) => doc.owner === 'AUS')).toBe(true);
  });
});

describe('checks', () => {
  test('by number: a hit with status, dates and the issuer’s focal point; unknown numbers are no hit; input is normalised', async () => {
    await addDocument({ number: 'C7700001', status: 'stolen', lostOn: '2024-01-02', expiresOn: '2030-01-01' });
    const hit = await check(checker, { issuer: 'uto', type: 'passport', number: 'c77 000-01' });
    expect(hit.result).toBe('hit');
    expect(hit.hit).toMatchObject({ issuer: 'UTO', number: 'C7700001', status: 'stolen', lostOn: '2024-01-02', expiresOn: '2030-01-01', contact: { member: 'UTO' } });
    expect(hit.hit?.contact.focalPoints).toHaveLength(1);
    const miss = await check(checker, { issuer: 'UTO', type: 'passport', number: 'C7700002' });
    expect(miss).toEqual({ result: 'no-hit', document: { issuer: 'UTO', type: 'passport', number: 'C7700002' } });
    // The type is part of the key: the same number as an identity card is another document.
    expect((await check(checker, { issuer: 'UTO', type: 'identity-card', number: 'C7700001' })).result).toBe('no-hit');
  });

  test('a hit names the issuer’s focal points for documents, by name, else its general ones; disabled users are left out', async () => {
    const general = await t.makeUser('NZL', ['officer'], { email: 'general@nzl.test' });
    const zed = await t.makeUser('NZL', ['officer'], { email: 'zed@nzl.test' });
    const abe = await t.makeUser('NZL', ['officer'], { email: 'abe@nzl.test' });
    const focal = (topic: string, user: { id: string }) => t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO focal_points (member, topic, user_id) VALUES ('NZL', ${topic}, ${user.id})`));
    const { number } = await addDocument({ number: 'NZ4400001' }, other);
    const contact = async () => (await check(checker, { issuer: 'NZL', type: 'passport', number })).hit?.contact;
    expect(await contact()).toEqual({ member: 'NZL', memberName: expect.any(String), focalPoints: [] });
    await focal('general', general);
    expect((await contact())?.focalPoints).toEqual([{ name: 'User general@nzl.test', email: 'general@nzl.test' }]);
    await focal('documents', zed);
    await focal('documents', abe);
    expect((await contact())?.focalPoints).toEqual([
      { name: 'User abe@nzl.test', email: 'abe@nzl.test' },
      { name: 'User zed@nzl.test', email: 'zed@nzl.test' },
    ]);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${abe.id}`));
    expect((await contact())?.focalPoints).toEqual([{ name: 'User zed@nzl.test', email: 'zed@nzl.test' }]);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE users SET disabled = true WHERE id = ${zed.id}`));
    expect((await contact())?.focalPoints).toEqual([{ name: 'User general@nzl.test', email: 'general@nzl.test' }]);
  });

  test('by MRZ: the ICAO specimen passport hits once registered; a corrupted check digit names line, column and field', async () => {
    await addDocument({ number: 'L898902C3', status: 'stolen' });
    const response = await post(checker, '/documents/checks', { purpose: PURPOSE, mrz: TD3 });
    expect(response.json<{ data: { result: string; document: unknown } }>().data).toMatchObject({ result: 'hit', document: { issuer: 'UTO', type: 'passport', number: 'L898902C3' } });
    const corrupted = TD3.replace('L898902C36', 'L898902C37');
    const bad = await post(checker, '/documents/checks', { purpose: PURPOSE, mrz: corrupted });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const errors = bad.json<{ errors: { pointer: string; detail: string }[] }>().errors;
    expect(errors[0]?.pointer).toBe('/mrz');
    expect(errors.map((error) => error.detail).join(' ')).toMatch(/line 2, column 10: number/);
    // An OCR confusion: G read for the 6 of the number's check digit is pointed out, with the digit that passes.
    const ocr = await post(checker, '/documents/checks', { purpose: PURPOSE, mrz: TD3.replace('L898902C36', 'L898902C3G') });
    expect(ocr.statusCode).toBe(400);
    expect(ocr.json<{ errors: { detail: string }[] }>().errors.map((error) => error.detail)).toEqual([
      'line 2, column 10: number: the check digit of the document number must be a digit, not "G" ("G" at line 2, column 10 is probably "6")',
    ]);
  });

  test('a request names exactly one of document and mrz, and carries a purpose', async () => {
    expect((await post(checker, '/documents/checks', { purpose: PURPOSE })).statusCode).toBe(400);
    expect((await post(checker, '/documents/checks', { purpose: PURPOSE, mrz: TD3, document: { issuer: 'UTO', type: 'passport', number: 'X1' } })).statusCode).toBe(400);
    expect((await post(checker, '/documents/checks', { document: { issuer: 'UTO', type: 'passport', number: 'X1' } })).statusCode).toBe(400);
    const unknownIssuer = await post(checker, '/documents/checks', { purpose: PURPOSE, document: { issuer: 'ZZZ', type: 'passport', number: 'X1' } });
    expect(unknownIssuer.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/document/issuer']);
    // A role that does not check is refused.
    expect((await post(analystOnly, '/documents/checks', { purpose: PURPOSE, document: { issuer: 'UTO', type: 'passport', number: 'X1' } })).statusCode).toBe(403);
  });

  test('a member outside the audience gets exactly no hit; the one named gets the hit; observers do not see "all"', async () => {
    await addDocument({ number: 'N5500001', sharing: { audience: { kind: 'members', members: ['NZL'] }, tlp: 'AMBER' } });
    await addDocument({ number: 'N5500002' });
    const outside = await check(checker, { issuer: 'UTO', type: 'passport', number: 'N5500001' });
    const absent = await check(checker, { issuer: 'UTO', type: 'passport', number: 'N5500009' });
    expect(outside).toEqual({ ...absent, document: { ...absent.document, number: 'N5500001' } });
    expect((await check(other, { issuer: 'UTO', type: 'passport', number: 'N5500001' })).result).toBe('hit');
    expect((await check(observer, { issuer: 'UTO', type: 'passport', number: 'N5500002' })).result).toBe('no-hit');
  });

  test('a document hidden from a member takes the path of one nobody registered: the index answers without the database', async () => {
    const register = registerOf(t.platform);
    const key = (number: string) => documentKey('UTO', 'passport', number);
    const aus = { member: 'AUS', fullMember: true, groups: [] };
    const nzl = { member: 'NZL', fullMember: true, groups: [] };
    const bel = { member: 'BEL', fullMember: false, groups: [] };
    const { id } = await addDocument({ number: 'IX700001', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
    await addDocument({ number: 'IX700002', sharing: { audience: { kind: 'members', members: ['NZL'] }, tlp: 'AMBER' } });
    await addDocument({ number: 'IX700003' });
    expect(register.mayHold(key('IX700001'), aus)).toBe(false);
    expect(register.mayHold(key('IX700001'), { member: 'UTO', fullMember: true, groups: [] })).toBe(true);
    expect([aus, nzl, bel].map((viewer) => register.mayHold(key('IX700002'), viewer))).toEqual([false, true, false]);
    expect([aus, nzl, bel].map((viewer) => register.mayHold(key('IX700003'), viewer))).toEqual([true, true, false]);
    expect(register.mayHoldMany([key('IX700001'), key('IX700002'), key('IX700003'), key('IX700009')], nzl)).toEqual([false, true, true, false]);
    // The owner widens the audience: the index follows once the change is committed; and narrows it again.
    const widened = await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } });
    expect(widened.statusCode, widened.body).toBe(200);
    expect(register.mayHold(key('IX700001'), aus)).toBe(true);
    expect((await check(checker, { issuer: 'UTO', type: 'passport', number: 'IX700001' })).result).toBe('hit');
    await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { sharing: { audience: { kind: 'groups', groups: [] }, tlp: 'AMBER' } } });
    const narrowed = await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect(register.mayHold(key('IX700001'), aus)).toBe(false);
    // A change that is refused leaves the index as it was.
    const refused = await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { sharing: { audience: { kind: 'members', members: ['NOPE'] }, tlp: 'AMBER' } } });
    expect(refused.statusCode).toBe(400);
    expect(register.mayHold(key('IX700001'), aus)).toBe(false);
    expect((await check(checker, { issuer: 'UTO', type: 'passport', number: 'IX700001' })).result).toBe('no-hit');
  });

  test('a cancelled document stops hitting at once', async () => {
    const { id } = await addDocument({ number: 'K3300001' });
    expect((await check(checker, { issuer: 'UTO', type: 'passport', number: 'K3300001' })).result).toBe('hit');
    const cancelled = await post(issuer, `/documents/${id}/cancel`, { reason: 'found by its holder' });
    expect(cancelled.json<{ data: { state: string } }>().data.state).toBe('cancelled');
    expect((await check(checker, { issuer: 'UTO', type: 'passport', number: 'K3300001' })).result).toBe('no-hit');
    // Bulk cancellation, by a list and by CSV.
    await addDocument({ number: 'K3300002' });
    await addDocument({ number: 'K3300003' });
    const bulk = await post(issuer, '/documents/cancel', { documents: [{ type: 'passport', number: 'K3300002' }, { type: 'passport', number: 'K3300001' }, { type: 'visa', number: 'NOPE1' }] });
    expect(bulk.json()).toEqual({ cancelled: 1, alreadyCancelled: 1, notFound: [{ type: 'visa', number: 'NOPE1' }], notFoundCount: 1 });
    const csv = await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/cancel.csv`, headers: { 'content-type': 'text/csv' }, payload: 'type,number\npassport,K3300003\n' });
    expect(csv.json(), csv.body).toMatchObject({ cancelled: 1 });
    for (const number of ['K3300002', 'K3300003']) expect((await check(checker, { issuer: 'UTO', type: 'passport', number })).result).toBe('no-hit');
  });

  test('a batch answers every document in order, one audit row for the request; an unreadable item refuses the batch', async () => {
    await addDocument({ number: 'B2200001' });
    const documents = [
      { issuer: 'UTO', type: 'passport', number: 'B2200001' },
      { issuer: 'UTO', type: 'passport', number: 'B2200009' },
      { mrz: TD3 },
    ];
    const before = (await auditRows('AUS', 'documents.check')).length;
    const response = await post(checker, '/documents/checks/batch', { purpose: 'flight manifest LN123', documents });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ data: { result: string }[]; checked: number; hits: number }>();
    expect(body.data.map((answer) => answer.result)).toEqual(['hit', 'no-hit', 'hit']);
    expect(body).toMatchObject({ checked: 3, hits: 2 });
    const rows = await auditRows('AUS', 'documents.check');
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ purpose: 'flight manifest LN123', object_owners: ['UTO'], details: { via: 'batch', count: 3, hits: 2 } });
    const bad = await post(checker, '/documents/checks/batch', { purpose: 'x', documents: [...documents, { issuer: 'UTO', type: 'passport', number: '###' }, { mrz: 'P<UTO' }, { issuer: 'QQQ', type: 'passport', number: 'A1' }] });
    expect(bad.statusCode).toBe(400);
    const pointers = bad.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer);
    expect(pointers).toEqual(['/documents/3/number', '/documents/4/mrz', '/documents/5/issuer']);
    expect((await auditRows('AUS', 'documents.check')).length).toBe(before + 1);
  });

  test('every check is audited with the requester, the purpose and what was checked, hit or not', async () => {
    const before = (await auditRows('AUS', 'documents.check')).length;
    await check(checker, { issuer: 'UTO', type: 'visa', number: 'AUDIT001' });
    const rows = await auditRows('AUS', 'documents.check');
    expect(rows.length).toBe(before + 1);
    expect(rows.at(-1)).toMatchObject({ purpose: PURPOSE, object_owners: [], details: { via: 'number', checked: ['UTO/visa/AUDIT001'], hits: 0 } });
  });
});

describe('hits and foreign reports', () => {
  test('a hit opens a record the issuer answers; the checker sees the outcome and is told; step two discloses the holder', async () => {
    await addDocument({ number: 'H4400001', holder: { surname: 'Doe', givenNames: 'Jane', birthDate: '1980-02-03' } });
    const found = await check(checker, { issuer: 'UTO', type: 'passport', number: 'H4400001' });
    const hitId = String(found.hit?.hitId);
    expect(found.hit).not.toHaveProperty('holder');
    const queue = (await get(issuer, '/documents/hits?outcome=pending&limit=100')).json<{ data: { id: string }[] }>();
    expect(queue.data.map((hit) => hit.id)).toContain(hitId);
    // The checker sees its hit; a third member does not.
    expect((await get(checker, `/documents/hits/${hitId}`)).json<{ data: { outcome: string } }>().data.outcome).toBe('pending');
    // The checker reads a record its issuer owns: on the record.
    expect((await auditRows('AUS', 'document-hit.read')).length).toBe(1);
    expect((await get(other, `/documents/hits/${hitId}`)).statusCode).toBe(404);
    // Only the issuer answers.
    expect((await post(checker, `/documents/hits/${hitId}/answer`, { outcome: 'confirmed' })).statusCode).toBe(403);
    const answered = await post(issuerApprover, `/documents/hits/${hitId}/answer`, { outcome: 'confirmed', notes: 'Seize the document; call our liaison officer.' });
    expect(answered.json<{ data: { outcome: string } }>().data.outcome).toBe('confirmed');
    expect((await post(issuer, `/documents/hits/${hitId}/answer`, { outcome: 'denied' })).statusCode).toBe(409);
    const mine = (await get(checker, '/documents/hits?side=checker&limit=100')).json<{ data: { id: string; outcome: string; notes: string }[] }>();
    expect(mine.data.find((hit) => hit.id === hitId)).toMatchObject({ outcome: 'confirmed', notes: 'Seize the document; call our liaison officer.' });
    const inbox = (await get(checker, '/inbox')).json<{ data: { kind: string; objectId: string }[] }>();
    expect(inbox.data).toContainEqual(expect.objectContaining({ kind: 'document-hit.answered', objectId: hitId }));
    // Step two: the holder, read on the record, audited.
    const holder = await get(checker, `/documents/hits/${hitId}/holder`);
    expect(holder.json<{ data: { holder: unknown } }>().data.holder).toEqual({ surname: 'Doe', givenNames: 'Jane', birthDate: '1980-02-03' });
    expect((await auditRows('AUS', 'document.holder-read')).length).toBe(1);
    expect((await get(other, `/documents/hits/${hitId}/holder`)).statusCode).toBe(404);
  });

  test('another member reports a foreign document; the issuer confirms it (it hits) or rejects it; the reporter is told', async () => {
    const report = await post(checker, '/documents/reports', { issuer: 'UTO', type: 'passport', number: 'F6600001', status: 'counterfeit', note: 'Seized at Darwin' });
    expect(report.statusCode, report.body).toBe(201);
    const reported = report.json<{ data: { id: string; state: string; owner: string } }>().data;
    expect(reported).toMatchObject({ state: 'pending-confirmation', owner: 'UTO' });
    // It does not hit while it waits, and a third member does not see it.
    expect((await check(other, { issuer: 'UTO', type: 'passport', number: 'F6600001' })).result).toBe('no-hit');
    expect((await get(other, `/documents/${reported.id}`)).statusCode).toBe(404);
    // The issuer sees it among its pending records; the reporter cannot decide on it.
    const pending = (await get(issuer, '/documents?state=pending-confirmation')).json<{ data: { id: string }[] }>();
    expect(pending.data.map((doc) => doc.id)).toContain(reported.id);
    expect((await post(checker, `/documents/${reported.id}/confirm`, {})).statusCode).toBe(403);
    const confirmed = await post(issuer, `/documents/${reported.id}/confirm`, { note: 'Ours; thank you.' });
    expect(confirmed.json<{ data: { state: string; sharing: { audience: { kind: string } } } }>().data).toMatchObject({ state: 'active', sharing: { audience: { kind: 'all' } } });
    expect((await check(other, { issuer: 'UTO', type: 'passport', number: 'F6600001' })).result).toBe('hit');
    const mine = (await get(checker, '/documents/reports')).json<{ data: { id: string; state: string; document: { state: string } | null }[] }>();
    // Confirmed and shared with every full member: the reporter sees its report confirmed, and the record like any member.
    expect(mine.data.find((doc) => doc.id === reported.id)).toMatchObject({ state: 'confirmed', document: { state: 'active' } });

    const second = (await post(checker, '/documents/reports', { issuer: 'UTO', type: 'visa', number: 'F6600002', status: 'forged' })).json<{ data: { id: string } }>().data;
    const rejected = await post(issuer, `/documents/${second.id}/reject`, { note: 'Not issued by us' });
    expect(rejected.json<{ data: { state: string } }>().data.state).toBe('rejected');
    // A rejected report stays the reporter's to read, with the issuer's note to it.
    expect((await get(checker, `/documents/${second.id}`)).json<{ data: { decisionNote: string } }>().data.decisionNote).toBe('Not issued by us');
    expect((await post(issuer, `/documents/${second.id}/confirm`, {})).statusCode).toBe(409);
    const inbox = (await get(checker, '/inbox')).json<{ data: { kind: string }[] }>();
    expect(inbox.data.map((note) => note.kind)).toEqual(expect.arrayContaining(['document.report-confirmed', 'document.report-rejected']));
    // A report of a non-member's document, or of one's own, is refused.
    expect((await post(checker, '/documents/reports', { issuer: 'FRA', type: 'passport', number: 'X1', status: 'lost' })).statusCode).toBe(400);
    expect((await post(checker, '/documents/reports', { issuer: 'AUS', type: 'passport', number: 'X1', status: 'lost' })).statusCode).toBe(400);
  });
  test('a confirmed report is the issuer’s record: the reporter keeps only its report’s status, unless the issuer shares the record with it', async () => {
    const report = await post(checker, '/documents/reports', { issuer: 'UTO', type: 'passport', number: 'F6600003', status: 'stolen', place: 'Found in Darwin', note: 'Handed in at the airport' });
    expect(report.statusCode, report.body).toBe(201);
    const id = report.json<{ data: { id: string } }>().data.id;
    // While it waits the reporter reads its report.
    expect((await get(checker, `/documents/${id}`)).statusCode).toBe(200);
    const confirmed = await post(issuer, `/documents/${id}/confirm`, { note: 'Ours, thank you', sharing: { audience: { kind: 'owner' }, tlp: 'RED' } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    const changed = await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${id}`, payload: { remarks: 'Issuer-only remark', place: 'Issuer-only place' } });
    expect(changed.statusCode, changed.body).toBe(200);

    const reportOf = async () => {
      const list = await get(checker, '/documents/reports?limit=100');
      expect(list.statusCode, list.body).toBe(200);
      const found = list.json<{ data: { id: string }[] }>().data.filter((item) => item.id === id);
      expect(found).toHaveLength(1);
      return { item: found[0] as Record<string, unknown>, body: list.body };
    };
    // The issuer keeps it to itself: to the reporter it is like any record it may not see, and its list says only "confirmed".
    expect((await get(checker, `/documents/${id}`)).statusCode).toBe(404);
    expect((await check(checker, { issuer: 'UTO', type: 'passport', number: 'F6600003' })).result).toBe('no-hit');
    let mine = await reportOf();
    expect(mine.item).toEqual({
      id, issuer: 'UTO', issuerName: 'Utopia (ICAO specimen)', type: 'passport', number: 'F6600003', state: 'confirmed', note: 'Handed in at the airport',
      decisionNote: 'Ours, thank you', decidedAt: expect.any(String), reportedAt: expect.any(String), document: null,
    });
    expect(mine.body).not.toContain('Issuer-only');
    expect(mine.body).not.toContain('Found in Darwin');
    const onlyConfirmed = (await get(checker, '/documents/reports?state=confirmed&limit=100')).json<{ data: { id: string; state: string }[] }>().data;
    expect(onlyConfirmed.map((item) => item.state)).toEqual(onlyConfirmed.map(() => 'confirmed'));
    expect(onlyConfirmed.map((item) => item.id)).toContain(id);
    // Cancelled later, with a reason: the reporter learns nothing of it.
    expect((await post(issuer, `/documents/${id}/cancel`, { reason: 'Issuer-only reason' })).statusCode).toBe(200);
    expect((await get(checker, `/documents/${id}`)).statusCode).toBe(404);
    mine = await reportOf();
    expect(mine.item).toMatchObject({ state: 'confirmed', document: null });
    expect(mine.body).not.toContain('Issuer-only');

    // Under row-level security alone the reporter sees no more of the record than through both walls.
    const rows = await t.db.transaction({ member: 'AUS' }, (tx) => tx.query(sql`SELECT id FROM travel_documents WHERE id = ${id}`));
    expect(rows).toEqual([]);

    // A record the issuer shares with every full member: the reporter reads it as any member does.
    const second = (await post(checker, '/documents/reports', { issuer: 'UTO', type: 'visa', number: 'F6600004', status: 'forged' })).json<{ data: { id: string } }>().data;
    expect((await post(issuer, `/documents/${second.id}/confirm`, { sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } })).statusCode).toBe(200);
    await t.as(issuer, { method: 'PATCH', url: `${PREFIX}/documents/${second.id}`, payload: { remarks: 'For every member' } });
    const asReporter = await get(checker, `/documents/${second.id}`);
    const asOther = await get(other, `/documents/${second.id}`);
    expect(asReporter.statusCode).toBe(200);
    expect(asReporter.json<{ data: unknown }>().data).toEqual(asOther.json<{ data: unknown }>().data);
    const listed = (await get(checker, '/documents/reports?limit=100')).json<{ data: { id: string; state: string; document: unknown }[] }>().data.find((item) => item.id === second.id);
    expect(listed).toMatchObject({ state: 'confirmed', document: asReporter.json<{ data: unknown }>().data });
  });
});
