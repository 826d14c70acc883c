import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { sql } from '../../platform/db/sql.js';
import { matchAll } from './matcher.js';

const LEADS = '/api/v1/linkage/leads';

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] };
interface Link {
  kind: string;
  key: string;
  score: number;
  record: { module: string; recordType: string; id: string; owner: string; label: string };
}
interface Lead {
  id: string;
  title: string;
  owner: string;
  entities: { entity: Record<string, unknown>; keys: { kind: string; key: string }[] }[];
  links: Link[];
  abilities: { update: boolean; delete: boolean; passOn: boolean };
}

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let ccc: TestSession;

async function write(session: TestSession, title: string, entities: unknown[], audience: Audience = { kind: 'owner' }, more: Record<string, unknown> = {}): Promise<Lead> {
  const response = await t.as(session, { method: 'POST', url: LEADS, payload: { title, subject: 'person', entities, sharing: { audience, tlp: 'AMBER' }, ...more } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Lead }>().data;
}
async function read(session: TestSession, id: string): Promise<Lead> {
  const response = await t.as(session, { method: 'GET', url: `${LEADS}/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Lead }>().data;
}
const linked = (lead: Lead): string[] => lead.links.map((link) => link.record.id).sort();
function auditOf(response: LightMyRequestResponse) {
  return t.db.ownerTransaction((tx) =>
    tx.query<{ action: string; object_owners: string[]; details: { records?: Record<string, string[]> } }>(sql`SELECT action, object_owners, details FROM audit_log
      WHERE request_id = ${String(response.headers['x-request-id'])} ORDER BY seq`),
  );
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['analyst']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['analyst']));
  ccc = await t.sessionFor(await t.makeUser('CCC', ['analyst']));
});
afterAll(() => t.close());

describe('writing leads', () => {
  test('a lead and the list show its sharing: the owner its whole audience, a member in it the TLP and handling but not who else', async () => {
    const lead = await write(aaa, 'Shared with BBB', [{ type: 'email', value: 'shared.sharing@example.org' }], { kind: 'members', members: ['BBB'] }, { sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER', handling: ['H2'] } });
    const own = (await t.as(aaa, { method: 'GET', url: `${LEADS}/${lead.id}` })).json<{ data: { sharing: unknown } }>().data.sharing;
    expect(own).toMatchObject({ audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER', handling: ['H2'] });
    const theirs = (await t.as(bbb, { method: 'GET', url: `${LEADS}/${lead.id}` })).json<{ data: { sharing: { audience: Record<string, unknown> } } }>().data.sharing;
    expect(theirs).toMatchObject({ audience: { kind: 'members' }, tlp: 'AMBER', handling: ['H2'] });
    expect(theirs.audience.members).toBeUndefined();
    const listed = (await t.as(bbb, { method: 'GET', url: LEADS })).json<{ data: { id: string; sharing: unknown }[] }>().data.find((item) => item.id === lead.id);
    expect(listed?.sharing).toMatchObject({ tlp: 'AMBER', handling: ['H2'] });
  });

  test('entities are stored as written and shown with their keys', async () => {
    const lead = await write(aaa, 'Boat agent in Kupang', [
      { type: 'phone', value: '0812-3456-7890' },
      { type: 'vessel', imo: 'IMO 9074729', name: 'KM Sinar Bahari', flag: 'IDN' },
      { type: 'person', name: 'Muhammad Abdullah', birthYear: 1984 },
    ], { kind: 'owner' }, { country: 'IDN' });
    expect(lead.entities.map((entity) => entity.keys.map((key) => `${key.kind} ${key.key}`))).toEqual([
      ['phone +6281234567890'],
      ['imo 9074729', 'vessel-name IDN:SINAR BAHARI'],
      ['person abdullah muhammad'],
    ]);
    expect(lead.entities[0]?.entity).toEqual({ type: 'phone', value: '0812-3456-7890' });
    expect(lead.abilities).toEqual({ update: true, delete: true, passOn: true });
  });

  test('a bad entity is a 400 naming its field, and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const response = await t.as(aaa, {
      method: 'POST',
      url: LEADS,
      payload: { title: 'Bad', subject: 'vessel', entities: [{ type: 'vessel', imo: '9074728' }, { type: 'phone', value: '0812 3456 7890' }, { type: 'iban', number: '1' }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    const errors = response.json<{ errors: { pointer: string; detail: string }[] }>().errors;
    expect(errors.map((error) => error.pointer)).toEqual(['/entities/0/imo', '/entities/1/value', '/entities/2/value', '/entities/2/number']);
    expect(errors[0]?.detail).toMatch(/check digit/);
    expect(errors[1]?.detail).toMatch(/give the record's country/);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('the normalise endpoint shows the keys as they are typed, and errors with their pointers', async () => {
    const ok = await t.as(aaa, { method: 'POST', url: '/api/v1/linkage/normalise', payload: { entity: { type: 'handle', platform: 'telegram', value: 'https://t.me/Boat_Agent' } } });
    expect(ok.json()).toEqual({ data: { keys: [{ kind: 'handle', key: 'telegram:boat_agent' }] } });
    const bad = await t.as(aaa, { method: 'POST', url: '/api/v1/linkage/normalise', payload: { entity: { type: 'crypto', value: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/entity/value');
  });
});

describe('links follow the sharing rule', () => {
  test('a lead links to the records the viewer may see that hold the same entity, written in another country’s way', async () => {
    const shared = await write(aaa, 'AAA’s agent, shared with BBB', [{ type: 'phone', value: '+62 812 1111 2222' }], { kind: 'members', members: ['BBB'] });
    const hidden = await write(ccc, 'CCC’s agent, its own', [{ type: 'phone', value: '0062 812 1111 2222' }]);
    const mine = await write(bbb, 'BBB’s lead', [{ type: 'phone', value: '0812-1111-2222' }], { kind: 'owner' }, { country: 'IDN' });

    const seen = await read(bbb, mine.id);
    expect(linked(seen)).toEqual([shared.id]);
    expect(seen.links[0]).toEqual({ kind: 'phone', key: '+6281211112222', score: 1, record: { module: 'linkage', recordType: 'lead', id: shared.id, owner: 'AAA', label: 'AAA’s agent, shared with BBB' } });
    // Nothing of CCC's lead reaches BBB: not its id, owner, or that a third record holds the number.
    const response = await t.as(bbb, { method: 'GET', url: `${LEADS}/${mine.id}` });
    expect(response.body).not.toContain(hidden.id);
    expect(response.body).not.toContain('CCC');
    // AAA does not see BBB's own lead (owner only), nor CCC's: no links.
    expect(linked(await read(aaa, shared.id))).toEqual([]);
    // CCC sees neither AAA's nor BBB's lead.
    expect(linked(await read(ccc, hidden.id))).toEqual([]);
  });

  test('reading links to others’ records is on the record, naming them by owner', async () => {
    const theirs = await write(aaa, 'Shared account', [{ type: 'iban', value: 'GB82 WEST 1234 5698 7654 32' }], { kind: 'all' });
    const mine = await write(bbb, 'Same account', [{ type: 'iban', value: 'gb82west12345698765432' }]);
    const response = await t.as(bbb, { method: 'GET', url: `${LEADS}/${mine.id}` });
    const rows = await auditOf(response);
    expect(rows.map((row) => row.action)).toEqual(['linkage.links-read']);
    expect(rows[0]?.details.records).toEqual({ AAA: [theirs.id] });
    // Reading the other member's lead itself is a read of shared data too; its link to BBB's own lead is not.
    expect((await auditOf(await t.as(bbb, { method: 'GET', url: `${LEADS}/${theirs.id}` }))).map((row) => row.action)).toEqual(['linkage.lead-read']);
    // A list naming others' leads is one row naming them.
    const list = await t.as(bbb, { method: 'GET', url: `${LEADS}?owner=AAA` });
    const listed = await auditOf(list);
    expect(listed.map((row) => row.action)).toEqual(['linkage.lead-list']);
    expect(listed[0]?.details.records?.AAA).toContain(theirs.id);
  });

  test('narrowing a lead’s sharing takes its links away from those no longer in its audience', async () => {
    const theirs = await write(aaa, 'A vessel shared, then not', [{ type: 'vessel', mmsi: '525 000 111' }], { kind: 'all' });
    const mine = await write(bbb, 'The same vessel', [{ type: 'vessel', mmsi: '525000111' }]);
    expect(linked(await read(bbb, mine.id))).toEqual([theirs.id]);
    const narrowed = await t.as(aaa, { method: 'PATCH', url: `${LEADS}/${theirs.id}`, payload: { sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    expect(narrowed.statusCode, narrowed.body).toBe(200);
    expect(linked(await read(bbb, mine.id))).toEqual([]);
    const rows = await t.db.ownerTransaction((tx) => tx.query<{ audience_kind: string }>(sql`SELECT audience_kind FROM linkage_entities WHERE record_id = ${theirs.id}`));
    expect(rows.map((row) => row.audience_kind)).toEqual(['owner']);
  });

  test('an entity taken out of a lead no longer links; a lead removed takes its entity rows', async () => {
    const theirs = await write(aaa, 'Crypto wallet', [{ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }, { type: 'email', value: 'agent@example.org' }], { kind: 'all' });
    const mine = await write(bbb, 'Same wallet', [{ type: 'crypto', value: 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t' }]);
    expect(linked(await read(bbb, mine.id))).toEqual([theirs.id]);
    await t.as(aaa, { method: 'PATCH', url: `${LEADS}/${theirs.id}`, payload: { entities: [{ type: 'email', value: 'agent@example.org' }] } });
    expect(linked(await read(bbb, mine.id))).toEqual([]);
    expect((await t.as(aaa, { method: 'DELETE', url: `${LEADS}/${theirs.id}` })).statusCode).toBe(204);
    const left = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM linkage_entities WHERE record_id = ${theirs.id}`));
    expect(left).toHaveLength(0);
  });

  test('names link across scripts and word orders, with a score, when the years of birth agree', async () => {
    const latin = await write(aaa, 'Latin spelling', [{ type: 'person', name: 'Mohammed Abdullah', birthYear: 1984 }], { kind: 'all' });
    const otherYear = await write(aaa, 'Another man of that name', [{ type: 'person', name: 'Mohammed Abdullah', birthYear: 1960 }], { kind: 'all' });
    const unrelated = await write(aaa, 'Another name', [{ type: 'person', name: 'Somchai Jaidee', birthYear: 1984 }], { kind: 'all' });
    const arabic = await write(bbb, 'Arabic spelling', [{ type: 'person', name: 'محمد عبد الله', birthYear: 1985 }]);
    const cyrillic = await write(bbb, 'Cyrillic spelling', [{ type: 'person', name: 'Абдулла Мухаммад' }]);
    // Similar names link once the matcher has stored their pairs (seconds after the writes, in the server).
    await matchAll(t.platform);
    for (const lead of [arabic, cyrillic]) {
      const links = (await read(bbb, lead.id)).links;
      const ids = links.map((link) => link.record.id);
      expect(ids, lead.title).toContain(latin.id);
      expect(ids).not.toContain(unrelated.id);
      for (const link of links) expect(link.score).toBeGreaterThanOrEqual(0.6);
    }
    // The year of birth is known on both sides and 24 years apart: no link.
    expect((await read(bbb, arabic.id)).links.map((link) => link.record.id)).not.toContain(otherYear.id);
  });
});

describe('the second wall alone', () => {
  test('row-level security keeps hidden records out of links without the query layer’s condition', async () => {
    const raw = await makeTestApp({ unsafeWithoutSharingCondition: true });
    try {
      for (const code of ['AAA', 'BBB']) await raw.makeMember(code);
      const owner = await raw.sessionFor(await raw.makeUser('AAA', ['analyst']));
      const other = await raw.sessionFor(await raw.makeUser('BBB', ['analyst']));
      const hidden = await raw.as(owner, { method: 'POST', url: LEADS, payload: { title: 'Hidden', subject: 'person', entities: [{ type: 'email', value: 'x@example.org' }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
      const mine = await raw.as(other, { method: 'POST', url: LEADS, payload: { title: 'Mine', subject: 'person', entities: [{ type: 'email', value: 'X@Example.org' }], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
      expect(mine.json<{ data: Lead }>().data.links).toEqual([]);
      expect((await raw.as(other, { method: 'GET', url: `${LEADS}/${hidden.json<{ data: Lead }>().data.id}` })).statusCode).toBe(404);
    } finally {
      await raw.close();
    }
  });
});
