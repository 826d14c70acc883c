/**
 * Reading one cell of an import into a value, or a message a person can act on. Every reader takes
 * the trimmed text; an empty cell is `undefined` (the field is left out).
 */

export class CellError extends Error {}

function isBlank(text: string): boolean {
  return text.trim() === '';
}

/** A whole number, 0 or more. "1,000" and "1.5" are refused rather than guessed at. */
export function readCount(text: string): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (/^-\d+$/.test(value)) throw new CellError(`must not be negative (${value})`);
  if (!/^\d{1,9}$/.test(value)) throw new CellError(`must be a whole number, written with digits only (${value.slice(0, 40)})`);
  return Number(value);
}

/** A decimal number with a point: "12.5". */
export function readDecimal(text: string, min: number, max: number): number | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  if (!/^-?\d{1,12}(\.\d{1,15})?$/.test(value)) throw new CellError(`must be a number written with a decimal point (${value.slice(0, 40)})`);
  const number = Number(value);
  if (number < min || number > max) throw new CellError(`must be between ${min} and ${max} (${value})`);
  return number;
}

/** A calendar date, YYYY-MM-DD, that exists (2019-02-30 does not). */
export function readDate(text: string): string | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00(?:\.000)?Z?)?$/.exec(value);
  if (!match) throw new CellError(`must be a date written YYYY-MM-DD (${value.slice(0, 40)})`);
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) throw new CellError(`is not a real date (${value.slice(0, 10)})`);
  return value.slice(0, 10);
}

/** A list: items separated by semicolons, spaces around them ignored. */
export function readList(text: string): string[] | undefined {
  if (isBlank(text)) return undefined;
  return text.split(';').map((item) => item.trim()).filter((item) => item !== '');
}

/** A code in capitals (country, currency): the cell is trimmed and upper-cased. */
export function readCode(text: string): string | undefined {
  const value = text.trim().toUpperCase();
  return value === '' ? undefined : value;
}

export function readText(text: string): string | undefined {
  const value = text.trim();
  return value === '' ? undefined : value;
}

export function readBoolean(text: string): boolean | undefined {
  const value = text.trim().toLowerCase();
  if (value === '') return undefined;
  if (['true', 'yes', '1'].includes(value)) return true;
  if (['false', 'no', '0'].includes(value)) return false;
  throw new CellError(`must be true or false (${value.slice(0, 20)})`);
}
