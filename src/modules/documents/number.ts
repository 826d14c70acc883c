/** Document numbers in the one form the register stores, indexes and hashes. */
import { EntityError } from '../../platform/entities.js';
import { normaliseIssuer, type DocumentType } from './icao.js';

/** Longer than any number Doc 9303 can carry (TD1: 9 characters plus 14 in the optional data). */
export const MAX_DOCUMENT_NUMBER_LENGTH = 35;

export class DocumentNumberError extends Error {
  override readonly name = 'DocumentNumberError';
}

/**
 * Upper case, with spaces, MRZ fillers (`<`) and hyphens removed; full-width and other compatibility
 * forms read as their plain letters and digits. Throws `DocumentNumberError` when nothing is left,
 * when anything but A–Z and 0–9 remains, or when the number is too long.
 */
export function normaliseDocumentNumber(raw: string): string {
  const number = raw.normalize('NFKC').toUpperCase().replace(/[\s<\-‐‑‒–—]/g, '');
  if (number === '') throw new DocumentNumberError('the document number is empty');
  const bad = /[^A-Z0-9]/.exec(number);
  if (bad) throw new DocumentNumberError(`a document number holds only letters A–Z and digits 0–9, not "${bad[0]}"`);
  if (number.length > MAX_DOCUMENT_NUMBER_LENGTH) {
    throw new DocumentNumberError(`a document number has at most ${MAX_DOCUMENT_NUMBER_LENGTH} characters, this one ${number.length}`);
  }
  return number;
}

const SEPARATOR = '\u001f';

/**
 * The key of a document in the index and the snapshot, from normalised parts (see
 * normaliseIssuer and normaliseDocumentNumber). Germany's `DEU` is read as `D` here too, so a key
 * built from either code is the same key.
 */
export function documentKey(issuer: string, type: DocumentType, number: string): string {
  return `${issuer === 'DEU' ? 'D' : issuer}${SEPARATOR}${type}${SEPARATOR}${number}`;
}

/** documentKey from raw input: normalises the issuer and the number (throws as they do). */
export function normalisedDocumentKey(issuer: string, type: DocumentType, number: string): string {
  return documentKey(normaliseIssuer(issuer), type, normaliseDocumentNumber(number));
}

/**
 * A travel document as an entity other modules' records name (linkage): issuer and number in the
 * register's form, `IDN:B1234567`. Throws `EntityError` naming the field that is wrong.
 */
export function travelDocumentEntity(fields: Readonly<Record<string, string | undefined>>): string {
  let issuer: string;
  try {
    issuer = normaliseIssuer(fields.issuer ?? '');
  } catch (error) {
    throw new EntityError(error instanceof Error ? error.message : String(error), 'issuer');
  }
  try {
    return `${issuer}:${normaliseDocumentNumber(fields.number ?? '')}`;
  } catch (error) {
    throw new EntityError(error instanceof Error ? error.message : String(error), 'number');
  }
}
