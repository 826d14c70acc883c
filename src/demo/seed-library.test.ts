import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../test/support/app.js';
import { sql } from '../platform/db/sql.js';
import { plainTextOf, seedDemo, seedFileName } from './seed.js';

/** The seed documents in the library: plain text to read and search, and their file to download. */

const DOCUMENTS = '/api/v1/library/documents';
// The built-in copies; built-in.test.ts holds them equal to ../shared/seeds when that is there.
const seedsFolder = new URL('./seeds/', import.meta.url);
const seedFiles = readdirSync(seedsFolder).sort();
const seedFile = (name: string): Buffer => readFileSync(new URL(name, seedsFolder));

interface Doc {
  id: string;
  title: string;
  body: string;
  hasFile: boolean;
  fileName: string | null;
  snippet: { text: string; match: boolean }[] | null;
}

let t: TestContext;
let reader: TestSession;

async function seedDocuments(): Promise<Doc[]> {
  const page = (await t.as(reader, { method: 'GET', url: `${DOCUMENTS}?owner=IDN&category=co-chairs-statement` })).json<{ data: Doc[] }>().data;
  const reports = (await t.as(reader, { method: 'GET', url: `${DOCUMENTS}?owner=IDN&category=workshop-report` })).json<{ data: Doc[] }>().data;
  return Promise.all([...page, ...reports].map(async (item) => (await t.as(reader, { method: 'GET', url: `${DOCUMENTS}/${item.id}` })).json<{ data: Doc }>().data));
}

beforeAll(async () => {
  t = await makeTestApp();
  // The demo's directory, users and library, without the other modules' demo data.
  await seedDemo(t.db, t.platform.config, []);
  await t.makeMember('RDR');
  reader = await t.sessionFor(await t.makeUser('RDR', ['analyst']));
}, 120_000);
afterAll(() => t.close());

test('each seed document has its text as plain text and its seed file to download, byte for byte', async () => {
  const documents = await seedDocuments();
  expect(documents).toHaveLength(seedFiles.length);
  const files = new Map(seedFiles.map((name) => [plainTextOf(seedFile(name).toString('utf8')), seedFile(name)]));
  for (const document of documents) {
    expect(document.hasFile, document.title).toBe(true);
    expect(document.fileName).toBe(seedFileName(document.title));
    expect(document.body.length).toBeGreaterThan(1000);
    expect(document.body).not.toMatch(/\*\*|^#+ |^---$| +$/m);
    const original = files.get(document.body);
    expect(original, document.title).toBeDefined();
    const download = await t.as(reader, { method: 'GET', url: `${DOCUMENTS}/${document.id}/file` });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(download.rawPayload.equals(original!)).toBe(true);
  }
  const letter = documents.find((document) => document.title.startsWith('Co-Chairs’ contribution'))!;
  expect(letter.body).toContain('Globalization and interdependence: international migration\nand development');
  expect(letter.body).toContain('(Signed) Robert Hill');
});

test('a search passage from a seed document holds no Markdown marks', async () => {
  // "Globalization" is in bold in the seed's Markdown.
  for (const words of ['globalization', 'interdependence', 'signed']) {
    const found = (await t.as(reader, { method: 'GET', url: `${DOCUMENTS}?q=${words}&owner=IDN` })).json<{ data: Doc[] }>().data;
    expect(found.length, words).toBeGreaterThan(0);
    for (const document of found) {
      const passage = document.snippet!.map((part) => part.text).join('');
      expect(document.snippet!.some((part) => part.match), words).toBe(true);
      expect(passage, words).not.toMatch(/\*|#/);
    }
  }
});

test('seeding again adds nothing, and gives a seed document loaded before without its file its file and plain text', async () => {
  const [first] = seedFiles;
  const source = seedFile(first!).toString('utf8').trim();
  const title = 'Co-Chairs’ contribution to the High-level Dialogue on International Migration and Development';
  // As an earlier seed left it: the Markdown as the text, no file.
  await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE library_documents SET body = ${source}, file_name = NULL, file_type = NULL, file_content = NULL WHERE title = ${title}`));
  // One a user has edited since is left as it is.
  const [second] = await t.db.ownerTransaction((tx) =>
    tx.query<{ id: string }>(sql`UPDATE library_documents SET body = 'Edited by its owner.', file_name = NULL, file_type = NULL, file_content = NULL
      WHERE owner = 'IDN' AND title LIKE 'Ad Hoc Group progress report%' RETURNING id`),
  );
  await seedDemo(t.db, t.platform.config, []);
  const documents = await seedDocuments();
  expect(documents).toHaveLength(seedFiles.length);
  const refreshed = documents.find((document) => document.title === title)!;
  expect(refreshed).toMatchObject({ hasFile: true, body: plainTextOf(source) });
  expect(documents.find((document) => document.id === second!.id)).toMatchObject({ hasFile: false, body: 'Edited by its owner.' });
});
