import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

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

test.skipIf(!browserAvailable)('a token asked for long after sign-in: a dialog asks for the password again, then the token is created', async () => {
  // Still the officer of the first test; its sign-in was a while ago, as far as the server knows.
  await server.passwordEnteredAgo(EMAIL, 120);
  await page.goto(`${server.url}/account`);
  const tokenForm = page.getByRole('form', { name: 'New token' });
  await tokenForm.getByLabel('Name', { exact: true }).fill('Airport border system');
  await tokenForm.getByRole('checkbox', { name: 'Officer' }).check();
  await tokenForm.getByRole('button', { name: 'Create token' }).click();
  const dialog = page.getByRole('dialog', { name: 'Confirm it is you' });
  await dialog.waitFor();
  await dialog.getByLabel('Password', { exact: true }).fill('not the password at all');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.getByText('is not your password').first().waitFor();
  await dialog.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  // The dialog closes and the refused request is sent again: the token is made.
  await page.getByText('The token “Airport border system” was created.').waitFor();
  expect(await dialog.isVisible()).toBe(false);
  expect(problems.filter((problem) => !/status of 40[03]/.test(problem))).toEqual([]);
  problems.length = 0;
}, 120_000);

test.skipIf(!browserAvailable)('a password link opens with its token in the fragment, which leaves the address bar; the strength meter judges the new password', async () => {
  const link = new URL(await server.resetLinkFor('analyst@aus.demo'));
  // ASVS 8.3.1: the token is in the fragment, which the browser never sends to the server.
  expect(link.search).toBe('');
  const token = new URLSearchParams(link.hash.slice(1)).get('token') ?? '';
  expect(token.length).toBeGreaterThan(20);
  const sent: string[] = [];
  page.on('request', (request) => sent.push(request.url()));
  await page.goto(`${server.url}${link.pathname}${link.hash}`);
  await page.getByRole('heading', { level: 1, name: 'Set a new password' }).waitFor();
  expect(page.url()).toBe(`${server.url}/reset-password`);

  // ASVS 2.1.8: the meter under the new password, with zxcvbn's score and its warning.
  const password = page.getByLabel('New password', { exact: true });
  const meter = page.locator('.password-strength');
  await password.fill('password1234');
  await expect.poll(() => meter.textContent(), { timeout: 15_000 }).toMatch(/^Strength: (very weak|weak)\./);
  await page.getByLabel('Repeat the new password').fill('password1234');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText('this password is among the most common').or(page.getByText('this password is too easy to guess')).first().waitFor();

  await password.fill('tidal ferry lantern quietly');
  await expect.poll(() => meter.textContent(), { timeout: 15_000 }).toBe('Strength: very strong.');
  await page.getByLabel('Repeat the new password').fill('tidal ferry lantern quietly');
  await page.getByRole('button', { name: 'Set password' }).click();
  await page.getByText('Your password was changed.').waitFor();
  expect(sent.filter((url) => url.includes(token))).toEqual([]);
  expect(problems.filter((problem) => !/status of 400/.test(problem))).toEqual([]);
}, 120_000);

test.skipIf(!browserAvailable)('an officer who lost its authenticator: the member-admin resets its two-step after saying how it proofed them, at 1366 and 768 px; the officer then signs in without a code', async () => {
  const ADMIN = 'admin@aus.demo';
  await page.context().clearCookies();
  await server.giveDemoSecondFactor(ADMIN);
  await page.setViewportSize({ width: 1366, height: 900 });
  await page.goto(`${server.url}/directory/members/AUS`);
  await signIn(page, server, ADMIN);
  const users = page.getByRole('region', { name: 'Users' });
  const officerRow = users.getByRole('row', { name: /Alex Morgan/ });
  await expect.poll(() => officerRow.getByRole('cell').nth(3).textContent()).toBe('On');
  await users.getByRole('button', { name: 'Reset two-step for Alex Morgan' }).click();
  const form = users.getByRole('form', { name: 'Reset two-step for Alex Morgan' });
  await form.getByRole('button', { name: 'Reset two-step' }).click();
  // Not said how: the field says what is missing, and nothing was reset.
  await form.locator('.field-invalid').getByLabel('How you confirmed it is them').waitFor();
  await page.screenshot({ path: 'test-results/screenshots/second-factor-reset-1366.png', fullPage: true });
  await form.getByLabel('How you confirmed it is them').fill('Called back on the number on record by Chris Walker, 5 Dec');
  await page.setViewportSize({ width: 768, height: 1024 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth)).toBe(false);
  await page.screenshot({ path: 'test-results/screenshots/second-factor-reset-768.png', fullPage: true });
  await form.getByRole('button', { name: 'Reset two-step' }).click();
  await users.getByText('The two-step of Alex Morgan was reset').waitFor();
  await expect.poll(() => officerRow.getByRole('cell').nth(3).textContent()).toBe('Off');
  expect(await users.getByRole('button', { name: 'Reset two-step for Alex Morgan' }).count()).toBe(0);

  // The officer signs in with its password alone (neither its member nor its role requires a factor).
  await page.context().clearCookies();
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('E-mail').fill(EMAIL);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Modules' }).waitFor();
  expect(await page.getByLabel('Authentication code').count()).toBe(0);
  expect(problems.filter((problem) => !/status of 40[0139]/.test(problem))).toEqual([]);
}, 120_000);
