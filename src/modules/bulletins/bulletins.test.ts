import { createHash, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { LightMyRequestResponse } from 'fastify';
import PDFDocument from 'pdfkit';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { sessionsChanged } from '../../platform/auth/sessions.js';
import { sql } from '../../platform/db/sql.js';
import { problem, pointers } from '../../../test/support/problem.js';

const API = '/api/v1/bulletins';
/** The attachment size limit of the test's app. */
const LIMIT = 300_000;

let t: TestContext;
/** AAA issues bulletins; BBB is in some audiences; CCC is an outsider; OBS an observer. */
let owner: TestSession;
let ownerColleague: TestSession;
let recipient: TestSession;
let recipientColleague: TestSession;
let outsider: TestSession;
/** The bulletin the attachment tests attach to (AAA's, for BBB). */
let attachmentsOf: string;

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

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] } | { kind: 'groups'; groups: string[] };
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
  t = await makeTestApp({ env: { LINTAS_BULLETINS_ATTACHMENT_BYTES: String(LIMIT), LINTAS_BULLETINS_ATTACHMENTS: '5' } });
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

    // A correction that sets the expiry to a time past withdraws it.
    const withdrawn = await t.as(owner, { method: 'PATCH', url: `${API}/${t0.id}`, payload: { note: 'Withdrawn', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(withdrawn.json<{ data: Bulletin }>().data).toMatchObject({ expired: true, version: 2 });
    expect(ids(await list(recipient, 'country=THA&expired=false'))).toEqual([t1.id]);
    expect(ids(await list(recipient, 'country=THA&expired=true'))).toEqual([expiring.id, t0.id]);

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

describe('drafts', () => {
  test('a draft is its owner member’s alone and tells no one; publishing gives it its intended sharing and tells its audience', async () => {
    const subscribed = await t.as(recipient, { method: 'POST', url: '/api/v1/account/subscriptions', payload: { module: 'bulletins' } });
    expect(subscribed.statusCode, subscribed.body).toBe(201);
    const told = async (id: string): Promise<number> =>
      (await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM notifications WHERE object_id = ${id}`))).n;
    const created = await t.as(owner, { method: 'POST', url: API, payload: { ...bulletin('Draft: forged stamps'), draft: true } });
    expect(created.statusCode, created.body).toBe(201);
    const draft = created.json<{ data: Bulletin & { draft: boolean; intendedSharing: unknown } }>().data;
    expect(draft).toMatchObject({ draft: true, sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, intendedSharing: { audience: { kind: 'members', members: ['BBB'] } } });
    expect(await told(draft.id)).toBe(0);

    // Another member, even the intended audience, gets the 404 of a missing bulletin on every route.
    const edit = { ...bulletin('Taken over'), draft: undefined };
    for (const who of [recipient, outsider]) {
      for (const [method, url, payload] of [['GET', `${API}/${draft.id}`], ['PUT', `${API}/${draft.id}/draft`, edit], ['POST', `${API}/${draft.id}/publish`], ['DELETE', `${API}/${draft.id}`]] as const) {
        const response = await t.as(who, { method, url, ...(payload ? { payload } : {}) });
        expect(response.statusCode, `${method} ${url}`).toBe(404);
      }
      expect(ids(await t.as(who, { method: 'GET', url: `${API}?state=draft&limit=100` }))).toEqual([]);
    }
    expect(ids(await t.as(ownerColleague, { method: 'GET', url: `${API}?state=draft&limit=100` }))).toContain(draft.id);
    expect(ids(await t.as(owner, { method: 'GET', url: `${API}?limit=100` }))).not.toContain(draft.id);

    const edited = await t.as(owner, { method: 'PUT', url: `${API}/${draft.id}/draft`, payload: { ...bulletin('Draft: forged entry stamps', { kind: 'all' }), draft: undefined } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json<{ data: Bulletin }>().data).toMatchObject({ title: 'Draft: forged entry stamps', version: 1, sharing: { audience: { kind: 'owner' } }, intendedSharing: { audience: { kind: 'all' } } });
    expect((await t.as(owner, { method: 'PATCH', url: `${API}/${draft.id}`, payload: { note: 'x', title: 'y' } })).statusCode).toBe(409);
    // A draft takes no comment or acknowledgement: either would greet its audience once it is published.
    const early = [
      await t.as(ownerColleague, { method: 'POST', url: `${API}/${draft.id}/comments`, payload: { body: 'Before it is out' } }),
      await t.as(ownerColleague, { method: 'POST', url: `${API}/${draft.id}/acknowledgements`, payload: { kind: 'read' } }),
    ];
    expect(early.map((response) => response.statusCode)).toEqual([409, 409]);
    expect(edited.json<{ data: { abilities: { respond: boolean } } }>().data.abilities.respond).toBe(false);
    expect(await told(draft.id)).toBe(0);

    const published = await t.as(owner, { method: 'POST', url: `${API}/${draft.id}/publish` });
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json<{ data: Bulletin }>().data).toMatchObject({ draft: false, intendedSharing: null, version: 1, sharing: { audience: { kind: 'all' }, tlp: 'AMBER', handling: ['H2'] } });
    expect(await told(draft.id)).toBeGreaterThan(0);
    expect((await t.as(recipient, { method: 'GET', url: `${API}/${draft.id}` })).statusCode).toBe(200);
    expect((await t.as(owner, { method: 'GET', url: `${API}/${draft.id}/versions` })).json<{ data: unknown[] }>().data).toHaveLength(1);
    // Published: no second publishing, no deleting.
    expect((await t.as(owner, { method: 'POST', url: `${API}/${draft.id}/publish` })).statusCode).toBe(409);
    expect((await t.as(owner, { method: 'DELETE', url: `${API}/${draft.id}` })).statusCode).toBe(409);
    expect((await t.as(recipient, { method: 'DELETE', url: `${API}/${draft.id}` })).statusCode).toBe(403);

    const doomed = (await t.as(owner, { method: 'POST', url: API, payload: { ...bulletin('Draft to drop'), draft: true } })).json<{ data: { id: string } }>().data.id;
    expect((await t.as(owner, { method: 'DELETE', url: `${API}/${doomed}` })).statusCode).toBe(204);
    expect((await t.as(owner, { method: 'GET', url: `${API}/${doomed}` })).statusCode).toBe(404);
  });
});

describe('entities offered to linkage', () => {
  test('phones, handles, travel documents and vessels are checked, offered with the bulletin’s sharing, and follow its corrections', async () => {
    const bad = await t.as(owner, {
      method: 'POST', url: API,
      payload: bulletin('Bad entities', { kind: 'owner' }, { entities: [{ type: 'travel-document', issuer: 'IDN' }, { type: 'vessel', imo: '1234568' }, { type: 'phone', value: '+62 812', name: 'x' }] }),
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer).sort()).toEqual(['/entities/0/number', '/entities/1/imo', '/entities/2/name']);

    const entities = [{ type: 'phone', value: '+62 812 3456 7890' }, { type: 'handle', platform: 'telegram', value: '@kapal_cepat' }, { type: 'vessel', imo: '9074729', name: 'Sinar Laut', flag: 'IDN' }];
    const created = await issue('Entities: a boat agent', { kind: 'members', members: ['BBB'] }, { entities });
    const rows = () => t.db.ownerTransaction((tx) =>
      tx.query<{ kind: string; audience_kind: string; audience_members: string[]; owner: string }>(sql`
        SELECT kind, owner, audience_kind, audience_members FROM linkage_entities WHERE module = 'bulletins' AND record_id = ${created.id} ORDER BY kind`));
    expect((await rows()).map((row) => [row.kind, row.owner, row.audience_kind, row.audience_members])).toEqual([
      ['handle', 'AAA', 'members', ['BBB']], ['imo', 'AAA', 'members', ['BBB']], ['phone', 'AAA', 'members', ['BBB']], ['vessel-name', 'AAA', 'members', ['BBB']],
    ]);
    const seen = await t.as(recipient, { method: 'GET', url: `${API}/${created.id}` });
    expect(seen.json<{ data: { entities: unknown[] } }>().data.entities).toEqual(entities);

    // A correction that narrows the sharing and drops the vessel: linkage's rows follow in the same transaction.
    await t.as(owner, { method: 'PATCH', url: `${API}/${created.id}`, payload: { note: 'Ours only', entities: entities.slice(0, 2), sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    expect((await rows()).map((row) => [row.kind, row.audience_kind])).toEqual([['handle', 'owner'], ['phone', 'owner']]);
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

describe('a coordination group that has ended is read-only', () => {
  test('its members still read what was shared with it (audited), and add nothing to it; nothing new is shared with it; outsiders still get 404', async () => {
    await t.makeGroup('scam-centres', ['AAA', 'BBB']);
    const shared = await issue('Group: scam centre recruitment', { kind: 'groups', groups: ['scam-centres'] });
    const say = (who: TestSession, id = shared.id) => t.as(who, { method: 'POST', url: `${API}/${id}/comments`, payload: { body: 'Seen at the border.' } });
    expect((await say(recipient)).statusCode).toBe(201);
    expect((await t.as(recipient, { method: 'POST', url: '/api/v1/account/subscriptions', payload: { module: 'bulletins' } })).statusCode).toBe(201);
    const byGroup = (who: TestSession, group: string) => t.as(who, { method: 'GET', url: `${API}?group=${group}&limit=100` });
    expect(ids(await byGroup(recipient, 'scam-centres'))).toEqual([shared.id]);

    // The group ends (as the directory's PATCH would: sessions forget what they knew of it).
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`UPDATE sharing_groups SET ends_on = '2001-01-01' WHERE code = 'scam-centres'`);
      await sessionsChanged(tx);
    });

    const read = await t.as(recipient, { method: 'GET', url: `${API}/${shared.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json<{ data: Bulletin }>().data.abilities.respond).toBe(false);
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE request_id = ${String(read.headers['x-request-id'])}`));
    expect(audited.map((row) => row.action)).toEqual(['bulletins.read']);
    expect(ids(await byGroup(recipient, 'scam-centres'))).toEqual([shared.id]);
    expect((await t.as(recipient, { method: 'GET', url: `${API}/${shared.id}/comments` })).json<{ data: unknown[] }>().data).toHaveLength(1);

    // Through the ended group it cannot add to the bulletin.
    const before = await fingerprint(t.db);
    expect(problem(await say(recipient), 403).detail).toBe('The group ended; it is read-only.');
    expect(problem(await t.as(recipient, { method: 'POST', url: `${API}/${shared.id}/acknowledgements`, payload: { kind: 'read' } }), 403).detail).toBe('The group ended; it is read-only.');
    // Nothing new is shared with it: a new bulletin names it in vain.
    const late = await t.as(owner, { method: 'POST', url: API, payload: bulletin('Group: too late', { kind: 'groups', groups: ['scam-centres'] }) });
    expect(problem(late, 400).errors).toEqual([{ pointer: '/sharing/audience/groups/0', detail: 'the group "scam-centres" has ended; it is read-only' }]);
    // An outsider still learns nothing, by id or by the group's code.
    expect((await t.as(outsider, { method: 'GET', url: `${API}/${shared.id}` })).statusCode).toBe(404);
    expect(problem(await say(outsider), 404));
    expect(ids(await byGroup(outsider, 'scam-centres'))).toEqual([]);
    expect(await fingerprint(t.db)).toEqual(before);

    // The owner still adds and corrects: an unrelated correction keeps the audience as it stands, and tells no one through the ended group.
    // (What the file's other tests subscribed to may have told of its issue, while the group ran.)
    const toldBefore = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT kind, user_id FROM notifications WHERE object_id = ${shared.id} ORDER BY id`));
    expect((await say(owner)).statusCode).toBe(201);
    const corrected = await t.as(owner, { method: 'PATCH', url: `${API}/${shared.id}`, payload: { note: 'Kept', title: 'Group: corrected', sharing: { audience: { kind: 'groups', groups: ['scam-centres'] }, tlp: 'AMBER' } } });
    expect(corrected.statusCode, corrected.body).toBe(200);
    const told = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT kind, user_id FROM notifications WHERE object_id = ${shared.id} ORDER BY id`));
    expect(told).toEqual(toldBefore);
    // But a bulletin not shared with it cannot take it on by a correction.
    const other = await issue('Group: another', { kind: 'owner' });
    const widened = await t.as(owner, { method: 'PATCH', url: `${API}/${other.id}`, payload: { note: 'Widen', sharing: { audience: { kind: 'groups', groups: ['scam-centres'] }, tlp: 'AMBER' } } });
    expect(pointers(problem(widened, 400))).toEqual(['/sharing/audience/groups/0']);

    // A bulletin it reaches another way too (every full member) stays open to its comments.
    const open = await issue('Group: for everyone', { kind: 'all' });
    expect((await say(recipient, open.id)).statusCode).toBe(201);
  });
});

interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
}

/** A JPEG as a phone writes it: camera make and the GPS position in its EXIF. */
const withGps = (image: Sharp) =>
  image.withExif({ IFD0: { Make: 'SpyCam', Software: 'SpyCam 1.0' }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 10/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 49/1 0/1' } });
const canvas = (width = 120, height = 80) => sharp({ create: { width, height, channels: 3, background: '#2a6' } });

function pdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('Specimen: a forged visa foil, security thread missing.');
    doc.end();
  });
}

/** A PNG whose header declares `width` × `height` pixels (CRC fixed), over a tiny image's data: a decompression bomb's shape. */
async function declaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await canvas(8, 8).png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

const upload = (who: TestSession, file: Buffer, filename: string, type = 'application/octet-stream', id = attachmentsOf, metadata?: Record<string, unknown>) =>
  t.as(who, {
    method: 'POST', url: `${API}/${id}/attachments`,
    ...multipart([...(metadata ? [{ name: 'metadata', value: JSON.stringify(metadata) }] : []), { name: 'file', value: file, filename, type }]),
  });

async function attach(file: Buffer, filename: string, type?: string): Promise<Attachment> {
  const response = await upload(owner, file, filename, type);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Attachment }>().data;
}

describe('bulletin attachments', () => {
  beforeAll(async () => {
    const created = await t.as(owner, {
      method: 'POST', url: API,
      payload: { type: 'document-fraud-alert', title: 'Specimens of a forged foil', body: 'See the attachments.', sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } },
    });
    attachmentsOf = created.json<{ data: { id: string } }>().data.id;
  });
  test('an image is re-encoded without its metadata (EXIF GPS in, none out), stored with its checksum, served with the sniffed type', async () => {
    const original = await withGps(canvas().jpeg()).toBuffer();
    const before = await sharp(original).metadata();
    expect(before.exif?.includes(Buffer.from('SpyCam'))).toBe(true);
    // The GPS IFD pointer (tag 0x8825) is in the EXIF, in either byte order.
    expect(before.exif?.includes(Buffer.from([0x88, 0x25])) || before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    // The client's name and header say HTML; the bytes say JPEG.
    const stored = await attach(original, 'specimen.html', 'text/html');
    expect(stored).toMatchObject({ name: 'specimen.html', contentType: 'image/jpeg', width: 120, height: 80 });

    const served = await t.as(recipient, { method: 'GET', url: `${API}/${attachmentsOf}/attachments/${stored.id}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-disposition']).toBe("inline; filename*=UTF-8''specimen.html");
    const bytes = served.rawPayload;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256);
    expect(bytes.length).toBe(stored.size);
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 120, height: 80 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(bytes.includes(Buffer.from('SpyCam'))).toBe(false);
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);

    const audited = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT member FROM audit_log WHERE action = 'bulletins.attachment-read' AND object_id = ${attachmentsOf}`));
    expect(audited.map((row) => row.member)).toEqual(['BBB']);
  });

  test('PNG and WebP lose their metadata too; a PDF is kept as sent and served only as a download', async () => {
    for (const [image, type] of [[withGps(canvas().png()), 'image/png'], [withGps(canvas().webp()), 'image/webp']] as const) {
      const original = await image.toBuffer();
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const stored = await attach(original, 'specimen.bin');
      expect(stored.contentType).toBe(type);
      const served = await t.as(owner, { method: 'GET', url: `${API}/${attachmentsOf}/attachments/${stored.id}` });
      expect(served.headers['content-type']).toBe(type);
      expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    }

    const document = await pdf();
    const stored = await attach(document, 'foil.pdf', 'image/png');
    expect(stored).toMatchObject({ contentType: 'application/pdf', size: document.length, width: null });
    expect(stored.sha256).toBe(createHash('sha256').update(document).digest('hex'));
    const served = await t.as(recipient, { method: 'GET', url: `${API}/${attachmentsOf}/attachments/${stored.id}` });
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toBe("attachment; filename*=UTF-8''foil.pdf");
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(document)).toBe(true);

    const listed = await t.as(recipient, { method: 'GET', url: `${API}/${attachmentsOf}` });
    expect(listed.json<{ data: { attachments: Attachment[] } }>().data.attachments.map((a) => a.contentType)).toEqual(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
  });

  test('what is not a PNG, JPEG, WebP or PDF by its bytes, a damaged image, a pixel bomb or a file too large is refused and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const jpeg = await canvas().jpeg().toBuffer();
    const refusals: [Buffer, string, number][] = [
      [Buffer.from('<html><script>alert(1)</script></html>'), 'photo.png', 400],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image.svg', 400],
      [Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<html><script>alert(1)</script>')]), 'polyglot.png', 400],
      [jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'truncated.jpg', 400],
      [await declaring(20_000, 20_000), 'bomb.png', 400],
      [Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(LIMIT)]), 'large.pdf', 413],
    ];
    for (const [bytes, name, status] of refusals) {
      const response = await upload(owner, bytes, name, 'image/png');
      expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (status === 400) expect(response.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/file');
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('only the owner attaches; an outsider cannot reach or learn of an attachment', async () => {
    const stored = await attach(await canvas().png().toBuffer(), 'secret.png');
    const before = await fingerprint(t.db);
    expect((await upload(recipient, await canvas().png().toBuffer(), 'mine.png')).statusCode).toBe(403);
    expect((await upload(outsider, await canvas().png().toBuffer(), 'mine.png')).statusCode).toBe(404);
    const hidden = await t.as(outsider, { method: 'GET', url: `${API}/${attachmentsOf}/attachments/${stored.id}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('secret');
    expect(await fingerprint(t.db)).toEqual(before);
    // Row-level security alone: the outsider's member context finds no attachment row.
    const rows = await t.db.transaction({ member: 'CCC' }, (tx) => tx.query(sql`SELECT id FROM bulletin_attachments WHERE bulletin_id = ${attachmentsOf}`));
    expect(rows).toEqual([]);

    // The fifth attachment was the last this app's limit allows.
    const sixth = await upload(owner, await canvas().png().toBuffer(), 'sixth.png');
    expect(sixth.statusCode, sixth.body).toBe(409);
  });
});
