import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { readUpload as readForm, type UploadedFile } from '../../../platform/http/upload.js';

/** The largest file an import takes (a 200,000-row template file is about 40 MB). */
export const IMPORT_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Reads an upload of the import routes: one `file` and an `options` field (JSON, checked against
 * `schema`); `options` may be left out when `schema` accepts `{}`.
 */
export async function readUpload<S extends TSchema>(request: FastifyRequest, schema: S, optionsRequired: boolean): Promise<{ options: Static<S>; file: UploadedFile }> {
  const { value, file } = await readForm(request, { field: 'options', schema, required: optionsRequired, fileSize: IMPORT_FILE_LIMIT, fallbackName: 'import' });
  return { options: value, file };
}
