import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { rowsVisited } from '../../../test/support/plan.js';
import { loadSession } from '../../platform/auth/sessions.js';
import { runAs } from '../../platform/context.js';
import { sql } from '../../platform/db/sql.js';
import { entityKeys } from './entities/index.js';
import { valuesOf, visibleRecords, type RecordInfo } from './graph.js';
import { matchAll } from './matcher.js';
import { setRecordEntities, type RecordEntities } from './store.js';

const LEADS = '/api/v1/linkage/leads';
const GRAPH = '/api/v1/linkage/graph';
const PHONE = '+6281234567890';

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] };
interface Node {
  id: string;
  type: 'record' | 'value';
  recordId?: string;
  owner?: string;
  kind?: string;
  key?: string;
  passOn?: boolean;
}
interface Edge {
  source: string;
  target: string;
  relation: 'holds' | 'similar';
  score: number;
}
interface Graph {
  start: string[];
  nodes: Node[];
  edges: Edge[];
  truncated: boolean;
}

let t: TestContext;
const s: Record<string, TestSession> = {};
const leads: Record<string, string> = {};

async function lead(member: string, title: string, entities: unknown[], audience: Audience, tlp = 'AMBER', handling: string[] = []): Promise<string> {
  const response = await t.as(s[member] as TestSession, {
    method: 'POST', url: LEADS, payload: { title, subject: 'person', country: 'IDN', entities, sharing: { audience, tlp, handling } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
async function graphAs(member: string, payload: unknown): Promise<LightMyRequestResponse> {
  return t.as(s[member] as TestSession, { method: 'POST', url: GRAPH, payload: payload as Record<string, unknown> });
}
async function expand(member: string, payload: unknown): Promise<Graph> {
  const response = await graphAs(member, payload);
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Graph }>().data;
}
const records = (graph: Graph): string[] => graph.nodes.filter((n) => n.type === 'record').map((n) => n.recordId ?? '').sort();
const ids = (...names: string[]): string[] => names.map((name) => leads[name] ?? '').sort();
const phone = { value: { kind: 'phone', key: PHONE } };
function auditOf(response: LightMyRequestResponse) {
  return t.db.ownerTransaction((tx) =>
    tx.query<{ action: string; member: string; object_owners: string[] | null; details: { records?: Record<string, string[]>; start?: unknown } }>(sql`
      SELECT action, member, object_owners, details FROM audit_log WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`),
  );
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) {
    await t.makeMember(code);
    s[code] = await t.sessionFor(await t.makeUser(code, ['analyst']));
  }
  leads.a1 = await lead('AAA', 'Agent in Kupang', [{ type: 'phone', value: '0812-3456-7890' }, { type: 'person', name: 'Muhammad Abdullah', birthYear: 1984 }, { type: 'email', value: 'agent@example.org' }], { kind: 'owner' });
  leads.b1 = await lead('BBB', 'Boat owner', [{ type: 'phone', value: '+62 812 3456 7890' }, { type: 'vessel', imo: 'IMO 9074729' }], { kind: 'all' }, 'GREEN');
  leads.b2 = await lead('BBB', 'Hidden broker', [{ type: 'phone', value: '+62 812 3456 7890' }, { type: 'person', name: 'Muhammad Abdullah', birthYear: 1984 }], { kind: 'owner' });
  leads.c1 = await lead('CCC', 'Red source', [{ type: 'phone', value: '+62 812 3456 7890' }], { kind: 'members', members: ['AAA'] }, 'RED');
  leads.c2 = await lead('CCC', 'Recruiter', [{ type: 'person', name: 'Mohammed Abdulla', birthYear: 1985 }], { kind: 'all' }, 'AMBER', ['H2']);
  // Similar names link once the matcher has stored their pairs (seconds after the writes, in the server).
  await matchAll(t.platform);
});
afterAll(() => t.close());

describe('expanding the graph', () => {
  test('from a record: the record and the values it holds, and the read is on the record', async () => {
    const response = await graphAs('AAA', { record: { module: 'linkage', recordType: 'lead', id: leads.a1 } });
    const graph = response.json<{ data: Graph }>().data;
    expect(graph.start).toEqual([`record:linkage:lead:${leads.a1}`]);
    expect(records(graph)).toEqual(ids('a1'));
    expect(graph.nodes.filter((n) => n.type === 'value').map((n) => `${n.kind} ${n.key}`).sort()).toEqual(['email agent@example.org', 'person abdullah muhammad', `phone ${PHONE}`]);
    expect(graph.edges.every((e) => e.source === graph.start[0] && e.relation === 'holds')).toBe(true);
    expect(await auditOf(response)).toMatchObject([{ action: 'linkage.graph-read', member: 'AAA', details: { start: { id: leads.a1 } } }]);
  });

  test('from a value: only the records the viewer may see, and the audit row names their owners', async () => {
    const response = await graphAs('AAA', phone);
    const graph = response.json<{ data: Graph }>().data;
    expect(records(graph)).toEqual(ids('a1', 'b1', 'c1'));
    expect(JSON.stringify(graph)).not.toContain(leads.b2);
    const audit = await auditOf(response);
    expect(audit).toHaveLength(1);
    expect(audit[0]?.object_owners).toEqual(['BBB', 'CCC']);
    expect(audit[0]?.details.records).toEqual({ BBB: [leads.b1], CCC: [leads.c1] });
    // BBB sees its own two and the record shared with all; not AAA's or the RED one shared with AAA alone.
    expect(records(await expand('BBB', phone))).toEqual(ids('b1', 'b2'));
  });

  test('an entity as typed is normalised as records’ entities are', async () => {
    const graph = await expand('AAA', { entity: { type: 'phone', value: '0812 3456 7890' }, country: 'IDN' });
    expect(graph.start).toEqual([`value:phone:${PHONE}`]);
    expect(records(graph)).toEqual(ids('a1', 'b1', 'c1'));
  });

  test('a value node says nothing of the records the viewer may not see: the answer is the same with more of them', async () => {
    const before = await expand('AAA', phone);
    const value = before.nodes.find((n) => n.id === `value:phone:${PHONE}`);
    expect(Object.keys(value ?? {}).sort()).toEqual(['id', 'key', 'kind', 'type']);
    await lead('BBB', 'Another hidden one', [{ type: 'phone', value: '+62 812 3456 7890' }], { kind: 'owner' });
    await lead('CCC', 'And another', [{ type: 'phone', value: '+62 812 3456 7890' }], { kind: 'members', members: ['BBB'] });
    expect(await expand('AAA', phone)).toEqual(before);
    // A value only hidden records hold is the same lone node as a value nobody holds. A typed name
    // is found through the visible records holding exactly it, then their stored similar names: CCC
    // holds none of this name, so its own similar name is not reached from it (nor are hidden ones).
    const hiddenOnly = await expand('CCC', { value: { kind: 'person', key: 'abdullah muhammad', birthYear: 1984 } });
    const nobody = await expand('CCC', { value: { kind: 'person', key: 'nobody at all', birthYear: 1984 } });
    expect(hiddenOnly.nodes).toHaveLength(1);
    expect(nobody.nodes).toHaveLength(1);
    // From its own name, CCC reaches its own record only: the similar names are AAA's and BBB's, which it may not see.
    const own = await expand('CCC', { value: { kind: 'person', key: 'abdulla mohammed', birthYear: 1985 } });
    expect(records(own)).toEqual(ids('c2'));
    expect((await expand('CCC', { value: { kind: 'email', key: 'agent@example.org' } })).nodes).toEqual([{ id: 'value:email:agent@example.org', type: 'value', kind: 'email', key: 'agent@example.org' }]);
  });

  test('a name expands to similar names the viewer may see, with their score, never to a hidden one', async () => {
    const graph = await expand('AAA', { value: { kind: 'person', key: 'abdullah muhammad', birthYear: 1984 } });
    expect(records(graph)).toEqual(ids('a1', 'c2'));
    const similar = graph.edges.filter((e) => e.relation === 'similar');
    expect(similar).toHaveLength(1);
    expect(similar[0]?.score).toBeGreaterThanOrEqual(0.6);
    expect(similar[0]).toMatchObject({ source: 'value:person:abdulla mohammed:1985', target: 'value:person:abdullah muhammad:1984' });
    expect(records(await expand('AAA', { value: { kind: 'person', key: 'abdullah muhammad', birthYear: 1990 } }))).toEqual([]);
  });

  test('filters: kinds of value, and the records’ dates', async () => {
    const kinds = await expand('AAA', { record: { module: 'linkage', recordType: 'lead', id: leads.a1 }, filter: { kinds: ['phone'] } });
    expect(kinds.nodes.filter((n) => n.type === 'value').map((n) => n.kind)).toEqual(['phone']);
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`UPDATE linkage_leads SET created_at = '2020-06-01T12:00:00Z' WHERE id = ${leads.b1}`);
      await tx.query(sql`UPDATE linkage_entities SET created_at = '2020-06-01T12:00:00Z' WHERE record_id = ${leads.b1}`);
    });
    expect(records(await expand('AAA', { ...phone, filter: { to: '2020-06-01' } }))).toEqual(ids('b1'));
    expect(records(await expand('AAA', { ...phone, filter: { from: '2020-06-02' } }))).toEqual(ids('a1', 'c1'));
  });

  test('a value on the warning list links nothing', async () => {
    await lead('BBB', 'Hotline', [{ type: 'phone', value: '+62 21 500 454' }], { kind: 'all' });
    await lead('CCC', 'Hotline too', [{ type: 'phone', value: '+62 21 500 454' }], { kind: 'all' });
    const key = '+6221500454';
    expect(records(await expand('AAA', { value: { kind: 'phone', key } }))).toHaveLength(2);
    await t.db.ownerTransaction((tx) => tx.query(sql`INSERT INTO linkage_values (kind, key, status) VALUES ('phone', ${key}, 'benign')`));
    expect((await expand('AAA', { value: { kind: 'phone', key } })).nodes).toHaveLength(1);
  });

  test('the limit cuts the records and says so', async () => {
    const graph = await expand('AAA', { ...phone, limit: 2 });
    expect(records(graph)).toHaveLength(2);
    expect(graph.truncated).toBe(true);
    expect((await expand('AAA', phone)).truncated).toBe(false);
  });

  test('a record the viewer may not see is the same 404 as one that does not exist, and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const hidden = await graphAs('AAA', { record: { module: 'linkage', recordType: 'lead', id: leads.b2 } });
    const missing = await graphAs('AAA', { record: { module: 'linkage', recordType: 'lead', id: '0190a000-0000-7000-8000-000000000000' } });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ title: string }>().title).toEqual(missing.json<{ title: string }>().title);
    expect(hidden.body).not.toContain('BBB');
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('bad input is a 400 naming the fields', async () => {
    const both = await graphAs('AAA', { ...phone, record: { module: 'linkage', recordType: 'lead', id: leads.a1 } });
    expect(both.statusCode).toBe(400);
    expect(both.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer).sort()).toEqual(['/record', '/value']);
    const none = await graphAs('AAA', {});
    expect(none.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/record']);
    const entity = await graphAs('AAA', { entity: { type: 'vessel', imo: '9074728' } });
    expect(entity.statusCode).toBe(400);
    expect(entity.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/entity/imo']);
    const kind = await graphAs('AAA', { value: { kind: 'shoe-size', key: '42' } });
    expect(kind.statusCode).toBe(400);
    const date = await graphAs('AAA', { ...phone, filter: { from: 'yesterday' } });
    expect(date.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/filter/from']);
  });
});

describe('the rows a graph read visits', () => {
  test('the values and records of twenty records: their own rows, not the table\'s (20,000 hidden rows, never analysed)', async () => {
    const phone = (n: number) => entityKeys({ type: 'phone', value: `+62 813 ${String(n).padStart(7, '0')}` })[0]!;
    const access = (owner: string): RecordEntities['access'] => ({ owner, audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [] });
    const refs = (count: number, start: number) => Array.from({ length: count }, (_, i) => ({ module: 'reports', recordType: 'report', id: crypto.randomUUID(), n: start + i }));
    const hidden = refs(20_000, 1_000_000);
    const own = refs(20, 2_000_000);
    await t.db.transaction({ member: 'BBB' }, (tx) => setRecordEntities(tx, hidden.map(({ n, ...record }) => ({ record, access: access('BBB'), namedInHits: true, keys: [phone(n)] }))));
    await t.db.transaction({ member: 'AAA' }, (tx) => setRecordEntities(tx, own.map(({ n, ...record }) => ({ record, access: access('AAA'), namedInHits: true, keys: [phone(n)] }))));
    const actor = (await loadSession(t.db, (s.AAA as TestSession).cookie.split('=')[1] ?? ''))!.actor;
    const records: RecordInfo[] = own.map(({ module, recordType, id }) => ({ module, record_type: recordType, record_id: id, owner: 'AAA', tlp: 'AMBER', handling: [], handling_note: null, title: null, date: new Date(), updated: new Date() }));
    const visited = await runAs(t.platform, actor, { requestId: 'graph-rows', address: '127.0.0.1' }, async (ctx) => {
      const count = () => rowsVisited(ctx.tx, ['linkage_entities']);
      const before = await count();
      const values = await valuesOf(ctx, records);
      await visibleRecords(ctx, own);
      return { rows: (await count()) - before, values: values.length };
    });
    expect(visited.values).toBe(20);
    // Each record's row found in the index and fetched, by each of the two reads: some 80, not 20,000.
    expect(visited.rows).toBeLessThanOrEqual(200);
  });
});
