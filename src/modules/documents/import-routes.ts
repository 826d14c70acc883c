import type { FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { invalid } from '../../platform/errors.js';
import { problemResponses } from '../../platform/http/schemas.js';
import { importDocuments, readCancelList, type ImportSource } from './import.js';
import { writeRegister } from './write.js';
import { BulkResult, ImportQuery, ImportResult } from './schemas.js';
import { cancelKeys, ownIssuer } from './service.js';

const tags = ['documents'];
/** An issuer's whole register fits: 10 million rows are about 700 MB of CSV. */
export const DOCUMENT_IMPORT_LIMIT = 4 * 1024 * 1024 * 1024;

const csvBody = {
  description: 'the CSV file as the body (Content-Type text/csv), or multipart/form-data with the file in the field "file"',
  content: { 'text/csv': { schema: { type: 'string' } }, 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } } },
};

/** The uploaded CSV as a stream: the raw text/csv body, or the "file" part of a multipart form. */
async function uploadedCsv(request: FastifyRequest): Promise<ImportSource> {
  if (request.isMultipart()) {
    const part = await request.file({ limits: { fileSize: DOCUMENT_IMPORT_LIMIT, files: 1 } });
    if (!part || part.fieldname !== 'file') throw invalid([{ pointer: '/file', detail: 'send the CSV in the field "file"' }]);
    return { name: part.filename.slice(0, 255) || 'import.csv', stream: part.file };
  }
  if (!(request.body instanceof Readable)) {
    throw invalid([{ pointer: '/', detail: 'send the CSV as the body with Content-Type text/csv, or as multipart/form-data with the field "file"' }]);
  }
  return { name: 'import.csv', stream: request.body };
}

/** The query of an import (the body is a stream, so the route validates its query itself). */
function dryRunOf(query: unknown): boolean {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>);
  const errors = entries.filter(([name]) => name !== 'dryRun').map(([name]) => ({ pointer: `/${name}`, detail: 'is not a known field' }));
  const value = (query as { dryRun?: unknown } | undefined)?.dryRun;
  if (value !== undefined && value !== 'true' && value !== 'false' && value !== true && value !== false) errors.push({ pointer: '/dryRun', detail: 'must be true or false' });
  if (errors.length > 0) throw invalid(errors.map((error) => ({ ...error, in: 'query' })));
  return value === true || value === 'true';
}

/** Imports and bulk cancellations from CSV files, streamed. */
export function importRoutes(app: App): void {
  void app.register(async (scoped) => {
    // The CSV body is read as a stream by the import itself, however large.
    scoped.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));

    scoped.post('/documents/import', {
      schema: {
        tags,
        summary: 'Import your member’s documents from CSV, streamed (millions of rows): atomic, idempotent, every bad row reported',
        description:
          'Columns: type, number, status (required); issuer (your own code), state (active or cancelled), reported_on, lost_on, issued_on, ' +
          'expires_on (YYYY-MM-DD), place, remarks, holder_surname, holder_given_names, holder_nationality, holder_birth_date, holder_sex. ' +
          'Any bad row and nothing is written: 400 whose errors point at /rows/<row>/<column>. The same file twice adds nothing; ' +
          'a row whose content changed rewrites the record; state cancelled cancels an active record. dryRun=true writes nothing.',
        querystring: ImportQuery,
        body: csvBody,
        response: { 200: ImportResult, ...problemResponses, 413: Type.Ref('Problem') },
      },
      validatorCompiler: () => () => true,
      // Authorised before the file is read: a user who may not import does not cause the work.
      config: { action: 'documents.write' },
    }, async (request) => {
      const dryRun = dryRunOf(request.query);
      const source = await uploadedCsv(request);
      return writeRegister(request, (ctx, changes) => importDocuments(ctx, source, { dryRun }, changes));
    });

    scoped.post('/documents/cancel.csv', {
      schema: {
        tags,
        summary: 'Cancel many of your member’s documents from a CSV of numbers (columns type and number; issuer optional)',
        body: csvBody,
        response: { 200: BulkResult, ...problemResponses, 413: Type.Ref('Problem') },
      },
      validatorCompiler: () => () => true,
      // Authorised before the file is read: a user who may not import does not cause the work.
      config: { action: 'documents.write' },
    }, async (request) => {
      if (Object.keys((request.query ?? {})).length > 0) throw invalid([{ pointer: '/', detail: 'this route takes no query parameters' }]);
      const source = await uploadedCsv(request);
      return writeRegister(request, async (ctx, changes) => {
        const issuer = ownIssuer(ctx);
        const { documents, errors } = await readCancelList(issuer, source.stream);
        if (errors.length > 0) throw invalid(errors.map((error) => ({ pointer: `/rows/${error.row}/${error.column}`, detail: error.message })));
        if (documents.length === 0) throw invalid([{ pointer: '/file', detail: 'the file lists no documents' }]);
        return cancelKeys(ctx, issuer, documents, 'cancelled in bulk', changes);
      });
    });
  });
}
