import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { IssuerError } from './icao.js';
import { DocumentNumberError, MAX_DOCUMENT_NUMBER_LENGTH, documentKey, normaliseDocumentNumber, normalisedDocumentKey } from './number.js';

describe('normaliseDocumentNumber', () => {
  test('upper case; spaces, fillers and hyphens removed', () => {
    expect(normaliseDocumentNumber('l898902c3')).toBe('L898902C3');
    expect(normaliseDocumentNumber(' AB 12-34 <<< ')).toBe('AB1234');
    expect(normaliseDocumentNumber('D23145890<<')).toBe('D23145890');
    expect(normaliseDocumentNumber('12\u2013345\u00a0678\t9')).toBe('123456789');
    expect(normaliseDocumentNumber('ＡＢ１２３')).toBe('AB123');
  });

  test('refuses an empty result and anything but A–Z and 0–9, with a message', () => {
    for (const raw of ['', '   ', '<<<', '--']) expect(() => normaliseDocumentNumber(raw)).toThrow(/empty/);
    for (const raw of ['AB/123', 'AB.123', 'ÄB123', 'AB_1', 'A+B', 'Ω12']) {
      expect(() => normaliseDocumentNumber(raw), raw).toThrow(DocumentNumberError);
      expect(() => normaliseDocumentNumber(raw), raw).toThrow(/letters A–Z and digits 0–9/);
    }
    expect(() => normaliseDocumentNumber('9'.repeat(MAX_DOCUMENT_NUMBER_LENGTH + 1))).toThrow(/at most/);
    expect(normaliseDocumentNumber('9'.repeat(MAX_DOCUMENT_NUMBER_LENGTH))).toHaveLength(MAX_DOCUMENT_NUMBER_LENGTH);
  });

  test('idempotent, and its result holds only A–Z and 0–9 (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        let number: string;
        try {
          number = normaliseDocumentNumber(raw);
        } catch (error) {
          expect(error).toBeInstanceOf(DocumentNumberError);
          return;
        }
        expect(number).toMatch(/^[A-Z0-9]{1,35}$/);
        expect(normaliseDocumentNumber(number)).toBe(number);
      }),
      { numRuns: 1000 },
    );
  });

  test('spacing, case and fillers never change the number (property)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z0-9]{1,20}$/), fc.array(fc.constantFrom(' ', '<', '-', '\t'), { maxLength: 20 }), fc.nat(), (number, noise, seed) => {
        let messy = number.toLowerCase();
        noise.forEach((char, i) => {
          const at = (seed + i * 7) % (messy.length + 1);
          messy = messy.slice(0, at) + char + messy.slice(at);
        });
        expect(normaliseDocumentNumber(messy)).toBe(number);
      }),
    );
  });
});

describe('document keys', () => {
  test('issuer, type and number joined by the unit separator; DEU read as D', () => {
    expect(documentKey('UTO', 'passport', 'L898902C3')).toBe('UTO\u001fpassport\u001fL898902C3');
    expect(documentKey('DEU', 'identity-card', 'T22000129')).toBe(documentKey('D', 'identity-card', 'T22000129'));
    expect(documentKey('UTO', 'passport', 'A1')).not.toBe(documentKey('UTO', 'visa', 'A1'));
  });

  test('normalisedDocumentKey normalises every part and refuses bad ones', () => {
    expect(normalisedDocumentKey('deu', 'passport', 'c01x 00t47')).toBe('D\u001fpassport\u001fC01X00T47');
    expect(() => normalisedDocumentKey('ZZZ', 'passport', 'A1')).toThrow(IssuerError);
    expect(() => normalisedDocumentKey('UTO', 'passport', 'A/1')).toThrow(DocumentNumberError);
  });
});
