import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';

/**
 * GET /home: what waits for the user, module by module. Each count is exactly what its link's list
 * shows (the list's API with the same filter, over all its pages); only the user's own member's
 * records and the user's own notifications count, so another member's pending work never shows; four
 * eyes: an approver's own submissions are not waiting for them.
 */

const PREFIX = '/api/v1';

let t: TestContext;
let utoOfficer: TestSession;
let utoApprover: TestSession;
let utoSubmittingApprover: TestSession;
let utoAnalyst: TestSession;
let ausOfficer: TestSession;
let ausApprover: TestSession;

interface Item {
  module: string;
  key: string;
  label: string;
  count: number;
  link: string;
}

const get = (who: TestSession, url: string) => t.as(who, { method: 'GET', url: PREFIX + url });
const post = (who: TestSession, url: string, payload: Record<string, unknown> = {}) => t.as(who, { method: 'POST', url: PREFIX + url, payload });

async function home(who: TestSession): Promise<Item[]> {
  const response = await get(who, '/home');
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ attention: Item[] }>().attention;
}

const countOf = (items: Item[], key: string): number | undefined => items.find((item) => item.key === key)?.count;

async function submittedReport(who: TestSession): Promise<string> {
  const created = await post(who, '/reports', { where: { country: 'IDN' }, incidentType: 'smuggling-sea', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } });
  expect(created.statusCode, created.body).toBe(201);
  const id = created.json<{ data: { id: string } }>().data.id;
  const submitted = await post(who, `/reports/${id}/submit`);
  expect(submitted.statusCode, submitted.body).toBe(200);
  return id;
}

async function hit(owner: TestSession, checker: TestSession, issuer: string, number: string): Promise<void> {
  const added = await post(owner, '/documents', { type: 'passport', status: 'stolen', number });
  expect(added.statusCode, added.body).toBe(201);
  const checked = await post(checker, '/documents/checks', { purpose: 'border control', document: { issuer, type: 'passport', number } });
  expect(checked.json<{ data: { result: string } }>().data.result).toBe('hit');
}

/** The web's pages whose API path differs from their own. */
const API_PATH: Record<string, string> = { '/documents/register': '/documents' };

/** Every item of a list the web page at `link` shows, read through the API page by page (the page's own API path). */
async function listed(who: TestSession, link: string, key: 'data' | 'unread' = 'data'): Promise<number> {
  const url = new URL(link, 'http://lintas');
  url.pathname = API_PATH[url.pathname] ?? url.pathname;
  if (key === 'unread') return (await get(who, url.pathname)).json<{ unread: number }>().unread;
  // The disclosure requests' list does not page yet (at most 200): counted in one answer.
  if (url.pathname === '/linkage/requests') return (await get(who, url.pathname + url.search)).json<{ data: unknown[] }>().data.length;
  let total = 0;
  let cursor: string | null = null;
  do {
    url.searchParams.set('limit', '2');
    if (cursor) url.searchParams.set('cursor', cursor);
    const response = await get(who, url.pathname + url.search);
    expect(response.statusCode, response.body).toBe(200);
    const page = response.json<{ data: unknown[]; next: string | null }>();
    total += page.data.length;
    cursor = page.next;
  } while (cursor);
  return total;
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO', { name: 'Utopia' });
  await t.makeMember('AUS', { name: 'Australia' });
  utoOfficer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  utoApprover = await t.sessionFor(await t.makeUser('UTO', ['approver']));
  utoSubmittingApprover = await t.sessionFor(await t.makeUser('UTO', ['officer', 'approver']));
  utoAnalyst = await t.sessionFor(await t.makeUser('UTO', ['analyst']));
  ausOfficer = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  ausApprover = await t.sessionFor(await t.makeUser('AUS', ['approver']));

  // Utopia: three submitted reports (one by an approver), one draft; Australia: two submitted.
  await submittedReport(utoOfficer);
  await submittedReport(utoOfficer);
  await submittedReport(utoSubmittingApprover);
  expect((await post(utoOfficer, '/reports', { where: { country: 'IDN' }, incidentType: 'smuggling-sea', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } })).statusCode).toBe(201);
  await submittedReport(ausOfficer);
  await submittedReport(ausOfficer);

  // Hits: two on Utopia's documents (Australia checked them), one on Australia's (Utopia checked it).
  await hit(utoOfficer, ausOfficer, 'UTO', 'HOME0001');
  await hit(utoOfficer, ausOfficer, 'UTO', 'HOME0002');
  await hit(ausOfficer, utoOfficer, 'AUS', 'HOME0003');

  // Foreign reports: Australia reports two Utopian documents, Utopia one Australian; each waits for its issuer.
  for (const [who, issuer, number] of [[ausOfficer, 'UTO', 'HOME0004'], [ausOfficer, 'UTO', 'HOME0005'], [utoOfficer, 'AUS', 'HOME0006']] as const) {
    const reported = await post(who, '/documents/reports', { issuer, type: 'passport', number, status: 'counterfeit', note: 'Seized at the border' });
    expect(reported.statusCode, reported.body).toBe(201);
  }
});
afterAll(() => t.close());

describe('GET /home', () => {
  test('an approver counts its member’s submitted reports, not another member’s, and each count is what the linked list shows', async () => {
    const items = await home(utoApprover);
    expect(items.map((item) => `${item.module}/${item.key}`).sort()).toEqual(['biometrics/step-two-to-decide', 'documents/hits-to-answer', 'inbox/unread', 'linkage/requests-to-decide', 'reports/to-approve']);
    expect(countOf(items, 'to-approve')).toBe(3);
    expect(countOf(items, 'hits-to-answer')).toBe(2);
    // An approver does not keep the register: no foreign reports to confirm.
    expect(countOf(items, 'reports-to-confirm')).toBeUndefined();
    for (const item of items) expect(await listed(utoApprover, item.link, item.module === 'inbox' ? 'unread' : 'data'), item.key).toBe(item.count);

    const australia = await home(ausApprover);
    expect(countOf(australia, 'to-approve')).toBe(2);
    expect(countOf(australia, 'hits-to-answer')).toBe(1);
    for (const item of australia) expect(await listed(ausApprover, item.link, item.module === 'inbox' ? 'unread' : 'data'), item.key).toBe(item.count);
  });

  test('four eyes: an approver’s own submission is not waiting for them, and the list leaves it out too', async () => {
    const items = await home(utoSubmittingApprover);
    expect(countOf(items, 'to-approve')).toBe(2);
    expect(await listed(utoSubmittingApprover, '/reports?toApprove=true')).toBe(2);
  });

  test('only what the user’s roles act on: an officer has no reports to approve, an analyst no hits to answer', async () => {
    const officer = await home(utoOfficer);
    expect(countOf(officer, 'to-approve')).toBeUndefined();
    expect(countOf(officer, 'hits-to-answer')).toBe(2);
    // The two Utopian documents Australia reported, not the Australian one Utopia reported.
    expect(countOf(officer, 'reports-to-confirm')).toBe(2);
    expect(countOf(await home(ausOfficer), 'reports-to-confirm')).toBe(1);
    for (const who of [utoOfficer, ausOfficer]) {
      for (const item of await home(who)) expect(await listed(who, item.link, item.module === 'inbox' ? 'unread' : 'data'), item.key).toBe(item.count);
    }
    const analyst = await home(utoAnalyst);
    expect(analyst.map((item) => item.key)).toEqual(['unread']);
  });

  test('unread notifications are the user’s own: approvers were told of submissions, and reading one lowers the count', async () => {
    const before = countOf(await home(utoApprover), 'unread') ?? 0;
    // Three reports submitted, and two hits on its member's documents (UTO named no focal points, so those who may answer are told).
    expect(before).toBe(5);
    const inbox = (await get(utoApprover, '/inbox')).json<{ data: { id: string; read: boolean }[] }>();
    const first = inbox.data.find((notification) => !notification.read);
    expect(first).toBeDefined();
    expect((await post(utoApprover, `/inbox/${first?.id ?? ''}/read`)).statusCode).toBe(204);
    expect(countOf(await home(utoApprover), 'unread')).toBe(before - 1);
    // A colleague's notifications are not this user's.
    expect(countOf(await home(utoAnalyst), 'unread')).toBe(0);
  });

  test('approving and answering lower the counts; the other member’s counts do not move', async () => {
    const australiaBefore = await home(ausApprover);
    const [report] = (await get(utoApprover, '/reports?toApprove=true')).json<{ data: { id: string }[] }>().data;
    expect((await post(utoApprover, `/reports/${report?.id ?? ''}/approve`)).statusCode).toBe(200);
    const [pending] = (await get(utoApprover, '/documents/hits?outcome=pending')).json<{ data: { id: string }[] }>().data;
    expect((await post(utoApprover, `/documents/hits/${pending?.id ?? ''}/answer`, { outcome: 'confirmed' })).statusCode).toBe(200);
    const after = await home(utoApprover);
    expect(countOf(after, 'to-approve')).toBe(2);
    expect(countOf(after, 'hits-to-answer')).toBe(1);
    const australiaAfter = await home(ausApprover);
    expect(countOf(australiaAfter, 'to-approve')).toBe(countOf(australiaBefore, 'to-approve'));
    expect(countOf(australiaAfter, 'hits-to-answer')).toBe(countOf(australiaBefore, 'hits-to-answer'));
  });

  test('signed out is 401 and asking changes nothing', async () => {
    const before = await fingerprint(t.db);
    expect((await t.app.inject({ method: 'GET', url: `${PREFIX}/home` })).statusCode).toBe(401);
    await home(utoApprover);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});
