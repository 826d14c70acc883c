import { PACE_DESCRIPTION } from '../../platform/audit/pace.js';
import { Type } from 'typebox';
import type { App } from '../../platform/http/app.js';
import { perform } from '../../platform/http/pipeline.js';
import { Id, IdParams, Page, problemResponses } from '../../platform/http/schemas.js';
import { Strict } from '../../platform/schema.js';
import * as agreements from './agreements.js';
import * as galleries from './galleries.js';
import { galleriesRead } from './gallery-index.js';
import { AgreementCreate, EnrolmentRunList, EnrolmentRunOne, AgreementList, AgreementOne, AgreementsQuery, ReleaseQuery, ReleaseTableCells, SearchCreate, SearchesQuery, SearchOne, Search, StatusChange, StepTwo, StepTwoConfirm, StepTwoOne, StepTwoQuery, SubjectCreate, SubjectItem, SubjectOne, SubjectsQuery } from './schemas.js';
import { askStepTwo, enrolFromImage, searchByImage } from './images.js';
import { enrolmentReport, getEnrolment, listEnrolments, startEnrolment } from './enrolments.js';
import { stopEnrolmentRuns } from './enrolment-runner.js';
import * as stepTwo from './step-two.js';
import { readBiometricsRelease } from './release.js';
import { getSearch, listSearches, search } from './search.js';

const tags = ['biometrics'];
/** An image too large, refused (422), or the face worker busy (503 with Retry-After). */
const busy = { 413: Type.Ref('Problem'), 422: Type.Ref('Problem'), 503: Type.Ref('Problem') };

export function biometricsRoutes(app: App): void {
  app.post('/biometrics/agreements', {
    config: { action: 'biometrics.agree' },
    schema: { tags, summary: 'Propose an agreement (in force once every party accepted it)', body: AgreementCreate, response: { 201: AgreementOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => agreements.propose(ctx, request.body))));

  app.get('/biometrics/agreements', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'The agreements your member is a party to', querystring: AgreementsQuery, response: { 200: AgreementList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.listAgreements(ctx, request.query), { read: true }));

  app.get('/biometrics/agreements/:id', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'An agreement your member is a party to', params: IdParams, response: { 200: AgreementOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.getAgreement(ctx, request.params.id), { read: true }));

  app.post('/biometrics/agreements/:id/accept', {
    config: { action: 'biometrics.agree' },
    schema: { tags, summary: 'Accept a proposed agreement for your member', params: IdParams, response: { 200: AgreementOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.accept(ctx, request.params.id)));

  app.post('/biometrics/agreements/:id/suspend', {
    config: { action: 'biometrics.agree' },
    schema: { tags, summary: 'Suspend an agreement in force (any party; the same party resumes it)', params: IdParams, body: StatusChange, response: { 200: AgreementOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.suspend(ctx, request.params.id, request.body)));

  app.post('/biometrics/agreements/:id/resume', {
    config: { action: 'biometrics.agree' },
    schema: { tags, summary: 'Resume an agreement your member suspended', params: IdParams, response: { 200: AgreementOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.resume(ctx, request.params.id)));

  app.post('/biometrics/agreements/:id/terminate', {
    config: { action: 'biometrics.agree' },
    schema: { tags, summary: 'Terminate an agreement (any party; for good)', params: IdParams, body: StatusChange, response: { 200: AgreementOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => agreements.terminate(ctx, request.params.id, request.body)));

  app.post('/biometrics/subjects', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'Enrol a subject in your member’s gallery from a template', body: SubjectCreate, response: { 201: SubjectOne, ...problemResponses } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => galleries.enrol(ctx, request.body))));

  app.post('/biometrics/subjects/from-image', {
    config: { action: 'biometrics.enrol' },
    schema: {
      tags,
      summary: 'Enrol a subject from a face image (multipart: metadata as JSON, file: one face, JPEG, PNG or WebP); 422 with a reason when the image gives no template',
      consumes: ['multipart/form-data'],
      response: { 201: SubjectOne, ...problemResponses, ...busy },
    },
  }, async (request, reply) => reply.status(201).send(await enrolFromImage(request)));

  // Runs still going when the server closes stop after their image, marked interrupted, before the database closes.
  app.addHook('onClose', async () => stopEnrolmentRuns(app.platform.db));

  app.post('/biometrics/enrolments', {
    config: { action: 'biometrics.enrol' },
    schema: {
      tags,
      summary: 'Enrol many subjects from a ZIP archive of face images and a CSV naming them (multipart: metadata as JSON, file: the archive): 202 with the run, whose progress GET /biometrics/enrolments/:id gives',
      description:
        'The CSV (one, anywhere in the archive) has the columns reference and image (the file\'s name in the archive, from the CSV\'s folder), optionally the biographic fields ' +
        '(family_name, given_names, date_of_birth, sex, nationality, place_of_birth, document_type, document_issuer, document_number, encounter_date, encounter_place, remarks) ' +
        'and retention_until (YYYY-MM-DD). A bad archive (not a ZIP, a decompression bomb, no CSV, a CSV whose header lacks reference or image or names an unknown column) ' +
        'is refused with 400 or 413 and nothing is written. Otherwise each row is enrolled on its own, in the background, one image at a time: a bad value, a reference ' +
        'repeated or already in the gallery, a missing file, or an image the face reader refuses rejects that row alone, with its reason, in the run\'s report.',
      consumes: ['multipart/form-data'],
      response: { 202: EnrolmentRunOne, 413: Type.Ref('Problem'), ...problemResponses },
    },
  }, async (request, reply) => {
    const run = await startEnrolment(request);
    return reply.status(202).header('location', `/api/v1/biometrics/enrolments/${run.data.id}`).send(run);
  });

  app.get('/biometrics/enrolments', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'Your member’s latest bulk enrolments (50), the newest first', response: { 200: EnrolmentRunList, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listEnrolments(ctx), { read: true }));

  app.get('/biometrics/enrolments/:id', {
    config: { action: 'biometrics.enrol' },
    schema: {
      tags,
      summary: 'A bulk enrolment of your member: status, rows processed of the total, enrolled and rejected, and the rows rejected so far with their reasons',
      description: 'Poll it every second or so while the status is queued or running.',
      params: IdParams,
      response: { 200: EnrolmentRunOne, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => getEnrolment(ctx, request.params.id), { read: true }));

  app.get('/biometrics/enrolments/:id/report.csv', {
    config: { action: 'biometrics.enrol' },
    schema: {
      tags,
      summary: 'The rows a bulk enrolment did not enrol, as CSV (row, file, reference, reason, column, detail), neutralised against formula injection',
      params: IdParams,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'CSV' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const report = await perform(request, (ctx) => enrolmentReport(ctx, request.params.id), { read: true });
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${report.fileName}"`)
      .header('cache-control', 'private, no-store')
      .send(report.content);
  });

  app.get('/biometrics/subjects', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'Your member’s gallery, newest first', querystring: SubjectsQuery, response: { 200: Page(SubjectItem), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => galleries.listSubjects(ctx, request.query), { read: true }));

  app.get('/biometrics/subjects/:id', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'A subject of your member’s gallery, with its biographic fields', params: IdParams, response: { 200: SubjectOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => galleries.getSubject(ctx, request.params.id), { read: true }));

  app.get('/biometrics/subjects/:id/image', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'The image kept with a subject of your member’s gallery (JPEG)', params: IdParams, response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...problemResponses } },
  }, async (request, reply) => {
    const image = await perform(request, (ctx) => galleries.subjectImage(ctx, request.params.id), { read: true });
    return reply.type(image.type).header('cache-control', 'private, no-store').send(image.content);
  });

  app.delete('/biometrics/subjects/:id', {
    config: { action: 'biometrics.enrol' },
    schema: { tags, summary: 'Remove a subject from your member’s gallery', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => galleries.removeSubject(ctx, request.params.id));
    return reply.status(204).send(null);
  });

  app.post('/biometrics/searches', {
    config: { action: 'biometrics.search' },
    schema: {
      tags,
      summary: 'Search a probe one-to-many in the galleries an agreement lets you search: hit or no hit per gallery (the probe is not kept)',
      body: SearchCreate,
      response: { 201: SearchOne, ...problemResponses },
    },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => search(ctx, request.body), { before: galleriesRead(request) })));

  app.post('/biometrics/searches/by-image', {
    config: { action: 'biometrics.search' },
    schema: {
      tags,
      summary: 'Search with a face image (multipart: metadata as JSON, file: the probe image, not kept); as POST /biometrics/searches otherwise',
      consumes: ['multipart/form-data'],
      response: { 201: SearchOne, ...problemResponses, ...busy },
    },
  }, async (request, reply) => reply.status(201).send(await searchByImage(request)));

  app.get('/biometrics/searches', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'Your searches, and the searches of your gallery (who, why, your gallery’s answer)', querystring: SearchesQuery, response: { 200: Page(Search), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => listSearches(ctx, request.query), { read: true }));

  app.get('/biometrics/searches/:id', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'A search, as your side of it reads', params: IdParams, response: { 200: SearchOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => getSearch(ctx, request.params.id), { read: true }));

  app.get('/biometrics/release', {
    config: { action: 'biometrics.read' },
    schema: {
      tags,
      summary: 'Counts of searches, hits and step-two decisions across all members: one table of the latest release, computed by a job, the same for every viewer (rule 6)',
      querystring: ReleaseQuery,
      response: { 200: ReleaseTableCells, ...problemResponses },
    },
  }, async (request) => perform(request, (ctx) => readBiometricsRelease(ctx, request.query), { read: true }));

  app.post('/biometrics/step-two', {
    config: { action: 'biometrics.search' },
    schema: {
      tags,
      summary: 'Ask a gallery that answered hit to confirm it (multipart: metadata as JSON; file: the probe image, when the agreement shows images)',
      consumes: ['multipart/form-data'],
      response: { 201: StepTwoOne, 409: Type.Ref('Problem'), ...problemResponses, ...busy },
    },
  }, async (request, reply) => reply.status(201).send(await askStepTwo(request)));

  app.get('/biometrics/step-two', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'Step-two requests your member made or was asked, newest first', querystring: StepTwoQuery, response: { 200: Page(StepTwo), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => stepTwo.listStepTwo(ctx, request.query), { read: true }));

  app.get('/biometrics/step-two/:id', {
    config: { action: 'biometrics.read' },
    schema: { tags, summary: 'A step-two request, as your side reads it', params: IdParams, response: { 200: StepTwoOne, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => stepTwo.getStepTwo(ctx, request.params.id), { read: true }));

  app.get('/biometrics/step-two/:id/probe-image', {
    config: { action: 'biometrics.confirm' },
    schema: { tags, summary: 'The probe image sent with a pending request (the holder)', params: IdParams, response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...problemResponses } },
  }, async (request, reply) => {
    const image = await perform(request, (ctx) => stepTwo.probeImage(ctx, request.params.id), { read: true });
    return reply.type(image.type).header('cache-control', 'private, no-store').send(image.content);
  });

  app.get('/biometrics/step-two/:id/candidates/:subject/image', {
    config: { action: 'biometrics.confirm' },
    schema: {
      tags, summary: 'A candidate’s gallery image, to compare with the probe (the holder)', params: Strict({ id: Id, subject: Id }),
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const image = await perform(request, (ctx) => stepTwo.candidateImage(ctx, request.params.id, request.params.subject), { read: true });
    return reply.type(image.type).header('cache-control', 'private, no-store').send(image.content);
  });

  app.post('/biometrics/step-two/:id/confirm', {
    config: { action: 'biometrics.confirm' },
    schema: { tags, summary: 'Confirm the match on a candidate and disclose the agreed fields (the holder)', description: PACE_DESCRIPTION, params: IdParams, body: StepTwoConfirm, response: { 200: StepTwoOne, 409: Type.Ref('Problem'), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => stepTwo.confirm(ctx, request.params.id, request.body)));

  app.post('/biometrics/step-two/:id/reject', {
    config: { action: 'biometrics.confirm' },
    schema: { tags, summary: 'Reject the match, with the reason (the holder)', description: PACE_DESCRIPTION, params: IdParams, body: StatusChange, response: { 200: StepTwoOne, 409: Type.Ref('Problem'), ...problemResponses } },
  }, async (request) => perform(request, (ctx) => stepTwo.reject(ctx, request.params.id, request.body)));
}
