import { readFileSync } from 'node:fs';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { sql } from '../db/sql.js';

// A member's files bounded as a whole (ASVS 12.1.3, LINTAS_FILE_QUOTA_MB): library documents'
// files and bulletins' attachments count towards their owner's quota, from upload to removal; past
// it, the upload is a 413 that stores nothing; one member's files never count against another's,
// and the answer names only the caller's own figures.

const QUOTA = 1024 * 1024; // LINTAS_FILE_QUOTA_MB=1
const PDF = readFileSync(new URL('../../../test/fixtures/workshop.pdf', import.meta.url));

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let ccc: TestSession;

/** A plain-text file of exactly `bytes` bytes. */
const text = (bytes: number): Buffer => Buffer.alloc(bytes, 'word ');

function uploadDocument(session: TestSession, bytes: number, title = `A file of ${bytes} bytes`): Promise<LightMyRequestResponse> {
  return t.as(session, {
    method: 'POST',
    url: '/api/v1/library/documents/upload',
    ...multipart([
      { name: 'metadata', value: JSON.stringify({ title, category: 'workshop-report', sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } }) },
      { name: 'file', value: text(bytes), filename: 'notes.txt' },
    ]),
  });
}

/** What the database counts for a member (owner's view). */
async function counted(member: string): Promise<number> {
  const row = await t.db.ownerTransaction((tx) => tx.maybeOne<{ bytes: string }>(sql`SELECT bytes::text AS bytes FROM file_storage WHERE member = ${member}`));
  return Number(row?.bytes ?? 0);
}

/** What the files a member stores add up to, from the tables themselves. */
async function stored(member: string): Promise<number> {
  const row = await t.db.ownerTransaction((tx) =>
    tx.one<{ bytes: string }>(sql`SELECT (
        coalesce((SELECT sum(octet_length(file_content)) FROM library_documents WHERE owner = ${member}), 0)
      + coalesce((SELECT sum(a.size) FROM bulletin_attachments a JOIN bulletins b ON b.id = a.bulletin_id WHERE b.owner = ${member}), 0))::text AS bytes`),
  );
  return Number(row.bytes);
}

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_FILE_QUOTA_MB: '1' } });
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  aaa = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  ccc = await t.sessionFor(await t.makeUser('CCC', ['officer']));
});
afterAll(() => t.close());

describe('a member’s file quota', () => {
  test('library files and bulletin attachments count; past the quota the upload is a 413 that stores nothing; removing files frees the space', async () => {
    const first = await uploadDocument(aaa, 700_000);
    expect(first.statusCode, first.body).toBe(201);
    const firstId = first.json<{ data: { id: string } }>().data.id;
    expect(await counted('AAA')).toBe(700_000);

    const draft = await t.as(aaa, {
      method: 'POST',
      url: '/api/v1/bulletins',
      payload: { type: 'document-fraud-alert', title: 'Specimens', body: 'See the attachment.', draft: true, sharing: { audience: { kind: 'owner' }, tlp: 'AMBER' } },
    });
    expect(draft.statusCode, draft.body).toBe(201);
    const draftId = draft.json<{ data: { id: string } }>().data.id;
    const attached = await t.as(aaa, { method: 'POST', url: `/api/v1/bulletins/${draftId}/attachments`, ...multipart([{ name: 'file', value: PDF, filename: 'specimen.pdf' }]) });
    expect(attached.statusCode, attached.body).toBe(201);
    const used = 700_000 + PDF.length;
    expect(await counted('AAA')).toBe(used);

    // One byte past the quota: refused, and nothing changed (the document, its audit row, the count).
    const before = await fingerprint(t.db);
    const over = await uploadDocument(aaa, QUOTA - used + 1);
    expect(over.statusCode, over.body).toBe(413);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(over.json()).toMatchObject({ status: 413, title: 'File quota reached', quotaBytes: QUOTA, usedBytes: used, fileBytes: QUOTA - used + 1 });
    expect(over.json<{ detail: string }>().detail).toMatch(/past its quota of 1\.0 MiB.*LINTAS_FILE_QUOTA_MB/);
    expect(await fingerprint(t.db)).toEqual(before);
    // An attachment past it too.
    const full = await uploadDocument(aaa, QUOTA - used);
    expect(full.statusCode, full.body).toBe(201);
    const overAttached = await t.as(aaa, { method: 'POST', url: `/api/v1/bulletins/${draftId}/attachments`, ...multipart([{ name: 'file', value: PDF, filename: 'again.pdf' }]) });
    expect(overAttached.statusCode, overAttached.body).toBe(413);
    expect(await counted('AAA')).toBe(QUOTA);

    // The draft deleted takes its attachment's bytes with it; a document deleted, its file's.
    expect((await t.as(aaa, { method: 'DELETE', url: `/api/v1/bulletins/${draftId}` })).statusCode).toBe(204);
    expect(await counted('AAA')).toBe(QUOTA - PDF.length);
    expect((await t.as(aaa, { method: 'DELETE', url: `/api/v1/library/documents/${firstId}` })).statusCode).toBe(204);
    expect(await counted('AAA')).toBe(QUOTA - PDF.length - 700_000);
    expect(await counted('AAA')).toBe(await stored('AAA'));
    expect((await uploadDocument(aaa, 700_000)).statusCode).toBe(201);
  });

  test('one member’s files never count against another’s, and a refusal names only the caller’s own figures', async () => {
    // AAA is at its quota (above); BBB stores as if AAA stored nothing.
    expect((await uploadDocument(bbb, 600_000)).statusCode).toBe(201);
    const refused = await uploadDocument(bbb, 500_000);
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({ usedBytes: 600_000, fileBytes: 500_000, quotaBytes: QUOTA });
    expect(refused.body).not.toContain(String(await counted('AAA')));
    expect(await counted('BBB')).toBe(await stored('BBB'));
  });

  test('two uploads at once cannot pass the quota together', async () => {
    const answers = await Promise.all([uploadDocument(ccc, 600_000, 'one'), uploadDocument(ccc, 600_000, 'two')]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([201, 413]);
    expect(await counted('CCC')).toBe(600_000);
    expect(await stored('CCC')).toBe(600_000);
  });

  test('the application role can neither move a count nor read another member’s', async () => {
    const asApp = (statement: ReturnType<typeof sql>) => t.db.transaction({ member: 'BBB' }, (tx) => tx.query(statement));
    await expect(asApp(sql`SELECT file_storage_add('BBB', -600000)`)).rejects.toThrow(/permission denied/);
    await expect(asApp(sql`SELECT bytes FROM file_storage`)).rejects.toThrow(/permission denied/);
    await expect(asApp(sql`UPDATE file_storage SET bytes = 0`)).rejects.toThrow(/permission denied/);
    const own = await t.db.transaction({ member: 'BBB' }, (tx) => tx.one<{ bytes: string }>(sql`SELECT file_storage_used()::text AS bytes`));
    expect(Number(own.bytes)).toBe(600_000);
    const none = await t.db.transaction({ member: 'ZZZ' }, (tx) => tx.one<{ bytes: string }>(sql`SELECT file_storage_used()::text AS bytes`));
    expect(Number(none.bytes)).toBe(0);
  });
});
