import { createIntl } from 'react-intl';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { attentionMessage } from '../web/src/attention.js';
import en from '../web/src/i18n/messages/en.json' with { type: 'json' };
import { makeTestApp, type TestContext, type TestSession } from './support/app.js';

// The home page words what waits for the user (GET /home) from the catalogue, by module and key. Every
// item the server sends has its message, and the message says what the server's own label says.

let t: TestContext;
let everyRole: TestSession;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('UTO', { name: 'Utopia' });
  everyRole = await t.sessionFor(await t.makeUser('UTO', ['officer', 'analyst', 'liaison', 'approver', 'member-admin', 'secretariat']));
});
afterAll(() => t.close());

test('each attention item of GET /home has a catalogue message that says the server’s label, with its count', async () => {
  const response = await t.as(everyRole, { method: 'GET', url: '/api/v1/home' });
  expect(response.statusCode, response.body).toBe(200);
  const items = response.json<{ attention: { module: string; key: string; label: string }[] }>().attention;
  expect(items.length).toBeGreaterThanOrEqual(4);
  const intl = createIntl({ locale: 'en-GB', messages: en });
  for (const item of items) {
    const id = attentionMessage(item);
    expect(id, `${item.module}/${item.key}`).not.toBeNull();
    const n = (chunks: string[]) => `[${chunks.join('')}]`;
    expect(intl.formatMessage({ id: id ?? '' }, { count: 2, n }), item.key).toBe(`[2] ${item.label.toLowerCase()}`);
    expect(intl.formatMessage({ id: id ?? '' }, { count: 1, n }), item.key).toMatch(/^\[1\] [a-z]/);
  }
  expect(attentionMessage({ module: 'inbox', key: 'no-such-key' })).toBeNull();
});
