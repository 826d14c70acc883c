import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { template } from '../../../test/support/templates.js';
import { deflate, zip, type ZipEntryInput } from '../../../test/support/zip.js';
import { sql } from '../../platform/db/sql.js';
import { ENROLMENT_REJECTIONS } from './codes.js';
import { enrolmentRunsEnded, stopEnrolmentRuns } from './enrolment-runner.js';
import { stopFacePool } from './faces/index.js';
import { applyRetention } from './retention.js';
import type { EnrolmentRun } from './schemas.js';

// Bulk enrolment through the API with real images in a real archive: a face enrolled, each image
// the face reader refuses and each bad row reported with its reason, the good subjects searchable,
// a bad archive refused whole with nothing written, another member refused with 404.

const API = '/api/v1/biometrics';
const FORMAT = 'human-faceres-1024';
const FACES = new URL('../../../test/fixtures/faces/', import.meta.url);
const image = (name: string): Buffer => readFileSync(new URL(name, FACES));

let t: TestContext;
let aaa: TestSession;
let bbb: TestSession;
let agreementId: string;

/** A PNG whose header declares 30,000 × 30,000 pixels, in under 100 bytes (faces.test.ts makes the same). */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

function upload(who: TestSession, archive: Buffer, metadata?: unknown) {
  const parts = [...(metadata === undefined ? [] : [{ name: 'metadata', value: JSON.stringify(metadata) }]), { name: 'file', value: archive, filename: 'subjects.zip', type: 'application/zip' }];
  return t.as(who, { method: 'POST', url: `${API}/enrolments`, ...multipart(parts) });
}

async function finished(who: TestSession, id: string): Promise<EnrolmentRun> {
  await enrolmentRunsEnded(t.db);
  const read = await t.as(who, { method: 'GET', url: `${API}/enrolments/${id}` });
  expect(read.statusCode, read.body).toBe(200);
  return read.json<{ data: EnrolmentRun }>().data;
}

const runRows = async (): Promise<number> => (await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM biometric_enrolment_runs`))).n;

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB']) await t.makeMember(code);
  const admins = { AAA: await t.sessionFor(await t.makeUser('AAA', ['member-admin'])), BBB: await t.sessionFor(await t.makeUser('BBB', ['member-admin'])) };
  aaa = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['officer', 'member-admin']));
  // BBB may search AAA's gallery, to find what the archive enrolled.
  const proposed = await t.as(admins.BBB, {
    method: 'POST', url: `${API}/agreements`,
    payload: { title: 'Bulk', parties: ['AAA'], purposes: ['irregular-arrival'], formats: [FORMAT], stepTwoFields: ['familyName'], validFrom: '2026-01-01', directions: [{ searcher: 'BBB', holder: 'AAA' }] },
  });
  agreementId = proposed.json<{ data: { id: string } }>().data.id;
  expect((await t.as(admins.AAA, { method: 'POST', url: `${API}/agreements/${agreementId}/accept` })).statusCode).toBe(200);
  // A reference the gallery holds already.
  expect((await t.as(aaa, { method: 'POST', url: `${API}/subjects`, payload: { reference: 'AAA-TAKEN', template: { format: FORMAT, vector: template(1) } } })).statusCode).toBe(201);
}, 60_000);

afterAll(async () => {
  await stopFacePool();
  await t.close();
});

describe('bulk enrolment from an archive', () => {
  test('each good image enrolled, each other row rejected with its reason, counted and kept; the subjects are searchable and audited', async () => {
    const csv = [
      'reference,image,family_name,retention_until',
      'AAA-BULK-1,astronaut.png,Collins,',
      'AAA-BULK-2,coffee.png,,',
      'AAA-BULK-3,notes.png,,',
      'AAA-BULK-4,bomb.png,,',
      'AAA-BULK-5,absent.png,,',
      'AAA-BULK-6,camera.png,,2030-13-45',
      'AAA-BULK-1,camera.png,,',
      'AAA-TAKEN,photos/camera.png,,',
      'AAA-BULK-7,photos/camera.png,Varshney,2031-01-02',
      '',
    ].join('\r\n');
    const archive = zip([
      { name: 'batch/subjects.csv', content: csv },
      { name: 'batch/astronaut.png', content: image('astronaut.png') },
      { name: 'batch/coffee.png', content: image('coffee.png') },
      { name: 'batch/notes.png', content: 'minutes of the meeting, not a picture' },
      { name: 'batch/bomb.png', content: pngDeclaring(30_000, 30_000) },
      { name: 'batch/photos/camera.png', content: image('camera.png') },
      { name: '__MACOSX/batch/._astronaut.png', content: 'resource fork' },
    ]);
    const started = await upload(aaa, archive, { retainUntil: '2035-06-30' });
    expect(started.statusCode, started.body).toBe(202);
    const run = started.json<{ data: EnrolmentRun }>().data;
    expect(started.headers.location).toBe(`/api/v1/biometrics/enrolments/${run.id}`);
    // The CSV's own faults are settled before any image is read.
    expect(run).toMatchObject({ status: 'queued', fileName: 'subjects.zip', csvName: 'batch/subjects.csv', format: FORMAT, total: 9, processed: 4, enrolled: 0, rejected: 4 });
    expect(run.rejections?.map((each) => [each.row, each.reason, each.pointer])).toEqual([
      [6, 'missing-file', '/rows/6/image'],
      [7, 'invalid-row', '/rows/7/retention_until'],
      [8, 'duplicate-reference', '/rows/8/reference'],
      [9, 'reference-taken', '/rows/9/reference'],
    ]);

    const done = await finished(aaa, run.id);
    expect(done).toMatchObject({ status: 'done', total: 9, processed: 9, enrolled: 2, rejected: 7, problem: null });
    expect(done.finishedAt).not.toBeNull();
    expect(done.rejections?.map((each) => [each.row, each.file, each.reference, each.reason])).toEqual([
      [3, 'coffee.png', 'AAA-BULK-2', 'no-face'],
      [4, 'notes.png', 'AAA-BULK-3', 'not-an-image'],
      [5, 'bomb.png', 'AAA-BULK-4', 'decompression-bomb'],
      [6, 'absent.png', 'AAA-BULK-5', 'missing-file'],
      [7, 'camera.png', 'AAA-BULK-6', 'invalid-row'],
      [8, 'camera.png', 'AAA-BULK-1', 'duplicate-reference'],
      [9, 'photos/camera.png', 'AAA-TAKEN', 'reference-taken'],
    ]);
    expect(done.rejections?.find((each) => each.row === 7)?.detail).toMatch(/retention_until/);

    // The subjects: their biographic fields, retention days (the row's, else the run's default) and kept images.
    const subjects = await t.db.ownerTransaction((tx) => tx.query<{ id: string; reference: string; retain_until: string; has_image: boolean }>(sql`
      SELECT id, reference, to_char(retain_until, 'YYYY-MM-DD') AS retain_until, image IS NOT NULL AS has_image FROM biometric_subjects WHERE owner = 'AAA' AND reference LIKE 'AAA-BULK-%' ORDER BY reference`));
    expect(subjects.map((row) => [row.reference, row.retain_until, row.has_image])).toEqual([['AAA-BULK-1', '2035-06-30', true], ['AAA-BULK-7', '2031-01-02', true]]);
    const first = await t.as(aaa, { method: 'GET', url: `${API}/subjects/${subjects[0]?.id}` });
    expect(first.json()).toMatchObject({ data: { reference: 'AAA-BULK-1', biographic: { familyName: 'Collins' }, hasImage: true } });
    // Each enrolment is audited as an enrolment from one image is, naming its run.
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ action: string; object_id: string }>(sql`
      SELECT action, object_id FROM audit_log WHERE details->>'enrolment' = ${run.id} OR object_id = ${run.id} ORDER BY seq`));
    expect(audited.map((row) => row.action).sort()).toEqual(['biometrics.enrol', 'biometrics.enrol', 'biometrics.enrolment-start']);

    // BBB finds the astronaut in AAA's gallery with another picture of her.
    const { width } = await sharp(image('astronaut.png')).metadata();
    const probe = await sharp(image('astronaut.png')).extract({ left: 51, top: 51, width: width - 102, height: width - 102 }).resize(300).png().toBuffer();
    const search = await t.as(bbb, {
      method: 'POST', url: `${API}/searches/by-image`,
      ...multipart([{ name: 'metadata', value: JSON.stringify({ agreement: agreementId, purpose: 'irregular-arrival' }) }, { name: 'file', value: probe, filename: 'probe.png', type: 'image/png' }]),
    });
    expect(search.statusCode, search.body).toBe(201);
    expect(search.json()).toMatchObject({ data: { results: [{ holder: 'AAA', hit: true, candidates: [{ reference: 'AAA-BULK-1' }] }] } });

    // The report: every rejected row, as CSV.
    const report = await t.as(aaa, { method: 'GET', url: `${API}/enrolments/${run.id}/report.csv` });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = report.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('row,file,reference,reason,column,detail');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      '3,coffee.png,AAA-BULK-2,no-face', '4,notes.png,AAA-BULK-3,not-an-image', '5,bomb.png,AAA-BULK-4,decompression-bomb', '6,absent.png,AAA-BULK-5,missing-file',
      '7,camera.png,AAA-BULK-6,invalid-row', '8,camera.png,AAA-BULK-1,duplicate-reference', '9,photos/camera.png,AAA-TAKEN,reference-taken',
    ]);
    const list = (await t.as(aaa, { method: 'GET', url: `${API}/enrolments` })).json<{ data: EnrolmentRun[] }>().data;
    expect(list[0]).toMatchObject({ id: run.id, status: 'done', enrolled: 2 });
    expect(list[0]?.rejections).toBeUndefined();

    // Another member: the run and its report are the 404 of a run that does not exist; its list is empty; nothing changes.
    const before = await fingerprint(t.db);
    for (const path of [`/enrolments/${run.id}`, `/enrolments/${run.id}/report.csv`]) {
      const refused = await t.as(bbb, { method: 'GET', url: `${API}${path}` });
      expect(refused.statusCode).toBe(404);
      expect(refused.body).not.toContain('AAA');
    }
    expect((await t.as(bbb, { method: 'GET', url: `${API}/enrolments` })).json()).toEqual({ data: [] });
    // Each wall alone: the queries' condition without row-level security, and row-level security without the queries.
    const conditionAlone = await t.variant({ unsafeWithoutRowLevelSecurity: true });
    const asBbb = { cookie: bbb.cookie, 'x-csrf-token': bbb.csrf };
    expect((await conditionAlone.inject({ method: 'GET', url: `${API}/enrolments/${run.id}`, headers: asBbb })).statusCode).toBe(404);
    expect((await conditionAlone.inject({ method: 'GET', url: `${API}/enrolments`, headers: asBbb })).json()).toEqual({ data: [] });
    for (const table of ['biometric_enrolment_runs', 'biometric_enrolment_rejections']) {
      expect(await t.db.transaction({ member: 'BBB' }, (tx) => tx.query(sql`SELECT * FROM ${sql.ident(table)}`)), table).toEqual([]);
    }
    expect(await fingerprint(t.db)).toEqual(before);
  }, 120_000);

  test('a bad archive is refused whole, pointing at what is wrong, and nothing is written', async () => {
    const csv = (text: string): ZipEntryInput => ({ name: 'subjects.csv', content: text });
    const face = { name: 'astronaut.png', content: image('astronaut.png') };
    // 16 MB of zeros deflate to about 16 KB: a ratio of 1,000 to 1.
    const bomb = await deflate([Buffer.alloc(16 * 1024 * 1024)]);
    const cases: [string, Buffer, unknown, number, string[]][] = [
      ['not a ZIP', Buffer.from('reference,image\r\nA,a.png\r\n'), undefined, 400, ['/file']],
      ['a zip bomb', zip([csv('reference,image\r\nAAA-X,big.png\r\n'), { name: 'big.png', content: bomb }]), undefined, 413, []],
      ['no CSV', zip([face]), undefined, 400, ['/file']],
      ['two CSVs', zip([csv('reference,image\r\n'), { name: 'more.csv', content: 'reference,image\r\n' }, face]), undefined, 400, ['/file']],
      ['a header without reference', zip([csv('ref,image\r\nAAA-X,astronaut.png\r\n'), face]), undefined, 400, ['/rows/1/reference', '/rows/1/ref']],
      ['a CSV with no rows', zip([csv('reference,image\r\n'), face]), undefined, 400, ['/rows/2']],
      ['a quote left open', zip([csv('reference,image\r\n"AAA-X,astronaut.png\r\n'), face]), undefined, 400, ['/lines/2']],
      ['a default retention that is not a day', zip([csv('reference,image\r\nAAA-X,astronaut.png\r\n'), face]), { retainUntil: 'next year' }, 400, ['/metadata/retainUntil']],
      ['an unknown metadata field', zip([csv('reference,image\r\nAAA-X,astronaut.png\r\n'), face]), { format: FORMAT, title: 'x' }, 400, ['/metadata/title']],
    ];
    const runsBefore = await runRows();
    const before = await fingerprint(t.db);
    for (const [what, archive, metadata, status, pointers] of cases) {
      const response = await upload(aaa, archive, metadata);
      expect(response.statusCode, `${what}: ${response.body}`).toBe(status);
      expect(response.headers['content-type'], what).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ detail: string; errors?: { pointer: string }[] }>();
      expect((problem.errors ?? []).map((error) => error.pointer).sort(), what).toEqual([...pointers].sort());
      if (what === 'a zip bomb') expect(problem.detail).toMatch(/compressed 1\d{3} to 1/);
    }
    expect(await runRows()).toBe(runsBefore);
    expect(await fingerprint(t.db)).toEqual(before);
  }, 60_000);

  test('a run stopped with the server is marked interrupted; sending the archive again enrols the rest', async () => {
    const archive = zip([{ name: 'subjects.csv', content: 'reference,image\r\nAAA-AGAIN-1,astronaut.png\r\nAAA-AGAIN-2,camera.png\r\n' }, { name: 'astronaut.png', content: image('astronaut.png') }, { name: 'camera.png', content: image('camera.png') }]);
    const started = await upload(aaa, archive);
    expect(started.statusCode, started.body).toBe(202);
    const id = started.json<{ data: EnrolmentRun }>().data.id;
    await stopEnrolmentRuns(t.db);
    const stopped = await finished(aaa, id);
    expect(stopped).toMatchObject({ status: 'interrupted', total: 2, problem: { title: 'Enrolment interrupted' } });
    expect(stopped.processed).toBe(stopped.enrolled + stopped.rejected);
    expect(stopped.processed).toBeLessThan(2);

    const again = await upload(aaa, archive);
    const done = await finished(aaa, again.json<{ data: EnrolmentRun }>().data.id);
    expect(done).toMatchObject({ status: 'done', total: 2, processed: 2, enrolled: 2 - stopped.enrolled, rejected: stopped.enrolled });
  }, 60_000);

  test('an archive whose every row is refused by the CSV is done at once, reading no image; the table takes every reason the code knows', async () => {
    const archive = zip([{ name: 'subjects.csv', content: 'reference,image\r\nAAA-NONE-1,absent.png\r\n,astronaut.png\r\n' }, { name: 'astronaut.png', content: image('astronaut.png') }]);
    const started = await upload(aaa, archive);
    expect(started.statusCode, started.body).toBe(202);
    const run = started.json<{ data: EnrolmentRun }>().data;
    expect(run).toMatchObject({ status: 'done', total: 2, processed: 2, enrolled: 0, rejected: 2 });
    expect(run.finishedAt).not.toBeNull();
    expect(run.rejections?.map((each) => [each.reason, each.pointer])).toEqual([['missing-file', '/rows/2/image'], ['invalid-row', '/rows/3/reference']]);
    // The migration's list of reasons is the code's (a reason it lacked would fail a run's write).
    const undone = new Error('undone on purpose');
    const outcome = await t.db.transaction({ member: 'AAA' }, async (tx) => {
      for (const [index, reason] of ENROLMENT_REJECTIONS.entries()) {
        await tx.query(sql`INSERT INTO biometric_enrolment_rejections (run_id, owner, csv_row, reason) VALUES (${run.id}, 'AAA', ${100 + index}, ${reason})`);
      }
      throw undone;
    }).catch((error: unknown) => error);
    expect(outcome).toBe(undone);
  });

  test('a search made while an archive is being read is answered after at most one of its images, not after the archive', async () => {
    const rows = Array.from({ length: 12 }, (_, index) => `AAA-QUEUE-${index},coffee.png`);
    const started = await upload(aaa, zip([{ name: 'subjects.csv', content: `reference,image\r\n${rows.join('\r\n')}\r\n` }, { name: 'coffee.png', content: image('coffee.png') }]));
    const id = started.json<{ data: EnrolmentRun }>().data.id;
    const search = await t.as(bbb, {
      method: 'POST', url: `${API}/searches/by-image`,
      ...multipart([{ name: 'metadata', value: JSON.stringify({ agreement: agreementId, purpose: 'irregular-arrival' }) }, { name: 'file', value: image('camera.png'), filename: 'probe.png', type: 'image/png' }]),
    });
    expect(search.statusCode, search.body).toBe(201);
    // The archive's images take one place at a time in the face worker's queue: the search went in behind
    // one of them. By the time its answer is read back, one more may be settling and one more read.
    const meanwhile = (await t.as(aaa, { method: 'GET', url: `${API}/enrolments/${id}` })).json<{ data: EnrolmentRun }>().data;
    expect(meanwhile.processed).toBeLessThanOrEqual(3);
    expect(await finished(aaa, id)).toMatchObject({ status: 'done', processed: 12, rejected: 12 });
  }, 60_000);

  test('an image past the face reader’s 20 MB is rejected as too large, an entry that cannot be extracted as damaged', async () => {
    // Random bytes do not compress, so the ZIP guard's ratio lets them through; the face reader's limit does not.
    const big = await deflate([randomBytes(20 * 1024 * 1024 + 1)], { level: 1 });
    // An entry whose header says it is larger than it inflates to cannot be extracted: that row alone is rejected.
    const lying = { name: 'lying.png', content: image('astronaut.png'), declaredSize: image('astronaut.png').length + 100 };
    const csv = 'reference,image\r\nAAA-BIG-1,big.png\r\nAAA-LYING-1,lying.png\r\n';
    const started = await upload(aaa, zip([{ name: 'subjects.csv', content: csv }, { name: 'big.png', content: big }, lying]));
    expect(started.statusCode, started.body).toBe(202);
    const done = await finished(aaa, started.json<{ data: EnrolmentRun }>().data.id);
    expect(done).toMatchObject({ status: 'done', enrolled: 0, rejected: 2, rejections: [{ row: 2, reason: 'too-large', file: 'big.png' }, { row: 3, reason: 'damaged-file', file: 'lying.png' }] });
    expect(done.rejections?.[1]?.detail).toMatch(/lying\.png/);
  }, 60_000);

  test('retention: a run left running by a stopped process is marked interrupted; a run ended long ago is deleted, audited', async () => {
    const [left, old] = await t.db.ownerTransaction(async (tx) => [
      (await tx.one<{ id: string }>(sql`INSERT INTO biometric_enrolment_runs (owner, file_name, csv_name, format, status, total, updated_at)
        VALUES ('AAA', 'left.zip', 'subjects.csv', ${FORMAT}, 'running', 10, now() - interval '2 hours') RETURNING id`)).id,
      (await tx.one<{ id: string }>(sql`INSERT INTO biometric_enrolment_runs (owner, file_name, csv_name, format, status, total, finished_at)
        VALUES ('AAA', 'old.zip', 'subjects.csv', ${FORMAT}, 'done', 0, now() - interval '91 days') RETURNING id`)).id,
    ]);
    const applied = await applyRetention(t.platform);
    expect(applied).toMatchObject({ enrolments: 1, interrupted: 1 });
    expect((await t.as(aaa, { method: 'GET', url: `${API}/enrolments/${left}` })).json()).toMatchObject({ data: { status: 'interrupted', problem: { title: 'Enrolment interrupted' } } });
    expect((await t.as(aaa, { method: 'GET', url: `${API}/enrolments/${old}` })).statusCode).toBe(404);
    const expired = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT 1 FROM audit_log WHERE action = 'biometrics.enrolment-expire' AND object_id = ${old}`));
    expect(expired).toHaveLength(1);
  });
});
