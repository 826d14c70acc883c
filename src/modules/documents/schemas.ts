import { Type, type Static } from 'typebox';
import { Cursor, Limit } from '../../platform/http/schemas.js';
import { OneOf, Strict } from '../../platform/schema.js';
import { Sharing } from '../../platform/sharing/model.js';
import { DOCUMENT_STATES, DOCUMENT_STATUSES, DOCUMENT_TYPES, HIT_OUTCOMES, REPORT_STATES } from './codes.js';

/** The request and response schemas of the travel-document register and its checks. */

export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type DocumentState = (typeof DOCUMENT_STATES)[number];
export type ReportState = (typeof REPORT_STATES)[number];
export type HitOutcome = (typeof HIT_OUTCOMES)[number];
// The lists and their labels live in codes.ts, which the web app imports too.
export { DOCUMENT_STATUSES };

/** The largest batch of one request (a flight manifest). */
export const MAX_BATCH = 10_000;

const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' });
const MaybeDay = Type.Union([Day, Type.Null()]);
const Time = Type.String({ format: 'date-time' });
const MaybeTime = Type.Union([Time, Type.Null()]);
const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}) });

export const DocumentType = OneOf(DOCUMENT_TYPES, { description: 'the register’s document type' });
export const DocumentStatus = OneOf(DOCUMENT_STATUSES, { description: 'why the document must not be used' });
export const DocumentState = OneOf(DOCUMENT_STATES);
export const ReportState = OneOf(REPORT_STATES);
export const Issuer = Type.String({ minLength: 1, maxLength: 5, description: 'ICAO issuing code: ISO 3166-1 alpha-3 or ICAO’s own (D, UNO, XXA…)' });
export const DocumentNumber = Type.String({ minLength: 1, maxLength: 60, description: 'as printed; spaces, hyphens and < are ignored, letters read upper case' });
export const Purpose = Text(200, 'why the document is checked (border control, visa application, …); recorded in the audit trail');

export const DocumentRef = Strict({ issuer: Issuer, type: DocumentType, number: DocumentNumber });
export type DocumentRef = Static<typeof DocumentRef>;

export const Mrz = Type.String({ minLength: 1, maxLength: 300, description: 'the machine-readable zone: two or three lines (TD1, TD2, TD3, MRV-A, MRV-B)' });

// Checks -----------------------------------------------------------------------------------------------

export const CheckBody = Strict(
  {
    purpose: Purpose,
    document: Type.Optional(DocumentRef),
    mrz: Type.Optional(Mrz),
  },
  { description: 'one document: by issuer, type and number, or by its MRZ (exactly one of the two)' },
);
export type CheckBody = Static<typeof CheckBody>;

export const BatchItem = Type.Union([DocumentRef, Strict({ mrz: Mrz })]);
export const BatchCheckBody = Strict({
  purpose: Purpose,
  documents: Type.Array(BatchItem, { minItems: 1, maxItems: MAX_BATCH, description: `up to ${MAX_BATCH} documents (a flight manifest)` }),
});
export type BatchCheckBody = Static<typeof BatchCheckBody>;

export const FocalPoint = Strict({ name: Type.String(), email: Type.String() });

export const Hit = Strict({
  hitId: Type.String({ description: 'the hit record the issuer confirms or denies' }),
  documentId: Type.String(),
  issuer: Type.String(),
  issuerName: Type.String(),
  type: DocumentType,
  number: Type.String(),
  status: DocumentStatus,
  reportedOn: Day,
  lostOn: MaybeDay,
  expiresOn: MaybeDay,
  tlp: Type.String(),
  handling: Type.Array(Type.String()),
  contact: Strict({
    member: Type.String({ description: 'the issuing member to contact' }),
    memberName: Type.String(),
    focalPoints: Type.Array(FocalPoint, { description: 'the issuer’s focal points for documents (or general ones)' }),
  }),
});
export type Hit = Static<typeof Hit>;

export const CheckAnswer = Strict({
  result: OneOf(['hit', 'no-hit']),
  /** What was checked, normalised. */
  document: Strict({ issuer: Type.String(), type: DocumentType, number: Type.String() }),
  hit: Type.Optional(Hit),
});
export type CheckAnswer = Static<typeof CheckAnswer>;

export const CheckResponse = Strict({ data: CheckAnswer, checkedAt: Time });
export const BatchCheckResponse = Strict({
  data: Type.Array(CheckAnswer, { description: 'one answer per document, in the order sent' }),
  checked: Type.Integer(),
  hits: Type.Integer(),
  checkedAt: Time,
});

// The register ------------------------------------------------------------------------------------------

export const Holder = Strict({
  surname: Type.Optional(Text(200)),
  givenNames: Type.Optional(Text(200)),
  nationality: Type.Optional(Type.String({ minLength: 1, maxLength: 3, pattern: '^[A-Za-z]{1,3}$' })),
  birthDate: Type.Optional(Day),
  sex: Type.Optional(OneOf(['F', 'M', 'X'])),
});
export type Holder = Static<typeof Holder>;

const contentFields = {
  status: DocumentStatus,
  reportedOn: Type.Optional(Day),
  lostOn: Type.Optional(Type.Union([Day, Type.Null()])),
  issuedOn: Type.Optional(Type.Union([Day, Type.Null()])),
  expiresOn: Type.Optional(Type.Union([Day, Type.Null()])),
  place: Type.Optional(Type.Union([Text(200, 'where it was lost, stolen or seized'), Type.Null()])),
  remarks: Type.Optional(Type.Union([Text(2000), Type.Null()])),
};

export const DocumentInput = Strict({
  type: DocumentType,
  number: DocumentNumber,
  ...contentFields,
  holder: Type.Optional(Type.Union([Holder, Type.Null()])),
  sharing: Type.Optional(Sharing),
});
export type DocumentInput = Static<typeof DocumentInput>;

export const DocumentChange = Strict({
  status: Type.Optional(DocumentStatus),
  reportedOn: Type.Optional(Day),
  lostOn: Type.Optional(Type.Union([Day, Type.Null()])),
  issuedOn: Type.Optional(Type.Union([Day, Type.Null()])),
  expiresOn: Type.Optional(Type.Union([Day, Type.Null()])),
  place: Type.Optional(Type.Union([Text(200), Type.Null()])),
  remarks: Type.Optional(Type.Union([Text(2000), Type.Null()])),
  holder: Type.Optional(Type.Union([Holder, Type.Null()])),
  sharing: Type.Optional(Sharing),
});
export type DocumentChange = Static<typeof DocumentChange>;

export const ForeignReport = Strict({
  issuer: Issuer,
  type: DocumentType,
  number: DocumentNumber,
  ...contentFields,
  note: Type.Optional(Text(2000, 'how the document was found or seized')),
});
export type ForeignReport = Static<typeof ForeignReport>;

export const CancelBody = Strict({ reason: Type.Optional(Text(500, 'why the document no longer needs to be checked (found, returned, entered in error)')) });
export type CancelBody = Static<typeof CancelBody>;

export const BulkCancelBody = Strict({
  reason: Type.Optional(Text(500)),
  documents: Type.Array(Strict({ type: DocumentType, number: DocumentNumber }), { minItems: 1, maxItems: 100_000 }),
});
export type BulkCancelBody = Static<typeof BulkCancelBody>;

export const DecisionBody = Strict({
  note: Type.Optional(Text(2000)),
  sharing: Type.Optional(Sharing),
});
export type DecisionBody = Static<typeof DecisionBody>;

export const DocumentAbilities = Strict({
  change: Type.Boolean(),
  cancel: Type.Boolean(),
  confirm: Type.Boolean({ description: 'confirm a foreign report of one of your documents' }),
  reject: Type.Boolean(),
});

export const TravelDocument = Strict({
  id: Type.String(),
  issuer: Type.String(),
  issuerName: Type.String(),
  type: DocumentType,
  number: Type.String(),
  status: DocumentStatus,
  state: DocumentState,
  reportedOn: Day,
  lostOn: MaybeDay,
  issuedOn: MaybeDay,
  expiresOn: MaybeDay,
  place: Type.Union([Type.String(), Type.Null()]),
  remarks: Type.Union([Type.String(), Type.Null()]),
  /** Shown to the issuer only; others read it through step two. */
  holder: Type.Optional(Type.Union([Holder, Type.Null()])),
  holderKeptUntil: Type.Optional(
    Type.Union([Type.String(), Type.Null()], {
      description:
        'to the issuer only: when the retention job erases the holder details (LINTAS_DOCUMENT_HOLDER_RETENTION_DAYS after the cancellation, or after the report of the document was rejected); null while the record is active or its report waits, where it holds none, or where they are kept for good',
    }),
  ),
  reportedBy: Type.Union([Type.String(), Type.Null()]),
  reportNote: Type.Union([Type.String(), Type.Null()]),
  decisionNote: Type.Union([Type.String(), Type.Null()]),
  decidedAt: MaybeTime,
  cancelledAt: MaybeTime,
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  owner: Type.String(),
  sharing: Sharing,
  createdAt: Time,
  updatedAt: Time,
  abilities: DocumentAbilities,
});
export type TravelDocument = Static<typeof TravelDocument>;
export const DocumentOne = Strict({ data: TravelDocument });

export const RegisterQuery = Strict({
  state: Type.Optional(DocumentState),
  status: Type.Optional(DocumentStatus),
  type: Type.Optional(DocumentType),
  number: Type.Optional(Type.String({ minLength: 1, maxLength: 60, description: 'the number or its beginning' })),
  reportedFrom: Type.Optional(Day),
  reportedTo: Type.Optional(Day),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type RegisterQuery = Static<typeof RegisterQuery>;

/** A report of a foreign document, as the member that made it sees it. */
export const ForeignReportRecord = Strict({
  id: Type.String({ description: 'the record the report made (the issuer’s once confirmed)' }),
  issuer: Type.String(),
  issuerName: Type.String(),
  type: DocumentType,
  number: Type.String(),
  state: ReportState,
  note: Type.Union([Type.String(), Type.Null()], { description: 'your member’s note with the report' }),
  decisionNote: Type.Union([Type.String(), Type.Null()], { description: 'the issuer’s note to your member with its decision' }),
  decidedAt: MaybeTime,
  reportedAt: Time,
  document: Type.Union([TravelDocument, Type.Null()], {
    description:
      'the record as your member may see it: its own report while it waits or once rejected; once confirmed the record is the issuer’s, ' +
      'present only when the issuer’s sharing includes your member',
  }),
});
export type ForeignReportRecord = Static<typeof ForeignReportRecord>;

export const ReportsQuery = Strict({
  state: Type.Optional(ReportState),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type ReportsQuery = Static<typeof ReportsQuery>;

export const BulkResult = Strict({
  cancelled: Type.Integer(),
  alreadyCancelled: Type.Integer(),
  notFound: Type.Array(Strict({ type: DocumentType, number: Type.String() }), { description: 'not in your register (at most 1,000 listed)' }),
  notFoundCount: Type.Integer(),
});

// Hits ----------------------------------------------------------------------------------------------------

export const HitCheck = Strict({
  checkedAt: Time,
  via: OneOf(['number', 'mrz', 'batch']),
  checkedBy: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'the checking user (to the checking member only)' })),
  purpose: Type.Optional(Type.String({ description: 'to the checking member only' })),
});
export type HitCheck = Static<typeof HitCheck>;

export const HitRecord = Strict({
  id: Type.String(),
  documentId: Type.String(),
  issuer: Type.String(),
  type: DocumentType,
  number: Type.String(),
  status: DocumentStatus,
  owner: Type.String({ description: 'the issuing member, who answers' }),
  checker: Type.String({ description: 'the member whose check found the document' }),
  checkedBy: Type.Union([Type.String(), Type.Null()]),
  purpose: Type.String(),
  via: OneOf(['number', 'mrz', 'batch']),
  outcome: OneOf(HIT_OUTCOMES),
  notes: Type.Union([Type.String(), Type.Null()]),
  answeredAt: MaybeTime,
  remindedAt: MaybeTime,
  createdAt: Time,
  checkCount: Type.Integer({ minimum: 1, description: 'how many checks by the checking member hit the document while this hit waited for the answer' }),
  lastCheckedAt: Time,
  checks: Type.Optional(
    Type.Array(HitCheck, { description: 'every check of the hit, oldest first (on a single hit only); the issuer sees when and how, the checking member also who and for what' }),
  ),
  abilities: Strict({ answer: Type.Boolean(), holder: Type.Boolean({ description: 'read the holder details (step two)' }) }),
});
export const HitOne = Strict({ data: HitRecord });
export const HitsQuery = Strict({
  side: Type.Optional(OneOf(['issuer', 'checker'], { description: 'hits on your documents (default) or your own checks’ hits' })),
  outcome: Type.Optional(OneOf(HIT_OUTCOMES)),
  cursor: Type.Optional(Cursor),
  limit: Type.Optional(Limit),
});
export type HitsQuery = Static<typeof HitsQuery>;
export const AnswerBody = Strict({
  outcome: OneOf(['confirmed', 'denied'], { description: 'confirmed: it is the registered document, hold it; denied: it is not' }),
  notes: Type.Optional(Text(2000, 'for the checking member: what to do with the document or the person')),
});
export type AnswerBody = Static<typeof AnswerBody>;
export const HolderResponse = Strict({ data: Strict({ documentId: Type.String(), holder: Type.Union([Holder, Type.Null()]) }) });

// Import -------------------------------------------------------------------------------------------------

export const ImportQuery = Strict({
  dryRun: Type.Optional(Type.Boolean({ description: 'check every row and write nothing' })),
});
export type ImportQuery = Static<typeof ImportQuery>;

export const ImportRowError = Strict({ row: Type.Integer(), column: Type.String(), message: Type.String() });
export type ImportRowError = Static<typeof ImportRowError>;

export const ImportResult = Strict({
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  added: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  cancelled: Type.Integer({ description: 'rows whose state column says cancelled, applied to an active record' }),
  rejected: Type.Integer(),
  errors: Type.Array(ImportRowError),
  encoding: Type.String(),
  delimiter: Type.String(),
});
export type ImportResult = Static<typeof ImportResult>;
