import { describe, expect, test } from 'vitest';
import { CellError, cleanCells, isBlankMarker, readDateAs, repairMojibake } from './cells.js';

describe('readDateAs', () => {
  test.each([
    ['2020-09-01', '2020-09-01', 'YYYY-MM-DD'],
    ['2020-09-01T00:00:00.000Z', '2020-09-01', 'YYYY-MM-DD'], // a spreadsheet's date cell
    ['1-Sep-20', '2020-09-01', 'D-Mon-YY'],
    ['01-Sep-2020', '2020-09-01', 'D-Mon-YYYY'],
    ['1 September 2020', '2020-09-01', 'D Month YYYY'],
    ['September 01, 2020', '2020-09-01', 'Month D, YYYY'],
    ['Sep. 1, 2020', '2020-09-01', 'Month D, YYYY'],
    ['Sept 1, 2020', '2020-09-01', 'Month D, YYYY'],
    ['29-Feb-24', '2024-02-29', 'D-Mon-YY'],
    ['3-Mar-95', '1995-03-03', 'D-Mon-YY'],
  ])('%s is %s, written %s', (text, date, format) => {
    expect(readDateAs(text)).toEqual({ date, format });
  });

  test('numbers only take their order from the options, and are refused without it', () => {
    expect(readDateAs('01/09/2020', 'day-first')).toEqual({ date: '2020-09-01', format: 'DD/MM/YYYY' });
    expect(readDateAs('09/01/2020', 'month-first')).toEqual({ date: '2020-09-01', format: 'MM/DD/YYYY' });
    expect(readDateAs('01.09.20', 'day-first')).toEqual({ date: '2020-09-01', format: 'DD.MM.YY' });
    expect(() => readDateAs('01/09/2020')).toThrow(/day or the month comes first/);
    expect(() => readDateAs('13/01/2020', 'month-first')).toThrow(/not a real date/);
  });

  test('dates that do not exist, unknown months and other text are refused; blanks are empty', () => {
    expect(readDateAs('  ')).toBeUndefined();
    for (const text of ['31-Feb-20', '2019-02-30', '1-Foo-20', 'yesterday', '2020/09']) expect(() => readDateAs(text)).toThrow(CellError);
  });
});

describe('cells that say nothing, and mojibake', () => {
  test('NULL, N/A, n/a and "-" are empty; text that merely holds them is not', () => {
    for (const text of ['NULL', 'null', ' N/A ', 'n/a', '-']) expect(isBlankMarker(text)).toBe(true);
    for (const text of ['NULLS', 'N/A route', '--', '-1', 'None', '']) expect(isBlankMarker(text)).toBe(false);
  });

  test.each([
    ['JuÃ¡rez', 'Juárez'],
    ["CÃ´te d'Ivoire", "Côte d'Ivoire"],
    ['Pulau Rote â€“ NTT', 'Pulau Rote – NTT'], // an en dash: bytes 0x80 and 0x93 as Windows-1252 shows them
    ['Ã…land', 'Åland'],
    ['GdaÅ„sk', 'Gdańsk'],
    ['ÃƒÂ©', 'é'], // broken twice
  ])('%s is repaired to %s', (text, repaired) => {
    expect(repairMojibake(text)).toBe(repaired);
  });

  test('text that is not mojibake is left alone: Latin-1 words, a lone Ã, text with characters Windows-1252 does not have', () => {
    for (const text of ['São Tomé', 'Ã', 'ÃO PAULO', 'Juárez', 'Ã© and Ł', 'plain text', 'Â']) expect(repairMojibake(text)).toBeUndefined();
  });

  test('cleanCells empties the markers and repairs in place, with one warning per repair', () => {
    const cells = { place: 'JuÃ¡rez', dead: 'NULL', missing: 'n/a', narrative: 'Drowning' };
    expect(cleanCells(cells)).toEqual([{ column: 'place', message: 'repaired text that was UTF-8 read as Windows-1252: "JuÃ¡rez" is read as "Juárez"' }]);
    expect(cells).toEqual({ place: 'Juárez', dead: '', missing: '', narrative: 'Drowning' });
  });
});
