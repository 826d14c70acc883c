import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { again, template } from '../../../test/support/templates.js';
import { multipart } from '../../../test/support/multipart.js';
import { inboxTitles, outboxAbout, registerWebhook, startWebhookReceiver, subscribe, type WebhookReceiver } from '../../../test/support/notify.js';
import { sql } from '../../platform/db/sql.js';
import { deliverOutbox } from '../../platform/notify/outbox.js';
import { remindStepTwo } from './step-two.js';

// Step two through the API: the searcher asks a gallery that answered hit, the holder's approver
// confirms (disclosing only what the agreement allows) or rejects, by a deadline with reminders;
// only the two sides read a request, and every refusal changes nothing.

const API = '/api/v1/biometrics';
const FORMAT = 'human-faceres-1024';


let t: TestContext;
const admin: Record<string, TestSession> = {};
const officer: Record<string, TestSession> = {};
const approver: Record<string, TestSession> = {};
let agreementId: string;
let bbbSubject: string;
let receiver: WebhookReceiver;

type StepTwo = {
  id: string; status: string; side: string; reference: string | null; dueAt: string; requestedAt: string; images: boolean; hasProbeImage: boolean; probeVerified: boolean | null;
  candidates?: { subject: string; reference: string; hasImage: boolean }[]; disclosed?: Record<string, string>; abilities: { decide: boolean; compare: boolean };
};
type SearchResult = { holder: string; hit: boolean; stepTwo: { id: string; status: string } | null; abilities: { askStepTwo: boolean } };

async function resultsOf(who: TestSession, search: string): Promise<SearchResult[]> {
  const response = await call(who, 'GET', `/searches/${search}`);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: { results: SearchResult[] } }>().data.results;
}

async function attention(who: TestSession): Promise<{ key: string; count: number; link: string }[]> {
  const response = await t.as(who, { method: 'GET', url: '/api/v1/home' });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ attention: { module: string; key: string; count: number; link: string }[] }>().attention.filter((item) => item.module === 'biometrics');
}

async function call(who: TestSession, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.as(who, { method, url: `${API}${url}`, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

async function ask(who: TestSession, metadata: Record<string, unknown>) {
  return t.as(who, { method: 'POST', url: `${API}/step-two`, ...multipart([{ name: 'metadata', value: JSON.stringify(metadata) }]) });
}

async function searchFor(seed: number): Promise<string> {
  const response = await call(officer.AAA as TestSession, 'POST', '/searches', { agreement: agreementId, purpose: 'trafficking-victim', template: { format: FORMAT, vector: again(seed) } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  t = await makeTestApp({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  for (const code of ['AAA', 'BBB', 'CCC']) {
    await t.makeMember(code);
    admin[code] = await t.sessionFor(await t.makeUser(code, ['member-admin']));
    officer[code] = await t.sessionFor(await t.makeUser(code, ['officer']));
    approver[code] = await t.sessionFor(await t.makeUser(code, ['approver']));
  }
  const proposed = await call(admin.AAA as TestSession, 'POST', '/agreements', {
    title: 'Step two', parties: ['BBB', 'CCC'], purposes: ['trafficking-victim'], formats: [FORMAT], stepTwoFields: ['familyName', 'givenNames', 'nationality'],
    stepTwoHours: 24, validFrom: '2026-01-01', directions: [{ searcher: 'AAA', holder: 'BBB' }, { searcher: 'AAA', holder: 'CCC' }],
  });
  agreementId = proposed.json<{ data: { id: string } }>().data.id;
  for (const code of ['BBB', 'CCC']) await call(admin[code] as TestSession, 'POST', `/agreements/${agreementId}/accept`);
  for (const [member, seed] of [['BBB', 1], ['BBB', 2], ['CCC', 3]] as const) {
    const enrolled = await call(officer[member] as TestSession, 'POST', '/subjects', {
      reference: `${member}-${seed}`, template: { format: FORMAT, vector: template(seed) },
      biographic: { familyName: `Family ${seed}`, givenNames: 'Given', nationality: 'LKA', remarks: 'not for disclosure' },
    });
    if (seed === 1) bbbSubject = enrolled.json<{ data: { id: string } }>().data.id;
  }
});
afterAll(async () => {
  await t.close();
  await receiver.close();
});

describe('step two', () => {
  test('asked, confirmed by the holder’s approver, the agreed fields disclosed to the searcher alone', async () => {
    const search = await searchFor(1);
    // The search's answer says which gallery may be asked, and only to those who may ask (officers and analysts of the searcher).
    const hitBbb = (results: SearchResult[]) => results.find((result) => result.holder === 'BBB');
    expect(hitBbb(await resultsOf(officer.AAA as TestSession, search))).toMatchObject({ hit: true, stepTwo: null, abilities: { askStepTwo: true } });
    expect(hitBbb(await resultsOf(approver.AAA as TestSession, search))?.abilities.askStepTwo).toBe(false);
    expect((await resultsOf(officer.AAA as TestSession, search)).find((result) => !result.hit)?.abilities.askStepTwo).toBe(false);
    const pendingBefore = (await attention(approver.BBB as TestSession))[0]?.count ?? -1;

    const asked = await ask(officer.AAA as TestSession, { search, holder: 'BBB', reference: 'BBB-1', note: 'Arrived by boat on 2 December' });
    expect(asked.statusCode, asked.body).toBe(201);
    const request = asked.json<{ data: StepTwo }>().data;
    expect(request).toMatchObject({ status: 'pending', side: 'requester', reference: 'BBB-1', images: false, hasProbeImage: false, probeVerified: null, abilities: { decide: false } });
    expect(request.candidates).toBeUndefined();
    // Asked once: the search's answer now names the request, to the searcher and to the holder, and no one may ask again.
    expect(hitBbb(await resultsOf(officer.AAA as TestSession, search))).toMatchObject({ stepTwo: { id: request.id, status: 'pending' }, abilities: { askStepTwo: false } });
    expect(await resultsOf(approver.BBB as TestSession, search)).toEqual([expect.objectContaining({ holder: 'BBB', stepTwo: { id: request.id, status: 'pending' }, abilities: { askStepTwo: false } })]);
    expect((await resultsOf(approver.CCC as TestSession, search))[0]).toMatchObject({ holder: 'CCC', stepTwo: null });
    // The holder's approvers see it waiting on the home page, counted as the list the link opens lists it; its officers are not asked to decide.
    const [waiting] = await attention(approver.BBB as TestSession);
    expect(waiting).toMatchObject({ key: 'step-two-to-decide', count: pendingBefore + 1, link: '/biometrics/step-two?side=holder&status=pending' });
    const listed = (await call(approver.BBB as TestSession, 'GET', `/step-two?${waiting?.link.split('?')[1] ?? ''}`)).json<{ data: StepTwo[] }>().data;
    expect(listed.length).toBe(waiting?.count);
    expect(await attention(officer.BBB as TestSession)).toEqual([]);
    expect((await attention(approver.AAA as TestSession))[0]?.count).toBe(0);
    expect(Date.parse(request.dueAt) - Date.parse(request.requestedAt)).toBe(24 * 3_600_000);
    // The holder's approvers are told, in the inbox and by mail.
    const told = await t.db.ownerTransaction((tx) => tx.query<{ member: string; kind: string }>(sql`SELECT u.member, n.kind FROM notifications n JOIN users u ON u.id = n.user_id WHERE n.object_id = ${request.id}`));
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((n) => n.member === 'BBB' && n.kind === 'biometrics.step-two')).toBe(true);
    const mails = await t.db.ownerTransaction((tx) => tx.query<{ payload: { text: string } }>(sql`SELECT payload FROM outbox`));
    expect(mails.some((m) => m.payload.text.includes(`/biometrics/step-two/${request.id}`))).toBe(true);

    // Only the two sides read it; CCC (a party, not involved) gets 404, and nothing changes.
    const before = await fingerprint(t.db);
    for (const who of [officer.CCC, approver.CCC, admin.CCC]) expect((await call(who as TestSession, 'GET', `/step-two/${request.id}`)).statusCode).toBe(404);
    for (const who of [approver.CCC, admin.CCC]) expect((await call(who as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject })).statusCode).toBe(404);
    // The requester cannot decide its own request (its approver either: it is not the holder).
    expect((await call(approver.AAA as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject })).statusCode).toBe(404);
    // The holder's officer may read it but not decide.
    expect((await call(officer.BBB as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject })).statusCode).toBe(403);
    expect(await fingerprint(t.db)).toEqual(before);

    const holderSide = (await call(approver.BBB as TestSession, 'GET', `/step-two/${request.id}`)).json<{ data: StepTwo }>().data;
    // No images under this agreement: nothing to compare, even for the approver.
    expect(holderSide).toMatchObject({ side: 'holder', abilities: { decide: true, compare: false } });
    expect(holderSide.candidates?.map((c) => c.reference)).toEqual(['BBB-1']);
    // Enrolled from a template: no image to compare.
    expect(holderSide.candidates?.map((c) => c.hasImage)).toEqual([false]);

    const wrong = await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject, fields: ['familyName', 'remarks'] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/fields/1']);
    const confirmed = await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json<{ data: StepTwo }>().data).toMatchObject({ status: 'confirmed', abilities: { decide: false } });
    expect(hitBbb(await resultsOf(officer.AAA as TestSession, search))?.stepTwo).toEqual({ id: request.id, status: 'confirmed' });
    expect((await attention(approver.BBB as TestSession))[0]?.count).toBe(pendingBefore);
    expect((await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'late' })).statusCode).toBe(409);

    const answer = (await call(officer.AAA as TestSession, 'GET', `/step-two/${request.id}`)).json<{ data: StepTwo }>().data;
    expect(answer.disclosed).toEqual({ familyName: 'Family 1', givenNames: 'Given', nationality: 'LKA' });
    // Sealed at rest.
    const row = await t.db.ownerTransaction((tx) => tx.one<{ disclosed: Uint8Array }>(sql`SELECT disclosed FROM biometric_step_two WHERE id = ${request.id}`));
    expect(Buffer.from(row.disclosed).includes(Buffer.from('Family'))).toBe(false);
    const decided = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT u.member FROM notifications n JOIN users u ON u.id = n.user_id
      WHERE n.object_id = ${request.id} AND n.kind = 'biometrics.step-two-decision'`));
    expect(decided.length).toBeGreaterThan(0);
    expect(decided.every((n) => n.member === 'AAA')).toBe(true);
  });

  test('bad requests name their field and change nothing; a gallery is asked once per search', async () => {
    const search = await searchFor(2);
    const before = await fingerprint(t.db);
    const cases: [Record<string, unknown>, string][] = [
      [{ search, holder: 'CCC', reference: 'CCC-3' }, '/holder'],
      [{ search, holder: 'BBB', reference: 'BBB-1' }, '/reference'],
      [{ search, holder: 'BBB' }, '/reference'],
    ];
    for (const [metadata, pointer] of cases) {
      const response = await ask(officer.AAA as TestSession, metadata);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe(`/metadata${pointer}`);
    }
    // Another member's search is not found, whoever asks.
    expect((await ask(officer.BBB as TestSession, { search, holder: 'BBB', reference: 'BBB-2' })).statusCode).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await ask(officer.AAA as TestSession, { search, holder: 'BBB', reference: 'BBB-2' })).statusCode).toBe(201);
    expect((await ask(officer.AAA as TestSession, { search, holder: 'BBB', reference: 'BBB-2' })).statusCode).toBe(409);
  });

  test('rejected with a reason; past the deadline the holder is reminded, again every deadline’s length; a suspended agreement stops decisions', async () => {
    const search = await searchFor(3);
    const request = (await ask(officer.AAA as TestSession, { search, holder: 'CCC', reference: 'CCC-3' })).json<{ data: StepTwo }>().data;
    expect(await remindStepTwo(t.platform)).toBe(0);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE biometric_step_two SET requested_at = now() - interval '25 hours', due_at = now() - interval '1 hour' WHERE id = ${request.id}`));
    expect(await remindStepTwo(t.platform)).toBe(1);
    expect(await remindStepTwo(t.platform)).toBe(0);
    const reminders = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT u.member FROM notifications n JOIN users u ON u.id = n.user_id
      WHERE n.object_id = ${request.id} AND n.kind = 'biometrics.step-two-reminder'`));
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.every((n) => n.member === 'CCC')).toBe(true);
    expect((await call(approver.CCC as TestSession, 'GET', `/step-two/${request.id}`)).json<{ data: { overdue: boolean } }>().data.overdue).toBe(true);

    const another = await searchFor(2);
    expect((await resultsOf(officer.AAA as TestSession, another)).some((result) => result.abilities.askStepTwo)).toBe(true);
    await call(admin.CCC as TestSession, 'POST', `/agreements/${agreementId}/suspend`, { reason: 'review' });
    // While suspended, nobody may decide, and nobody may ask: the abilities say so before the server refuses.
    expect((await call(approver.CCC as TestSession, 'GET', `/step-two/${request.id}`)).json<{ data: StepTwo }>().data.abilities.decide).toBe(false);
    expect((await resultsOf(officer.AAA as TestSession, another)).every((result) => !result.abilities.askStepTwo)).toBe(true);
    expect((await call(approver.CCC as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'not the same person' })).statusCode).toBe(409);
    await call(admin.CCC as TestSession, 'POST', `/agreements/${agreementId}/resume`);
    const rejected = await call(approver.CCC as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'not the same person' });
    expect(rejected.json<{ data: StepTwo & { reason: string } }>().data).toMatchObject({ status: 'rejected', reason: 'not the same person' });
    const mine = (await call(officer.AAA as TestSession, 'GET', '/step-two?side=requester&status=rejected')).json<{ data: StepTwo[] }>().data;
    expect(mine.map((r) => r.id)).toEqual([request.id]);
    expect((await call(officer.BBB as TestSession, 'GET', '/step-two')).json<{ data: StepTwo[] }>().data.every((r) => r.side === 'holder')).toBe(true);
  });

  test('a decision comes at a person’s pace: not before its decider opened the request, nor sooner than the minimum after; outsiders still get 404', async () => {
    const search = await searchFor(2);
    const request = (await ask(officer.AAA as TestSession, { search, holder: 'BBB', reference: 'BBB-2' })).json<{ data: StepTwo }>().data;
    const other = await t.sessionFor(await t.makeUser('BBB', ['approver']));
    const config = t.platform.config;
    config.decisionMinSeconds = 2;
    try {
      const before = await fingerprint(t.db);
      // Not opened: refused, and nothing changes.
      const unopened = await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/confirm`, { subject: bbbSubject });
      expect(unopened.statusCode, unopened.body).toBe(409);
      expect(unopened.json()).toMatchObject({ type: '/problems/decided-too-soon', title: 'Decided too soon', secondsLeft: 2 });
      expect(unopened.json<{ detail: string }>().detail).toMatch(/^Open the request/);
      expect(unopened.headers['retry-after']).toBe('2');
      expect((await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'no' })).statusCode).toBe(409);
      expect(await fingerprint(t.db)).toEqual(before);
      // Outside the request, the answers are those of any request: 404 to another party, the same to the requester's approver.
      for (const who of [approver.CCC, approver.AAA]) expect((await call(who as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'no' })).statusCode).toBe(404);
      // Opened just now: refused with the seconds left.
      expect((await call(approver.BBB as TestSession, 'GET', `/step-two/${request.id}`)).statusCode).toBe(200);
      const soon = await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'no' });
      expect(soon.statusCode, soon.body).toBe(409);
      expect(soon.json<{ detail: string; secondsLeft: number }>()).toMatchObject({ detail: expect.stringMatching(/s left\)\.$/), secondsLeft: expect.any(Number) });
      expect(soon.json<{ secondsLeft: number }>().secondsLeft).toBeLessThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 2100));
      // Another approver of the holder who has not opened it is still refused: the pace is each decider's.
      expect((await call(other, 'POST', `/step-two/${request.id}/reject`, { reason: 'no' })).statusCode).toBe(409);
      const rejected = await call(approver.BBB as TestSession, 'POST', `/step-two/${request.id}/reject`, { reason: 'not the same person' });
      expect(rejected.statusCode, rejected.body).toBe(200);
      expect(rejected.json<{ data: StepTwo }>().data.status).toBe('rejected');
    } finally {
      config.decisionMinSeconds = 0;
    }
  });
});

test('a request tells the holder’s subscribers and webhooks, not another party’s', async () => {
  const bbbWatcher = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  const cccWatcher = await t.sessionFor(await t.makeUser('CCC', ['analyst']));
  for (const who of [bbbWatcher, cccWatcher]) await subscribe(t, who, { module: 'biometrics', kinds: ['biometrics.step-two'], email: false });
  for (const member of ['BBB', 'CCC']) await registerWebhook(t, member, receiver.url, ['biometrics.step-two']);
  const asked = await ask(officer.AAA as TestSession, { search: await searchFor(1), holder: 'BBB', reference: 'BBB-1' });
  expect(asked.statusCode, asked.body).toBe(201);
  const id = asked.json<{ data: StepTwo }>().data.id;
  expect(await inboxTitles(t, bbbWatcher)).toEqual(['AAA asks you to confirm a biometric match']);
  expect(await inboxTitles(t, cccWatcher)).toEqual([]);
  await deliverOutbox(t.platform);
  expect((await outboxAbout(t, id)).filter((row) => row.channel === 'webhook')).toEqual([{ channel: 'webhook', member: 'BBB', status: 'sent' }]);
  expect(receiver.received.map((hook) => hook.path)).toEqual(['/BBB']);
});
