/**
 * The biometrics module as the web app sees it. The shapes are the server's own schemas
 * (src/modules/biometrics/schemas.ts), imported as types only, so a change there is a type error
 * here; the code lists are the server's import-free codes.ts and formats.ts, labelled here from the
 * message catalogue.
 */
import type { Static } from 'typebox';
import type { ApiError } from '../../api.js';
import type {
  Agreement as AgreementSchema,
  AgreementCreate as AgreementCreateSchema,
  EnrolmentCreate as EnrolmentCreateSchema,
  EnrolmentRun as EnrolmentRunSchema,
  Search as SearchSchema,
  SearchFromImage as SearchFromImageSchema,
  StepTwo as StepTwoSchema,
  StepTwoAsk as StepTwoAskSchema,
  StepTwoConfirm as StepTwoConfirmSchema,
  Subject as SubjectSchema,
  SubjectFromImage as SubjectFromImageSchema,
  SubjectItem as SubjectItemSchema,
} from '../../../../src/modules/biometrics/schemas.js';
import type { AGREEMENT_STATUSES, BiographicField, EnrolmentStatus, Purpose, RejectionReason, STEP_ONE } from '../../../../src/modules/biometrics/codes.js';
import type { FaceRefusal } from '../../../../src/modules/biometrics/faces/decode.js';
import { msg, type MessageId } from '../../i18n/index.js';

export { AGREEMENT_STATUSES, BIOGRAPHIC_FIELDS, ENROLMENT_COLUMNS, PURPOSES, STEP_ONE, STEP_TWO_STATUSES, type BiographicField, type EnrolmentStatus, type Purpose, type RejectionReason } from '../../../../src/modules/biometrics/codes.js';
export { FORMAT_IDS } from '../../../../src/modules/biometrics/formats.js';

export type Agreement = Static<typeof AgreementSchema>;
export type AgreementInput = Static<typeof AgreementCreateSchema>;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];
export type StepOne = (typeof STEP_ONE)[number];
export type Direction = Agreement['directions'][number];
/** A subject of the member's own gallery; `face` only in the answer to an enrolment from an image. */
export type Subject = Static<typeof SubjectSchema>;
export type FaceBox = NonNullable<Subject['face']>;
export type SubjectItem = Static<typeof SubjectItemSchema>;
/** The `metadata` part of an enrolment from an image (the image goes in `file`). */
export type SubjectMetadata = Static<typeof SubjectFromImageSchema>;
export type Biographic = NonNullable<SubjectMetadata['biographic']>;
/** The `metadata` part of a search by image (the probe image goes in `file`). */
export type SearchMetadata = Static<typeof SearchFromImageSchema>;
/** A search as the reader's side reads it: the searcher every gallery's answer, a holder its own. */
export type Search = Static<typeof SearchSchema>;
export type SearchResult = Search['results'][number];
export type Band = SearchResult['candidates'][number]['band'];
/** A step-two request as the reader's side reads it: the holder its candidates, the requester what was disclosed. */
export type StepTwo = Static<typeof StepTwoSchema>;
export type StepTwoStatus = StepTwo['status'];
export type HeldCandidate = NonNullable<StepTwo['candidates']>[number];
/** The `metadata` part of a step-two request (the probe image, when the agreement shows images, goes in `file`). */
export type StepTwoMetadata = Static<typeof StepTwoAskSchema>;
export type StepTwoConfirmInput = Static<typeof StepTwoConfirmSchema>;

/** A bulk enrolment: its progress, its counts and (read one at a time) the rows it did not enrol. */
export type EnrolmentRun = Static<typeof EnrolmentRunSchema>;
export type EnrolmentRejectionRow = NonNullable<EnrolmentRun['rejections']>[number];
/** The `metadata` part of a bulk enrolment (the archive goes in `file`). */
export type EnrolmentMetadata = Static<typeof EnrolmentCreateSchema>;

/** The largest archive the server takes (src/modules/biometrics/enrolment-archive.ts), checked before sending. */
export const MAX_ARCHIVE_BYTES = 256 * 1024 * 1024;
export const enrolmentApiPath = (id: string): string => `/biometrics/enrolments/${encodeURIComponent(id)}`;
/** A run shown on the gallery page (a reload picks it up again). */
export const enrolmentPagePath = (id: string): string => `/biometrics/gallery?run=${encodeURIComponent(id)}`;
export const enrolmentReportUrl = (id: string): string => `/api/v1${enrolmentApiPath(id)}/report.csv`;

export const ENROLMENT_STATUS_LABEL: Readonly<Record<EnrolmentStatus, MessageId>> = {
  queued: msg('biometrics.bulk.status.queued'),
  running: msg('biometrics.bulk.status.running'),
  done: msg('biometrics.bulk.status.done'),
  failed: msg('biometrics.bulk.status.failed'),
  interrupted: msg('biometrics.bulk.status.interrupted'),
};

/** Why a row was not enrolled, in words. */
export const REJECTION_LABEL: Readonly<Record<RejectionReason, MessageId>> = {
  'invalid-row': msg('biometrics.bulk.reason.invalidRow'),
  'duplicate-reference': msg('biometrics.bulk.reason.duplicateReference'),
  'missing-file': msg('biometrics.bulk.reason.missingFile'),
  'reference-taken': msg('biometrics.bulk.reason.referenceTaken'),
  'damaged-file': msg('biometrics.bulk.reason.damagedFile'),
  'reader-busy': msg('biometrics.bulk.reason.readerBusy'),
  'too-large': msg('biometrics.bulk.reason.tooLarge'),
  'not-an-image': msg('biometrics.bulk.reason.notAnImage'),
  'decompression-bomb': msg('biometrics.bulk.reason.decompressionBomb'),
  'too-small': msg('biometrics.bulk.reason.tooSmall'),
  'no-face': msg('biometrics.bulk.reason.noFace'),
  'several-faces': msg('biometrics.bulk.reason.severalFaces'),
  'face-too-small': msg('biometrics.bulk.reason.faceTooSmall'),
};

/** The largest image the server reads (src/modules/biometrics/faces/decode.ts), checked before sending. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
export const IMAGE_TYPES = 'image/jpeg,image/png,image/webp';

/** A code as the API sends it (a string) looked up in a table of labels: null for one this web app does not know (then shown as data). */
export function labelIn<K extends string>(labels: Readonly<Record<K, MessageId>>, code: string): MessageId | null {
  return Object.hasOwn(labels, code) ? labels[code as K] : null;
}

export const agreementPath = (id: string): string => `/biometrics/agreements/${encodeURIComponent(id)}`;
/** A subject's page in the web app (its API path is subjectApiPath). */
export const subjectPath = (id: string): string => `/biometrics/gallery/${encodeURIComponent(id)}`;
export const subjectApiPath = (id: string): string => `/biometrics/subjects/${encodeURIComponent(id)}`;
/** The kept image of a subject, read by the browser with the session cookie (the server sends it as JPEG, not cached). */
export const subjectImageUrl = (id: string): string => `/api/v1${subjectApiPath(id)}/image`;
/** A step-two request: its page in the web app and its API path are the same. */
export const stepTwoPath = (id: string): string => `/biometrics/step-two/${encodeURIComponent(id)}`;
/** The probe image sent with a pending request, for the holder's approver. */
export const probeImageUrl = (id: string): string => `/api/v1${stepTwoPath(id)}/probe-image`;
/** A candidate's gallery image, for the holder's approver comparing it with the probe. */
export const candidateImageUrl = (id: string, subject: string): string => `/api/v1${stepTwoPath(id)}/candidates/${encodeURIComponent(subject)}/image`;

export const PURPOSE_LABEL: Readonly<Record<Purpose, MessageId>> = {
  'irregular-arrival': msg('biometrics.purpose.irregularArrival'),
  'asylum-screening': msg('biometrics.purpose.asylumScreening'),
  'trafficking-victim': msg('biometrics.purpose.traffickingVictim'),
  'smuggling-investigation': msg('biometrics.purpose.smugglingInvestigation'),
  'return-identity': msg('biometrics.purpose.returnIdentity'),
};

export const STEP_ONE_LABEL: Readonly<Record<StepOne, MessageId>> = {
  'reference-and-band': msg('biometrics.stepOne.referenceAndBand'),
  'hit-only': msg('biometrics.stepOne.hitOnly'),
};

export const STATUS_LABEL: Readonly<Record<AgreementStatus, MessageId>> = {
  proposed: msg('biometrics.status.proposed'),
  active: msg('biometrics.status.active'),
  suspended: msg('biometrics.status.suspended'),
  terminated: msg('biometrics.status.terminated'),
};

export const BIOGRAPHIC_LABEL: Readonly<Record<BiographicField, MessageId>> = {
  familyName: msg('biometrics.field.familyName'),
  givenNames: msg('biometrics.field.givenNames'),
  dateOfBirth: msg('biometrics.field.dateOfBirth'),
  sex: msg('biometrics.field.sex'),
  nationality: msg('biometrics.field.nationality'),
  placeOfBirth: msg('biometrics.field.placeOfBirth'),
  documentType: msg('biometrics.field.documentType'),
  documentIssuer: msg('biometrics.field.documentIssuer'),
  documentNumber: msg('biometrics.field.documentNumber'),
  encounterDate: msg('biometrics.field.encounterDate'),
  encounterPlace: msg('biometrics.field.encounterPlace'),
  remarks: msg('biometrics.field.remarks'),
};

export const STEP_TWO_STATUS_LABEL: Readonly<Record<StepTwoStatus, MessageId>> = {
  pending: msg('biometrics.stepTwo.status.pending'),
  confirmed: msg('biometrics.stepTwo.status.confirmed'),
  rejected: msg('biometrics.stepTwo.status.rejected'),
};

export const BAND_LABEL: Readonly<Record<Band, MessageId>> = {
  high: msg('biometrics.band.high'),
  medium: msg('biometrics.band.medium'),
};

/** Why the server could not take an image, as a sentence (its 413 and 422 answers' `reason`). */
export const REFUSAL_LABEL: Readonly<Record<FaceRefusal, MessageId>> = {
  'too-large': msg('biometrics.refusal.tooLarge'),
  'not-an-image': msg('biometrics.refusal.notAnImage'),
  'decompression-bomb': msg('biometrics.refusal.decompressionBomb'),
  'too-small': msg('biometrics.refusal.tooSmall'),
  'no-face': msg('biometrics.refusal.noFace'),
  'several-faces': msg('biometrics.refusal.severalFaces'),
  'face-too-small': msg('biometrics.refusal.faceTooSmall'),
};

/** The sentence for an image the server refused, or null when the error is something else. */
export function refusalOf(error: ApiError | undefined): MessageId | null {
  if (!error) return null;
  // A file over the upload limit is refused before the face reader sees it: a 413 without a reason.
  if (error.status === 413) return REFUSAL_LABEL['too-large'];
  const reason = error.extra.reason;
  return typeof reason === 'string' ? labelIn(REFUSAL_LABEL, reason) : null;
}

/** The galleries the member may search under an agreement: the holders of its directions that start at the member. */
export const holdersFor = (agreement: Pick<Agreement, 'directions'>, member: string): string[] =>
  agreement.directions.filter((direction) => direction.searcher === member).map((direction) => direction.holder);

/** Today in UTC, as the API's dates are (YYYY-MM-DD). */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);
