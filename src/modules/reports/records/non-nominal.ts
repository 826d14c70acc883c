import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import type { FieldError } from '../../../platform/errors.js';

/**
 * Reports are non-nominal: no one is identified. The narrative is checked on save for the obvious
 * identifiers, which are refused with a message at the field: e-mail addresses, phone numbers (found
 * by libphonenumber), and document-number-like tokens (a run of 6–12 letters and digits holding at
 * least two digits and two letters, or 7–12 digits, such as a passport or ID card number).
 */
interface Identifier {
  kind: 'e-mail address' | 'phone number' | 'document number';
  text: string;
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const TOKEN = /\b[A-Za-z0-9]{6,12}\b/g;
// National-format numbers that libphonenumber cannot place without a country: nine or more digits
// with the usual separators (dates have eight at most).
const PHONE_LIKE = /\+?\(?\d[\d\s().-]{7,}\d/g;
// The plus signs libphonenumber reads (ASCII and full-width).
const PLUS = /[+\uFF0B]/;
// Years, counts and dates are common in narratives and are not identifiers.
const YEAR_OR_SHORT = /^\d{1,6}$/;
// The patterns' phone and document numbers hold ASCII digits: a text or word without one is not scanned for them.
const DIGIT = /\d/;

export function findIdentifiers(text: string): Identifier[] {
  const found: Identifier[] = [];
  // An e-mail address has an @: most narratives have none, and are not scanned for one.
  const hasAt = text.includes('@');
  if (hasAt) for (const match of text.matchAll(EMAIL)) found.push({ kind: 'e-mail address', text: match[0] });
  const withoutEmails = hasAt ? text.replace(EMAIL, ' ') : text;
  // Without a default country libphonenumber only finds numbers written with a leading plus
  // (international format), so a text without one is not given to it: imports check every row.
  if (PLUS.test(withoutEmails)) {
    for (const phone of findPhoneNumbersInText(withoutEmails, { defaultCallingCode: undefined, extended: false })) {
      found.push({ kind: 'phone number', text: withoutEmails.slice(phone.startsAt, phone.endsAt) });
    }
  }
  // libphonenumber above reads other scripts' digits too; the patterns below only ASCII ones.
  if (!DIGIT.test(withoutEmails)) return found;
  for (const match of withoutEmails.matchAll(PHONE_LIKE)) {
    const digits = match[0].replace(/\D/g, '').length;
    if (digits >= 9 && !found.some((f) => f.text.includes(match[0].trim()) || match[0].includes(f.text))) {
      found.push({ kind: 'phone number', text: match[0].trim() });
    }
  }
  for (const match of withoutEmails.matchAll(TOKEN)) {
    const token = match[0];
    if (!DIGIT.test(token) || YEAR_OR_SHORT.test(token)) continue;
    const digits = token.replace(/\D/g, '').length;
    const letters = token.length - digits;
    const documentLike = (digits >= 2 && letters >= 1 && digits + letters >= 7) || (letters === 0 && digits >= 7);
    if (documentLike && !found.some((f) => f.text.includes(token))) found.push({ kind: 'document number', text: token });
  }
  return found;
}

/** Field errors for every identifier in a narrative, each naming what was found and where. */
export function nonNominalErrors(text: string | undefined, pointer: string): FieldError[] {
  if (!text) return [];
  return findIdentifiers(text).map((identifier) => ({
    pointer,
    detail: `looks like a ${identifier.kind} ("${identifier.text}"); reports name no one, so remove it`,
  }));
}
