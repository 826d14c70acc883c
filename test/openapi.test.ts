import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from './support/app.js';

let t: TestContext;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

test('the checked-in API document is the one the route schemas generate (run `npm run openapi` after changing a route)', async () => {
  const response = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  const checkedIn: unknown = JSON.parse(readFileSync(new URL('../docs/openapi.json', import.meta.url), 'utf8'));
  expect(response.json()).toEqual(checkedIn);
});

test('every API route documents its request and its success response', () => {
  const document = t.app.swagger() as { paths: Record<string, Record<string, { responses?: Record<string, unknown>; summary?: string }>> };
  const missing: string[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const ok = Object.keys(operation.responses ?? {}).some((code) => code.startsWith('2'));
      if (!ok || !operation.summary) missing.push(`${method.toUpperCase()} ${path}`);
    }
  }
  expect(missing).toEqual([]);
  expect(Object.keys(document.paths).length).toBeGreaterThan(25);
});

test('every response carries the security headers, the API and the docs page alike', async () => {
  for (const url of ['/healthz', '/api/v1/members', '/api/docs/']) {
    const response = await t.app.inject({ method: 'GET', url });
    expect(response.headers['content-security-policy'], url).toContain("default-src 'self'");
    expect(response.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options'], url).toBe('nosniff');
    expect(response.headers['x-frame-options'], url).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    expect(response.headers['cross-origin-opener-policy'], url).toBe('same-origin');
    // Plain HTTP in tests: no HSTS, which only makes sense behind TLS.
    expect(response.headers['strict-transport-security'], url).toBeUndefined();
  }
});
