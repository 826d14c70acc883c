import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The import page in Debian's Chromium against a real server with the demo data: an analyst uploads
// a spreadsheet with its own headers, sees the first rows and the suggested mapping, maps one value
// by hand ("Boat"), dry-runs it (the impossible date is an error row, downloaded as CSV), imports
// the good rows, reloads the run's page, reads the result and finds the reports. At 1366 and 768 px
// without sideways scrolling; screenshots are kept in /tmp/lintas-screens.

const ANALYST = 'analyst@aus.demo';
const SCREENS = '/tmp/lintas-screens';
const FILE = fileURLToPath(new URL('../fixtures/reports/own-spreadsheet.csv', import.meta.url));

let session: BrowserSession | undefined;
let page: Page;

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession();
  page = session.page;
  mkdirSync(SCREENS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const sideways = (): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

test.skipIf(!browserAvailable)('a spreadsheet of one\'s own: mapped, dry-run, imported with progress, and its reports found', async () => {
  const { server, problems } = session as BrowserSession;
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${server.url}/reports`);
  await signIn(page, server, ANALYST);
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Import and export' }).click();
  await page.getByRole('heading', { level: 1, name: 'Import and export reports' }).waitFor();

  // Upload: the file is read and a mapping suggested from its headers and values.
  await page.getByLabel('File', { exact: true }).setInputFiles(FILE);
  await page.getByLabel('What the file is').selectOption('mapped');
  await page.getByRole('button', { name: 'Read the file' }).click();
  const firstRows = page.getByRole('region', { name: 'First rows of own-spreadsheet.csv', exact: true });
  await firstRows.waitFor();
  expect(await firstRows.getByRole('row').count()).toBe(5);
  await firstRows.getByRole('cell', { name: 'Kupang harbour' }).waitFor();
  expect(await page.getByLabel('Field for “Case No”').inputValue()).toBe('external_id');
  expect(await page.getByLabel('Field for “Date”').inputValue()).toBe('date_from');
  expect(await page.getByLabel('Field for “Type”').inputValue()).toBe('incident_type');
  expect(await page.getByLabel('Field for “Survivors”').inputValue()).toBe('rescued');
  expect(await page.getByLabel('Dates written with numbers only').inputValue()).toBe('day-first');
  const types = page.getByRole('group', { name: 'Values of “Type” → incident_type' });
  expect(await types.getByLabel('“Sea smuggling”').inputValue()).toBe('smuggling-sea');
  expect(await types.getByLabel('“Boat”').inputValue()).toBe('');

  // The upload, the first rows and the mapping: the README's picture of the page (docs/img/import.png).
  await page.screenshot({ path: `${SCREENS}/import-mapping-1366.png`, fullPage: true, clip: { x: 0, y: 0, width: 1366, height: 2150 } });

  // Left unmapped, "Boat" would be an error; mapped by hand, it is a sea smuggling.
  await types.getByLabel('“Boat”').selectOption('smuggling-sea');
  await page.getByLabel('Save this mapping as').fill('Patrol log');
  await page.getByRole('button', { name: 'Save mapping' }).click();
  await page.getByText('Saved as “Patrol log”.').waitFor();

  // The dry run: one error row, with its row, column, value and reason, downloadable as CSV.
  await page.getByRole('button', { name: 'Dry run' }).click();
  const errors = page.getByRole('region', { name: 'Rows with errors', exact: true });
  await errors.waitFor();
  const cells = (await errors.getByRole('row').nth(1).getByRole('cell').allTextContents()).map((text) => text.trim());
  expect(cells.slice(0, 3)).toEqual(['5', 'Date', '30/02/2024']);
  expect(cells[3]).toMatch(/not a real date/);
  expect(await errors.getByRole('row').count()).toBe(2);
  // Which shape the dates were read in: the mapping said day first.
  await page.getByText('Date: DD/MM/YYYY (3 rows)').waitFor();
  await page.screenshot({ path: `${SCREENS}/import-1366.png`, fullPage: true });
  expect(await sideways()).toBe(false);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download the errors as CSV' }).click()]);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split(/\r?\n/)[1]).toMatch(/^5,Date,30\/02\/2024,is not a real date/);

  await page.setViewportSize({ width: 768, height: 900 });
  await page.screenshot({ path: `${SCREENS}/import-768.png`, fullPage: true });
  expect(await sideways()).toBe(false);
  await page.setViewportSize({ width: 1366, height: 900 });

  // The import of the good rows: the run's page shows its progress, and after a reload its result.
  await page.getByLabel('Import the good rows even when some rows have errors').check();
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.waitForURL(/\/reports\/import\/runs\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: 'Import of own-spreadsheet.csv' }).waitFor();
  await page.getByRole('progressbar').waitFor();
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Import of own-spreadsheet.csv' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Result' }).waitFor();
  await page.getByText('4 of 4 rows read, 3 written, 1 error').waitFor();
  expect(await page.getByRole('progressbar').getAttribute('value')).toBe('4');
  const newReports = page.getByRole('term').filter({ hasText: /^New reports$/ });
  expect(await newReports.evaluate((element) => element.nextElementSibling?.textContent)).toBe('3');
  await page.screenshot({ path: `${SCREENS}/import-run-1366.png`, fullPage: true });

  // The reports it wrote, through the reports list's importId filter; the export links carry it.
  await page.getByRole('link', { name: 'See the 3 reports this import wrote' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await page.getByText('Showing the reports one import wrote.').waitFor();
  await page.getByRole('status').filter({ hasText: /^3 reports$/ }).waitFor();
  await page.getByRole('link', { name: /Kupang harbour/ }).waitFor();
  expect(await page.getByRole('link', { name: 'CSV', exact: true }).getAttribute('href')).toMatch(/^\/api\/v1\/reports\/export\.csv\?importId=[0-9a-f-]{36}$/);

  // The run is listed on the import page, and opens again from there.
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Import and export' }).click();
  await page.getByRole('region', { name: 'Recent imports' }).getByRole('link', { name: 'own-spreadsheet.csv' }).first().waitFor();
  expect(problems).toEqual([]);
}, 180_000);
