import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, withinOneMinute, type TestContext } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { problem } from '../../../test/support/problem.js';
import { MAX_BATCH } from '../../modules/documents/schemas.js';
import { sql } from '../db/sql.js';
import { stopBeingReady } from './readiness.js';

/**
 * What an operator relies on and no other test covered: the readiness probe, Secure cookies and
 * HSTS behind https, the API rate limit (per user, and per address without one), and the batch
 * check's limit of 10,000 documents.
 */

describe('readiness', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  // The test closes the database itself; closing it again would be refused (the test database is still dropped).
  afterAll(() => t.close().catch(() => undefined));

  const readyz = () => t.app.inject({ method: 'GET', url: '/readyz' });

  test('/readyz answers 200 while the database answers with every migration applied, 503 problem+json when one is missing or the database is gone', async () => {
    const ready = await readyz();
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });

    // A migration this code expects is not in the database (an older backup restored, say).
    const last = await t.db.ownerTransaction((tx) => tx.one<{ version: number; name: string; checksum: string }>(sql`SELECT version, name, checksum FROM schema_migrations ORDER BY version DESC LIMIT 1`));
    await t.db.ownerTransaction((tx) => tx.query(sql`DELETE FROM schema_migrations WHERE version = ${last.version}`));
    const behind = problem(await readyz(), 503);
    expect(behind).toMatchObject({ title: 'Not ready', detail: expect.stringContaining(last.name) });
    // Applied, but another version of it (an edited file).
    await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO schema_migrations (version, name, checksum) VALUES (${last.version}, ${last.name}, 'edited')`));
    expect(problem(await readyz(), 503).detail).toContain(last.name);
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE schema_migrations SET checksum = ${last.checksum} WHERE version = ${last.version}`));
    expect((await readyz()).statusCode).toBe(200);

    await t.db.close();
    expect(problem(await readyz(), 503)).toMatchObject({ title: 'Not ready', detail: 'The database does not answer.' });
    // /healthz says only that the process is up.
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('a stopping process', () => {
  test('answers /readyz 503 (so its proxy takes it out of rotation) while it still serves every request', async () => {
    const t = await makeTestApp();
    try {
      await t.makeMember('AAA');
      const session = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
      expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      stopBeingReady(t.app);
      expect(problem(await t.app.inject({ method: 'GET', url: '/readyz' }), 503)).toMatchObject({ title: 'Not ready', detail: 'The process is stopping.' });
      expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      expect((await t.as(session, { method: 'GET', url: '/api/v1/members' })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

describe('the public address decides Secure cookies and HSTS', () => {
  /** Signs in on an app configured from LINTAS_PUBLIC_URL, as the server reads it, and returns the answer and a problem answer. */
  async function signInBehind(publicUrl: string): Promise<{ signIn: LightMyRequestResponse; refused: LightMyRequestResponse; healthz: LightMyRequestResponse }> {
    const t = await makeTestApp({ env: { LINTAS_PUBLIC_URL: publicUrl } });
    try {
      await t.makeMember('AAA');
      await t.makeUser('AAA', ['analyst'], { email: 'analyst@aaa.test' });
      const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: 'analyst@aaa.test', password: TEST_PASSWORD } });
      expect(signIn.statusCode, signIn.body).toBe(200);
      const refused = await t.app.inject({ method: 'GET', url: '/api/v1/members' });
      const healthz = await t.app.inject({ method: 'GET', url: '/healthz' });
      return { signIn, refused, healthz };
    } finally {
      await t.close();
    }
  }

  test('https://: the session cookie is Secure, HttpOnly and SameSite=Strict, and every answer carries HSTS', async () => {
    const { signIn, refused, healthz } = await signInBehind('https://lintas.example.org');
    // Secure, so with the __Host- prefix: host-only, path /.
    const cookie = signIn.cookies.find((one) => one.name === '__Host-lintas_session');
    expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    for (const response of [signIn, refused, healthz]) expect(response.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(refused.statusCode).toBe(401);
  });

  test('http://: HttpOnly and SameSite still, but no Secure and no HSTS', async () => {
    const { signIn, refused, healthz } = await signInBehind('http://lintas.example.org');
    const cookie = signIn.cookies.find((one) => one.name === 'lintas_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(cookie?.secure).toBeFalsy();
    expect(String(signIn.headers['set-cookie'])).not.toMatch(/;\s*Secure/i);
    for (const response of [signIn, refused, healthz]) expect(response.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('the API rate limit', () => {
  const LIMIT = 5;
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp({ config: { rateLimitPerMinute: LIMIT } });
    await t.makeMember('AAA');
  });
  afterAll(() => t.close());

  function expectLimited(response: LightMyRequestResponse): void {
    expect(problem(response, 429)).toMatchObject({ status: 429, title: 'Too many requests' });
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(response.headers['retry-after'])).toBeLessThanOrEqual(120); // a sliding count: heard again when the last minute holds fewer than the limit, at most two windows on
  }

  test('a signed-in user past the limit gets 429 problem+json with Retry-After; another user of the same address does not', async () => {
    const first = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    const second = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
    await withinOneMinute();
    const responses: LightMyRequestResponse[] = [];
    for (let i = 0; i < LIMIT + 2; i++) responses.push(await t.as(first, { method: 'GET', url: '/api/v1/members' }));
    expect(responses.map((response) => response.statusCode)).toEqual([...Array<number>(LIMIT).fill(200), 429, 429]);
    expectLimited(responses[LIMIT]!);
    expect((await t.as(second, { method: 'GET', url: '/api/v1/members' })).statusCode).toBe(200);
  });

  test('without a user, the limit is the address’s: another address goes on; the probes are never limited', async () => {
    const from = (address: string) => t.app.inject({ method: 'GET', url: '/api/openapi.json', remoteAddress: address });
    const statuses: number[] = [];
    await withinOneMinute();
    for (let i = 0; i < LIMIT + 1; i++) statuses.push((await from('10.9.0.1')).statusCode);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
    expectLimited(await from('10.9.0.1'));
    expect((await from('10.9.0.2')).statusCode).toBe(200);
    for (let i = 0; i < LIMIT + 1; i++) {
      expect((await t.app.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.9.0.1' })).statusCode).toBe(200);
      expect((await t.app.inject({ method: 'GET', url: '/readyz', remoteAddress: '10.9.0.1' })).statusCode).toBe(200);
    }
  });
});

describe('the batch check’s limit', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('UTO', { name: 'Utopia' });
    await t.makeMember('AAA');
  });
  afterAll(() => t.close());

  test(`a batch check takes exactly ${MAX_BATCH} documents, and refuses ${MAX_BATCH + 1} with a problem naming the limit, changing nothing`, async () => {
    expect(MAX_BATCH).toBe(10_000);
    const issuer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
    const number = (i: number): string => `X${String(i).padStart(8, '0')}`;
    // Two of the manifest's documents are registered stolen, shared with every member: each batch would hit them.
    for (const i of [7, MAX_BATCH - 1]) {
      const added = await t.as(issuer, { method: 'POST', url: '/api/v1/documents', payload: { type: 'passport', status: 'stolen', number: number(i) } });
      expect(added.statusCode, added.body).toBe(201);
    }
    const officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
    const documents = Array.from({ length: MAX_BATCH }, (_, i) => ({ issuer: 'UTO', type: 'passport', number: number(i) }));
    const batch = (items: typeof documents) => t.as(officer, { method: 'POST', url: '/api/v1/documents/checks/batch', payload: { purpose: 'flight manifest', documents: items } });
    const hitsAndChecks = () =>
      t.db.ownerTransaction((tx) =>
        tx.one<{ hits: number; checks: number }>(sql`SELECT (SELECT count(*)::int FROM document_hits) AS hits, (SELECT count(*)::int FROM audit_log WHERE member = 'AAA' AND action <> 'request.invalid') AS checks`),
      );

    const ok = await batch(documents);
    expect(ok.statusCode, ok.body.slice(0, 300)).toBe(200);
    const answer = ok.json<{ data: { result: string }[]; checked: number; hits: number }>();
    expect(answer).toMatchObject({ checked: MAX_BATCH, hits: 2 });
    expect(answer.data).toHaveLength(MAX_BATCH);
    expect([answer.data[7]?.result, answer.data[MAX_BATCH - 1]?.result, answer.data[8]?.result]).toEqual(['hit', 'hit', 'no-hit']);
    const after = await hitsAndChecks();
    expect(after.hits).toBe(2);
    expect(after.checks).toBeGreaterThan(0);

    const before = await fingerprint(t.db);
    const over = problem(await batch([...documents, { issuer: 'UTO', type: 'passport', number: number(MAX_BATCH) }]), 400);
    expect(over.errors).toEqual([expect.objectContaining({ pointer: '/documents', detail: expect.stringMatching(/at most 10,?000/) })]);
    // No check on the record, no hit, nothing else: only the refusal, counted as bad input.
    expect(await hitsAndChecks()).toEqual(after);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});
