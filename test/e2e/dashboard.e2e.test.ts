import { mkdirSync, readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The reports dashboard in Debian's Chromium against a real server with the demo data, as an analyst
// at 1366×768 and at 768 px: key figures on the first screen, the filters used by keyboard only and
// kept in the address, figures that follow the API, numbers on hover, whole-number count axes, the
// table under each chart in words, CSV and PNG downloads, the map's zoom, the route filter's error,
// and no sideways scrolling. Screenshots are kept in test-results/screenshots/dashboard-*.png.

const ANALYST = 'analyst@aus.demo';
const SHOTS = 'test-results/screenshots';

interface Figures {
  reports: number;
  adultMen: number;
  adultWomen: number;
  boys: number;
  girls: number;
  unknownSexOrAge: number;
}

let session: BrowserSession | undefined;
let page: Page;

beforeAll(async () => {
  if (!browserAvailable) return;
  // The route of the wrong shape is a 400 the browser logs.
  session = await openBrowserSession({ expectedConsoleErrors: /status of 40[014]/ });
  page = session.page;
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

const sideways = (): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
/** The exact layer's answer for a query, asked with the signed-in session as the page asks it. */
const analysis = (query: string): Promise<{ totals: Figures }> =>
  page.evaluate(async (q) => (await fetch(`/api/v1/reports/analysis${q}`)).json() as Promise<{ totals: Figures }>, query);
const figure = (name: string): Locator => page.getByRole('region', { name: 'What you can see', exact: true }).locator('.key-figures > div').filter({ has: page.getByRole('term').filter({ hasText: new RegExp(`^${name}$`) }) }).getByRole('definition');
const focused = (locator: Locator): Promise<boolean> => locator.evaluate((element) => element === document.activeElement);

test.skipIf(!browserAvailable)('the dashboard by keyboard: filters in the address, figures as the API gives them, charts with their tables and downloads', async () => {
  const { server, problems } = session as BrowserSession;
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url}/reports/dashboard`);
  await signIn(page, server, ANALYST);
  await page.getByRole('heading', { level: 1, name: 'Reports dashboard' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'What you can see' }).waitFor();
  await page.getByRole('heading', { level: 2, name: 'Regional release' }).waitFor();

  // Key figures first: the first one is on the first screen, and it is the API's.
  const all = await analysis('');
  const reports = figure('Incident reports');
  await expect.poll(() => reports.textContent()).toBe(all.totals.reports.toLocaleString('en'));
  const box = await reports.boundingBox();
  expect(box && box.y + box.height).toBeLessThanOrEqual(768);
  await page.getByRole('region', { name: /^Reports by quarter/ }).getByRole('img').waitFor();
  await page.screenshot({ path: `${SHOTS}/dashboard-1366.png` });
  expect(await sideways()).toBe(false);

  // The filters by keyboard only: unfold the bar, tab to the incident types, type and pick three,
  // take the last back with Backspace, close the list with Escape, apply with Enter.
  const bar = page.getByRole('button', { name: 'Filters' });
  await bar.focus();
  await page.keyboard.press('Enter');
  expect(await page.getByRole('button', { name: 'Hide filters' }).getAttribute('aria-expanded')).toBe('true');
  const types = page.getByRole('combobox', { name: 'Incident types' });
  for (let tabs = 0; tabs < 12 && !(await focused(types)); tabs++) await page.keyboard.press('Tab');
  expect(await focused(types)).toBe(true);
  for (const words of ['by sea', 'by land', 'by air']) {
    await page.keyboard.type(words);
    expect(await types.getAttribute('aria-expanded')).toBe('true');
    expect(await types.getAttribute('aria-activedescendant')).toBeTruthy();
    await page.keyboard.press('Enter');
  }
  const chosen = page.getByRole('list', { name: 'Incident types: chosen' });
  expect(await chosen.getByRole('listitem').allTextContents()).toEqual(['Smuggling by sea×', 'Smuggling by land×', 'Smuggling by air×']);
  await page.keyboard.press('Backspace');
  expect(await chosen.getByRole('button').evaluateAll((buttons) => buttons.map((button) => button.getAttribute('aria-label')))).toEqual(['Remove Smuggling by sea', 'Remove Smuggling by land']);
  await page.keyboard.press('ArrowDown');
  expect(await page.getByRole('listbox', { name: 'Incident types' }).isVisible()).toBe(true);
  await page.keyboard.press('Escape');
  expect(await types.getAttribute('aria-expanded')).toBe('false');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\?incidentType=smuggling-sea&incidentType=smuggling-land$/);

  // The figures follow: the page shows what the API gives for the same filter, and it differs.
  const query = '?incidentType=smuggling-sea&incidentType=smuggling-land';
  const filtered = await analysis(query);
  expect(filtered.totals.reports).toBeGreaterThan(0);
  expect(filtered.totals.reports).toBeLessThan(all.totals.reports);
  await expect.poll(() => reports.textContent()).toBe(filtered.totals.reports.toLocaleString('en'));
  await page.reload();
  await expect.poll(() => reports.textContent()).toBe(filtered.totals.reports.toLocaleString('en'));
  await page.getByText('Any time · Incident types: Smuggling by sea, Smuggling by land').waitFor();

  // Numbers on hover: the people chart's tallest bar shows the API's number in its tooltip.
  const people = page.getByRole('region', { name: 'People by sex and age group' });
  const chart = people.getByRole('img');
  await chart.scrollIntoViewIfNeeded();
  await expect.poll(() => chart.getAttribute('data-value-ticks')).toBeTruthy();
  const fields = ['adultMen', 'adultWomen', 'boys', 'girls', 'unknownSexOrAge'] as const;
  const tallest = fields.reduce((best, field, index) => (filtered.totals[field] > filtered.totals[fields[best] ?? 'adultMen'] ? index : best), 0);
  const area = await chart.boundingBox();
  if (!area) throw new Error('the chart has no box');
  // The grid leaves 56 px on the left and 16 on the right; the five categories share the rest.
  await page.mouse.move(area.x + 56 + ((area.width - 72) * (tallest + 0.5)) / fields.length, area.y + area.height / 2);
  const value = filtered.totals[fields[tallest] ?? 'adultMen'].toLocaleString('en');
  await expect.poll(() => chart.innerText()).toContain(value);
  await page.mouse.move(0, 0);

  // Whole numbers on every count axis.
  for (const name of [/^Reports by quarter/, /^People by sex/, /^Outcomes$/]) {
    const ticks = (await page.getByRole('region', { name }).getByRole('img').getAttribute('data-value-ticks'))?.split(',').map(Number) ?? [];
    expect(ticks.length, String(name)).toBeGreaterThan(1);
    for (const tick of ticks) expect(Number.isInteger(tick), `${String(name)}: ${tick}`).toBe(true);
  }

  // The table under the chart, in words.
  const series = page.getByRole('region', { name: /^Reports by quarter, split by incident type$/ });
  await series.getByText(/^Table \(/).click();
  const table = series.getByRole('table');
  expect(await table.getByRole('columnheader').first().textContent()).toBe('Incident type');
  expect(await table.getByRole('rowheader').allTextContents()).toEqual(['Smuggling by land', 'Smuggling by sea']);
  await people.getByText(/^Table \(/).click();
  expect(await people.getByRole('columnheader').allTextContents()).toEqual(['Incident type', 'Men', 'Women', 'Boys', 'Girls', 'Unknown sex or age']);

  // Downloads: the table as CSV (a header row in words, the numbers of the table) and the chart as PNG.
  const [csv] = await Promise.all([page.waitForEvent('download'), series.getByRole('button', { name: /as CSV$/ }).click()]);
  expect(csv.suggestedFilename()).toBe('reports-by-quarter-split-by-incident-type.csv');
  const text = readFileSync((await csv.path()) ?? '', 'utf8');
  const lines = text.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^Incident type,\d{4}-Q[1-4],.*,All periods$/);
  expect(lines).toHaveLength(3);
  const sums = lines.slice(1).map((line) => Number(line.split(',').at(-1)));
  expect(sums.reduce((a, b) => a + b, 0)).toBe(filtered.totals.reports);
  const [png] = await Promise.all([page.waitForEvent('download'), series.getByRole('button', { name: /as PNG$/ }).click()]);
  expect(png.suggestedFilename()).toBe('reports-by-quarter-split-by-incident-type.png');
  expect(readFileSync((await png.path()) ?? '').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

  // The map opens fitted to the data (zoomed in from the whole world) and zooms with its buttons.
  const map = page.getByRole('region', { name: 'Top routes on the map' });
  const canvas = map.getByRole('img');
  await canvas.scrollIntoViewIfNeeded();
  const fitted = Number(await canvas.getAttribute('data-zoom'));
  expect(fitted).toBeGreaterThan(1);
  await map.getByRole('button', { name: 'Zoom in' }).click();
  await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBeCloseTo(fitted * 1.5, 1);
  await map.getByRole('button', { name: 'Zoom out' }).click();
  await map.getByRole('button', { name: 'Zoom out' }).click();
  await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBeLessThan(fitted);
  await map.getByRole('button', { name: 'Fit the map to the data' }).click();
  await expect.poll(async () => Number(await canvas.getAttribute('data-zoom'))).toBe(fitted);
  await page.screenshot({ path: `${SHOTS}/dashboard-map.png` });

  // A route of the wrong shape: the filter says which shape it wants.
  await page.goto(`${server.url}/reports/dashboard?route=Myanmar`);
  await page.getByText("must be a route: two ISO 3166-1 alpha-3 country codes in capitals joined by '>', such as MMR>THA").waitFor();
  expect(await page.getByRole('combobox', { name: 'Routes' }).getAttribute('aria-invalid')).toBe('true');

  // At tablet width the layers are one above the other and nothing scrolls sideways.
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${server.url}/reports/dashboard${query}`);
  await expect.poll(() => reports.textContent()).toBe(filtered.totals.reports.toLocaleString('en'));
  await page.getByRole('button', { name: 'Filters' }).click();
  await page.getByRole('region', { name: /^Reports by quarter/ }).getByRole('img').waitFor();
  await page.getByRole('region', { name: 'Filters of what you can see' }).screenshot({ path: `${SHOTS}/dashboard-filters-768.png` });
  const [exact, release] = await Promise.all([page.getByRole('region', { name: 'What you can see', exact: true }).boundingBox(), page.getByRole('region', { name: 'Regional release', exact: true }).boundingBox()]);
  expect(release && exact && release.y >= exact.y + exact.height).toBe(true);
  expect(await sideways()).toBe(false);
  await page.screenshot({ path: `${SHOTS}/dashboard-768.png`, fullPage: true });
  expect(problems).toEqual([]);
}, 180_000);
