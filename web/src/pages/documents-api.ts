/**
 * The travel-document register as the web app sees it. The shapes are the server's own schemas
 * (src/modules/documents/schemas.ts), imported as types only, so a change there is a type error here;
 * the ICAO codes and the MRZ reader are the server's pure modules, so the page reads an MRZ exactly
 * as the check will.
 */
import type { Static } from 'typebox';
import type {
  CheckAnswer,
  DocumentInput,
  DocumentState,
  DocumentStatus,
  HitOutcome,
  HitRecord as HitRecordSchema,
  TravelDocument,
} from '../../../src/modules/documents/schemas.js';
import type { Role } from '../api.js';

export type { CheckAnswer, DocumentInput, DocumentState, DocumentStatus, HitOutcome, TravelDocument };
export type HitRecord = Static<typeof HitRecordSchema>;
export type Hit = NonNullable<CheckAnswer['hit']>;
export { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES, ICAO_ISSUERS, type DocumentType } from '../../../src/modules/documents/icao.js';
export { parseMrz, type MrzDocument, type MrzError } from '../../../src/modules/documents/mrz.js';

/** Every status, labelled; a status the server adds and this page does not name is a type error. */
export const STATUS_LABELS: Readonly<Record<DocumentStatus, string>> = {
  lost: 'Lost',
  stolen: 'Stolen',
  'stolen-blank': 'Stolen blank',
  revoked: 'Revoked',
  invalid: 'Invalid',
  counterfeit: 'Counterfeit',
  forged: 'Forged',
};
export const STATUSES = Object.keys(STATUS_LABELS) as DocumentStatus[];

export const STATE_LABELS: Readonly<Record<DocumentState, string>> = {
  active: 'Active',
  cancelled: 'Cancelled',
  'pending-confirmation': 'Reported by another member, to confirm',
  rejected: 'Rejected',
};
export const STATES = Object.keys(STATE_LABELS) as DocumentState[];

export const OUTCOME_LABELS: Readonly<Record<HitOutcome, string>> = {
  pending: 'Waiting for the issuer',
  confirmed: 'Confirmed by the issuer',
  denied: 'Denied by the issuer',
};

const any = (roles: readonly Role[], ...allowed: Role[]): boolean => roles.some((role) => allowed.includes(role));

/** What the user's roles allow in the register (src/platform/auth/roles.ts; the server checks again). */
export function documentAbilities(roles: readonly Role[]): { check: boolean; write: boolean; answer: boolean } {
  return {
    check: any(roles, 'officer', 'analyst', 'liaison', 'member-admin'),
    write: any(roles, 'officer', 'liaison', 'member-admin'),
    answer: any(roles, 'officer', 'liaison', 'approver', 'member-admin'),
  };
}
