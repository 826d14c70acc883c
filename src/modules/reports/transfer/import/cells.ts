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

/** Which of two numbers comes first in a date written with numbers only (01/09/2020). */
export type DateOrder = 'day-first' | 'month-first';

/** A date as read, and the shape it was written in (said back to the user: "dates read as D-Mon-YY"). */
export interface DateRead {
  date: string;
  format: string;
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A month's name or its abbreviation of three letters or more ("Sep", "Sept", "September"), or -1. */
function monthOf(name: string): number {
  const lower = name.toLowerCase();
  if (lower.length < 3) return -1;
  return MONTH_NAMES.findIndex((month) => month.startsWith(lower) || (lower === 'sept' && month === 'september'));
}

/** A two-digit year is in this century unless that is after this year (95 → 1995, 20 → 2020). */
function fullYear(year: string): number {
  if (year.length === 4) return Number(year);
  const candidate = 2000 + Number(year);
  return candidate > new Date().getUTCFullYear() ? candidate - 100 : candidate;
}

function dateOf(year: number, month: number, day: number, value: string): string {
  const date = new Date(Date.UTC(year, month, day));
  date.setUTCFullYear(year);
  if (month < 0 || month > 11 || date.getUTCMonth() !== month || date.getUTCDate() !== day) throw new CellError(`is not a real date (${value.slice(0, 40)})`);
  return date.toISOString().slice(0, 10);
}

/**
 * A calendar date that exists, in the shapes spreadsheets and exports write: ISO (2020-09-01, and a
 * spreadsheet's date cell, read as 2020-09-01T00:00:00.000Z), 1-Sep-20 and 01-Sep-2020, 1 September
 * 2020, September 01, 2020 (Sep. 1, 2020), and numbers only (01/09/2020, 01.09.2020) when `order`
 * says which comes first: read without it, such a date is refused, never guessed.
 */
export function readDateAs(text: string, order?: DateOrder): DateRead | undefined {
  const value = text.trim();
  if (value === '') return undefined;
  let match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value);
  if (match) return { date: dateOf(Number(match[1]), Number(match[2]) - 1, Number(match[3]), value), format: 'YYYY-MM-DD' };
  match = /^(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ](\d{2}|\d{4})$/.exec(value);
  if (match) {
    const month = monthOf(match[2] ?? '');
    if (month < 0) throw new CellError(`has no month called "${match[2]}" (${value.slice(0, 40)})`);
    const dash = value.includes('-');
    const format = `D${dash ? '-' : ' '}${(match[2] ?? '').length === 3 ? 'Mon' : 'Month'}${dash ? '-' : ' '}${(match[3] ?? '').length === 2 ? 'YY' : 'YYYY'}`;
    return { date: dateOf(fullYear(match[3] ?? ''), month, Number(match[1]), value), format };
  }
  match = /^([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})$/.exec(value);
  if (match) {
    const month = monthOf(match[1] ?? '');
    if (month < 0) throw new CellError(`has no month called "${match[1]}" (${value.slice(0, 40)})`);
    return { date: dateOf(Number(match[3]), month, Number(match[2]), value), format: 'Month D, YYYY' };
  }
  match = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})$/.exec(value);
  if (match) {
    if (!order) {
      throw new CellError(`is written with numbers only (${value.slice(0, 40)}): say in the import's options whether the day or the month comes first`);
    }
    const [first, second] = [Number(match[1]), Number(match[3])];
    const [day, month] = order === 'day-first' ? [first, second] : [second, first];
    const separator = match[2] ?? '/';
    const year = (match[4] ?? '').length === 2 ? 'YY' : 'YYYY';
    const format = order === 'day-first' ? `DD${separator}MM${separator}${year}` : `MM${separator}DD${separator}${year}`;
    return { date: dateOf(fullYear(match[4] ?? ''), month - 1, day, value), format };
  }
  throw new CellError(`must be a date, such as 2020-09-01, 1-Sep-20 or September 1, 2020 (${value.slice(0, 40)})`);
}

/** A calendar date in any shape `readDateAs` reads, as YYYY-MM-DD. */
export function readDate(text: string, order?: DateOrder): string | undefined {
  return readDateAs(text, order)?.date;
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

/** What exports write for "no value": read as an empty cell by every format (compared in lower case). */
const BLANK_MARKERS = new Set(['null', 'n/a', '-']);

/** Whether a cell says "no value" in words: `NULL`, `N/A`, `n/a` or `-` (spaces around ignored). */
export function isBlankMarker(text: string): boolean {
  return text.length <= 8 && BLANK_MARKERS.has(text.trim().toLowerCase());
}

// The characters Windows-1252 gives the bytes 0x80–0x9F; its five undefined bytes stay Latin-1's control characters.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const BYTE_OF = new Map<string, number>(Array.from({ length: CP1252_HIGH.length }, (_, index) => [CP1252_HIGH.charAt(index), 0x80 + index]));
// A lead byte of a two-to-four-byte UTF-8 sequence followed by a continuation byte, both shown as Windows-1252.
const MOJIBAKE = /[\u00C2-\u00F4][\u0080-\u00BF€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes of a text written in Windows-1252 (or Latin-1), or undefined when a character is in neither. */
function cp1252Bytes(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const byte = code < 0x80 || (code >= 0xa0 && code <= 0xff) ? code : (BYTE_OF.get(text[i] as string) ?? (code <= 0x9f ? code : undefined));
    if (byte === undefined) return undefined;
    bytes[i] = byte;
  }
  return bytes;
}

/**
 * Text that was UTF-8, read as Windows-1252 (or Latin-1) and saved again ("JuÃ¡rez"), repaired
 * ("Juárez"), or undefined when the text does not look like that. Repaired only when every
 * character has its Windows-1252 byte and the bytes are valid UTF-8 without control characters,
 * so text that merely holds "Ã" is left as it is. Done again for text broken twice.
 */
export function repairMojibake(text: string): string | undefined {
  let current = text;
  for (let round = 0; round < 3 && MOJIBAKE.test(current); round++) {
    const bytes = cp1252Bytes(current);
    if (!bytes) break;
    let repaired: string;
    try {
      repaired = UTF8.decode(bytes);
    } catch {
      break;
    }
    if (/[\u0080-\u009F\uFFFD]/.test(repaired)) break;
    current = repaired;
  }
  return current === text ? undefined : current;
}

const excerpt = (text: string): string => (text.length <= 60 ? text : `${text.slice(0, 59)}…`);

/**
 * A row's cells made ready for any format, in place: words for "no value" (`isBlankMarker`) become
 * empty and mojibake is repaired (`repairMojibake`), each repair reported as a warning.
 */
export function cleanCells(cells: Record<string, string>): { column: string; message: string }[] {
  const warnings: { column: string; message: string }[] = [];
  for (const column in cells) {
    const text = cells[column] as string;
    if (text === '') continue;
    if (isBlankMarker(text)) {
      cells[column] = '';
      continue;
    }
    const repaired = repairMojibake(text);
    if (repaired !== undefined) {
      cells[column] = repaired;
      warnings.push({ column, message: `repaired text that was UTF-8 read as Windows-1252: "${excerpt(text)}" is read as "${excerpt(repaired)}"` });
    }
  }
  return warnings;
}
