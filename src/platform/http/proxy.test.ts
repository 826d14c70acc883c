import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { sql } from '../db/sql.js';
import { trustedProxies } from './proxy.js';

/** ASVS 14.5.4: behind a reverse proxy, only the X-Forwarded-For entry the proxy added names the client. */

test('LINTAS_TRUST_PROXY: unset or false ignores the header; true is one proxy; a number or a list is taken as it is', () => {
  expect([undefined, '', 'false'].map(trustedProxies)).toEqual([false, false, false]);
  // A function of the hop: the peer (hop 0) is the proxy; what it was told (hop 1 on) is not believed.
  const hopsTrusted = (setting: string) => {
    const trust = trustedProxies(setting);
    if (typeof trust !== 'function') throw new Error(`${setting} gave ${String(trust)}`);
    return [0, 1, 2, 3].filter((hop) => trust('192.0.2.1', hop));
  };
  expect(hopsTrusted('true')).toEqual([0]);
  expect(hopsTrusted('2')).toEqual([0, 1]);
  expect(trustedProxies('10.0.0.0/8, 192.0.2.1')).toBe('10.0.0.0/8, 192.0.2.1');
});

describe('behind one proxy (LINTAS_TRUST_PROXY=true)', () => {
  let t: TestContext;
  const before = process.env.LINTAS_TRUST_PROXY;
  beforeAll(async () => {
    process.env.LINTAS_TRUST_PROXY = 'true';
    try {
      t = await makeTestApp();
    } finally {
      if (before === undefined) delete process.env.LINTAS_TRUST_PROXY;
      else process.env.LINTAS_TRUST_PROXY = before;
    }
  });
  afterAll(() => t.close());

  test('an address the client wrote into X-Forwarded-For is not believed: the audit row names the one the proxy added', async () => {
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/sign-in',
      headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' },
      payload: { email: 'nobody@proxy.test', password: 'not a password at all' },
    });
    expect(refused.statusCode).toBe(401);
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ address: string }>(sql`SELECT address FROM audit_log WHERE request_id = ${String(refused.headers['x-request-id'])}`),
    );
    expect(rows).toEqual([{ address: '198.51.100.7' }]);
  });
});
