/**
 * The code lists of the travel-document register, in one place for the server and the web app, which
 * labels them from its message catalogue (web/src/modules/documents/api.ts). This file imports nothing
 * at run time, so the web app takes its lists from here without bundling TypeBox or server code; keep
 * it that way.
 */

/** The register's document types (ICAO Doc 9303; icao.ts reads them from an MRZ document code). */
export const DOCUMENT_TYPES = [
  'passport',
  'identity-card',
  'visa',
  'refugee-travel-document',
  'stateless-travel-document',
  'seafarer-book',
  'other',
] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export const DOCUMENT_TYPE_LABELS: Readonly<Record<DocumentType, string>> = {
  passport: 'Passport',
  'identity-card': 'Identity card',
  visa: 'Visa',
  'refugee-travel-document': 'Refugee travel document',
  'stateless-travel-document': 'Stateless person travel document',
  'seafarer-book': "Seafarer's book",
  other: 'Other travel document',
};

/** Why a registered document must not be used. */
export const DOCUMENT_STATUSES = ['lost', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit', 'forged'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Where a registered document stands: hitting, cancelled, or another member's report waiting for the issuer. */
export const DOCUMENT_STATES = ['active', 'cancelled', 'pending-confirmation', 'rejected'] as const;
export type DocumentState = (typeof DOCUMENT_STATES)[number];

/** Where a member's report of a foreign document stands: waiting, confirmed by the issuer, or rejected. */
export const REPORT_STATES = ['pending-confirmation', 'confirmed', 'rejected'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

/** The issuer's answer to a hit. */
export const HIT_OUTCOMES = ['pending', 'confirmed', 'denied'] as const;
export type HitOutcome = (typeof HIT_OUTCOMES)[number];

