import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// Bulk acts on the reports list in Debian's Chromium against a real server with the demo data: an
// officer ticks two of three drafts and submits them at once; an approver of the same member selects
// every report matching "submitted" and approves them at once, each after a confirmation naming the
// number. The server's answers are checked through the API too.

const OFFICER = 'officer@aus.demo';
const APPROVER = 'approver@aus.demo';
const PLACES = ['Bulk Cove A', 'Bulk Cove B', 'Bulk Cove C'] as const;
const SCREENSHOT = '/tmp/lintas-reports-bulk.png';

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


/** Three drafts of the signed-in user's member, written through the API as the page's own session. */
async function createDrafts(): Promise<string[]> {
  return page.evaluate(async (places) => {
    const who = (await (await fetch('/api/v1/auth/session')).json()) as { csrfToken: string };
    const ids: string[] = [];
    for (const [index, place] of places.entries()) {
      const response = await fetch('/api/v1/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': who.csrfToken },
        body: JSON.stringify({
          when: { from: `2025-06-0${index + 1}` },
          where: { country: 'IDN', place },
          incidentType: 'smuggling-sea',
          people: [{ citizenship: 'LKA', adultMen: 5 + index }],
          sharing: { audience: { kind: 'all' }, tlp: 'GREEN' },
        }),
      });
      ids.push(((await response.json()) as { data: { id: string } }).data.id);
    }
    return ids;
  }, [...PLACES]);
}

async function statuses(ids: readonly string[]): Promise<string[]> {
  return page.evaluate(
    async (list) => Promise.all(list.map(async (id) => ((await (await fetch(`/api/v1/reports/${id}`)).json()) as { data: { status: string } }).data.status)),
    [...ids],
  );
}

async function openReports(filter: { status: string }): Promise<void> {
  await page.getByRole('navigation', { name: 'Modules' }).getByRole('link', { name: 'Reports', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  const filters = page.getByRole('search', { name: 'Reports' });
  await filters.getByLabel('Status').selectOption(filter.status);
  await filters.getByLabel('Only my member’s reports').check();
  await filters.getByRole('button', { name: 'Apply' }).click();
  await page.waitForURL(new RegExp(`[?&]status=${filter.status}`));
}

const row = (place: string) => page.getByRole('checkbox', { name: `Select Smuggling by sea — Indonesia, ${place}` });

test.skipIf(!browserAvailable)('an officer submits two drafts at once, an approver approves everything submitted at once', async () => {
  await page.goto(server.url);
  await signIn(page, server, OFFICER);
  const ids = await createDrafts();
  expect(await statuses(ids)).toEqual(['draft', 'draft', 'draft']);

  await openReports({ status: 'draft' });
  const bulk = page.getByRole('region', { name: 'Bulk actions' });
  // An officer may submit, not approve: only the submit button is there, idle until something is ticked.
  expect(await bulk.getByRole('button', { name: 'Approve and share…' }).count()).toBe(0);
  expect(await bulk.getByRole('button', { name: 'Submit for approval…' }).isDisabled()).toBe(true);
  await row(PLACES[0]).check();
  await row(PLACES[1]).check();
  await bulk.getByText('2 reports selected.').waitFor();
  await bulk.getByRole('button', { name: 'Submit for approval…' }).click();
  const confirm = bulk.getByRole('alertdialog', { name: 'Confirm' });
  await confirm.getByText('Submit 2 reports for approval?').waitFor();
  await confirm.getByRole('button', { name: 'Submit 2 reports' }).click();
  await bulk.getByText('Submitted 2 reports for approval.').waitFor();
  expect(await statuses(ids)).toEqual(['submitted', 'submitted', 'draft']);
  // The list reloaded: the two are no longer drafts, the third still is.
  await row(PLACES[2]).waitFor();
  expect(await row(PLACES[0]).count()).toBe(0);

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(page, server, APPROVER);
  await openReports({ status: 'submitted' });
  const approverBulk = page.getByRole('region', { name: 'Bulk actions' });
  expect(await approverBulk.getByRole('button', { name: 'Submit for approval…' }).count()).toBe(0);
  await row(PLACES[0]).waitFor();
  await page.getByRole('checkbox', { name: 'Select all reports matching the filter' }).check();
  expect(await row(PLACES[1]).isChecked()).toBe(true);
  await approverBulk.getByText('All reports matching the filter are selected.').waitFor();
  await approverBulk.getByRole('button', { name: 'Approve and share…' }).click();
  const approval = approverBulk.getByRole('alertdialog', { name: 'Confirm' });
  await approval.getByText('Approve and share 2 reports?').waitFor();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await approval.getByRole('button', { name: 'Approve and share 2 reports' }).click();
  await approverBulk.getByText('Approved and shared 2 reports.').waitFor();
  await page.getByText('No report matches.').waitFor();
  expect(await statuses(ids)).toEqual(['shared', 'shared', 'draft']);

  expect(problems).toEqual([]);
}, 180_000);
