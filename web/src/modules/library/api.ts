/**
 * The library module as the web app sees it, typed from the server's schemas
 * (src/modules/library/schemas.ts) with type-only imports, so a change there is a type error here.
 */
import type { Static } from 'typebox';
import { msg, type MessageId } from '../../i18n/index.js';
import type { CATEGORIES, DocumentItem, DocumentOne as DocumentOneSchema, UploadMetadata } from '../../../../src/modules/library/schemas.js';

/** A document in a list or a search (with a snippet around the matches). */
export type LibraryDocument = Static<typeof DocumentItem>;
/** GET /library/documents/:id and every write: the document with its text, and what the user may do with it. */
export type DocumentOne = Static<typeof DocumentOneSchema>;
export type LibraryDocumentFull = DocumentOne['data'];
/** The fields of POST /library/documents and of an upload's `metadata` (the text comes in `body` or from the file). */
export type LibraryDocumentMetadata = Static<typeof UploadMetadata>;

export type LibraryCategory = (typeof CATEGORIES)[number];
/** Every category, in the server's order; a category the server adds and this list lacks is a type error (the server's list is not import-free). */
const CATEGORY_NAMES: Readonly<Record<LibraryCategory, true>> = {
  'policy-guide': true, 'model-legislation': true, 'training-module': true, 'workshop-report': true, 'co-chairs-statement': true, other: true,
};
export const LIBRARY_CATEGORIES = Object.keys(CATEGORY_NAMES) as LibraryCategory[];

export const CATEGORY_LABEL: Readonly<Record<LibraryCategory, MessageId>> = {
  'policy-guide': msg('library.category.policyGuide'),
  'model-legislation': msg('library.category.modelLegislation'),
  'training-module': msg('library.category.trainingModule'),
  'workshop-report': msg('library.category.workshopReport'),
  'co-chairs-statement': msg('library.category.coChairsStatement'),
  other: msg('library.category.other'),
};

export function fileUrl(documentId: string): string {
  return `/api/v1/library/documents/${encodeURIComponent(documentId)}/file`;
}
