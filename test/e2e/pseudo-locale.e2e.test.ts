import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_MRZS } from '../../src/modules/documents/demo.js';
import { PSEUDO_LETTERS } from '../../web/src/i18n/pseudo.js';
import { browserAvailable, keepScreenshot, openBrowserSession, signIn, visit, waitForData, type BrowserSession } from '../support/browser.js';
import { inspect } from '../support/pseudo.js';
import { TEST_DB_KIND } from '../support/db.js';

// The web app in the pseudo-locale (?locale=pseudo: every message accented and in brackets, made
// from the English catalogue). On each page below, every text a person reads or hears (text nodes,
// placeholders, labels, titles, alt texts, the page title) either came from the catalogue or is
// data. Data is what the page marks so (translate="no", <code>, <time>) or text without letters
// (numbers, dashes). A string left in the code shows as plain English and fails the test.
//
// All of the web app is converted (web/src/i18n/README.md). A module added later whose words are not
// in the catalogue yet marks what it shows with data-i18n-pending="<module>" and is listed in PENDING
// below until it is converted; its pages then join PAGES.

const ADMIN = 'admin@aus.demo';
/** Modules whose words the converted pages still show unconverted, marked data-i18n-pending. */
const PENDING: string[] = [];

interface PageCase {
  name: string;
  path: (ids: Ids) => string;
  /** The page's title is the record's own (a document's title), i.e. data. */
  titleIsData?: boolean;
}

interface Ids {
  group: string;
  document: string;
  travelDocument: string;
  hit: string;
  report: string;
  lead: string;
  notice: string;
  request: string;
  bulletin: string;
}

/** Signed-out pages. */
const PUBLIC_PAGES: readonly PageCase[] = [
  { name: 'sign-in', path: () => '/sign-in' },
  { name: 'forgot-password', path: () => '/forgot-password' },
  { name: 'reset-password', path: () => '/reset-password' },
  { name: 'unsubscribe', path: () => `/unsubscribe?subscription=00000000-0000-4000-8000-000000000000&token=${'0'.repeat(64)}` },
];

/** Signed-in pages, as the admin of Australia (every role) sees them. */
const PAGES: readonly PageCase[] = [
  { name: 'home', path: () => '/' },
  { name: 'directory', path: () => '/directory' },
  { name: 'member', path: () => '/directory/members/AUS', titleIsData: true },
  { name: 'groups', path: () => '/directory/groups' },
  { name: 'group', path: (ids) => `/directory/groups/${encodeURIComponent(ids.group)}`, titleIsData: true },
  { name: 'group-new', path: () => '/directory/groups/new' },
  { name: 'member-edit', path: () => '/directory/members/AUS/edit' },
  { name: 'library', path: () => '/library' },
  { name: 'library-search', path: () => '/library?q=migration' },
  { name: 'library-document', path: (ids) => `/library/${encodeURIComponent(ids.document)}`, titleIsData: true },
  { name: 'library-new', path: () => '/library/new' },
  { name: 'documents-check', path: () => '/documents' },
  { name: 'documents-register', path: () => '/documents/register' },
  { name: 'documents-document', path: (ids) => `/documents/register/${encodeURIComponent(ids.travelDocument)}` },
  { name: 'documents-new', path: () => '/documents/register/new' },
  { name: 'documents-hits', path: () => '/documents/hits' },
  { name: 'documents-hit', path: (ids) => `/documents/hits/${encodeURIComponent(ids.hit)}` },
  { name: 'account', path: () => '/account' },
  { name: 'account-subscriptions', path: () => '/account/subscriptions' },
  { name: 'webhooks', path: () => '/webhooks' },
  { name: 'inbox', path: () => '/inbox' },
  { name: 'audit', path: () => '/audit' },
  { name: 'not-found', path: () => '/no-such-page' },
  // The reports module: the list (with its bulk actions: the admin submits and approves), a demo
  // report, the form, the dashboard's two layers (the release on another table), the regional
  // summary and the import page.
  { name: 'reports', path: () => '/reports' },
  { name: 'report', path: (ids) => `/reports/${encodeURIComponent(ids.report)}` },
  { name: 'report-new', path: () => '/reports/new' },
  { name: 'dashboard', path: () => '/reports/dashboard' },
  { name: 'dashboard-release', path: () => '/reports/dashboard?layer=release&table=incidentType&releaseInterval=year&split=citizenship' },
  { name: 'summary', path: () => '/reports/summary' },
  { name: 'reports-import', path: () => '/reports/import' },
  // Linkage: the leads, a lead with its links, the form with an entity row, the notices of both
  // sides, a notice, the requests, and the demo's request waiting for Australia (grant and refuse forms).
  { name: 'linkage-leads', path: () => '/linkage' },
  { name: 'linkage-lead', path: (ids) => `/linkage/leads/${encodeURIComponent(ids.lead)}`, titleIsData: true },
  { name: 'linkage-lead-new', path: () => '/linkage/leads/new' },
  { name: 'linkage-notices', path: () => '/linkage/notices' },
  { name: 'linkage-notices-holder', path: () => '/linkage/notices?side=holder' },
  { name: 'linkage-notice', path: (ids) => `/linkage/notices/${encodeURIComponent(ids.notice)}` },
  { name: 'linkage-requests', path: () => '/linkage/requests' },
  { name: 'linkage-request', path: (ids) => `/linkage/requests/${encodeURIComponent(ids.request)}` },
  { name: 'linkage-figures', path: () => '/linkage/figures' },
  // Bulletins: the list, the form, the drafts and the STIX import, the demo's bulletin of Australia and its correction form.
  { name: 'bulletins', path: () => '/bulletins' },
  { name: 'bulletins-new', path: () => '/bulletins/new' },
  { name: 'bulletins-drafts', path: () => '/bulletins/drafts' },
  { name: 'bulletins-import', path: () => '/bulletins/import' },
  { name: 'bulletin', path: (ids) => `/bulletins/${encodeURIComponent(ids.bulletin)}`, titleIsData: true },
  { name: 'bulletin-correct', path: (ids) => `/bulletins/${encodeURIComponent(ids.bulletin)}/correct` },
  // Biometrics: the agreements, the proposal form, the gallery with its enrolment form, search (no
  // agreement in force in the demo), the searches and the step-two requests (none in the demo: a
  // request's page is checked, from both sides, by test/e2e/biometrics.e2e.test.ts).
  { name: 'biometrics-agreements', path: () => '/biometrics/agreements' },
  { name: 'biometrics-agreement-new', path: () => '/biometrics/agreements/new' },
  { name: 'biometrics-gallery', path: () => '/biometrics/gallery' },
  { name: 'biometrics-search', path: () => '/biometrics/search' },
  { name: 'biometrics-searches', path: () => '/biometrics/searches' },
  { name: 'biometrics-figures', path: () => '/biometrics/figures' },
  { name: 'biometrics-step-two', path: () => '/biometrics/step-two' },
];

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

async function check(target: PageCase, ids: Ids): Promise<void> {
  await visit(page, server.url, target.path(ids));
  await page.locator('h1').first().waitFor();
  // The page's data has come: no request in flight (the live stream aside) and nothing still loading.
  await waitForData(page);
  expect(await page.evaluate(() => document.documentElement.lang), target.name).toBe('en-XA');
  const finding = await page.evaluate(inspect, { letters: [...PSEUDO_LETTERS], pending: PENDING, titleIsData: target.titleIsData ?? false });
  await keepScreenshot(page, `pseudo-${target.name}${TEST_DB_KIND === 'postgres' ? '-postgres' : ''}`);
  expect(finding.untranslated, target.name).toEqual([]);
  // Not vacuous: the page showed its words, in the pseudo-locale.
  expect(finding.translated, target.name).toBeGreaterThan(3);
}

test.skipIf(!browserAvailable)('the signed-out pages show only catalogue words in the pseudo-locale', async () => {
  await page.goto(`${server.url}/sign-in?locale=pseudo`);
  for (const target of PUBLIC_PAGES) await check(target, { group: '', document: '', travelDocument: '', hit: '', report: '', lead: '', notice: '', request: '', bulletin: '' });
  expect(problems).toEqual([]);
}, 120_000);

test.skipIf(!browserAvailable)('the signed-in pages show only catalogue words or data in the pseudo-locale, and English again with ?locale=auto', async () => {
  // Signing in reads the English labels; then the pseudo-locale, kept in storage from page to page.
  await page.goto(`${server.url}/sign-in?locale=auto`);
  await signIn(page, server, ADMIN);
  const ids = await page.evaluate(async () => {
    const groups = (await (await fetch('/api/v1/groups')).json()) as { data: { code: string }[] };
    const documents = (await (await fetch('/api/v1/library/documents?limit=1')).json()) as { data: { id: string }[] };
    const register = (await (await fetch('/api/v1/documents?limit=1')).json()) as { data: { id: string }[] };
    const hits = (await (await fetch('/api/v1/documents/hits?side=issuer&limit=1')).json()) as { data: { id: string }[] };
    const reports = (await (await fetch('/api/v1/reports?limit=1')).json()) as { data: { id: string }[] };
    const leads = (await (await fetch('/api/v1/linkage/leads?owner=AUS&limit=1')).json()) as { data: { id: string }[] };
    const notices = (await (await fetch('/api/v1/linkage/notices?side=told&limit=1')).json()) as { data: { id: string }[] };
    const requests = (await (await fetch('/api/v1/linkage/requests?side=holder&status=pending')).json()) as { data: { id: string }[] };
    const bulletins = (await (await fetch('/api/v1/bulletins?limit=50')).json()) as { data: { id: string; owner: string }[] };
    return {
      group: groups.data[0]?.code ?? '',
      document: documents.data[0]?.id ?? '',
      travelDocument: register.data[0]?.id ?? '',
      hit: hits.data[0]?.id ?? '',
      report: reports.data[0]?.id ?? '',
      lead: leads.data[0]?.id ?? '',
      notice: notices.data[0]?.id ?? '',
      request: requests.data[0]?.id ?? '',
      bulletin: bulletins.data.find((item) => item.owner === 'AUS')?.id ?? '',
    };
  });
  expect(ids.group).not.toBe('');
  expect(ids.document).not.toBe('');
  expect(ids.travelDocument).not.toBe('');
  expect(ids.hit).not.toBe('');
  expect(ids.report).not.toBe('');
  expect(ids.lead).not.toBe('');
  expect(ids.notice).not.toBe('');
  expect(ids.request).not.toBe('');
  expect(ids.bulletin).not.toBe('');
  await page.goto(`${server.url}/?locale=pseudo`);
  for (const target of PAGES) await check(target, ids);

  // A form's own messages too: the library form refuses an empty title before sending.
  await page.goto(`${server.url}/library/new`);
  await page.locator('form.document-form button[type="submit"]').click();
  await page.locator('.field-error').first().waitFor();
  const errors = await page.evaluate(inspect, { letters: [...PSEUDO_LETTERS], pending: PENDING, titleIsData: false });
  expect(errors.untranslated).toEqual([]);

  // The check page's own words: an MRZ misread (a letter O for a zero) and its problems, then the hit it finds.
  const demo = DEMO_MRZS.find((item) => item.mrz.includes('PA0123456'))?.mrz ?? '';
  expect(demo).not.toBe('');
  await page.goto(`${server.url}/documents`);
  const mrz = page.locator('textarea.mrz-input');
  await mrz.fill(demo.replace('PA0123456', 'PAO123456'));
  await page.locator('.mrz-problems .mrz-hint').first().waitFor();
  const mrzProblems = await page.evaluate(inspect, { letters: [...PSEUDO_LETTERS], pending: PENDING, titleIsData: false });
  await keepScreenshot(page, `pseudo-documents-mrz${TEST_DB_KIND === 'postgres' ? '-postgres' : ''}`);
  expect(mrzProblems.untranslated).toEqual([]);
  expect(mrzProblems.translated).toBeGreaterThan(3);
  await mrz.fill(demo);
  await page.locator('.mrz-read').waitFor();
  await page.locator('form.check-form button[type="submit"]').click();
  await page.locator('.check-result.check-hit').waitFor();
  const result = await page.evaluate(inspect, { letters: [...PSEUDO_LETTERS], pending: PENDING, titleIsData: false });
  expect(result.untranslated).toEqual([]);

  // The report form's own check too: a report without a type is refused before it is sent.
  await page.goto(`${server.url}/reports/new`);
  await page.locator('form.document-form button[type="submit"]').click();
  await page.locator('.field-error').first().waitFor();
  const reportErrors = await page.evaluate(inspect, { letters: [...PSEUDO_LETTERS], pending: PENDING, titleIsData: false });
  expect(reportErrors.untranslated).toEqual([]);

  await page.goto(`${server.url}/?locale=auto`);
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Home', exact: true }).waitFor();
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en-GB');
  expect(problems).toEqual([]);
}, 300_000);
