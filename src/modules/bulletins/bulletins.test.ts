import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';

const API = '/api/v1/bulletins';

let t: TestContext;
/** AAA issues bulletins; BBB is in some audiences; CCC is an outsider; OBS an observer. */
let owner: TestSession;
let ownerColleague: TestSession;
let recipient: TestSession;
let recipientColleague: TestSession;
let outsider: TestSession;

interface Bulletin {
  id: string;
  type: string;
  title: string;
  body: string;
  bodyHtml: string;
  version: number;
  unread: boolean;
  expired: boolean;
  countries: string[];
  places: string[];
  tags: string[];
  owner: string;
  sharing: { audience: { kind: string; members?: string[] }; tlp: string; handling?: string[]; evaluation?: unknown };
  abilities: { correct: boolean; respond: boolean; passOn: boolean };
}

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] };
const bulletin = (title: string, audience: Audience = { kind: 'members', members: ['BBB'] }, more: Record<string, unknown> = {}) => ({
  type: 'document-fraud-alert',
  title,
  body: `**${title}**: forged visa foils seen at CGK.`,
  countries: ['IDN', 'MYS'],
  places: ['CGK', 'IDTPP'],
  tags: ['visa-fraud'],
  sharing: { audience, tlp: 'AMBER', handling: ['H2'], evaluation: { source: 'B', information: '2' } },
  ...more,
});

async function issue(title: string, audience?: Audience, more?: Record<string, unknown>): Promise<Bulletin> {
  const response = await t.as(owner, { method: 'POST', url: API, payload: bulletin(title, audience, more) });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Bulletin }>().data;
}

const ids = (response: LightMyRequestResponse): string[] => response.json<{ data: { id: string }[] }>().data.map((item) => item.id);

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  await t.makeMember('OBS', { status: 'observer' });
  owner = await t.sessionFor(await t.makeUser('AAA', ['liaison']));
  ownerColleague = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  recipient = await t.sessionFor(await t.makeUser('BBB', ['liaison']));
  recipientColleague = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['liaison', 'officer', 'analyst', 'member-admin']));
});
afterAll(async () => t.close());

describe('bulletins', () => {
  test('issued with the sharing fields, validated codes, and read by its audience only', async () => {
    const created = await issue('Forged Schengen foils');
    expect(created).toMatchObject({
      type: 'document-fraud-alert', version: 1, countries: ['IDN', 'MYS'], places: ['CGK', 'IDTPP'], tags: ['visa-fraud'], owner: 'AAA',
      sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER', handling: ['H2'], evaluation: { source: 'B', information: '2' } },
      abilities: { correct: true, respond: true, passOn: true },
    });
    expect(created.bodyHtml).toBe('<p><strong>Forged Schengen foils</strong>: forged visa foils seen at CGK.</p>\n');

    const seen = await t.as(recipient, { method: 'GET', url: `${API}/${created.id}` });
    expect(seen.statusCode).toBe(200);
    // The audience list is the owner's to see; H2 forbids passing it on.
    expect(seen.json<{ data: Bulletin }>().data).toMatchObject({ sharing: { audience: { kind: 'members' } }, abilities: { correct: false, respond: true, passOn: false } });
    expect(seen.json<{ data: Bulletin }>().data.sharing.audience.members).toBeUndefined();

    const hidden = await t.as(outsider, { method: 'GET', url: `${API}/${created.id}` });
    const missing = await t.as(outsider, { method: 'GET', url: `${API}/${randomUUID()}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ detail: string }>().detail).toBe(missing.json<{ detail: string }>().detail);

    const audited = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string }>(sql`SELECT member FROM audit_log WHERE action = 'bulletins.read' AND object_id = ${created.id}`));
    expect(audited.map((row) => row.member)).toEqual(['BBB']);
  });

  test('bad codes are a 400 with a pointer for each, and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const response = await t.as(owner, {
      method: 'POST', url: API,
      payload: bulletin('Bad codes', { kind: 'owner' }, { countries: ['IDN', 'XYZ'], places: ['CGK', 'cgk', 'IDTP1'], expiresAt: '2001-01-01T00:00:00Z' }),
    });
    expect(response.statusCode).toBe(400);
    const pointers = response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/places/1', '/places/2']));
    const second = await t.as(owner, { method: 'POST', url: API, payload: bulletin('Bad codes', { kind: 'owner' }, { countries: ['IDN', 'XYZ'], expiresAt: '2001-01-01T00:00:00Z' }) });
    expect(second.statusCode).toBe(400);
    expect(second.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer).sort()).toEqual(['/countries/1', '/expiresAt']);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('a correction is a new version; the history is kept, and only the owner corrects', async () => {
    const created = await issue('Boat departures from Kupang', { kind: 'all' }, { type: 'route-trend-note' });
    const refused = await t.as(recipient, { method: 'PATCH', url: `${API}/${created.id}`, payload: { note: 'mine now', title: 'Taken over' } });
    expect(refused.statusCode).toBe(403);
    const hidden = await t.as(await t.sessionFor(await t.makeUser('OBS', ['officer'])), { method: 'PATCH', url: `${API}/${created.id}`, payload: { note: 'x' } });
    expect(hidden.statusCode).toBe(404);

    const corrected = await t.as(owner, { method: 'PATCH', url: `${API}/${created.id}`, payload: { note: 'The port was Kupang, not Tenau', body: 'Departures from *Kupang*.', tags: ['boats'] } });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json<{ data: Bulletin }>().data).toMatchObject({ version: 2, title: 'Boat departures from Kupang', tags: ['boats'], bodyHtml: '<p>Departures from <em>Kupang</em>.</p>\n' });

    const history = await t.as(recipient, { method: 'GET', url: `${API}/${created.id}/versions` });
    expect(history.statusCode).toBe(200);
    const versions = history.json<{ data: { version: number; note: string; body: string; tags: string[] }[] }>().data;
    expect(versions.map((v) => [v.version, v.note, v.tags])).toEqual([[2, 'The port was Kupang, not Tenau', ['boats']], [1, '', ['visa-fraud']]]);
    expect(versions[1]!.body).toContain('forged visa foils');
    expect((await t.as(outsider, { method: 'GET', url: `${API}/${created.id}/versions` })).statusCode).toBe(200); // audience "all"

    // Narrowing the sharing narrows the history with it.
    const narrowed = await t.as(owner, { method: 'PATCH', url: `${API}/${created.id}`, payload: { note: 'For BBB only', sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'RED' } } });
    expect(narrowed.json<{ data: Bulletin }>().data).toMatchObject({ version: 3, sharing: { tlp: 'RED' } });
    expect((await t.as(outsider, { method: 'GET', url: `${API}/${created.id}/versions` })).statusCode).toBe(404);
    expect((await t.as(recipient, { method: 'GET', url: `${API}/${created.id}/versions` })).json<{ data: unknown[] }>().data).toHaveLength(3);
  });

  test('the list filters by type, country, tag, unread and expiry, pages by cursor, and shows only what the viewer may see', async () => {
    const t0 = await issue('Filter: alert in Thailand', { kind: 'members', members: ['BBB'] }, { type: 'alert', countries: ['THA'], tags: ['filter-a'] });
    const t1 = await issue('Filter: training', { kind: 'members', members: ['BBB'] }, { type: 'training-opportunity', countries: ['THA'], tags: ['filter-a', 'filter-b'] });
    const secret = await issue('Filter: owner only', { kind: 'owner' }, { type: 'alert', countries: ['THA'], tags: ['filter-a'] });
    const soon = new Date(Date.now() + 60_000).toISOString();
    const expiring = await issue('Filter: expiring', { kind: 'members', members: ['BBB'] }, { type: 'alert', countries: ['THA'], tags: ['filter-a'], expiresAt: soon });
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE bulletins SET expires_at = now() - interval '1 minute' WHERE id = ${expiring.id}`));

    const list = (who: TestSession, query: string) => t.as(who, { method: 'GET', url: `${API}?${query}` });
    expect(ids(await list(recipient, 'tag=filter-a'))).toEqual([expiring.id, t1.id, t0.id]);
    expect(ids(await list(owner, 'tag=filter-a'))).toEqual([expiring.id, secret.id, t1.id, t0.id]);
    expect(ids(await list(outsider, 'tag=filter-a'))).toEqual([]);
    expect(ids(await list(recipient, 'tag=filter-a&type=alert'))).toEqual([expiring.id, t0.id]);
    expect(ids(await list(recipient, 'tag=filter-b'))).toEqual([t1.id]);
    expect(ids(await list(recipient, 'country=THA&expired=true'))).toEqual([expiring.id]);
    expect(ids(await list(recipient, 'country=THA&expired=false'))).toEqual([t1.id, t0.id]);
    const item = (await list(recipient, 'tag=filter-b')).json<{ data: Bulletin[] }>().data[0]!;
    expect(item).toMatchObject({ unread: true, expired: false });

    // Opening one marks it read for that user only; a correction makes it unread again.
    await t.as(recipient, { method: 'GET', url: `${API}/${t1.id}` });
    expect(ids(await list(recipient, 'tag=filter-a&unread=true'))).toEqual([expiring.id, t0.id]);
    expect(ids(await list(recipient, 'tag=filter-a&unread=false'))).toEqual([t1.id]);
    expect(ids(await list(recipientColleague, 'tag=filter-a&unread=true'))).toEqual([expiring.id, t1.id, t0.id]);
    await t.as(owner, { method: 'PATCH', url: `${API}/${t1.id}`, payload: { note: 'new date', body: 'Moved to May.' } });
    expect(ids(await list(recipient, 'tag=filter-a&unread=true'))).toEqual([expiring.id, t1.id, t0.id]);

    // Pages of one, by cursor, give the same order without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: LightMyRequestResponse = await list(recipient, `tag=filter-a&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...ids(page));
      cursor = page.json<{ next: string | null }>().next;
    } while (cursor);
    expect(seen).toEqual([expiring.id, t1.id, t0.id]);
    expect((await list(recipient, 'cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);

    const audited = await t.db.ownerTransaction((tx) =>
      tx.query<{ details: { records: Record<string, string[]> } }>(sql`SELECT details FROM audit_log WHERE action = 'bulletins.list' AND member = 'BBB' ORDER BY seq DESC LIMIT 1`));
    expect(audited[0]?.details.records.AAA).toBeDefined();
  });
});

describe('acknowledgements and comments', () => {
  test('acknowledgements: the owner sees every member’s, a recipient only its own member’s, an outsider nothing', async () => {
    const shared = await issue('Ack: new smuggling method', { kind: 'all' });
    const ack = (who: TestSession, kind: string) => t.as(who, { method: 'POST', url: `${API}/${shared.id}/acknowledgements`, payload: { kind } });
    expect((await ack(recipient, 'read')).statusCode).toBe(200);
    expect((await ack(recipient, 'read')).statusCode).toBe(200); // again: the first time is kept
    expect((await ack(recipientColleague, 'acted-on')).statusCode).toBe(200);
    expect((await ack(outsider, 'read')).statusCode).toBe(200);

    const of = async (who: TestSession) => {
      const response = await t.as(who, { method: 'GET', url: `${API}/${shared.id}/acknowledgements` });
      expect(response.statusCode).toBe(200);
      return response.json<{ data: { member: string; kind: string; userName: string; version: number }[] }>().data.map((a) => `${a.member} ${a.kind}`).sort();
    };
    expect(await of(owner)).toEqual(['BBB acted-on', 'BBB read', 'CCC read']);
    expect(await of(ownerColleague)).toEqual(['BBB acted-on', 'BBB read', 'CCC read']);
    expect(await of(recipient)).toEqual(['BBB acted-on', 'BBB read']);
    expect(await of(outsider)).toEqual(['CCC read']);

    // Row-level security alone says the same: read without the query layer's condition.
    const rows = await t.db.transaction({ member: 'BBB' }, (tx) => tx.query<{ member: string }>(sql`SELECT member FROM bulletin_acknowledgements WHERE bulletin_id = ${shared.id}`));
    expect(rows.map((row) => row.member).sort()).toEqual(['BBB', 'BBB']);

    const hidden = await issue('Ack: not for CCC', { kind: 'members', members: ['BBB'] });
    const before = await fingerprint(t.db);
    expect((await t.as(outsider, { method: 'POST', url: `${API}/${hidden.id}/acknowledgements`, payload: { kind: 'read' } })).statusCode).toBe(404);
    expect((await t.as(outsider, { method: 'GET', url: `${API}/${hidden.id}/acknowledgements` })).statusCode).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('comments are read by exactly who can read the bulletin, and narrow with its sharing', async () => {
    const shared = await issue('Comments: airport vulnerability', { kind: 'all' });
    const say = (who: TestSession, body: string) => t.as(who, { method: 'POST', url: `${API}/${shared.id}/comments`, payload: { body } });
    expect((await say(recipient, 'Seen at **KUL** too <script>alert(1)</script>')).statusCode).toBe(201);
    expect((await say(outsider, 'And at BKK')).statusCode).toBe(201);
    const read = (who: TestSession) => t.as(who, { method: 'GET', url: `${API}/${shared.id}/comments` });
    const thread = (await read(owner)).json<{ data: { member: string; bodyHtml: string }[] }>().data;
    expect(thread.map((c) => c.member)).toEqual(['BBB', 'CCC']);
    expect(thread[0]!.bodyHtml).toBe('<p>Seen at <strong>KUL</strong> too &lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect((await read(outsider)).json<{ data: unknown[] }>().data).toHaveLength(2);

    await t.as(owner, { method: 'PATCH', url: `${API}/${shared.id}`, payload: { note: 'BBB only', sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } } });
    expect((await read(outsider)).statusCode).toBe(404);
    expect((await say(outsider, 'Still here?')).statusCode).toBe(404);
    expect((await read(recipient)).json<{ data: unknown[] }>().data).toHaveLength(2);
    // Row-level security alone hides the outsider's own comment now too.
    const rows = await t.db.transaction({ member: 'CCC' }, (tx) => tx.query(sql`SELECT id FROM bulletin_comments WHERE bulletin_id = ${shared.id}`));
    expect(rows).toEqual([]);
  });
});
