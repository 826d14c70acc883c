import { mkdirSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { browserAvailable, openBrowserSession, signIn, type BrowserSession } from '../support/browser.js';

// The linkage graph in Debian's Chromium: opened from a lead, expanded by a node's button, and
// downloaded as PNG and as GraphML (parsed back by the browser's own strict XML parser).

const SCREENSHOTS = 'test-results/screenshots';

let session: BrowserSession | undefined;
let page: Page;
let server: BrowserSession['server'];
let problems: string[] = [];

async function writeLead(title: string, audience: 'owner' | 'all'): Promise<string> {
  const me = (await (await page.request.get(`${server.url}/api/v1/auth/session`)).json()) as { csrfToken: string };
  const response = await page.request.post(`${server.url}/api/v1/linkage/leads`, {
    headers: { 'x-csrf-token': me.csrfToken },
    data: { title, subject: 'network', country: 'IDN', entities: [{ type: 'phone', value: '0813-9876-5432' }], sharing: { audience: { kind: audience }, tlp: 'AMBER' } },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { data: { id: string } }).data.id;
}

beforeAll(async () => {
  if (!browserAvailable) return;
  session = await openBrowserSession();
  ({ page, server, problems } = session);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.goto(server.url);
  await signIn(page, server, 'analyst@aus.demo');
}, 120_000);

afterAll(async () => {
  await session?.close();
});

test.skipIf(!browserAvailable)('open the graph from a lead, expand its phone, download PNG and GraphML', async () => {
  const lead = await writeLead('Kupang boat agent', 'owner');
  const other = await writeLead('Broker in Makassar', 'all');
  await page.goto(`${server.url}/linkage/graph?record=${encodeURIComponent(`linkage/lead/${lead}`)}`);
  await page.getByRole('heading', { level: 1, name: 'Linkage graph' }).waitFor();
  const nodes = page.getByRole('table');
  await nodes.getByRole('cell', { name: 'Kupang boat agent', exact: true }).waitFor();

  await nodes.getByRole('button', { name: 'Expand +6281398765432' }).click();
  await nodes.getByRole('cell', { name: 'Broker in Makassar', exact: true }).waitFor();
  await page.getByRole('status').filter({ hasText: '3 nodes, 2 links' }).waitFor();

  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download PNG' }).click()]);
  expect(png.suggestedFilename()).toBe('lintas-linkage.png');
  expect(readFileSync(await png.path()).subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');

  const [graphml] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download GraphML' }).click()]);
  expect(graphml.suggestedFilename()).toBe('lintas-linkage.graphml');
  const text = readFileSync(await graphml.path(), 'utf8');
  const parsed = await page.evaluate((xml) => {
    const document = new DOMParser().parseFromString(xml, 'application/xml');
    const root = document.documentElement;
    return {
      error: document.getElementsByTagName('parsererror').length > 0,
      namespace: root.namespaceURI,
      nodes: root.getElementsByTagNameNS('http://graphml.graphdrawing.org/xmlns', 'node').length,
      edges: root.getElementsByTagNameNS('http://graphml.graphdrawing.org/xmlns', 'edge').length,
    };
  }, text);
  expect(parsed).toEqual({ error: false, namespace: 'http://graphml.graphdrawing.org/xmlns', nodes: 3, edges: 2 });
  expect(text).toContain(lead);
  expect(text).toContain(other);

  for (const width of [768, 1366]) {
    await page.setViewportSize({ width, height: 1024 });
    await page.screenshot({ path: `${SCREENSHOTS}/linkage-graph-${width}.png`, fullPage: true });
  }
  expect(problems).toEqual([]);
}, 120_000);
