import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The home page in Debian's Chromium against a real server with the demo data. Australia's admin
// (every role) submits a report, its officer two more, and Indonesia reports an Australian passport; the admin's home then counts the officer's but
// not its own (four eyes), and every count on the home page and in the navigation's badges is what the
// list it links to shows. At 1366 and 768 px nothing scrolls sideways. While the session loads the app's
// frame shows a skeleton; a user holding an API token gets the link to the API docs.

const ADMIN = 'admin@aus.demo';
const OFFICER = 'officer@aus.demo';
const SCREENSHOT = '/tmp/lintas-home.png';

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

const sideways = (): Promise<boolean> => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);

/** Writes and submits reports as the signed-in user, through the API as the page's own session; answers their ids. */
async function submitReports(places: string[]): Promise<string[]> {
  return page.evaluate(async (list) => {
    const who = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const headers = { 'content-type': 'application/json', 'x-csrf-token': who.csrfToken };
    const ids: string[] = [];
    for (const place of list) {
      const created = await fetch('/api/v1/reports', {
        method: 'POST',
        headers,
        body: JSON.stringify({ when: { from: '2025-07-01' }, where: { country: 'IDN', place }, incidentType: 'smuggling-sea', sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } }),
      });
      const id = ((await created.json()) as { data: { id: string } }).data.id;
      const submitted = await fetch(`/api/v1/reports/${id}/submit`, { method: 'POST', headers, body: '{}' });
      if (!submitted.ok) throw new Error(`submit answered ${submitted.status}`);
      ids.push(id);
    }
    return ids;
  }, places);
}

async function signOut(): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
}

interface Shown {
  key: string;
  count: number;
  href: string;
}

/** The home page's counts, once they are there. */
async function homeCounts(): Promise<Shown[]> {
  await page.getByRole('heading', { level: 2, name: 'Needs your action' }).waitFor();
  const items = page.locator('[data-attention]');
  await items.first().waitFor();
  return items.evaluateAll((links) =>
    links.map((link) => ({
      key: link.getAttribute('data-attention') ?? '',
      count: Number(link.querySelector('.attention-count')?.textContent),
      href: link.getAttribute('href') ?? '',
    })),
  );
}

/** What the list page a count links to shows: its unread notifications, its reports, hits or documents. */
async function listedAt(shown: Shown): Promise<number> {
  await page.locator(`[data-attention="${shown.key}"]`).click();
  await page.waitForURL((url) => url.pathname + url.search === shown.href);
  if (shown.key === 'inbox/unread') {
    await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
    await page.locator('.notification').first().waitFor();
    return page.locator('.notification-unread').count();
  }
  // Every count here is above zero (asserted before), so the list has loaded once it says how many it shows.
  const status = page.getByRole('status').filter({ hasText: /^\d+\+? (reports|hits?|documents?|requests?)( on \d+ documents?)?$/ });
  await status.waitFor();
  const text = (await status.textContent()) ?? '';
  expect(text, shown.key).not.toContain('+');
  const rows = { 'reports/to-approve': 'ol.results > li', 'documents/hits-to-answer': 'ol.hit-groups table.hit-table tbody tr', 'documents/reports-to-confirm': 'table tbody tr', 'linkage/requests-to-decide': 'table.requests-table tbody tr' }[shown.key];
  const items = await page.locator(rows ?? 'none').count();
  expect(Number(/^\d+/.exec(text)?.[0]), shown.key).toBe(items);
  return items;
}

test.skipIf(!browserAvailable)('the home page counts what waits for the user, exactly as the lists it links to show, at 1366 and 768 px', async () => {
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(server.url);
  await signIn(page, server, ADMIN);
  // Signed in, the app opens on the home page.
  await page.waitForURL((url) => url.pathname === '/');
  const [own] = await submitReports(['Home Cove Admin']);
  await signOut();
  await signIn(page, server, OFFICER);
  await submitReports(['Home Cove One', 'Home Cove Two']);
  await signOut();
  // Indonesia reports an Australian passport seized as counterfeit: it waits for Australia to confirm it.
  await signIn(page, server, 'officer@idn.demo');
  const reported = await page.evaluate(async () => {
    const who = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const response = await fetch('/api/v1/documents/reports', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrfToken },
      body: JSON.stringify({ issuer: 'AUS', type: 'passport', number: 'HOMEE2E01', status: 'counterfeit', note: 'Seized at Soekarno-Hatta' }),
    });
    return response.status;
  });
  expect(reported).toBe(201);
  await signOut();

  await signIn(page, server, ADMIN);
  await page.waitForURL((url) => url.pathname === '/');
  await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
  const counts = await homeCounts();
  expect(counts.map((item) => item.key).sort()).toEqual(['biometrics/step-two-to-decide', 'documents/hits-to-answer', 'documents/reports-to-confirm', 'inbox/unread', 'linkage/requests-to-decide', 'reports/to-approve']);
  // The demo holds no step-two request: nothing waits there, and Biometrics has no badge (below).
  expect(counts.find((item) => item.key === 'biometrics/step-two-to-decide')?.count).toBe(0);
  expect(counts.find((item) => item.key === 'documents/reports-to-confirm')?.count).toBeGreaterThanOrEqual(1);
  const toApprove = counts.find((item) => item.key === 'reports/to-approve');
  // The officer's two at least, and never the admin's own (four eyes).
  expect(toApprove?.count).toBeGreaterThanOrEqual(2);
  const waiting = await page.evaluate(async () => ((await (await fetch('/api/v1/reports?toApprove=true&limit=100')).json()) as { data: { id: string }[] }).data.map((report) => report.id));
  expect(waiting).not.toContain(own);
  expect(waiting).toHaveLength(toApprove?.count ?? -1);
  // The officer's two submissions told every approver of Australia, the admin among them.
  expect(counts.find((item) => item.key === 'inbox/unread')?.count).toBeGreaterThanOrEqual(2);
  // The demo's hit on an Australian passport waits for Australia's answer.
  expect(counts.find((item) => item.key === 'documents/hits-to-answer')?.count).toBeGreaterThanOrEqual(1);
  // The demo's disclosure request from Indonesia waits for Australia's approvers.
  expect(counts.find((item) => item.key === 'linkage/requests-to-decide')?.count).toBeGreaterThanOrEqual(1);

  const nav = page.getByRole('navigation', { name: 'Modules' });
  // The user's own pages (inbox, account) are in the header, beside the user's name.
  const personal = page.getByRole('navigation', { name: 'Your pages' });
  // The navigation's badges say each module's sum.
  for (const module of ['reports', 'documents', 'inbox', 'linkage', 'biometrics']) {
    const sum = counts.filter((item) => item.key.startsWith(`${module}/`)).reduce((total, item) => total + item.count, 0);
    const badge = (module === 'inbox' ? personal : nav).locator(`[data-badge="${module}"]`);
    if (sum === 0) expect(await badge.count(), module).toBe(0);
    else expect(Number(await badge.textContent()), module).toBe(sum);
  }
  // The link keeps its name; the count is its description.
  await nav.getByRole('link', { name: 'Reports', exact: true }).waitFor();

  for (const width of [1366, 768]) {
    await page.setViewportSize({ width, height: 900 });
    expect(await sideways(), `home at ${width} px`).toBe(false);
    if (width === 1366) {
      // Every module on one line at a laptop's width.
      const list = (await nav.locator('ul').boundingBox())?.height ?? 0;
      const link = (await nav.getByRole('link', { name: 'Home', exact: true }).boundingBox())?.height ?? 0;
      expect(link).toBeGreaterThan(0);
      expect(list, 'the modules wrap to a second line at 1366 px').toBeLessThan(link * 1.5);
    }
  }
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.setViewportSize({ width: 1366, height: 900 });

  // Each count is what its list shows (biometrics.e2e follows a step-two count to its list).
  for (const item of counts.filter((counted) => counted.count > 0)) {
    await nav.getByRole('link', { name: 'Home', exact: true }).click();
    await homeCounts();
    expect(await listedAt(item), item.key).toBe(item.count);
    expect(await sideways(), `${item.href} at 1366 px`).toBe(false);
  }

  // Shortcuts follow the roles: the admin approves, registers and checks.
  await nav.getByRole('link', { name: 'Home', exact: true }).click();
  const shortcuts = page.getByRole('region', { name: 'Shortcuts' });
  await shortcuts.getByRole('link', { name: 'Reports waiting for my approval' }).waitFor();
  expect(await shortcuts.getByRole('link', { name: 'Check a travel document' }).count()).toBe(1);
  expect(problems).toEqual([]);
}, 180_000);

test.skipIf(!browserAvailable)('a user with an API token gets the API docs link; one without does not', async () => {
  await page.goto(`${server.url}/`);
  const shortcuts = page.getByRole('region', { name: 'Shortcuts' });
  await shortcuts.getByRole('link').first().waitFor();
  expect(await shortcuts.getByRole('link', { name: 'the API documentation' }).count()).toBe(0);
  const created = await page.evaluate(async () => {
    const who = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const response = await fetch('/api/v1/account/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrfToken },
      body: JSON.stringify({ name: 'border system', roles: ['officer'], expiresInDays: 30 }),
    });
    return response.status;
  });
  expect(created).toBe(201);
  await page.reload();
  const link = page.getByRole('region', { name: 'Shortcuts' }).getByRole('link', { name: 'the API documentation' });
  await link.waitFor();
  expect(await link.getAttribute('href')).toBe('/api/docs/');
}, 60_000);

test.skipIf(!browserAvailable)('while the session loads, the app’s frame shows with a skeleton, not a bare word', async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/api/v1/auth/session', async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(`${server.url}/`);
  const frame = page.locator('.app-frame[aria-busy="true"]');
  await frame.waitFor();
  expect(await frame.locator('.site-header .brand').textContent()).toBe('Lintas');
  expect(await frame.locator('.skeleton').count()).toBeGreaterThan(5);
  expect(await page.getByRole('status').filter({ hasText: 'Loading…' }).count()).toBe(1);
  release();
  await page.getByRole('heading', { level: 1, name: /^Welcome, / }).waitFor();
  expect(await frame.count()).toBe(0);
  await page.unroute('**/api/v1/auth/session');
}, 60_000);
