import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startTestServer } from '../support/server.js';

// The web app in Debian's Chromium against a real server with the demo data: sign-in with a
// second factor, the directory, a library search with highlighted matches, and a document.

const EMAIL = 'officer@aus.demo';
const PASSWORD = 'lintas-demo-password';
const SCREENSHOT = '/tmp/lintas-library.png';

const CHROMIUM = '/usr/bin/chromium';
// A developer's machine without Debian's chromium skips with a message; CI installs it, so there it must run.
const browserAvailable = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!browserAvailable) console.warn(`Browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  if (!browserAvailable) return;
  // The server serves web/dist: build it from the sources under test, as production does (Vitest
  // sets NODE_ENV=test, which would bundle React's development build).
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: fileURLToPath(new URL('../../web/vite.config.ts', import.meta.url)), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  // Script errors and CSP refusals would break the app silently; collect them and fail at the end.
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 40[14]/.test(message.text())) problems.push(`console: ${message.text()}`);
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

test.skipIf(!browserAvailable)('an officer signs in with a code, finds a member and reads a library document', async () => {
  await page.goto(server.url);
  await page.waitForURL(/\/sign-in/);

  await page.getByLabel('E-mail').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const code = page.getByLabel('Authentication code');
  await code.waitFor();
  await code.fill(await server.totpFor(EMAIL));
  await page.getByRole('button', { name: 'Continue' }).click();

  // Signed in: the app opens on the Directory.
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
