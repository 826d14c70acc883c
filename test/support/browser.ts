import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page, type Request } from 'playwright-core';
import { startTestServer } from './server.js';

export const CHROMIUM = '/usr/bin/chromium';

/** A developer's machine without Debian's chromium skips the browser tests with a message; CI installs it, so there they must run. */
export const browserAvailable = existsSync(CHROMIUM) || process.env.CI === 'true';
if (!browserAvailable) console.warn(`Browser tests skipped: ${CHROMIUM} is missing (apt-get install chromium).`);

export interface BrowserSession {
  server: Awaited<ReturnType<typeof startTestServer>>;
  browser: Browser;
  page: Page;
  /** Script errors, CSP refusals and console errors seen so far: a test ends by expecting none. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, started with the flags this closed network needs: once per test worker (the
 * worker runs its files one after another and keeps its modules, vitest.config.ts), as a second
 * a file is spent starting it. Each session has contexts of its own (cookies, storage, cache), closed
 * with it, so nothing of one file's pages reaches the next. It ends with the worker.
 */
let sharedBrowser: Promise<Browser> | undefined;
function workerBrowser(): Promise<Browser> {
  const launching = (sharedBrowser ??= chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  }));
  return launching.then((browser) => {
    if (browser.isConnected()) return browser;
    sharedBrowser = undefined;
    return workerBrowser();
  });
}

/**
 * A whole server with the demo data (serving web/dist, built by the global setup) and a page in
 * Chromium; `browser.newContext()` gives the test more users' pages, closed with the session.
 */
export async function openBrowserSession(options: { expectedConsoleErrors?: RegExp; env?: Record<string, string> } = {}): Promise<BrowserSession> {
  const server = await startTestServer(options.env ? { env: options.env } : {});
  const browser = await workerBrowser();
  const before = new Set(browser.contexts());
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  trackRequests(page);
  const problems: string[] = [];
  const expected = options.expectedConsoleErrors ?? /status of 40[14]/;
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected.test(message.text())) problems.push(`console: ${message.text()}`);
  });
  return {
    server,
    browser,
    page,
    problems,
    async close() {
      // The contexts this session's file made (one file runs at a time in a worker); the browser stays.
      for (const made of browser.contexts()) if (!before.has(made)) await made.close();
      await server.close();
    },
  };
}

/** The password of every demo user. */
export const DEMO_PASSWORD = 'lintas-demo-password';

/**
 * Signs a demo user in at the sign-in page the browser is at or is sent to, answering the
 * authentication code when the user has one, and waits for the app's navigation.
 */
export async function signIn(page: Page, server: BrowserSession['server'], email: string): Promise<void> {
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const code = page.getByLabel('Authentication code');
  const modules = page.getByRole('navigation', { name: 'Modules' });
  await code.or(modules).first().waitFor();
  if (await code.isVisible()) {
    await code.fill(await server.totpFor(email));
    await page.getByRole('button', { name: 'Continue' }).click();
  }
  await modules.waitFor();
}

/** The live unread count's stream (web/src/live.ts) stays open as long as the page: it is never "done". */
const LIVE_STREAM = /\/api\/v1\/inbox\/stream$/;
const inFlight = new WeakMap<Page, Set<Request>>();

/** Counts a page's requests in flight, for `waitForData`: openBrowserSession does it for its page; call it for a page of your own before its first request. */
export function trackRequests(page: Page): void {
  const open = new Set<Request>();
  inFlight.set(page, open);
  page.on('request', (request) => {
    if (!LIVE_STREAM.test(request.url())) open.add(request);
  });
  page.on('requestfinished', (request) => open.delete(request));
  page.on('requestfailed', (request) => open.delete(request));
}

/**
 * Goes to PATH (on the server at BASE) as a link in the web app goes there (the History API, which
 * web/src/router.tsx follows), without loading the app again; the first visit loads it. The layout
 * walkers visit sixty pages each in one session: a load each would cost them most of their time.
 */
export async function visit(page: Page, base: string, path: string): Promise<void> {
  if (!page.url().startsWith(`${base}/`)) {
    await page.goto(`${base}${path}`);
    return;
  }
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
    window.scrollTo(0, 0);
  }, path);
}

/**
 * The layout walkers (tablet, pseudo-locale) keep a full-page screenshot of every page they visit
 * when LINTAS_TEST_SCREENSHOTS=1, for a person to look at (test-results/screenshots); the suite
 * otherwise skips them: a hundred full-page images cost it half a minute and nobody reads them in CI.
 */
export const keepScreenshots = process.env.LINTAS_TEST_SCREENSHOTS === '1';

/** Keeps a full-page screenshot of the page as test-results/screenshots/NAME.png, when keepScreenshots. */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  if (keepScreenshots) await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

/**
 * Waits until the page's data has come: every request it made has been answered and none started for
 * 250 ms (a page asks for more once the first answer is shown; what shows as loading meanwhile is waited for below), the live stream aside: it stays open,
 * so Playwright's `networkidle` never comes. Then nothing on the page still shows as loading.
 */
export async function waitForData(page: Page): Promise<void> {
  const open = inFlight.get(page);
  if (!open) throw new Error('this page’s requests are not tracked: open it with openBrowserSession, or call trackRequests');
  const deadline = Date.now() + 15_000;
  let quietSince = Date.now();
  for (;;) {
    if (open.size > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= 250) break;
    if (Date.now() > deadline) throw new Error(`requests still open: ${[...open].map((request) => request.url()).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await page.waitForFunction(() => document.querySelectorAll('.loading').length === 0);
}
