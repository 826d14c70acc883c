import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, openBrowserSession, type BrowserSession } from '../support/browser.js';

// The web app in Debian's Chromium against a real server with the demo data: sign-in with a
// second factor, the directory, a library search with highlighted matches, and a document.

const EMAIL = 'officer@aus.demo';
const SCREENSHOT = '/tmp/lintas-library.png';

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

test.skipIf(!browserAvailable)('an officer signs in with a code, finds a member and reads a library document', async () => {
  await page.goto(server.url);
  await page.waitForURL(/\/sign-in/);

  await page.getByLabel('E-mail').fill(EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const code = page.getByLabel('Authentication code');
  await code.waitFor();
  await code.fill(await server.totpFor(EMAIL));
  await page.getByRole('button', { name: 'Continue' }).click();

  // Signed in: the app opens on the home page; the Directory is one link away.
  const modules = page.getByRole('navigation', { name: 'Modules' });
  await modules.getByRole('link', { name: 'Directory' }).click();
  await page.getByRole('heading', { level: 1, name: 'Directory' }).waitFor();
  const indonesia = page.getByRole('table').getByRole('link', { name: 'Indonesia', exact: true });
  await indonesia.waitFor();
  expect(await indonesia.isVisible()).toBe(true);

  // The library: search, and see a highlighted match in the results.
  await modules.getByRole('link', { name: 'Library' }).click();
  await page.getByRole('heading', { level: 1, name: 'Library' }).waitFor();
  await page.getByLabel('Search the library').fill('smuggling');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForURL(/[?&]q=smuggling/);
  const results = page.getByRole('list').filter({ has: page.getByRole('heading', { level: 3 }) });
  const firstMatch = results.locator('mark').first();
  await firstMatch.waitFor();
  expect((await firstMatch.textContent())?.toLowerCase()).toContain('smuggl');
  await page.screenshot({ path: SCREENSHOT, fullPage: false });

  // Open the first result: its title and its text are there.
  const firstTitle = results.getByRole('heading', { level: 3 }).first().getByRole('link');
  const title = (await firstTitle.textContent())?.trim() ?? '';
  expect(title).not.toBe('');
  await firstTitle.click();
  await page.waitForURL(/\/library\/[0-9a-f-]{36}$/);
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  const text = page.getByRole('article', { name: 'Text' });
  await text.waitFor();
  expect((await text.textContent())?.toLowerCase()).toContain('smuggling');

  expect(problems).toEqual([]);
}, 120_000);
