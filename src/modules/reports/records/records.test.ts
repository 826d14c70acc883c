import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../../test/support/app.js';
import { problem } from '../../../../test/support/problem.js';
import { fingerprint } from '../../../../test/support/db.js';
import { sql } from '../../../platform/db/sql.js';
import type { Report, ReportAbilities } from './schemas.js';
import type { ReportInput } from '../schemas.js';

const REPORTS = '/api/v1/reports';

let t: TestContext;
/** AAA's officer writes, its approver and member-admin approve; BBB is another member. */
let officer: TestSession;
let colleague: TestSession;
let approver: TestSession;
let admin: TestSession;
let outsiderApprover: TestSession;

const validReport = (more: Partial<ReportInput> = {}): ReportInput => ({
  agency: 'Coast Guard',
  when: { from: '2024-03-02', to: '2024-03-03' },
  where: { country: 'IDN', place: 'Off Rote Island', latitude: -10.7, longitude: 123.1, kind: 'at-sea' },
  incidentType: 'smuggling-sea',
  origin: 'AFG',
  destination: 'AUS',
  route: [
    { from: 'AFG', to: 'MYS', mode: 'air', conveyance: 'commercial-flight' },
    { from: 'MYS', to: 'IDN', transit: ['Johor'], mode: 'boat', conveyance: 'speedboat' },
  ],
  people: [
    { citizenship: 'AFG', adultMen: 20, adultWomen: 4, boys: 3, girls: 2, unaccompaniedChildren: 2 },
    { citizenship: 'XXX', unknownSexOrAge: 1 },
  ],
  vulnerabilities: ['unaccompanied-children'],
  outcomes: { intercepted: 30 },
  fee: { amount: 4500.5, currency: 'USD', basis: 'per-person', paymentMethods: ['hawala'] },
  smugglers: { count: 2, citizenships: ['IDN'], roles: ['transporter'] },
  documents: { kinds: ['fraudulent'], issuingCountries: ['PAK'] },
  lawEnforcement: { arrests: 2, charges: 2 },
  source: 'Coast guard patrol',
  narrative: 'On 2 March 2024 a wooden boat, the KM Sinar Harapan 3, carrying 30 people was intercepted 12 nautical miles south of Rote.',
  sharing: { audience: { kind: 'all' }, tlp: 'AMBER', evaluation: { source: 'B', information: '2' } },
  ...more,
});


function ok(response: LightMyRequestResponse, status = 200): { data: Report; abilities: ReportAbilities } {
  expect(response.statusCode, response.body).toBe(status);
  return response.json();
}

async function create(session: TestSession, input: ReportInput = validReport()): Promise<string> {
  return ok(await t.as(session, { method: 'POST', url: REPORTS, payload: input }), 201).data.id;
}

const post = (session: TestSession, id: string, verb: string, payload?: Record<string, unknown>) =>
  t.as(session, { method: 'POST', url: `${REPORTS}/${id}/${verb}`, ...(payload ? { payload } : {}) });

/** Proves a refused request changed nothing, audit trail and notifications included. */
async function unchanged(send: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = await fingerprint(t.db);
  const response = await send();
  expect(await fingerprint(t.db)).toEqual(before);
  return response;
}

/** BBB contributes (reciprocity): a report of its own, submitted by an officer and approved by its approver, shared beyond itself. */
async function contribute(): Promise<void> {
  const submitter = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  const id = await create(submitter, validReport({ agency: undefined }));
  ok(await post(submitter, id, 'submit'));
  expect(ok(await post(outsiderApprover, id, 'approve')).data.status).toBe('shared');
}

async function notificationsOf(userId: string): Promise<{ kind: string; body: string; object_id: string }[]> {
  return t.db.ownerTransaction((tx) => tx.query(sql`SELECT kind, body, object_id FROM notifications WHERE user_id = ${userId} ORDER BY created_at, kind`));
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE members SET agencies = ARRAY['Coast Guard', 'Police'] WHERE code = 'AAA'`));
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  colleague = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  approver = await t.sessionFor(await t.makeUser('AAA', ['approver']));
  admin = await t.sessionFor(await t.makeUser('AAA', ['officer', 'member-admin']));
  outsiderApprover = await t.sessionFor(await t.makeUser('BBB', ['officer', 'approver', 'member-admin']));
});
afterAll(() => t.close());

describe('non-nominal reports', () => {
  test.each([
    ['an e-mail address', 'Contact of the organiser: broker.smith@example.com, reached by the crew.', 'e-mail address'],
    ['a phone number', 'The organiser was called on +62 812 3456 7890 before departure.', 'phone number'],
    ['a passport-like number', 'One passenger carried passport A1234567 issued abroad.', 'document number'],
  ])('a narrative with %s is refused at /narrative and nothing is written', async (_what, narrative, kind) => {
    const response = await unchanged(() => t.as(officer, { method: 'POST', url: REPORTS, payload: validReport({ narrative }) }));
    const body = problem(response, 400);
    expect(body.errors).toEqual([expect.objectContaining({ pointer: '/narrative', detail: expect.stringContaining(kind) as unknown })]);
  });

  test('an edit that adds an identifier is refused too, and the report keeps its narrative', async () => {
    const id = await create(officer);
    const body = problem(await unchanged(() => t.as(officer, { method: 'PUT', url: `${REPORTS}/${id}`, payload: validReport({ narrative: 'Write to a.b@c.org' }) })), 400);
    expect(body.errors?.map((e) => e.pointer)).toEqual(['/narrative']);
  });

  test('ordinary narratives with dates, counts, places and vessel names pass', async () => {
    for (const narrative of [
      'On 14/02/2023 at 0300 hrs, 47 people (12 women, 9 children) left Kupang on the KM Bahari 2 towards Ashmore Reef.',
      'Between 1 and 3 June 2022 the group travelled 1,200 km by truck through the border post at Padang Besar; fee USD 3,500 each.',
      'Vessel SIAM STAR intercepted at 10°12′S 123°40′E, about 40 nm from shore. Three crew members were arrested.',
    ]) {
      const created = ok(await t.as(officer, { method: 'POST', url: REPORTS, payload: validReport({ narrative }) }), 201);
      expect(created.data.narrative).toBe(narrative);
    }
  });
});

describe('validation', () => {
  test('unknown country codes are refused at every country field, each with its pointer', async () => {
    const input = validReport({
      where: { country: 'ZZZ' },
      origin: 'QQQ',
      destination: 'AUS',
      route: [{ from: 'AFG', to: 'XYZ' }],
      people: [{ citizenship: 'XXX', adultMen: 1 }, { citizenship: 'ABC', adultMen: 1 }],
      smugglers: { citizenships: ['IDN', 'KKK'] },
      documents: { issuingCountries: ['XXX'] },
    });
    const body = problem(await unchanged(() => t.as(officer, { method: 'POST', url: REPORTS, payload: input })), 400);
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(
      ['/where/country', '/origin', '/route/0/to', '/people/1/citizenship', '/smugglers/citizenships/1', '/documents/issuingCountries/0'].sort(),
    );
  });

  test('more unaccompanied children than children, and an agency the member has not listed, are refused', async () => {
    const input = validReport({ agency: 'Secret Service', people: [{ citizenship: 'AFG', boys: 1, girls: 1, unaccompaniedChildren: 3 }] });
    const body = problem(await unchanged(() => t.as(officer, { method: 'POST', url: REPORTS, payload: input })), 400);
    expect(body.errors?.map((e) => e.pointer).sort()).toEqual(['/agency', '/people/0/unaccompaniedChildren']);
    expect(body.errors?.find((e) => e.pointer === '/agency')?.detail).toContain('Coast Guard');
    // BBB has no agencies: AAA's agency is not BBB's.
    const other = await t.sessionFor(await t.makeUser('BBB', ['officer']));
    expect(problem(await t.as(other, { method: 'POST', url: REPORTS, payload: validReport() }), 400).errors?.map((e) => e.pointer)).toEqual(['/agency']);
  });

  test('bad sharing fields and unknown fields such as a name are refused', async () => {
    const red = validReport({ sharing: { audience: { kind: 'all' }, tlp: 'RED' } });
    expect(problem(await t.as(officer, { method: 'POST', url: REPORTS, payload: red }), 400).errors?.map((e) => e.pointer)).toEqual(['/sharing/tlp']);
    const named = { ...validReport(), personName: 'Someone' };
    expect(problem(await t.as(officer, { method: 'POST', url: REPORTS, payload: named }), 400).errors?.map((e) => e.pointer)).toContain('/personName');
  });

  test('a group that has ended takes no new report, and an edit keeps it where the report had it', async () => {
    await t.makeGroup('aaa-old', ['AAA', 'BBB']);
    const toGroup = validReport({ sharing: { audience: { kind: 'groups', groups: ['aaa-old'] }, tlp: 'AMBER' } });
    const id = await create(officer, toGroup);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE sharing_groups SET ends_on = '2001-01-01' WHERE code = 'aaa-old'`));
    const late = await unchanged(() => t.as(officer, { method: 'POST', url: REPORTS, payload: toGroup }));
    expect(problem(late, 400).errors).toEqual([{ pointer: '/sharing/audience/groups/0', detail: 'the group "aaa-old" has ended; it is read-only' }]);
    // The edit sends the whole report again, its audience unchanged: it goes through.
    expect((await t.as(officer, { method: 'PUT', url: `${REPORTS}/${id}`, payload: { ...toGroup, outcomes: { rescued: 3 } } })).statusCode).toBe(200);
  });

  test('a stored report reads back as it was sent, numbers as numbers', async () => {
    const input = validReport();
    const { data } = ok(await t.as(officer, { method: 'GET', url: `${REPORTS}/${await create(officer, input)}` }));
    expect(data).toMatchObject({ ...input, sharing: { ...input.sharing, handling: [] }, owner: 'AAA', status: 'draft', peopleTotal: 30 });
    expect(data.fee?.amount).toBe(4500.5);
  });
});

describe('workflow', () => {
  test('draft → submitted → shared, with abilities, notifications and audit rows along the way', async () => {
    const id = await create(officer);
    const outsiderOfficer = await t.sessionFor(await t.makeUser('BBB', ['officer']));
    // Let BBB contribute, so only the status keeps it out.
    await contribute();

    let one = ok(await t.as(officer, { method: 'GET', url: `${REPORTS}/${id}` }));
    expect(one.abilities).toMatchObject({ update: true, submit: true, approve: false, withdraw: false, delete: true });
    problem(await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}/${id}` }), 404);

    one = ok(await post(officer, id, 'submit'));
    expect(one.data.status).toBe('submitted');
    expect(one.data.submittedAt).not.toBeNull();
    const waiting = await notificationsOf(approver.user.id);
    expect(waiting.filter((n) => n.object_id === id).map((n) => n.kind)).toEqual(['report.submitted']);
    expect((await notificationsOf(admin.user.id)).filter((n) => n.object_id === id)).toHaveLength(1);
    expect((await notificationsOf(officer.user.id)).filter((n) => n.object_id === id)).toHaveLength(0);
    problem(await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}/${id}` }), 404);

    expect(ok(await t.as(approver, { method: 'GET', url: `${REPORTS}/${id}` })).abilities).toMatchObject({ approve: true, return: true, update: false });
    one = ok(await post(approver, id, 'approve'));
    expect(one.data.status).toBe('shared');
    expect((await notificationsOf(officer.user.id)).filter((n) => n.object_id === id).map((n) => n.kind)).toEqual(['report.approved']);

    // Shared with every full member: BBB, which contributes, now sees it, and its read is audited.
    const seen = ok(await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}/${id}` }));
    expect(seen.abilities).toMatchObject({ update: false, withdraw: false, approve: false });
    const listed = (await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}?status=shared` })).json<{ data: { id: string }[] }>();
    expect(listed.data.map((r) => r.id)).toContain(id);
    const audit = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; member: string }>(sql`SELECT action, member FROM audit_log WHERE object_id = ${id} OR details->'records'->'AAA' ? ${id} ORDER BY seq`),
    );
    expect(audit.map((row) => `${row.action} ${row.member}`)).toEqual(['report.create AAA', 'report.submit AAA', 'report.approve AAA', 'report.read BBB', 'report.list BBB']);

    // The owner edits the shared report: back to submitted, out of sight until approved again.
    one = ok(await t.as(officer, { method: 'PUT', url: `${REPORTS}/${id}`, payload: validReport({ narrative: 'Corrected count.' }) }));
    expect(one.data.status).toBe('submitted');
    problem(await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}/${id}` }), 404);
    ok(await post(approver, id, 'approve'));
    one = ok(await post(officer, id, 'withdraw'));
    expect(one.data.status).toBe('withdrawn');
    problem(await t.as(outsiderOfficer, { method: 'GET', url: `${REPORTS}/${id}` }), 404);
    expect(ok(await t.as(officer, { method: 'GET', url: `${REPORTS}/${id}` })).abilities).toMatchObject({ update: false, withdraw: false, delete: false });
  });

  test('four eyes: the submitter does not approve their own report, even as member-admin', async () => {
    const id = await create(admin);
    ok(await post(admin, id, 'submit'));
    expect(ok(await t.as(admin, { method: 'GET', url: `${REPORTS}/${id}` })).abilities.approve).toBe(false);
    const body = problem(await unchanged(() => post(admin, id, 'approve')), 403);
    expect(body.detail).toContain('another approver');
    expect(ok(await post(approver, id, 'approve')).data.status).toBe('shared');
  });

  test('only approvers of the owner member approve or return; officers and other members cannot', async () => {
    const id = await create(officer);
    ok(await post(officer, id, 'submit'));
    problem(await unchanged(() => post(colleague, id, 'approve')), 403);
    // Another member's approver may not see a submitted report at all.
    problem(await unchanged(() => post(outsiderApprover, id, 'approve')), 404);
    problem(await unchanged(() => post(outsiderApprover, id, 'return', { note: 'no' })), 404);
    ok(await post(approver, id, 'approve'));
    // Once shared and visible to BBB (which contributes), it is still not BBB's to act on.
    await contribute();
    ok(await t.as(outsiderApprover, { method: 'GET', url: `${REPORTS}/${id}` }));
    problem(await unchanged(() => post(outsiderApprover, id, 'withdraw')), 403);
    problem(await unchanged(() => post(outsiderApprover, id, 'return', { note: 'no' })), 403);
  });

  test('return sends a submitted report back to draft with the note in the submitter’s inbox', async () => {
    const id = await create(colleague);
    ok(await post(colleague, id, 'submit'));
    const returned = ok(await post(approver, id, 'return', { note: 'Please add the route.' }));
    expect(returned.data.status).toBe('draft');
    expect(returned.data.submittedAt).toBeNull();
    expect((await notificationsOf(colleague.user.id)).filter((n) => n.object_id === id)).toEqual([
      { kind: 'report.returned', body: 'Please add the route.', object_id: id },
    ]);
  });

  test('the note of a return is on the report for the owner member’s users until it is submitted again', async () => {
    const id = await create(colleague);
    expect(ok(await post(colleague, id, 'submit')).data.returnNote).toBeNull();
    ok(await post(approver, id, 'return', { note: 'Please add the route & the fee.' }));
    // The submitter, another officer of the member and the approver all read it, in the API and the list.
    for (const session of [colleague, officer, approver]) {
      const { data } = ok(await t.as(session, { method: 'GET', url: `${REPORTS}/${id}` }));
      expect(data.status).toBe('draft');
      expect(data.returnNote).toEqual({ note: 'Please add the route & the fee.', returnedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    }
    const listed = (await t.as(officer, { method: 'GET', url: `${REPORTS}?mine=true&status=draft` })).json<{ data: Report[] }>();
    expect(listed.data.find((r) => r.id === id)?.returnNote?.note).toBe('Please add the route & the fee.');
    // Editing the draft keeps it; submitting again answers it.
    expect(ok(await t.as(colleague, { method: 'PUT', url: `${REPORTS}/${id}`, payload: validReport({ narrative: 'Route added.' }) })).data.returnNote?.note).toBe('Please add the route & the fee.');
    expect(ok(await post(colleague, id, 'submit')).data.returnNote).toBeNull();
    expect(ok(await t.as(approver, { method: 'GET', url: `${REPORTS}/${id}` })).data.returnNote).toBeNull();
    // Another member never sees a note, even once the report is shared with it.
    const outsider = await t.sessionFor(await t.makeUser('BBB', ['officer']));
    await contribute();
    ok(await post(approver, id, 'return', { note: 'Once more.' }));
    ok(await post(colleague, id, 'submit'));
    ok(await post(approver, id, 'approve'));
    expect(ok(await t.as(outsider, { method: 'GET', url: `${REPORTS}/${id}` })).data.returnNote).toBeNull();
  });

  test('editing a submitted report returns it to draft; a withdrawn one cannot be edited', async () => {
    const id = await create(officer);
    ok(await post(officer, id, 'submit'));
    expect(ok(await t.as(officer, { method: 'PUT', url: `${REPORTS}/${id}`, payload: validReport() })).data.status).toBe('draft');
    ok(await post(officer, id, 'submit'));
    ok(await post(officer, id, 'withdraw'));
    const body = problem(await unchanged(() => t.as(officer, { method: 'PUT', url: `${REPORTS}/${id}`, payload: validReport() })), 409);
    expect(body.detail).toContain('withdrawn');
  });

  test('wrong states are 409 problems and change nothing', async () => {
    const id = await create(officer);
    problem(await unchanged(() => post(approver, id, 'approve')), 409);
    problem(await unchanged(() => post(approver, id, 'return', { note: 'x' })), 409);
    problem(await unchanged(() => post(officer, id, 'withdraw')), 409);
    ok(await post(officer, id, 'submit'));
    problem(await unchanged(() => post(officer, id, 'submit')), 409);
    problem(await unchanged(() => t.as(officer, { method: 'DELETE', url: `${REPORTS}/${id}` })), 409);
    ok(await post(approver, id, 'approve'));
    problem(await unchanged(() => post(approver, id, 'approve')), 409);
    ok(await post(officer, id, 'withdraw'));
    problem(await unchanged(() => post(officer, id, 'withdraw')), 409);
  });

  test('a draft is deleted by its owner only', async () => {
    const id = await create(officer);
    problem(await unchanged(() => t.as(outsiderApprover, { method: 'DELETE', url: `${REPORTS}/${id}` })), 404);
    expect((await t.as(colleague, { method: 'DELETE', url: `${REPORTS}/${id}` })).statusCode).toBe(204);
    problem(await t.as(officer, { method: 'GET', url: `${REPORTS}/${id}` }), 404);
  });
});

describe('list', () => {
  test('filters and pages, newest incident first', async () => {
    const member = await t.makeMember('LST');
    const writer = await t.sessionFor(await t.makeUser(member, ['officer']));
    const days = ['2021-05-01', '2023-01-10', '2022-07-15'];
    for (const day of days) await create(writer, validReport({ agency: undefined, when: { from: day }, where: { country: day.startsWith('2022') ? 'MYS' : 'IDN' } }));
    const page1 = (await t.as(writer, { method: 'GET', url: `${REPORTS}?mine=true&limit=2` })).json<{ data: Report[]; next: string | null }>();
    expect(page1.data.map((r) => r.when?.from)).toEqual(['2023-01-10', '2022-07-15']);
    const page2 = (await t.as(writer, { method: 'GET', url: `${REPORTS}?mine=true&limit=2&cursor=${page1.next ?? ''}` })).json<{ data: Report[]; next: string | null }>();
    expect(page2.data.map((r) => r.when?.from)).toEqual(['2021-05-01']);
    expect(page2.next).toBeNull();
    const filtered = (await t.as(writer, { method: 'GET', url: `${REPORTS}?mine=true&country=MYS` })).json<{ data: Report[] }>();
    expect(filtered.data.map((r) => r.when?.from)).toEqual(['2022-07-15']);
    const dated = (await t.as(writer, { method: 'GET', url: `${REPORTS}?mine=true&from=2022-01-01&to=2022-12-31` })).json<{ data: Report[] }>();
    expect(dated.data.map((r) => r.when?.from)).toEqual(['2022-07-15']);
    expect((await t.as(writer, { method: 'GET', url: `${REPORTS}?mine=true&status=shared` })).json<{ data: Report[] }>().data).toEqual([]);
  });

  test('code lists come with the countries', async () => {
    const lists = ok(await t.as(officer, { method: 'GET', url: `${REPORTS}/code-lists` })) as unknown as { incidentTypes: Record<string, string>; countries: { code: string }[] };
    expect(lists.incidentTypes['smuggling-sea']).toBe('Smuggling by sea');
    expect(lists.countries.map((c) => c.code)).toContain('IDN');
  });
});
