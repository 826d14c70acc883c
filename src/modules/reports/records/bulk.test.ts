import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { fingerprint } from '../../../../test/support/db.js';
import { pointers, problem } from '../../../../test/support/problem.js';
import { sql } from '../../../platform/db/sql.js';
import type { ReportInput } from '../schemas.js';
import { BULK_LIMIT, type BulkResult } from './schemas.js';

// Bulk submit and approve (POST /reports/bulk/{submit,approve}): the same rules as one report at a
// time, four eyes included; another member's hidden reports answered exactly as ids that do not
// exist; one transaction, one audit row; the side effects of approval (facts, notifications) for all.

const REPORTS = '/api/v1/reports';

let t: TestContext;
/** AAA: two officers, an approver and an officer who is also member-admin (may approve); BBB: another member. */
let officer: TestSession;
let colleague: TestSession;
let approver: TestSession;
let admin: TestSession;
let outsider: TestSession;
let outsiderOfficer: TestSession;

const report = (more: Partial<ReportInput> = {}): ReportInput => ({
  when: { from: '2024-05-02' },
  where: { country: 'IDN', place: 'Kupang' },
  incidentType: 'smuggling-sea',
  people: [{ citizenship: 'AFG', adultMen: 3 }],
  sharing: { audience: { kind: 'all' }, tlp: 'GREEN' },
  ...more,
});

async function drafts(session: TestSession, count: number, more: Partial<ReportInput> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await t.as(session, { method: 'POST', url: REPORTS, payload: report(more) });
    expect(response.statusCode, response.body).toBe(201);
    ids.push(response.json<{ data: { id: string } }>().data.id);
  }
  return ids;
}

const bulk = (session: TestSession, act: 'submit' | 'approve', payload: Record<string, unknown>) =>
  t.as(session, { method: 'POST', url: `${REPORTS}/bulk/${act}`, payload });

function ok(response: LightMyRequestResponse): BulkResult {
  expect(response.statusCode, response.body).toBe(200);
  return response.json<BulkResult>();
}

async function statuses(ids: readonly string[]): Promise<Record<string, string>> {
  const rows = await t.db.ownerTransaction((tx) => tx.query<{ id: string; status: string }>(sql`SELECT id, status FROM reports WHERE id = ANY(${ids}::uuid[])`));
  return Object.fromEntries(rows.map((row) => [row.id, row.status]));
}

const all = (ids: readonly string[], status: string): Record<string, string> => Object.fromEntries(ids.map((id) => [id, status]));

async function auditRows(action: string, member: string): Promise<{ user_id: string; object_owner: string; details: Record<string, unknown> }[]> {
  return t.db.ownerTransaction((tx) => tx.query(sql`SELECT user_id, object_owner, details FROM audit_log WHERE action = ${action} AND member = ${member} ORDER BY seq`));
}

async function notificationsOf(userId: string): Promise<{ kind: string; title: string; object_id: string | null; owner: string; audience_kind: string }[]> {
  return t.db.ownerTransaction((tx) => tx.query(sql`SELECT kind, title, object_id, owner, audience_kind FROM notifications WHERE user_id = ${userId} ORDER BY created_at, title`));
}

/** Runs a refused request and proves it changed nothing: reports, audit trail, notifications, facts. */
async function unchanged(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await fingerprint(t.db);
  const response = await send();
  expect(await fingerprint(t.db)).toEqual(before);
  return response;
}

/** What a client can compare between two answers: all but the request id. */
function shape(response: LightMyRequestResponse): Record<string, unknown> {
  const { requestId: _requestId, ...rest } = response.json<Record<string, unknown>>();
  return { status: response.statusCode, ...rest };
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  colleague = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  approver = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  admin = await t.sessionFor(await t.makeUser('AAA', ['officer', 'member-admin']));
  outsider = await t.sessionFor(await t.makeUser('BBB', ['officer', 'approver', 'member-admin']));
  outsiderOfficer = await t.sessionFor(await t.makeUser('BBB', ['officer']));
});
afterAll(() => t.close());

describe('bulk submit and approve', () => {
  test('an officer submits a selection, another user approves it: one audit row each, one notice per person, the facts follow', async () => {
    const mine = await drafts(officer, 3);
    const theirs = await drafts(colleague, 1);
    const ids = [...mine, ...theirs];
    const approverInbox = (await notificationsOf(approver.user.id)).length;

    const submitted = ok(await bulk(officer, 'submit', { ids: mine }));
    expect(submitted).toEqual({ act: 'submit', dryRun: false, selected: 3, done: 3, ids: mine, refused: [] });
    ok(await bulk(colleague, 'submit', { ids: theirs }));
    expect(await statuses(ids)).toEqual(all(ids, 'submitted'));
    const submitRows = await auditRows('reports.bulk-submit', 'AAA');
    expect(submitRows).toEqual([
      { user_id: officer.user.id, object_owner: 'AAA', details: { selection: 'ids', partial: false, count: 3, reports: mine, refused: {} } },
      { user_id: colleague.user.id, object_owner: 'AAA', details: { selection: 'ids', partial: false, count: 1, reports: theirs, refused: {} } },
    ]);
    // The approvers get one notice for the three, marked for the member alone, and for the one the
    // notice of one report submitted; the submitters none.
    const notices = (await notificationsOf(approver.user.id)).slice(approverInbox);
    expect(notices).toEqual([
      { kind: 'report.submitted', title: '3 reports wait for your approval', object_id: null, owner: 'AAA', audience_kind: 'owner' },
      { kind: 'report.submitted', title: 'A report waits for your approval', object_id: theirs[0], owner: 'AAA', audience_kind: 'all' },
    ]);
    expect((await notificationsOf(admin.user.id)).filter((n) => n.title === '3 reports wait for your approval')).toHaveLength(1);
    expect(await notificationsOf(officer.user.id)).toEqual([]);
    expect(await notificationsOf(colleague.user.id)).toEqual([]);

    const analysed = async (): Promise<number> => (await t.as(approver, { method: 'GET', url: `${REPORTS}/analysis` })).json<{ totals: { reports: number } }>().totals.reports;
    const before = await analysed();
    const approved = ok(await bulk(approver, 'approve', { ids }));
    expect(approved).toMatchObject({ act: 'approve', done: 4, ids, refused: [] });
    expect(await statuses(ids)).toEqual(all(ids, 'shared'));
    expect(await auditRows('reports.bulk-approve', 'AAA')).toEqual([
      expect.objectContaining({ user_id: approver.user.id, object_owner: 'AAA', details: expect.objectContaining({ count: 4, reports: ids }) as unknown }),
    ]);
    // Each submitter hears once: the officer of its three reports, the colleague as for one report approved alone.
    expect(await notificationsOf(officer.user.id)).toEqual([
      { kind: 'report.approved', title: '3 of your reports were approved and shared', object_id: null, owner: 'AAA', audience_kind: 'owner' },
    ]);
    expect(await notificationsOf(colleague.user.id)).toEqual([
      { kind: 'report.approved', title: 'Your report was approved and shared', object_id: theirs[0], owner: 'AAA', audience_kind: 'all' },
    ]);
    // Shared as one approval shares: the analysis facts and the dashboard count them.
    const facts = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM report_facts WHERE report_id = ANY(${ids}::uuid[])`));
    expect(facts.n).toBe(4);
    expect(await analysed()).toBe(before + 4);
    const one = (await t.as(officer, { method: 'GET', url: `${REPORTS}/${mine[0] ?? ''}` })).json<{ data: { approvedAt: string | null } }>();
    expect(one.data.approvedAt).not.toBeNull();
  });

  test('four eyes: the submitter cannot bulk-approve their own submissions, another approver can', async () => {
    const ids = await drafts(admin, 2);
    ok(await bulk(admin, 'submit', { ids }));
    const refused = problem(await unchanged(() => bulk(admin, 'approve', { ids })), 409);
    expect(pointers(refused)).toEqual(['/ids/0', '/ids/1']);
    expect(refused.errors?.[0]?.detail).toContain('another approver');
    // Partial changes nothing either: there is nothing the submitter may approve.
    const partial = ok(await unchanged(() => bulk(admin, 'approve', { ids, partial: true })));
    expect(partial).toMatchObject({ done: 0, ids: [], refused: ids.map((id) => ({ id, reason: 'four-eyes' })) });
    expect(await statuses(ids)).toEqual(all(ids, 'submitted'));
    expect(ok(await bulk(approver, 'approve', { ids })).done).toBe(2);
    expect(await statuses(ids)).toEqual(all(ids, 'shared'));
  });

  test('all or nothing: one report in the wrong state and none is acted on; partial acts on the others and names it', async () => {
    const ids = await drafts(officer, 3);
    const [first, second, third] = ids as [string, string, string];
    ok(await bulk(officer, 'submit', { ids: [second] }));
    const body = problem(await unchanged(() => bulk(officer, 'submit', { ids })), 409);
    expect(body.detail).toBe('1 of 3 reports cannot be submitted (1 status), so none was. Correct the selection, or send "partial": true to submit the others.');
    expect(body.errors).toEqual([{ pointer: '/ids/1', detail: 'A submitted report cannot be submitted; it must be draft.' }]);

    const dry = ok(await unchanged(() => bulk(officer, 'submit', { ids, dryRun: true })));
    expect(dry).toEqual({ act: 'submit', dryRun: true, selected: 3, done: 2, ids: [first, third], refused: [{ id: second, reason: 'status', detail: 'A submitted report cannot be submitted; it must be draft.' }] });

    const partial = ok(await bulk(officer, 'submit', { ids, partial: true }));
    expect(partial).toMatchObject({ done: 2, ids: [first, third], refused: [{ id: second, reason: 'status' }] });
    expect(await statuses(ids)).toEqual(all(ids, 'submitted'));
    const last = (await auditRows('reports.bulk-submit', 'AAA')).at(-1);
    expect(last?.details).toMatchObject({ partial: true, count: 2, reports: [first, third], refused: { status: 1 } });
  });

  test('a filter selects the member’s own matching reports only, in the list’s order', async () => {
    const member = await t.makeMember('FLT');
    const writer = await t.sessionFor(await t.makeUser(member, ['officer']));
    const checker = await t.sessionFor(await t.makeUser(member, ['approver']));
    const mys = await drafts(writer, 2, { where: { country: 'MYS' } });
    const idn = await drafts(writer, 1, { where: { country: 'IDN' } });
    // Another member's drafts in the same country are not the writer's to select.
    const elsewhere = await drafts(outsiderOfficer, 1, { where: { country: 'MYS' } });

    const dry = ok(await bulk(writer, 'submit', { filter: { status: 'draft', country: 'MYS' }, dryRun: true }));
    expect(dry.selected).toBe(2);
    expect(new Set(dry.ids)).toEqual(new Set(mys));
    const listed = (await t.as(writer, { method: 'GET', url: `${REPORTS}?status=draft&country=MYS&mine=true` })).json<{ data: { id: string }[] }>();
    expect(dry.ids).toEqual(listed.data.map((r) => r.id));

    expect(ok(await bulk(writer, 'submit', { filter: { status: 'draft', country: 'MYS' } })).done).toBe(2);
    expect(await statuses([...mys, ...idn, ...elsewhere])).toEqual({ ...all(mys, 'submitted'), ...all(idn, 'draft'), ...all(elsewhere, 'draft') });
    const [row] = await auditRows('reports.bulk-submit', member);
    expect(row?.details).toMatchObject({ selection: 'filter', filter: { status: 'draft', country: 'MYS' }, count: 2 });

    // Without a status, the filter also takes the draft: all or nothing names it at /filter.
    const refused = problem(await unchanged(() => bulk(checker, 'approve', { filter: {} })), 409);
    expect(refused.errors).toEqual([{ pointer: '/filter', detail: `report ${idn[0] ?? ''}: A draft report cannot be approved; it must be submitted.` }]);
    expect(ok(await bulk(checker, 'approve', { filter: { status: 'submitted' } })).done).toBe(2);
    expect(await statuses(mys)).toEqual(all(mys, 'shared'));
  });

  test('only users whose role allows the act reach it', async () => {
    const ids = await drafts(officer, 1);
    problem(await unchanged(() => bulk(approver, 'submit', { ids })), 403);
    ok(await bulk(officer, 'submit', { ids }));
    problem(await unchanged(() => bulk(colleague, 'approve', { ids })), 403);
  });
});

describe('another member', () => {
  test('its officer sending AAA’s ids gets the answer ids that do not exist get, and nothing changes', async () => {
    const hidden = await drafts(officer, 2);
    ok(await bulk(officer, 'submit', { ids: hidden }));
    const missing = [randomUUID(), randomUUID()];

    for (const act of ['submit', 'approve'] as const) {
      const probed = await unchanged(() => bulk(outsider, act, { ids: hidden }));
      const invented = await unchanged(() => bulk(outsider, act, { ids: missing }));
      expect(probed.statusCode).toBe(409);
      expect(shape(probed)).toEqual(shape(invented));
      expect(problem(probed, 409).errors).toEqual([
        { pointer: '/ids/0', detail: 'There is no such record, or you may not see it.' },
        { pointer: '/ids/1', detail: 'There is no such record, or you may not see it.' },
      ]);
      // A dry run, or partial, says the same of both and acts on nothing.
      for (const options of [{ dryRun: true }, { partial: true }]) {
        const asHidden = ok(await unchanged(() => bulk(outsider, act, { ids: hidden, ...options })));
        const asMissing = ok(await unchanged(() => bulk(outsider, act, { ids: missing, ...options })));
        expect(asHidden.refused.map(({ reason, detail }) => ({ reason, detail }))).toEqual(asMissing.refused.map(({ reason, detail }) => ({ reason, detail })));
        expect(asHidden).toMatchObject({ done: 0, ids: [], refused: [{ reason: 'not-found' }, { reason: 'not-found' }] });
      }
    }
    expect(await statuses(hidden)).toEqual(all(hidden, 'submitted'));
    // Nothing of BBB's attempts is on the record: the audit trail names these reports for AAA's acts alone.
    const mentions = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; member: string }>(sql`SELECT action, member FROM audit_log WHERE details::text LIKE ${`%${hidden[1] ?? ''}%`} OR object_id = ANY(${hidden}) ORDER BY seq`),
    );
    expect(mentions.map((row) => `${row.action} ${row.member}`)).toEqual(['report.create AAA', 'report.create AAA', 'reports.bulk-submit AAA']);
  });

  test('mixed with its own reports, partial acts on its own alone and its audit row names no other member’s report', async () => {
    const own = await drafts(outsiderOfficer, 1);
    const hidden = await drafts(officer, 1);
    const invented = randomUUID();
    const withHidden = ok(await bulk(outsiderOfficer, 'submit', { ids: [...own, ...hidden], partial: true }));
    expect(withHidden).toMatchObject({ done: 1, ids: own, refused: [{ id: hidden[0], reason: 'not-found' }] });
    expect(await statuses([...own, ...hidden])).toEqual({ ...all(own, 'submitted'), ...all(hidden, 'draft') });
    const [row] = (await auditRows('reports.bulk-submit', 'BBB')).slice(-1);
    expect(row?.details).toEqual({ selection: 'ids', partial: true, count: 1, reports: own, refused: { 'not-found': 1 } });
    expect(JSON.stringify(row)).not.toContain(hidden[0]);

    const again = await drafts(outsiderOfficer, 1);
    const withInvented = ok(await bulk(outsiderOfficer, 'submit', { ids: [...again, invented], partial: true }));
    expect(withInvented.refused.map(({ reason, detail }) => ({ reason, detail }))).toEqual(withHidden.refused.map(({ reason, detail }) => ({ reason, detail })));
  });

  test('a report it may see but does not own is refused as not its own, as one at a time', async () => {
    // BBB contributes, so AAA's shared reports are visible to it.
    const contribution = await drafts(outsiderOfficer, 1);
    ok(await bulk(outsiderOfficer, 'submit', { ids: contribution }));
    ok(await bulk(outsider, 'approve', { ids: contribution }));
    const shared = await drafts(officer, 1);
    ok(await bulk(officer, 'submit', { ids: shared }));
    ok(await bulk(approver, 'approve', { ids: shared }));
    expect((await t.as(outsider, { method: 'GET', url: `${REPORTS}/${shared[0] ?? ''}` })).statusCode).toBe(200);
    const body = ok(await unchanged(() => bulk(outsider, 'approve', { ids: shared, dryRun: true })));
    expect(body.refused).toEqual([{ id: shared[0], reason: 'not-owner', detail: 'Only the owner member acts on its reports.' }]);
  });
});

describe('bad input', () => {
  test('neither or both selections, repeated and malformed ids are 400s at their pointers and change nothing', async () => {
    const ids = await drafts(officer, 2);
    const cases: [Record<string, unknown>, string[]][] = [
      [{}, ['/ids']],
      [{ ids, filter: { status: 'draft' } }, ['/filter']],
      [{ ids: [ids[0], ids[1], ids[0]?.toUpperCase()] }, ['/ids/2']],
      [{ ids: ['not-a-uuid'] }, ['/ids/0']],
      [{ ids: [] }, ['/ids']],
      [{ filter: { status: 'lost' } }, ['/filter/status']],
      [{ ids, partial: 'yes' }, ['/partial']],
      [{ ids, force: true }, ['/force']],
    ];
    for (const [payload, expected] of cases) {
      const body = problem(await unchanged(() => bulk(officer, 'submit', payload)), 400);
      expect(pointers(body), JSON.stringify(payload)).toEqual(expected);
    }
    expect(await statuses(ids)).toEqual(all(ids, 'draft'));
  });

  test(`more than ${BULK_LIMIT.toLocaleString('en')} reports, by ids or by filter, are refused`, async () => {
    const tooMany = Array.from({ length: BULK_LIMIT + 1 }, () => randomUUID());
    expect(pointers(problem(await bulk(officer, 'submit', { ids: tooMany }), 400))).toEqual(['/ids']);
    const member = await t.makeMember('LIM');
    const writer = await t.sessionFor(await t.makeUser(member, ['officer']));
    await t.db.ownerTransaction((tx) =>
      tx.query(sql`INSERT INTO reports (owner, code_list_version, country, incident_type, status)
        SELECT ${member}, 1, 'IDN', 'smuggling-sea', 'draft' FROM generate_series(1, ${BULK_LIMIT + 1})`),
    );
    const body = problem(await bulk(writer, 'submit', { filter: { status: 'draft' } }), 400);
    expect(body.errors).toEqual([{ pointer: '/filter', detail: expect.stringContaining('more than 10,000') as unknown }]);
    const left = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports WHERE owner = ${member} AND status = 'draft'`));
    expect(left.n).toBe(BULK_LIMIT + 1);
  });
});
