import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { inboxTitles, outboxAbout, registerWebhook, startWebhookReceiver, subscribe, type WebhookReceiver } from '../../../test/support/notify.js';
import { sql } from '../../platform/db/sql.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';
import { matchAll } from './matcher.js';
import { remindOverdue } from './requests.js';

const API = '/api/v1/linkage';

interface Request {
  id: string;
  side: 'asker' | 'holder';
  member: string | null;
  status: string;
  urgency: string;
  dueAt: string;
  refusal: string | null;
  records: { module: string; recordType: string; id: string; label: string; fields: { name: string; label: string }[] }[];
  disclosed: { record: string; module: string; recordType: string; fields: Record<string, unknown>; labels: { name: string; label: string }[]; sharing: { tlp: string } }[];
}

let t: TestContext;
let holder: TestSession;
let holderAnalyst: TestSession;
let asker: TestSession;
let outsider: TestSession;
let receiver: WebhookReceiver;

async function lead(who: TestSession, title: string, value: string, more: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(who, {
    method: 'POST',
    url: `${API}/leads`,
    payload: { title, subject: 'person', narrative: `Narrative of ${title}`, entities: [{ type: 'email', value }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, ...more },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

/** The notice the asker (BBB) was given about `value`. */
async function noticeOf(value: string): Promise<string> {
  await matchAll(t.platform);
  const notices = (await t.as(asker, { method: 'GET', url: `${API}/notices?side=told` })).json<{ data: { id: string; key: string }[] }>().data;
  const found = notices.find((notice) => notice.key === value);
  if (!found) throw new Error(`no notice about ${value}`);
  return found.id;
}

const ask = (notice: string, who = asker) => t.as(who, { method: 'POST', url: `${API}/notices/${notice}/requests`, payload: { reason: 'Case 2025/114: the same address organised three crossings.', urgency: 'urgent' } });
const read = async (who: TestSession, id: string): Promise<Request> => (await t.as(who, { method: 'GET', url: `${API}/requests/${id}` })).json<{ data: Request }>().data;
const mail = () => t.db.ownerTransaction((tx) => tx.query<{ payload: { to: string; subject: string } }>(sql`SELECT payload FROM outbox ORDER BY id`));

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  holder = await t.sessionFor(await t.makeUser('AAA', ['approver', 'analyst']));
  holderAnalyst = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
  asker = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['analyst', 'approver', 'member-admin']));
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

test('the member told asks; the holder grants chosen fields to it; the asker reads them, and only them', async () => {
  const held = await lead(holder, 'Organiser in Kupang', 'organiser@example.org');
  await lead(asker, 'Our lead', 'organiser@example.org');
  const notice = await noticeOf('organiser@example.org');
  const mailBefore = (await mail()).length;

  const asked = await ask(notice);
  expect(asked.statusCode, asked.body).toBe(201);
  const request = asked.json<{ data: Request }>().data;
  expect(request).toMatchObject({ side: 'asker', member: 'AAA', status: 'pending', urgency: 'urgent', records: [], disclosed: [] });
  // Urgent: half the 48 hours.
  const hours = (Date.parse(request.dueAt) - Date.now()) / 3_600_000;
  expect(hours).toBeGreaterThan(23.9);
  expect(hours).toBeLessThan(24.1);
  // The holder's approvers are told in the inbox and by e-mail (through the outbox).
  expect((await mail()).length).toBeGreaterThan(mailBefore);

  const seen = await read(holder, request.id);
  // The holder is offered its matching lead, labelled, with what a lead discloses.
  expect(seen).toMatchObject({ side: 'holder', member: 'BBB' });
  expect(seen.records).toEqual([{ module: 'linkage', recordType: 'lead', id: held, label: 'Organiser in Kupang', fields: ['title', 'subject', 'narrative', 'country', 'entities'].map((name) => ({ name, label: expect.any(String) as string })) }]);

  // A sharing that leaves the asker out is refused at its pointer, and nothing changes.
  const before = await fingerprint(t.db);
  const narrow = await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/grant`, payload: { records: [{ id: held, fields: ['title'] }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
  expect(narrow.statusCode).toBe(400);
  expect(narrow.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/sharing/audience']);
  // So is a record that is not one of the holder's matching records.
  const other = await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/grant`, payload: { records: [{ id: notice, fields: ['title'] }], sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } } });
  expect(other.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/records/0/id']);
  // And a field a lead does not disclose, at its pointer.
  const unknown = await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/grant`, payload: { records: [{ id: held, fields: ['title', 'owner'] }], sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } } });
  expect(unknown.statusCode).toBe(400);
  expect(unknown.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/records/0/fields/1']);
  expect(await fingerprint(t.db)).toEqual(before);

  // The asker may not decide, nor an analyst of the holder (no role to disclose).
  expect((await t.as(asker, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'x' } })).statusCode).toBe(403);
  expect((await t.as(holderAnalyst, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'x' } })).statusCode).toBe(403);

  const granted = await t.as(holder, {
    method: 'POST',
    url: `${API}/requests/${request.id}/grant`,
    payload: { records: [{ id: held, fields: ['title', 'entities'] }], sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER', handling: ['H2'] } },
  });
  expect(granted.statusCode, granted.body).toBe(200);
  const result = await read(asker, request.id);
  expect(result.status).toBe('granted');
  expect(result.disclosed).toHaveLength(1);
  expect(result.disclosed[0]?.fields).toEqual({ title: 'Organiser in Kupang', entities: [{ type: 'email', value: 'organiser@example.org' }] });
  expect(result.disclosed[0]).toMatchObject({ module: 'linkage', recordType: 'lead', labels: [{ name: 'title', label: 'Title' }, { name: 'entities', label: 'Entities' }] });
  expect(result.disclosed[0]?.sharing.tlp).toBe('AMBER');
  expect(JSON.stringify(result)).not.toContain('Narrative of Organiser');
  // Decided once.
  expect((await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'Too late' } })).statusCode).toBe(409);
  // The asker is told.
  const told = await t.db.ownerTransaction((tx) => tx.query<{ title: string }>(sql`SELECT n.title FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.member = 'BBB' AND n.kind = 'linkage.decision'`));
  expect(told.map((n) => n.title)).toContain('AAA disclosed what you asked about a match');
});

test('an unnamed holder refuses; the asker reads the reason and never the holder’s name', async () => {
  await lead(holder, 'Quiet lead', 'quiet.organiser@example.org', { namedInHits: false });
  await lead(asker, 'Asker’s lead', 'quiet.organiser@example.org');
  const notice = await noticeOf('quiet.organiser@example.org');
  const request = (await ask(notice)).json<{ data: Request }>().data;
  expect(request.member).toBeNull();
  const refused = await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'An open investigation.' } });
  expect(refused.statusCode, refused.body).toBe(200);
  const response = await t.as(asker, { method: 'GET', url: `${API}/requests/${request.id}` });
  expect(response.json<{ data: Request }>().data).toMatchObject({ status: 'refused', refusal: 'An open investigation.', member: null });
  expect(response.body).not.toContain('AAA');
  const told = await t.db.ownerTransaction((tx) => tx.query<{ title: string; body: string }>(sql`SELECT n.title, n.body FROM notifications n JOIN users u ON u.id = n.user_id
    WHERE u.member = 'BBB' AND n.kind = 'linkage.decision' AND n.object_id = ${request.id}`));
  expect(told[0]?.title).toBe('The holder refused your request about a match');
  expect(`${told[0]?.title} ${told[0]?.body}`).not.toContain('AAA');
  // Nor does the asker's "who read my records" page name the holder: its reads and its refusal name no one.
  await t.as(holder, { method: 'GET', url: `${API}/requests/${request.id}` });
  await t.as(holder, { method: 'GET', url: `${API}/requests` });
  await t.as(holder, { method: 'GET', url: `${API}/notices` });
  const reads = (await t.as(asker, { method: 'GET', url: '/api/v1/audit/reads?limit=100' })).json<{ data: { readerMember: string; ids: string[] }[] }>().data;
  const aboutIt = reads.filter((row) => row.ids.includes(request.id) || row.ids.includes(notice));
  expect(aboutIt).toEqual([]);
  // Not vacuous: the named holder's reads in the first test are on the asker's page.
  expect(reads.some((row) => row.readerMember === 'AAA')).toBe(true);
});

test('only the member told asks; a third member gets 404 and nothing changes', async () => {
  await lead(holder, 'Third lead', 'third@example.org');
  await lead(asker, 'Third asker', 'third@example.org');
  const notice = await noticeOf('third@example.org');
  const before = await fingerprint(t.db);
  expect((await ask(notice, outsider)).statusCode).toBe(404);
  // The holder sees the notice (it was told who was told) but does not ask itself.
  expect((await ask(notice, holder)).statusCode).toBe(403);
  expect(await fingerprint(t.db)).toEqual(before);
  const request = (await ask(notice)).json<{ data: Request }>().data;
  const hidden = await t.as(outsider, { method: 'GET', url: `${API}/requests/${request.id}` });
  expect(hidden.statusCode).toBe(404);
  expect((await t.as(outsider, { method: 'GET', url: `${API}/requests` })).json<{ data: unknown[] }>().data).toEqual([]);
  expect((await t.as(outsider, { method: 'POST', url: `${API}/requests/${request.id}/grant`, payload: { records: [{ id: request.id, fields: ['title'] }], sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } })).statusCode).toBe(404);
});

test('a request past its deadline reminds the holder, once per deadline’s length, on the record', async () => {
  await lead(holder, 'Slow lead', 'slow@example.org');
  await lead(asker, 'Waiting lead', 'slow@example.org');
  const request = (await ask(await noticeOf('slow@example.org'))).json<{ data: Request }>().data;
  expect(await remindOverdue(t.platform)).toBe(0);
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE linkage_requests SET due_at = now() - interval '1 minute', created_at = now() - interval '25 hours' WHERE id = ${request.id}`));
  expect(await remindOverdue(t.platform)).toBe(1);
  expect(await remindOverdue(t.platform)).toBe(0);
  const reminded = await t.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM notifications n JOIN users u ON u.id = n.user_id
    WHERE u.member = 'AAA' AND n.kind = 'linkage.request-reminder' AND n.object_id = ${request.id}`));
  expect(reminded[0]?.n).toBeGreaterThan(0);
  const audit = await t.db.ownerTransaction((tx) => tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'linkage.request-remind' AND object_id = ${request.id}`));
  expect(audit[0]?.n).toBe(1);
});

test('what each side may do comes with the notice and the request (abilities), and requests waiting for the holder show on its home page', async () => {
  await lead(holder, 'Abilities lead', 'abilities@example.org');
  await lead(asker, 'Abilities asker', 'abilities@example.org');
  const notice = await noticeOf('abilities@example.org');
  const abilitiesOf = async (who: TestSession) => (await t.as(who, { method: 'GET', url: `${API}/notices/${notice}` })).json<{ data: { side: string; abilities: { ask: boolean } } }>().data;
  // The member told asks; the holder, who reads the same notice, does not.
  expect(await abilitiesOf(asker)).toMatchObject({ side: 'told', abilities: { ask: true } });
  expect(await abilitiesOf(holder)).toMatchObject({ side: 'holder', abilities: { ask: false } });
  const waiting = async (who: TestSession): Promise<number | undefined> =>
    (await t.as(who, { method: 'GET', url: '/api/v1/home' })).json<{ attention: { module: string; key: string; count: number; link: string }[] }>().attention.find((item) => item.module === 'linkage' && item.key === 'requests-to-decide')?.count;
  const before = await waiting(holder);
  expect(before).toBeTypeOf('number');

  const request = (await ask(notice)).json<{ data: Request & { abilities: unknown } }>().data;
  expect(request.abilities).toEqual({ grant: false, refuse: false });
  const decide = async (who: TestSession) => (await t.as(who, { method: 'GET', url: `${API}/requests/${request.id}` })).json<{ data: { abilities: unknown } }>().data.abilities;
  expect(await decide(holder)).toEqual({ grant: true, refuse: true });
  // An analyst of the holder reads it but has no role to decide.
  expect(await decide(holderAnalyst)).toEqual({ grant: false, refuse: false });
  // Waiting for the holder's approvers: counted on their home page (not the analyst's, not the asker's).
  expect(await waiting(holder)).toBe((before ?? 0) + 1);
  expect(await waiting(holderAnalyst)).toBeUndefined();
  expect(await waiting(asker)).toBeUndefined();

  expect((await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'Not now.' } })).statusCode).toBe(200);
  expect(await decide(holder)).toEqual({ grant: false, refuse: false });
  expect(await waiting(holder)).toBe(before);
});

test('the list pages by a cursor: pending first, soonest due first, each request once, and a notice’s own requests on their own', async () => {
  const notices: string[] = [];
  for (const value of ['page-one@example.org', 'page-two@example.org', 'page-three@example.org']) {
    await lead(holder, `Held ${value}`, value);
    await lead(asker, `Ours ${value}`, value);
    notices.push(await noticeOf(value));
  }
  const made: string[] = [];
  for (const [index, notice] of notices.entries()) {
    const urgency = ['routine', 'immediate', 'urgent'][index];
    const asked = await t.as(asker, { method: 'POST', url: `${API}/notices/${notice}/requests`, payload: { reason: 'Paging the requests.', urgency } });
    expect(asked.statusCode, asked.body).toBe(201);
    made.push(asked.json<{ data: Request }>().data.id);
  }
  // One is refused: it comes after every pending one.
  expect((await t.as(holder, { method: 'POST', url: `${API}/requests/${made[1]}/refuse`, payload: { reason: 'Not now.' } })).statusCode).toBe(200);

  const all = (await t.as(asker, { method: 'GET', url: `${API}/requests?side=asker` })).json<{ data: Request[]; next: string | null }>();
  expect(all.next).toBeNull();
  const paged: Request[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { data: Request[]; next: string | null } = (await t.as(asker, { method: 'GET', url: `${API}/requests?side=asker&limit=1${cursor ? `&cursor=${cursor}` : ''}` })).json();
    expect(page.data.length).toBeLessThanOrEqual(1);
    paged.push(...page.data);
    cursor = page.next;
  }
  expect(paged.map((r) => r.id)).toEqual(all.data.map((r) => r.id));
  const ranks = paged.map((r) => (r.status === 'pending' ? 0 : 1));
  expect(ranks).toEqual([...ranks].sort());
  const pendingDue = paged.filter((r) => r.status === 'pending').map((r) => Date.parse(r.dueAt));
  expect(pendingDue).toEqual([...pendingDue].sort((a, b) => a - b));
  for (const id of made) expect(paged.filter((r) => r.id === id)).toHaveLength(1);

  // A notice's requests alone; another member's notice gives an empty list, as a missing one does.
  const own = (await t.as(asker, { method: 'GET', url: `${API}/requests?notice=${notices[0]}` })).json<{ data: Request[] }>().data;
  expect(own.map((r) => r.id)).toEqual([made[0]]);
  const outsiders = await t.as(outsider, { method: 'GET', url: `${API}/requests?notice=${notices[0]}` });
  expect(outsiders.json()).toEqual({ data: [], next: null });
});

test('match notices and requests tell each side’s subscribers and webhooks, and no third member’s', async () => {
  // Of a role linkage does not tell by itself: what they get, their subscriptions asked for.
  const holderWatcher = await t.sessionFor(await t.makeUser('AAA', ['secretariat']));
  const askerWatcher = await t.sessionFor(await t.makeUser('BBB', ['secretariat']));
  const outsiderWatcher = await t.sessionFor(await t.makeUser('CCC', ['secretariat']));
  await subscribe(t, holderWatcher, { module: 'linkage', kinds: ['linkage.matched', 'linkage.request'], email: false });
  await subscribe(t, askerWatcher, { module: 'linkage', kinds: ['linkage.match', 'linkage.request'], email: false });
  await subscribe(t, outsiderWatcher, { module: 'linkage', email: false });
  const kinds = ['linkage.match', 'linkage.matched', 'linkage.request'];
  for (const member of ['AAA', 'BBB', 'CCC']) await registerWebhook(t, member, receiver.url, kinds);
  await lead(holder, 'Hub', 'hub@example.org');
  await lead(asker, 'Our hub', 'hub@example.org');
  const notice = await noticeOf('hub@example.org');
  const asked = await ask(notice);
  expect(asked.statusCode, asked.body).toBe(201);
  const request = asked.json<{ data: Request }>().data.id;
  expect(await inboxTitles(t, askerWatcher)).toEqual(['A e-mail address in your records matches a record of AAA']);
  expect((await inboxTitles(t, holderWatcher))).toEqual([expect.stringMatching(/^BBB asks what you may disclose/) as unknown, 'BBB was told that a e-mail address in its records matches yours']);
  expect(await inboxTitles(t, outsiderWatcher)).toEqual([]);
  await deliverOutbox(t.platform);
  const hooks = async (id: string) => (await outboxAbout(t, id)).filter((row) => row.channel === 'webhook');
  expect(await hooks(notice)).toEqual([{ channel: 'webhook', member: 'BBB', status: 'sent' }, { channel: 'webhook', member: 'AAA', status: 'sent' }]);
  expect(await hooks(request)).toEqual([{ channel: 'webhook', member: 'AAA', status: 'sent' }]);
  // Each member was told of the other's lead too (both notices), never CCC.
  expect(receiver.received.map((hook) => hook.path).sort()).toEqual(['/AAA', '/AAA', '/AAA', '/BBB', '/BBB']);
});

test('the holder decides at a person’s pace: not before it opened the request, nor sooner than the minimum after; the others’ answers are unchanged', async () => {
  await lead(holder, 'Paced lead', 'paced@example.org');
  await lead(asker, 'Paced asker', 'paced@example.org');
  const request = (await ask(await noticeOf('paced@example.org'))).json<{ data: Request }>().data;
  const refuse = (who: TestSession) => t.as(who, { method: 'POST', url: `${API}/requests/${request.id}/refuse`, payload: { reason: 'Not now.' } });
  const config = t.platform.config;
  config.decisionMinSeconds = 2;
  try {
    const before = await fingerprint(t.db);
    const unopened = await refuse(holder);
    expect(unopened.statusCode, unopened.body).toBe(409);
    expect(unopened.json()).toMatchObject({ type: '/problems/decided-too-soon', secondsLeft: 2, detail: expect.stringMatching(/^Open the request/) });
    const grant = await t.as(holder, { method: 'POST', url: `${API}/requests/${request.id}/grant`, payload: { records: [{ id: request.id, fields: ['title'] }], sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } } });
    expect(grant.statusCode, grant.body).toBe(409);
    // A third member still gets 404 and the asker 403, as for any request: the pace is asked of the holder alone.
    expect((await refuse(outsider)).statusCode).toBe(404);
    expect((await refuse(asker)).statusCode).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await read(holder, request.id)).status).toBe('pending');
    const soon = await refuse(holder);
    expect(soon.statusCode, soon.body).toBe(409);
    expect(soon.json<{ secondsLeft: number }>().secondsLeft).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const refused = await refuse(holder);
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json<{ data: Request }>().data.status).toBe('refused');
  } finally {
    config.decisionMinSeconds = 0;
  }
});
