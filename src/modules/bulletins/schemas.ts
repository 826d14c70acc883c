import { Type, type Static } from 'typebox';
import { Cursor, Id, Limit } from '../../platform/http/schemas.js';
import { OneOf, Shaped, Strict } from '../../platform/schema.js';
import { Sharing } from '../../platform/sharing/model.js';
import { ACKNOWLEDGEMENT_KINDS, ATTACHMENT_TYPES, BULLETIN_ENTITY_TYPES, BULLETIN_TYPES, PLACE_PATTERN } from './codes.js';

/** The longest Markdown body a bulletin holds (the column's check says the same). */
export const BODY_MAX_LENGTH = 100_000;

export const BulletinTypeSchema = OneOf(BULLETIN_TYPES, { description: 'alert, document-fraud alert, method note, route or trend note, visa-integrity note, training opportunity' });
const Country = Shaped('^[A-Z]{3}$', 'an ISO 3166-1 alpha-3 country code, such as IDN');
const Place = Shaped(PLACE_PATTERN, 'an IATA airport code (three letters, such as CGK) or a UN/LOCODE (five characters, such as IDTPP)');
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '^\\S(.*\\S)?$' });
const Time = Type.String({ format: 'date-time' });
const EntityText = Type.String({ minLength: 1, maxLength: 200 });

/** A phone, handle, travel document or vessel the bulletin names (offered to linkage); fields by type as `ENTITY_FIELDS_OF` says. */
export const BulletinEntity = Strict({
  type: OneOf(BULLETIN_ENTITY_TYPES),
  value: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'a phone number (E.164 or with the bulletin’s first country), or a handle' })),
  platform: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'a handle’s platform, such as whatsapp or telegram' })),
  issuer: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'a travel document’s issuing state (alpha-3)' })),
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'a travel document’s number' })),
  imo: Type.Optional(EntityText),
  mmsi: Type.Optional(EntityText),
  name: Type.Optional(EntityText),
  flag: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$', description: 'a vessel’s flag state (alpha-3)' })),
});
export type BulletinEntity = Static<typeof BulletinEntity>;

const fields = {
  type: BulletinTypeSchema,
  title: Type.String({ minLength: 1, maxLength: 300 }),
  body: Type.String({ maxLength: BODY_MAX_LENGTH, description: 'Markdown; raw HTML is shown as text, links only to http(s) and mailto' }),
  countries: Type.Array(Country, { maxItems: 50, uniqueItems: true }),
  places: Type.Array(Place, { maxItems: 50, uniqueItems: true, description: 'airports (IATA) and ports (UN/LOCODE)' }),
  tags: Type.Array(Tag, { maxItems: 30, uniqueItems: true }),
  entities: Type.Array(BulletinEntity, { maxItems: 50, description: 'phones, handles, travel documents and vessels it names, offered to linkage with the bulletin’s sharing' }),
  expiresAt: Type.Union([Time, Type.Null()], { description: 'after this time the bulletin is listed as expired' }),
};

export const BulletinCreate = Strict({
  type: fields.type,
  title: fields.title,
  body: fields.body,
  countries: Type.Optional(fields.countries),
  places: Type.Optional(fields.places),
  tags: Type.Optional(fields.tags),
  entities: Type.Optional(fields.entities),
  expiresAt: Type.Optional(fields.expiresAt),
  sharing: Sharing,
  draft: Type.Optional(Type.Boolean({ description: 'true: keep it as a draft, seen by your member only and announced to no one, with `sharing` as the sharing it will have when published' })),
});
export type BulletinCreate = Static<typeof BulletinCreate>;

/** A draft's new content, in full (a draft has no versions: it is replaced). */
export const DraftUpdate = Strict({
  type: fields.type,
  title: fields.title,
  body: fields.body,
  countries: Type.Optional(fields.countries),
  places: Type.Optional(fields.places),
  tags: Type.Optional(fields.tags),
  entities: Type.Optional(fields.entities),
  expiresAt: Type.Optional(fields.expiresAt),
  sharing: Sharing,
});
export type DraftUpdate = Static<typeof DraftUpdate>;

/** A correction: the fields that change, and why. It makes a new version; the earlier ones are kept. */
export const BulletinCorrection = Strict({
  note: Type.String({ minLength: 1, maxLength: 2000, description: 'what was corrected and why' }),
  type: Type.Optional(fields.type),
  title: Type.Optional(fields.title),
  body: Type.Optional(fields.body),
  countries: Type.Optional(fields.countries),
  places: Type.Optional(fields.places),
  tags: Type.Optional(fields.tags),
  entities: Type.Optional(fields.entities),
  expiresAt: Type.Optional(fields.expiresAt),
  sharing: Type.Optional(Sharing),
});
export type BulletinCorrection = Static<typeof BulletinCorrection>;

export const Abilities = Strict({
  correct: Type.Boolean({ description: 'may correct it and add attachments (its owner)' }),
  respond: Type.Boolean({ description: 'may acknowledge and comment' }),
  passOn: Type.Boolean({ description: 'may be exported, forwarded or re-shared (TLP and H2 permitting)' }),
});

export const AttachmentItem = Strict({
  id: Type.String(),
  name: Type.String(),
  contentType: OneOf(ATTACHMENT_TYPES),
  size: Type.Integer(),
  sha256: Type.String({ description: 'of the bytes stored (an image as re-encoded)' }),
  width: Type.Union([Type.Integer(), Type.Null()]),
  height: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Time,
});

const BulletinFields = {
  id: Type.String(),
  type: BulletinTypeSchema,
  title: Type.String(),
  countries: Type.Array(Type.String()),
  places: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  expiresAt: Type.Union([Time, Type.Null()]),
  expired: Type.Boolean(),
  version: Type.Integer(),
  unread: Type.Boolean({ description: 'you have not opened this version of it' }),
  owner: Type.String(),
  sharing: Sharing,
  draft: Type.Boolean({ description: 'a draft: seen by its owner member only; `intendedSharing` is what publishing gives it' }),
  intendedSharing: Type.Union([Sharing, Type.Null()], { description: 'a draft’s sharing once published; null for a published bulletin' }),
  createdAt: Time,
  updatedAt: Time,
  abilities: Abilities,
};

export const BulletinItem = Strict(BulletinFields);
export const BulletinFull = Strict({
  ...BulletinFields,
  entities: Type.Array(BulletinEntity),
  body: Type.String({ description: 'the Markdown as written' }),
  bodyHtml: Type.String({ description: 'the Markdown rendered and sanitised on the server: a safe subset of tags, no raw HTML' }),
  attachments: Type.Array(AttachmentItem),
});
export const BulletinOne = Strict({ data: BulletinFull, abilities: Abilities });

export const VersionItem = Strict({
  version: Type.Integer(),
  note: Type.String(),
  type: BulletinTypeSchema,
  title: Type.String(),
  body: Type.String(),
  bodyHtml: Type.String(),
  countries: Type.Array(Type.String()),
  places: Type.Array(Type.String()),
  tags: Type.Array(Type.String()),
  entities: Type.Array(BulletinEntity),
  expiresAt: Type.Union([Time, Type.Null()]),
  createdAt: Time,
});
export const VersionList = Strict({ data: Type.Array(VersionItem) });

export const BULLETIN_STATES = ['published', 'draft'] as const;

export const ListQuery = Strict({
  state: Type.Optional(OneOf(BULLETIN_STATES, { description: 'published (the default), or draft: your member’s drafts' })),
  type: Type.Optional(BulletinTypeSchema),
  country: Type.Optional(Country),
  tag: Type.Optional(Tag),
  group: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$', description: 'only those shared with this sharing group, one your member belongs to (any other: none)' })),
  unread: Type.Optional(Type.Boolean({ description: 'true: only those whose current version you have not opened; false: only those you have' })),
  expired: Type.Optional(Type.Boolean({ description: 'true: only expired ones; false: only those not expired; left out: both' })),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ListQuery = Static<typeof ListQuery>;

export const AttachmentParams = Strict({ id: Id, attachment: Id });
export const AttachmentMetadata = Strict({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: 'the name shown; the file’s own by default' })),
});
export type AttachmentMetadata = Static<typeof AttachmentMetadata>;
export const AttachmentOne = Strict({ data: AttachmentItem });

export const AcknowledgementKind = OneOf(ACKNOWLEDGEMENT_KINDS);
export const AcknowledgementCreate = Strict({
  kind: AcknowledgementKind,
  note: Type.Optional(Type.String({ maxLength: 2000 })),
});
export type AcknowledgementCreate = Static<typeof AcknowledgementCreate>;
export const AcknowledgementItem = Strict({
  kind: AcknowledgementKind,
  member: Type.String(),
  userName: Type.String(),
  version: Type.Integer({ description: 'the version acknowledged' }),
  note: Type.String(),
  at: Time,
});
export const AcknowledgementList = Strict({
  data: Type.Array(AcknowledgementItem, { description: 'the owner gets every member’s; another member only its own' }),
});

export const CommentCreate = Strict({ body: Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S', description: 'Markdown, rendered as the bulletin’s body is' }) });
export type CommentCreate = Static<typeof CommentCreate>;
export const CommentItem = Strict({
  id: Type.String(),
  member: Type.String(),
  authorName: Type.String(),
  body: Type.String(),
  bodyHtml: Type.String(),
  createdAt: Time,
});
export const CommentOne = Strict({ data: CommentItem });
export const CommentQuery = Strict({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) });
export type CommentQuery = Static<typeof CommentQuery>;

/** A STIX 2.1 bundle, as MISP and OpenCTI publish them: checked here for its shape only, object by object in stix.ts. */
export const StixBundle = Type.Object({
  type: OneOf(['bundle'] as const),
  id: Type.String({ minLength: 1, maxLength: 300, description: 'bundle--<UUID>' }),
  spec_version: Type.Optional(Type.String({ description: 'STIX 2.0 bundles had it; STIX 2.1 bundles do not, and only they are imported' })),
  objects: Type.Array(
    Type.Object({ type: Type.String({ minLength: 3, maxLength: 250 }), id: Type.String({ minLength: 1, maxLength: 300 }) }, { additionalProperties: true }),
    { minItems: 1, maxItems: 10_000 },
  ),
}, { additionalProperties: true, description: 'a STIX 2.1 bundle (application/json or application/stix+json)' });
export type StixBundle = Static<typeof StixBundle>;

export const StixImportQuery = Strict({
  skipRefused: Type.Optional(Type.Boolean({ description: 'true: import the reports you may re-share and list the others as refused; left out: any refused report refuses the whole bundle (403)' })),
});
export type StixImportQuery = Static<typeof StixImportQuery>;

const Pointed = Strict({ pointer: Type.String({ description: 'JSON pointer into the bundle, such as /objects/3' }), detail: Type.String() });
export const StixImportResult = Strict({
  data: Type.Array(Strict({ id: Type.String({ description: 'the draft bulletin' }), title: Type.String(), stixId: Type.String({ description: 'the report it was made from' }), pointer: Type.String() })),
  refused: Type.Array(Pointed, { description: 'reports you may not re-share (TLP:RED, TLP:AMBER+STRICT or H2), left out with skipRefused' }),
  ignored: Type.Record(Type.String(), Type.Integer(), { description: 'object types not imported, with how many of each' }),
});
