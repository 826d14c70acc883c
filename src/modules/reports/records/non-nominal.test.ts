import fc from 'fast-check';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import { describe, expect, test } from 'vitest';
import { findIdentifiers } from './non-nominal.js';

// findIdentifiers skips libphonenumber for texts without a plus sign (imports check every row):
// that shortcut must never miss a number libphonenumber would find.
const PHONEISH = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ' ', '-', '(', ')', '.', '/', 'x', 't', 'e', 'l', ':', '#', '*', ';', ',', '0', '0', '1'];

describe('the narrative check', () => {
  test('libphonenumber finds no number in a text without a plus sign, so skipping it there changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PHONEISH), { minLength: 3, maxLength: 40 }), (chars) => {
        const text = chars.join('');
        expect(findPhoneNumbersInText(text, { defaultCallingCode: undefined, extended: false })).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  test('numbers written with a plus, ASCII or full-width, are still found', () => {
    expect(findIdentifiers('call +61 2 9374 4000 tonight').map((found) => found.kind)).toContain('phone number');
    expect(findIdentifiers('call \uFF0B61 2 9374 4000 tonight').map((found) => found.kind)).toContain('phone number');
    expect(findIdentifiers('Wooden boat with 45 people intercepted 12 nm off the coast in 2019')).toEqual([]);
  });
});
