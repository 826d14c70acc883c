import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext } from '../../test/support/app.js';
import { totpCode } from './auth/totp.js';

const lines: string[] = [];
let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp({ config: { logLevel: 'debug' }, logStream: { write: (line) => void lines.push(line) } });
  await t.makeMember('LOG');
});
afterAll(() => t.close());

test('logs are JSON lines with request ids and never hold passwords, tokens, cookies or codes', async () => {
  const user = await t.makeUser('LOG', ['officer'], { email: 'logged@log.test' });
  const signIn = await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: TEST_PASSWORD } });
  expect(signIn.statusCode).toBe(200);
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  const secret = cookie.split('=')[1]!;
  const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } });
  const csrf = me.json<{ csrfToken: string }>().csrfToken;
  const enrol = await t.app.inject({ method: 'POST', url: '/api/v1/account/totp/enrol', headers: { cookie, 'x-csrf-token': csrf } });
  const totpSecret = enrol.json<{ secret: string }>().secret;
  const code = totpCode(totpSecret);
  await t.app.inject({ method: 'POST', url: '/api/v1/account/totp/confirm', headers: { cookie, 'x-csrf-token': csrf }, payload: { code } });
  const token = await t.tokenFor(user);
  await t.app.inject({ method: 'GET', url: '/api/v1/members?reset=secret-query', headers: { authorization: `Bearer ${token}` } });
  await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email: user.email, password: 'wrong password value' } });

  expect(lines.length).toBeGreaterThan(5);
  const parsed = lines.map((line) => JSON.parse(line) as { reqId?: string; level: number });
  expect(parsed.some((line) => typeof line.reqId === 'string')).toBe(true);
  const all = lines.join('\n');
  // The six-digit code could occur by chance inside a timestamp; look for it as a value.
  expect(all).not.toContain(`"${code}"`);
  for (const secretValue of [TEST_PASSWORD, 'wrong password value', secret, csrf, totpSecret, token, 'secret-query']) {
    expect(all, `log holds ${secretValue.slice(0, 6)}…`).not.toContain(secretValue);
  }
});
