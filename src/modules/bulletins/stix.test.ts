import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { stixProblems, TLP_2_0 } from '../../../test/support/stix-check.js';
import { sql } from '../../platform/db/sql.js';

/**
 * STIX 2.1 exchange: exported bundles checked against the specification's MUSTs, the round trip
 * into another member's draft, rule 5's refusals on export and import, and bundles as MISP and
 * OpenCTI publish them (test/fixtures/stix/, written by hand from their documentation's examples).
 */

const API = '/api/v1/bulletins';
let t: TestContext;
let owner: TestSession;
let recipient: TestSession;
let outsider: TestSession;

type Stix = Record<string, unknown> & { type: string; id: string };
interface Bundle {
  type: string;
  id: string;
  objects: Stix[];
}
interface Draft {
  id: string;
  owner: string;
  draft: boolean;
  type: string;
  title: string;
  body: string;
  countries: string[];
  places: string[];
  tags: string[];
  sharing: { audience: { kind: string }; tlp: string };
  intendedSharing: { audience: { kind: string }; tlp: string; handling?: string[]; evaluation?: unknown } | null;
}

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../../test/fixtures/stix/${name}`, import.meta.url), 'utf8'));
const reportsOf = (bundle: Bundle): Stix[] => bundle.objects.filter((object) => object.type === 'report');
const pointers = (response: LightMyRequestResponse): string[] => response.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer).sort();

async function issue(title: string, sharing: Record<string, unknown>, more: Record<string, unknown> = {}): Promise<string> {
  const response = await t.as(owner, {
    method: 'POST', url: API,
    payload: { type: 'route-trend-note', title, body: `## ${title}\n\nDepartures moved *earlier*.`, countries: ['IDN', 'AUS'], places: ['KOE'], tags: ['maritime', 'fees'], sharing, ...more },
  });
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: { id: string } }>().data.id;
}

async function exported(session: TestSession, id: string): Promise<Bundle> {
  const response = await t.as(session, { method: 'GET', url: `${API}/${id}/export.stix` });
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/stix\+json/);
  return response.json<Bundle>();
}

const importing = (session: TestSession, bundle: unknown, query = '') => t.as(session, { method: 'POST', url: `${API}/import.stix${query}`, payload: bundle as Record<string, unknown> });

async function draft(session: TestSession, id: string): Promise<Draft> {
  const response = await t.as(session, { method: 'GET', url: `${API}/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<{ data: Draft }>().data;
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  owner = await t.sessionFor(await t.makeUser('AAA', ['liaison']));
  recipient = await t.sessionFor(await t.makeUser('BBB', ['liaison']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['liaison']));
});
afterAll(async () => t.close());

describe('STIX 2.1 exchange', () => {
  test('the export is a valid STIX 2.1 bundle, stable when exported again, and an audited read', async () => {
    const id = await issue('Kupang departures', { audience: { kind: 'members', members: ['BBB'] }, tlp: 'GREEN', handling: ['H1'], evaluation: { source: 'B', information: '2' } });
    const bundle = await exported(recipient, id);
    expect(stixProblems(bundle)).toEqual([]);
    const [report] = reportsOf(bundle);
    expect(report).toMatchObject({
      name: 'Kupang departures', description: '## Kupang departures\n\nDepartures moved *earlier*.', labels: ['maritime', 'fees'],
      report_types: ['threat-report', 'route-trend-note'], object_marking_refs: expect.arrayContaining([TLP_2_0['TLP:GREEN']]) as unknown,
    });
    const byId = new Map(bundle.objects.map((object) => [object.id, object]));
    expect((report?.object_refs as string[]).map((ref) => byId.get(ref)?.country).sort()).toEqual(['AU', 'ID']);
    expect(byId.get(report?.created_by_ref as string)).toMatchObject({ type: 'identity', external_references: [{ source_name: 'lintas-member', external_id: 'AAA' }] });
    const extension = Object.values(report?.extensions as Record<string, Record<string, unknown>>)[0];
    expect(extension).toMatchObject({ extension_type: 'property-extension', handling: ['H1'], evaluation_source: 'B', evaluation_information: '2', places: ['KOE'] });
    // Deterministic ids: the same bulletin exports to the same bundle.
    expect(await exported(recipient, id)).toEqual(bundle);
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT member FROM audit_log WHERE action = 'bulletins.export' AND object_id = ${id}`));
    expect(audited.map((row) => row.member)).toEqual(['BBB', 'BBB']);
  });

  test('round trip: another member’s export imports as that member’s draft with the same content and sharing', async () => {
    const id = await issue('Visa foils from a print shop', { audience: { kind: 'all' }, tlp: 'AMBER', handling: ['H1', 'H3'], handlingNote: 'Not for the press', evaluation: { source: 'A', information: '3' } }, { type: 'document-fraud-alert' });
    const response = await importing(recipient, await exported(recipient, id));
    expect(response.statusCode, response.body).toBe(201);
    const { data, ignored } = response.json<{ data: { id: string; pointer: string }[]; ignored: Record<string, number> }>();
    expect(data).toHaveLength(1);
    expect(ignored).toEqual({});
    const copy = await draft(recipient, data[0]?.id ?? '');
    expect(copy).toMatchObject({
      owner: 'BBB', draft: true, type: 'document-fraud-alert', title: 'Visa foils from a print shop', body: '## Visa foils from a print shop\n\nDepartures moved *earlier*.',
      countries: ['IDN', 'AUS'], places: ['KOE'], tags: ['maritime', 'fees'], sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' },
      intendedSharing: { audience: { kind: 'owner' }, tlp: 'AMBER', handling: ['H1', 'H3'], handlingNote: 'Not for the press', evaluation: { source: 'A', information: '3' } },
    });
    // The importer's draft is its own: the original's owner does not see it.
    expect((await t.as(owner, { method: 'GET', url: `${API}/${copy.id}` })).statusCode).toBe(404);
  });

  test('rule 5: a recipient may not export AMBER+STRICT, RED or H2 bulletins, nor import them; the owner may export its own', async () => {
    const red = await issue('Red', { audience: { kind: 'members', members: ['BBB'] }, tlp: 'RED' });
    const strict = await issue('Strict', { audience: { kind: 'all' }, tlp: 'AMBER+STRICT' });
    const h2 = await issue('H2', { audience: { kind: 'all' }, tlp: 'GREEN', handling: ['H2'] });
    const missing = await t.as(outsider, { method: 'GET', url: `${API}/${randomUUID()}/export.stix` });
    for (const id of [red, strict, h2]) {
      const refused = await t.as(recipient, { method: 'GET', url: `${API}/${id}/export.stix` });
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const hidden = await t.as(outsider, { method: 'GET', url: `${API}/${red}/export.stix` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json<{ title: string; detail: string }>()).toMatchObject({ title: missing.json<{ title: string }>().title, detail: missing.json<{ detail: string }>().detail });

    // The list's export leaves them out and says how many it withheld.
    const page = await t.as(recipient, { method: 'GET', url: `${API}/export.stix?limit=100` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['lintas-withheld-records']).toBe('3');
    const names = reportsOf(page.json<Bundle>()).map((report) => report.name);
    expect(names).toEqual(expect.arrayContaining(['Kupang departures', 'Visa foils from a print shop']));
    expect(names).not.toContain('Red');
    expect(stixProblems(page.json())).toEqual([]);

    // The owner exports its RED bulletin, but importing it is re-sharing it: refused, nothing written.
    const own = await exported(owner, red);
    expect(reportsOf(own)[0]?.object_marking_refs).toEqual([TLP_2_0['TLP:RED']]);
    const before = await fingerprint(t.db);
    const refused = await importing(owner, own);
    expect(refused.statusCode).toBe(403);
    expect(pointers(refused)).toEqual([`/objects/${own.objects.findIndex((object) => object.type === 'report')}`]);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('bundles as MISP and OpenCTI publish them import as drafts; other object types are counted', async () => {
    const misp = await importing(owner, fixture('misp-event.json'));
    expect(misp.statusCode, misp.body).toBe(201);
    const mispResult = misp.json<{ data: { id: string }[]; ignored: Record<string, number> }>();
    expect(mispResult.ignored).toEqual({ indicator: 1, 'observed-data': 1, 'domain-name': 1 });
    const fromMisp = await draft(owner, mispResult.data[0]?.id ?? '');
    expect(fromMisp).toMatchObject({ title: 'Phishing pages selling fake e-visas', type: 'alert', countries: [], intendedSharing: { tlp: 'AMBER' } });
    expect(fromMisp.tags).toContain('e-visa-fraud');
    expect(fromMisp.tags).not.toContain('tlp:amber');

    const opencti = await importing(owner, fixture('opencti-report.json'));
    expect(opencti.statusCode, opencti.body).toBe(201);
    const openctiResult = opencti.json<{ data: { id: string }[]; ignored: Record<string, number> }>();
    expect(openctiResult.ignored).toEqual({ 'threat-actor': 1, relationship: 1 });
    expect(await draft(owner, openctiResult.data[0]?.id ?? '')).toMatchObject({
      title: 'Departures from Kupang rise before the monsoon', countries: ['IDN', 'MYS'], tags: ['maritime', 'route-trend'],
      body: 'Brokers move departures **earlier in the season**; fees rose by a third.', intendedSharing: { tlp: 'GREEN', handling: [], evaluation: null },
    });
    // Drafts are listed to their own member only.
    const drafts = await t.as(owner, { method: 'GET', url: `${API}?state=draft&limit=100` });
    expect(drafts.json<{ data: { id: string }[] }>().data.map((one) => one.id)).toEqual(expect.arrayContaining([mispResult.data[0]?.id, openctiResult.data[0]?.id]));
    expect((await t.as(outsider, { method: 'GET', url: `${API}?state=draft&limit=100` })).json()).toEqual({ data: [], next: null });
  });

  test('refused reports refuse the whole bundle unless skipRefused; malformed and STIX 2.0 bundles are 400s; nothing is written', async () => {
    const before = await fingerprint(t.db);
    const refused = await importing(recipient, fixture('red-and-green.json'));
    expect(refused.statusCode).toBe(403);
    expect(pointers(refused)).toEqual(['/objects/0', '/objects/1', '/objects/3']);
    const malformed = await importing(recipient, fixture('malformed.json'));
    expect(malformed.statusCode).toBe(400);
    expect(pointers(malformed)).toEqual(['/objects/0/spec_version', '/objects/2/id', '/objects/3/name', '/objects/3/object_refs', '/objects/3/published', '/objects/4/id']);
    const old = await importing(recipient, fixture('stix-2.0.json'));
    expect([old.statusCode, pointers(old)]).toEqual([400, ['/spec_version']]);
    expect((await importing(recipient, { type: 'report', id: 'report--x' })).statusCode).toBe(400);
    const badId = await importing(recipient, { ...(fixture('red-and-green.json') as Record<string, unknown>), id: 'bundle--not-a-uuid' });
    expect([badId.statusCode, pointers(badId)]).toEqual([400, ['/id']]);
    expect(await fingerprint(t.db)).toEqual(before);

    const skipping = await importing(recipient, fixture('red-and-green.json'), '?skipRefused=true');
    expect(skipping.statusCode, skipping.body).toBe(201);
    const result = skipping.json<{ data: { title: string; pointer: string }[]; refused: { pointer: string }[] }>();
    expect(result.data.map((one) => [one.title, one.pointer])).toEqual([['Fee levels on the Kupang route', '/objects/2']]);
    expect(result.refused.map((one) => one.pointer)).toEqual(['/objects/0', '/objects/1', '/objects/3']);
  });
});
