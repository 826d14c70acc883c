import type { FastifyReply } from 'fastify';
import { Type } from 'typebox';
import type { App } from '../../../platform/http/app.js';
import { perform } from '../../../platform/http/pipeline.js';
import { problemResponses } from '../../../platform/http/schemas.js';
import { toCsv } from '../../../platform/files/csv.js';
import { exportReports, ExportQuery, toXlsx } from './export.js';
import { importReports } from './import/import-reports.js';
import { countersOf, finishRun, insertRun } from './import/runs.js';
import { ImportResult } from './import/schemas.js';
import { TEMPLATE_COLUMNS, TEMPLATE_COLUMN_NAMES } from './import/template.js';
import { importRunRoutes, readImport } from './import-routes.js';

const tags = ['reports'];

const CSV_TYPE = 'text/csv; charset=utf-8';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const FileResponse = (description: string) => Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description });

export function download(reply: FastifyReply, name: string, type: string, content: Buffer): FastifyReply {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'private, no-store').send(content);
}

/** The instructions sheet of the XLSX template: every column, whether required, its meaning, an example and its codes. */
function instructions(): string[][] {
  return [
    ['column', 'required', 'meaning', 'example', 'allowed codes'],
    ...TEMPLATE_COLUMNS.map((c) => [c.column, c.required ? 'yes' : '', c.description, c.example, (c.codes ?? []).join(', ')]),
  ];
}

export function transferRoutes(app: App): void {
  app.post('/reports/import', {
    config: { action: 'reports.import' },
    schema: {
      tags,
      summary: 'Import reports from CSV or XLSX: the Lintas template or the IOM Missing Migrants Project file (multipart: options as JSON, file)',
      description:
        'Atomic unless options.partial: any bad row and nothing is written (400 whose errors point at /rows/<row>/<column>). ' +
        'options.dryRun checks every row and writes nothing. Re-importing a row (same owner, format and identifier) changes nothing, ' +
        'or rewrites the report when its content changed and it is still a draft or submitted. ' +
        'A file past a limit (size, rows, an XLSX\'s ZIP expansion, time) is a 413; while the server reads as many files as it can, a 503 with Retry-After. ' +
        'A real import (not a dry run) that commits is an import run too: the Location header names it, and its reports carry its id (the reports list\'s importId filter). ' +
        'POST /reports/import-runs does the same import in the background, with progress.',
      consumes: ['multipart/form-data'],
      response: { 200: ImportResult, ...problemResponses, 413: Type.Ref('Problem'), 503: Type.Ref('Problem') },
    },
  }, async (request, reply) => {
    // Refused before reading the file (the authorisation hook): parsing costs, and a user who may not import should not cause it.
    const { options, file, table } = await readImport(request);
    const { result, runId } = await perform(request, async (ctx) => {
      if (options.dryRun) return { result: await importReports(ctx, options, table, file), runId: null };
      // The run and its final state are written in the import's transaction: a refused import leaves neither.
      const run = await insertRun(ctx, file, options, 'running');
      const done = await importReports(ctx, options, table, file, { id: run.id, progress: () => undefined, refused: () => undefined });
      await finishRun(ctx.tx, run.id, { status: 'done', counters: countersOf(done), result: done, problem: null });
      return { result: done, runId: run.id };
    });
    if (runId) void reply.header('location', `/api/v1/reports/import-runs/${runId}`);
    return result;
  });

  importRunRoutes(app);

  app.get('/reports/import/template.csv', {
    schema: { tags, summary: 'The import template as CSV (the header row; the XLSX template explains each column)', response: { 200: FileResponse('CSV'), ...problemResponses } },
    config: { action: 'reports.read' },
  }, async (_request, reply) => {
    return download(reply, 'lintas-reports-template.csv', CSV_TYPE, toCsv([TEMPLATE_COLUMN_NAMES]));
  });

  app.get('/reports/import/template.xlsx', {
    schema: { tags, summary: 'The import template as XLSX, with an Instructions sheet listing every column and its codes', response: { 200: FileResponse('XLSX'), ...problemResponses } },
    config: { action: 'reports.read' },
  }, async (_request, reply) => {
    const content = await toXlsx([TEMPLATE_COLUMN_NAMES], 'Reports', (workbook) => {
      const sheet = workbook.addWorksheet('Instructions');
      for (const row of instructions()) sheet.addRow(row);
      sheet.getRow(1).font = { bold: true };
      sheet.columns.forEach((column, index) => {
        column.width = [24, 9, 80, 40, 60][index] ?? 20;
      });
    });
    return download(reply, 'lintas-reports-template.xlsx', XLSX_TYPE, content);
  });

  app.get('/reports/export.csv', {
    config: { action: 'reports.export' },
    schema: { tags, summary: 'Export the reports you may see and pass on, as CSV in the import template\'s columns', querystring: ExportQuery, response: { 200: FileResponse('CSV'), ...problemResponses, 413: Type.Ref('Problem') } },
  }, async (request, reply) => {
    const rows = await perform(request, (ctx) => exportReports(ctx, request.query, 'csv'));
    return download(reply, 'lintas-reports.csv', CSV_TYPE, toCsv(rows));
  });

  app.get('/reports/export.xlsx', {
    config: { action: 'reports.export' },
    schema: { tags, summary: 'Export the reports you may see and pass on, as XLSX in the import template\'s columns', querystring: ExportQuery, response: { 200: FileResponse('XLSX'), ...problemResponses, 413: Type.Ref('Problem') } },
  }, async (request, reply) => {
    const rows = await perform(request, (ctx) => exportReports(ctx, request.query, 'xlsx'));
    return download(reply, 'lintas-reports.xlsx', XLSX_TYPE, await toXlsx(rows));
  });
}
