import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { problem } from '../../../test/support/problem.js';

/**
 * What an operator relies on and no other test covered: the readiness probe, Secure cookies and
 * HSTS behind https, the per-user API rate limit, and the batch check's limit of 10,000 documents.
 */

describe('readiness', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  // The test closes the database itself; closing it again would be refused (the test database is still dropped).
  afterAll(() => t.close().catch(() => undefined));

  test('/readyz answers 200 while the database answers, and 503 once it is gone', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
    await t.db.close();
    const gone = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(gone.statusCode).toBe(503);
    expect(gone.json()).toEqual({ status: 'database unavailable' });
    // /healthz says only that the process is up.
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('behind https', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp({ config: { publicUrl: 'https://lintas.example.org', secureCookies: true } });
    await t.makeMember('AAA');
    await t.makeUser('AAA', ['analyst'], { email: 'analyst@aaa.test' });
  });
  afterAll(() => t.close());

  test('the session cookie is Secure, HttpOnly and SameSite, and every answer carries HSTS', async () => {
    const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'analyst@aaa.test', password: TEST_PASSWORD } });
    expect(signIn.statusCode, signIn.body).toBe(200);
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/lintas_session=/);
    expect(cookie).toMatch(/;\s*Secure/i);
    expect(cookie).toMatch(/;\s*HttpOnly/i);
    expect(cookie).toMatch(/;\s*SameSite=(Strict|Lax)/i);
    expect(signIn.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).headers['strict-transport-security']).toMatch(/max-age=\d+/);
  });

  test('over plain http neither is set', async () => {
    const plain = await makeTestApp();
    try {
      await plain.makeMember('AAA');
      await plain.makeUser('AAA', ['analyst'], { email: 'analyst@aaa.test' });
      const signIn = await plain.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'analyst@aaa.test', password: TEST_PASSWORD } });
      expect(String(signIn.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
      expect(signIn.headers['strict-transport-security']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe('limits', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp({ config: { rateLimitPerMinute: 5 } });
    await t.makeMember('AAA');
  });
  afterAll(() => t.close());

  test('the API rate limit answers 429 with Retry-After past the limit, per user', async () => {
    const first = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const second = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await t.as(first, { method: 'GET', url: '/api/v1/members' })).statusCode);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const refused = await t.as(first, { method: 'GET', url: '/api/v1/members' });
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    // Another user of the same address has a limit of its own.
    expect((await t.as(second, { method: 'GET', url: '/api/v1/members' })).statusCode).toBe(200);
  });

  test('a batch check takes exactly 10,000 documents, and refuses 10,001 changing nothing', async () => {
    const documents = Array.from({ length: 10_000 }, (_, i) => ({ issuer: 'UTO', type: 'passport', number: `X${String(i).padStart(8, '0')}` }));
    const wide = await makeTestApp();
    try {
      await wide.makeMember('AAA');
      const officer = await wide.sessionFor(await wide.makeUser('AAA', ['officer']));
      const ok = await wide.as(officer, { method: 'POST', url: '/api/v1/documents/checks/batch', payload: { purpose: 'flight manifest', documents } });
      expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
      expect(ok.json<{ data: unknown[]; checked: number }>()).toMatchObject({ checked: 10_000 });
      expect(ok.json<{ data: unknown[] }>().data).toHaveLength(10_000);
      const before = await fingerprint(wide.db);
      const over = await wide.as(officer, { method: 'POST', url: '/api/v1/documents/checks/batch', payload: { purpose: 'flight manifest', documents: [...documents, { issuer: 'UTO', type: 'passport', number: 'X1' }] } });
      expect(problem(over, 400).errors?.map((error) => error.pointer)).toContain('/documents');
      expect(await fingerprint(wide.db)).toEqual(before);
    } finally {
      await wide.close();
    }
  });
});
