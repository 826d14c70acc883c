import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, keepScreenshot, openBrowserSession, signIn, trackRequests, visit, waitForData, type BrowserSession } from '../support/browser.js';

// Every page of the web app (web/src/routes.tsx and each module's routes.tsx; pages with an id open
// a demo record) at tablet width (768 px) and at 1366 px: no sideways scrolling of the page, and no
// element reaching outside the card (or, outside cards, the main area) that holds it, unless a box
// between them scrolls on purpose. One browser session, signed in once as Australia's admin (every
// role). With LINTAS_TEST_SCREENSHOTS=1, a screenshot of each page at 768 px is kept in
// test-results/screenshots/tablet-<page>.png.

const WIDTHS = [768, 1366] as const;
const VIEWPORTS = { 768: { width: 768, height: 1024 }, 1366: { width: 1366, height: 900 } } as const;

let session: BrowserSession | undefined;
let page: Page;
/** The id of a demo record of each kind, read through the API as the signed-in admin. */
const ids: Record<string, string | undefined> = {};

/** Pages by name (the screenshot's name) and path; `null` where the demo has no record to open. */
function pages(): [string, string | null][] {
  const id = (kind: string, path: (value: string) => string): string | null => (ids[kind] ? path(encodeURIComponent(ids[kind])) : null);
  return [
    ['home', '/'],
    ['directory', '/directory'],
    ['directory-member-new', '/directory/members/new'],
    ['directory-member', '/directory/members/AUS'],
    ['directory-member-edit', '/directory/members/AUS/edit'],
    ['directory-groups', '/directory/groups'],
    ['directory-group-new', '/directory/groups/new'],
    ['directory-group', id('group', (code) => `/directory/groups/${code}`)],
    ['directory-group-edit', id('group', (code) => `/directory/groups/${code}/edit`)],
    ['library', '/library'],
    ['library-new', '/library/new'],
    ['library-document', id('library', (value) => `/library/${value}`)],
    ['library-document-edit', id('library', (value) => `/library/${value}/edit`)],
    ['reports', '/reports'],
    ['reports-new', '/reports/new'],
    ['reports-dashboard', '/reports/dashboard'],
    ['reports-release', '/reports/dashboard?layer=release'],
    ['reports-summary', '/reports/summary'],
    ['reports-import', '/reports/import'],
    // The demo holds no import run: this page is left out until it does.
    ['reports-import-run', id('importRun', (value) => `/reports/import/runs/${value}`)],
    ['report', id('report', (value) => `/reports/${value}`)],
    ['report-edit', id('report', (value) => `/reports/${value}/edit`)],
    ['documents-check', '/documents'],
    ['documents-register', '/documents/register'],
    ['documents-register-new', '/documents/register/new'],
    ['documents-document', id('document', (value) => `/documents/register/${value}`)],
    ['documents-hits', '/documents/hits'],
    ['documents-hits-checker', '/documents/hits?side=checker'],
    ['documents-hit', id('hit', (value) => `/documents/hits/${value}`)],
    ['linkage-leads', '/linkage'],
    ['linkage-lead-new', '/linkage/leads/new'],
    ['linkage-lead', id('lead', (value) => `/linkage/leads/${value}`)],
    ['linkage-lead-edit', id('lead', (value) => `/linkage/leads/${value}/edit`)],
    ['linkage-notices', '/linkage/notices'],
    ['linkage-notices-holder', '/linkage/notices?side=holder'],
    ['linkage-notice', id('notice', (value) => `/linkage/notices/${value}`)],
    ['linkage-requests', '/linkage/requests'],
    // The demo's request waits for Australia's approvers: the page holds the grant and refusal forms.
    ['linkage-request', id('request', (value) => `/linkage/requests/${value}`)],
    ['linkage-graph', '/linkage/graph'],
    ['linkage-review', '/linkage/review'],
    ['linkage-figures', '/linkage/figures?interval=year'],
    // Biometrics: the demo holds no agreement, subject, search or step-two request, so the lists show
    // their empty state (test/e2e/biometrics.e2e.test.ts measures the pages with records, a step-two
    // request's page included, at both widths).
    // Bulletins: the list, the form, the drafts (none in the demo) and the STIX import, the demo's bulletin of Australia (its owner may correct it).
    ['bulletins', '/bulletins'],
    ['bulletins-new', '/bulletins/new'],
    ['bulletins-drafts', '/bulletins/drafts'],
    ['bulletins-import', '/bulletins/import'],
    ['bulletin', id('bulletin', (value) => `/bulletins/${value}`)],
    ['bulletin-correct', id('bulletin', (value) => `/bulletins/${value}/correct`)],
    ['biometrics-agreements', '/biometrics/agreements'],
    ['biometrics-agreement-new', '/biometrics/agreements/new'],
    ['biometrics-gallery', '/biometrics/gallery'],
    ['biometrics-search', '/biometrics/search'],
    ['biometrics-searches', '/biometrics/searches'],
    ['biometrics-figures', '/biometrics/figures'],
    ['biometrics-step-two', '/biometrics/step-two'],
    ['biometrics-step-two-to-decide', '/biometrics/step-two?side=holder&status=pending'],
    ['audit', '/audit'],
    ['inbox', '/inbox'],
    ['account', '/account'],
    ['account-subscriptions', '/account/subscriptions'],
    ['webhooks', '/webhooks'],
  ];
}

/**
 * Pages other helpers of issue 23 are changing, which overflowed here before their work merges: each
 * is still measured, and expected to fail, so the lead sees at once when the fix lands (then drop it
 * from this list). Owner: the reports helper (report.tsx, report-form.tsx).
 */
interface Overflow {
  element: string;
  container: string;
  by: number;
}

/** Sideways scrolling of the page, and the elements reaching outside their card (or main) by more than a pixel. */
async function measure(): Promise<{ scrollWidth: number; clientWidth: number; overflows: Overflow[] }> {
  return page.evaluate(() => {
    const describe = (element: Element): string => {
      const name = element.tagName.toLowerCase();
      const id = element.id ? `#${element.id}` : '';
      const classes = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 30);
      return `${name}${id}${classes}${text ? ` "${text}"` : ''}`;
    };
    const main = document.querySelector('main') ?? document.body;
    const overflows: Overflow[] = [];
    for (const element of main.querySelectorAll('*')) {
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      const style = getComputedStyle(element);
      // Visually hidden text (one pixel, clipped) is for screen readers, not laid out.
      if (style.position === 'absolute' && rect.width <= 1) continue;
      const container = element.parentElement?.closest('.card') ?? main;
      let scrolled = false;
      for (let box = element.parentElement; box && box !== container; box = box.parentElement) {
        if (['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(box).overflowX)) scrolled = true;
      }
      if (scrolled) continue;
      const outer = container.getBoundingClientRect();
      const by = Math.max(rect.right - outer.right, outer.left - rect.left);
      if (by > 1) overflows.push({ element: describe(element), container: describe(container).slice(0, 60), by: Math.round(by) });
    }
    return { scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth, overflows: overflows.slice(0, 10) };
  });
}

/** Opens a page of the app and waits until it has loaded what it shows (no "Loading…" left). */
async function open(path: string): Promise<void> {
  if (!session) throw new Error('no browser session');
  await visit(page, session.server.url, path);
  await page.getByRole('navigation', { name: 'Modules' }).waitFor();
  await page.locator('main h1').first().waitFor();
  await waitForData(page);
  await expect.poll(async () => page.locator('main').getByText(/^Loading…$/).count(), { timeout: 15_000 }).toBe(0);
}

async function firstId(url: string, pick: (body: unknown) => string | undefined): Promise<string | undefined> {
  const body: unknown = await page.evaluate(async (address) => {
    const response = await fetch(address, { credentials: 'same-origin' });
    return response.ok ? ((await response.json()) as unknown) : null;
  }, url);
  return body === null ? undefined : pick(body);
}

const firstOf = (key: string) => (body: unknown): string | undefined => {
  const data = (body as { data?: Record<string, unknown>[] }).data;
  const value = data?.[0]?.[key];
  return typeof value === 'string' ? value : undefined;
};

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession();
  page = session.page;
  await page.setViewportSize({ width: 768, height: 1024 });
  await page.goto(`${session.server.url}/`);
  // The sign-in page, before signing in, at tablet width.
  await page.getByLabel('E-mail').waitFor();
  const signInPage = await measure();
  expect(signInPage.scrollWidth).toBeLessThanOrEqual(signInPage.clientWidth);
  await keepScreenshot(page, 'tablet-sign-in');
  await signIn(page, session.server, 'admin@aus.demo');
  ids.group = await firstId('/api/v1/groups', firstOf('code'));
  ids.library = await firstId('/api/v1/library/documents?limit=1', firstOf('id'));
  ids.importRun = await firstId('/api/v1/reports/import-runs', firstOf('id'));
  ids.report = await firstId('/api/v1/reports?limit=1', firstOf('id'));
  ids.document = await firstId('/api/v1/documents?limit=1', firstOf('id'));
  ids.hit = await firstId('/api/v1/documents/hits?limit=1', firstOf('id'));
  // Australia's own lead (its edit page opens), the notice it was told of, and the request made to it.
  ids.lead = await firstId('/api/v1/linkage/leads?owner=AUS&limit=1', firstOf('id'));
  ids.notice = await firstId('/api/v1/linkage/notices?side=told&limit=1', firstOf('id'));
  ids.request = await firstId('/api/v1/linkage/requests?side=holder&status=pending', firstOf('id'));
  ids.bulletin = await firstId('/api/v1/bulletins?limit=50', (body) => (body as { data: { id: string; owner: string }[] }).data.find((item) => item.owner === 'AUS')?.id);
}, 120_000);
afterAll(async () => {
  await session?.close();
});

describe.skipIf(!browserAvailable)('every page fits the width of the screen', () => {
  test('the demo has a record of each kind to open', () => {
    expect(Object.entries(ids).filter(([kind, value]) => kind !== 'importRun' && !value)).toEqual([]);
  });

  for (const [name, path] of pages()) {
    // One load per page, measured at each width in turn (the layout follows a resize as it follows a
    // screen turned on its side); the screenshot is taken at 768 px.
    test(`${name} at ${WIDTHS.join(' and ')} px`, async ({ skip }) => {
      // Ids are known once signed in: the path is taken again from the demo records read then.
      const target = pages().find(([candidate]) => candidate === name)?.[1] ?? path;
      if (target === null) return skip();
      await page.setViewportSize(VIEWPORTS[WIDTHS[0]]);
      await open(target);
      for (const width of WIDTHS) {
        await page.setViewportSize(VIEWPORTS[width]);
        // Two frames: the resize is laid out, and what listens to it has drawn again.
        await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
        const measured = await measure();
        if (width === 768) await keepScreenshot(page, `tablet-${name}`);
        const sideways = Math.max(0, measured.scrollWidth - measured.clientWidth);
        expect({ page: target, width, sideways, overflows: measured.overflows }).toEqual({ page: target, width, sideways: 0, overflows: [] });
      }
    }, 60_000);
  }

  // Pages whose content only the secretariat is shown: measured signed in as it, in a context of its own.
  test('linkage-review as the secretariat at 768 and 1366 px', async () => {
    if (!session) throw new Error('no browser session');
    const admin = page;
    const context = await session.browser.newContext({ viewport: VIEWPORTS[768] });
    page = await context.newPage();
    trackRequests(page);
    try {
      await page.goto(`${session.server.url}/linkage/review`);
      await signIn(page, session.server, 'secretariat@idn.demo');
      await open('/linkage/review');
      await page.getByRole('button', { name: 'Put on the warning list' }).waitFor();
      for (const width of WIDTHS) {
        await page.setViewportSize(VIEWPORTS[width]);
        await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
        const measured = await measure();
        if (width === 768) await keepScreenshot(page, 'tablet-linkage-review-secretariat');
        const sideways = Math.max(0, measured.scrollWidth - measured.clientWidth);
        expect({ width, sideways, overflows: measured.overflows }).toEqual({ width, sideways: 0, overflows: [] });
      }
    } finally {
      await context.close();
      page = admin;
    }
  }, 60_000);

  test('no script errors on the way', () => {
    expect(session?.problems ?? []).toEqual([]);
  });
});
