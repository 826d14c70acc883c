import countries from 'i18n-iso-countries';
import english from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(english);

/** Whether a code is an ISO 3166-1 alpha-3 country code. */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && countries.isValid(code);
}

/** The English short name of an alpha-3 code, or the code itself when unknown. */
export function countryName(code: string): string {
  return countries.getName(code, 'en', { select: 'official' }) ?? code;
}

/** The alpha-3 code of an ISO numeric code (as Natural Earth and world-atlas key their shapes). */
export function alpha3FromNumeric(numeric: string | number): string | undefined {
  return countries.numericToAlpha3(String(numeric).padStart(3, '0'));
}

/** Every alpha-3 code with its name, for pickers. */
export function allCountries(): { code: string; name: string }[] {
  return Object.entries(countries.getNames('en', { select: 'official' }))
    .map(([alpha2, name]) => ({ code: countries.alpha2ToAlpha3(alpha2) ?? alpha2, name }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The alpha-2 code of an alpha-3 code (as libphonenumber keys its regions), or undefined when unknown. */
export function alpha2FromAlpha3(code: string): string | undefined {
  return isCountryCode(code) ? countries.alpha3ToAlpha2(code) : undefined;
}

/** The alpha-3 code of an alpha-2 code (as STIX locations give countries), or undefined when unknown. */
export function alpha3FromAlpha2(code: string): string | undefined {
  return /^[A-Za-z]{2}$/.test(code) ? countries.alpha2ToAlpha3(code.toUpperCase()) : undefined;
}

/** The alpha-3 code of an English country name, or undefined when none is known by it. */
export function alpha3FromName(name: string): string | undefined {
  return countries.getAlpha3Code(name, 'en');
}
