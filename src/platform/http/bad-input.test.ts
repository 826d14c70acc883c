import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';

/**
 * Bad input gets a clear problem+json answer naming the field at fault, changes nothing, and is
 * never a 500 (DESIGN.md §7).
 */

let t: TestContext;
let officer: TestSession;
let secretariat: TestSession;
let before: Record<string, string>;

const DOCUMENTS = '/api/v1/library/documents';
const UPLOAD = '/api/v1/library/documents/upload';
const MB = 1024 * 1024;

const valid = () => ({ title: 'Workshop report', category: 'workshop-report', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } });

interface Problem {
  title: string;
  status: number;
  requestId: string;
  errors?: { pointer: string; detail: string; in?: string }[];
}

/** Checks a refusal: the status, problem+json with the request id of the response, and the database untouched. */
async function refused(response: LightMyRequestResponse, status: number): Promise<Problem> {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = response.json<Problem>();
  expect(body.status).toBe(status);
  expect(body.requestId).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.requestId).toBe(response.headers['x-request-id']);
  expect(await fingerprint(t.db)).toEqual(before);
  return body;
}

const pointers = (problem: Problem) => (problem.errors ?? []).map((error) => error.pointer);

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  await t.makeMember('SEC', { kind: 'organisation' });
  officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  secretariat = await t.sessionFor(await t.makeUser('SEC', ['secretariat']));
});
afterAll(() => t.close());
beforeEach(async () => {
  before = await fingerprint(t.db);
});

describe('JSON bodies', () => {
  test('malformed JSON is 400 "Malformed JSON"', async () => {
    const response = await t.as(officer, { method: 'POST', url: DOCUMENTS, headers: { 'content-type': 'application/json' }, payload: '{"title": "half' });
    const problem = await refused(response, 400);
    expect(problem.title).toBe('Malformed JSON');
    expect(pointers(problem)).toEqual(['/']);
  });

  test('an empty JSON body is 400', async () => {
    await refused(await t.as(officer, { method: 'POST', url: DOCUMENTS, headers: { 'content-type': 'application/json' }, payload: '' }), 400);
  });

  test('an unknown field is named by its pointer, at any depth', async () => {
    const response = await t.as(officer, {
      method: 'POST', url: DOCUMENTS,
      payload: { ...valid(), colour: 'red', sharing: { audience: { kind: 'owner', everyone: true }, tlp: 'AMBER' } },
    });
    const problem = await refused(response, 400);
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        { pointer: '/colour', detail: 'is not a known field', in: 'body' },
        { pointer: '/sharing/audience/everyone', detail: 'is not a known field', in: 'body' },
      ]),
    );
    expect(problem.errors).toHaveLength(2);
  });

  test('every field error is reported at once: an over-long string, a value not allowed, a missing field', async () => {
    const { category: _category, ...withoutCategory } = valid();
    const response = await t.as(officer, {
      method: 'POST', url: DOCUMENTS,
      payload: { ...withoutCategory, title: 'x'.repeat(301), tags: ['fine', ''], sharing: { audience: { kind: 'friends' }, tlp: 'AMBER' } },
    });
    const problem = await refused(response, 400);
    expect(pointers(problem).sort()).toEqual(['/category', '/sharing/audience/kind', '/tags/1', '/title']);
    expect(problem.errors!.find((error) => error.pointer === '/title')!.detail).toMatch(/300/);
  });

  test('an unknown member in the audience is named by its index', async () => {
    const response = await t.as(officer, { method: 'POST', url: DOCUMENTS, payload: { ...valid(), body: 'What the workshop found.', sharing: { audience: { kind: 'members', members: ['BBB', 'ZZZ'] }, tlp: 'AMBER' } } });
    const problem = await refused(response, 400);
    expect(problem.errors).toEqual([{ pointer: '/sharing/audience/members/1', detail: 'unknown member "ZZZ"' }]);
    const first = await t.as(officer, { method: 'POST', url: DOCUMENTS, payload: { ...valid(), body: 'What the workshop found.', sharing: { audience: { kind: 'members', members: ['ZZZ'] }, tlp: 'AMBER' } } });
    expect(pointers(await refused(first, 400))).toEqual(['/sharing/audience/members/0']);
  });

  test('RED shared with every member is refused at /sharing/tlp; so are lists that do not fit their kind', async () => {
    const red = await t.as(officer, { method: 'POST', url: DOCUMENTS, payload: { ...valid(), body: 'What the workshop found.', sharing: { audience: { kind: 'all' }, tlp: 'RED' } } });
    expect(pointers(await refused(red, 400))).toEqual(['/sharing/tlp']);
    const mixed = await t.as(officer, { method: 'POST', url: DOCUMENTS, payload: { ...valid(), body: 'What the workshop found.', sharing: { audience: { kind: 'all', members: ['BBB'] }, tlp: 'GREEN', handling: ['H0', 'H2'] } } });
    expect(pointers(await refused(mixed, 400))).toEqual(['/sharing/audience/members', '/sharing/handling']);
  });

  test('a 20 MB JSON body is 413', async () => {
    const response = await t.as(officer, { method: 'POST', url: DOCUMENTS, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...valid(), body: 'a'.repeat(20 * MB) }) });
    expect((await refused(response, 413)).title).toBe('Body too large');
  });

  test('a body that is not JSON is 415', async () => {
    await refused(await t.as(officer, { method: 'POST', url: DOCUMENTS, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(valid()) }), 415);
    await refused(await t.as(officer, { method: 'POST', url: DOCUMENTS, headers: { 'content-type': 'application/xml' }, payload: '<document/>' }), 415);
  });

  test('bad input to another module is named the same way', async () => {
    const response = await t.as(secretariat, { method: 'POST', url: '/api/v1/groups', payload: { code: 'new-group', name: 'New', members: ['AAA', 'NOPE'], chair: 'GONE' } });
    expect((await refused(response, 400)).errors).toEqual([
      { pointer: '/members/1', detail: 'unknown member "NOPE"' },
      { pointer: '/chair', detail: 'unknown member "GONE"' },
    ]);
    const code = await t.as(secretariat, { method: 'POST', url: '/api/v1/members', payload: { code: 'has space', name: 'x', kind: 'state', status: 'member' } });
    expect(pointers(await refused(code, 400))).toEqual(['/code']);
  });
});

describe('paths and queries', () => {
  test('a malformed id in the path is 400 at /id, in the path', async () => {
    const problem = await refused(await t.as(officer, { method: 'GET', url: `${DOCUMENTS}/not-a-uuid` }), 400);
    expect(problem.errors).toEqual([expect.objectContaining({ pointer: '/id', in: 'path' })]);
  });

  test('query errors name the parameter; a cursor this API did not issue is refused', async () => {
    const limit = await refused(await t.as(officer, { method: 'GET', url: `${DOCUMENTS}?limit=0&colour=red` }), 400);
    expect(limit.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '/limit', in: 'query' }), expect.objectContaining({ pointer: '/colour', in: 'query' })]),
    );
    const cursor = await refused(await t.as(officer, { method: 'GET', url: `${DOCUMENTS}?cursor=${Buffer.from('{"not":"a cursor"}').toString('base64url')}` }), 400);
    expect(pointers(cursor)).toEqual(['/cursor']);
    const date = await refused(await t.as(officer, { method: 'GET', url: `${DOCUMENTS}?from=2024-13-45` }), 400);
    expect(pointers(date)).toEqual(['/from']);
  });

  test('an unknown API path is a problem+json 404', async () => {
    const problem = await refused(await t.as(officer, { method: 'GET', url: '/api/v1/nothing-here' }), 404);
    expect(problem.title).toBe('Not found');
  });
});

describe('uploads', () => {
  const metadata = JSON.stringify(valid());

  test('a 20 MB upload is 413', async () => {
    const upload = multipart([{ name: 'metadata', value: metadata }, { name: 'file', value: Buffer.alloc(20 * MB, 'a'), filename: 'big.txt' }]);
    expect((await refused(await t.as(officer, { method: 'POST', url: UPLOAD, ...upload }), 413)).title).toBe('Body too large');
  });

  test('a file whose text is longer than a document holds is 400 at /file', async () => {
    const upload = multipart([{ name: 'metadata', value: metadata }, { name: 'file', value: Buffer.alloc(2_000_100, 'ab '), filename: 'long.txt' }]);
    expect(pointers(await refused(await t.as(officer, { method: 'POST', url: UPLOAD, ...upload }), 400))).toEqual(['/file']);
  });

  test('missing, malformed or unknown parts are named', async () => {
    const file = { name: 'file', value: 'some words', filename: 'note.txt' };
    const cases: [Parameters<typeof multipart>[0], string[]][] = [
      [[file], ['/metadata']],
      [[{ name: 'metadata', value: metadata }], ['/file']],
      [[{ name: 'metadata', value: '{not json' }, file], ['/metadata']],
      [[{ name: 'metadata', value: JSON.stringify({ ...valid(), body: 'text goes in the file' }) }, file], ['/metadata/body']],
      [[{ name: 'metadata', value: JSON.stringify({ ...valid(), title: '' }) }, file], ['/metadata/title']],
      [[{ name: 'metadata', value: metadata }, { name: 'note', value: 'x' }, file], ['/note']],
      [[{ name: 'metadata', value: metadata }, { name: 'file', value: Buffer.from([0x00, 0x01, 0x02, 0xff]), filename: 'blob.bin' }], ['/file']],
    ];
    for (const [parts, expected] of cases) {
      expect(pointers(await refused(await t.as(officer, { method: 'POST', url: UPLOAD, ...multipart(parts) }), 400))).toEqual(expected);
    }
  });

  test('JSON sent to the upload endpoint is 400, not a 500', async () => {
    expect(pointers(await refused(await t.as(officer, { method: 'POST', url: UPLOAD, payload: valid() }), 400))).toEqual(['/']);
  });
});

describe('large but valid input', () => {
  test('a text of very many distinct words, past what the search index holds, is stored and found by its start', async () => {
    // About 100,000 distinct words: a search vector of the whole would pass PostgreSQL's 1 MB limit.
    const words = Array.from({ length: 100_000 }, (_, i) => `w${(i * 7919).toString(36)}`);
    const body = words.join(' ');
    expect(JSON.stringify(body).length).toBeLessThan(MB - 1000);
    const created = await t.as(officer, { method: 'POST', url: DOCUMENTS, payload: { ...valid(), title: 'Word list', body } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ data: { id: string } }>().data.id;
    const found = await t.as(officer, { method: 'GET', url: `${DOCUMENTS}?q=${words[10]!}` });
    expect(found.json<{ data: { id: string }[] }>().data.map((doc) => doc.id)).toEqual([id]);
  });
});
