import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';
import { applyLinkageRetention } from './retention.js';

const expireLeads = async (...args: Parameters<typeof applyLinkageRetention>) => (await applyLinkageRetention(...args)).leads;

/**
 * Retention of leads: a lead unchanged for the set number of days is deleted with its entity rows, so
 * no link names it any more; a lead changed since stays; what a holder disclosed goes that many days
 * after it was disclosed; each deletion is audited for its owner and no one else.
 */

const LEADS = '/api/v1/linkage/leads';
const DAY = 86_400_000;

interface Lead {
  id: string;
  updatedAt: string;
  keptUntil: string | null;
  links: { record: { id: string } }[];
}

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let aaaApprover: TestSession;

async function write(session: TestSession, title: string, phone: string, audience: Record<string, unknown>): Promise<Lead> {
  const response = await t.as(session, { method: 'POST', url: LEADS, payload: { title, subject: 'person', entities: [{ type: 'phone', value: phone }], sharing: { audience, tlp: 'AMBER' } } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Lead }>().data;
}
const read = (session: TestSession, id: string) => t.as(session, { method: 'GET', url: `${LEADS}/${id}` });
const ageLead = (id: string, days: number) =>
  t.db.ownerTransaction((tx) => tx.query(sql`UPDATE linkage_leads SET updated_at = now() - make_interval(days => ${days}::int) WHERE id = ${id}`));
const entityRows = (id: string) => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM linkage_entities WHERE record_id = ${id}`));

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  aaaApprover = await t.sessionFor(await t.makeUser('AAA', ['approver']));
});
afterAll(() => t.close());

describe('leads past their retention', () => {
  test('are deleted with their entities and links, five years after their last change by default; each audited for its owner', async () => {
    const old = await write(aaa, 'Old agent', '+62 812 5555 0001', { kind: 'members', members: ['BBB'] });
    const recent = await write(aaa, 'Recent agent', '+62 812 5555 0002', { kind: 'owner' });
    const theirs = await write(bbb, 'BBB’s agent', '0062 812 5555 0001', { kind: 'owner' });
    // Each lead says when it goes unless changed: 1,825 days after its last change; the audience sees it too.
    expect(Date.parse(old.keptUntil ?? '') - Date.parse(old.updatedAt)).toBe(1825 * DAY);
    expect((await read(bbb, old.id)).json<{ data: Lead }>().data.keptUntil).toBe(old.keptUntil);
    expect((await read(bbb, theirs.id)).json<{ data: Lead }>().data.links.map((link) => link.record.id)).toEqual([old.id]);

    await ageLead(old.id, 1826);
    await ageLead(recent.id, 1824);
    expect(await expireLeads(t.platform, new Date(), 0)).toBe(0);
    expect(await expireLeads(t.platform)).toBe(1);

    expect((await read(aaa, old.id)).statusCode).toBe(404);
    expect((await read(bbb, old.id)).statusCode).toBe(404);
    expect(await entityRows(old.id)).toEqual({ n: 0 });
    expect((await read(aaa, recent.id)).statusCode).toBe(200);
    expect(await entityRows(recent.id)).toEqual({ n: 1 });
    expect((await read(bbb, theirs.id)).json<{ data: Lead }>().data.links).toEqual([]);

    const audited = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string; object_id: string; object_owners: string[]; details: { title: string; days: number } }>(sql`
        SELECT member, object_id, object_owners, details FROM audit_log WHERE action = 'linkage.lead-expire'`),
    );
    expect(audited).toEqual([{ member: 'AAA', object_id: old.id, object_owners: [], details: { title: 'Old agent', days: 1825 } }]);
    // The recent one goes in its turn, a day later by the clock.
    expect(await expireLeads(t.platform, new Date(Date.now() + 2 * DAY))).toBe(1);
    expect((await read(aaa, recent.id)).statusCode).toBe(404);
  });

  test('a backlog larger than a transaction goes in batches', async () => {
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO linkage_leads (title, subject, owner, audience_kind, tlp, updated_at)
        SELECT 'Old ' || g, 'person', 'BBB', 'owner', 'AMBER', now() - interval '6 years' FROM generate_series(1, 505) g`),
    );
    expect(await expireLeads(t.platform)).toBe(505);
    expect(await t.db.ownerTransaction((tx) => tx.one<{ leads: number; audited: number }>(sql`
      SELECT (SELECT count(*)::int FROM linkage_leads WHERE owner = 'BBB' AND title LIKE 'Old %') AS leads,
        (SELECT count(*)::int FROM audit_log WHERE action = 'linkage.lead-expire' AND member = 'BBB') AS audited`))).toEqual({ leads: 0, audited: 505 });
  });

  test('what a holder disclosed is deleted that many days after; the request stays, granted, showing nothing', async () => {
    const held = await write(aaa, 'Organiser', '+62 812 7777 0001', { kind: 'owner' });
    await write(bbb, 'Our organiser', '0062 812 7777 0001', { kind: 'owner' });
    await matchAll(t.platform);
    const notices = (await t.as(bbb, { method: 'GET', url: '/api/v1/linkage/notices?side=told' })).json<{ data: { id: string; key: string }[] }>().data;
    const notice = notices.find((item) => item.key === '+6281277770001');
    expect(notice).toBeDefined();
    const asked = await t.as(bbb, { method: 'POST', url: `/api/v1/linkage/notices/${notice?.id ?? ''}/requests`, payload: { reason: 'The same number organised two crossings.', urgency: 'routine' } });
    expect(asked.statusCode, asked.body).toBe(201);
    const request = asked.json<{ data: { id: string } }>().data.id;
    const granted = await t.as(aaaApprover, {
      method: 'POST', url: `/api/v1/linkage/requests/${request}/grant`,
      payload: { records: [{ id: held.id, fields: ['title'] }], sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } },
    });
    expect(granted.statusCode, granted.body).toBe(200);
    const disclosed = async () => (await t.as(bbb, { method: 'GET', url: `/api/v1/linkage/requests/${request}` })).json<{ data: { status: string; disclosed: unknown[] } }>().data;
    expect((await disclosed()).disclosed).toHaveLength(1);

    expect(await applyLinkageRetention(t.platform, new Date(Date.now() + 1824 * DAY))).toEqual({ leads: 0, disclosures: 0 });
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE linkage_disclosures SET created_at = now() - interval '1826 days' WHERE request_id = ${request}`));
    expect(await applyLinkageRetention(t.platform)).toEqual({ leads: 0, disclosures: 1 });
    expect(await disclosed()).toMatchObject({ status: 'granted', disclosed: [] });
    const audited = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string; object_id: string; details: { record: string } }>(sql`SELECT member, object_id, details FROM audit_log WHERE action = 'linkage.disclosure-expire'`),
    );
    expect(audited).toEqual([{ member: 'AAA', object_id: request, details: { record: held.id, days: 1825 } }]);
  });
});
