import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext, type TestSession } from '../../../test/support/app.js';
import { problem } from '../../../test/support/problem.js';
import { sql } from '../db/sql.js';
import { HARD_BOUND_FACTOR } from './shedding.js';

/**
 * Load shedding (http/shedding.ts) with a queue bound of 3: the database is held busy so API requests
 * stand in its queue; past the bound they are answered 503 with Retry-After and write nothing, while
 * /healthz answers and sign-in is still let in; once the database is free everything is 200 again.
 * The first app sheds as soon as the queue reaches the bound (a standing time of 0); the others show
 * the standing time: a burst waits, a queue that stands is shed, four times the bound (HARD_BOUND_FACTOR) is shed at once.
 */

const BOUND = 3;
let t: TestContext;
let session: TestSession;
let email: string;

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_SHED_QUEUE: String(BOUND), LINTAS_SHED_STANDING_MS: '0' } });
  await t.makeMember('AAA');
  const user = await t.makeUser('AAA', ['officer']);
  email = user.email;
  session = await t.sessionFor(user);
});
afterAll(() => t.close());

/** Resolves once `check` holds, looking again after each turn of the event loop (no sleeping for time). */
async function until(check: () => boolean): Promise<void> {
  for (let turns = 0; !check(); turns++) {
    if (turns > 100_000) throw new Error('the condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Takes every connection of the test database (one on PGlite, the pool's ten on a server) until `release` is called. */
async function holdDatabase(on: TestContext = t): Promise<{ release(): Promise<void> }> {
  const connections = on.database.kind === 'pglite' ? 1 : 10;
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started = 0;
  const holders = Array.from({ length: connections }, () =>
    on.db.transaction({ member: null }, async () => {
      started++;
      await gate;
    }),
  );
  await until(() => started === connections);
  return {
    async release() {
      release();
      await Promise.all(holders);
    },
  };
}

const listTokens = () => t.as(session, { method: 'GET', url: '/api/v1/account/tokens' });
const createToken = () => t.as(session, { method: 'POST', url: '/api/v1/account/tokens', payload: { name: 'shed', roles: ['officer'] } });

test('past the bound of waiting transactions, API requests get 503 with Retry-After and write nothing; /healthz and sign-in still answer; all is well once the load drops', async () => {
  // The session is looked up once, so the requests below wait for the database only for their own work.
  expect((await listTokens()).statusCode).toBe(200);
  const before = t.app.shedding.stats().shed;

  const held = await holdDatabase();
  const queued = Array.from({ length: BOUND }, () => listTokens());
  await until(() => t.db.waiting() >= BOUND);

  const refused = await Promise.all(Array.from({ length: 4 }, () => createToken()));
  for (const response of refused) {
    expect(problem(response, 503)).toMatchObject({ status: 503, title: 'Server busy' });
    expect(response.headers['retry-after']).toBe('2');
  }
  const healthz = await t.app.inject({ method: 'GET', url: '/healthz' });
  expect(healthz.statusCode).toBe(200);
  // Sign-in is shed only past twice the bound: it is let in, and waits its turn.
  const signIn = t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: TEST_PASSWORD } });
  await until(() => t.db.waiting() > BOUND);
  expect(t.app.shedding.stats()).toMatchObject({ shed: before + 4, byQueue: before + 4 });

  await held.release();
  for (const response of await Promise.all(queued)) expect(response.statusCode, response.body).toBe(200);
  expect((await signIn).statusCode).toBe(200);

  // The refused writes left nothing: no token, no audit row under their request ids.
  const ids = refused.map((response) => String(response.headers['x-request-id']));
  const left = await t.db.ownerTransaction((tx) =>
    tx.one<{ tokens: number; audited: number }>(sql`SELECT (SELECT count(*)::int FROM lintas_secrets.api_tokens) AS tokens,
      (SELECT count(*)::int FROM audit_log WHERE request_id = ANY(${ids}::text[])) AS audited`),
  );
  expect(left).toEqual({ tokens: 0, audited: 0 });

  // The load gone, the same requests are served.
  expect((await createToken()).statusCode).toBe(201);
  expect((await listTokens()).statusCode).toBe(200);
  expect(t.app.shedding.stats().shed).toBe(before + 4);
});

describe('the standing time', () => {
  /** An app with the bound of 3 and the standing time given, a session, and its token list. */
  async function appWith(standingMs: number) {
    const context = await makeTestApp({ env: { LINTAS_SHED_QUEUE: String(BOUND), LINTAS_SHED_STANDING_MS: String(standingMs) } });
    await context.makeMember('AAA');
    const own = await context.sessionFor(await context.makeUser('AAA', ['officer']));
    const list = () => context.as(own, { method: 'GET', url: '/api/v1/account/tokens' });
    expect((await list()).statusCode).toBe(200);
    return { context, list };
  }

  test('a burst waits in the queue instead of being shed, up to four times the bound; past it requests are shed at once', async () => {
    const { context, list } = await appWith(60_000);
    try {
      const held = await holdDatabase(context);
      const queued = Array.from({ length: HARD_BOUND_FACTOR * BOUND }, () => list());
      await until(() => context.db.waiting() >= HARD_BOUND_FACTOR * BOUND);
      const refused = await Promise.all([list(), list()]);
      for (const response of refused) expect(problem(response, 503)).toMatchObject({ status: 503, title: 'Server busy' });
      await held.release();
      for (const response of await Promise.all(queued)) expect(response.statusCode, response.body).toBe(200);
      expect(context.app.shedding.stats()).toMatchObject({ shed: 2, byQueue: 2 });
    } finally {
      await context.close();
    }
  });

  test('a queue that has stood at the bound for the standing time is shed', async () => {
    const { context, list } = await appWith(100);
    try {
      const held = await holdDatabase(context);
      const queued = Array.from({ length: BOUND }, () => list());
      await until(() => context.db.waiting() >= BOUND);
      // The first request to find the queue at the bound starts its standing time, and waits.
      queued.push(list());
      await until(() => context.db.waiting() >= BOUND + 1);
      expect(context.app.shedding.stats().shed).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(problem(await list(), 503)).toMatchObject({ status: 503, title: 'Server busy' });
      await held.release();
      for (const response of await Promise.all(queued)) expect(response.statusCode, response.body).toBe(200);
      expect(context.app.shedding.stats()).toMatchObject({ shed: 1, byQueue: 1 });
    } finally {
      await context.close();
    }
  });
});
