import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { documentKey } from './number.js';
import { registerOf } from './register.js';

/**
 * Bulk import of an issuer's documents from ugly CSV files (BOM, semicolons, CRLF, quoted newlines,
 * blank and repeated header rows, Windows-1252), streamed: atomic, idempotent, every bad row
 * reported with row, column and reason, dry run; bulk cancellation from a CSV of numbers.
 */

const PREFIX = '/api/v1';
const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../test/fixtures/documents/${name}`, import.meta.url)));

let t: TestContext;
let issuer: TestSession;
let checker: TestSession;
let approver: TestSession;

function upload(who: TestSession, name: string, query = '', url = '/documents/import') {
  return t.as(who, { method: 'POST', url: `${PREFIX}${url}${query}`, headers: { 'content-type': 'text/csv' }, payload: fixture(name) });
}

function multipart(who: TestSession, name: string) {
  const boundary = 'documents-import-boundary';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: text/csv\r\n\r\n`),
    fixture(name),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.as(who, { method: 'POST', url: `${PREFIX}/documents/import`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body });
}

const documents = async (): Promise<{ number: string; doc_type: string; status: string; state: string; place: string | null; remarks: string | null }[]> =>
  t.db.ownerTransaction((tx) => tx.query(sql`SELECT number, doc_type, status, state, place, remarks FROM travel_documents WHERE owner = 'UTO' ORDER BY number, state`));

async function hits(number: string, type = 'passport'): Promise<boolean> {
  const response = await t.as(checker, { method: 'POST', url: `${PREFIX}/documents/checks`, payload: { purpose: 'import test', document: { issuer: 'UTO', type, number } } });
  return response.json<{ data: { result: string } }>().data.result === 'hit';
}

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO');
  await t.makeMember('AUS');
  issuer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  approver = await t.sessionFor(await t.makeUser('UTO', ['approver']));
  checker = await t.sessionFor(await t.makeUser('AUS', ['officer']));
});
afterAll(() => t.close());

describe('importing an issuer’s documents', () => {
  test('a dry run of an ugly file counts what would happen and writes nothing', async () => {
    const response = await upload(issuer, 'register-semicolon-bom.csv', '?dryRun=true');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({
      dryRun: true, rows: 8, added: 8, changed: 0, unchanged: 0, cancelled: 0, rejected: 0, errors: [], encoding: 'utf-8', delimiter: ';',
    });
    expect(await documents()).toEqual([]);
  });

  test('the import adds every document, normalised, and they hit at once; quoted newlines and quotes survive', async () => {
    const response = await upload(issuer, 'register-semicolon-bom.csv');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ dryRun: false, rows: 8, added: 8, rejected: 0 });
    const rows = await documents();
    expect(rows.map((row) => `${row.doc_type} ${row.number} ${row.status}`)).toEqual([
      'passport AB100001 stolen', 'passport AB100002 lost', 'passport AB100006 invalid', 'identity-card ID100003 stolen-blank',
      'identity-card ID100004 stolen-blank', 'refugee-travel-document RT100007 stolen', 'seafarer-book SB100008 lost', 'visa V100005 revoked',
    ]);
    expect(rows.find((row) => row.number === 'AB100001')).toMatchObject({ place: 'Utopia City; central station', remarks: 'Reported by the holder, "urgent"' });
    expect(rows.find((row) => row.number === 'ID100003')?.place).toBe('Printing works,\nstore room 3');
    expect(await hits('AB100001')).toBe(true);
    expect(await hits('ID100004', 'identity-card')).toBe(true);
    const audit = await t.db.ownerTransaction((tx) => tx.one<{ details: Record<string, unknown> }>(sql`SELECT details FROM audit_log WHERE action = 'documents.import' ORDER BY seq DESC LIMIT 1`));
    expect(audit.details).toMatchObject({ rows: 8, added: 8 });
  });

  test('the same file twice adds nothing; a changed file rewrites what changed; a cancelled row cancels', async () => {
    const again = await upload(issuer, 'register-semicolon-bom.csv');
    expect(again.json()).toMatchObject({ rows: 8, added: 0, changed: 0, unchanged: 8 });
    expect(await documents()).toHaveLength(8);
    const changed = await multipart(issuer, 'register-changed.csv');
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ rows: 8, added: 0, changed: 1, unchanged: 7 });
    expect((await documents()).find((row) => row.number === 'AB100002')?.status).toBe('stolen');
    expect(await hits('V100005')).toBe(false);
    expect(await hits('V100005', 'visa')).toBe(true);
    const cancel = await upload(issuer, 'register-cancel-one.csv');
    expect(cancel.json()).toMatchObject({ rows: 2, cancelled: 1, unchanged: 1 });
    expect(await hits('V100005', 'visa')).toBe(false);
    expect(await documents()).toHaveLength(8);
  });

  test('an import rewrites a record’s content, never its sharing: a document kept from a member stays kept, to the index too', async () => {
    const added = await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents`, payload: { type: 'passport', number: 'KEPT0001', status: 'lost', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } } });
    expect(added.statusCode, added.body).toBe(201);
    const key = documentKey('UTO', 'passport', 'KEPT0001');
    const aus = { member: 'AUS', fullMember: true, groups: [] };
    expect(registerOf(t.platform).mayHold(key, aus)).toBe(false);
    const csv = 'number,type,status,place\nKEPT0001,passport,stolen,Utopia port\nKEPT0002,passport,stolen,\n';
    const imported = await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/import`, headers: { 'content-type': 'text/csv' }, payload: csv });
    expect(imported.json(), imported.body).toMatchObject({ added: 1, changed: 1 });
    expect(registerOf(t.platform).mayHold(key, aus)).toBe(false);
    expect(registerOf(t.platform).mayHold(documentKey('UTO', 'passport', 'KEPT0002'), aus)).toBe(true);
    expect(await hits('KEPT0001')).toBe(false);
    expect(await hits('KEPT0002')).toBe(true);
  });

  test('Windows-1252 text is read as such', async () => {
    const response = await upload(issuer, 'register-windows-1252.csv');
    expect(response.json()).toMatchObject({ added: 2, encoding: 'windows-1252', delimiter: ',' });
    const rows = await documents();
    expect(rows.find((row) => row.number === 'W1252001')).toMatchObject({ place: 'Zürich Hauptbahnhof', remarks: 'Café near the gate' });
    expect(rows.find((row) => row.number === 'W1252002')).toMatchObject({ place: 'São Paulo', remarks: 'Reçu à l’aéroport'.replace('’', "'") });
  });

  test('every bad row is reported with its row, column and reason, and nothing is written', async () => {
    const before = await documents();
    const response = await upload(issuer, 'register-bad-rows.csv');
    expect(response.statusCode).toBe(400);
    const body = response.json<{ title: string; errors: { pointer: string; detail: string }[] }>();
    expect(body.title).toBe('Import refused');
    const found = body.errors.map((error) => `${error.pointer} ${error.detail}`);
    const expected: [string, RegExp][] = [
      ['/rows/3/issuer', /unknown issuer "ZZZ"/],
      ['/rows/4/issuer', /NZL is not your member's issuing code/],
      ['/rows/5/number', /bad number "AB#12"/],
      ['/rows/6/reported_on', /"2024-02-30" is not a date/],
      ['/rows/7/status', /unknown status "misplaced"/],
      ['/rows/8/state', /unknown state "archived"/],
      ['/rows/9/number', /is required/],
      ['/rows/10/row', /1 cell\(s\) beyond the last column/],
      ['/rows/11/lost_on', /in the future/],
      ['/rows/12/number', /also on row 2/],
      ['/rows/13/type', /unknown document type "driving-licence"/],
      ['/rows/14/expires_on', /before issued_on/],
      ['/rows/15/holder_nationality', /unknown nationality code "QQQ"/],
      ['/rows/15/holder_sex', /"Q" is not F, M or X/],
      ['/rows/16/status', /is required/],
    ];
    expect(found).toHaveLength(expected.length);
    for (const [index, [pointer, reason]] of expected.entries()) {
      expect(body.errors[index]?.pointer).toBe(pointer);
      expect(body.errors[index]?.detail).toMatch(reason);
    }
    expect(await documents()).toEqual(before);
    // The dry run reports the same rows and counts the good one.
    const dry = await upload(issuer, 'register-bad-rows.csv', '?dryRun=true');
    expect(dry.json()).toMatchObject({ rows: 15, rejected: 14, added: 2 });
  });

  test('the header and the request are checked before any row: unknown columns, unknown query fields, roles', async () => {
    const unknown = await upload(issuer, 'unknown-column.csv');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/rows/1/colour']);
    expect((await upload(issuer, 'register-windows-1252.csv', '?dryrun=true')).statusCode).toBe(400);
    expect((await upload(approver, 'register-windows-1252.csv')).statusCode).toBe(403);
    // AUS cannot import UTO's documents: the issuer column is checked against its own code.
    const foreign = await upload(checker, 'register-windows-1252.csv');
    expect(foreign.statusCode).toBe(400);
    expect(foreign.json<{ errors: { pointer: string }[] }>().errors.map((error) => error.pointer)).toEqual(['/rows/2/issuer', '/rows/3/issuer']);
  });

  test('a CSV of numbers cancels in bulk and reports what it did not find', async () => {
    const response = await upload(issuer, 'cancel-list.csv', '', '/documents/cancel.csv');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toEqual({ cancelled: 2, alreadyCancelled: 0, notFound: [{ type: 'passport', number: 'NOTTHERE1' }], notFoundCount: 1 });
    expect(await hits('AB100001')).toBe(false);
    expect(await hits('ID100003', 'identity-card')).toBe(false);
    expect(await hits('AB100002')).toBe(true);
  });
});
