/** The closed lists of the biometrics module, shared by its schemas, service and the web app. */

export const PURPOSES = ['irregular-arrival', 'asylum-screening', 'trafficking-victim', 'smuggling-investigation', 'return-identity'] as const;
export type Purpose = (typeof PURPOSES)[number];

export const MODALITIES = ['face'] as const;

/** What step one answers per gallery: candidates' references with a score band, or hit / no hit alone. */
export const STEP_ONE = ['reference-and-band', 'hit-only'] as const;

/** The biographic fields a gallery keeps (sealed) for step two; an agreement names those it may disclose. */
export const BIOGRAPHIC_FIELDS = [
  'familyName', 'givenNames', 'dateOfBirth', 'sex', 'nationality', 'placeOfBirth',
  'documentType', 'documentIssuer', 'documentNumber', 'encounterDate', 'encounterPlace', 'remarks',
] as const;
export type BiographicField = (typeof BIOGRAPHIC_FIELDS)[number];

export const AGREEMENT_STATUSES = ['proposed', 'active', 'suspended', 'terminated'] as const;

/** The CSV column of each biographic field in a bulk enrolment (snake_case, as spreadsheets' headers usually are). */
export const BIOGRAPHIC_COLUMNS: Readonly<Record<BiographicField, string>> = {
  familyName: 'family_name', givenNames: 'given_names', dateOfBirth: 'date_of_birth', sex: 'sex', nationality: 'nationality',
  placeOfBirth: 'place_of_birth', documentType: 'document_type', documentIssuer: 'document_issuer', documentNumber: 'document_number',
  encounterDate: 'encounter_date', encounterPlace: 'encounter_place', remarks: 'remarks',
};

/** A bulk enrolment's CSV: the subject's reference, its image's name in the archive, the biographic fields, its retention day (YYYY-MM-DD). */
export const ENROLMENT_COLUMNS = ['reference', 'image', ...BIOGRAPHIC_FIELDS.map((field) => BIOGRAPHIC_COLUMNS[field]), 'retention_until'] as const;

export const ENROLMENT_STATUSES = ['queued', 'running', 'done', 'failed', 'interrupted'] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/**
 * Why a bulk enrolment did not enrol a row: the CSV's own (a bad value, a reference twice, a file
 * the archive lacks), the gallery's (the reference taken), the archive's (a file that cannot be
 * extracted), the face reader's (its refusals, `faces/decode.ts`, and a reader too busy to answer).
 */
export const ENROLMENT_REJECTIONS = [
  'invalid-row', 'duplicate-reference', 'missing-file', 'reference-taken', 'damaged-file', 'reader-busy',
  'too-large', 'not-an-image', 'decompression-bomb', 'too-small', 'no-face', 'several-faces', 'face-too-small',
] as const;
export type RejectionReason = (typeof ENROLMENT_REJECTIONS)[number];
/** Where a step-two request stands: waiting for the holder, or decided. */
export const STEP_TWO_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
