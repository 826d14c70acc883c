import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession, type TestUser } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { raiseAlerts } from './alerts.js';
import { alertSettings } from './settings.js';

/**
 * Alerts on unusual activity (ASVS 8.1.4, 11.1.7, 11.1.8), counted from the audit trail of real
 * requests, with small thresholds. Who is told, and who is not: a member never learns of another
 * member's records through an alert, and one member's records never fill another's count.
 */

let t: TestContext;
let adminA: TestUser;
let adminB: TestUser;
let adminC: TestUser;
let secretariat: TestUser;
let officerA: TestUser;
let readerB: TestSession;
let ownA: string;
let ownC: string;
let hiddenC: string;

beforeAll(async () => {
  // A window of a day: a test's requests never fall on both sides of a window's start but at midnight UTC.
  const now = new Date();
  const toMidnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime();
  if (toMidnight < 120_000) await new Promise((resolve) => setTimeout(resolve, toMidnight + 1000));
  t = await makeTestApp({ env: { LINTAS_ALERT_WINDOW_MINUTES: '1440', LINTAS_ALERT_REFUSED: '12', LINTAS_ALERT_SIGNIN_FAILURES: '4', LINTAS_ALERT_OTHERS_RECORDS: '5' } });
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  await t.makeMember('SEC', { kind: 'organisation' });
  adminA = await t.makeUser('AAA', ['member-admin']);
  adminB = await t.makeUser('BBB', ['member-admin']);
  adminC = await t.makeUser('CCC', ['member-admin']);
  secretariat = await t.makeUser('SEC', ['secretariat']);
  officerA = await t.makeUser('AAA', ['officer']);
  readerB = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  ownA = await t.makeDocument('AAA', { title: 'Shared by AAA', audience: 'all' });
  ownC = await t.makeDocument('CCC', { title: 'Shared by CCC', audience: 'all' });
  hiddenC = await t.makeDocument('CCC', { title: 'CCC only' });
});
afterAll(() => t.close());

/** The alerts in a user's inbox: their titles. */
async function alertsOf(user: TestUser): Promise<string[]> {
  const rows = await t.db.ownerTransaction((tx) => tx.query<{ title: string }>(sql`SELECT title FROM notifications WHERE user_id = ${user.id} AND kind = 'audit.alert' ORDER BY created_at, title`));
  return rows.map((row) => row.title);
}
/** The alert e-mails queued to an address: their subjects. */
async function mailsTo(user: TestUser): Promise<string[]> {
  const rows = await t.db.ownerTransaction((tx) => tx.query<{ subject: string }>(sql`SELECT payload->>'subject' AS subject FROM outbox WHERE payload->>'to' = ${user.email} AND idempotency_key LIKE 'alert:%' ORDER BY id`));
  return rows.map((row) => row.subject);
}
const read = async (id: string, status = 200): Promise<void> => {
  expect((await t.as(readerB, { method: 'GET', url: `/api/v1/library/documents/${id}` })).statusCode).toBe(status);
};

describe('acts on another member’s records', () => {
  test('counted per owner: 4 of AAA’s and 4 of CCC’s are under 5 each, and 404s for a record CCC did not share count for no one', async () => {
    for (let i = 0; i < 4; i++) {
      await read(ownA);
      await read(ownC);
    }
    // A record BBB may not see leaves the same trace as one that does not exist: none.
    for (let i = 0; i < 8; i++) await read(hiddenC, 404);
    expect(await raiseAlerts(t.platform)).toBe(0);
    for (const user of [adminA, adminB, adminC, secretariat]) expect(await alertsOf(user)).toEqual([]);
  });

  test('the fifth act on AAA’s records alerts the member-admins of AAA and of BBB, once per window; CCC and the secretariat are told nothing', async () => {
    await read(ownA);
    const [first, second] = await Promise.all([raiseAlerts(t.platform), raiseAlerts(t.platform)]);
    expect(first + second).toBe(1);
    const title = expect.stringMatching(/^Unusual activity: .+ \(BBB\) acted on records of Member AAA \(AAA\) 5 times in 1440 minutes$/);
    expect(await alertsOf(adminA)).toEqual([title]);
    expect(await alertsOf(adminB)).toEqual([title]);
    expect(await mailsTo(adminA)).toEqual([expect.stringMatching(/^Lintas: Unusual activity: .+ acted on records of Member AAA \(AAA\) 5 times/)]);
    expect(await alertsOf(adminC)).toEqual([]);
    expect(await alertsOf(secretariat)).toEqual([]);
    const body = await t.db.ownerTransaction((tx) => tx.one<{ body: string }>(sql`SELECT body FROM notifications WHERE user_id = ${adminA.id} AND kind = 'audit.alert'`));
    expect(body.body).toMatch(/library\.read 5\. The threshold is 5 \(LINTAS_ALERT_OTHERS_RECORDS\)/);
    // More acts in the same window raise nothing new.
    await read(ownA);
    expect(await raiseAlerts(t.platform)).toBe(0);
    expect(await alertsOf(adminA)).toHaveLength(1);
    const audit = await t.db.ownerTransaction((tx) => tx.query<{ details: Record<string, unknown> }>(sql`SELECT details FROM audit_log WHERE action = 'audit.alert'`));
    expect(audit).toEqual([{ details: expect.objectContaining({ rule: 'others-records', observed: 5, threshold: 5, told: 2 }) }]);
  });
});

describe('refused requests and failed sign-ins', () => {
  test('12 requests with a made-up token from one address alert the secretariat only', async () => {
    const address = '203.0.113.77';
    for (let i = 0; i < 11; i++) {
      await t.app.inject({ method: 'GET', url: '/api/v1/library/documents', remoteAddress: address, headers: { authorization: `Bearer ${'made-up-token-'.repeat(3)}` } });
    }
    // Counted refusals reach the trail as one row when the ledger's window closes.
    await t.app.refusalLedger.flush();
    expect(await raiseAlerts(t.platform)).toBe(0);
    await t.app.inject({ method: 'GET', url: '/api/v1/library/documents', remoteAddress: address, headers: { authorization: 'Bearer another-made-up-token-of-some-length' } });
    await t.app.refusalLedger.flush();
    expect(await raiseAlerts(t.platform)).toBe(1);
    expect(await alertsOf(secretariat)).toEqual(['Unusual activity: 12 refused requests from 203.0.113.77 in 1440 minutes']);
    expect(await mailsTo(secretariat)).toEqual(['Lintas: Unusual activity: 12 refused requests from 203.0.113.77 in 1440 minutes']);
    for (const user of [adminA, adminB, adminC]) expect(await alertsOf(user).then((titles) => titles.filter((title) => title.includes('refused')))).toEqual([]);
  });

  test('4 failed sign-ins to an account alert its member’s member-admins and the secretariat, not other members', async () => {
    for (let i = 0; i < 4; i++) {
      const answer = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', remoteAddress: '203.0.113.90', payload: { email: officerA.email, password: `not ${TEST_PASSWORD} ${i}` } });
      expect(answer.statusCode).toBe(401);
    }
    expect(await raiseAlerts(t.platform)).toBe(1);
    const title = `Unusual activity: 4 failed sign-ins to ${officerA.email} in 1440 minutes`;
    expect((await alertsOf(adminA)).filter((item) => item.includes('sign-ins'))).toEqual([title]);
    expect((await alertsOf(secretariat)).filter((item) => item.includes('sign-ins'))).toEqual([title]);
    expect((await alertsOf(adminB)).filter((item) => item.includes('sign-ins'))).toEqual([]);
  });

  test('one upload refused for malware alerts the uploader’s member-admins and the secretariat at once, naming the signature; other members are told nothing', async () => {
    // The row the upload's refusal writes (platform/http/upload.ts): its own, with the signature.
    const refusal = { action: 'upload.malware' as const, address: '203.0.113.77', userId: officerA.id, member: 'AAA', requestId: 'malware-1', method: 'POST', path: '/api/v1/library/documents/upload' };
    await t.app.refusalLedger.recordEach(refusal, { signature: 'Win.Test.EICAR_HDB-1', file: 'minutes.pdf', bytes: 68 });
    expect(await raiseAlerts(t.platform)).toBe(1);
    const title = `Malware refused: 1 upload by ${officerA.email} (AAA) in 1440 minutes carried Win.Test.EICAR_HDB-1`;
    expect((await alertsOf(adminA)).filter((item) => item.startsWith('Malware'))).toEqual([title]);
    expect((await alertsOf(secretariat)).filter((item) => item.startsWith('Malware'))).toEqual([title]);
    expect((await mailsTo(adminA)).filter((subject) => subject.includes('Malware'))).toEqual([`Lintas: ${title}`]);
    for (const other of [adminB, adminC]) expect((await alertsOf(other)).filter((item) => item.startsWith('Malware'))).toEqual([]);
    // Raised once per window: a second upload in the same window raises nothing new.
    await t.app.refusalLedger.recordEach({ ...refusal, requestId: 'malware-2' }, { signature: 'Win.Test.EICAR_HDB-1', file: 'again.pdf', bytes: 68 });
    expect(await raiseAlerts(t.platform)).toBe(0);
  });
});

describe('settings', () => {
  test('a threshold of 0 turns its rule off; a value that is not a whole number stops the start naming the variable', async () => {
    const off = await makeTestApp({ env: { LINTAS_ALERT_REFUSED: '0', LINTAS_ALERT_SIGNIN_FAILURES: '0', LINTAS_ALERT_MALWARE: '0', LINTAS_ALERT_OTHERS_RECORDS: '0' } });
    try {
      await off.makeMember('AAA');
      await off.makeMember('SEC', { kind: 'organisation' });
      const admin = await off.makeUser('SEC', ['secretariat']);
      for (let i = 0; i < 5; i++) await off.app.inject({ method: 'GET', url: '/api/v1/library/documents', remoteAddress: '203.0.113.5', headers: { authorization: 'Bearer made-up-made-up-made-up-made-up' } });
      const uploader = await off.makeUser('AAA', ['officer']);
      await off.app.refusalLedger.recordEach(
        { action: 'upload.malware', address: '203.0.113.6', userId: uploader.id, member: 'AAA', requestId: 'malware-off', method: 'POST', path: '/api/v1/library/documents/upload' },
        { signature: 'Win.Test.EICAR_HDB-1' },
      );
      await off.app.refusalLedger.flush();
      expect(await raiseAlerts(off.platform)).toBe(0);
      expect(await off.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM notifications WHERE user_id = ${admin.id}`))).toEqual([]);
    } finally {
      await off.close();
    }
    expect(() => alertSettings.of({ env: { LINTAS_ALERT_OTHERS_RECORDS: 'many' } })).toThrow(/LINTAS_ALERT_OTHERS_RECORDS must be a whole number/);
  });
});
