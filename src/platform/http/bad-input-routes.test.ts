import { randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { encodeCursor, type CursorPart } from './pagination.js';
import { validateValue } from './validate.js';

/**
 * Bad input on every route, walked from the API document (so a new route is walked too): text
 * PostgreSQL cannot hold (NUL, a lone surrogate) in every string of a valid body, in every query and
 * path parameter, and crafted cursors on every paginated list. Each is a 400 naming the field by its
 * JSON pointer, and changes nothing (DESIGN.md §7; issue 20, finding 8).
 */

const PREFIX = '/api/v1';
const NUL = 'a\u0000b';
const LONE_SURROGATE = 'a\ud800b';

interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  minimum?: number;
}

interface Operation {
  method: string;
  /** As registered: `/library/documents/:id`. */
  route: string;
  path: (Schema & { name: string })[];
  query: Record<string, Schema>;
  json?: Schema;
}

interface Problem {
  status: number;
  errors?: { pointer: string; detail: string; in?: string }[];
}

let t: TestContext;
let user: TestSession;
let operations: Operation[];

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('AAA');
  await t.makeMember('BBB');
  user = await t.sessionFor(await t.makeUser('AAA', ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat']));
  operations = operationsOf(t.app.swagger() as OpenApi);
});
afterAll(() => t.close());

interface OpenApi {
  paths: Record<string, Record<string, {
    parameters?: { name: string; in: string; schema: Schema }[];
    requestBody?: { content: Record<string, { schema: Schema }> };
  }>>;
}

function operationsOf(document: OpenApi): Operation[] {
  return Object.entries(document.paths)
    .filter(([path]) => path.startsWith(`${PREFIX}/`))
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        route: path.slice(PREFIX.length).replace(/\{(\w+)\}/g, ':$1'),
        path: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => ({ ...p.schema, name: p.name })),
        query: Object.fromEntries((operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => [p.name, p.schema])),
        ...(operation.requestBody?.content['application/json'] ? { json: operation.requestBody.content['application/json'].schema } : {}),
      })),
    );
}

const label = (operation: Pick<Operation, 'method' | 'route'>) => `${operation.method} ${operation.route}`;

// Values that meet the patterns and formats of the API's schemas; a new pattern needs one here.
const CANDIDATES = ['ABC', 'abc', 'en', 'ABC>DEF', 'A', 'ab'.repeat(32)];

/** A value the schema takes, with every optional property too, so every string field is in it. */
function example(schema: Schema): unknown {
  if (schema.anyOf) return example(schema.anyOf[0]!);
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, property]) => [key, example(property)]));
    case 'array':
      return Array.from({ length: Math.max(1, schema.minItems ?? 1) }, () => example(schema.items ?? {}));
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return false;
    case 'null':
      return null;
    case 'string':
    case undefined:
    default:
      break;
  }
  if (schema.format === 'uuid') return randomUUID();
  if (schema.format === 'date') return '2024-01-01';
  if (schema.format === 'date-time') return '2030-01-01T00:00:00Z';
  if (schema.format === 'email') return 'someone@example.org';
  if (schema.pattern) {
    const fits = (candidate: string) => new RegExp(schema.pattern!).test(candidate) && candidate.length >= (schema.minLength ?? 0) && candidate.length <= (schema.maxLength ?? Infinity);
    return CANDIDATES.find(fits) ?? `no example for ${schema.pattern}`;
  }
  return 'x'.repeat(Math.max(4, schema.minLength ?? 0));
}

/** JSON pointers of every string in a value. */
function stringPointers(value: unknown, pointer = ''): string[] {
  if (typeof value === 'string') return [pointer];
  if (Array.isArray(value)) return value.flatMap((item, index) => stringPointers(item, `${pointer}/${index}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => stringPointers(item, `${pointer}/${key}`));
  return [];
}

/** A copy of `value` with the string at `pointer` replaced. */
function replaced(value: unknown, pointer: string, by: string): unknown {
  const copy = structuredClone(value) as Record<string, unknown>;
  const keys = pointer.split('/').slice(1);
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]!] = by;
  return copy;
}

/** The concrete path of an operation: each parameter filled with a value its schema takes (or `value`, for `name`). */
function pathOf(operation: Operation, name?: string, value?: string): string {
  let path = operation.route;
  for (const parameter of operation.path) {
    const filled = parameter.name === name ? value! : String(example(parameter));
    path = path.replace(`:${parameter.name}`, encodeURIComponent(filled));
  }
  return PREFIX + path;
}

function send(operation: Operation, options: Omit<InjectOptions, 'method'> & { url: string }): Promise<LightMyRequestResponse> {
  return t.as(user, { method: operation.method as InjectOptions['method'], ...options });
}

/** A 400 problem+json naming `pointer` (in `where`), or a pointer under it (a query parameter taken as a list is named at `/name/0`). */
function expectNamed(response: LightMyRequestResponse, pointer: string, where: string, what: string): void {
  expect(response.statusCode, `${what}: ${response.body}`).toBe(400);
  expect(response.headers['content-type'], what).toMatch(/^application\/problem\+json/);
  const named = (response.json<Problem>().errors ?? []).filter((error) => (error.in ?? where) === where && (error.pointer === pointer || error.pointer.startsWith(`${pointer}/`)));
  expect(named, `${what}: ${response.body}`).not.toEqual([]);
}

describe('text PostgreSQL cannot hold, on every route', () => {
  test('the walk reaches every route of the API document', () => {
    expect(operations.length).toBeGreaterThan(70);
    expect(operations.filter((operation) => operation.json).length).toBeGreaterThan(25);
  });

  test('in every string of a valid JSON body: 400 at its pointer, nothing changed', async () => {
    const before = await fingerprint(t.db);
    for (const operation of operations.filter((one) => one.json)) {
      const body = example(operation.json!);
      // The example is valid, so the refusals below are the text's, found after the schema passed.
      expect(() => validateValue(operation.json as TSchema, body), `${label(operation)} example`).not.toThrow();
      const pointers = stringPointers(body);
      expect(pointers.length, label(operation)).toBeGreaterThan(0);
      for (const pointer of pointers) {
        for (const bad of [NUL, LONE_SURROGATE]) {
          const what = `${label(operation)} ${pointer} = ${JSON.stringify(bad)}`;
          expectNamed(await send(operation, { url: pathOf(operation), payload: replaced(body, pointer, bad) as Record<string, unknown> }), pointer, 'body', what);
        }
      }
      const key = await send(operation, { url: pathOf(operation), payload: { ...(body as Record<string, unknown>), [NUL]: 'x' } });
      expectNamed(key, '/a\ufffdb', 'body', `${label(operation)} a field named with NUL`);
      expect(await fingerprint(t.db), `${label(operation)} changed the database`).toEqual(before);
    }
  });

  test('in every query parameter, and in one no route takes: 400 at its pointer, nothing changed', async () => {
    const before = await fingerprint(t.db);
    for (const operation of operations) {
      for (const name of [...Object.keys(operation.query), 'extra']) {
        const what = `${label(operation)} ?${name}=a%00b`;
        expectNamed(await send(operation, { url: `${pathOf(operation)}?${name}=a%00b` }), `/${name}`, 'query', what);
      }
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('in every path parameter: 400 at its pointer, nothing changed', async () => {
    const before = await fingerprint(t.db);
    for (const operation of operations) {
      for (const parameter of operation.path) {
        expectNamed(await send(operation, { url: pathOf(operation, parameter.name, NUL) }), `/${parameter.name}`, 'path', `${label(operation)} :${parameter.name}`);
      }
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('library search and count with ?q=a%00b', async () => {
    for (const url of [`${PREFIX}/library/documents?q=a%00b`, `${PREFIX}/library/count?q=a%00b`]) {
      const response = await t.as(user, { method: 'GET', url });
      expectNamed(response, '/q', 'query', url);
      expect(response.json<Problem>().errors).toEqual([{ pointer: '/q', detail: 'must not contain the NUL character (U+0000)', in: 'query' }]);
    }
  });
});

describe('crafted cursors on every paginated list', () => {
  /** A bulletin of the user's, whose comment thread is a list. */
  let bulletin = '';
  beforeAll(async () => {
    const created = await t.as(user, { method: 'POST', url: `${PREFIX}/bulletins`, payload: { type: 'alert', title: 'Cursors', body: 'x', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    bulletin = created.json<{ data: { id: string } }>().data.id;
  });

  /**
   * What each list's cursor holds, in order; the library list holds a rank instead of a date when it
   * searches. `url` gives the path of a list whose route has a parameter.
   */
  const LISTS: { route: string; url?: () => string; query?: string; parts: CursorPart[]; good?: (string | number)[] }[] = [
    { route: '/bulletins', parts: ['uuid'] },
    { route: '/bulletins/export.stix', parts: ['uuid'] },
    { route: '/bulletins/:id/comments', url: () => `/bulletins/${bulletin}/comments`, parts: ['uuid'] },
    { route: '/library/documents', parts: ['date', 'uuid'] },
    { route: '/library/documents', query: 'q=smuggling', parts: ['real', 'uuid'] },
    { route: '/reports', parts: ['date', 'uuid'] },
    // The time and hash (hex) of the member's last row.
    { route: '/audit/reads', parts: ['timestamp', 'text'], good: ['2024-01-01T10:00:00.123456Z', 'ab'.repeat(32)] },
    { route: '/inbox', parts: ['timestamp', 'uuid'] },
    { route: '/documents', parts: ['text', 'uuid'] },
    { route: '/documents/reports', parts: ['timestamp', 'uuid'] },
    { route: '/documents/hits', parts: ['timestamp', 'uuid'] },
    { route: '/linkage/leads', parts: ['uuid'] },
    { route: '/linkage/notices', parts: ['uuid'] },
    { route: '/linkage/requests', parts: ['integer', 'timestamp', 'uuid'] },
    { route: '/biometrics/subjects', parts: ['uuid'] },
    { route: '/biometrics/searches', parts: ['uuid'] },
    { route: '/biometrics/step-two', parts: ['uuid'] },
  ];

  const GOOD: Record<CursorPart, string | number> = { uuid: randomUUID(), date: '2024-01-01', timestamp: '2024-01-01T10:00:00.123456Z', text: 'AB123', integer: 1000, real: 0.5 };
  const BAD: Record<CursorPart, unknown[]> = {
    uuid: ['not-a-uuid', '00000000-0000-0000-0000-00000000000g', NUL, 42, null, {}],
    date: ['2024-13-45', '2024-02-30', '0000-01-01', '24-01-01', NUL, 20240101, null],
    timestamp: ['2024-01-01', '2024-01-01T24:00:00Z', '2024-02-30T00:00:00Z', 'yesterday', NUL, 0, null],
    text: [NUL, '\ud800', 5, null, ['AB123']],
    integer: ['12', 1.5, 1e300, NUL, null],
    real: [1e300, 1e-300, '0.5', NUL, null],
  };
  const raw = (text: string) => Buffer.from(text).toString('base64url');

  /** Cursors no list issued: the wrong shape for any list, then each part of this list's key wrong in turn. */
  function crafted(parts: CursorPart[]): string[] {
    const good = parts.map((part) => GOOD[part]);
    const shapes = ['not a cursor!', raw('{"not":"a cursor"}'), raw('[1, 2'), raw(''), raw('null'), encodeCursor([]), encodeCursor([...good, 1]), raw(`["${NUL}"]`), encodeCursor(good.slice(1))];
    const parts_ = parts.flatMap((part, index) => BAD[part].map((bad) => raw(JSON.stringify(good.map((value, i) => (i === index ? bad : value))))));
    return [...shapes, ...parts_];
  }

  test('the table names every list that takes a cursor', () => {
    const lists = operations.filter((operation) => 'cursor' in operation.query).map(label).sort();
    expect([...new Set(LISTS.map((list) => `GET ${list.route}`))].sort()).toEqual(lists);
  });

  test('a cursor of the right shape is taken by its list', async () => {
    for (const list of LISTS) {
      const cursor = encodeCursor(list.good ?? list.parts.map((part) => GOOD[part]));
      const response = await t.as(user, { method: 'GET', url: `${PREFIX}${list.url?.() ?? list.route}?${list.query ? `${list.query}&` : ''}cursor=${cursor}` });
      expect(response.statusCode, `${list.route} ${list.query ?? ''}: ${response.body}`).toBe(200);
    }
  });

  test('every crafted cursor is 400 at /cursor, in the query, and changes nothing', async () => {
    const before = await fingerprint(t.db);
    let cases = 0;
    for (const list of LISTS) {
      for (const cursor of [...crafted(list.parts), 'a%00b']) {
        const what = `${list.route} ${list.query ?? ''} cursor ${Buffer.from(cursor, 'base64url').toString()}`;
        const response = await t.as(user, { method: 'GET', url: `${PREFIX}${list.url?.() ?? list.route}?${list.query ? `${list.query}&` : ''}cursor=${cursor}` });
        expectNamed(response, '/cursor', 'query', what);
        expect(response.json<Problem>().errors, what).toHaveLength(1);
        cases += 1;
      }
    }
    expect(cases).toBeGreaterThan(41);
    expect(await fingerprint(t.db)).toEqual(before);
  });
});

describe('text PostgreSQL cannot hold, in uploads and CSV files', () => {
  function multipart(parts: { name: string; value: string | Buffer; disposition?: string }[]): Pick<InjectOptions, 'payload' | 'headers'> {
    const boundary = 'bad-text-boundary-7c21';
    const chunks: Buffer[] = [];
    for (const part of parts) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${part.disposition ?? ''}\r\n\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
  }
  const sharing = { audience: { kind: 'owner' }, tlp: 'AMBER' };
  const metadata = (title: string) => JSON.stringify({ title, category: 'other', sharing });
  const options = (sharingOverride: unknown = sharing) => JSON.stringify({ format: 'lintas', sharing: sharingOverride });
  const textFile = (name = 'note.txt') => ({ name: 'file', value: 'plain words', disposition: `; filename="${name}"` });
  const csvFile = (csv: string) => ({ name: 'file', value: csv, disposition: '; filename="reports.csv"' });

  async function expectRefused(options_: InjectOptions & { url: string }, pointer: string, what: string): Promise<void> {
    const before = await fingerprint(t.db);
    expectNamed(await t.as(user, options_), pointer, 'body', what);
    expect(await fingerprint(t.db), `${what} changed the database`).toEqual(before);
  }

  test('a library upload: in the metadata, and in the file name', async () => {
    const url = `${PREFIX}/library/documents/upload`;
    await expectRefused({ method: 'POST', url, ...multipart([{ name: 'metadata', value: metadata(NUL) }, textFile()]) }, '/metadata/title', 'NUL in the title');
    await expectRefused({ method: 'POST', url, ...multipart([{ name: 'metadata', value: metadata(LONE_SURROGATE) }, textFile()]) }, '/metadata/title', 'a lone surrogate in the title');
    await expectRefused({ method: 'POST', url, ...multipart([{ name: 'metadata', value: metadata('Fine') }, { ...textFile(), disposition: "; filename*=UTF-8''a%00b.txt" }]) }, '/file', 'NUL in the file name');
  });

  test('a reports import: in the options, and in a cell of the file', async () => {
    const url = `${PREFIX}/reports/import`;
    const csv = (cell: string) => `external_id,incident_type,country,place\nT-1,smuggling-sea,IDN,${cell}\n`;
    await expectRefused({ method: 'POST', url, ...multipart([{ name: 'options', value: options({ ...sharing, handlingNote: NUL }) }, csvFile(csv('Fine'))]) }, '/options/sharing/handlingNote', 'NUL in the options');
    // A file holding NUL is not CSV text.
    await expectRefused({ method: 'POST', url, ...multipart([{ name: 'options', value: options() }, csvFile(csv(NUL))]) }, '/file', 'NUL in a cell');
  });

  test('a register import and a bulk cancellation: a file holding NUL is not CSV text', async () => {
    const member = await t.makeMember('UTO');
    const issuer = await t.sessionFor(await t.makeUser(member, ['officer']));
    for (const [url, csv, pointer] of [
      [`${PREFIX}/documents/import`, `type,number,status,place\npassport,AB123,lost,${NUL}\n`, '/file'],
      [`${PREFIX}/documents/cancel.csv`, `type,number\npassport,AB${NUL}\n`, '/file'],
    ] as const) {
      const before = await fingerprint(t.db);
      const response = await t.as(issuer, { method: 'POST', url, payload: csv, headers: { 'content-type': 'text/csv' } });
      expectNamed(response, pointer, 'body', `${url} NUL in a cell`);
      expect(await fingerprint(t.db), `${url} changed the database`).toEqual(before);
    }
  });
});
