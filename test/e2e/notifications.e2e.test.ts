import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { unsubscribeToken } from '../../src/platform/notify/subscriptions.js';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// Notifications in Debian's Chromium against a server with the demo data. Indonesia's admin sets a
// time zone, downloads their account data, and subscribes to document-fraud alerts; Malaysia issues one (through the
// API, in a second browser); the header's unread badge goes up at once, without reloading (the live
// stream); opening the inbox and marking it read brings it down. The e-mail's unsubscribe link ends
// the subscription after a button press. The admin registers a webhook to a receiver on loopback,
// sees the signing secret once, sends a test message, finds it sent in the delivery log and sends it
// again (same webhook-id). Signing out closes the live stream.

const SUBSCRIBER = 'admin@idn.demo';
const ISSUER = 'officer@mys.demo';
const TITLE = 'Forged Indonesian visa foils at Johor Bahru';
const SCREENSHOTS = 'test-results/screenshots';
const WIDE = { width: 1366, height: 900 };
const NARROW = { width: 768, height: 1024 };

let session: BrowserSession | undefined;
let page: Page;
let problems: string[] = [];
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
/** The live streams the page has open (requests to /inbox/stream not ended). */
let openStreams = 0;

beforeAll(async () => {
  if (!browserAvailable) return;
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  session = await openBrowserSession({ env: { LINTAS_WEBHOOK_ALLOW_LOOPBACK_HTTP: 'on' } });
  ({ page, problems } = session);
  const isStream = (url: string): boolean => url.endsWith('/api/v1/inbox/stream');
  page.on('request', (request) => (openStreams += isStream(request.url()) ? 1 : 0));
  page.on('requestfailed', (request) => (openStreams -= isStream(request.url()) ? 1 : 0));
  page.on('requestfinished', (request) => (openStreams -= isStream(request.url()) ? 1 : 0));
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await session?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

const badge = (): Locator => page.getByRole('navigation', { name: 'Your pages' }).locator('[data-badge="inbox"]');
const unreadBadge = async (): Promise<number> => ((await badge().count()) === 0 ? 0 : Number(await badge().textContent()));

/** Screenshots of the page at 1366 and 768 px (looked at by hand), with no sideways scrolling; back at 1366 px after. */
async function shoot(name: string): Promise<void> {
  for (const viewport of [WIDE, NARROW]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect({ name, width: viewport.width, sideways }).toEqual({ name, width: viewport.width, sideways: 0 });
    await page.screenshot({ path: `${SCREENSHOTS}/notifications-${name}-${viewport.width}.png`, fullPage: true });
  }
  await page.setViewportSize(WIDE);
}

/** Issues a bulletin as Malaysia's officer, in a browser of its own, through the API. */
async function issueAsMalaysia(): Promise<void> {
  if (!session) throw new Error('no browser session');
  const context = await session.browser.newContext();
  const other = await context.newPage();
  await other.goto(`${session.server.url}/sign-in`);
  await signIn(other, session.server, ISSUER);
  const status = await other.evaluate(async (title) => {
    const me = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const response = await fetch('/api/v1/bulletins', {
      method: 'POST',
      headers: { 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'document-fraud-alert', title, body: 'Forged foils seen.', countries: ['IDN'], sharing: { audience: { kind: 'members', members: ['IDN'] }, tlp: 'AMBER' } }),
    });
    return response.status;
  }, TITLE);
  expect(status).toBe(201);
  await context.close();
}

test.skipIf(!browserAvailable)('time zone, a subscription, the live unread badge, marking read, the unsubscribe link and a webhook with its delivery log', async () => {
  if (!session) throw new Error('no browser session');
  const { server } = session;
  await page.setViewportSize(WIDE);
  await page.goto(`${server.url}/sign-in`);
  await signIn(page, server, SUBSCRIBER);
  await expect.poll(() => openStreams).toBe(1);

  // The time zone, on the account page.
  await page.getByRole('navigation', { name: 'Your pages' }).getByRole('link', { name: 'Account' }).click();
  const zone = page.getByLabel('Time zone');
  await expect.poll(() => zone.inputValue()).toBe('UTC');
  await zone.selectOption('Asia/Jakarta');
  await page.getByRole('button', { name: 'Save time zone' }).click();
  await page.getByText('Your time zone is now Asia/Jakarta.').waitFor();
  await shoot('account');

  // The user's own data as a JSON file (ASVS 8.3.2), the time zone just set in it.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my account data' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^lintas-account-\d{4}-\d\d-\d\d\.json$/);
  const exported = JSON.parse(readFileSync(await download.path(), 'utf8')) as { profile: { email: string; timeZone: string }; member: { code: string } };
  expect(exported).toMatchObject({ profile: { email: SUBSCRIBER, timeZone: 'Asia/Jakarta' }, member: { code: 'IDN' } });

  // A subscription to document-fraud alerts, by e-mail in the daily digest.
  await page.getByRole('link', { name: /Your subscriptions/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Subscriptions' }).waitFor();
  await page.getByText('You have no subscriptions.').waitFor();
  await page.getByRole('button', { name: 'New subscription' }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('New subscription');
  // Every module that notifies is offered: bulletins is picked.
  await page.getByLabel('Module', { exact: true }).locator('option[value="reports"]').waitFor({ state: 'attached' });
  await page.getByLabel('Module', { exact: true }).selectOption('bulletins');
  await page.getByRole('checkbox', { name: /Document-fraud alert/ }).check();
  await page.getByRole('radio', { name: 'A daily digest' }).check();
  await shoot('subscription-form');
  await page.getByRole('button', { name: 'Subscribe' }).click();
  await page.getByText('Your subscription was saved.').waitFor();
  const row = page.getByRole('row').filter({ hasText: 'Document-fraud alert' });
  await expect.poll(() => row.textContent()).toContain('A daily digest');
  // Changed: an e-mail each time.
  await page.getByRole('button', { name: 'Change the subscription to Bulletins' }).click();
  await page.getByRole('radio', { name: 'An e-mail each time' }).check();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect.poll(() => row.textContent()).toContain('An e-mail each time');
  await shoot('subscriptions');
  const subscription = await page.evaluate(async () => ((await (await fetch('/api/v1/account/subscriptions')).json()) as { data: { id: string }[] }).data[0]?.id ?? '');

  // Malaysia issues a bulletin to Indonesia: the badge goes up here without a reload.
  const before = await unreadBadge();
  const address = page.url();
  await issueAsMalaysia();
  await expect.poll(unreadBadge, { timeout: 10_000 }).toBe(before + 1);
  expect(page.url()).toBe(address);

  // In the inbox, marked read: the badge drops.
  await page.getByRole('navigation', { name: 'Your pages' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { level: 1, name: 'Inbox' }).waitFor();
  await page.getByRole('button', { name: `Mark as read: New bulletin: ${TITLE}` }).click();
  await expect.poll(unreadBadge).toBe(before);
  await page.getByRole('link', { name: `New bulletin: ${TITLE}` }).waitFor();

  // The e-mail's unsubscribe link: a page that asks first, then ends the subscription.
  await page.goto(`${server.url}/unsubscribe?subscription=${subscription}&token=${unsubscribeToken(server.config, subscription)}`);
  await page.getByRole('heading', { level: 1, name: 'Unsubscribe' }).waitFor();
  await shoot('unsubscribe');
  await page.getByRole('button', { name: 'Unsubscribe' }).click();
  await page.getByText('You are unsubscribed.', { exact: false }).waitFor();
  expect(await page.evaluate(async () => ((await (await fetch('/api/v1/account/subscriptions')).json()) as { data: unknown[] }).data)).toEqual([]);

  // A webhook to the receiver: the secret once, a test message, the delivery log, sent again.
  await page.goto(`${server.url}/webhooks`);
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  await page.getByLabel('Address', { exact: true }).fill(receiverUrl);
  await page.getByLabel('Description').fill('Border system');
  await page.getByRole('checkbox', { name: 'bulletin.issued' }).check();
  await page.getByRole('button', { name: 'Register' }).click();
  const secret = page.locator('.secret code');
  await expect.poll(() => secret.textContent()).toMatch(/^whsec_/);
  await shoot('webhooks');
  await page.getByRole('link', { name: receiverUrl }).click();
  await page.getByRole('heading', { level: 1, name: 'Webhook endpoint' }).waitFor();
  expect(await page.locator('.secret').count()).toBe(0);
  await page.getByRole('button', { name: 'Send a test message' }).click();
  await page.getByText('Queued', { exact: false }).first().waitFor();
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(1);
  const log = page.getByRole('region', { name: 'Delivery log' });
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return log.getByRole('row').filter({ hasText: 'webhook.test' }).textContent();
    })
    .toMatch(/Sent.*1.*204/);
  await log.getByRole('button', { name: /^Send again: Webhooks: a test message \(.*\)$/ }).click();
  await expect.poll(() => received.length, { timeout: 15_000 }).toBe(2);
  expect(received[1]?.headers['webhook-id']).toBe(received[0]?.headers['webhook-id']);
  await expect
    .poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return log.getByRole('row').filter({ hasText: 'webhook.test' }).locator('td').nth(3).textContent();
    })
    .toBe('2');
  await page.getByRole('button', { name: 'Disable' }).click();
  await page.getByRole('button', { name: 'Enable' }).waitFor();
  expect(await page.getByRole('button', { name: 'Send a test message' }).isDisabled()).toBe(true);
  await shoot('webhook');

  // Signing out closes the live stream.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/sign-in/);
  await expect.poll(() => openStreams).toBe(0);
  expect(problems).toEqual([]);
}, 180_000);
