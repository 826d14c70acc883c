import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { invalid, Problem } from '../errors.js';
import { scannerOf, scanUpload } from '../files/antivirus.js';
import { recordRefusal } from './refusals.js';
import { textFault } from './text.js';
import { validateValue } from './validate.js';

export interface UploadedFile {
  name: string;
  content: Buffer;
}

export interface UploadForm<S extends TSchema> {
  /** The form field that holds the JSON (such as `metadata` or `options`). */
  field: string;
  /** What that JSON must be; its errors point under `/<field>`. */
  schema: S;
  /** Whether the field must be sent; when it may be left out, `schema` is checked against `{}`. */
  required: boolean;
  /** The largest file taken, in bytes (the app's upload limit when left out). */
  fileSize?: number;
  /** The file's name when the client gave none. */
  fallbackName: string;
  /** Whether the file may be left out (it must be sent otherwise). */
  fileOptional?: boolean;
}

/**
 * Scans a file with the configured virus scanner (files/antivirus.ts) before the route does anything
 * with it: one with a known signature is refused (422, nothing kept) and recorded on the audit trail
 * with the signature, each time; a scan that cannot be made refuses the upload (503 or 413).
 */
async function refuseMalware(request: FastifyRequest, file: UploadedFile): Promise<void> {
  const signature = await scanUpload(scannerOf(request.server.platform.config.clamd), file.content);
  if (signature === undefined) return;
  request.log.warn({ signature, file: file.name, bytes: file.content.length }, 'an upload carried malware and was refused');
  await recordRefusal(request, 'upload.malware', { signature, file: file.name, bytes: file.content.length });
  throw new Problem(422, 'Malware found', `The virus scanner found ${signature} in the file; it was not kept.`, [{ pointer: '/file', detail: `carries ${signature}` }], { signature });
}

/**
 * Reads an upload: multipart/form-data with one JSON field and one file in the field `file`, each
 * checked as a JSON body's fields are (400 with pointers such as `/metadata/title` or `/file`); the
 * file is scanned for malware when a scanner is configured (`refuseMalware`).
 */
export async function readUpload<S extends TSchema>(request: FastifyRequest, form: UploadForm<S> & { fileOptional: true }): Promise<{ value: Static<S>; file: UploadedFile | undefined }>;
export async function readUpload<S extends TSchema>(request: FastifyRequest, form: UploadForm<S>): Promise<{ value: Static<S>; file: UploadedFile }>;
export async function readUpload<S extends TSchema>(request: FastifyRequest, form: UploadForm<S>): Promise<{ value: Static<S>; file: UploadedFile | undefined }> {
  if (!request.isMultipart()) {
    throw invalid([{ pointer: '/', detail: `send multipart/form-data with the field${form.required ? `s ${form.field} and` : ''} file${form.fileOptional ? ' (which may be left out)' : ''}` }]);
  }
  let text: string | undefined;
  let file: UploadedFile | undefined;
  for await (const part of request.parts(form.fileSize ? { limits: { fileSize: form.fileSize } } : {})) {
    if (part.type === 'file') {
      if (part.fieldname !== 'file' || file) throw invalid([{ pointer: `/${part.fieldname}`, detail: 'send exactly one file, in the field "file"' }]);
      const nameFault = textFault(part.filename);
      if (nameFault) throw invalid([{ pointer: '/file', detail: `its name ${nameFault}` }]);
      file = { name: part.filename.slice(0, 255) || form.fallbackName, content: await part.toBuffer() };
    } else if (part.fieldname === form.field) {
      text = String(part.value);
    } else {
      throw invalid([{ pointer: `/${part.fieldname}`, detail: 'is not a known field' }]);
    }
  }
  if (text === undefined && form.required) throw invalid([{ pointer: `/${form.field}`, detail: 'is required' }]);
  if (!file && !form.fileOptional) throw invalid([{ pointer: '/file', detail: 'is required' }]);
  if (file) await refuseMalware(request, file);
  let parsed: unknown = {};
  try {
    if (text !== undefined) parsed = JSON.parse(text);
  } catch {
    throw invalid([{ pointer: `/${form.field}`, detail: 'is not valid JSON' }]);
  }
  return { value: validateValue(form.schema, parsed, `/${form.field}`), file };
}
