/**
 * Type parsers shared by both drivers, so rows look the same on PGlite and on PostgreSQL:
 * int8 as number (counts and ids stay far below 2^53), date as 'YYYY-MM-DD' text, timestamptz as
 * Date, text[] as string[]. The last two are written here rather than left to the drivers' generic
 * ones because every list reads them on every row: these read the server's output by position and
 * allocate nothing but the result, where the generic parsers were a noticeable part of a list's work.
 */
export const INT8 = 20;
export const DATE = 1082;
export const TIMESTAMPTZ = 1184;
export const TEXT_ARRAY = 1009;

const digit = (text: string, at: number): number => text.charCodeAt(at) - 48;
const two = (text: string, at: number): number => digit(text, at) * 10 + digit(text, at + 1);

/**
 * A timestamptz as the server writes it with DateStyle ISO: `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`,
 * a year of four or more digits, ` BC` after it for years before 1 AD; `infinity` and `-infinity`
 * read as an invalid Date. Milliseconds are kept, as a JavaScript Date holds no more.
 */
export function parseTimestamptz(text: string): Date {
  if (text === 'infinity' || text === '-infinity') return new Date(Number.NaN);
  let end = text.length;
  const bc = text.endsWith(' BC');
  if (bc) end -= 3;
  const yearEnd = text.indexOf('-', 1);
  let year = 0;
  for (let i = 0; i < yearEnd; i++) year = year * 10 + digit(text, i);
  if (bc) year = 1 - year;
  const month = two(text, yearEnd + 1);
  const day = two(text, yearEnd + 4);
  const at = yearEnd + 7; // hours
  const hours = two(text, at);
  const minutes = two(text, at + 3);
  const seconds = two(text, at + 6);
  let i = at + 8;
  let milliseconds = 0;
  if (text.charCodeAt(i) === 46 /* . */) {
    let scale = 100;
    for (i++; i < end; i++) {
      const d = digit(text, i);
      if (d < 0 || d > 9) break;
      milliseconds += d * scale;
      scale /= 10;
    }
    milliseconds = Math.floor(milliseconds);
  }
  let offsetSeconds = 0;
  if (i < end) {
    const sign = text.charCodeAt(i) === 45 /* - */ ? -1 : 1;
    offsetSeconds = two(text, i + 1) * 3600;
    if (i + 3 < end) offsetSeconds += two(text, i + 4) * 60;
    if (i + 6 < end) offsetSeconds += two(text, i + 7);
    offsetSeconds *= sign;
  }
  // Date.UTC reads years 0–99 as 1900–1999: set the year apart.
  const date = new Date(Date.UTC(2000, month - 1, day, hours, minutes, seconds, milliseconds));
  date.setUTCFullYear(year);
  date.setTime(date.getTime() - offsetSeconds * 1000);
  return date;
}

/**
 * A one-dimensional text[] as the server writes it: `{a,"b c","with \"quote\"",NULL}`. Elements
 * are quoted when they hold anything special (then backslash escapes apply); an unquoted NULL is
 * null. Arrays of more dimensions nest.
 */
export function parseTextArray(text: string): unknown[] {
  // A lower bound other than 1 is written first: `[0:1]={a,b}`.
  const start = text.charCodeAt(0) === 91 /* [ */ ? text.indexOf('=') + 1 : 0;
  const [array] = readArray(text, start);
  return array;
}

function readArray(text: string, start: number): [unknown[], number] {
  const out: unknown[] = [];
  let i = start + 1; // past '{'
  if (text.charCodeAt(i) === 125 /* } */) return [out, i + 1];
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      const [inner, next] = readArray(text, i);
      out.push(inner);
      i = next;
    } else if (c === 34 /* " */) {
      let value = '';
      let from = i + 1;
      for (i = from; ; i++) {
        const q = text.charCodeAt(i);
        if (q === 92 /* \ */) {
          value += text.slice(from, i);
          i++;
          from = i;
        } else if (q === 34) break;
      }
      out.push(value + text.slice(from, i));
      i++;
    } else {
      let next = i;
      while (text.charCodeAt(next) !== 44 /* , */ && text.charCodeAt(next) !== 125) next++;
      const value = text.slice(i, next);
      out.push(value === 'NULL' ? null : value);
      i = next;
    }
    // Now at ',' or '}'.
    if (text.charCodeAt(i) === 125) return [out, i + 1];
    i++;
  }
}

export const parsers: Record<number, (value: string) => unknown> = {
  [INT8]: (value) => Number(value),
  [DATE]: (value) => value,
  [TIMESTAMPTZ]: parseTimestamptz,
  [TEXT_ARRAY]: parseTextArray,
};
