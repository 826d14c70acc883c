/**
 * ICAO Doc 9303 codes: the issuing states and organisations a travel document may name, and the
 * register's document type of an MRZ document code (the types themselves are in codes.ts).
 */
import { allCountries } from '../../platform/geo/countries.js';
import { DOCUMENT_TYPES, type DocumentType } from './codes.js';

// The types and their labels live in codes.ts, which the web app imports too.
export { DOCUMENT_TYPE_LABELS, DOCUMENT_TYPES, type DocumentType } from './codes.js';

/**
 * Codes Doc 9303 Part 3 (§5, "Codes for nationality, place of birth, location of issuing State/
 * authority") adds to ISO 3166-1 alpha-3, with the specimen code used throughout Doc 9303.
 */
const ICAO_OWN_CODES: readonly (readonly [string, string])[] = [
  ['D', 'Germany'],
  ['EUE', 'European Union'],
  ['GBD', 'British Overseas Territories Citizen'],
  ['GBN', 'British National (Overseas)'],
  ['GBO', 'British Overseas Citizen'],
  ['GBP', 'British Protected Person'],
  ['GBS', 'British Subject'],
  ['RKS', 'Kosovo'],
  ['UNO', 'United Nations Organization or one of its officials'],
  ['UNA', 'Specialized agency of the United Nations or one of its officials'],
  ['UNK', 'Resident of Kosovo to whom a travel document has been issued by UNMIK'],
  ['XBA', 'African Development Bank'],
  ['XIM', 'African Export-Import Bank'],
  ['XCC', 'Caribbean Community (CARICOM)'],
  ['XCE', 'Council of Europe'],
  ['XCO', 'Common Market for Eastern and Southern Africa (COMESA)'],
  ['XDC', 'Southern African Development Community (SADC)'],
  ['XEC', 'Economic Community of West African States (ECOWAS)'],
  ['XES', 'Organisation of Eastern Caribbean States (OECS)'],
  ['XMP', 'Parliamentary Assembly of the Mediterranean'],
  ['XOM', 'Sovereign Military Order of Malta'],
  ['XPO', 'International Criminal Police Organization (INTERPOL)'],
  ['XXA', 'Stateless person (1954 Convention)'],
  ['XXB', 'Refugee (1951 Convention)'],
  ['XXC', 'Refugee (other than under the 1951 Convention)'],
  ['XXX', 'Person of unspecified nationality'],
  ['UTO', 'Utopia (ICAO specimen)'],
];

/** i18n-iso-countries also lists XKK for Kosovo, which is not an ISO 3166-1 code (ICAO uses RKS/UNK). */
const NOT_ISO = new Set(['XKK']);

/** Every issuing code Doc 9303 allows, with its English name. */
export const ICAO_ISSUERS: ReadonlyMap<string, string> = new Map([
  ...allCountries()
    .filter((country) => /^[A-Z]{3}$/.test(country.code) && !NOT_ISO.has(country.code))
    .map((country) => [country.code, country.name] as const),
  ...ICAO_OWN_CODES,
]);

export function isIcaoIssuer(code: string): boolean {
  return ICAO_ISSUERS.has(code);
}

export function issuerName(code: string): string {
  return ICAO_ISSUERS.get(code) ?? code;
}

export class IssuerError extends Error {
  override readonly name = 'IssuerError';
}

/**
 * The one form of an issuing code used in document keys: upper case, MRZ fillers (`D<<`) removed,
 * and Germany's ISO code `DEU` read as `D`, the code its documents carry (Doc 9303 Part 3), so a
 * check typed with either finds the same document. Throws `IssuerError` for an unknown code.
 */
export function normaliseIssuer(raw: string): string {
  const code = raw.trim().toUpperCase().replace(/<+$/, '');
  if (!isIcaoIssuer(code)) throw new IssuerError(`"${raw.trim()}" is not an ICAO issuing state or organisation code`);
  return code === 'DEU' ? 'D' : code;
}

/**
 * The directory member that issues an ICAO code's documents. Members are keyed by ISO alpha-3 codes
 * (and the organisations by their own codes): `D` is `DEU`, the EU's laissez-passer (`EUE`) is the
 * member `EU` and INTERPOL's travel document (`XPO`) the member `INTERPOL`; every other code is itself.
 */
export function memberCodeForIssuer(icao: string): string {
  return ISSUER_TO_MEMBER.get(icao) ?? icao;
}

/** The ICAO issuing code of a member's own documents (`DEU` → `D`); the inverse of memberCodeForIssuer. */
export function issuerForMemberCode(member: string): string {
  return MEMBER_TO_ISSUER.get(member) ?? member;
}

const ISSUER_TO_MEMBER: ReadonlyMap<string, string> = new Map([
  ['D', 'DEU'],
  ['EUE', 'EU'],
  ['XPO', 'INTERPOL'],
]);
const MEMBER_TO_ISSUER: ReadonlyMap<string, string> = new Map([...ISSUER_TO_MEMBER].map(([issuer, member]) => [member, issuer]));

export function isDocumentType(value: string): value is DocumentType {
  return (DOCUMENT_TYPES as readonly string[]).includes(value);
}

/**
 * The register's type of a document from its MRZ document code and, where known, the holder's
 * nationality code. Doc 9303 fixes only the first letter (Part 4: P; Parts 5 and 6: A, C or I;
 * Part 7: V) and leaves the second to the issuer, with one exception it defines itself: `AC`, the
 * crew member certificate (Part 5), which is no identity card. A `P` document whose holder is
 * coded XXB or XXC is a refugee's Convention travel document, XXA a stateless person's (Part 3 §5).
 */
export function documentTypeFromMrzCode(code: string, nationality?: string): DocumentType {
  const upper = code.toUpperCase();
  switch (upper.charAt(0)) {
    case 'P':
      if (nationality === 'XXB' || nationality === 'XXC') return 'refugee-travel-document';
      if (nationality === 'XXA') return 'stateless-travel-document';
      return 'passport';
    case 'V':
      return 'visa';
    case 'A':
      return upper === 'AC' ? 'other' : 'identity-card';
    case 'I':
    case 'C':
      return 'identity-card';
    default:
      return 'other';
  }
}
