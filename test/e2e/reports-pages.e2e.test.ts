import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The report pages in Debian's Chromium against a real server with the demo data: the member-admin
// sets the member's default sharing and a new report starts from it, saying who will see it; the
// report page shows blank counts as "not known" and leaves empty parts out, and its People moved
// table stays inside its card at 1366 and 768 px without sideways scrolling; the regional summary
// opens on a year with figures, with correct plurals, under "Report analysis". Screenshots are kept
// in test-results/screenshots/reports-*.png.

const ADMIN = 'admin@aus.demo';
const SCREENS = 'test-results/screenshots';

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

/** Whether the People moved table's region fits inside the report's card (the table may scroll inside it). */
const tableFitsCard = (): Promise<boolean> =>
  page.evaluate(() => {
    const region = document.querySelector('[aria-label="People moved, by citizenship"]');
    const card = region?.closest('.document-body');
    if (!region || !card) return false;
    const inner = region.getBoundingClientRect();
    const outer = card.getBoundingClientRect();
    return inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
  });

test.skipIf(!browserAvailable)('default sharing, a report with unknown counts at two widths, and the regional summary', async () => {
  const { server, problems } = session as BrowserSession;
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${server.url}/directory/members/AUS/edit`);
  await signIn(page, server, ADMIN);

  // The member-admin sets the member's default sharing for new reports.
  const defaults = page.getByRole('form', { name: 'Default sharing of new reports' });
  await defaults.getByRole('radio', { name: 'All full members' }).check();
  await defaults.getByRole('radio', { name: /^TLP:GREEN/ }).check();
  await defaults.getByRole('checkbox', { name: /count towards regional aggregates/ }).check();
  await expect.poll(() => defaults.getByRole('status', { name: 'Will be seen by' }).textContent()).toContain('all full members');
  await defaults.getByRole('button', { name: 'Save default sharing' }).click();
  await defaults.getByText('Saved: new reports start with these.').waitFor();

  // A new report starts from it and says who will see it.
  await page.goto(`${server.url}/reports/new`);
  const sharing = page.getByRole('group', { name: 'Sharing', exact: true });
  await sharing.getByRole('radio', { name: 'All full members' }).waitFor();
  expect(await sharing.getByRole('radio', { name: 'All full members' }).isChecked()).toBe(true);
  expect(await sharing.getByRole('radio', { name: /^TLP:GREEN/ }).isChecked()).toBe(true);
  expect(await page.getByRole('checkbox', { name: /Count towards regional aggregates/ }).isChecked()).toBe(true);
  const seenBy = page.getByRole('status', { name: 'Will be seen by' });
  expect(await seenBy.textContent()).toMatch(/Will be seen by: all full members, once approved\. It counts towards regional aggregates\./);
  await sharing.getByRole('radio', { name: 'Only my member' }).check();
  await expect.poll(() => seenBy.textContent()).toMatch(/your member only/);
  await sharing.getByRole('radio', { name: 'All full members' }).check();

  const incident = page.getByRole('group', { name: 'The incident' });
  await incident.getByLabel('Incident type').selectOption({ label: 'Smuggling by sea' });
  await incident.getByLabel('From', { exact: true }).fill('2025-02-01');
  await incident.getByLabel('Country', { exact: true }).selectOption('IDN');
  const people = page.getByRole('group', { name: 'People moved' });
  // The first group gives every count (a wide table), the second only women: its other counts are unknown.
  await people.getByRole('button', { name: 'Add a citizenship' }).click();
  const first = people.getByRole('group', { name: 'Group 1' });
  await first.getByLabel('Citizenship').selectOption('AFG');
  for (const [label, value] of [['Men', '120'], ['Women', '35'], ['Boys', '14'], ['Girls', '11'], ['Sex or age unknown', '3'], ['Unaccompanied children', '9']] as const) {
    await first.getByLabel(label, { exact: true }).fill(value);
  }
  await people.getByRole('button', { name: 'Add a citizenship' }).click();
  const second = people.getByRole('group', { name: 'Group 2' });
  await second.getByLabel('Citizenship').selectOption('LKA');
  await second.getByLabel('Women', { exact: true }).fill('2');
  await page.getByRole('group', { name: 'Outcomes' }).getByLabel('Rescued').fill('0');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await page.waitForURL(/\/reports\/[0-9a-f-]{36}$/);

  // Unknown reads as unknown, 0 as 0; empty parts are left out.
  await page.getByRole('heading', { level: 2, name: 'People moved (185 people)' }).waitFor();
  const table = page.getByRole('region', { name: 'People moved, by citizenship' }).getByRole('table');
  const lanka = table.getByRole('row', { name: /Sri Lanka/ });
  expect(await lanka.getByRole('cell').allTextContents()).toEqual(['not known', '2', 'not known', 'not known', 'not known', 'not known']);
  const term = (name: string) => page.getByRole('term').filter({ hasText: new RegExp(`^${name}$`) });
  expect(await term('Outcomes').evaluate((element) => element.nextElementSibling?.textContent)).toBe('Rescued: 0');
  expect(await term('Law enforcement').evaluate((element) => element.nextElementSibling?.textContent)).toBe('not known');
  expect(await term('Smugglers').count()).toBe(0);
  expect(await page.getByText('— · —').count()).toBe(0);

  for (const width of [1366, 768]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(200);
    const wide = await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(0, 8).map((e) => `${e.tagName}.${e.className}:${Math.round(e.getBoundingClientRect().right)}`).join(' | '));
    expect(await sideways(), `sideways at ${width}: ${wide}`).toBe(false);
    expect(await tableFitsCard(), `table inside its card at ${width}`).toBe(true);
    await page.screenshot({ path: `${SCREENS}/reports-report-${width}.png`, fullPage: true });
  }

  // The regional summary opens on a year with figures (the server computes the first release at start).
  await page.setViewportSize({ width: 1366, height: 900 });
  await expect.poll(async () => {
    await page.goto(`${server.url}/reports/summary`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    return page.getByRole('heading', { level: 1, name: /^Regional summary, \d{4}$/ }).count();
  }, { timeout: 30_000 }).toBe(1);
  expect(await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Report analysis' }).getAttribute('aria-current')).toBe('page');
  expect(await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Reports', exact: true }).getAttribute('aria-current')).toBeNull();
  const bars = await page.locator('.summary-bars td').allTextContents();
  expect(bars.length).toBeGreaterThan(0);
  for (const bar of bars) expect(bar).toMatch(/^(1 (report|person)|(0|[2-9]|\d{2,}|\d{1,3}(,\d{3})+) (reports|people))$/);
  await page.screenshot({ path: `${SCREENS}/reports-summary-1366.png`, fullPage: true });
  // A year without figures says why instead of showing bare headings.
  await page.goto(`${server.url}/reports/summary?period=1999`);
  await page.getByText(/No member has regional reports in 1999 that may be published/).waitFor();
  expect(await page.getByRole('heading', { level: 2 }).count()).toBe(0);
  await page.screenshot({ path: `${SCREENS}/reports-summary-empty.png` });
  expect(problems).toEqual([]);
}, 180_000);
