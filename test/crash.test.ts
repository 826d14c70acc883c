import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PgliteDatabase } from '../src/platform/db/pglite.js';
import { PostgresDatabase } from '../src/platform/db/postgres.js';
import { SMTP_CONNECTIONS } from '../src/platform/notify/mailer.js';
import { runCrashRounds } from './support/crash.js';
import { makeTestDataFolder, openTestDatabase, TEST_DB_KIND, type TestDatabase } from './support/db.js';
import { startLocalSmtp, type LocalSmtp } from './support/mail.js';

/**
 * Crash safety, briefly: a real server takes writes of every kind at once and is SIGKILLed
 * twice at seeded moments (test/support/crash.ts says what is checked after each kill). The full
 * run, 50 kills with 100,000-row and 1,000,000-row imports, is `npm run bench -- crash`.
 */

let smtp: LocalSmtp;
let folder: string;
let database: TestDatabase | undefined;

beforeAll(async () => {
  smtp = await startLocalSmtp();
  folder = mkdtempSync(join(tmpdir(), 'lintas-crash-'));
  if (TEST_DB_KIND === 'postgres') database = await openTestDatabase();
  else await makeTestDataFolder(folder);
}, 120_000);

afterAll(async () => {
  await database?.close();
  await smtp.close();
  rmSync(folder, { recursive: true, force: true });
});

test('killed twice under writes of every kind: what was acknowledged is there, imports are whole, the chain verifies, checks agree, each e-mail one message', async () => {
  const url = database?.url;
  const tally = await runCrashRounds({
    dataDir: folder,
    ...(url ? { databaseUrl: url } : {}),
    open: () => (url ? PostgresDatabase.open(url) : PgliteDatabase.open(folder)),
    smtp,
    seed: 2026,
    kills: 2,
    reportRows: 100,
    registerRows: 500,
    subscribers: 3,
    killAfter: [0, 1_500],
  });
  expect(tally.problems).toEqual([]);
  expect(tally.kills).toBe(2);
  // The kills came while the writers were busy: every kind had acts acknowledged before them.
  for (const kind of Object.keys(tally.acknowledged) as (keyof typeof tally.acknowledged)[]) expect(tally.acknowledged[kind], kind).toBeGreaterThan(0);
  expect(tally.indexChecked).toBe(200);
  // Each restart: up to ten enrolled faces found, and one never enrolled not.
  expect(tally.galleryChecked).toBeGreaterThanOrEqual(4);
  expect(tally.emails).toBeGreaterThan(0);
  // Every committed bulletin reached the other member's webhook endpoint once (drainOutbox checks each); a kill may have left a copy with the same webhook-id.
  expect(tally.webhooks).toBeGreaterThan(0);
  expect(tally.webhookCopies).toBeLessThanOrEqual(tally.kills * 20); // at most the outbox's batch (deliverOutbox) in flight at a kill
  // Sent again after a kill: at most the messages in flight on the SMTP connections when it came.
  expect(tally.emailCopies).toBeLessThanOrEqual(tally.kills * SMTP_CONNECTIONS);
}, 600_000);
