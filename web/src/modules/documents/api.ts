/**
 * The travel-document register as the web app sees it. The shapes are the server's own schemas
 * (src/modules/documents/schemas.ts), imported as types only, so a change there is a type error here;
 * the code lists and their labels are the server's import-free codes.ts; the ICAO codes and the MRZ
 * reader are the server's pure modules, so the page reads an MRZ exactly as the check will.
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

export {
  DOCUMENT_STATE_LABELS,
  DOCUMENT_STATES,
  DOCUMENT_STATUS_LABELS,
  DOCUMENT_STATUSES,
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_TYPES,
  HIT_OUTCOME_LABELS,
  type DocumentState,
  type DocumentStatus,
  type DocumentType,
  type HitOutcome,
} from '../../../../src/modules/documents/codes.js';
export { ICAO_ISSUERS } from '../../../../src/modules/documents/icao.js';
export { parseMrz, type MrzDocument, type MrzError } from '../../../../src/modules/documents/mrz.js';

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
