import { Type, type Static } from 'typebox';
import { OneOf, Strict } from '../../../../platform/schema.js';
import { Sharing } from '../../../../platform/sharing/model.js';
import { TEMPLATE_COLUMN_NAMES } from './template.js';

/**
 * The schemas of the mapped import format (a member's own spreadsheet, its columns mapped to the
 * template's) and of its saved mappings. The targets are the template's columns: what a report holds.
 */

const SourceName = Type.String({ minLength: 1, maxLength: 200, description: 'a header of the file, as written there (compared ignoring case and spaces around)' });

export const MappingColumn = Strict({
  source: SourceName,
  target: OneOf([...TEMPLATE_COLUMN_NAMES, 'ignore'] as const, { description: 'the template column it fills, or "ignore"' }),
});

export const ValueMapping = Strict({
  field: OneOf(TEMPLATE_COLUMN_NAMES, { description: 'a template column with a code list' }),
  source: Type.String({ minLength: 1, maxLength: 200, description: 'a value as written in the file (compared ignoring case and spaces around)' }),
  code: Type.String({ minLength: 1, maxLength: 64, description: 'the code it stands for, from the field\'s code list' }),
});

export const ImportMapping = Strict({
  columns: Type.Array(MappingColumn, { minItems: 1, maxItems: 300, description: 'for each header of the file: the template column it fills, or ignore' }),
  values: Type.Optional(Type.Array(ValueMapping, { maxItems: 2000, description: 'the file\'s values of code-list fields and the codes they stand for' })),
  dateOrder: Type.Optional(OneOf(['day-first', 'month-first'] as const, { description: 'for dates written with numbers only (01/09/2020): which comes first' })),
  sharing: Type.Optional(Sharing),
});
export type ImportMapping = Static<typeof ImportMapping>;

export const MappingBody = Strict({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  mapping: ImportMapping,
});
export type MappingBody = Static<typeof MappingBody>;

const Time = Type.String({ format: 'date-time' });

export const SavedMapping = Strict({
  id: Type.String(),
  name: Type.String(),
  mapping: ImportMapping,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  updatedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Time,
  updatedAt: Time,
});
export type SavedMapping = Static<typeof SavedMapping>;

export const SavedMappingList = Strict({ data: Type.Array(SavedMapping) });

export const MappingTarget = Strict({
  column: Type.String(),
  description: Type.String(),
  required: Type.Boolean(),
  list: Type.Boolean({ description: 'holds several values separated by ";"' }),
  codes: Type.Array(Type.String(), { description: 'its code list, when values can be mapped to codes' }),
});

export const MappingPreview = Strict({
  fileName: Type.String(),
  encoding: Type.String(),
  delimiter: Type.Union([Type.String(), Type.Null()]),
  header: Type.Array(Type.String(), { description: 'the file\'s headers, in its order' }),
  rows: Type.Array(Type.Array(Type.String()), { description: 'the first rows, cells in the header\'s order' }),
  rowsRead: Type.Integer({ description: 'data rows looked at for the suggestions (at most the first 5000)' }),
  suggested: ImportMapping,
  matches: Type.Array(Strict({
    source: Type.String(),
    how: OneOf(['name', 'synonym', 'similar', 'none'] as const, { description: 'why the target was suggested: its name, a known synonym, a similar name, or nothing found' }),
  })),
  distinct: Type.Array(Strict({ source: Type.String(), values: Type.Array(Type.String()) }), {
    description: 'the distinct values of each column (at most 100, of 80 characters or fewer), for the value table of code-list fields',
  }),
  targets: Type.Array(MappingTarget),
});
export type MappingPreview = Static<typeof MappingPreview>;
