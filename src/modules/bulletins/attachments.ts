import { createHash } from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { invalid, Problem } from '../../platform/errors.js';
import type { AttachmentType } from './codes.js';

/**
 * An attachment as it is stored: its type sniffed from the bytes (never the name or the client's
 * header), an image re-encoded by sharp so no metadata (EXIF GPS, camera, XMP, comments) survives,
 * and the SHA-256 of the bytes kept. A PDF is kept as sent and only ever served as a download.
 */

/** The most pixels an image may declare (read from its header before any pixel is decoded). */
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface PreparedAttachment {
  contentType: AttachmentType;
  content: Buffer;
  sha256: string;
  width: number | null;
  height: number | null;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the bytes are, by their magic numbers; undefined for anything else. */
export function sniff(bytes: Buffer): AttachmentType | undefined {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG)) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.length >= 12 && bytes.subarray(0, 4).toString('latin1') === 'RIFF' && bytes.subarray(8, 12).toString('latin1') === 'WEBP') return 'image/webp';
  if (bytes.length >= 8 && bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return undefined;
}

const SHARP_FORMAT: Record<Exclude<AttachmentType, 'application/pdf'>, 'png' | 'jpeg' | 'webp'> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/webp': 'webp',
};

function refused(detail: string): Problem {
  return invalid([{ pointer: '/file', detail }]);
}

/** Re-encodes an image in its own format, oriented as its EXIF said, with no metadata; refuses what does not decode cleanly. */
async function reencode(bytes: Buffer, type: Exclude<AttachmentType, 'application/pdf'>): Promise<{ content: Buffer; width: number; height: number }> {
  const format = SHARP_FORMAT[type];
  const options = { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'warning' } as const;
  let declared: Metadata;
  try {
    declared = await sharp(bytes, { ...options, limitInputPixels: false }).metadata();
  } catch {
    throw refused('is not an image that can be read');
  }
  if (declared.format !== format || !declared.width || !declared.height) throw refused('is not an image that can be read');
  if (declared.width * declared.height > MAX_IMAGE_PIXELS) {
    throw refused(`declares ${declared.width} × ${declared.height} pixels, more than ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`);
  }
  // sharp writes no metadata unless asked (keepMetadata/withMetadata); rotate() applies the EXIF orientation first.
  const image = sharp(bytes, options).rotate();
  const encoded = format === 'png' ? image.png() : format === 'jpeg' ? image.jpeg({ quality: 90, mozjpeg: false }) : image.webp({ quality: 90 });
  try {
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { content: data, width: info.width, height: info.height };
  } catch {
    throw refused('is not an image that can be read (damaged or truncated)');
  }
}

/** The attachment to store for the bytes a client sent, or a 400 at `/file` saying why not. */
export async function prepareAttachment(bytes: Buffer): Promise<PreparedAttachment> {
  const contentType = sniff(bytes);
  if (!contentType) throw refused('is not a PNG, JPEG, WebP or PDF file (judged by its content, not its name)');
  if (contentType === 'application/pdf') {
    return { contentType, content: bytes, sha256: sha256(bytes), width: null, height: null };
  }
  const { content, width, height } = await reencode(bytes, contentType);
  return { contentType, content, sha256: sha256(content), width, height };
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
