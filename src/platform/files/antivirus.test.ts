import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { clamdAvailable, startClamd, TEST_MALWARE, TEST_SIGNATURE, type Clamd } from '../../../test/support/clamd.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { loadConfig } from '../config.js';
import { sql } from '../db/sql.js';
import { ClamdScanner, parseClamdAddress, ScannerUnavailable, ScanTooLarge } from './antivirus.js';

/**
 * Uploads scanned by ClamAV's daemon before anything keeps them (ASVS 12.4.2), against a real clamd
 * with a signature of the tests' own (test/support/clamd.ts): a clean file passes, a file with the
 * signature is refused (422, nothing kept, the refusal on the audit trail with the signature), a file
 * larger than clamd takes is refused (413), and with clamd gone every upload is refused (503 with
 * Retry-After), never kept unscanned.
 */
const DOCUMENTS = '/api/v1/library/documents';
const workshop = readFileSync(new URL('../../../test/fixtures/workshop.pdf', import.meta.url));
/** A PDF that carries the test signature after its end, where a reader does not look. */
const infected = Buffer.concat([workshop, Buffer.from(`\n% ${TEST_MALWARE}\n`)]);

describe('LINTAS_CLAMD', () => {
  test('a socket path or host:port; anything else stops the start with what it must be', () => {
    expect(parseClamdAddress('/run/clamav/clamd.ctl')).toEqual({ path: '/run/clamav/clamd.ctl' });
    expect(parseClamdAddress('clamav:3310')).toEqual({ host: 'clamav', port: 3310 });
    expect(parseClamdAddress(' 10.0.0.5:3310 ')).toEqual({ host: '10.0.0.5', port: 3310 });
    expect(parseClamdAddress('[::1]:3310')).toEqual({ host: '::1', port: 3310 });
    for (const bad of ['clamav', 'clamav:0', 'clamav:70000', 'tcp://clamav:3310', 'run/clamd.ctl', 'clam av:3310']) {
      expect(() => parseClamdAddress(bad), bad).toThrow(/LINTAS_CLAMD must be clamd's socket path \(\/run\/clamav\/clamd.ctl\) or host:port/);
    }
    expect(loadConfig({}).clamd).toBeUndefined();
    expect(loadConfig({ LINTAS_CLAMD: 'clamav:3310' }).clamd).toEqual({ host: 'clamav', port: 3310 });
    expect(() => loadConfig({ LINTAS_CLAMD: 'clamav' })).toThrow(/LINTAS_CLAMD must be/);
  });

  test('every route that reads a multipart file reads it through readUpload, which scans it', () => {
    // The one exception: the register import streams its CSV into rows (documents/import-routes.ts); the file is never kept or served.
    const readers = readdirSync(join(import.meta.dirname, '../..'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
      .filter((file) => /\brequest\.(parts|file|files|saveRequestFiles)\(/.test(readFileSync(join(import.meta.dirname, '../..', file), 'utf8')));
    expect(readers.sort()).toEqual(['modules/documents/import-routes.ts', 'platform/http/upload.ts']);
  });
});

describe.skipIf(!clamdAvailable)('scanning uploads with clamd', () => {
  let clamd: Clamd;
  let t: TestContext;
  let officer: TestSession;

  beforeAll(async () => {
    clamd = await startClamd({ streamMaxLength: '1M' });
    t = await makeTestApp({ env: { LINTAS_CLAMD: clamd.socket } });
    await t.makeMember('AAA');
    await t.makeMember('BBB');
    officer = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await clamd?.stop();
  });

  const upload = (file: Buffer, name = 'workshop.pdf') =>
    t.as(officer, {
      method: 'POST',
      url: `${DOCUMENTS}/upload`,
      ...multipart([
        { name: 'metadata', value: JSON.stringify({ title: `Upload of ${name}`, category: 'workshop-report', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } }) },
        { name: 'file', value: file, filename: name },
      ]),
    });

  test('the scanner, on its socket and over TCP: clean, a signature found, too large', async () => {
    for (const scanner of [new ClamdScanner({ path: clamd.socket }), new ClamdScanner({ host: '127.0.0.1', port: clamd.port })]) {
      expect(await scanner.ping()).toBe(true);
      expect(await scanner.scan(workshop)).toEqual({ clean: true });
      expect(await scanner.scan(Buffer.alloc(0))).toEqual({ clean: true });
      expect(await scanner.scan(infected)).toEqual({ clean: false, signature: TEST_SIGNATURE });
      // Across the stream's chunks (64 KiB each): the signature split between two of them is still found.
      const straddling = Buffer.concat([Buffer.alloc(64 * 1024 - 10, 0x20), Buffer.from(TEST_MALWARE)]);
      expect(await scanner.scan(straddling)).toEqual({ clean: false, signature: TEST_SIGNATURE });
      await expect(scanner.scan(Buffer.alloc(3 * 1024 * 1024, 0x41))).rejects.toBeInstanceOf(ScanTooLarge);
      // Within the stream's limit but past what clamd scans whole (MaxFileSize 512K, AlertExceedsMax): not checked, so too large too.
      await expect(scanner.scan(Buffer.alloc(700 * 1024, 0x41))).rejects.toThrow(/checks \(Heuristics\.Limits\.Exceeded/);
    }
  });

  test('a clean file is kept; a file with a signature is refused at /file, nothing kept, the refusal audited with the signature', async () => {
    const clean = await upload(workshop);
    expect(clean.statusCode, clean.body).toBe(201);

    const before = await fingerprint(t.db);
    const refused = await upload(infected, 'minutes.pdf');
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json()).toMatchObject({ status: 422, title: 'Malware found', signature: TEST_SIGNATURE, errors: [{ pointer: '/file', detail: `carries ${TEST_SIGNATURE}` }] });
    expect(await fingerprint(t.db)).toEqual(before);
    const rows = await t.db.ownerTransaction((tx) =>
      tx.query<{ member: string; user_id: string; details: Record<string, unknown> }>(sql`SELECT member, user_id, details FROM audit_log WHERE action = 'upload.malware' ORDER BY seq`),
    );
    expect(rows).toEqual([{ member: 'AAA', user_id: officer.user.id, details: { method: 'POST', path: `${DOCUMENTS}/upload`, signature: TEST_SIGNATURE, file: 'minutes.pdf', bytes: infected.length } }]);
    // Each one is recorded, with its signature: a second is not folded into a count.
    expect((await upload(infected, 'again.pdf')).statusCode).toBe(422);
    const again = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE action = 'upload.malware' AND details->>'signature' = ${TEST_SIGNATURE}`));
    expect(again.n).toBe(2);
  });

  test('a file larger than clamd takes is refused with 413, nothing kept', async () => {
    const before = await fingerprint(t.db);
    const large = await upload(Buffer.concat([workshop, Buffer.alloc(2 * 1024 * 1024, 0x20)]), 'large.pdf');
    expect(large.statusCode, large.body).toBe(413);
    expect(large.json()).toMatchObject({ title: 'File too large to scan', errors: [{ pointer: '/file' }] });
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('with clamd gone, every upload is refused with 503 and Retry-After, clean or not, and nothing is kept', async () => {
    await clamd.stop();
    await expect(new ClamdScanner({ path: clamd.socket }, 1_000).scan(workshop)).rejects.toBeInstanceOf(ScannerUnavailable);
    const before = await fingerprint(t.db);
    for (const file of [workshop, infected]) {
      const refused = await upload(file);
      expect(refused.statusCode, refused.body).toBe(503);
      expect(refused.headers['retry-after']).toBe('60');
      expect(refused.json()).toMatchObject({ title: 'Virus scanner unavailable' });
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });
});
