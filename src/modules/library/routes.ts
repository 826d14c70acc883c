import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { extractText } from '../../platform/files/extract-text.js';
import { perform } from '../../platform/http/pipeline.js';
import { sendJson } from '../../platform/http/pagination.js';
import { IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import { readUpload } from '../../platform/http/upload.js';
import * as library from './service.js';
import { BODY_MAX_LENGTH, CountQuery, DocumentCreate, DocumentItem, DocumentOne, DocumentUpdate, ListQuery, UploadMetadata } from './schemas.js';

const tags = ['library'];

/** Reads an upload: a `metadata` field (JSON) and one `file`, whose text is extracted for search. */
async function readDocumentUpload(request: FastifyRequest): Promise<{ metadata: UploadMetadata; file: library.AttachedFile }> {
  const { value: metadata, file } = await readUpload(request, { field: 'metadata', schema: UploadMetadata, required: true, fallbackName: 'document' });
  const { kind, text } = await extractText(file.content, '/file', BODY_MAX_LENGTH);
  return { metadata, file: { name: file.name, kind, content: file.content, text } };
}

export function libraryRoutes(app: App): void {
  app.get('/library/documents', {
    config: { action: 'library.read' },
    schema: { tags, summary: 'List or search the documents you may see', querystring: ListQuery, response: { 200: Page(DocumentItem), ...problemResponses } },
  }, async (request, reply) => sendJson(reply, await perform(request, (ctx) => library.list(ctx, request.query), { read: true })));

  app.get('/library/count', {
    config: { action: 'library.read' },
    schema: { tags, summary: 'How many documents you may see match', querystring: CountQuery, response: { 200: Strict({ total: Type.Integer() }), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => library.count(ctx, request.query), { read: true }));

  app.get('/library/documents/:id', {
    config: { action: 'library.read' },
    schema: { tags, summary: 'A document with its text', params: IdParams, response: { 200: DocumentOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => library.get(ctx, request.params.id), { read: true }));

  app.get('/library/documents/:id/file', {
    config: { action: 'library.read' },
    schema: { tags, summary: 'The attached file', params: IdParams, response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the file as uploaded' }), ...problemResponses } },
  }, async (request, reply) => {
    const file = await perform(request, (ctx) => library.file(ctx, request.params.id), { read: true });
    return reply
      .type(file.type)
      .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('cache-control', 'private, no-store')
      .send(file.content);
  });

  app.post('/library/documents', {
    config: { action: 'library.write' },
    schema: { tags, summary: 'Add a document with its text', body: DocumentCreate, response: { 201: DocumentOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => library.create(ctx, request.body))));

  app.post('/library/documents/upload', {
    config: { action: 'library.write' },
    schema: {
      tags,
      summary: 'Add a document from a PDF, DOCX or TXT file (multipart: metadata as JSON, file)',
      description: 'A file too large, or past a limit while it is read (ZIP expansion, pages, time), is a 413; while the server reads as many files as it can, a 503 with Retry-After.',
      consumes: ['multipart/form-data'],
      response: { 201: DocumentOne, ...problemResponses, 413: Type.Ref('Problem'), 503: Type.Ref('Problem') },
    },
  }, async (request, reply) => {
    // Refuse before reading the file: parsing costs, and a user who may not write should not cause it.
    const { metadata, file } = await readDocumentUpload(request);
    return reply.status(201).send(await perform(request, (ctx) => library.create(ctx, metadata, file)));
  });

  app.patch('/library/documents/:id', {
    config: { action: 'library.write' },
    schema: { tags, summary: 'Change a document (owner only)', params: IdParams, body: DocumentUpdate, response: { 200: DocumentOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => library.update(ctx, request.params.id, request.body)));

  app.delete('/library/documents/:id', {
    config: { action: 'library.write' },
    schema: { tags, summary: 'Remove a document (owner only)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => library.remove(ctx, request.params.id));
    return reply.status(204).send(null);
  });
}
