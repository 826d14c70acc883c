import { isCountryCode } from '../../../platform/geo/countries.js';
import { EntityError } from '../../../platform/entities.js';
import { compactCode, plainWords } from './text.js';

/**
 * An IMO ship identification number: seven digits whose last is the check digit (the first six
 * weighted 7 to 2, summed, modulo 10). `IMO 9074729` and `9074729` are the same ship.
 */
export function normaliseImo(raw: string): string {
  const digits = compactCode(raw).replace(/^IMO/, '');
  if (!/^\d{7}$/.test(digits)) throw new EntityError('an IMO number has seven digits, such as IMO 9074729', 'imo');
  let sum = 0;
  for (let index = 0; index < 6; index++) sum += Number(digits[index]) * (7 - index);
  if (sum % 10 !== Number(digits[6])) throw new EntityError(`IMO ${digits} fails its check digit (the last digit would be ${sum % 10})`, 'imo');
  return digits;
}

/**
 * A Maritime Mobile Service Identity: nine digits. A ship's begins with its flag's maritime
 * identification digits (2–7); coast stations, groups and SAR aircraft begin otherwise and are kept too.
 */
export function normaliseMmsi(raw: string): string {
  const digits = compactCode(raw).replace(/^MMSI/, '');
  if (!/^\d{9}$/.test(digits)) throw new EntityError('an MMSI has nine digits, such as 525012345', 'mmsi');
  return digits;
}

/** Prefixes of ships' names that say what kind of vessel it is, not which (MV, KM, FV, …). */
const VESSEL_PREFIXES = /^(?:M ?V|M ?T|F ?V|F ?B|M ?Y|S ?S|KM|KMP|KLM|KAPAL MOTOR|MB|BANGKA|BOAT|VESSEL) /;

function country(raw: string | undefined, field: string, what: string): string {
  const code = (raw ?? '').trim().toUpperCase();
  if (!isCountryCode(code)) throw new EntityError(`${what} is an ISO 3166-1 alpha-3 country code, such as IDN`, field);
  return code;
}

/** A vessel's name with its flag (`IDN:SINAR BAHARI`): the name in Latin capitals, its type prefix dropped. */
export function normaliseVesselName(name: string, flag: string | undefined): string {
  const words = plainWords(name).replace(VESSEL_PREFIXES, '');
  if (words === '') throw new EntityError('the vessel name is empty', 'name');
  return `${country(flag, 'flag', 'a vessel name needs its flag, which')}:${words}`;
}

/** A vehicle's number plate with its country (`THA:1KK1234`): capitals and digits only, look-alikes folded. */
export function normalisePlate(plate: string, registered: string | undefined): string {
  const code = compactCode(plate);
  if (code.length < 2 || code.length > 12) throw new EntityError('a number plate has 2–12 letters and digits', 'plate');
  return `${country(registered, 'country', 'a number plate needs its country, which')}:${code}`;
}
