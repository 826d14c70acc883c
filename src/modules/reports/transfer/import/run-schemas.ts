import { Type, type Static } from 'typebox';
import { OneOf, Strict } from '../../../../platform/schema.js';
import { ImportResult } from './schemas.js';

const Time = Type.String({ format: 'date-time' });

/** An import as a record: who started it, on which file, how far it is, and its result. */
export const ImportRun = Strict({
  id: Type.String(),
  fileName: Type.String(),
  format: Type.String(),
  dryRun: Type.Boolean(),
  status: OneOf(['queued', 'running', 'done', 'failed'] as const),
  rowsTotal: Type.Union([Type.Integer(), Type.Null()], { description: 'the data rows of the file, counted before the import began' }),
  rowsRead: Type.Integer({ description: 'data rows read so far' }),
  rowsWritten: Type.Integer({ description: 'reports written so far (inserted or rewritten); 0 in a dry run' }),
  errorCount: Type.Integer({ description: 'row errors found so far' }),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  finishedAt: Type.Union([Time, Type.Null()]),
  result: Type.Union([ImportResult, Type.Null()], { description: 'when done, or when refused for bad rows (nothing was written then)' }),
  problem: Type.Union([Strict({ status: Type.Integer(), title: Type.String(), detail: Type.String() }), Type.Null()], { description: 'why it failed' }),
});
export type ImportRun = Static<typeof ImportRun>;

export const ImportRunList = Strict({ data: Type.Array(ImportRun) });
