import { Type } from 'typebox';
import { OneOf, Strict } from '../schema.js';
import { RELEASE_INTERVALS } from './periods.js';

/**
 * The query and answer of a module's count release (count-release.ts), over its table names: the
 * same shape for every module, so a client reads one as it reads another.
 */
export function countReleaseSchemas<const T extends readonly string[]>(tables: T, defaultTable: T[number], what: string) {
  const Info = Type.Union([
    Strict({
      id: Type.String({ format: 'uuid' }),
      computedAt: Type.String({ format: 'date-time' }),
      cutoff: Type.String({ format: 'date', description: 'the release covers every month, quarter and year that ended before this day' }),
      reason: OneOf(['period-closed', 'scheduled', 'operator'] as const),
    }),
    Type.Null(),
  ], { description: `the latest ${what} release; null before the job first ran` });

  const Query = Strict({
    table: Type.Optional(OneOf(tables, { default: defaultTable })),
    interval: Type.Optional(OneOf(RELEASE_INTERVALS, { default: 'quarter' })),
    published: Type.Optional(Type.Boolean({ default: false, description: 'only the cells that may be published or exported (k = 11)' })),
  });

  const Cells = Strict({
    release: Info,
    tables: Type.Array(Strict({ name: OneOf(tables), label: Type.String(), dimensions: Type.Array(Type.String()) })),
    intervals: Type.Array(OneOf(RELEASE_INTERVALS)),
    table: OneOf(tables),
    interval: OneOf(RELEASE_INTERVALS),
    k: Type.Integer({ description: 'the smallest number of records (from at least 3 owners) a cell shown holds' }),
    cells: Type.Array(Strict({
      period: Type.String(),
      keys: Type.Array(Type.String(), { description: 'the values of the table’s dimensions, in order' }),
      count: Type.Integer({ minimum: 0, description: 'perturbed (cell-key method): the same for every viewer, unchanged while its records are' }),
    }), { description: 'the cells that passed the thresholds. A cell that did not is absent, exactly like one with no records.' }),
  });
  return { Query, Cells };
}

