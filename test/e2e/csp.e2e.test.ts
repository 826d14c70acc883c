import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, openBrowserSession, type BrowserSession } from '../support/browser.js';
import { TEST_DB_KIND } from '../support/db.js';

// Script injected into the web app does not run: text a user wrote (a library document's title and
// body holding markup) is shown as text, and an inline script or event handler put into the page
// (as a cross-site-scripting bug would) is refused by the Content-Security-Policy, which the
// browser reports. The same injection into a page served without the policy runs, so the test
// would notice a policy that no longer refuses it.

const ANALYST = 'analyst@aus.demo';
const TITLE = `<img src="data:," onerror="window.__injected = 'title'">Injected title`;
const BODY = `<script>window.__injected = 'body'</script> smuggling text <img src="data:," onerror="window.__injected = 'body image'">`;
// Chromium's words for it (older versions said "Refused to execute inline script").
const REFUSED = /(Executing|Refused to execute) inline (script|event handler).*Content Security Policy/;

let session: BrowserSession | undefined;
let page: Page;
let server: BrowserSession['server'];
let problems: string[] = [];
const refusals: string[] = [];
let unprotected: BrowserContext | undefined;

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession({ expectedConsoleErrors: new RegExp(`status of 40[14]|${REFUSED.source}`) });
  ({ page, server, problems } = session);
  page.on('console', (message) => {
    if (REFUSED.test(message.text())) refusals.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  await unprotected?.close();
  await session?.close();
});

/** Counts the page's CSP violation reports from now on, and clears the flag injected script would set. */
async function watchViolations(target: Page): Promise<void> {
  await target.evaluate(() => {
    const global = window as unknown as { __violations: string[]; __injected?: string };
    global.__violations = [];
    delete global.__injected;
    document.addEventListener('securitypolicyviolation', (event) => global.__violations.push(event.effectiveDirective));
  });
}

/** What a cross-site-scripting bug would do: an inline script element and an element with an inline event handler. */
async function inject(target: Page): Promise<void> {
  await target.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = "window.__injected = 'script element'";
    document.head.append(script);
    const holder = document.createElement('div');
    holder.innerHTML = `<img src="data:," onerror="window.__injected = 'event handler'">`;
    document.body.append(holder);
  });
}

const injected = (target: Page): Promise<string | null> => target.evaluate(() => (window as unknown as { __injected?: string }).__injected ?? null);
const violations = (target: Page): Promise<string[]> => target.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

test.skipIf(!browserAvailable)('markup in a document is shown as text, and injected inline script is refused and reported', async () => {
  // The browser tests run on both legs: this server is on the leg's database.
  expect(server.kind).toBe(TEST_DB_KIND);
  // An analyst writes a library document whose title and body hold markup, through the API.
  expect((await page.request.post(`${server.url}/api/v1/auth/sign-in`, { data: { email: ANALYST, password: DEMO_PASSWORD } })).status()).toBe(200);
  const me = (await (await page.request.get(`${server.url}/api/v1/auth/session`)).json()) as { csrfToken: string };
  const created = await page.request.post(`${server.url}/api/v1/library/documents`, {
    headers: { 'x-csrf-token': me.csrfToken },
    data: { title: TITLE, body: BODY, category: 'other', sharing: { audience: { kind: 'owner' }, tlp: 'GREEN' } },
  });
  expect(created.status()).toBe(201);
  const { data } = (await created.json()) as { data: { id: string } };

  await page.goto(`${server.url}/library/${data.id}`);
  await watchViolations(page);
  await page.getByRole('heading', { level: 1, name: TITLE }).waitFor();
  const text = page.getByRole('article', { name: 'Text' });
  await text.waitFor();
  expect(await text.textContent()).toContain("<script>window.__injected = 'body'</script>");
  expect(await page.locator('main img').count()).toBe(0);

  await inject(page);
  await expect.poll(() => violations(page)).toEqual(expect.arrayContaining(['script-src-elem', 'script-src-attr']));
  expect(await injected(page)).toBeNull();
  await expect.poll(() => refusals.length).toBeGreaterThanOrEqual(2);
  expect(refusals.join('\n')).toMatch(/inline script/);
  expect(refusals.join('\n')).toMatch(/inline event handler/);
  expect(problems).toEqual([]);
}, 120_000);

test.skipIf(!browserAvailable)('the same injection runs in a page served without the policy', async () => {
  unprotected = await session!.browser.newContext();
  await unprotected.route(`${server.url}/**`, async (route) => {
    // A request still on its way when the test closes the context (the favicon) is dropped, not an error.
    try {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['content-security-policy'];
      await route.fulfill({ response, headers });
    } catch {
      await route.abort().catch(() => undefined);
    }
  });
  const other = await unprotected.newPage();
  await other.goto(`${server.url}/sign-in`);
  await other.getByLabel('E-mail').waitFor();
  await watchViolations(other);
  await inject(other);
  await expect.poll(() => injected(other)).not.toBeNull();
  expect(await violations(other)).toEqual([]);
}, 120_000);
