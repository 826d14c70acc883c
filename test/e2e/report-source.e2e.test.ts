import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// An imported IOM Missing Migrants Project row in Debian's Chromium: the report page shows what the
// source says of itself (its record, region, links, quality grade), and editing the report in the
// form keeps them.

const OFFICER = 'officer@aus.demo';
const FILE = readFileSync(new URL('../fixtures/reports/mmp-later-layout.csv', import.meta.url), 'utf8');

let session: BrowserSession | undefined;
let page: Page;
let server: BrowserSession['server'];
let problems: string[] = [];

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession();
  ({ page, server, problems } = session);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

/** The text of the description beside a term of the report's list of fields. */
async function described(term: string): Promise<string> {
  const found = page.getByRole('term').filter({ hasText: new RegExp(`^${term}$`) });
  await found.waitFor();
  return found.evaluate((element) => element.nextElementSibling?.textContent ?? '');
}

test.skipIf(!browserAvailable)('the report page shows the source fields an import kept, and an edit keeps them', async () => {
  await page.goto(server.url);
  await signIn(page, server, OFFICER);

  // The import as a client sends it (multipart), from the signed-in page.
  const imported = await page.evaluate(async (content) => {
    const { csrfToken } = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const form = new FormData();
    form.append('options', JSON.stringify({ format: 'missing-migrants', partial: true, sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } }));
    form.append('file', new Blob([content], { type: 'text/csv' }), 'mmp.csv');
    const response = await fetch('/api/v1/reports/import', { method: 'POST', body: form, headers: { 'x-csrf-token': csrfToken } });
    const result = (await response.json()) as { imported: number };
    const list = (await (await fetch('/api/v1/reports?mine=true&country=MEX')).json()) as { data: { id: string; where: { place?: string } }[] };
    return { status: response.status, imported: result.imported, id: list.data.find((report) => report.where.place?.includes('Juárez'))?.id };
  }, FILE);
  expect(imported).toMatchObject({ status: 200, imported: 4 });
  expect(imported.id).toBeDefined();

  await page.goto(`${server.url}/reports/${String(imported.id)}`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  expect(await described('Source')).toBe('El Diario, Reforma (IOM Missing Migrants Project)');
  expect(await described("Source's record")).toBe('2019.MMP51880');
  expect(await described("Source's region")).toBe('North America');
  expect(await described("Source's quality grade")).toBe('3/5');
  const link = page.getByRole('link', { name: 'http://bit.ly/2JTGHWg' });
  expect(await link.getAttribute('href')).toBe('http://bit.ly/2JTGHWg');
  expect(await link.getAttribute('rel')).toBe('noopener noreferrer');

  // The form does not edit them, and saving it keeps them.
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit report' }).waitFor();
  await page.getByLabel('Narrative').fill('Died in hospital after an illness left untreated on the way.');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Died in hospital after an illness left untreated on the way.').waitFor();
  expect(await described("Source's region")).toBe('North America');
  expect(await described("Source's record")).toBe('2019.MMP51880');

  // A report far at sea has no country: the form offers the sea area instead, and saving keeps the place.
  const atSea = await page.evaluate(async () => {
    const { csrfToken } = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const response = await fetch('/api/v1/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({
        incidentType: 'death-or-disappearance',
        where: { kind: 'at-sea', seaArea: 'Timor Sea', latitude: -11.9, longitude: 126.9 },
        outcomes: { missing: 4 },
        sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' },
      }),
    });
    return { status: response.status, id: ((await response.json()) as { data: { id: string } }).data.id };
  });
  expect(atSea.status).toBe(201);
  await page.goto(`${server.url}/reports/${atSea.id}`);
  expect(await described('Country')).toBe('None: far at sea');
  expect(await described('Sea area')).toBe('Timor Sea');
  await page.getByRole('link', { name: 'Edit' }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit report' }).waitFor();
  expect(await page.getByLabel('Sea area').inputValue()).toBe('Timor Sea');
  await page.getByLabel('Sea area').fill('Arafura Sea');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('term').filter({ hasText: /^Sea area$/ }).waitFor();
  await expect.poll(() => described('Sea area')).toBe('Arafura Sea');
  expect(await described('Country')).toBe('None: far at sea');
  expect(problems).toEqual([]);
}, 120_000);
