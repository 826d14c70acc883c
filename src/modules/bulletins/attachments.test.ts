import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import PDFDocument from 'pdfkit';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { fingerprint } from '../../../test/support/db.js';
import { multipart } from '../../../test/support/multipart.js';
import { sql } from '../../platform/db/sql.js';

const API = '/api/v1/bulletins';
const LIMIT = 300_000;

let t: TestContext;
let owner: TestSession;
let recipient: TestSession;
let outsider: TestSession;
let bulletin: string;

interface Attachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string;
  width: number | null;
  height: number | null;
}

/** A JPEG as a phone writes it: camera make and the GPS position in its EXIF. */
const withGps = (image: Sharp) =>
  image.withExif({ IFD0: { Make: 'SpyCam', Software: 'SpyCam 1.0' }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '6/1 10/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '106/1 49/1 0/1' } });
const canvas = (width = 120, height = 80) => sharp({ create: { width, height, channels: 3, background: '#2a6' } });

function pdf(): Promise<Buffer> {
  return new Promise((resolve) => {
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.text('Specimen: a forged visa foil, security thread missing.');
    doc.end();
  });
}

/** A PNG whose header declares `width` × `height` pixels (CRC fixed), over a tiny image's data: a decompression bomb's shape. */
async function declaring(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(await canvas(8, 8).png().toBuffer());
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

const upload = (who: TestSession, file: Buffer, filename: string, type = 'application/octet-stream', id = bulletin, metadata?: Record<string, unknown>) =>
  t.as(who, {
    method: 'POST', url: `${API}/${id}/attachments`,
    ...multipart([...(metadata ? [{ name: 'metadata', value: JSON.stringify(metadata) }] : []), { name: 'file', value: file, filename, type }]),
  });

async function attach(file: Buffer, filename: string, type?: string): Promise<Attachment> {
  const response = await upload(owner, file, filename, type);
  expect(response.statusCode, response.body).toBe(201);
  return response.json<{ data: Attachment }>().data;
}

beforeAll(async () => {
  t = await makeTestApp({ env: { LINTAS_BULLETINS_ATTACHMENT_BYTES: String(LIMIT) } });
  for (const code of ['AAA', 'BBB', 'CCC']) await t.makeMember(code);
  owner = await t.sessionFor(await t.makeUser('AAA', ['liaison']));
  recipient = await t.sessionFor(await t.makeUser('BBB', ['liaison']));
  outsider = await t.sessionFor(await t.makeUser('CCC', ['liaison', 'member-admin']));
  const created = await t.as(owner, {
    method: 'POST', url: API,
    payload: { type: 'document-fraud-alert', title: 'Specimens of a forged foil', body: 'See the attachments.', sharing: { audience: { kind: 'members', members: ['BBB'] }, tlp: 'AMBER' } },
  });
  bulletin = created.json<{ data: { id: string } }>().data.id;
});
afterAll(async () => t.close());

describe('bulletin attachments', () => {
  test('an image is re-encoded without its metadata (EXIF GPS in, none out), stored with its checksum, served with the sniffed type', async () => {
    const original = await withGps(canvas().jpeg()).toBuffer();
    const before = await sharp(original).metadata();
    expect(before.exif?.includes(Buffer.from('SpyCam'))).toBe(true);
    // The GPS IFD pointer (tag 0x8825) is in the EXIF, in either byte order.
    expect(before.exif?.includes(Buffer.from([0x88, 0x25])) || before.exif?.includes(Buffer.from([0x25, 0x88]))).toBe(true);

    // The client's name and header say HTML; the bytes say JPEG.
    const stored = await attach(original, 'specimen.html', 'text/html');
    expect(stored).toMatchObject({ name: 'specimen.html', contentType: 'image/jpeg', width: 120, height: 80 });

    const served = await t.as(recipient, { method: 'GET', url: `${API}/${bulletin}/attachments/${stored.id}` });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/jpeg');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-disposition']).toBe("inline; filename*=UTF-8''specimen.html");
    const bytes = served.rawPayload;
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(stored.sha256);
    expect(bytes.length).toBe(stored.size);
    const after = await sharp(bytes).metadata();
    expect(after).toMatchObject({ format: 'jpeg', width: 120, height: 80 });
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(bytes.includes(Buffer.from('SpyCam'))).toBe(false);
    expect(bytes.includes(Buffer.from('Exif'))).toBe(false);

    const audited = await t.db.ownerTransaction((tx) => tx.query<{ member: string }>(sql`SELECT member FROM audit_log WHERE action = 'bulletins.attachment-read' AND object_id = ${bulletin}`));
    expect(audited.map((row) => row.member)).toEqual(['BBB']);
  });

  test('PNG and WebP lose their metadata too; a PDF is kept as sent and served only as a download', async () => {
    for (const [image, type] of [[withGps(canvas().png()), 'image/png'], [withGps(canvas().webp()), 'image/webp']] as const) {
      const original = await image.toBuffer();
      expect((await sharp(original).metadata()).exif).toBeDefined();
      const stored = await attach(original, 'specimen.bin');
      expect(stored.contentType).toBe(type);
      const served = await t.as(owner, { method: 'GET', url: `${API}/${bulletin}/attachments/${stored.id}` });
      expect(served.headers['content-type']).toBe(type);
      expect((await sharp(served.rawPayload).metadata()).exif).toBeUndefined();
    }

    const document = await pdf();
    const stored = await attach(document, 'foil.pdf', 'image/png');
    expect(stored).toMatchObject({ contentType: 'application/pdf', size: document.length, width: null });
    expect(stored.sha256).toBe(createHash('sha256').update(document).digest('hex'));
    const served = await t.as(recipient, { method: 'GET', url: `${API}/${bulletin}/attachments/${stored.id}` });
    expect(served.headers['content-type']).toBe('application/pdf');
    expect(served.headers['content-disposition']).toBe("attachment; filename*=UTF-8''foil.pdf");
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.rawPayload.equals(document)).toBe(true);

    const listed = await t.as(recipient, { method: 'GET', url: `${API}/${bulletin}` });
    expect(listed.json<{ data: { attachments: Attachment[] } }>().data.attachments.map((a) => a.contentType)).toEqual(['image/jpeg', 'image/png', 'image/webp', 'application/pdf']);
  });

  test('what is not a PNG, JPEG, WebP or PDF by its bytes, a damaged image, a pixel bomb or a file too large is refused and nothing is written', async () => {
    const before = await fingerprint(t.db);
    const jpeg = await canvas().jpeg().toBuffer();
    const refusals: [Buffer, string, number][] = [
      [Buffer.from('<html><script>alert(1)</script></html>'), 'photo.png', 400],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'image.svg', 400],
      [Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<html><script>alert(1)</script>')]), 'polyglot.png', 400],
      [jpeg.subarray(0, Math.floor(jpeg.length / 2)), 'truncated.jpg', 400],
      [await declaring(20_000, 20_000), 'bomb.png', 400],
      [Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(LIMIT)]), 'large.pdf', 413],
    ];
    for (const [bytes, name, status] of refusals) {
      const response = await upload(owner, bytes, name, 'image/png');
      expect(response.statusCode, `${name}: ${response.body}`).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      if (status === 400) expect(response.json<{ errors: { pointer: string }[] }>().errors[0]!.pointer).toBe('/file');
    }
    expect(await fingerprint(t.db)).toEqual(before);
  });

  test('only the owner attaches; an outsider cannot reach or learn of an attachment', async () => {
    const stored = await attach(await canvas().png().toBuffer(), 'secret.png');
    const before = await fingerprint(t.db);
    expect((await upload(recipient, await canvas().png().toBuffer(), 'mine.png')).statusCode).toBe(403);
    expect((await upload(outsider, await canvas().png().toBuffer(), 'mine.png')).statusCode).toBe(404);
    const hidden = await t.as(outsider, { method: 'GET', url: `${API}/${bulletin}/attachments/${stored.id}` });
    expect(hidden.statusCode).toBe(404);
    expect(hidden.body).not.toContain('secret');
    expect(await fingerprint(t.db)).toEqual(before);
    // Row-level security alone: the outsider's member context finds no attachment row.
    const rows = await t.db.transaction({ member: 'CCC' }, (tx) => tx.query(sql`SELECT id FROM bulletin_attachments WHERE bulletin_id = ${bulletin}`));
    expect(rows).toEqual([]);
  });
});
