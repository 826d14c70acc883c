/**
 * Enrolment and search from a face image: the image becomes a template in the face worker
 * (faces/) before the request's transaction begins, then goes the way a submitted template goes.
 * An enrolled subject's image is kept, re-encoded and sealed, for step two; a probe image is not
 * kept: its bytes are overwritten once its template is made, and the template once searched. An
 * enrolled image's clear bytes and template are overwritten once sealed, as the archive runner does.
 */
import type { FastifyRequest } from 'fastify';
import { perform } from '../../platform/http/pipeline.js';
import { readUpload } from '../../platform/http/upload.js';
import { faceTemplate, FACE_FORMAT, keptImage, MAX_IMAGE_BYTES } from './faces/index.js';
import { enrol } from './galleries.js';
import { galleriesRead } from './gallery-index.js';
import { SearchFromImage, StepTwoAsk, SubjectFromImage } from './schemas.js';
import { FORM_FIELDS, probeHashOf, search } from './search.js';
import { ask } from './step-two.js';

/** One byte more than an image may be, so that a larger file reaches the face reader's own 413. */
const FILE_SIZE = MAX_IMAGE_BYTES + 1;

export async function enrolFromImage(request: FastifyRequest) {
  const { value, file } = await readUpload(request, { field: 'metadata', schema: SubjectFromImage, required: true, fileSize: FILE_SIZE, fallbackName: 'image' });
  const vector: number[] = [];
  let kept: Buffer | undefined;
  try {
    const found = await faceTemplate(file.content);
    kept = await keptImage(file.content);
    vector.push(...found.vector);
    found.vector.fill(0);
    const template = { format: FACE_FORMAT, vector };
    const subject = await perform(request, (ctx) => enrol(ctx, { ...value, template }, { bytes: kept as Buffer, type: 'image/jpeg' }, '/metadata'));
    return { data: { ...subject.data, face: { ...found.face, imageWidth: found.width, imageHeight: found.height } } };
  } finally {
    // Sealed in the gallery now (or refused): the clear image and template live no longer than that.
    file.content.fill(0);
    kept?.fill(0);
    vector.fill(0);
  }
}

export async function searchByImage(request: FastifyRequest) {
  const { value, file } = await readUpload(request, { field: 'metadata', schema: SearchFromImage, required: true, fileSize: FILE_SIZE, fallbackName: 'probe' });
  let vector: number[];
  try {
    const found = await faceTemplate(file.content);
    vector = Array.from(found.vector);
    found.vector.fill(0);
  } finally {
    // The probe image lives no longer than its template's making.
    file.content.fill(0);
  }
  try {
    return await perform(request, (ctx) => search(ctx, { ...value, template: { format: FACE_FORMAT, vector } }, FORM_FIELDS), { before: galleriesRead(request) });
  } finally {
    vector.fill(0);
  }
}

/**
 * A step-two request, with the probe image when the agreement shows images: re-encoded and sealed
 * until the holder decides, with whether it gives the very template that was searched.
 */
export async function askStepTwo(request: FastifyRequest) {
  const { value, file } = await readUpload(request, { field: 'metadata', schema: StepTwoAsk, required: true, fileSize: FILE_SIZE, fallbackName: 'probe', fileOptional: true });
  let probe: { image: Buffer; hash: string } | undefined;
  if (file) {
    try {
      const found = await faceTemplate(file.content);
      probe = { image: await keptImage(file.content), hash: probeHashOf(request.server.platform.config, found.vector) };
      found.vector.fill(0);
    } finally {
      file.content.fill(0);
    }
  }
  try {
    return await perform(request, (ctx) => ask(ctx, value, probe));
  } finally {
    probe?.image.fill(0);
  }
}
