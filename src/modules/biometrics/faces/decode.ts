import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { Problem } from '../../../platform/errors.js';

/**
 * Turns an uploaded image into raw RGB for the face detector, refusing what it should not decode:
 * only JPEG, PNG and WebP (by their first bytes), at most 20 MB, at most 40 megapixels as the
 * header declares them (read before any pixel is decoded), a smaller side of at least 64 pixels.
 * The EXIF orientation is applied and the image is scaled down to 1024 pixels on its longer side.
 */

export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 40_000_000;
export const MIN_IMAGE_SIDE = 64;
export const MAX_DECODED_SIDE = 1024;

/** Why an image gives no template; the code bulk reports list. */
export type FaceRefusal = 'too-large' | 'not-an-image' | 'decompression-bomb' | 'too-small' | 'no-face' | 'several-faces' | 'face-too-small';

const REFUSALS: Record<FaceRefusal, { status: number; detail: string }> = {
  'too-large': { status: 413, detail: `The image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB.` },
  'not-an-image': { status: 422, detail: 'The file is not a JPEG, PNG or WebP image that can be read.' },
  'decompression-bomb': { status: 422, detail: `The image declares more than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.` },
  'too-small': { status: 422, detail: `The image is smaller than ${MIN_IMAGE_SIDE} pixels on a side.` },
  'no-face': { status: 422, detail: 'No face was found in the image.' },
  'several-faces': { status: 422, detail: 'The image shows more than one face; send a picture of one person.' },
  'face-too-small': { status: 422, detail: `The face is smaller than ${MIN_IMAGE_SIDE} pixels; send a closer or larger picture.` },
};

/** The Problem for a refusal: 413 for a file too large, 422 otherwise, with `reason` (and any detail such as `faces`) as extra members. */
export function refusal(reason: FaceRefusal, extra: Record<string, unknown> = {}): Problem {
  const { status, detail } = REFUSALS[reason];
  return new Problem(status, 'Image refused', detail, undefined, { reason, ...extra });
}

export function isFaceRefusal(value: unknown): value is FaceRefusal {
  return typeof value === 'string' && Object.hasOwn(REFUSALS, value);
}

export interface DecodedImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

type Format = 'jpeg' | 'png' | 'webp';

function formatOf(bytes: Buffer): Format | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'webp';
  return undefined;
}

/** Decodes an image to 8-bit RGB, refusing with a Problem (see `refusal`); never throws sharp's own errors. */
export async function decodeImage(bytes: Buffer): Promise<DecodedImage> {
  if (bytes.length > MAX_IMAGE_BYTES) throw refusal('too-large');
  const format = formatOf(bytes);
  if (!format) throw refusal('not-an-image');

  // The header alone: the declared size is checked before a pixel is decoded.
  const options = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' } as const;
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw refusal('not-an-image');
  }
  if (metadata.format !== format || !metadata.width || !metadata.height) throw refusal('not-an-image');
  if (metadata.width * metadata.height > MAX_IMAGE_PIXELS) throw refusal('decompression-bomb', { width: metadata.width, height: metadata.height });
  if (Math.min(metadata.width, metadata.height) < MIN_IMAGE_SIDE) throw refusal('too-small');

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(bytes, options)
      .rotate()
      .resize({ width: MAX_DECODED_SIDE, height: MAX_DECODED_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    // Truncated or corrupt pixel data (failOn: 'warning' stops at the first damaged row).
    throw refusal('not-an-image');
  }
  const { data, info } = decoded;
  if (info.channels !== 3) throw refusal('not-an-image');
  // A very long, thin image can fall under the minimum once scaled down.
  if (Math.min(info.width, info.height) < MIN_IMAGE_SIDE) throw refusal('too-small');
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}

/**
 * The image as a gallery keeps it for step two: EXIF-oriented, at most 1024 pixels a side, as JPEG.
 * For an image `decodeImage` (through `faceTemplate`) has accepted.
 */
export async function keptImage(bytes: Buffer): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' })
      .rotate()
      .resize({ width: MAX_DECODED_SIDE, height: MAX_DECODED_SIDE, fit: 'inside', withoutEnlargement: true })
      .removeAlpha()
      .jpeg({ quality: 90 })
      .toBuffer();
  } catch {
    throw refusal('not-an-image');
  }
}
