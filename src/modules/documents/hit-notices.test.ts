import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { inboxTitles, outboxAbout, registerWebhook, startWebhookReceiver, subscribe, type WebhookReceiver } from '../../../test/support/notify.js';
import { sql } from '../../platform/db/sql.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';

/**
 * The issuer is told in its inbox when a check opens a hit on its document, in the check's own
 * transaction: one item per hit (not per repeat check) to its contact point (or, where it named none, to its users who may
 * answer hits), never to the checking member's users nor to anyone else, and without the holder;
 * through the notification platform, so the issuer's subscribers and webhooks are told too, and the
 * checker's when the issuer answers.
 */

const PREFIX = '/api/v1';
const HOLDER = 'Vandermeulen';

let t: TestContext;
let utoFocal: TestSession;
let utoApprover: TestSession;
let utoOfficer: TestSession;
let kirOfficer: TestSession;
let kirApprover: TestSession;
let kirAnalyst: TestSession;
let checker: TestSession;
let checkerColleague: TestSession;
let outsider: TestSession;
let receiver: WebhookReceiver;

interface InboxItem {
  kind: string;
  title: string;
  body: string;
  objectType: string | null;
  objectId: string | null;
}

const post = (who: TestSession, url: string, payload: Record<string, unknown>) => t.as(who, { method: 'POST', url: PREFIX + url, payload });

async function inbox(who: TestSession): Promise<InboxItem[]> {
  const response = await t.as(who, { method: 'GET', url: `${PREFIX}/inbox?limit=100` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: InboxItem[] }>().data;
}

const opened = async (who: TestSession): Promise<InboxItem[]> => (await inbox(who)).filter((item) => item.kind === 'document-hit.opened');

async function check(who: TestSession, issuer: string, number: string): Promise<{ result: string; hit?: { hitId: string } }> {
  const response = await post(who, '/documents/checks', { purpose: 'border control', document: { issuer, type: 'passport', number } });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { result: string; hit?: { hitId: string } } }>().data;
}

const notificationCount = () => t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notifications`)).then((row) => row.n);

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  for (const code of ['UTO', 'KIR', 'AUS', 'NZL']) await t.makeMember(code);
  const focalUser = await t.makeUser('UTO', ['officer']);
  utoFocal = await t.sessionFor(focalUser);
  utoApprover = await t.sessionFor(await t.makeUser('UTO', ['approver']));
  utoOfficer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO focal_points (member, topic, user_id) VALUES ('UTO', 'documents', ${focalUser.id})`));
  // KIR names no focal point: its users who may answer hits are told, its analyst is not.
  kirOfficer = await t.sessionFor(await t.makeUser('KIR', ['officer']));
  kirApprover = await t.sessionFor(await t.makeUser('KIR', ['approver']));
  kirAnalyst = await t.sessionFor(await t.makeUser('KIR', ['analyst']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
  checkerColleague = await t.sessionFor(await t.makeUser('AUS', ['officer', 'member-admin']));
  outsider = await t.sessionFor(await t.makeUser('NZL', ['officer', 'member-admin']));
  for (const [who, number] of [[utoFocal, 'N0000001'], [utoFocal, 'N0000002'], [kirOfficer, 'K0000001']] as const) {
    const response = await post(who, '/documents', { type: 'passport', number, status: 'stolen', holder: { surname: HOLDER } });
    expect(response.statusCode, response.body).toBe(201);
  }
  // Shared with UTO's own member only: AUS's check of it must be a no hit.
  const hidden = await post(utoFocal, '/documents', { type: 'passport', number: 'N0000009', status: 'lost', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });
  expect(hidden.statusCode, hidden.body).toBe(201);
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('the issuer is told of a hit', () => {
  test('each hit gives the issuer’s contact point exactly one inbox item; the checker’s member and an outsider get none', async () => {
    const first = await check(checker, 'UTO', 'N0000001');
    const again = await check(checker, 'UTO', 'N0000001');
    const batch = await post(checker, '/documents/checks/batch', {
      purpose: 'flight manifest',
      documents: [{ issuer: 'UTO', type: 'passport', number: 'N0000002' }, { issuer: 'KIR', type: 'passport', number: 'K0000001' }, { issuer: 'UTO', type: 'passport', number: 'X1234567' }],
    });
    expect(batch.statusCode, batch.body).toBe(200);
    const answers = batch.json<{ data: { result: string; hit?: { hitId: string } }[] }>().data;
    // The repeat check joined the first one's hit (it still waits): the issuer is told once per hit.
    expect(again.hit?.hitId).toBe(first.hit?.hitId);
    const utoHits = [first.hit?.hitId, answers[0]?.hit?.hitId];
    const kirHit = answers[1]?.hit?.hitId;
    expect(utoHits.every(Boolean) && kirHit).toBeTruthy();
    expect(answers[2]?.result).toBe('no-hit');

    const focalItems = await opened(utoFocal);
    expect(focalItems.map((item) => item.objectId).sort()).toEqual([...utoHits].sort());
    for (const item of focalItems) {
      expect(item.objectType).toBe('document-hit');
      expect(item.title).toContain('AUS');
      expect(`${item.title} ${item.body}`).not.toContain(HOLDER);
    }
    // UTO named a documents focal point: its other users are not written to.
    expect(await opened(utoApprover)).toEqual([]);
    // KIR named none: its users who may answer hits are told, its analyst is not.
    for (const who of [kirOfficer, kirApprover]) expect((await opened(who)).map((item) => item.objectId)).toEqual([kirHit]);
    expect(await inbox(kirAnalyst)).toEqual([]);
    // The checking member's users and an outsider get nothing of it.
    for (const who of [checker, checkerColleague]) expect(await opened(who)).toEqual([]);
    expect(await inbox(outsider)).toEqual([]);
    const outsiderRows = await t.db.ownerTransaction((tx) =>
      tx.query(sql`SELECT n.id FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.member IN ('NZL', 'AUS')`),
    );
    expect(outsiderRows).toEqual([]);
  });

  test('the unread count (the badge) counts the new item; a repeat check of a waiting hit adds none', async () => {
    const unread = async () => (await t.as(utoFocal, { method: 'GET', url: `${PREFIX}/inbox` })).json<{ unread: number }>().unread;
    const before = await unread();
    const repeat = await check(checker, 'UTO', 'N0000002');
    expect(await unread()).toBe(before);
    const answered = await post(utoFocal, `/documents/hits/${repeat.hit?.hitId ?? ''}/answer`, { outcome: 'denied' });
    expect(answered.statusCode, answered.body).toBe(200);
    await check(checker, 'UTO', 'N0000002');
    expect(await unread()).toBe(before + 1);
  });

  test('a check with no hit writes no notification, also for a document the checker may not see', async () => {
    const before = await notificationCount();
    expect((await check(checker, 'UTO', 'N0000009')).result).toBe('no-hit');
    expect((await check(checker, 'UTO', 'Z9999999')).result).toBe('no-hit');
    expect(await notificationCount()).toBe(before);
  });

  test('a check of the member’s own document tells its contact point, not the officer who checked', async () => {
    const own = await check(utoOfficer, 'UTO', 'N0000001');
    const items = await opened(utoFocal);
    const item = items.find((candidate) => candidate.objectId === own.hit?.hitId);
    expect(item?.title).toMatch(/^Your member's check hit/);
    const focalChecks = await check(utoFocal, 'UTO', 'N0000002');
    expect((await opened(utoFocal)).some((candidate) => candidate.objectId === focalChecks.hit?.hitId)).toBe(false);
    expect(await opened(utoOfficer)).toEqual([]);
  });

  test('the item leads to the hit, which the recipient may open', async () => {
    const [item] = await opened(kirOfficer);
    const response = await t.as(kirOfficer, { method: 'GET', url: `${PREFIX}/documents/hits/${item?.objectId ?? ''}` });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<{ data: { abilities: { answer: boolean } } }>().data.abilities.answer).toBe(true);
  });
});

describe('subscribers and webhooks', () => {
  test('the issuer’s subscribers and webhooks hear of a hit, the checker’s of the answer, no one else; an answer whose hit narrowed before sending is withheld', async () => {
    const utoWatcher = await t.sessionFor(await t.makeUser('UTO', ['analyst']));
    const ausWatcher = await t.sessionFor(await t.makeUser('AUS', ['analyst']));
    const nzlWatcher = await t.sessionFor(await t.makeUser('NZL', ['analyst']));
    await subscribe(t, utoWatcher, { module: 'documents', kinds: ['document-hit.opened'], email: false });
    await subscribe(t, ausWatcher, { module: 'documents', kinds: ['document-hit.opened', 'document-hit.answered'], email: false });
    await subscribe(t, nzlWatcher, { module: 'documents', email: false });
    for (const member of ['UTO', 'AUS', 'NZL']) await registerWebhook(t, member, receiver.url, ['document-hit.opened', 'document-hit.answered']);
    expect((await post(utoFocal, '/documents', { type: 'passport', number: 'N0000003', status: 'stolen', holder: { surname: HOLDER } })).statusCode).toBe(201);
    const hitId = (await check(checker, 'UTO', 'N0000003')).hit?.hitId ?? '';
    expect(await inboxTitles(t, utoWatcher)).toEqual(['A check by AUS hit UTO passport N0000003']);
    expect(await inboxTitles(t, ausWatcher)).toEqual([]);
    expect((await post(utoFocal, `/documents/hits/${hitId}/answer`, { outcome: 'confirmed' })).statusCode).toBe(200);
    expect(await inboxTitles(t, ausWatcher)).toEqual(['The issuer confirmed your document hit']);
    expect(await inboxTitles(t, nzlWatcher)).toEqual([]);
    // The issuer narrows the hit to itself before the answer's webhook leaves.
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE document_hits SET audience_kind = 'owner', audience_members = '{}' WHERE id = ${hitId}`));
    await deliverOutbox(t.platform);
    expect(await outboxAbout(t, hitId)).toEqual([{ channel: 'webhook', member: 'UTO', status: 'sent' }, { channel: 'webhook', member: 'AUS', status: 'withheld' }]);
    expect(receiver.received.map((hook) => hook.path)).toEqual(['/UTO']);
  });
});
