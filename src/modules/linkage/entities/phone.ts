import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { alpha2FromAlpha3 } from '../../../platform/geo/countries.js';
import { EntityError } from '../../../platform/entities.js';
import { toAscii } from './text.js';

/** Digits of any script (Thai, Arabic-Indic, full-width, …) as ASCII digits; nothing else changes. */
function asciiDigits(raw: string): string {
  return raw.normalize('NFKC').replace(/\p{Nd}/gu, (digit) => toAscii(digit));
}

/**
 * A phone number in E.164 (`+6281234567890`). A number written without its country code is read in
 * the record's country (alpha-3), as an officer of that country writes it; `00` and the country's own
 * international prefix read as `+`. Throws `EntityError` when it cannot be a number of any country.
 */
export function normalisePhone(raw: string, country?: string): string {
  const text = asciiDigits(raw).trim();
  if (!/\d/.test(text)) throw new EntityError('a phone number holds digits');
  const region = country ? (alpha2FromAlpha3(country) as CountryCode | undefined) : undefined;
  // `00` then a country code is the international prefix of most countries; read it so first, then
  // as the record's country writes numbers; a valid number wins over one that is only possible.
  const bare = text.replace(/[\s().-]/g, '');
  const candidates = /^00[1-9]/.test(bare) ? [`+${bare.slice(2)}`, text] : [text];
  const parsed = candidates.map((candidate) => parsePhoneNumberFromString(candidate, region ? { defaultCountry: region } : undefined));
  const found = parsed.find((number) => number?.isValid()) ?? parsed.find((number) => number?.isPossible());
  if (found) return found.number;
  throw new EntityError(
    region
      ? `"${raw.trim()}" is not a possible phone number in ${country} nor in international form (+ and the country code)`
      : `"${raw.trim()}" is not a possible phone number in international form (+ and the country code); give the record's country to read a national number`,
  );
}
