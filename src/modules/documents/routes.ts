import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { checkDocuments, documentsOfBatch, documentsOfCheck } from './checks.js';
import * as hits from './hits.js';
import { importRoutes } from './import-routes.js';
import { writeRegister } from './write.js';
import {
  AnswerBody,
  BatchCheckBody,
  BatchCheckResponse,
  BulkCancelBody,
  BulkResult,
  CancelBody,
  CheckBody,
  CheckResponse,
  DecisionBody,
  DocumentChange,
  DocumentInput,
  DocumentOne,
  ForeignReport,
  ForeignReportRecord,
  HitOne,
  HitRecord,
  HitsQuery,
  HolderResponse,
  MAX_BATCH,
  RegisterQuery,
  ReportsQuery,
  TravelDocument,
} from './schemas.js';
import * as register from './service.js';

const tags = ['documents'];
const conflictResponse = { 409: Type.Ref('Problem') };
/** A batch of 10,000 MRZs is about 1.2 MB of JSON. */
const BATCH_BODY_LIMIT = 4 * 1024 * 1024;

/** The travel-document register: checks, the issuer's register, foreign reports, hits and imports. */
export function documentsRoutes(app: App): void {
  app.post('/documents/checks', {
    schema: {
      tags,
      summary: 'Check one document, by issuer, type and number or by its MRZ: no hit, or a hit with status, dates and the issuer’s contact',
      description:
        'A member outside the document’s audience gets "no-hit", exactly as for a document that is not registered. Every check is audited with ' +
        'the purpose, durably, before the answer is sent. A hit opens a hit record the issuer confirms or denies. An MRZ that cannot be read is a ' +
        '400 whose errors name the line, column and field, with the likely OCR confusion.',
      body: CheckBody,
      response: { 200: CheckResponse, ...problemResponses },
    },
    config: { action: 'documents.check' },
  }, async (request) => {
    const doc = documentsOfCheck(request.body);
    const [answer] = await checkDocuments(request, [doc], request.body.purpose, doc.via);
    return { data: answer as NonNullable<typeof answer>, checkedAt: new Date().toISOString() };
  });

  app.post('/documents/checks/batch', {
    bodyLimit: BATCH_BODY_LIMIT,
    schema: {
      tags,
      summary: `Check up to ${MAX_BATCH} documents at once (a flight manifest): one answer per document, in order`,
      description: 'Each item is {issuer, type, number} or {mrz}. Any unreadable item refuses the whole batch (400 pointing at /documents/<i>/…) and checks nothing.',
      body: BatchCheckBody,
      response: { 200: BatchCheckResponse, ...problemResponses, 413: Type.Ref('Problem') },
    },
    config: { action: 'documents.check' },
  }, async (request) => {
    const docs = documentsOfBatch(request.body);
    const data = await checkDocuments(request, docs, request.body.purpose, 'batch');
    return { data, checked: data.length, hits: data.filter((answer) => answer.result === 'hit').length, checkedAt: new Date().toISOString() };
  });

  app.get('/documents', {
    config: { action: 'documents.read' },
    schema: { tags, summary: 'Your member’s register, by number, with filters', querystring: RegisterQuery, response: { 200: Page(TravelDocument), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => register.list(ctx, request.query), { read: true }));

  app.post('/documents', {
    config: { action: 'documents.write' },
    schema: {
      tags,
      summary: 'Add a document of your member to the register (the issuer is your member; shared with every full member, TLP GREEN, unless sharing says otherwise)',
      body: DocumentInput,
      response: { 201: DocumentOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request, reply) => reply.status(201).send(await writeRegister(request, (ctx, changes) => register.add(ctx, request.body, changes))));

  app.get('/documents/reports', {
    config: { action: 'documents.read' },
    schema: {
      tags,
      summary: 'The foreign documents your member reported to their issuers, newest first: where each report stands, and the record as far as your member may see it',
      description: 'Once the issuer confirms a report the record is the issuer’s: your member sees it (its place, remarks, later cancellation) only when the issuer’s sharing includes it.',
      querystring: ReportsQuery,
      response: { 200: Page(ForeignReportRecord), ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => register.reports(ctx, request.query), { read: true }));

  app.post('/documents/reports', {
    config: { action: 'documents.write' },
    schema: {
      tags,
      summary: 'Report another issuer’s document your member found or seized; it waits for the issuer to confirm or reject it',
      body: ForeignReport,
      response: { 201: DocumentOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => register.report(ctx, request.body))));

  app.post('/documents/cancel', {
    config: { action: 'documents.write' },
    schema: {
      tags,
      summary: 'Cancel many of your member’s documents at once (a list; for a CSV of numbers use /documents/cancel.csv)',
      body: BulkCancelBody,
      response: { 200: BulkResult, ...problemResponses },
    },
  }, async (request) => writeRegister(request, (ctx, changes) => register.bulkCancel(ctx, request.body, changes)));

  app.get('/documents/:id', {
    config: { action: 'documents.read' },
    schema: { tags, summary: 'A document you may see (holder details to the issuer only)', params: IdParams, response: { 200: DocumentOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => register.get(ctx, request.params.id), { read: true }));

  app.patch('/documents/:id', {
    config: { action: 'documents.write' },
    schema: { tags, summary: 'Change an active document (the issuer)', params: IdParams, body: DocumentChange, response: { 200: DocumentOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => writeRegister(request, (ctx, changes) => register.change(ctx, request.params.id, request.body, changes)));

  app.post('/documents/:id/cancel', {
    config: { action: 'documents.write' },
    schema: { tags, summary: 'Cancel an active document (the issuer): it stops hitting at once', params: IdParams, body: CancelBody, response: { 200: DocumentOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => writeRegister(request, (ctx, changes) => register.cancel(ctx, request.params.id, request.body, changes)));

  app.post('/documents/:id/confirm', {
    config: { action: 'documents.write' },
    schema: {
      tags,
      summary: 'Confirm a foreign report of one of your documents (the issuer): it becomes your active record',
      params: IdParams,
      body: DecisionBody,
      response: { 200: DocumentOne, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => writeRegister(request, (ctx, changes) => register.confirm(ctx, request.params.id, request.body, changes)));

  app.post('/documents/:id/reject', {
    config: { action: 'documents.write' },
    schema: { tags, summary: 'Reject a foreign report of one of your documents (the issuer), with a note for the reporter', params: IdParams, body: DecisionBody, response: { 200: DocumentOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => perform(request, (ctx) => register.reject(ctx, request.params.id, request.body)));

  app.get('/documents/hits', {
    config: { action: 'documents.read' },
    schema: { tags, summary: 'Hit records: on your member’s documents (side=issuer, the queue to answer) or of your member’s checks (side=checker)', querystring: HitsQuery, response: { 200: Page(HitRecord), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => hits.list(ctx, request.query), { read: true }));

  app.get('/documents/hits/:id', {
    config: { action: 'documents.read' },
    schema: { tags, summary: 'A hit record (the issuer and the checking member)', params: IdParams, response: { 200: HitOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => hits.get(ctx, request.params.id), { read: true }));

  app.post('/documents/hits/:id/answer', {
    config: { action: 'documents.answer' },
    schema: { tags, summary: 'Confirm or deny a hit on your member’s document, with notes; the checking member is told', params: IdParams, body: AnswerBody, response: { 200: HitOne, ...problemResponses, ...conflictResponse } },
  }, async (request) => perform(request, (ctx) => hits.answer(ctx, request.params.id, request.body)));

  app.get('/documents/hits/:id/holder', {
    config: { action: 'documents.check' },
    schema: {
      tags,
      summary: 'Step two: the holder details of a hit’s document, to the issuer or the checking member (not once denied); audited',
      params: IdParams,
      response: { 200: HolderResponse, ...problemResponses, ...conflictResponse },
    },
  }, async (request) => perform(request, (ctx) => hits.holder(ctx, request.params.id)));

  importRoutes(app);
}
