import { Problem } from '../../../platform/errors.js';
import { isFaceRefusal, MAX_IMAGE_BYTES, refusal, type FaceRefusal } from './decode.js';

export { keptImage, MAX_IMAGE_BYTES } from './decode.js';
import { templateInWorker, type FaceTemplateValue } from './pool.js';

/**
 * Face images to templates: the one face of a JPEG, PNG or WebP image, described by
 * @vladmandic/human's faceres model as 1024 values of unit length, computed in a worker thread.
 * See README.md for what is refused and what the cosines look like.
 */

/** The template format these vectors are, to be matched against a gallery's. */
export const FACE_FORMAT = 'human-faceres-1024';

export type FaceTemplate = FaceTemplateValue;
export type { FaceRefusal };
export type { FaceBox } from './detect.js';
export { startFacePool, stopFacePool } from './pool.js';

/**
 * The template of the one face in an image, with the face's box and score in the decoded image
 * (EXIF-oriented, at most 1024 pixels a side) and that image's size. Refusals are Problems: 413
 * `too-large`, otherwise 422 with `extra.reason` (see `faceRefusalOf`); a full queue or a worker
 * that stopped is a 503 with Retry-After.
 */
export async function faceTemplate(image: Buffer): Promise<FaceTemplate> {
  // Checked here as well as in the worker, so an oversized file is neither queued nor copied.
  if (image.length > MAX_IMAGE_BYTES) throw refusal('too-large');
  return templateInWorker(image);
}

/** The reason an image was refused (no-face, several-faces, …), or undefined if the error is not a refusal. */
export function faceRefusalOf(error: unknown): FaceRefusal | undefined {
  if (!(error instanceof Problem)) return undefined;
  const reason = error.extra?.reason;
  return isFaceRefusal(reason) ? reason : undefined;
}

/** Cosine similarity of two templates (their dot product when both have unit length, as templates do). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`templates of ${a.length} and ${b.length} values cannot be compared`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return normA > 0 && normB > 0 ? dot / Math.sqrt(normA * normB) : 0;
}
