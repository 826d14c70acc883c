import { Type, type Static, type TSchema } from 'typebox';
import { Cursor, Id, Limit } from '../../platform/http/schemas.js';
import { countReleaseSchemas } from '../../platform/release/schemas.js';
import { OneOf, Shaped, Strict } from '../../platform/schema.js';
import { AGREEMENT_STATUSES, BIOGRAPHIC_FIELDS, ENROLMENT_REJECTIONS, ENROLMENT_STATUSES, MODALITIES, PURPOSES, STEP_ONE, STEP_TWO_STATUSES, type BiographicField } from './codes.js';
import { FORMAT_IDS } from './formats.js';
import { BIOMETRICS_RELEASE_TABLE_NAMES } from './release-tables.js';

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const Member = Shaped('^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$', 'a member code, such as IDN');
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });
const Format = OneOf(FORMAT_IDS, { description: 'the template format' });

export const Direction = Strict({ searcher: Member, holder: Member }, { description: 'the searcher may search the holder’s gallery' });

export const AgreementCreate = Strict({
  title: Text(300),
  parties: Type.Array(Member, { minItems: 1, maxItems: 99, uniqueItems: true, description: 'the other parties (your member is one by proposing)' }),
  directions: Type.Array(Direction, { minItems: 1, maxItems: 1000 }),
  purposes: Type.Array(OneOf(PURPOSES), { minItems: 1, uniqueItems: true }),
  modalities: Type.Optional(Type.Array(OneOf(MODALITIES), { minItems: 1, uniqueItems: true })),
  formats: Type.Array(Format, { minItems: 1, uniqueItems: true }),
  stepOne: Type.Optional(OneOf(STEP_ONE, { description: 'what a search answers per gallery: candidates’ references with a score band (default), or hit / no hit alone' })),
  stepTwoFields: Type.Array(OneOf(BIOGRAPHIC_FIELDS), { uniqueItems: true, description: 'the biographic fields a holder may disclose in step two' }),
  stepTwoImages: Type.Optional(Type.Boolean({ description: 'whether the holder’s approver sees the probe beside the gallery image' })),
  stepTwoHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: 'hours a holder has to answer step two (48 by default)' })),
  dailyQuota: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()], { description: 'searches a searching party may make in a day (UTC); null: none' })),
  queryRetentionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'days a search’s record is kept (90 by default)' })),
  validFrom: Day,
  validUntil: Type.Optional(Type.Union([Day, Type.Null()])),
});
export type AgreementCreate = Static<typeof AgreementCreate>;

export const StatusChange = Strict({ reason: Text(2000) });
export type StatusChange = Static<typeof StatusChange>;

export const Agreement = Strict({
  id: Id,
  title: Type.String(),
  proposer: Type.String(),
  parties: Type.Array(Strict({ member: Type.String(), acceptedAt: Type.Union([Type.String(), Type.Null()]) })),
  directions: Type.Array(Direction),
  purposes: Type.Array(Type.String()),
  modalities: Type.Array(Type.String()),
  formats: Type.Array(Type.String()),
  stepOne: Type.String(),
  stepTwoFields: Type.Array(Type.String()),
  stepTwoImages: Type.Boolean(),
  stepTwoHours: Type.Integer(),
  dailyQuota: Type.Union([Type.Integer(), Type.Null()]),
  queryRetentionDays: Type.Integer(),
  validFrom: Type.String(),
  validUntil: Type.Union([Type.String(), Type.Null()]),
  status: OneOf(AGREEMENT_STATUSES),
  inForce: Type.Boolean({ description: 'active and within its dates today: searches may cite it' }),
  statusReason: Type.Union([Type.String(), Type.Null()]),
  statusBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  abilities: Strict({ accept: Type.Boolean(), suspend: Type.Boolean(), resume: Type.Boolean(), terminate: Type.Boolean(), search: Type.Boolean() }),
});
export const AgreementOne = Strict({ data: Agreement });
export const AgreementList = Strict({ data: Type.Array(Agreement) });
export const AgreementsQuery = Strict({ status: Type.Optional(OneOf(AGREEMENT_STATUSES)) });
export type AgreementsQuery = Static<typeof AgreementsQuery>;

export const Template = Strict({
  format: Format,
  vector: Type.Array(Type.Number(), { minItems: 1, maxItems: 4096, description: 'the template’s values; normalised by Lintas' }),
});
export type Template = Static<typeof Template>;

const Field = Type.Optional(Text(200));
const Biographic = Strict(
  {
    familyName: Field, givenNames: Field, dateOfBirth: Field, sex: Field, nationality: Field, placeOfBirth: Field,
    documentType: Field, documentIssuer: Field, documentNumber: Field, encounterDate: Field, encounterPlace: Field,
    remarks: Type.Optional(Text(2000)),
  },
  { description: 'biographic fields for step two, sealed at rest' },
);
// The schema's fields are the closed list's, both ways.
type Assert<T extends true> = T;
export type SameBiographicFields = Assert<[Exclude<keyof Static<typeof Biographic>, BiographicField>, Exclude<BiographicField, keyof Static<typeof Biographic>>] extends [never, never] ? true : false>;
export type Biographic = Static<typeof Biographic>;

const subjectFields = {
  reference: Text(100, 'your reference for the subject; step one names it to a searcher that hits it'),
  biographic: Type.Optional(Biographic),
  retainUntil: Type.Optional(Day),
};
export const SubjectCreate = Strict({ ...subjectFields, template: Template });
/** The `metadata` field of an enrolment from an image (multipart, with the image in `file`). */
export const SubjectFromImage = Strict(subjectFields);
export type SubjectFromImage = Static<typeof SubjectFromImage>;
export type SubjectCreate = Static<typeof SubjectCreate>;

export const Subject = Strict({
  id: Id,
  reference: Type.String(),
  modality: Type.String(),
  format: Type.String(),
  biographic: Type.Record(Type.String(), Type.String()),
  hasImage: Type.Boolean(),
  enrolledAt: Type.String(),
  retainUntil: Type.String(),
  face: Type.Optional(Strict(
    { x: Type.Number(), y: Type.Number(), width: Type.Number(), height: Type.Number(), score: Type.Number(), imageWidth: Type.Integer(), imageHeight: Type.Integer() },
    { description: 'the face found in the image just enrolled, in the kept image’s pixels (enrolment from an image only)' },
  )),
});
export const SubjectOne = Strict({ data: Subject });
export const SubjectItem = Strict({ id: Id, reference: Type.String(), format: Type.String(), enrolledAt: Type.String(), retainUntil: Type.String() });
export const SubjectsQuery = Strict({ cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) });
export type SubjectsQuery = Static<typeof SubjectsQuery>;

const searchFields = {
  agreement: Id,
  purpose: OneOf(PURPOSES),
  holders: Type.Optional(Type.Array(Member, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'the galleries to search (default: every one the agreement lets you search)' })),
};
export const SearchCreate = Strict({ ...searchFields, template: Template });
/** The `metadata` field of a search by image (multipart, with the probe image in `file`). */
export const SearchFromImage = Strict(searchFields);
export type SearchFromImage = Static<typeof SearchFromImage>;
export type SearchCreate = Static<typeof SearchCreate>;

const Band = OneOf(['high', 'medium'] as const);
const Candidate = Strict({ subject: Type.Optional(Id), reference: Type.String(), band: Band });
const SearchResult = Strict({
  holder: Type.String(),
  hit: Type.Boolean(),
  candidates: Type.Array(Candidate),
  stepTwo: Type.Union([Strict({ id: Id, status: OneOf(STEP_TWO_STATUSES) }), Type.Null()], { description: 'the step-two request made about this gallery’s answer, if any' }),
  abilities: Strict({ askStepTwo: Type.Boolean({ description: 'the reader may ask this gallery to confirm its hit now (POST /biometrics/step-two)' }) }),
});
export const Search = Strict({
  id: Id,
  side: OneOf(['searcher', 'holder'] as const),
  searcher: Type.String(),
  agreement: Id,
  purpose: Type.String(),
  format: Type.String(),
  createdAt: Type.String(),
  keepUntil: Type.String(),
  stepTwoImages: Type.Boolean({ description: 'the agreement shows images in step two: a request sends the probe image again' }),
  results: Type.Array(SearchResult),
});
export const SearchOne = Strict({ data: Search });
export const SearchesQuery = Strict({ side: Type.Optional(OneOf(['searcher', 'holder'] as const)), cursor: Type.Optional(Cursor), limit: Type.Optional(Limit) });
export type SearchesQuery = Static<typeof SearchesQuery>;

export const StepTwoAsk = Strict({
  search: Id,
  holder: Member,
  reference: Type.Optional(Text(100, 'the candidate asked about (not under a hit-only agreement)')),
  note: Type.Optional(Text(2000)),
});
export type StepTwoAsk = Static<typeof StepTwoAsk>;

export const StepTwoConfirm = Strict({
  subject: Id,
  fields: Type.Optional(Type.Array(OneOf(BIOGRAPHIC_FIELDS), { uniqueItems: true, description: 'the fields to disclose (default: every one the agreement allows)' })),
});
export type StepTwoConfirm = Static<typeof StepTwoConfirm>;

export const StepTwoQuery = Strict({
  side: Type.Optional(OneOf(['requester', 'holder'] as const)),
  status: Type.Optional(OneOf(STEP_TWO_STATUSES)),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type StepTwoQuery = Static<typeof StepTwoQuery>;

export const StepTwo = Strict({
  id: Id,
  side: OneOf(['requester', 'holder'] as const),
  search: Id,
  requester: Type.String(),
  holder: Type.String(),
  agreement: Id,
  purpose: Type.String(),
  reference: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  status: OneOf(STEP_TWO_STATUSES),
  requestedAt: Type.String(),
  dueAt: Type.String(),
  overdue: Type.Boolean(),
  decidedAt: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  fields: Type.Array(Type.String(), { description: 'the fields the agreement lets the holder disclose' }),
  images: Type.Boolean({ description: 'the agreement shows the probe beside the gallery images' }),
  hasProbeImage: Type.Boolean({ description: 'a probe image was sent and is kept until the decision' }),
  probeVerified: Type.Union([Type.Boolean(), Type.Null()], { description: 'whether the probe image sent gives the template that was searched (null: none was sent)' }),
  candidates: Type.Optional(Type.Array(
    Strict({ subject: Id, reference: Type.String(), band: Band, hasImage: Type.Boolean({ description: 'the gallery keeps an image of this subject' }) }),
    { description: 'the holder’s side: the search’s candidates in its gallery' },
  )),
  subject: Type.Optional(Type.Union([Id, Type.Null()])),
  disclosed: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'the requester’s side: the fields disclosed, once confirmed' })),
  abilities: Strict({
    decide: Type.Boolean({ description: 'the reader may confirm or reject it now: the holder’s approver, pending, under an agreement in force' }),
    compare: Type.Boolean({ description: 'the reader may see the probe image and the candidates’ gallery images: the holder’s approver, when the agreement shows images' }),
  }),
});
export const StepTwoOne = Strict({ data: StepTwo });

/** The `metadata` field of a bulk enrolment (multipart, with the ZIP archive in `file`). */
export const EnrolmentCreate = Strict({
  format: Type.Optional(OneOf(['human-faceres-1024'] as const, { description: 'the template format computed from the images (the one Lintas computes from face images)' })),
  retainUntil: Type.Optional(Type.String({ format: 'date', description: 'YYYY-MM-DD: the retention day of rows whose retention_until is empty (default: the gallery’s retention period)' })),
});
export type EnrolmentCreate = Static<typeof EnrolmentCreate>;

const Time = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const EnrolmentRejection = Strict({
  row: Type.Integer({ description: 'the CSV row, as a spreadsheet numbers it (the header is row 1)' }),
  file: Nullable(Type.String({ description: 'the image the row names' })),
  reference: Nullable(Type.String()),
  reason: OneOf(ENROLMENT_REJECTIONS),
  column: Nullable(Type.String({ description: 'the CSV column at fault, for a bad value' })),
  pointer: Nullable(Type.String({ description: 'the cell at fault, as /rows/{row}/{column}' })),
  detail: Nullable(Type.String({ description: 'what is wrong, in the server’s words' })),
});
export type EnrolmentRejection = Static<typeof EnrolmentRejection>;

/** A bulk enrolment as a record: its progress, its counts and (read one at a time) the rows it did not enrol. */
export const EnrolmentRun = Strict({
  id: Id,
  fileName: Type.String(),
  csvName: Type.String({ description: 'the CSV read inside the archive' }),
  format: Type.String(),
  retainUntil: Nullable(Type.String()),
  status: OneOf(ENROLMENT_STATUSES),
  total: Type.Integer({ description: 'the CSV’s data rows' }),
  processed: Type.Integer({ description: 'rows settled so far: enrolled + rejected' }),
  enrolled: Type.Integer(),
  rejected: Type.Integer(),
  createdBy: Nullable(Type.String()),
  createdAt: Time,
  finishedAt: Nullable(Time),
  problem: Nullable(Strict({ status: Type.Integer(), title: Type.String(), detail: Type.String() }, { description: 'why the run stopped, when it failed or was interrupted' })),
  rejections: Type.Optional(Type.Array(EnrolmentRejection, { description: 'the rows not enrolled so far, by row (the first 1,000; report.csv has them all)' })),
});
export type EnrolmentRun = Static<typeof EnrolmentRun>;
export const EnrolmentRunOne = Strict({ data: EnrolmentRun });
export const EnrolmentRunList = Strict({ data: Type.Array(EnrolmentRun) });

const release = countReleaseSchemas(BIOMETRICS_RELEASE_TABLE_NAMES, 'searchesByPurpose', 'biometrics');
export const ReleaseQuery = release.Query;
export type ReleaseQuery = Static<typeof ReleaseQuery>;
export const ReleaseTableCells = release.Cells;
