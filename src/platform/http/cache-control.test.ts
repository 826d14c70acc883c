import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';

/**
 * Nothing the API answers may be kept by a browser or a proxy: every answer under /api/v1/ (records,
 * lists, errors, refusals) says `Cache-Control: no-store`, and the downloads keep their own
 * `private, no-store`.
 */

let t: TestContext;
let officer: TestSession;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
});
afterAll(() => t.close());

describe('Cache-Control on the API', () => {
  test('records, lists, errors and refusals are no-store', async () => {
    const id = await t.makeDocument('AAA', { title: 'Kept by no cache' });
    const answers = [
      await t.as(officer, { method: 'GET', url: '/api/v1/auth/session' }),
      await t.as(officer, { method: 'GET', url: '/api/v1/library/documents' }),
      await t.as(officer, { method: 'GET', url: `/api/v1/library/documents/${id}` }),
      await t.as(officer, { method: 'GET', url: '/api/v1/documents/reports' }),
      await t.as(officer, { method: 'GET', url: '/api/v1/library/documents/00000000-0000-0000-0000-000000000000' }),
      await t.as(officer, { method: 'GET', url: '/api/v1/library/documents?limit=nope' }),
      await t.as(null, { method: 'GET', url: '/api/v1/library/documents' }),
      await t.as(officer, { method: 'GET', url: '/api/v1/no-such-route' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 404, 400, 401, 404]);
    for (const answer of answers) expect(answer.headers['cache-control'], answer.body).toBe('no-store');
  });

  test('a download keeps the caching it sets itself', async () => {
    const template = await t.as(officer, { method: 'GET', url: '/api/v1/reports/import/template.csv' });
    expect(template.statusCode).toBe(200);
    expect(template.headers['cache-control']).toBe('private, no-store');
  });

  test('JSON answers and problems are attachments named api.json; a download keeps its own name', async () => {
    const answers = [
      await t.as(officer, { method: 'GET', url: '/api/v1/auth/session' }),
      await t.as(officer, { method: 'GET', url: '/api/v1/library/documents?limit=nope' }),
      await t.as(null, { method: 'GET', url: '/api/v1/library/documents' }),
      await t.as(null, { method: 'GET', url: '/api/openapi.json' }),
    ];
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 400, 401, 200]);
    for (const answer of answers) expect(answer.headers['content-disposition'], answer.body).toBe('attachment; filename="api.json"');
    const template = await t.as(officer, { method: 'GET', url: '/api/v1/reports/import/template.csv' });
    expect(template.headers['content-disposition']).toMatch(/^attachment; filename="[^"]+\.csv"/);
  });

  test('every answer names no server or framework version and carries the browser protections (ASVS 14.3.3, 14.4)', async () => {
    const answers = [
      await t.as(officer, { method: 'GET', url: '/api/v1/auth/session' }),
      await t.as(null, { method: 'GET', url: '/api/v1/no-such-route' }),
      await t.as(null, { method: 'GET', url: '/healthz' }),
    ];
    for (const answer of answers) {
      expect(answer.headers['x-powered-by']).toBeUndefined();
      expect(answer.headers.server).toBeUndefined();
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      expect(answer.headers['referrer-policy']).toBe('no-referrer');
      expect(answer.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(String(answer.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});

