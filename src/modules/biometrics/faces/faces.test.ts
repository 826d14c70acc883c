import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../platform/errors.js';
import { cosine, FACE_FORMAT, faceRefusalOf, faceTemplate, startFacePool, stopFacePool, type FaceTemplate } from './index.js';
import { faceWorkerStats, MAX_WAITING } from './pool.js';

/**
 * Face images to templates through the worker, on the public-domain and CC0 images of
 * test/fixtures/faces: one worker for the whole file, started once.
 */

const fixture = (name: string): Buffer => readFileSync(new URL(`../../../../test/fixtures/faces/${name}.png`, import.meta.url));
const astronautPng = fixture('astronaut');

/** What a promise was rejected with, as a Problem. */
async function problemOf(work: Promise<unknown>): Promise<Problem> {
  const error = await work.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(Problem);
  return error as Problem;
}

/** A PNG of nothing but a header declaring `width` × `height`, a few bytes of pixels and its end. */
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
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

let astronaut: FaceTemplate;

beforeAll(async () => {
  await startFacePool();
  astronaut = await faceTemplate(astronautPng);
}, 60_000);

afterAll(async () => {
  await stopFacePool();
});

describe('a face becomes a template', () => {
  test('the astronaut: one face, 1024 values of unit length, its box inside the image', () => {
    expect(FACE_FORMAT).toBe('human-faceres-1024');
    expect(astronaut.vector).toBeInstanceOf(Float32Array);
    expect(astronaut.vector).toHaveLength(1024);
    expect(Math.hypot(...astronaut.vector)).toBeCloseTo(1, 5);
    expect(astronaut.vector.every((value) => value >= 0)).toBe(true);
    expect([astronaut.width, astronaut.height]).toEqual([512, 512]);
    const { x, y, width, height, score } = astronaut.face;
    expect(score).toBeGreaterThanOrEqual(0.5);
    expect(width).toBeGreaterThanOrEqual(64);
    expect(x + width).toBeLessThanOrEqual(512);
    expect(y + height).toBeLessThanOrEqual(512);
    // Her face is in the upper middle of the portrait.
    expect(x + width / 2).toBeGreaterThan(150);
    expect(x + width / 2).toBeLessThan(350);
    expect(y + height / 2).toBeLessThan(256);
  });

  test('a copy cropped by 10% each side, scaled to 0.7 and brightened by 20% is the same face (cosine >= 0.7)', async () => {
    const transformed = await sharp(astronautPng).extract({ left: 51, top: 51, width: 410, height: 410 }).resize(287, 287).modulate({ brightness: 1.2 }).png().toBuffer();
    const copy = await faceTemplate(transformed);
    const similarity = cosine(astronaut.vector, copy.vector);
    console.info(`faces: astronaut against its transformed copy, cosine ${similarity.toFixed(3)}`);
    expect(similarity).toBeGreaterThanOrEqual(0.7);
  });

  test('a copy stored on its side with an EXIF orientation is turned upright before detection', async () => {
    // 512 × 400, stored rotated a quarter-turn (400 × 512); orientation 6 says "turn clockwise to view".
    const upright = await sharp(astronautPng).extract({ left: 0, top: 0, width: 512, height: 400 }).png().toBuffer();
    const onItsSide = await sharp(upright).rotate(-90).jpeg({ quality: 90 }).toBuffer();
    const tagged = await sharp(onItsSide).withMetadata({ orientation: 6 }).toBuffer();
    const stored = await sharp(tagged).metadata();
    expect([stored.width, stored.height, stored.orientation]).toEqual([400, 512, 6]);
    const [uprightTemplate, taggedTemplate] = [await faceTemplate(upright), await faceTemplate(tagged)];
    expect([taggedTemplate.width, taggedTemplate.height]).toEqual([512, 400]);
    const similarity = cosine(uprightTemplate.vector, taggedTemplate.vector);
    console.info(`faces: upright copy against the same stored on its side with EXIF orientation 6, cosine ${similarity.toFixed(3)}`);
    expect(similarity).toBeGreaterThanOrEqual(0.9);
    // Without the tag the face lies on its side, and the detector (no rotation) finds none.
    expect(faceRefusalOf(await problemOf(faceTemplate(onItsSide)))).toBe('no-face');
  });

  test('a WebP copy is read', async () => {
    const copy = await faceTemplate(await sharp(astronautPng).webp({ quality: 85 }).toBuffer());
    expect(cosine(astronaut.vector, copy.vector)).toBeGreaterThanOrEqual(0.9);
  });

  test('another person (the cameraman) scores under 0.5', async () => {
    const other = await faceTemplate(fixture('camera'));
    const similarity = cosine(astronaut.vector, other.vector);
    console.info(`faces: astronaut against the cameraman, cosine ${similarity.toFixed(3)}`);
    expect(similarity).toBeLessThan(0.5);
  });

  test('cosine is the dot product of unit vectors and refuses vectors of different lengths', () => {
    expect(cosine(astronaut.vector, astronaut.vector)).toBeCloseTo(1, 5);
    expect(cosine(Float32Array.of(1, 0), Float32Array.of(0, 2))).toBe(0);
    expect(() => cosine(astronaut.vector, new Float32Array(512))).toThrow(/1024 and 512/);
  });
});

describe('images that give no template are refused, saying why', () => {
  test('a picture without a face (coffee): 422 no-face', async () => {
    const problem = await problemOf(faceTemplate(fixture('coffee')));
    expect(problem.status).toBe(422);
    expect(problem.extra).toEqual({ reason: 'no-face' });
    expect(faceRefusalOf(problem)).toBe('no-face');
  });

  test('two faces side by side: 422 several-faces, with the count', async () => {
    const twice = await sharp({ create: { width: 1024, height: 512, channels: 3, background: '#000000' } })
      .composite([{ input: astronautPng, left: 0, top: 0 }, { input: astronautPng, left: 512, top: 0 }])
      .png()
      .toBuffer();
    const problem = await problemOf(faceTemplate(twice));
    expect(problem.status).toBe(422);
    expect(problem.extra).toEqual({ reason: 'several-faces', faces: 2 });
  });

  test('a face under 64 pixels in a large enough image: 422 face-too-small', async () => {
    // The portrait at 200 px: her face box, 145 px at 512, is about 57 px.
    const framed = await sharp(astronautPng).resize(200, 200).png().toBuffer();
    const problem = await problemOf(faceTemplate(framed));
    expect(problem.extra).toMatchObject({ reason: 'face-too-small' });
  });

  test('random bytes and a truncated PNG: 422 not-an-image', async () => {
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251));
    expect(faceRefusalOf(await problemOf(faceTemplate(random)))).toBe('not-an-image');
    const truncated = astronautPng.subarray(0, astronautPng.length / 3);
    expect(faceRefusalOf(await problemOf(faceTemplate(truncated)))).toBe('not-an-image');
    const gif = await sharp(astronautPng).gif().toBuffer();
    expect(faceRefusalOf(await problemOf(faceTemplate(gif)))).toBe('not-an-image');
  });

  test('a PNG whose header declares 30000 × 30000 is refused from the header (it has no pixels to decode): 422 decompression-bomb', async () => {
    const bomb = pngDeclaring(30_000, 30_000);
    expect(bomb.length).toBeLessThan(100);
    const problem = await problemOf(faceTemplate(bomb));
    expect(problem.status).toBe(422);
    expect(problem.extra).toEqual({ reason: 'decompression-bomb', width: 30_000, height: 30_000 });
  });

  test('a real 8000 × 8000 black PNG of a few hundred KB: decompression-bomb', async () => {
    const black = await sharp({ create: { width: 8000, height: 8000, channels: 3, background: '#000000' } }).png().toBuffer();
    expect(black.length).toBeLessThan(1024 * 1024);
    expect(faceRefusalOf(await problemOf(faceTemplate(black)))).toBe('decompression-bomb');
  });

  test('a 40 × 40 image: 422 too-small', async () => {
    const tiny = await sharp(astronautPng).resize(40, 40).png().toBuffer();
    expect(faceRefusalOf(await problemOf(faceTemplate(tiny)))).toBe('too-small');
  });

  test('more than 20 MB: 413 too-large, without reaching the worker', async () => {
    const problem = await problemOf(faceTemplate(Buffer.alloc(20 * 1024 * 1024 + 1)));
    expect(problem.status).toBe(413);
    expect(faceRefusalOf(problem)).toBe('too-large');
  });

  test('faceRefusalOf is undefined for anything but a refusal', () => {
    expect(faceRefusalOf(new Error('no-face'))).toBeUndefined();
    expect(faceRefusalOf(new Problem(422, 'Other', undefined, undefined, { reason: 'something-else' }))).toBeUndefined();
  });
});

describe('the worker', () => {
  test(`one image at a time and ${MAX_WAITING} waiting; the next is a 503 with Retry-After`, async () => {
    const tiny = await sharp(astronautPng).resize(40, 40).png().toBuffer();
    const outcomes = await Promise.all(Array.from({ length: MAX_WAITING + 3 }, () => faceTemplate(tiny).then(() => 'template', (error: unknown) => error)));
    const busy = outcomes.filter((outcome): outcome is Problem => outcome instanceof Problem && outcome.status === 503);
    expect(busy).toHaveLength(2);
    expect(busy[0]?.headers).toEqual({ 'retry-after': '5' });
    expect(outcomes.slice(0, MAX_WAITING + 1).map(faceRefusalOf)).toEqual(Array(MAX_WAITING + 1).fill('too-small'));
  });

  test('leaves no tensor behind: the count is the same before and after 5 images', async () => {
    const before = await faceWorkerStats();
    for (let i = 0; i < 5; i++) await faceTemplate(astronautPng);
    const after = await faceWorkerStats();
    expect(after.tensors).toBe(before.tensors);
  });

  test('fetched nothing: its fetch, which throws, was never called', async () => {
    expect((await faceWorkerStats()).fetchAttempts).toBe(0);
  });

  test('a worker that stops fails the images waiting on it with a 503; the next image starts a new one', async () => {
    const waiting = [faceTemplate(astronautPng), faceTemplate(astronautPng)].map((call) => problemOf(call));
    await stopFacePool();
    for (const problem of await Promise.all(waiting)) {
      expect(problem.status).toBe(503);
      expect(problem.headers).toEqual({ 'retry-after': '5' });
    }
    const again = await faceTemplate(astronautPng);
    expect(cosine(again.vector, astronaut.vector)).toBeGreaterThan(0.999);
  }, 60_000);
});
