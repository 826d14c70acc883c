import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, withinOneMinute, type TestContext } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import type { AuditEntry } from '../audit/writer.js';
import { sql } from '../db/sql.js';
import { AddressLimiter, RefusalLedger, type Refusal } from './refusals.js';
import { SharedCounts } from './shared-counts.js';

/**
 * A flood of refused requests is stopped by address before authentication, and adds a bounded
 * number of rows to the audit trail, whose counts add up to the refusals (issue 20, finding 6).
 */

const LIMIT = 40;
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp({ config: { refusalsPerAddressPerMinute: LIMIT } });
  await t.makeMember('AAA');
});
afterAll(() => t.close());

interface CountedRow {
  action: string;
  user_id: string | null;
  request_id: string | null;
  address: string | null;
  details: { count?: number; after?: string; paths?: string[]; method?: string; path?: string };
}

/** The audit rows of one address, oldest first. */
function rowsFrom(address: string): Promise<CountedRow[]> {
  return t.db.ownerTransaction((tx) =>
    tx.query<CountedRow>(sql`SELECT action, user_id, request_id, address, details FROM audit_log WHERE address = ${address} ORDER BY at, seq`),
  );
}

/** Refusals each action's rows stand for: one for a row of its own, `count` for a count row. */
function totals(rows: readonly CountedRow[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of rows) sums[row.action] = (sums[row.action] ?? 0) + (row.details.count ?? 1);
  return sums;
}

/** Requests in flight at once: the limit is checked before a credential is looked up, so up to this many more may be looked up. */
const CONCURRENCY = 20;

/** Sends `n` requests, `concurrency` at a time, and tallies their status codes. */
async function flood(n: number, send: () => Promise<LightMyRequestResponse>, concurrency = CONCURRENCY): Promise<{ statuses: Record<number, number>; responses: LightMyRequestResponse[] }> {
  const responses: LightMyRequestResponse[] = [];
  for (let sent = 0; sent < n; sent += concurrency) {
    responses.push(...(await Promise.all(Array.from({ length: Math.min(concurrency, n - sent) }, send))));
  }
  const statuses: Record<number, number> = {};
  for (const response of responses) statuses[response.statusCode] = (statuses[response.statusCode] ?? 0) + 1;
  return { statuses, responses };
}

describe('a flood of refused requests', () => {
  test('1,500 requests with a made-up Bearer token: 429 with Retry-After past the limit, and at most four audit rows whose counts add up to 1,500', async () => {
    const address = '198.51.100.7';
    await withinOneMinute();
    const { statuses, responses } = await flood(1500, () =>
      t.app.inject({ method: 'GET', url: '/api/v1/library/documents', remoteAddress: address, headers: { authorization: `Bearer ${'made-up-token-'.repeat(3)}` } }),
    );
    const refused = statuses[401]!;
    expect(refused).toBeGreaterThanOrEqual(LIMIT);
    // Requests in flight passed the check before the refusals ahead of them were counted.
    expect(refused).toBeLessThan(LIMIT + CONCURRENCY);
    expect(statuses).toEqual({ 401: refused, 429: 1500 - refused });
    const throttled = responses.find((response) => response.statusCode === 429)!;
    expect(throttled.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(throttled.headers['retry-after'])).toBeLessThanOrEqual(120); // a sliding count (SharedCounts): at most two windows on
    expect(throttled.json()).toMatchObject({ status: 429, title: 'Too many requests' });

    // Before the window closes: one row a reason, for the first refusal.
    expect((await rowsFrom(address)).map((row) => [row.action, row.details.count ?? 1])).toEqual([
      ['auth.token-refused', 1],
      ['auth.throttled', 1],
    ]);
    await t.app.refusalLedger.flush();
    const rows = await rowsFrom(address);
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(totals(rows)).toEqual({ 'auth.token-refused': refused, 'auth.throttled': 1500 - refused });
    const first = rows.find((row) => row.action === 'auth.token-refused' && row.details.count === undefined)!;
    expect(first.details).toEqual({ method: 'GET', path: '/api/v1/library/documents' });
    const counted = rows.find((row) => row.action === 'auth.token-refused' && row.details.count !== undefined)!;
    expect(counted).toMatchObject({ request_id: null, address, details: { count: refused - 1, after: first.request_id, paths: ['GET /api/v1/library/documents'] } });
  });

  test('300 cookie writes without the CSRF token: 403 up to the limit, then 429; a bounded number of rows counting every one, nothing else written', async () => {
    const address = '198.51.100.8';
    await withinOneMinute();
    const user = await t.makeUser('AAA');
    const session = await t.sessionFor(user);
    const { audit_log: _log, audit_lanes: _lanes, ...before } = await fingerprint(t.db);
    const document = { title: 'Never written', body: 'A note.', category: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } };
    const { statuses } = await flood(300, () =>
      t.app.inject({ method: 'POST', url: '/api/v1/library/documents', remoteAddress: address, headers: { cookie: session.cookie }, payload: document }),
    );
    const refused = statuses[403]!;
    expect(refused).toBeGreaterThanOrEqual(LIMIT);
    // Requests in flight passed the check before the refusals ahead of them were counted.
    expect(refused).toBeLessThan(LIMIT + CONCURRENCY);
    expect(statuses).toEqual({ 403: refused, 429: 300 - refused });
    await t.app.refusalLedger.flush();
    const rows = await rowsFrom(address);
    expect(rows.length).toBeLessThanOrEqual(4);
    expect(totals(rows)).toEqual({ 'auth.csrf-refused': refused, 'auth.throttled': 300 - refused });
    expect(rows.filter((row) => row.action === 'auth.csrf-refused').every((row) => row.user_id === user.id)).toBe(true);
    const { audit_log: _log1, audit_lanes: _lanes1, ...after } = await fingerprint(t.db);
    expect(after).toEqual(before);

    // The limit is the address's: the same session from elsewhere, with its token, still writes.
    const elsewhere = await t.app.inject({
      method: 'POST', url: '/api/v1/library/documents', remoteAddress: '198.51.100.9', headers: { cookie: session.cookie, 'x-csrf-token': session.csrf }, payload: document,
    });
    expect(elsewhere.statusCode, elsewhere.body).toBe(201);
  });

  test('made-up session cookies count towards the limit too, without audit rows', async () => {
    const address = '198.51.100.10';
    await withinOneMinute();
    const { statuses } = await flood(LIMIT + 5, () =>
      t.app.inject({ method: 'GET', url: '/api/v1/library/documents', remoteAddress: address, headers: { cookie: 'lintas_session=made-up-session-secret' } }),
    1);
    expect(statuses).toEqual({ 401: LIMIT, 429: 5 });
    await t.app.refusalLedger.flush();
    expect(totals(await rowsFrom(address))).toEqual({ 'auth.throttled': 5 });
  });
});

describe('refusals after authentication (ASVS 7.1.3, 7.2.2)', () => {
  test('a role refusal (403), bad input (400) and an unknown route or method (404) are counted on the record with their user', async () => {
    const address = '198.51.100.20';
    const user = await t.makeUser('AAA', ['officer']);
    const token = await t.tokenFor(user);
    const send = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, remoteAddress: address, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) });
    for (let i = 0; i < 3; i++) expect((await send('POST', '/api/v1/members', { code: 'ZZZ', name: 'Z', kind: 'state', status: 'member' })).statusCode).toBe(403);
    expect((await send('POST', '/api/v1/library/documents', { title: 5 })).statusCode).toBe(400);
    expect((await send('POST', '/api/v1/library/documents', { title: '' })).statusCode).toBe(400);
    expect((await send('GET', '/api/v1/no-such-route')).statusCode).toBe(404);
    expect((await send('DELETE', '/api/v1/members')).statusCode).toBe(404);
    await t.app.refusalLedger.flush();
    const rows = await rowsFrom(address);
    expect(totals(rows)).toEqual({ 'access.role-refused': 3, 'request.invalid': 2, 'route.unknown': 2 });
    expect(rows.every((row) => row.user_id === user.id)).toBe(true);
    expect(rows.find((row) => row.action === 'access.role-refused')?.details).toEqual({ method: 'POST', path: '/api/v1/members' });
    expect(rows.find((row) => row.action === 'route.unknown' && row.details.count === undefined)?.details).toEqual({ method: 'GET', path: '/api/v1/no-such-route' });
  });

  test('a record the actor may not see and a missing one answer the same 404 and leave the same trace: none', async () => {
    await t.makeMember('BBB');
    const hidden = await t.makeDocument('BBB', { audience: 'owner' });
    const user = await t.makeUser('AAA', ['officer']);
    const token = await t.tokenFor(user);
    const read = (address: string, id: string) => t.app.inject({ method: 'GET', url: `/api/v1/library/documents/${id}`, remoteAddress: address, headers: { authorization: `Bearer ${token}` } });
    const notVisible = await read('198.51.100.21', hidden);
    const missing = await read('198.51.100.22', '00000000-0000-4000-8000-000000000000');
    expect([notVisible.statusCode, missing.statusCode]).toEqual([404, 404]);
    const { instance: _a, requestId: _b, ...notVisibleBody } = notVisible.json<Record<string, unknown>>();
    const { instance: _c, requestId: _d, ...missingBody } = missing.json<Record<string, unknown>>();
    expect(notVisibleBody).toEqual(missingBody);
    await t.app.refusalLedger.flush();
    expect(await rowsFrom('198.51.100.21')).toEqual([]);
    expect(await rowsFrom('198.51.100.22')).toEqual([]);
  });
});

describe('RefusalLedger', () => {
  const refusal = (overrides: Partial<Refusal> = {}): Refusal => ({
    action: 'auth.token-refused', address: '192.0.2.1', requestId: `r-${Math.random()}`, method: 'GET', path: '/api/v1/members', ...overrides,
  });

  function ledger(): { ledger: RefusalLedger; written: AuditEntry[]; clock: { now: number } } {
    const written: AuditEntry[] = [];
    const clock = { now: 1_000_000 };
    return { ledger: new RefusalLedger(async (entry) => void written.push(entry), { windowMs: 60_000, now: () => clock.now }), written, clock };
  }

  test('one row at once, then one row with the count of the rest when the window closes', async () => {
    const { ledger: refusals, written, clock } = ledger();
    const first = refusal();
    await refusals.record(first);
    for (let i = 0; i < 9; i++) {
      clock.now += 1000;
      await refusals.record(refusal({ path: i % 2 ? '/api/v1/groups' : '/api/v1/members' }));
    }
    expect(written).toEqual([expect.objectContaining({ requestId: first.requestId, details: { method: 'GET', path: '/api/v1/members' } })]);
    clock.now += 60_000;
    const next = refusal();
    await refusals.record(next);
    expect(written.slice(1)).toEqual([
      expect.objectContaining({ requestId: undefined, details: { count: 9, after: first.requestId, until: new Date(1_009_000).toISOString(), paths: ['GET /api/v1/members', 'GET /api/v1/groups'] } }),
      expect.objectContaining({ requestId: next.requestId, details: { method: 'GET', path: '/api/v1/members' } }),
    ]);
    await refusals.flush();
    expect(written).toHaveLength(3);
    expect(refusals.openWindows).toBe(0);
  });

  test('sources are kept apart by address, reason and user', async () => {
    const { ledger: refusals, written } = ledger();
    const sources = [refusal(), refusal({ address: '192.0.2.2' }), refusal({ action: 'auth.csrf-refused', userId: 'u1' }), refusal({ action: 'auth.csrf-refused', userId: 'u2' })];
    for (const source of [...sources, ...sources, ...sources]) await refusals.record(source);
    expect(written).toHaveLength(4);
    await refusals.flush();
    expect(written.slice(4).map((entry) => entry.details?.count)).toEqual([2, 2, 2, 2]);
  });

  test('a first row that cannot be written fails its request, and the next refusal starts again', async () => {
    let fail = true;
    const written: AuditEntry[] = [];
    const refusals = new RefusalLedger(async (entry) => {
      if (fail) throw new Error('database down');
      written.push(entry);
    }, { windowMs: 60_000 });
    await expect(refusals.record(refusal())).rejects.toThrow('database down');
    fail = false;
    await refusals.record(refusal());
    expect(written).toHaveLength(1);
    await refusals.flush();
  });
});

describe('AddressLimiter', () => {
  test('refuses an address that reached the limit until its sliding count falls below it; others go on', () => {
    const clock = { now: 0 };
    const limiter = new AddressLimiter(3, 60_000, new SharedCounts({ now: () => clock.now }));
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBeUndefined();
      limiter.refused('a');
    }
    clock.now = 15_500;
    // Three refusals in the window: heard again once they weigh two, a third of the way into the next window (80 s).
    expect(limiter.retryAfter('a')).toBe(65);
    expect(limiter.retryAfter('b')).toBeUndefined();
    clock.now = 79_999;
    expect(limiter.retryAfter('a')).toBe(1);
    clock.now = 80_000;
    expect(limiter.retryAfter('a')).toBeUndefined();
    expect(new AddressLimiter(0, 60_000, new SharedCounts()).retryAfter('a')).toBeUndefined();
  });
});

