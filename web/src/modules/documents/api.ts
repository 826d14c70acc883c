/**
 * The travel-document register as the web app sees it. The shapes are the server's own schemas
 * (src/modules/documents/schemas.ts), imported as types only, so a change there is a type error here;
 * the code lists are the server's import-free codes.ts, labelled here from the message catalogue; the
 * ICAO codes and the MRZ reader are the server's pure modules, so the page reads an MRZ exactly as the
 * check will.
 */
import type { Static } from 'typebox';
import type {
  CheckResponse as CheckResponseSchema,
  DocumentInput as DocumentInputSchema,
  DocumentOne as DocumentOneSchema,
  HitOne as HitOneSchema,
  HitRecord as HitRecordSchema,
  HolderResponse as HolderResponseSchema,
  TravelDocument as TravelDocumentSchema,
} from '../../../../src/modules/documents/schemas.js';
import type { DocumentState, DocumentStatus, DocumentType, HitOutcome } from '../../../../src/modules/documents/codes.js';
import { msg, type MessageId } from '../../i18n/index.js';

export {
  DOCUMENT_STATES,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPES,
  type DocumentState,
  type DocumentStatus,
  type DocumentType,
  type HitOutcome,
} from '../../../../src/modules/documents/codes.js';
export { ICAO_ISSUERS } from '../../../../src/modules/documents/icao.js';
export { parseMrz, type MrzDocument, type MrzError, type MrzLikely, type MrzProblem } from '../../../../src/modules/documents/mrz.js';

export type TravelDocument = Static<typeof TravelDocumentSchema>;
export type DocumentOne = Static<typeof DocumentOneSchema>;
/** What POST /documents takes. */
export type DocumentInput = Static<typeof DocumentInputSchema>;
/** POST /documents/checks: the answer of one check and when it was made. */
export type CheckResponse = Static<typeof CheckResponseSchema>;
export type CheckAnswer = CheckResponse['data'];
export type Hit = NonNullable<CheckAnswer['hit']>;
export type HitRecord = Static<typeof HitRecordSchema>;
export type HitOne = Static<typeof HitOneSchema>;
/** GET /documents/hits/:id/holder: the holder details of a hit's document, read on purpose (and audited). */
export type HolderResponse = Static<typeof HolderResponseSchema>;
export type Holder = NonNullable<HolderResponse['data']['holder']>;

/** How a check was made. */
export type CheckVia = HitRecord['via'];

export const DOCUMENT_TYPE_LABEL: Readonly<Record<DocumentType, MessageId>> = {
  passport: msg('documents.type.passport'),
  'identity-card': msg('documents.type.identityCard'),
  visa: msg('documents.type.visa'),
  'refugee-travel-document': msg('documents.type.refugeeTravelDocument'),
  'stateless-travel-document': msg('documents.type.statelessTravelDocument'),
  'seafarer-book': msg('documents.type.seafarerBook'),
  other: msg('documents.type.other'),
};

export const DOCUMENT_STATUS_LABEL: Readonly<Record<DocumentStatus, MessageId>> = {
  lost: msg('documents.status.lost'),
  stolen: msg('documents.status.stolen'),
  'stolen-blank': msg('documents.status.stolenBlank'),
  revoked: msg('documents.status.revoked'),
  invalid: msg('documents.status.invalid'),
  counterfeit: msg('documents.status.counterfeit'),
  forged: msg('documents.status.forged'),
};

/** The status inside a sentence ("registered this document as stolen"), where a language may word it otherwise than the label. */
export const DOCUMENT_STATUS_IN_SENTENCE: Readonly<Record<DocumentStatus, MessageId>> = {
  lost: msg('documents.check.hit.registeredAs.lost'),
  stolen: msg('documents.check.hit.registeredAs.stolen'),
  'stolen-blank': msg('documents.check.hit.registeredAs.stolenBlank'),
  revoked: msg('documents.check.hit.registeredAs.revoked'),
  invalid: msg('documents.check.hit.registeredAs.invalid'),
  counterfeit: msg('documents.check.hit.registeredAs.counterfeit'),
  forged: msg('documents.check.hit.registeredAs.forged'),
};

export const DOCUMENT_STATE_LABEL: Readonly<Record<DocumentState, MessageId>> = {
  active: msg('documents.state.active'),
  cancelled: msg('documents.state.cancelled'),
  'pending-confirmation': msg('documents.state.pendingConfirmation'),
  rejected: msg('documents.state.rejected'),
};

export const HIT_OUTCOME_LABEL: Readonly<Record<HitOutcome, MessageId>> = {
  pending: msg('documents.outcome.pending'),
  confirmed: msg('documents.outcome.confirmed'),
  denied: msg('documents.outcome.denied'),
};

export const CHECK_VIA_LABEL: Readonly<Record<CheckVia, MessageId>> = {
  number: msg('documents.via.number'),
  mrz: msg('documents.via.mrz'),
  batch: msg('documents.via.batch'),
};
