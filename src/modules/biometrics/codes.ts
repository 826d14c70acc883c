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

/** Where a step-two request stands: waiting for the holder, or decided. */
export const STEP_TWO_STATUSES = ['pending', 'confirmed', 'rejected'] as const;
