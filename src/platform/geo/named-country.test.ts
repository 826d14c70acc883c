import { describe, expect, test } from 'vitest';
import { countriesNamedIn, countryNamedIn } from './named-country.js';

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
    expect(countryNamedIn('Velika Kladuša, Bosnia and Herzegovina, near border with Croatia')).toBe('HRV');
  });

  test('longer names are found before the shorter names inside them', () => {
    expect(countryNamedIn('Juba, South Sudan')).toBe('SSD');
    expect(countryNamedIn('Port Moresby, Papua New Guinea')).toBe('PNG');
    expect(countryNamedIn('Niamey, Niger')).toBe('NER');
    expect(countryNamedIn('Lagos, Nigeria')).toBe('NGA');
  });

  test('a comment after " - " or in brackets is not the place', () => {
    expect(countryNamedIn('Off the coast of Lampedusa - boat departed from Tunisia')).toBeUndefined();
    expect(countriesNamedIn('Off the coast of Zarzis, Tunisia - boat departed from Zuwara, Libya')).toEqual({ all: ['TUN'], main: 'TUN' });
    expect(countriesNamedIn('Unknown location in the Alboran Sea, between Morocco and Spain (boat departed from Boudinar)')).toEqual({ all: ['MAR', 'ESP'], main: undefined });
  });

  test('every country named is listed, and common short names count', () => {
    expect(countriesNamedIn('Danube River near Karavukovo, Serbia, near border with Croatia')).toEqual({ all: ['SRB', 'HRV'], main: 'HRV' });
    expect(countriesNamedIn('Syria-Turkey border, near Azmarin, Idlib, Syria')).toEqual({ all: ['SYR', 'TUR'], main: 'SYR' });
  });

  test('no country, or no one country, names none', () => {
    expect(countryNamedIn('Unspecified location between Egypt and Italy')).toBeUndefined();
    expect(countryNamedIn('Central Mediteranean')).toBeUndefined();
    expect(countryNamedIn('Brazzaville, Congo')).toBeUndefined(); // two countries are called Congo
    expect(countryNamedIn('found by us near the coast')).toBeUndefined(); // "us" is a word, not the USA
    expect(countryNamedIn('')).toBeUndefined();
  });
});
