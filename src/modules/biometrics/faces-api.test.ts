import { readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { sql } from '../../platform/db/sql.js';
import { faceTemplate, stopFacePool } from './faces/index.js';
import { templateBytes } from './gallery-index.js';

// A real face through the whole path: enrolment from an image, search by another picture of the
// same face, refusals, and that nothing of a probe stays anywhere once its search has ended.

const API = '/api/v1/biometrics';
const FACES = new URL('../../../test/fixtures/faces/', import.meta.url);
const image = (name: string) => readFileSync(new URL(name, FACES));

let t: TestContext;
let aaa: TestSession;
const approvers: Record<string, TestSession> = {};
let bbb: TestSession;
let ccc: TestSession;
let agreementId: string;
let transformed: Buffer;

async function enrolImage(who: TestSession, reference: string, bytes: Buffer) {
  return t.as(who, {
    method: 'POST',
    url: `${API}/subjects/from-image`,
    ...multipart([{ name: 'metadata', value: JSON.stringify({ reference, biographic: { familyName: 'Collins' } }) }, { name: 'file', value: bytes, filename: `${reference}.png`, type: 'image/png' }]),
  });
}

async function searchImage(who: TestSession, bytes: Buffer, purpose = 'irregular-arrival') {
  return t.as(who, {
    method: 'POST',
    url: `${API}/searches/by-image`,
    ...multipart([{ name: 'metadata', value: JSON.stringify({ agreement: agreementId, purpose }) }, { name: 'file', value: bytes, filename: 'probe.png', type: 'image/png' }]),
  });
}

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  const admins: Record<string, TestSession> = {};
  for (const code of ['AAA', 'BBB', 'CCC']) admins[code] = await t.sessionFor(await t.makeUser(code, ['member-admin']));
  aaa = await t.sessionFor(await t.makeUser('AAA', ['officer']));
  bbb = await t.sessionFor(await t.makeUser('BBB', ['officer']));
  ccc = await t.sessionFor(await t.makeUser('CCC', ['officer']));
  for (const code of ['BBB', 'CCC']) approvers[code] = await t.sessionFor(await t.makeUser(code, ['approver']));
  const proposed = await t.as(admins.AAA as TestSession, {
    method: 'POST',
    url: `${API}/agreements`,
    payload: {
      title: 'Faces', parties: ['BBB', 'CCC'], purposes: ['irregular-arrival'], formats: ['human-faceres-1024'], stepTwoFields: ['familyName'], stepTwoImages: true, validFrom: '2026-01-01',
      directions: [{ searcher: 'AAA', holder: 'BBB' }, { searcher: 'AAA', holder: 'CCC' }],
    },
  });
  agreementId = proposed.json<{ data: { id: string } }>().data.id;
  for (const code of ['BBB', 'CCC']) await t.as(admins[code] as TestSession, { method: 'POST', url: `${API}/agreements/${agreementId}/accept` });
  // The same face seen again: cropped 10% on each side, scaled to 0.7, 20% brighter.
  const original = sharp(image('astronaut.png'));
  const { width, height } = await original.metadata();
  transformed = await sharp(image('astronaut.png'))
    .extract({ left: Math.round(width * 0.1), top: Math.round(height * 0.1), width: Math.round(width * 0.8), height: Math.round(height * 0.8) })
    .resize(Math.round(width * 0.8 * 0.7))
    .modulate({ brightness: 1.2 })
    .png()
    .toBuffer();
});
afterAll(async () => {
  await stopFacePool();
  await t.close();
});

describe('biometrics from face images', () => {
  test('enrolment from an image: the face found, the image kept (sealed) for its owner alone', async () => {
    const enrolled = await enrolImage(bbb, 'BBB-ASTRONAUT', image('astronaut.png'));
    expect(enrolled.statusCode, enrolled.body).toBe(201);
    const subject = enrolled.json<{ data: { id: string; hasImage: boolean; format: string; face: { width: number; height: number; score: number; imageWidth: number } } }>().data;
    expect(subject).toMatchObject({ hasImage: true, format: 'human-faceres-1024', face: { imageWidth: 512 } });
    expect(subject.face.width).toBeGreaterThan(64);
    expect(subject.face.score).toBeGreaterThan(0.5);
    const kept = await t.as(bbb, { method: 'GET', url: `${API}/subjects/${subject.id}/image` });
    expect(kept.statusCode).toBe(200);
    expect(kept.headers['content-type']).toBe('image/jpeg');
    expect((await sharp(kept.rawPayload).metadata()).width).toBe(512);
    // At rest the image is sealed: no JPEG in the row.
    const row = await t.db.ownerTransaction((tx) => tx.one<{ image: Uint8Array }>(sql`SELECT image FROM biometric_subjects WHERE id = ${subject.id}`));
    expect(Buffer.from(row.image).includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    const before = await fingerprint(t.db);
    for (const who of [aaa, ccc]) expect((await t.as(who, { method: 'GET', url: `${API}/subjects/${subject.id}/image` })).statusCode).toBe(404);
    expect(await fingerprint(t.db)).toEqual(before);
    expect((await enrolImage(ccc, 'CCC-CAMERAMAN', image('camera.png'))).statusCode).toBe(201);
  });

  test('images that give no template are refused with their reason, changing nothing', async () => {
    const before = await fingerprint(t.db);
    const cases: [Buffer, number, string][] = [
      [image('coffee.png'), 422, 'no-face'],
      [Buffer.from('not an image at all'), 422, 'not-an-image'],
      [await sharp({ create: { width: 40, height: 40, channels: 3, background: '#888' } }).png().toBuffer(), 422, 'too-small'],
    ];
    for (const [bytes, status, reason] of cases) {
      const response = await enrolImage(bbb, 'BBB-REFUSED', bytes);
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json()).toMatchObject({ reason });
      expect((await searchImage(aaa, bytes)).json()).toMatchObject({ reason });
    }
    expect((await enrolImage(bbb, 'BBB-REFUSED', Buffer.alloc(20 * 1024 * 1024 + 1))).statusCode).toBe(413);
    // The form's fields are named where they are: under /metadata.
    const purpose = await searchImage(aaa, image('astronaut.png'), 'asylum-screening');
    expect(purpose.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/metadata/purpose']);
    const taken = await enrolImage(bbb, 'BBB-ASTRONAUT', image('astronaut.png'));
    expect(taken.statusCode).toBe(409);
    expect(taken.json<{ errors: { pointer: string }[] }>().errors.map((e) => e.pointer)).toEqual(['/metadata/reference']);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('another picture of the enrolled face hits its gallery alone; nothing of the probe stays anywhere', async () => {
    const files = (folder: string) => readdirSync(folder).map((name) => join(folder, name)).filter((path) => statSync(path).isFile());
    const tmpBefore = new Set(files(tmpdir()));
    const response = await searchImage(aaa, transformed);
    expect(response.statusCode, response.body).toBe(201);
    const found = response.json<{ data: { id: string; results: { holder: string; hit: boolean; candidates: { reference: string; band: string }[] }[] } }>().data;
    expect(found.results).toEqual([
      { holder: 'BBB', hit: true, candidates: [{ reference: 'BBB-ASTRONAUT', band: 'high' }], stepTwo: null, abilities: { askStepTwo: true } },
      { holder: 'CCC', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } },
    ]);

    // The probe's template (the worker gives the same one again) and the image's bytes are nowhere:
    // not in any table (the audit trail and the outbox included), not in a new temporary file.
    const probe = templateBytes((await faceTemplate(Buffer.from(transformed))).vector);
    const needles = [probe.subarray(0, 32).toString('hex'), probe.subarray(2048, 2080).toString('hex'), transformed.subarray(100, 132).toString('hex')];
    const tables = await t.db.ownerTransaction((tx) => tx.query<{ table_name: string }>(sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`));
    for (const { table_name } of tables) {
      const rows = await t.db.ownerTransaction((tx) => tx.query<{ row: string }>(sql`SELECT t::text AS row FROM ${sql.ident(table_name)} t`));
      for (const { row } of rows) for (const needle of needles) expect(row.includes(needle), `${table_name} holds the probe`).toBe(false);
    }
    for (const path of files(tmpdir()).filter((path) => !tmpBefore.has(path))) {
      const content = readFileSync(path);
      expect(content.includes(probe.subarray(0, 32)) || content.includes(transformed.subarray(100, 132)), `${path} holds the probe`).toBe(false);
    }
    // The search's record keeps the probe's keyed hash alone.
    const record = await t.db.ownerTransaction((tx) => tx.one<{ probe_hash: string }>(sql`SELECT probe_hash FROM biometric_searches WHERE id = ${found.id}`));
    expect(record.probe_hash).toMatch(/^[0-9a-f]{64}$/);

    // Another person hits the gallery that holds him, and not the astronaut's.
    const other = await searchImage(aaa, image('camera.png'));
    expect(other.json<{ data: { results: unknown[] } }>().data.results).toEqual([
      { holder: 'BBB', hit: false, candidates: [], stepTwo: null, abilities: { askStepTwo: false } },
      { holder: 'CCC', hit: true, candidates: [{ reference: 'CCC-CAMERAMAN', band: 'high' }], stepTwo: null, abilities: { askStepTwo: true } },
    ]);
  });

  test('step two with the probe: sent again, checked against the search, shown beside the candidate, gone once decided', async () => {
    const askWith = async (search: string, holder: string, reference: string, bytes: Buffer) => t.as(aaa, {
      method: 'POST', url: `${API}/step-two`,
      ...multipart([{ name: 'metadata', value: JSON.stringify({ search, holder, reference }) }, { name: 'file', value: bytes, filename: 'probe.png', type: 'image/png' }]),
    });
    type Request = { data: { id: string; probeVerified: boolean; hasProbeImage: boolean; images: boolean; candidates: { subject: string; hasImage: boolean }[]; abilities: { compare: boolean } } };
    const search = (await searchImage(aaa, transformed)).json<{ data: { id: string } }>().data.id;
    const asked = await askWith(search, 'BBB', 'BBB-ASTRONAUT', transformed);
    expect(asked.statusCode, asked.body).toBe(201);
    // The searcher learns at once whether the image it sent is the one it searched with.
    expect(asked.json<Request>().data).toMatchObject({ side: 'requester', images: true, probeVerified: true, hasProbeImage: true, abilities: { compare: false } });
    const id = asked.json<{ data: { id: string } }>().data.id;
    const holderSide = (await t.as(approvers.BBB as TestSession, { method: 'GET', url: `${API}/step-two/${id}` })).json<Request>().data;
    expect(holderSide).toMatchObject({ probeVerified: true, hasProbeImage: true, images: true, abilities: { decide: true, compare: true } });
    // The holder's officer reads the request but neither decides nor sees the images (their routes answer 403 to it).
    expect((await t.as(bbb, { method: 'GET', url: `${API}/step-two/${id}` })).json<Request>().data.abilities).toEqual({ decide: false, compare: false });
    expect((await t.as(bbb, { method: 'GET', url: `${API}/step-two/${id}/probe-image` })).statusCode).toBe(403);
    expect(holderSide.candidates.map((candidate) => candidate.hasImage)).toEqual([true]);
    const probe = await t.as(approvers.BBB as TestSession, { method: 'GET', url: `${API}/step-two/${id}/probe-image` });
    expect(probe.headers['content-type']).toBe('image/jpeg');
    const candidate = await t.as(approvers.BBB as TestSession, { method: 'GET', url: `${API}/step-two/${id}/candidates/${holderSide.candidates[0]?.subject}/image` });
    expect(candidate.headers['content-type']).toBe('image/jpeg');
    // Neither image reaches the requester or another member.
    for (const who of [aaa, approvers.CCC as TestSession]) {
      expect((await t.as(who, { method: 'GET', url: `${API}/step-two/${id}/probe-image` })).statusCode).toBeGreaterThanOrEqual(403);
    }
    expect((await t.as(approvers.BBB as TestSession, { method: 'POST', url: `${API}/step-two/${id}/confirm`, payload: { subject: holderSide.candidates[0]?.subject } })).statusCode).toBe(200);
    expect((await t.as(approvers.BBB as TestSession, { method: 'GET', url: `${API}/step-two/${id}/probe-image` })).statusCode).toBe(404);
    const row = await t.db.ownerTransaction((tx) => tx.one<{ probe_image: Uint8Array | null }>(sql`SELECT probe_image FROM biometric_step_two WHERE id = ${id}`));
    expect(row.probe_image).toBeNull();
    expect((await t.as(aaa, { method: 'GET', url: `${API}/step-two/${id}` })).json()).toMatchObject({ data: { status: 'confirmed', disclosed: { familyName: 'Collins' } } });

    // An image other than the probe searched is marked so for the holder.
    const other = (await searchImage(aaa, image('camera.png'))).json<{ data: { id: string } }>().data.id;
    const mismatched = (await askWith(other, 'CCC', 'CCC-CAMERAMAN', image('astronaut.png'))).json<{ data: { id: string } }>().data.id;
    expect((await t.as(approvers.CCC as TestSession, { method: 'GET', url: `${API}/step-two/${mismatched}` })).json()).toMatchObject({ data: { probeVerified: false } });
  });
});
