import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';

/**
 * Document hits offer their travel document to linkage (documents/hit-entities.ts): the hit's entity
 * row is seen by exactly the two members who see the hit, the issuer and the checking member, and a
 * third member holding the same passport learns only what rule 4 allows.
 */

const PREFIX = '/api/v1';
type Audience = { kind: 'owner' } | { kind: 'members'; members: string[] };
interface ShownRecord {
  module: string;
  recordType: string;
  id: string;
  owner: string;
  label: string;
}
interface Notice {
  side: 'told' | 'holder';
  kind: string;
  key: string | null;
  member: string | null;
  yourRecords: ShownRecord[];
  theirRecords: ShownRecord[];
}

let t: TestContext;
let issuer: TestSession;
let checker: TestSession;
let third: TestSession;
let outsider: TestSession;

const post = (who: TestSession, url: string, payload: Record<string, unknown>) => t.as(who, { method: 'POST', url: PREFIX + url, payload });

async function lead(who: TestSession, title: string, number: string, audience: Audience = { kind: 'owner' }): Promise<string> {
  const response = await post(who, '/linkage/leads', { title, subject: 'person', entities: [{ type: 'travel-document', issuer: 'UTO', number }], sharing: { audience, tlp: 'AMBER' } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
async function links(who: TestSession, id: string): Promise<ShownRecord[]> {
  const response = await t.as(who, { method: 'GET', url: `${PREFIX}/linkage/leads/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { links: { record: ShownRecord }[] } }>().data.links.map((link) => link.record);
}
async function notices(who: TestSession): Promise<Notice[]> {
  const response = await t.as(who, { method: 'GET', url: `${PREFIX}/linkage/notices` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Notice[] }>().data;
}
async function hitOn(number: string): Promise<string> {
  const registered = await post(issuer, '/documents', { type: 'passport', number, status: 'stolen', holder: { surname: 'Vandermeulen' } });
  expect(registered.statusCode, registered.body).toBe(201);
  const response = await post(checker, '/documents/checks', { purpose: 'border control', document: { issuer: 'UTO', type: 'passport', number } });
  expect(response.statusCode, response.body).toBe(200);
  const hitId = response.json<{ data: { hit?: { hitId: string } } }>().data.hit?.hitId;
  expect(hitId).toBeTruthy();
  return hitId as string;
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['UTO', 'AUS', 'CCC', 'NZL']) await t.makeMember(code);
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer', 'approver']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer', 'approver']));
  third = await t.sessionFor(await t.makeUser('CCC', ['analyst', 'approver']));
  outsider = await t.sessionFor(await t.makeUser('NZL', ['analyst', 'approver']));
});
afterAll(() => t.close());

describe('document hits in linkage', () => {
  test('the hit’s entity row carries the hit’s own access fields: the issuer owns it, the checker alone is its audience', async () => {
    const hitId = await hitOn('H0000001');
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ module: string; record_type: string; kind: string; key: string; owner: string; audience_kind: string; audience_members: string[] }>(sql`
        SELECT module, record_type, kind, key, owner, audience_kind, audience_members FROM linkage_entities WHERE record_id = ${hitId}`),
    );
    expect(rows).toEqual([{ module: 'documents', record_type: 'hit', kind: 'travel-document', key: 'UTO:H0000001', owner: 'UTO', audience_kind: 'members', audience_members: ['AUS'] }]);
  });

  test('a lead holding the passport links to the hit for the checker and the issuer, labelled as the hit shows it; others see no link', async () => {
    const hitId = await hitOn('H0000002');
    const checkersLead = await lead(checker, 'AUS’s lead on the holder', 'h0000002');
    const issuersLead = await lead(issuer, 'UTO’s lead on the holder', 'H 000 0002');
    const thirdsLead = await lead(third, 'CCC’s lead on the holder', 'H0000002');
    expect(await links(checker, checkersLead)).toEqual([{ module: 'documents', recordType: 'hit', id: hitId, owner: 'UTO', label: expect.stringContaining('checked by AUS') as string }]);
    expect((await links(issuer, issuersLead)).map((record) => record.id)).toEqual([hitId]);
    expect(await links(third, thirdsLead)).toEqual([]);
  });

  test('a third member holding the passport is told only that a record of the issuer holds it: not that it was checked, nor by whom', async () => {
    const hitId = await hitOn('H0000004');
    await lead(third, 'CCC’s lead on another holder', 'H0000004');
    await matchAll(t.platform);
    const told = (await notices(third)).filter((notice) => notice.side === 'told' && notice.key === 'UTO:H0000004');
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ member: 'UTO', kind: 'travel-document', theirRecords: [] });
    const body = JSON.stringify(told);
    expect(body).not.toContain('AUS');
    expect(body).not.toContain(hitId);
    // The issuer is the holder: it sees its hit among its records, as the hit shows it.
    const held = (await notices(issuer)).filter((notice) => notice.side === 'holder' && notice.member === 'CCC' && notice.key === 'UTO:H0000004');
    expect(held.flatMap((notice) => notice.yourRecords.map((record) => [record.module, record.recordType, record.id]))).toEqual([['documents', 'hit', hitId]]);
    // The checker, in the hit's audience but not its owner, is told nothing of CCC; an outsider nothing at all.
    expect(JSON.stringify(await notices(checker))).not.toContain('H0000004');
    expect(await notices(outsider)).toEqual([]);
  });

  test('no member may write entity rows for a hit it did not open, nor pretend a hit is shared otherwise', async () => {
    const hitId = await hitOn('H0000003');
    const forge = (member: string, members: string[]) =>
      t.db.transaction({ member }, (tx) =>
        tx.query(sql`INSERT INTO linkage_entities (module, record_type, record_id, kind, key, owner, audience_kind, audience_members, tlp)
          VALUES ('documents', 'hit', ${hitId}, 'phone', '+61255501234', 'UTO', 'members', ${members}, 'GREEN')`),
      );
    await expect(forge('CCC', ['CCC'])).rejects.toThrow(/row-level security/);
    await expect(forge('AUS', ['AUS', 'CCC'])).rejects.toThrow(/row-level security/);
  });
});
