import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from './support/app.js';
import { cspWeaknesses, parseCsp } from './support/csp.js';

// The Content-Security-Policy header, parsed into directives as a browser reads it: every answer
// (API, docs page, health) carries the same strict policy. test/e2e/csp.e2e.test.ts shows a
// browser refusing an injected inline script under it.

let t: TestContext;
let tls: TestContext;
beforeAll(async () => {
  t = await makeTestApp();
  tls = await makeTestApp({ config: { secureCookies: true } });
});
afterAll(async () => {
  await t.close();
  await tls.close();
});

const URLS = ['/healthz', '/api/v1/members', '/api/docs/', '/api/openapi.json', '/no-such-page'];

async function policyOf(context: TestContext, url: string): Promise<string> {
  const response = await context.app.inject({ method: 'GET', url });
  return response.headers['content-security-policy'] ?? '';
}

test.each(URLS)('%s carries the policy, directive by directive', async (url) => {
  const header = await policyOf(t, url);
  expect(cspWeaknesses(header)).toEqual([]);
  const { directives } = parseCsp(header);
  expect(directives.get('script-src')).toEqual(["'self'"]);
  expect(directives.get('object-src')).toEqual(["'none'"]);
  expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  // Plain HTTP: asking the browser to upgrade requests would break the page.
  expect(directives.has('upgrade-insecure-requests')).toBe(false);
});

test('behind https the policy also upgrades insecure requests, and is otherwise the same', async () => {
  const header = await policyOf(tls, '/api/v1/members');
  expect(cspWeaknesses(header)).toEqual([]);
  expect(parseCsp(header).directives.get('upgrade-insecure-requests')).toEqual([]);
});

test('the docs page holds no inline script, which the policy would refuse', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/api/docs/' });
  expect(response.statusCode).toBe(200);
  const inline = [...response.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)].filter(([, attributes, body]) => !/\bsrc=/i.test(attributes ?? '') && (body ?? '').trim() !== '');
  expect(inline.map(([whole]) => whole.slice(0, 80))).toEqual([]);
  expect(response.body).not.toMatch(/\son[a-z]+\s*=/i);
});

describe('the check fails when the policy is weakened', () => {
  // Each weakening is applied to the header the app sends, so the check is shown to catch it there.
  const weakenings: [string, (header: string) => string][] = [
    ['inline script allowed', (h) => h.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")],
    ['eval allowed', (h) => h.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")],
    ['script from anywhere', (h) => h.replace("script-src 'self'", 'script-src *')],
    ['script from https', (h) => h.replace("script-src 'self'", "script-src 'self' https:")],
    ['no script-src (default-src would decide)', (h) => h.replace(/script-src 'self';?/, '')],
    ['event-handler attributes allowed', (h) => h.replace("script-src-attr 'none'", "script-src-attr 'unsafe-inline'")],
    ['plugins allowed', (h) => h.replace("object-src 'none'", "object-src 'self'")],
    ['framing allowed', (h) => h.replace("frame-ancestors 'none'", "frame-ancestors 'self'")],
    ['no frame-ancestors', (h) => h.replace(/frame-ancestors 'none';?/, '')],
    ['base-uri elsewhere', (h) => h.replace("base-uri 'self'", 'base-uri *')],
    ['a repeated script-src (browsers ignore the second)', (h) => `${h};script-src 'unsafe-inline'`],
    ['images from anywhere', (h) => h.replace("img-src 'self' data:", 'img-src *')],
  ];
  test.each(weakenings)('%s', async (_name, weaken) => {
    const header = await policyOf(t, '/api/v1/members');
    const weakened = weaken(header);
    expect(weakened).not.toBe(header);
    expect(cspWeaknesses(weakened)).not.toEqual([]);
  });

  test('a header without spaces between directives still parses (helmet writes it so)', () => {
    const { directives } = parseCsp("default-src 'self';script-src 'self' 'unsafe-inline';object-src 'none'");
    expect(directives.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(cspWeaknesses(undefined)).toEqual(['no Content-Security-Policy header']);
  });
});
