import { describe, expect, test } from 'vitest';
import {
  DOCUMENT_TYPE_LABELS,
  DOCUMENT_TYPES,
  ICAO_ISSUERS,
  IssuerError,
  documentTypeFromMrzCode,
  isDocumentType,
  isIcaoIssuer,
  issuerForMemberCode,
  memberCodeForIssuer,
  normaliseIssuer,
} from './icao.js';

describe('issuing codes', () => {
  test('every ISO 3166-1 alpha-3 code (249) and every code ICAO adds', () => {
    const icaoOwn = ['D', 'GBD', 'GBN', 'GBO', 'GBP', 'GBS', 'RKS', 'UNO', 'UNA', 'UNK', 'XBA', 'XIM', 'XCC', 'XCE', 'XCO', 'XDC', 'XEC', 'XES', 'XMP', 'XOM', 'XPO', 'XXA', 'XXB', 'XXC', 'XXX', 'EUE', 'UTO'];
    for (const code of [...icaoOwn, 'AFG', 'AUS', 'DEU', 'GBR', 'IDN', 'MYS', 'ATA', 'PSE', 'TWN', 'ZWE']) expect(isIcaoIssuer(code), code).toBe(true);
    expect(ICAO_ISSUERS.size).toBe(249 + icaoOwn.length);
    expect(ICAO_ISSUERS.get('UTO')).toMatch(/Utopia/);
    expect(ICAO_ISSUERS.get('D')).toBe('Germany');
  });

  test('codes that are not ICAO codes', () => {
    for (const code of ['', 'ZZZ', 'XKK', 'UK', 'EU', 'de', 'uto', 'D<<', 'ABCD']) expect(isIcaoIssuer(code), code).toBe(false);
  });

  test('normaliseIssuer: upper case, fillers, DEU read as D, unknown refused', () => {
    expect(normaliseIssuer(' uto ')).toBe('UTO');
    expect(normaliseIssuer('D<<')).toBe('D');
    expect(normaliseIssuer('DEU')).toBe('D');
    expect(normaliseIssuer('deu')).toBe('D');
    expect(() => normaliseIssuer('ZZZ')).toThrow(IssuerError);
    expect(() => normaliseIssuer('')).toThrow(/not an ICAO/);
  });

  test('member codes and issuing codes', () => {
    expect(memberCodeForIssuer('D')).toBe('DEU');
    expect(issuerForMemberCode('DEU')).toBe('D');
    expect(memberCodeForIssuer('MYS')).toBe('MYS');
    expect(issuerForMemberCode('MYS')).toBe('MYS');
    expect(memberCodeForIssuer('EUE')).toBe('EU');
    expect(issuerForMemberCode('INTERPOL')).toBe('XPO');
    for (const code of ICAO_ISSUERS.keys()) {
      if (code === 'DEU') continue; // Germany's documents carry D, so DEU's member issues as D
      expect(issuerForMemberCode(memberCodeForIssuer(code))).toBe(code);
    }
  });
});

describe('document types', () => {
  test('labels for every type', () => {
    expect(DOCUMENT_TYPES).toHaveLength(7);
    for (const type of DOCUMENT_TYPES) {
      expect(DOCUMENT_TYPE_LABELS[type]).toBeTruthy();
      expect(isDocumentType(type)).toBe(true);
    }
    expect(isDocumentType('driving-licence')).toBe(false);
  });

  test('from MRZ document codes (Doc 9303 fixes the first letter; AC is the crew member certificate)', () => {
    expect(documentTypeFromMrzCode('P')).toBe('passport');
    expect(documentTypeFromMrzCode('P<')).toBe('passport');
    expect(documentTypeFromMrzCode('PD')).toBe('passport');
    expect(documentTypeFromMrzCode('PO')).toBe('passport');
    expect(documentTypeFromMrzCode('I')).toBe('identity-card');
    expect(documentTypeFromMrzCode('ID')).toBe('identity-card');
    expect(documentTypeFromMrzCode('A')).toBe('identity-card');
    expect(documentTypeFromMrzCode('C')).toBe('identity-card');
    expect(documentTypeFromMrzCode('AC')).toBe('other');
    expect(documentTypeFromMrzCode('V')).toBe('visa');
    expect(documentTypeFromMrzCode('VD')).toBe('visa');
    expect(documentTypeFromMrzCode('X')).toBe('other');
    expect(documentTypeFromMrzCode('')).toBe('other');
    expect(documentTypeFromMrzCode('p')).toBe('passport');
  });

  test('Convention travel documents by the holder’s nationality code (Doc 9303 Part 3)', () => {
    expect(documentTypeFromMrzCode('P', 'XXB')).toBe('refugee-travel-document');
    expect(documentTypeFromMrzCode('PT', 'XXC')).toBe('refugee-travel-document');
    expect(documentTypeFromMrzCode('P', 'XXA')).toBe('stateless-travel-document');
    expect(documentTypeFromMrzCode('P', 'XXX')).toBe('passport');
    expect(documentTypeFromMrzCode('I', 'XXB')).toBe('identity-card');
  });
});
