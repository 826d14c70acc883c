import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { TEST_DB_KIND } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { INBOX_CHANNEL } from '../../platform/notify/live.js';
import { notifyUsers, readNotificationsAbout } from '../../platform/notify/inbox.js';
import type { SharingRow } from '../../platform/sharing/model.js';

/** The live unread count: server-sent events from a listening app, pushed after each committed change (no polling). */

let t: TestContext;
let reader: TestSession;
let other: TestSession;
let base: string;

const shared: SharingRow = {
  owner: 'LVA', audience_kind: 'members', audience_members: ['LVB'], audience_groups: [], tlp: 'AMBER', handling: [], handling_note: null, evaluation_source: null, evaluation_information: null,
};

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('LVA');
  await t.makeMember('LVB');
  reader = await t.sessionFor(await t.makeUser('LVB'));
  other = await t.sessionFor(await t.makeUser('LVB'));
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}/api/v1`;
});
afterAll(async () => {
  // The test's fetch client keeps its sockets open a few seconds after a cancelled stream: close them, not wait.
  t.app.server.closeAllConnections();
  await t.close();
});

/** Reads `event: unread` messages from the stream, one at a time. */
async function openStream(session: TestSession) {
  const response = await fetch(`${base}/inbox/stream`, { headers: { cookie: session.cookie } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next(): Promise<number> {
      for (;;) {
        const at = buffer.indexOf('\n\n');
        if (at >= 0) {
          const message = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (/^event: unread$/m.test(message) && data) return (JSON.parse(data) as { unread: number }).unread;
          continue;
        }
        const chunk = await reader.read();
        if (chunk.done) throw new Error('the stream ended');
        buffer += decoder.decode(chunk.value, { stream: true });
      }
    },
    close: () => reader.cancel(),
  };
}

const notify = (session: TestSession, title: string) =>
  t.db.transaction({ member: 'LVA' }, (tx) => notifyUsers(tx, { userIds: [session.user.id], kind: 'test', title, source: shared }));

test('the count comes at once, after each notification committed, and after marking one read; another user’s change is not counted', async () => {
  const stream = await openStream(reader);
  try {
    expect(await stream.next()).toBe(0);
    await notify(reader, 'first');
    expect(await stream.next()).toBe(1);
    // Another user's notification wakes no count of this user's; the next one this stream gets is its own.
    await notify(other, 'for someone else');
    await notify(reader, 'second');
    expect(await stream.next()).toBe(2);
    const inbox = await fetch(`${base}/inbox`, { headers: { cookie: reader.cookie } });
    const first = ((await inbox.json()) as { data: { id: string; title: string }[] }).data.find((n) => n.title === 'first')!;
    const read = await fetch(`${base}/inbox/${first.id}/read`, { method: 'POST', headers: { cookie: reader.cookie, 'x-csrf-token': reader.csrf } });
    expect(read.status).toBe(204);
    expect(await stream.next()).toBe(1);
  } finally {
    await stream.close();
  }
});

test('acting on the object a notification is about reads it, and the stream hears of it', async () => {
  const user = await t.sessionFor(await t.makeUser('LVB'));
  await t.db.transaction({ member: 'LVA' }, (tx) => notifyUsers(tx, { userIds: [user.user.id], kind: 'test', title: 'about a record', objectType: 'test-record', objectId: 'r1', source: shared }));
  const stream = await openStream(user);
  try {
    expect(await stream.next()).toBe(1);
    await t.db.transaction({ member: 'LVB' }, (tx) => readNotificationsAbout(tx, user.user.id, 'test-record', 'r1'));
    expect(await stream.next()).toBe(0);
  } finally {
    await stream.close();
  }
});

// On a server the process hears inbox changes over a connection of its own: a change made by another
// process while that connection is down is not heard, so every open stream counts again once the
// process listens again (within a few seconds). PGlite has one process and no such connection.
test.skipIf(TEST_DB_KIND !== 'postgres')('a change made while the process could not hear reaches the stream once it listens again', async () => {
  const user = await t.sessionFor(await t.makeUser('LVB'));
  const stream = await openStream(user);
  try {
    expect(await stream.next()).toBe(0);
    // The stream starts listening just after its first count.
    const listener = sql`FROM pg_stat_activity WHERE datname = current_database() AND query = ${`LISTEN ${INBOX_CHANNEL}`}`;
    await expect.poll(() => t.db.ownerTransaction((tx) => tx.query(sql`SELECT pid ${listener}`)), { timeout: 5_000, interval: 50 }).toHaveLength(1);
    const dropped = await t.db.ownerTransaction((tx) => tx.query<{ ok: boolean }>(sql`SELECT pg_terminate_backend(pid) AS ok ${listener}`));
    expect(dropped).toEqual([{ ok: true }]);
    // Sent at once, while the listener is gone (it tries again after 3 s): nobody hears this notification.
    await notify(user, 'unheard');
    expect(await stream.next()).toBe(1);
  } finally {
    await stream.close();
  }
});

test('signed out, the stream is refused like any route: 401 problem+json', async () => {
  const response = await fetch(`${base}/inbox/stream`);
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
});
