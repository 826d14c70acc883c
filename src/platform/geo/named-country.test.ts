import { describe, expect, test } from 'vitest';
import { countryNamedIn } from './named-country.js';

describe('countryNamedIn', () => {
  test('the country a place names, as sources write places', () => {
    expect(countryNamedIn('Port of Ceuta, Spain')).toBe('ESP');
    expect(countryNamedIn('Bodies found on boat near Sado Island, Niigata, Japan')).toBe('JPN');
    expect(countryNamedIn('Van lake near Adilcevaz, Bitlis, Turkey')).toBe('TUR');
    expect(countryNamedIn('Unspecififed location off the coast of Algeria')).toBe('DZA');
    expect(countryNamedIn('Sasabe, Pima County, Arizona, USA')).toBe('USA');
  });

  test('the last part decides when several countries are named', () => {
    expect(countryNamedIn('Near the border with Mexico, Sunland Park, New Mexico, USA')).toBe('USA');
    expect(countryNamedIn('Bay of Bengal - departed from Myanmar, Rakhine State')).toBe('MMR');
  });

  test('longer names are found before the shorter names inside them', () => {
    expect(countryNamedIn('Juba, South Sudan')).toBe('SSD');
    expect(countryNamedIn('Port Moresby, Papua New Guinea')).toBe('PNG');
    expect(countryNamedIn('Niamey, Niger')).toBe('NER');
    expect(countryNamedIn('Lagos, Nigeria')).toBe('NGA');
  });

  test('no country, or no one country, names none', () => {
    expect(countryNamedIn('Unspecified location between Egypt and Italy')).toBeUndefined();
    expect(countryNamedIn('Central Mediteranean')).toBeUndefined();
    expect(countryNamedIn('Brazzaville, Congo')).toBeUndefined(); // two countries are called Congo
    expect(countryNamedIn('found by us near the coast')).toBeUndefined(); // "us" is a word, not the USA
    expect(countryNamedIn('')).toBeUndefined();
  });
});
