import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The dashboard's two layers in Debian's Chromium against a real server with the demo data: the
// exact layer and the regional release side by side under their own headings; the release says when it was
// computed and shows its cells as a chart and a table; the regional summary opens on the latest
// year the release publishes, at 1366 and 768 px without sideways scrolling. Screenshots are kept
// in /tmp/lintas-screens.

const ANALYST = 'analyst@aus.demo';
const SCREENS = '/tmp/lintas-screens';

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

test.skipIf(!browserAvailable)('the exact layer and the regional release side by side, and the summary from the release', async () => {
  const { server, problems } = session as BrowserSession;
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${server.url}/reports/dashboard`);
  await signIn(page, server, ANALYST);
  await page.getByRole('heading', { level: 1, name: 'Reports dashboard' }).waitFor();

  // Both layers on one page, each under its own heading and line, the exact one first.
  const exact = page.getByRole('region', { name: 'What you can see', exact: true });
  const layer = page.getByRole('region', { name: 'Regional release', exact: true });
  await exact.getByText(/Reports you cannot see are not counted here/).waitFor();
  await layer.getByText(/perturbed and the same for every member/).waitFor();
  const [exactBox, releaseBox] = [await exact.boundingBox(), await layer.boundingBox()];
  // Side by side at this width.
  expect(exactBox && releaseBox && releaseBox.x >= exactBox.x + exactBox.width).toBe(true);
  // The server computes the first release in the background at start: wait for it.
  await expect.poll(async () => {
    if ((await page.getByText(/^Computed /).count()) === 0) await page.reload();
    return layer.getByText(/covering the periods that ended before \d{4}-\d{2}-01/).count();
  }, { timeout: 30_000 }).toBe(1);
  const picker = page.getByRole('form', { name: 'Release table' });
  await picker.getByLabel('Table').selectOption('incidentType');
  await page.waitForURL(/table=incidentType/);
  await picker.getByLabel('Period').selectOption('year');
  await page.waitForURL(/table=incidentType&releaseInterval=year/);
  const chart = page.getByRole('region', { name: 'Reports in the regional release (perturbed)' });
  await chart.getByRole('img').waitFor();
  await page.screenshot({ path: `${SCREENS}/release-1366.png` });
  await chart.getByText(/^Table \(/).click();
  const rows = chart.getByRole('row');
  expect(await rows.count()).toBeGreaterThan(2);
  await expect.poll(() => chart.getByRole('cell', { name: 'Smuggling by sea' }).count()).toBeGreaterThan(0);
  expect(await page.getByText(/fewer than|suppressed/i).count()).toBe(0);

  await page.goto(`${server.url}/reports/summary`);
  await page.getByRole('heading', { level: 1, name: /^Regional summary, \d{4}$/ }).waitFor();
  expect(await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Report analysis' }).getAttribute('aria-current')).toBe('page');
  await page.getByText(/From the regional release/).waitFor();
  expect(await page.getByRole('term').filter({ hasText: /^Incident reports$/ }).count()).toBe(1);
  await page.screenshot({ path: `${SCREENS}/summary-1366.png` });

  await page.setViewportSize({ width: 768, height: 900 });
  for (const path of ['/reports/dashboard', '/reports/dashboard?table=route&releaseInterval=quarter', '/reports/summary']) {
    await page.goto(`${server.url}${path}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.waitForTimeout(300);
    expect(await sideways(), path).toBe(false);
  }
  await page.screenshot({ path: `${SCREENS}/summary-768.png` });
  expect(problems).toEqual([]);
}, 120_000);
