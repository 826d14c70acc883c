import { DOMParser } from '@xmldom/xmldom';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { stixProblems, TLP_2_0 } from '../../../test/support/stix-check.js';
import { sql } from '../../platform/db/sql.js';

const LEADS = '/api/v1/linkage/leads';
const EXPORT = '/api/v1/linkage/graph/export';
const GRAPHML_NS = 'http://graphml.graphdrawing.org/xmlns';

type Audience = { kind: 'owner' } | { kind: 'all' } | { kind: 'members'; members: string[] };
type StixObject = Record<string, unknown> & { type: string; id: string };
/** The parts of the DOM the checks read (the server's TypeScript has no DOM types). */
interface XmlElement {
  localName: string;
  namespaceURI: string | null;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getElementsByTagNameNS(namespace: string, name: string): ArrayLike<XmlElement>;
}
interface XmlDocument extends Pick<XmlElement, 'getElementsByTagNameNS'> {
  documentElement: XmlElement | null;
}

let t: TestContext;
const s: Record<string, TestSession> = {};
const leads: Record<string, string> = {};

async function lead(member: string, title: string, entities: unknown[], audience: Audience, tlp: string, handling: string[] = []): Promise<string> {
  const response = await t.as(s[member] as TestSession, {
    method: 'POST', url: LEADS, payload: { title, subject: 'network', country: 'IDN', entities, sharing: { audience, tlp, handling } },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}
const refs = (...names: string[]) => names.map((name) => ({ module: 'linkage', recordType: 'lead', id: leads[name] ?? '' }));
async function exported(member: string, format: 'graphml' | 'stix', payload: unknown): Promise<LightMyRequestResponse> {
  const response = await t.as(s[member] as TestSession, { method: 'POST', url: `${EXPORT}.${format}`, payload: payload as Record<string, unknown> });
  expect(response.statusCode, response.body).toBe(200);
  return response;
}
function parseXml(text: string): XmlDocument {
  const errors: string[] = [];
  const parser = new DOMParser({ errorHandler: { warning: () => undefined, error: (m: string) => errors.push(m), fatalError: (m: string) => errors.push(m) } });
  const document = parser.parseFromString(text, 'application/xml') as unknown as XmlDocument;
  expect(errors).toEqual([]);
  return document;
}
const elements = (root: Pick<XmlElement, 'getElementsByTagNameNS'>, name: string): XmlElement[] => Array.from(root.getElementsByTagNameNS(GRAPHML_NS, name));
const dataOf = (element: XmlElement): Record<string, string> =>
  Object.fromEntries(elements(element, 'data').map((d) => [d.getAttribute('key') ?? '', d.textContent ?? '']));
const stixOf = (response: LightMyRequestResponse) => response.json<{ type: string; id: string; objects: StixObject[] }>();
const ofType = (bundle: { objects: StixObject[] }, type: string) => bundle.objects.filter((o) => o.type === type);

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) {
    await t.makeMember(code, { name: `Member ${code}` });
    s[code] = await t.sessionFor(await t.makeUser(code, ['analyst']));
  }
  leads.mine = await lead('AAA', 'Broker <"Pak"> & sons\u0001', [
    { type: 'phone', value: '0812-3456-7890' }, { type: 'person', name: 'Muhammad Abdullah', birthYear: 1984 }, { type: 'email', value: 'agent@example.org' },
    { type: 'handle', platform: 'telegram', value: '@boat_agent' }, { type: 'vessel', imo: 'IMO 9074729', name: 'KM Sinar Bahari', flag: 'IDN' },
  ], { kind: 'owner' }, 'AMBER', ['H1']);
  leads.green = await lead('BBB', 'Boat owner', [{ type: 'phone', value: '+62 812 3456 7890' }, { type: 'person', name: 'Mohammed Abdulla', birthYear: 1985 }], { kind: 'all' }, 'GREEN');
  leads.red = await lead('CCC', 'Red source', [{ type: 'phone', value: '+62 812 3456 7890' }, { type: 'iban', value: 'GB82 WEST 1234 5698 7654 32' }], { kind: 'members', members: ['AAA'] }, 'RED');
  leads.h2 = await lead('CCC', 'No passing on', [{ type: 'email', value: 'agent@example.org' }], { kind: 'all' }, 'AMBER', ['H2']);
  leads.hidden = await lead('BBB', 'Hidden', [{ type: 'phone', value: '+62 812 3456 7890' }], { kind: 'owner' }, 'AMBER');
});
afterAll(() => t.close());

describe('GraphML', () => {
  test('valid XML in the GraphML namespace, every attribute a declared key, records the viewer may pass on and the values they hold', async () => {
    const response = await exported('AAA', 'graphml', { records: refs('mine', 'green', 'red', 'h2', 'hidden') });
    expect(response.headers['content-type']).toMatch(/^application\/graphml\+xml/);
    // The RED and the H2 records are visible to AAA but not its to pass on; the hidden one is not counted.
    expect(response.headers['lintas-withheld-records']).toBe('2');
    const document = parseXml(response.body);
    const root = document.documentElement;
    expect(root?.namespaceURI).toBe(GRAPHML_NS);
    expect(root?.localName).toBe('graphml');
    const keys = new Map(elements(document, 'key').map((k) => [k.getAttribute('id'), k.getAttribute('for')]));
    const nodes = elements(document, 'node');
    const edges = elements(document, 'edge');
    for (const element of [...nodes, ...edges]) {
      for (const key of Object.keys(dataOf(element))) expect(keys.get(key), key).toBe(element.localName);
    }
    const records = nodes.map(dataOf).filter((d) => d.type === 'record');
    expect(records.map((d) => d.recordId).sort()).toEqual([leads.mine, leads.green].sort());
    expect(records.find((d) => d.recordId === leads.mine)?.label).toBe('Broker <"Pak"> & sons');
    expect(response.body).not.toContain(leads.red ?? 'x');
    expect(response.body).not.toContain(leads.hidden ?? 'x');
    expect(response.body).not.toContain('GB82WEST');
    const ids = new Set(nodes.map((n) => n.getAttribute('id')));
    for (const edge of edges) {
      expect(ids.has(edge.getAttribute('source'))).toBe(true);
      expect(ids.has(edge.getAttribute('target'))).toBe(true);
    }
    const relations = edges.map((e) => dataOf(e).relation);
    expect(relations.filter((r) => r === 'similar')).toHaveLength(1);
    // Both records hold the phone: one value node, two edges.
    const phone = nodes.filter((n) => dataOf(n).key === '+6281234567890');
    expect(phone).toHaveLength(1);
    expect(edges.filter((e) => e.getAttribute('target') === phone[0]?.getAttribute('id'))).toHaveLength(2);
  });

  test('only the values asked for, and the export is on the record', async () => {
    const response = await exported('AAA', 'graphml', { records: refs('mine', 'green'), values: [{ kind: 'phone', key: '+6281234567890' }] });
    const values = elements(parseXml(response.body), 'node').map(dataOf).filter((d) => d.type === 'value');
    expect(values.map((d) => d.key)).toEqual(['+6281234567890']);
    const audit = await t.db.ownerTransaction((tx) =>
      tx.query<{ action: string; object_owners: string[]; details: { records: Record<string, string[]>; format: string } }>(sql`
        SELECT action, object_owners, details FROM audit_log WHERE request_id = ${String(response.headers['x-request-id'])}`));
    expect(audit).toMatchObject([{ action: 'linkage.graph-export', object_owners: ['BBB'], details: { format: 'graphml', records: { BBB: [leads.green] } } }]);
  });
});

describe('STIX 2.1', () => {
  test('the bundle conforms to STIX 2.1, with an identity per owner and the TLP 2.0 markings of each record', async () => {
    const bundle = stixOf(await exported('AAA', 'stix', { records: refs('mine', 'green', 'red', 'h2') }));
    expect(stixProblems(bundle)).toEqual([]);
    const reports = ofType(bundle, 'report');
    expect(reports.map((r) => r.name).sort()).toEqual(['Boat owner', 'Broker <"Pak"> & sons\u0001']);
    const byName = (name: string) => reports.find((r) => r.name === name);
    const identities = ofType(bundle, 'identity');
    const owner = (code: string) => identities.find((i) => (i.external_references as { external_id: string }[] | undefined)?.[0]?.external_id === code);
    expect(owner('AAA')).toMatchObject({ name: 'Member AAA', identity_class: 'organization' });
    expect(byName('Boat owner')).toMatchObject({ created_by_ref: owner('BBB')?.id, object_marking_refs: [TLP_2_0['TLP:GREEN']] });
    const mine = byName('Broker <"Pak"> & sons\u0001');
    expect(mine?.created_by_ref).toBe(owner('AAA')?.id);
    expect((mine?.object_marking_refs as string[])[0]).toBe(TLP_2_0['TLP:AMBER']);
    // H1 travels as a statement marking.
    const statements = ofType(bundle, 'marking-definition').filter((m) => m.definition_type === 'statement');
    expect(statements.map((m) => (m.definition as { statement: string }).statement)).toEqual([expect.stringMatching(/^H1: /)]);
    expect(mine?.object_marking_refs).toContain(statements[0]?.id);
    expect(ofType(bundle, 'marking-definition').filter((m) => m.definition_type !== 'statement').map((m) => m.id).sort())
      .toEqual([TLP_2_0['TLP:CLEAR'], TLP_2_0['TLP:GREEN'], TLP_2_0['TLP:AMBER']].sort());
    // Neither the RED record (another's, shared with AAA alone) nor the H2 one leaves.
    expect(JSON.stringify(bundle)).not.toMatch(/Red source|No passing on|GB82WEST/);
  });

  test('each kind as the object that fits it, a value marked at the strictest TLP of its records, links as relationships', async () => {
    const bundle = stixOf(await exported('AAA', 'stix', { records: refs('mine', 'green') }));
    expect(ofType(bundle, 'email-addr')).toMatchObject([{ value: 'agent@example.org', object_marking_refs: [TLP_2_0['TLP:AMBER']] }]);
    expect(ofType(bundle, 'user-account')).toMatchObject([{ account_type: 'telegram', user_id: 'boat_agent' }]);
    expect(ofType(bundle, 'infrastructure').map((o) => o.name).sort()).toEqual(['IMO 9074729', 'SINAR BAHARI (IDN)']);
    const phone = ofType(bundle, 'lintas-entity').find((o) => o.kind === 'phone');
    // Held by AAA's AMBER record and BBB's GREEN one: marked AMBER.
    expect(phone).toMatchObject({ value: '+6281234567890', object_marking_refs: [TLP_2_0['TLP:AMBER']] });
    expect(ofType(bundle, 'extension-definition')).toHaveLength(1);
    const persons = ofType(bundle, 'identity').filter((i) => i.identity_class === 'individual');
    expect(persons).toHaveLength(2);
    const relationships = ofType(bundle, 'relationship');
    const holdsPhone = relationships.filter((r) => r.target_ref === phone?.id);
    expect(holdsPhone).toHaveLength(2);
    const similar = relationships.filter((r) => persons.some((p) => p.id === r.source_ref) && persons.some((p) => p.id === r.target_ref));
    expect(similar).toHaveLength(1);
    // The same records give the same objects (UUIDv5 ids), in a new bundle.
    const again = stixOf(await exported('AAA', 'stix', { records: refs('green', 'mine') }));
    expect(again.objects.map((o) => o.id).sort()).toEqual(bundle.objects.map((o) => o.id).sort());
    expect(again.id).not.toBe(bundle.id);
  });

  test('the owner exports its own RED record, marked TLP:RED', async () => {
    const response = await exported('CCC', 'stix', { records: refs('red') });
    expect(response.headers['lintas-withheld-records']).toBe('0');
    const bundle = stixOf(response);
    expect(stixProblems(bundle)).toEqual([]);
    expect(ofType(bundle, 'report')).toMatchObject([{ name: 'Red source', object_marking_refs: [TLP_2_0['TLP:RED']] }]);
    expect(ofType(bundle, 'lintas-entity').every((o) => (o.object_marking_refs as string[])[0] === TLP_2_0['TLP:RED'])).toBe(true);
    expect(ofType(bundle, 'marking-definition').map((m) => m.name)).toContain('TLP:RED');
  });

  test('the checker finds what breaks the specification', () => {
    const broken = {
      type: 'bundle', id: 'bundle--6f1c7f2e-3b1e-4f4a-9a57-1a2b0c8d4e5f',
      objects: [
        { type: 'report', spec_version: '2.0', id: 'report--not-a-uuid', created: '2024-01-01T00:00:00Z', modified: '2023-01-01T00:00:00.000Z', name: 'x', object_refs: [] },
        { type: 'made-up', spec_version: '2.1', id: 'made-up--6f1c7f2e-3b1e-4f4a-9a57-1a2b0c8d4e5f' },
      ],
    };
    const problems = stixProblems(broken).join('\n');
    for (const expected of ['spec_version', 'id', 'created', 'published', 'object_refs', 'made-up']) expect(problems).toContain(expected);
  });
});

describe('bad input', () => {
  test('no records, or a malformed one, is a 400 naming the field', async () => {
    for (const format of ['graphml', 'stix']) {
      const empty = await t.as(s.AAA as TestSession, { method: 'POST', url: `${EXPORT}.${format}`, payload: { records: [] } });
      expect(empty.statusCode).toBe(400);
      expect(empty.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/records');
      const bad = await t.as(s.AAA as TestSession, { method: 'POST', url: `${EXPORT}.${format}`, payload: { records: [{ module: 'linkage', recordType: 'lead', id: 'x' }] } });
      expect(bad.json<{ errors: { pointer: string }[] }>().errors[0]?.pointer).toBe('/records/0/id');
    }
  });
});
