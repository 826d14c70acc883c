import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { fingerprint } from '../../../../test/support/db.js';
import { pointers, problem } from '../../../../test/support/problem.js';
import { inboxTitles, outboxAbout, registerWebhook, startWebhookReceiver, subscribe, type WebhookReceiver } from '../../../../test/support/notify.js';
import { sql } from '../../../platform/db/sql.js';
import { deliverOutbox } from '../../../platform/notify/outbox.js';
import type { ReportInput } from '../schemas.js';
import type { Report } from './schemas.js';

/**
 * What the report pages rely on: a blank count is unknown, not 0; each member's default sharing for
 * new reports is its own (set by its member-admins, read by its users, not found by anyone else);
 * the approver's notice reads in labels and is read once the report is approved, and goes through
 * the notification platform to the owner's subscribers and webhooks alone.
 */

const REPORTS = '/api/v1/reports';
let t: TestContext;
let officer: TestSession;
let approver: TestSession;
let secondApprover: TestSession;
let admin: TestSession;
let outsiderAdmin: TestSession;
let receiver: WebhookReceiver;

const input = (more: Partial<ReportInput> = {}): ReportInput => ({
  when: { from: '2024-03-02' },
  where: { country: 'IDN' },
  incidentType: 'smuggling-sea',
  sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' },
  ...more,
});

async function create(session: TestSession, body: ReportInput): Promise<Report> {
  const response = await t.as(session, { method: 'POST', url: REPORTS, payload: body });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Report }>().data;
}

async function unchanged(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await fingerprint(t.db);
  const response = await send();
  expect(await fingerprint(t.db)).toEqual(before);
  return response;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.makeMember('CCC');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  approver = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  secondApprover = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  admin = await t.sessionFor(await t.makeUser('AAA', ['member-admin']));
  outsiderAdmin = await t.sessionFor(await t.makeUser('BBB', ['member-admin', 'secretariat']));
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('unknown counts', () => {
  test('a blank count is absent from the report, a count of 0 is 0', async () => {
    const report = await create(officer, input({ outcomes: { intercepted: 0, rescued: 12 }, lawEnforcement: { arrests: 0 }, people: [{ citizenship: 'AFG', adultMen: 3 }] }));
    expect(report.outcomes).toEqual({ intercepted: 0, rescued: 12 });
    expect(report.lawEnforcement).toEqual({ arrests: 0 });
    expect(report.people).toEqual([{ citizenship: 'AFG', adultMen: 3 }]);
    const bare = await create(officer, input());
    expect(bare.outcomes).toBeUndefined();
    expect(bare.lawEnforcement).toBeUndefined();
    // Read back the same way, and an edit that blanks a count makes it unknown again.
    const read = await t.as(officer, { method: 'GET', url: `${REPORTS}/${report.id}` });
    expect(read.json<{ data: Report }>().data.outcomes).toEqual({ intercepted: 0, rescued: 12 });
    const edited = await t.as(officer, { method: 'PUT', url: `${REPORTS}/${report.id}`, payload: input({ outcomes: { rescued: 12 } }) });
    expect(edited.json<{ data: Report }>().data.outcomes).toEqual({ rescued: 12 });
    expect(edited.json<{ data: Report }>().data.lawEnforcement).toBeUndefined();
  });

  test('the analysis still sums a blank as nothing: the stored count columns stay 0', async () => {
    const report = await create(officer, input({ outcomes: { dead: 2 } }));
    const row = await t.db.ownerTransaction((tx) => tx.one<{ dead: number; rescued: number; counts_given: string[] }>(sql`SELECT dead, rescued, counts_given FROM reports WHERE id = ${report.id}`));
    expect(row).toEqual({ dead: 2, rescued: 0, counts_given: ['dead'] });
  });
});

describe('a member’s default sharing for new reports', () => {
  const url = (member: string) => `${REPORTS}/defaults/${member}`;
  const body = { sharing: { audience: { kind: 'members', members: ['BBB', 'CCC'] }, tlp: 'GREEN' }, countsInRegional: true };

  test('until set, the platform’s default: its own member only, AMBER, not counted', async () => {
    const response = await t.as(officer, { method: 'GET', url: url('CCC') });
    expect(response.statusCode).toBe(404);
    const own = await t.as(officer, { method: 'GET', url: url('AAA') });
    expect(own.statusCode, own.body).toBe(200);
    expect(own.json()).toEqual({
      data: { member: 'AAA', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' }, countsInRegional: false, updatedAt: null },
      abilities: { update: false },
    });
  });

  test('its member-admin sets it, audited, and its users read it', async () => {
    const set = await t.as(admin, { method: 'PUT', url: url('AAA'), payload: body });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json<{ data: unknown; abilities: unknown }>()).toMatchObject({ data: { member: 'AAA', ...body }, abilities: { update: true } });
    const read = await t.as(officer, { method: 'GET', url: url('AAA') });
    expect(read.json<{ data: unknown }>().data).toMatchObject(body);
    const audit = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT member FROM audit_log WHERE action = 'reports.defaults.update' AND object_id = 'AAA'`));
    expect(audit).toHaveLength(1);
  });

  test('another member neither reads nor changes it, not even as member-admin and secretariat, and nothing changes', async () => {
    const read = await unchanged(() => t.as(outsiderAdmin, { method: 'GET', url: url('AAA') }));
    problem(read, 404);
    expect(read.body).not.toContain('GREEN');
    problem(await unchanged(() => t.as(outsiderAdmin, { method: 'PUT', url: url('AAA'), payload: { ...body, countsInRegional: false } })), 404);
    problem(await unchanged(() => t.as(outsiderAdmin, { method: 'PUT', url: url('NOSUCH'), payload: body })), 404);
    // Its own defaults stay the platform's: AAA's never leak into BBB's.
    expect((await t.as(outsiderAdmin, { method: 'GET', url: url('BBB') })).json<{ data: { sharing: unknown } }>().data.sharing).toEqual({ audience: { kind: 'owner' }, tlp: 'AMBER' });
    // Row-level security alone hides AAA's row from BBB.
    const rows = await t.db.transaction({ member: 'BBB' }, (tx) => tx.query(sql`SELECT member FROM report_defaults`));
    expect(rows).toEqual([]);
  });

  test('a user of the member without the member-admin role may not change it', async () => {
    problem(await unchanged(() => t.as(officer, { method: 'PUT', url: url('AAA'), payload: body })), 403);
  });

  test('bad input is a 400 naming each field, and nothing changes', async () => {
    const unknownMember = await unchanged(() => t.as(admin, { method: 'PUT', url: url('AAA'), payload: { ...body, sharing: { audience: { kind: 'members', members: ['ZZZ'] }, tlp: 'RED' } } }));
    expect(pointers(problem(unknownMember, 400))).toEqual(['/sharing/audience/members/0']);
    const red = await unchanged(() => t.as(admin, { method: 'PUT', url: url('AAA'), payload: { ...body, sharing: { audience: { kind: 'all' }, tlp: 'RED' } } }));
    expect(pointers(problem(red, 400))).toEqual(['/sharing/tlp']);
    problem(await unchanged(() => t.as(admin, { method: 'PUT', url: url('AAA'), payload: { sharing: { audience: { kind: 'all' }, tlp: 'PINK' }, countsInRegional: true } })), 400);
    problem(await unchanged(() => t.as(admin, { method: 'PUT', url: url('AAA'), payload: { sharing: body.sharing } })), 400);
  });
});

describe('the approver’s notice', () => {
  interface Notice { id: string; title: string; body: string; read: boolean; objectId: string | null }
  const inbox = async (session: TestSession): Promise<Notice[]> => {
    const response = await t.as(session, { method: 'GET', url: '/api/v1/inbox' });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<{ data: Notice[] }>().data;
  };

  test('reads in labels, not codes, and is read for every approver once the report is approved', async () => {
    const report = await create(officer, input({ where: { country: 'IDN' } }));
    expect((await t.as(officer, { method: 'POST', url: `${REPORTS}/${report.id}/submit` })).statusCode).toBe(200);
    const [notice] = (await inbox(approver)).filter((n) => n.objectId === report.id);
    expect(notice?.body).toContain('Smuggling by sea, Indonesia');
    expect(notice?.body).not.toMatch(/smuggling-sea|IDN/);
    expect(notice?.read).toBe(false);
    expect((await inbox(secondApprover)).find((n) => n.objectId === report.id)?.read).toBe(false);

    const approved = await t.as(approver, { method: 'POST', url: `${REPORTS}/${report.id}/approve` });
    expect(approved.statusCode, approved.body).toBe(200);
    expect((await inbox(approver)).find((n) => n.objectId === report.id)?.read).toBe(true);
    expect((await inbox(secondApprover)).find((n) => n.objectId === report.id)?.read).toBe(true);
    // The submitter's own notice, that it was approved, is new and unread.
    expect((await inbox(officer)).find((n) => n.objectId === report.id)).toMatchObject({ read: false, title: 'Your report was approved and shared' });
  });

  test('a report returned to draft settles the notice too; another report’s stays unread', async () => {
    const first = await create(officer, input());
    const second = await create(officer, input({ incidentType: 'document-fraud' }));
    for (const id of [first.id, second.id]) expect((await t.as(officer, { method: 'POST', url: `${REPORTS}/${id}/submit` })).statusCode).toBe(200);
    expect((await t.as(approver, { method: 'POST', url: `${REPORTS}/${first.id}/return`, payload: { note: 'Add the date.' } })).statusCode).toBe(200);
    const notices = await inbox(approver);
    expect(notices.find((n) => n.objectId === first.id)?.read).toBe(true);
    expect(notices.find((n) => n.objectId === second.id)).toMatchObject({ read: false, body: expect.stringContaining('Document fraud') as unknown });
  });

  test('the owner’s subscribers and webhooks are told, another member’s are not, even of a report to be shared with all; one deleted before sending is withheld', async () => {
    const watcher = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const foreign = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
    await subscribe(t, watcher, { module: 'reports', kinds: ['report.submitted'], countries: ['IDN'], email: false });
    await subscribe(t, foreign, { module: 'reports', email: false });
    for (const member of ['AAA', 'BBB']) await registerWebhook(t, member, receiver.url, ['report.submitted', 'report.approved']);
    const everyone = { sharing: { audience: { kind: 'all' as const }, tlp: 'GREEN' as const } };
    const shared = await create(officer, input(everyone));
    const deleted = await create(officer, input(everyone));
    for (const id of [shared.id, deleted.id]) expect((await t.as(officer, { method: 'POST', url: `${REPORTS}/${id}/submit` })).statusCode).toBe(200);
    expect((await t.as(approver, { method: 'POST', url: `${REPORTS}/${shared.id}/approve` })).statusCode).toBe(200);
    expect(await inboxTitles(t, watcher)).toEqual(['A report waits for your approval', 'A report waits for your approval']);
    expect(await inboxTitles(t, foreign)).toEqual([]);
    expect((await t.as(approver, { method: 'POST', url: `${REPORTS}/${deleted.id}/return`, payload: { note: 'No.' } })).statusCode).toBe(200);
    expect((await t.as(officer, { method: 'DELETE', url: `${REPORTS}/${deleted.id}` })).statusCode).toBe(204);
    await deliverOutbox(t.platform);
    expect(await outboxAbout(t, shared.id)).toEqual([{ channel: 'webhook', member: 'AAA', status: 'sent' }, { channel: 'webhook', member: 'AAA', status: 'sent' }]);
    expect(await outboxAbout(t, deleted.id)).toEqual([{ channel: 'webhook', member: 'AAA', status: 'withheld' }]);
    expect(receiver.received.map((hook) => [hook.path, (JSON.parse(hook.body) as { type: string }).type])).toEqual([['/AAA', 'report.submitted'], ['/AAA', 'report.approved']]);
  });
});
