import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Platform } from '../../platform/context.js';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { readUpload } from '../../platform/http/upload.js';
import { prepareAttachment } from './attachments.js';
import * as responses from './responses.js';
import {
  AcknowledgementCreate, AcknowledgementList, AttachmentMetadata, AttachmentOne, AttachmentParams, BulletinCorrection, BulletinCreate, BulletinItem,
  BulletinOne, CommentCreate, CommentItem, CommentOne, CommentQuery, DraftUpdate, ListQuery, StixBundle, StixImportQuery, StixImportResult, VersionList,
} from './schemas.js';
import * as drafts from './drafts.js';
import * as exchange from './exchange.js';
import * as bulletins from './service.js';
import { bulletinSettings } from './settings.js';

const tags = ['bulletins'];
const binary = Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'the bytes as stored, with the type sniffed from them' });

/**
 * Reads an attachment upload once the actor is known to own the bulletin, so no one else makes the
 * server read or re-encode a file: a 404 or 403 comes first, then the file (413 past the size limit).
 */
async function readAttachment(request: FastifyRequest, id: string) {
  await perform(request, (ctx) => responses.mayAttach(ctx, id), { read: true });
  const limit = bulletinSettings.of(request.server.platform.config).attachmentBytes;
  const { value, file } = await readUpload(request, { field: 'metadata', schema: AttachmentMetadata, required: false, fileSize: limit, fallbackName: 'attachment' });
  return { name: value.name ?? file.name, prepared: await prepareAttachment(file.content) };
}

const STIX_TYPE = 'application/stix+json; version=2.1; charset=utf-8';
const stixBundle = Type.Unsafe<string>({ type: 'string', description: 'a STIX 2.1 bundle (JSON): a report per bulletin, the owner’s identity, locations, the TLP 2.0 and handling markings, and Lintas’s bulletin extension' });
const exportRule = 'Rule 5: a recipient may not export another member’s AMBER+STRICT, RED or H2 bulletin (its owner may).';

export function bulletinRoutes(app: App, platform: Platform): void {
  app.get('/bulletins/export.stix', {
    config: { action: 'bulletins.read' },
    schema: {
      tags, summary: 'A page of the list (same filters) as one STIX 2.1 bundle',
      description: `${exportRule} Those are left out; the header lintas-withheld-records counts them (all pages), and lintas-next-cursor gives the next page. One audit row names the others’ bulletins.`,
      querystring: ListQuery, response: { 200: stixBundle, ...problemResponses },
    },
  }, async (request, reply) => {
    const { bundle, next, withheld } = await perform(request, (ctx) => exchange.exportList(ctx, request.query));
    if (next) void reply.header('lintas-next-cursor', next);
    return reply.type(STIX_TYPE).header('content-disposition', 'attachment; filename="lintas-bulletins.stix.json"')
      .header('lintas-withheld-records', String(withheld)).send(JSON.stringify(bundle, null, 2));
  });

  app.post('/bulletins/import.stix', {
    config: { action: 'bulletins.write' },
    bodyLimit: bulletinSettings.of(platform.config).stixBytes,
    schema: {
      tags, summary: 'Import a STIX 2.1 bundle (from MISP or OpenCTI): a draft bulletin per report',
      description: 'Each report becomes a draft of your member (name, description as the body, labels as tags, locations as countries, TLP and handling from its markings and Lintas’s extension); ' +
        'other object types are ignored and counted. A malformed bundle is a 400 with pointers; a report you may not re-share (TLP:RED, TLP:AMBER+STRICT, H2) refuses the whole bundle (403, pointers) unless skipRefused. ' +
        'Nothing is written unless all of it is. A bundle past the size limit is a 413.',
      querystring: StixImportQuery, body: StixBundle, response: { 201: StixImportResult, ...problemResponses, 413: Type.Ref('Problem') },
    },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => exchange.importBundle(ctx, request.body, request.query))));

  app.get('/bulletins', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'List the bulletins you may see, newest first', querystring: ListQuery, response: { 200: Page(BulletinItem), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => bulletins.list(ctx, request.query), { read: true }));

  app.get('/bulletins/:id', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'A bulletin with its body rendered and its attachments (marks it read for you)', params: IdParams, response: { 200: BulletinOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => bulletins.get(ctx, request.params.id)));

  app.get('/bulletins/:id/export.stix', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'A bulletin as a STIX 2.1 bundle (an audited read)', description: `${exportRule} A recipient asking for one gets 403.`, params: IdParams, response: { 200: stixBundle, ...problemResponses } },
  }, async (request, reply) => {
    const bundle = await perform(request, (ctx) => exchange.exportOne(ctx, request.params.id));
    return reply.type(STIX_TYPE).header('content-disposition', `attachment; filename="lintas-bulletin-${request.params.id}.stix.json"`).send(JSON.stringify(bundle, null, 2));
  });

  app.put('/bulletins/:id/draft', {
    config: { action: 'bulletins.write' },
    schema: { tags, summary: 'Replace a draft’s content and intended sharing (owner only; 409 once published)', params: IdParams, body: DraftUpdate, response: { 200: BulletinOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => drafts.updateDraft(ctx, request.params.id, request.body)));

  app.post('/bulletins/:id/publish', {
    config: { action: 'bulletins.write' },
    schema: { tags, summary: 'Publish a draft: its intended sharing becomes its sharing and its audience is told', params: IdParams, response: { 200: BulletinOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => drafts.publish(ctx, request.params.id)));

  app.delete('/bulletins/:id', {
    config: { action: 'bulletins.write' },
    schema: { tags, summary: 'Delete a draft (owner only; a published bulletin is withdrawn by its expiry, 409)', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => drafts.deleteDraft(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.get('/bulletins/:id/versions', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'Every version of a bulletin, newest first', params: IdParams, response: { 200: VersionList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => bulletins.versions(ctx, request.params.id), { read: true }));

  app.post('/bulletins', {
    config: { action: 'bulletins.write' },
    schema: { tags, summary: 'Issue a bulletin', body: BulletinCreate, response: { 201: BulletinOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => bulletins.create(ctx, request.body))));

  app.patch('/bulletins/:id', {
    config: { action: 'bulletins.write' },
    schema: {
      tags, summary: 'Correct a bulletin (owner only): a new version, the earlier ones kept', params: IdParams, body: BulletinCorrection,
      response: { 200: BulletinOne, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => bulletins.correct(ctx, request.params.id, request.body)));

  app.post('/bulletins/:id/attachments', {
    config: { action: 'bulletins.write' },
    schema: {
      tags,
      summary: 'Attach an image (PNG, JPEG, WebP) or a PDF to a bulletin (owner only; multipart: file, and optionally metadata as JSON)',
      description: 'The type is judged from the bytes; images are re-encoded without their metadata. A file past the size limit is a 413.',
      params: IdParams,
      consumes: ['multipart/form-data'],
      response: { 201: AttachmentOne, ...problemResponses, 409: Type.Ref('Problem'), 413: Type.Ref('Problem') },
    },
  }, async (request, reply) => {
    const { name, prepared } = await readAttachment(request, request.params.id);
    return reply.status(201).send(await perform(request, (ctx) => responses.addAttachment(ctx, request.params.id, name, prepared)));
  });

  app.get('/bulletins/:id/attachments/:attachment', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'An attachment’s bytes (a PDF as a download, never as HTML)', params: AttachmentParams, response: { 200: binary, ...problemResponses } },
  }, async (request, reply) => {
    const file = await perform(request, (ctx) => responses.attachment(ctx, request.params.id, request.params.attachment), { read: true });
    const disposition = file.contentType === 'application/pdf' ? 'attachment' : 'inline';
    return reply
      .type(file.contentType)
      .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', "default-src 'none'; sandbox")
      .header('cache-control', 'private, no-store')
      .send(file.content);
  });

  app.get('/bulletins/:id/acknowledgements', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'Acknowledgements of a bulletin: every member’s for its owner, your member’s for others', params: IdParams, response: { 200: AcknowledgementList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => responses.acknowledgements(ctx, request.params.id), { read: true }));

  app.post('/bulletins/:id/acknowledgements', {
    config: { action: 'bulletins.respond' },
    schema: { tags, summary: 'Acknowledge a bulletin (read, or acted on); a draft takes none (409)', params: IdParams, body: AcknowledgementCreate, response: { 200: AcknowledgementList, ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request) => perform(request, (ctx) => responses.acknowledge(ctx, request.params.id, request.body)));

  app.get('/bulletins/:id/comments', {
    config: { action: 'bulletins.read' },
    schema: { tags, summary: 'A bulletin’s comments, oldest first', params: IdParams, querystring: CommentQuery, response: { 200: Page(CommentItem), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => responses.comments(ctx, request.params.id, request.query), { read: true }));

  app.post('/bulletins/:id/comments', {
    config: { action: 'bulletins.respond' },
    schema: { tags, summary: 'Comment on a bulletin (seen by whoever may see the bulletin); a draft takes none (409)', params: IdParams, body: CommentCreate, response: { 201: CommentOne, ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => responses.comment(ctx, request.params.id, request.body))));
}
