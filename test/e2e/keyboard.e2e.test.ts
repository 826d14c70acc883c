import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, DEMO_PASSWORD, openBrowserSession, type BrowserSession } from '../support/browser.js';

// The app by keyboard alone, as a user who cannot use a mouse works it: no click, no fill; only Tab,
// Shift+Tab, Enter, Space, arrows and typed text. Australia's officer (the demo user with a second
// factor) signs in with its authentication code, files and submits a report, checks a document at a
// border post, and narrows the dashboard with a filter. Each stop of the Tab key is checked for a
// visible focus indicator.

const EMAIL = 'officer@aus.demo';

let session: BrowserSession | undefined;
let page: Page;

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession();
  page = session.page;
}, 120_000);
afterAll(async () => {
  await session?.close();
});

interface Focused {
  tag: string;
  name: string;
  visibleFocus: boolean;
  how: string;
}

/** The focused element: its tag, its accessible name as a user hears it (label, aria-label or text), and whether its focus shows. */
const focused = (): Promise<Focused | null> =>
  page.evaluate(() => {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || element === document.body) return null;
    const labelled = element.getAttribute('aria-labelledby');
    const byId = labelled ? labelled.split(' ').map((id) => document.getElementById(id)?.innerText ?? '').join(' ') : '';
    const labels = 'labels' in element ? (element as HTMLInputElement).labels : null;
    const name = element.getAttribute('aria-label') ?? (byId || (labels && labels.length > 0 ? (labels[0]?.innerText ?? '') : element.innerText));
    const style = getComputedStyle(element);
    // Chromium puts a date field's focus on a part inside it that no selector of the page reaches
    // (the field itself does not match :focus): its own focused part is drawn by the browser, so only
    // elements that match :focus are held to the page's focus ring.
    const ringed = (node: Element): boolean => {
      const look = getComputedStyle(node);
      return (look.outlineStyle !== 'none' && parseFloat(look.outlineWidth) > 0) || look.boxShadow !== 'none';
    };
    // A field inside a composite control (the combobox's chips and input) may show the focus on the
    // control's box around it (:focus-within), as the user sees it.
    let box: Element | null = element.parentElement;
    let boxRinged = false;
    for (let level = 0; level < 2 && box && !boxRinged; level++, box = box.parentElement) boxRinged = box.matches(':focus-within') && ringed(box);
    const visibleFocus = !element.matches(':focus') || ringed(element) || boxRinged;
    const how = `${element.getAttribute('type') ?? ''} outline ${style.outlineStyle} ${style.outlineWidth}, shadow ${style.boxShadow}`;
    return { tag: element.tagName.toLowerCase(), name: name.trim().replace(/\s+/g, ' '), visibleFocus, how };
  });

/**
 * Presses Tab (or Shift+Tab) until the focused element's name matches, failing after `limit` stops;
 * every stop on the way must show where the focus is.
 */
async function tabTo(name: RegExp, options: { tag?: string; back?: boolean; limit?: number } = {}): Promise<void> {
  const seen: string[] = [];
  for (let stop = 0; stop < (options.limit ?? 150); stop++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const now = await focused();
    if (!now) continue;
    expect(now.visibleFocus, `focus is not visible on ${now.tag} "${now.name}" (${now.how})`).toBe(true);
    seen.push(`${now.tag}:${now.name.slice(0, 40)}`);
    if (name.test(now.name) && (!options.tag || now.tag === options.tag)) return;
  }
  throw new Error(`Tab never reached ${String(name)}; stops: ${seen.slice(-40).join(' | ')}`);
}

/** Follows a link of the Modules navigation by keyboard, from wherever the focus is. */
async function openModule(label: RegExp): Promise<void> {
  await page.keyboard.press('Control+Home');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await tabTo(label, { tag: 'a' });
  await page.keyboard.press('Enter');
}

/** Moves a focused closed select down by arrow keys until it holds `value`. */
async function chooseByArrows(value: string): Promise<void> {
  for (let step = 0; step < 100 && (await valueOf()) !== value; step++) await page.keyboard.press('ArrowDown');
  expect(await valueOf()).toBe(value);
}

const valueOf = (): Promise<string> => page.evaluate(() => (document.activeElement as HTMLInputElement | HTMLSelectElement).value);

test.skipIf(!browserAvailable)('sign in with the second factor, file and submit a report, check a document and filter the dashboard, by keyboard alone', async () => {
  if (!session) throw new Error('no browser session');
  const { server, problems } = session;
  await page.goto(`${server.url}/`);
  await page.waitForURL(/\/sign-in/);

  // Sign in: e-mail, password, Enter; then the authentication code and Enter.
  await tabTo(/^E-mail/, { tag: 'input' });
  await page.keyboard.type(EMAIL);
  await tabTo(/^Password/, { tag: 'input' });
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByLabel('Authentication code').waitFor();
  const code = await focused();
  if (code?.name.startsWith('Authentication code') !== true) await tabTo(/^Authentication code/, { tag: 'input' });
  await page.keyboard.type(await server.totpFor(EMAIL));
  await page.keyboard.press('Enter');
  await page.getByRole('navigation', { name: 'Modules' }).waitFor();

  // A new report: Reports, New report, the incident's type, date and country, saved as a draft, then submitted.
  await openModule(/^Reports/);
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await tabTo(/^New report$/, { tag: 'a' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'New report' }).waitFor();
  await tabTo(/^Incident type/, { tag: 'select' });
  // A space would open the list's popup: the type is chosen by arrows, the country below by its first letters.
  await chooseByArrows('smuggling-sea');
  await tabTo(/^From/, { tag: 'input' });
  await page.keyboard.type('03142025');
  expect(await valueOf()).toBe('2025-03-14');
  await tabTo(/^Country/, { tag: 'select' });
  await page.keyboard.type('Indonesia');
  expect(await valueOf()).toBe('IDN');
  // The form lists every country as a checkbox on the way (one Tab stop each; the reports helper's form).
  await tabTo(/^Narrative/, { tag: 'textarea', limit: 1500 });
  await page.keyboard.type('Boat intercepted off Rote Island; filed by keyboard.');
  await tabTo(/^Save as draft$/, { tag: 'button' });
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { level: 1, name: 'Smuggling by sea — Indonesia' }).waitFor();
  await tabTo(/^Submit for approval$/, { tag: 'button' });
  await page.keyboard.press('Enter');
  await page.getByText('Submitted for approval.').waitFor();

  // A border check of Indonesia's demo passport by issuer, type and number: a hit.
  await openModule(/^Travel documents/);
  const form = page.getByRole('form', { name: 'Check a document' });
  await form.waitFor();
  await tabTo(/^Purpose/, { tag: 'input' });
  await page.keyboard.type('Border control, Darwin arrivals');
  await tabTo(/Machine-readable zone|Issuer, type and number/, { tag: 'input' });
  // Arrows move within the radio group; the number form follows the choice.
  const number = form.getByLabel('Document number');
  for (let step = 0; step < 2 && !(await number.isVisible()); step++) await page.keyboard.press('ArrowDown');
  await tabTo(/^Issuing state or organisation/, { tag: 'select' });
  await page.keyboard.type('Indonesia');
  expect(await valueOf()).toBe('IDN');
  await tabTo(/^Document number/, { tag: 'input' });
  await page.keyboard.type('B7654321');
  await page.keyboard.press('Enter');
  const hit = page.getByRole('region', { name: /^Hit: / });
  await hit.waitFor();
  expect(await hit.textContent()).toContain('B7654321');
  await tabTo(/^Follow this hit$/, { tag: 'a' });
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/documents\/hits\/[0-9a-f-]{36}$/);
  await page.getByRole('region', { name: /checks? of this document$/ }).waitFor();

  // The dashboard: the filter bar unfolded with Enter, an incident type found by typing and picked
  // with Enter in its combobox, applied with Enter on Apply.
  await openModule(/^Report analysis/);
  await page.getByRole('heading', { level: 2, name: 'What you can see' }).waitFor();
  await tabTo(/^Filters$/, { tag: 'button' });
  await page.keyboard.press('Enter');
  await page.getByRole('form', { name: 'Filters' }).waitFor();
  await tabTo(/^Incident types/, { tag: 'input' });
  await page.keyboard.type('by sea');
  await page.keyboard.press('Enter');
  expect(await page.getByRole('list', { name: 'Incident types: chosen' }).getByRole('listitem').allTextContents()).toEqual(['Smuggling by sea×']);
  const applied = page.waitForResponse((response) => response.url().includes('/api/v1/reports/analysis') && response.url().includes('incidentType=smuggling-sea'));
  await tabTo(/^Apply$/, { tag: 'button' });
  await page.keyboard.press('Enter');
  expect((await applied).status()).toBe(200);
  await page.waitForURL(/\?incidentType=smuggling-sea$/);

  expect(problems).toEqual([]);
}, 240_000);
