import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The library in Debian's Chromium against a server with the demo data: a seed document reads as
// plain text and offers its file to download; a document needs its text or its file.

const EMAIL = 'analyst@aus.demo';
const SEED_TITLE = 'Co-Chairs’ contribution to the High-level Dialogue on International Migration and Development';

let session: BrowserSession | undefined;
let page: Page;
let server: BrowserSession['server'];
let problems: string[] = [];

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession({ expectedConsoleErrors: /status of 40[014]/ });
  ({ page, server, problems } = session);
  await page.goto(server.url);
  await signIn(page, server, EMAIL);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

test.skipIf(!browserAvailable)('a seed document found by a word set in bold reads without Markdown marks and downloads its file', async () => {
  await page.goto(`${server.url}/library?q=globalization`);
  const result = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name: SEED_TITLE }) });
  await result.locator('mark').first().waitFor();
  expect((await result.locator('.snippet').textContent()) ?? '').not.toMatch(/\*|#/);

  await result.getByRole('link', { name: SEED_TITLE }).click();
  await page.getByRole('heading', { level: 1, name: SEED_TITLE }).waitFor();
  const text = page.getByRole('article', { name: 'Text' });
  const body = (await text.locator('.body-text').textContent()) ?? '';
  expect(body).toContain('Globalization and interdependence: international migration');
  expect(body).not.toMatch(/\*\*|##/);

  const download = text.getByRole('link', { name: `Download ${SEED_TITLE}.txt` });
  await download.waitFor();
  const href = await download.getAttribute('href');
  expect(href).toMatch(/^\/api\/v1\/library\/documents\/[0-9a-f-]{36}\/file$/);
  const file = await page.request.get(`${server.url}${href}`);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('text/plain; charset=utf-8');
  // The seed file itself, as the seed has it.
  expect((await file.text()).trimStart()).toMatch(/^\*\*General Assembly\*\*/);
  expect(problems).toEqual([]);
}, 120_000);

test.skipIf(!browserAvailable)('a new document with a title and no text is refused on the page; with text it is added', async () => {
  await page.goto(`${server.url}/library/new`);
  await page.getByRole('heading', { level: 1, name: 'Add document' }).waitFor();
  await page.getByLabel('Title').fill('Boarding checklist, draft');
  await page.getByRole('button', { name: 'Add to library' }).click();
  await page.getByText('Enter the text of the document, or upload its file instead.').first().waitFor();
  expect(page.url()).toMatch(/\/library\/new$/);

  await page.getByLabel('Text', { exact: true }).fill('Count the life jackets before departure.');
  await page.getByRole('button', { name: 'Add to library' }).click();
  await page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: 'Boarding checklist, draft' }).waitFor();
  expect(await page.getByRole('article', { name: 'Text' }).textContent()).toContain('Count the life jackets before departure.');
  expect(problems).toEqual([]);
}, 120_000);
