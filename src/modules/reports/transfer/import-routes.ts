import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { authorize } from '../../../platform/auth/authorize.js';
import type { App } from '../../../platform/http/app.js';
import { readTable, type Table } from '../../../platform/files/tabular.js';
import { invalid } from '../../../platform/errors.js';
import { perform } from '../../../platform/http/pipeline.js';
import { IdParams, problemResponses } from '../../../platform/http/schemas.js';
import { Strict } from '../../../platform/schema.js';
import { toCsv } from '../../../platform/files/csv.js';
import { readImportTable, type ImportFile } from './import/import-reports.js';
import { bindMapping, mappingErrors } from './import/mapped.js';
import { MappingBody, MappingPreview, SavedMapping, SavedMappingList } from './import/mapping-schemas.js';
import { createMapping, deleteMapping, findMapping, listMappings, updateMapping } from './import/mappings.js';
import { previewTable } from './import/preview.js';
import { ImportRun, ImportRunList } from './import/run-schemas.js';
import { findRun, insertRun, listRuns, liveRun, settleRuns, startRun } from './import/runs.js';
import { ImportOptions } from './import/schemas.js';
import { readUpload } from './upload.js';

const tags = ['reports'];
const busy = { 413: Type.Ref('Problem'), 503: Type.Ref('Problem') };

/**
 * Reads an import's upload into its options and table. The mapped format's mapping (given, or saved
 * and named by mappingId) is checked, bound to the file's header (its sources named as the file names
 * them) and put in the options, with its default sharing when the options give none.
 */
export async function readImport(request: FastifyRequest): Promise<{ options: ImportOptions; file: ImportFile; table: Table }> {
  const upload = await readUpload(request, ImportOptions, true);
  const { file } = upload;
  let options = upload.options;
  const limits = { fileName: file.name, ...(options.maxRows ? { maxRows: options.maxRows } : {}), ...(options.sheet ? { sheet: options.sheet } : {}) };
  if (options.format !== 'mapped') {
    if (options.mapping || options.mappingId) throw invalid([{ pointer: options.mapping ? '/options/mapping' : '/options/mappingId', detail: 'is only for the format mapped' }]);
    return { options, file, table: await readImportTable(file.content, options, file.name) };
  }
  if ((options.mapping === undefined) === (options.mappingId === undefined)) {
    throw invalid([{ pointer: '/options/mapping', detail: 'give either a mapping or the mappingId of a saved one with the format mapped' }]);
  }
  const mappingId = options.mappingId;
  const mapping = mappingId ? (await perform(request, (ctx) => findMapping(ctx, mappingId), { read: true })).mapping : options.mapping;
  if (!mapping) throw invalid([{ pointer: '/options/mapping', detail: 'is required' }]);
  const prefix = mappingId ? '/options/mappingId' : '/options/mapping';
  const own = mappingErrors(mapping, prefix);
  if (own.length > 0) throw invalid(own);
  const table = await readTable(file.content, { columns: [], acceptHeader: true, rejectUnknownColumns: false, ...limits });
  const bound = bindMapping(mapping, table.header, prefix);
  if (bound.errors.length > 0) throw invalid(bound.errors, 'The mapping names columns the file does not have.');
  const { mappingId: _saved, ...rest } = options;
  options = { ...rest, mapping: bound.mapping, ...((options.sharing ?? mapping.sharing) ? { sharing: options.sharing ?? mapping.sharing } : {}) };
  return { options, file, table };
}

const PreviewOptions = Strict({ sheet: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'XLSX: the sheet to read; the first by default' })) });

/** Import runs (an import as a record, with its progress), saved column mappings and the preview of a file of one's own. */
export function importRunRoutes(app: App): void {
  // A run still going when the server closes writes its final state before the database closes.
  app.addHook('onClose', async () => settleRuns());

  app.post('/reports/import-runs', {
    config: { action: 'reports.import' },
    schema: {
      tags,
      summary: 'Start an import in the background (multipart: options as JSON, file, as POST /reports/import): 201 with the run, whose progress GET /reports/import-runs/:id gives',
      description:
        'The options and the file\'s header are checked first (400, nothing written). The import then runs as POST /reports/import does, in one transaction, ' +
        'all or nothing unless partial; the run ends done (with the result) or failed (with why; refused for bad rows: with the result listing them).',
      consumes: ['multipart/form-data'],
      response: { 201: ImportRun, ...problemResponses, ...busy },
    },
  }, async (request, reply) => {
    const { options, file, table } = await readImport(request);
    // The rows are counted first, for the progress bar: a file broken past its header is refused here, before a run is written.
    let rowsTotal = 0;
    for (const _row of table.rows) rowsTotal++;
    const run = await perform(request, (ctx) => insertRun(ctx, file, options, 'queued', rowsTotal));
    const actor = request.actor;
    authorize(actor, 'reports.import');
    startRun(run, {
      platform: request.server.platform,
      actor,
      request: { requestId: request.id, address: request.ip },
      options,
      table,
      file,
      onError: (error) => request.log.error({ err: error, run: run.id }, 'an import run failed'),
    });
    return reply.status(201).header('location', `/api/v1/reports/import-runs/${run.id}`).send(run);
  });

  app.get('/reports/import-runs', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'Your member\'s latest import runs (50), the newest first', response: { 200: ImportRunList, ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => listRuns(ctx), { read: true }) }));

  app.get('/reports/import-runs/:id', {
    config: { action: 'reports.import' },
    schema: {
      tags,
      summary: 'An import run of your member: status, rows read and written, errors so far, and the result once done',
      description: 'While it runs, the counters come from the server process running it; poll every half second or so.',
      params: IdParams,
      response: { 200: ImportRun, ...problemResponses },
    },
  }, async (request) => {
    // A run this process is running is answered from memory: on PGlite the one connection is the import's until it ends.
    const actor = request.actor;
    authorize(actor, 'reports.import');
    return liveRun(actor, request.params.id) ?? perform(request, (ctx) => findRun(ctx, request.params.id), { read: true });
  });

  app.get('/reports/import-runs/:id/errors.csv', {
    config: { action: 'reports.import' },
    schema: {
      tags,
      summary: 'The row errors of a finished import run as CSV (row, column, value, reason), neutralised against formula injection',
      params: IdParams,
      response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'CSV' }), ...problemResponses },
    },
  }, async (request, reply) => {
    const run = await perform(request, (ctx) => findRun(ctx, request.params.id), { read: true });
    const rows = [['row', 'column', 'value', 'reason'], ...(run.result?.errors ?? []).map((error) => [String(error.row), error.column, error.value ?? '', error.message])];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="import-errors-${run.id}.csv"`)
      .header('cache-control', 'private, no-store')
      .send(toCsv(rows));
  });

  app.post('/reports/import-mappings/preview', {
    config: { action: 'reports.import' },
    schema: {
      tags,
      summary: 'Read a file of your own (multipart: file, options {sheet}) and suggest its mapping: header, first rows, suggested columns and values. Writes nothing',
      consumes: ['multipart/form-data'],
      response: { 200: MappingPreview, ...problemResponses, ...busy },
    },
  }, async (request) => {
    const { options, file } = await readUpload(request, PreviewOptions, false);
    const table = await readTable(file.content, { columns: [], acceptHeader: true, rejectUnknownColumns: false, fileName: file.name, ...(options.sheet ? { sheet: options.sheet } : {}) });
    return previewTable(table, file.name);
  });

  app.get('/reports/import-mappings', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'Your member\'s saved column mappings', response: { 200: SavedMappingList, ...problemResponses } },
  }, async (request) => ({ data: await perform(request, (ctx) => listMappings(ctx), { read: true }) }));

  app.post('/reports/import-mappings', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'Save a column mapping for your member', body: MappingBody, response: { 201: SavedMapping, ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request, reply) => reply.status(201).send(await perform(request, (ctx) => createMapping(ctx, request.body))));

  app.get('/reports/import-mappings/:id', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'A saved column mapping of your member', params: IdParams, response: { 200: SavedMapping, ...problemResponses } },
  }, async (request) => perform(request, (ctx) => findMapping(ctx, request.params.id), { read: true }));

  app.put('/reports/import-mappings/:id', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'Change a saved column mapping of your member', params: IdParams, body: MappingBody, response: { 200: SavedMapping, ...problemResponses, 409: Type.Ref('Problem') } },
  }, async (request) => perform(request, (ctx) => updateMapping(ctx, request.params.id, request.body)));

  app.delete('/reports/import-mappings/:id', {
    config: { action: 'reports.import' },
    schema: { tags, summary: 'Delete a saved column mapping of your member', params: IdParams, response: { 204: Type.Null(), ...problemResponses } },
  }, async (request, reply) => {
    await perform(request, (ctx) => deleteMapping(ctx, request.params.id));
    return reply.status(204).send(null);
  });
}
