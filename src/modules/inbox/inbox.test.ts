import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { notifyUsers } from '../../platform/notify/inbox.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/** The inbox's pages and its unread count (the sharing rule on notifications is in src/platform/notify). */

let t: TestContext;
let reader: TestSession;

const sharedWithReader: SharingRow = {
  owner: 'SRC',
  audience_kind: 'members',
  audience_members: ['RDR'],
  audience_groups: [],
  tlp: 'AMBER',
  handling: [],
  handling_note: null,
  evaluation_source: null,
  evaluation_information: null,
};

interface InboxPage {
  data: { id: string; title: string; read: boolean; createdAt: string }[];
  next: string | null;
  unread: number;
}

async function page(query: string): Promise<InboxPage> {
  const response = await t.as(reader, { method: 'GET', url: `/api/v1/inbox?${query}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Notifications written in one transaction share their creation time to the microsecond. */
async function notify(titles: string[]): Promise<void> {
  await t.db.transaction({ member: 'SRC' }, async (tx) => {
    for (const title of titles) await notifyUsers(tx, { userIds: [reader.user.id], kind: 'test', title, source: sharedWithReader });
  });
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('SRC');
  await t.makeMember('RDR');
  reader = await t.sessionFor(await t.makeUser('RDR'));
});
afterAll(() => t.close());

describe('the inbox', () => {
  test('pages walk every notification once, newest first, also when several share a creation time', async () => {
    await notify(['first batch 1', 'first batch 2', 'first batch 3', 'first batch 4', 'first batch 5']);
    await notify(['second batch 1', 'second batch 2']);
    const all = await page('limit=100');
    expect(all.data).toHaveLength(7);
    expect(all.next).toBeNull();
    // The later batch comes first.
    expect(all.data.slice(0, 2).map((n) => n.title).sort()).toEqual(['second batch 1', 'second batch 2']);

    const walked: string[] = [];
    const sizes: number[] = [];
    let cursor: string | null = null;
    do {
      const current: InboxPage = await page(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      walked.push(...current.data.map((n) => n.id));
      sizes.push(current.data.length);
      expect(current.unread).toBe(7);
      cursor = current.next;
    } while (cursor !== null && sizes.length < 10);
    expect(sizes).toEqual([2, 2, 2, 1]);
    expect(walked).toEqual(all.data.map((n) => n.id));
  });

  test('marking read lowers the unread count once, and marking again changes nothing', async () => {
    const before = await page('limit=100');
    const target = before.data.find((n) => !n.read)!;
    expect((await t.as(reader, { method: 'POST', url: `/api/v1/inbox/${target.id}/read` })).statusCode).toBe(204);
    const after = await page('limit=100');
    expect(after.unread).toBe(before.unread - 1);
    expect(after.data.find((n) => n.id === target.id)!.read).toBe(true);
    expect((await t.as(reader, { method: 'POST', url: `/api/v1/inbox/${target.id}/read` })).statusCode).toBe(204);
    expect((await page('limit=100')).unread).toBe(before.unread - 1);
  });
});
