import { Type, type Static } from 'typebox';
import { Cursor, Limit } from '../../platform/http/schemas.js';
import { OneOf, Strict } from '../../platform/schema.js';
import { Sharing } from '../../platform/sharing/model.js';

/**
 * How many matches a search ranks: the newest this many by document date. A word found in more
 * documents than this ranks these only, so a search costs the same in a library of any size.
 */
export const SEARCH_RANKED = 2_000;

export const CATEGORIES = ['policy-guide', 'model-legislation', 'training-module', 'workshop-report', 'co-chairs-statement', 'other'] as const;
export const Category = OneOf(CATEGORIES);
const Tag = Type.String({ minLength: 1, maxLength: 60 });
const Language = Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$', description: 'BCP 47 language tag, such as en or id' });
const Day = Type.String({ format: 'date' });
/** The longest text a document holds, typed or extracted from its file (the column's check says the same). */
export const BODY_MAX_LENGTH = 2_000_000;

const fields = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  summary: Type.String({ maxLength: 5000 }),
  body: Type.String({ maxLength: BODY_MAX_LENGTH, description: 'the text, when no file is attached' }),
  category: Category,
  tags: Type.Array(Tag, { maxItems: 30, uniqueItems: true }),
  languages: Type.Array(Language, { maxItems: 10, uniqueItems: true }),
  date: Type.Union([Day, Type.Null()]),
  sharing: Sharing,
};

export const DocumentCreate = Strict({
  title: fields.title,
  summary: Type.Optional(fields.summary),
  body: Type.Optional(fields.body),
  category: fields.category,
  tags: Type.Optional(fields.tags),
  languages: Type.Optional(fields.languages),
  date: Type.Optional(fields.date),
  sharing: fields.sharing,
});
export type DocumentCreate = Static<typeof DocumentCreate>;

/** The `metadata` part of an upload: the same fields, the text coming from the file. */
export const UploadMetadata = Strict({
  title: fields.title,
  summary: Type.Optional(fields.summary),
  category: fields.category,
  tags: Type.Optional(fields.tags),
  languages: Type.Optional(fields.languages),
  date: Type.Optional(fields.date),
  sharing: fields.sharing,
});
export type UploadMetadata = Static<typeof UploadMetadata>;

export const DocumentUpdate = Strict({
  title: Type.Optional(fields.title),
  summary: Type.Optional(fields.summary),
  body: Type.Optional(fields.body),
  category: Type.Optional(fields.category),
  tags: Type.Optional(fields.tags),
  languages: Type.Optional(fields.languages),
  date: Type.Optional(fields.date),
  sharing: Type.Optional(fields.sharing),
});
export type DocumentUpdate = Static<typeof DocumentUpdate>;

export const Abilities = Strict({
  update: Type.Boolean(),
  delete: Type.Boolean(),
  passOn: Type.Boolean({ description: 'may be exported, forwarded or re-shared (TLP and H2 permitting)' }),
});

const DocumentFields = {
  id: Type.String(),
  title: Type.String(),
  summary: Type.String(),
  category: Category,
  tags: Type.Array(Type.String()),
  languages: Type.Array(Type.String()),
  date: Type.Union([Type.String(), Type.Null()]),
  owner: Type.String(),
  sharing: Sharing,
  hasFile: Type.Boolean(),
  fileName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
  snippet: Type.Union([Type.Array(Strict({ text: Type.String(), match: Type.Boolean() })), Type.Null()], {
    description: 'with a search: a passage around the matches, split into matching and other text',
  }),
  abilities: Abilities,
};

export const DocumentItem = Strict(DocumentFields);
export const DocumentFull = Strict({ ...DocumentFields, body: Type.String() });
export const DocumentOne = Strict({ data: DocumentFull, abilities: Abilities });

const Words = (more: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 300, description: `search words; quotes for a phrase, - to exclude, OR. ${more}` }));

export const ListQuery = Strict({
  q: Words(`Best match first; when more than ${SEARCH_RANKED} documents match, the newest ${SEARCH_RANKED} of them are ranked`),
  category: Type.Optional(Category),
  tag: Type.Optional(Tag),
  language: Type.Optional(Language),
  owner: Type.Optional(Type.String({ maxLength: 32 })),
  from: Type.Optional(Day),
  to: Type.Optional(Day),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ListQuery = Static<typeof ListQuery>;
export const CountQuery = Strict({
  q: Words('Every matching document is counted'),
  category: ListQuery.properties.category,
  tag: ListQuery.properties.tag,
  language: ListQuery.properties.language,
  owner: ListQuery.properties.owner,
  from: ListQuery.properties.from,
  to: ListQuery.properties.to,
});
export type CountQuery = Static<typeof CountQuery>;
