import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The reports workflow in Debian's Chromium against a real server with the demo data: an officer
// writes a report through the form (the narrative refuses a phone number at the field), submits
// it, an approver of the same member approves it, and the analysis dashboard then counts it.

const OFFICER = 'officer@aus.demo';
const APPROVER = 'approver@aus.demo';
const SCREENSHOT = '/tmp/lintas-dashboard.png';
const NARRATIVE = 'Wooden fishing boat intercepted with 34 people on board.';

let session: BrowserSession | undefined;
let page: Page;
let server: BrowserSession['server'];
let problems: string[] = [];

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession({ expectedConsoleErrors: /status of 40[014]/ });
  ({ page, server, problems } = session);
}, 120_000);

afterAll(async () => {
  await session?.close();
});


const modules = (): Locator => page.getByRole('navigation', { name: 'Modules' });

/** The text of the messages a control's aria-describedby points at: its hint and its error. */
async function descriptionOf(control: Locator): Promise<{ invalid: string | null; error: string; hint: string }> {
  return control.evaluate((element) => {
    const ids = (element.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    const text = (suffix: string): string => ids.filter((id) => id.endsWith(suffix)).map((id) => document.getElementById(id)?.textContent ?? '').join(' ');
    return { invalid: element.getAttribute('aria-invalid'), error: text('-error'), hint: text('-hint') };
  });
}

/** A number of the dashboard's key figures (a description list), as a number. */
async function keyFigure(name: string): Promise<number> {
  const term = page.getByRole('term').filter({ hasText: new RegExp(`^${name}$`) });
  const value = await term.evaluate((element) => element.nextElementSibling?.textContent ?? '');
  expect(value, `${name}: ${value}`).toMatch(/^[\d,]+$/);
  return Number(value.replace(/,/g, ''));
}

/** A chart's panel with its table (under the chart) unfolded. */
async function tableView(title: string | RegExp): Promise<Locator> {
  const panel = page.getByRole('region', { name: title });
  const details = panel.locator('details.chart-table');
  if (!(await details.evaluate((element) => (element as HTMLDetailsElement).open))) await details.locator('summary').click();
  const table = panel.getByRole('table');
  await table.waitFor();
  return table;
}

/** The cells of the first table row holding all the given cell texts, or null. */
async function rowWith(table: Locator, ...cells: string[]): Promise<string[] | null> {
  let rows = table.getByRole('row');
  for (const cell of cells) rows = rows.filter({ has: page.getByRole('cell', { name: cell, exact: true }).or(page.getByRole('rowheader', { name: cell, exact: true })) });
  if ((await rows.count()) === 0) return null;
  return (await rows.first().locator('th, td').allTextContents()).map((text) => text.trim());
}

interface Snapshot {
  reports: number;
  people: number;
  flow: string[] | null;
  cell: string[] | null;
}

/** The dashboard's totals, the LKA→IDN flow and the map cell of Rote Island (5° grid at the default zoom). */
async function readDashboard(): Promise<Snapshot> {
  await modules().getByRole('link', { name: 'Report analysis' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports dashboard' }).waitFor();
  await page.getByRole('term').filter({ hasText: /^Incident reports$/ }).waitFor();
  const reports = await keyFigure('Incident reports');
  const people = await keyFigure('People moved');
  const flow = await rowWith(await tableView('Top routes (flows)'), 'Sri Lanka', 'Indonesia');
  const map = await tableView(/^Incident locations/);
  const cell = await rowWith(map, '-12.5', '122.5');
  return { reports, people, flow, cell };
}

test.skipIf(!browserAvailable)('an officer writes a report, an approver shares it and the dashboard counts it', async () => {
  await page.goto(server.url);
  await signIn(page, server, OFFICER);
  const before = await readDashboard();

  // The form: a new report.
  await modules().getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await page.getByRole('link', { name: 'New report' }).click();
  await page.getByRole('heading', { level: 1, name: 'New report' }).waitFor();

  const incident = page.getByRole('group', { name: 'The incident' });
  await incident.getByLabel('Incident type').selectOption({ label: 'Smuggling by sea' });
  await incident.getByLabel('From', { exact: true }).fill('2025-03-14');
  await incident.getByLabel('Country', { exact: true }).selectOption('IDN');
  await incident.getByLabel('Place', { exact: true }).fill('Rote Island');
  await incident.getByLabel('Kind of place').selectOption({ label: 'At sea' });
  await incident.getByLabel('Latitude').fill('-10.7');
  await incident.getByLabel('Longitude').fill('123.1');

  const route = page.getByRole('group', { name: 'Route' });
  await route.getByRole('button', { name: 'Add a leg' }).click();
  const leg1 = route.getByRole('group', { name: 'Leg 1' });
  await leg1.getByLabel('Leg 1: from').selectOption('LKA');
  await leg1.getByLabel('Leg 1: to').selectOption('IDN');
  await leg1.getByLabel('Mode').selectOption({ label: 'Boat' });
  await leg1.getByLabel('Conveyance').selectOption({ label: 'Fishing boat' });
  await route.getByRole('button', { name: 'Add a leg' }).click();
  const leg2 = route.getByRole('group', { name: 'Leg 2' });
  // A new leg starts where the previous one ended.
  expect(await leg2.getByLabel('Leg 2: from').inputValue()).toBe('IDN');
  await leg2.getByLabel('Leg 2: to').selectOption('AUS');
  await leg2.getByLabel('Mode').selectOption({ label: 'Boat' });

  const people = page.getByRole('group', { name: 'People moved' });
  await people.getByRole('button', { name: 'Add a citizenship' }).click();
  const group1 = people.getByRole('group', { name: 'Group 1' });
  await group1.getByLabel('Citizenship').selectOption('LKA');
  await group1.getByLabel('Men', { exact: true }).fill('30');
  await group1.getByLabel('Boys', { exact: true }).fill('4');
  await group1.getByLabel('Unaccompanied children').fill('2');

  const fee = page.getByRole('group', { name: 'Fee', exact: true });
  await fee.getByLabel('Amount').fill('3500');
  await fee.getByLabel('Currency').fill('USD');
  await fee.getByLabel('Basis').selectOption('per-person');
  await fee.getByRole('group', { name: 'Payment methods' }).getByRole('checkbox', { name: /^Cash/ }).check();

  const sharing = page.getByRole('group', { name: 'Sharing', exact: true });
  await sharing.getByRole('radio', { name: 'All full members' }).check();
  await sharing.getByRole('radio', { name: /^TLP:GREEN/ }).check();

  // A phone number in the narrative: the hint warns while typing, the server refuses it at the field.
  const narrative = page.getByLabel('Narrative');
  await narrative.fill('Boat intercepted; the organiser said to call +62 812 3456 7890.');
  expect((await descriptionOf(narrative)).hint).toContain('phone number');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect.poll(async () => (await descriptionOf(narrative)).invalid).toBe('true');
  const refused = await descriptionOf(narrative);
  expect(refused.error.toLowerCase()).toContain('phone');
  expect(page.url()).toMatch(/\/reports\/new$/);

  await narrative.fill(NARRATIVE);
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);
  const path = new URL(page.url()).pathname;
  await page.getByRole('heading', { level: 1, name: 'Smuggling by sea — Indonesia' }).waitFor();
  await page.getByText(NARRATIVE).waitFor();
  await page.getByRole('button', { name: 'Submit for approval' }).click();
  await page.getByText('Submitted for approval.').waitFor();
  // The badge says the status with the server's label (src/modules/reports/codes.ts).
  await page.getByText('Submitted, waiting for approval', { exact: true }).first().waitFor();

  // The approver of the same member finds it among the reports waiting for approval.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, server, APPROVER);
  await modules().getByRole('link', { name: 'Reports' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  const filters = page.getByRole('search', { name: 'Reports' });
  await filters.getByLabel('Status').selectOption('submitted');
  await filters.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/[?&]status=submitted/);
  const links = page.getByRole('list').getByRole('link', { name: 'Smuggling by sea — Indonesia, Rote Island' });
  await links.first().waitFor();
  const hrefs = await links.evaluateAll((elements) => elements.map((element) => element.getAttribute('href')));
  const index = hrefs.indexOf(path);
  expect(index, `${path} among ${hrefs.join(', ')}`).toBeGreaterThanOrEqual(0);
  await links.nth(index).click();
  await page.waitForURL((url) => url.pathname === path);
  await page.getByRole('button', { name: 'Approve and share' }).click();
  await page.getByText('Approved and shared.').waitFor();
  await page.getByText('Approved and shared', { exact: true }).first().waitFor();

  // The dashboard counts it: one more report, 34 more people (unaccompanied children are among the boys), the route and the place.
  await modules().getByRole('link', { name: 'Report analysis' }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports dashboard' }).waitFor();
  await page.getByRole('img', { name: /^Incident locations/ }).waitFor();
  // Let ECharts finish its entry animations before the picture.
  await page.waitForTimeout(1500);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  const after = await readDashboard();

  expect(after.reports).toBe(before.reports + 1);
  expect(after.people).toBe(before.people + 34);
  expect(after.flow, 'the route LKA→IDN in the flows table').not.toBeNull();
  expect(Number(after.flow?.[2])).toBe(Number(before.flow?.[2] ?? 0) + 1);
  expect(Number(after.flow?.[3])).toBe(Number(before.flow?.[3] ?? 0) + 34);
  expect(after.cell, 'the 5° map cell around Rote Island').not.toBeNull();
  expect(Number(after.cell?.[2])).toBe(Number(before.cell?.[2] ?? 0) + 1);

  // A filter from a code-list combobox: smuggling by sea only. It goes into the URL, the figures are
  // those the API gives for it (fewer than all, the new report among them), and a reload keeps it.
  await page.getByRole('button', { name: 'Filters' }).click();
  const dashboardFilters = page.getByRole('form', { name: 'Filters' });
  await dashboardFilters.getByRole('combobox', { name: 'Incident types' }).fill('by sea');
  await page.getByRole('option', { name: 'Smuggling by sea' }).click();
  await dashboardFilters.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(/\/reports\/dashboard\?incidentType=smuggling-sea$/);
  const bySea = await page.evaluate(async () => {
    const response = await fetch('/api/v1/reports/analysis?incidentType=smuggling-sea');
    return ((await response.json()) as { totals: { reports: number } }).totals.reports;
  });
  expect(bySea).toBeGreaterThanOrEqual(1);
  expect(bySea).toBeLessThan(after.reports);
  await expect.poll(() => keyFigure('Incident reports'), { timeout: 15_000 }).toBe(bySea);
  const split = await tableView(/^Reports by quarter/);
  expect(await split.getByRole('rowheader').allTextContents()).toEqual(['Smuggling by sea']);
  await page.reload();
  await page.getByRole('term').filter({ hasText: /^Incident reports$/ }).waitFor();
  // The folded filter bar says which filter is on.
  await page.getByText('Any time · Incident types: Smuggling by sea', { exact: true }).waitFor();

  expect(problems).toEqual([]);
}, 180_000);
