import type { FastifyRequest } from 'fastify';
import type { TSchema, Static } from 'typebox';
import { invalid } from '../../../platform/errors.js';
import { textFault } from '../../../platform/http/text.js';
import { validateValue } from '../../../platform/http/validate.js';
import type { ImportFile } from './import/import-reports.js';

/** The largest file an import takes (a 200,000-row template file is about 40 MB). */
export const IMPORT_FILE_LIMIT = 64 * 1024 * 1024;

/**
 * Reads an upload of the import routes: one `file` and an `options` field (JSON, checked against
 * `schema`); `options` may be left out when `schema` accepts `{}`.
 */
export async function readUpload<S extends TSchema>(request: FastifyRequest, schema: S, optionsRequired: boolean): Promise<{ options: Static<S>; file: ImportFile }> {
  if (!request.isMultipart()) throw invalid([{ pointer: '/', detail: `send multipart/form-data with the field${optionsRequired ? 's options and' : ''} file` }]);
  let optionsText: string | undefined;
  let file: ImportFile | undefined;
  for await (const part of request.parts({ limits: { fileSize: IMPORT_FILE_LIMIT } })) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) throw invalid([{ pointer: `/${part.fieldname}`, detail: 'send exactly one file, in the field "file"' }]);
      const nameFault = textFault(part.filename);
      if (nameFault) throw invalid([{ pointer: '/file', detail: `its name ${nameFault}` }]);
      file = { name: part.filename.slice(0, 255) || 'import', content: await part.toBuffer() };
    } else if (part.fieldname === 'options') {
      optionsText = String(part.value);
    } else {
      throw invalid([{ pointer: `/${part.fieldname}`, detail: 'is not a known field' }]);
    }
  }
  if (optionsText === undefined && optionsRequired) throw invalid([{ pointer: '/options', detail: 'is required' }]);
  if (!file) throw invalid([{ pointer: '/file', detail: 'is required' }]);
  let parsed: unknown = {};
  try {
    if (optionsText !== undefined) parsed = JSON.parse(optionsText);
  } catch {
    throw invalid([{ pointer: '/options', detail: 'is not valid JSON' }]);
  }
  return { options: validateValue(schema, parsed, '/options'), file };
}
