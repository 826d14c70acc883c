import { describe, expect, test } from 'vitest';
import { Problem } from '../errors.js';
import { parseCsv } from './csv.js';
import { readTable, type TableOptions } from './tabular.js';

const columns = ['id', 'name', 'count'];

/** The table with its rows read through. */
async function readAll(content: Buffer, options: TableOptions) {
  const table = await readTable(content, options);
  return { ...table, rows: [...table.rows] };
}

/** What reading the rows threw. */
function thrownByRows(rows: Iterable<unknown>): { seen: number; error: unknown } {
  let seen = 0;
  try {
    for (const row of rows) if (row) seen++;
  } catch (error) {
    return { seen, error };
  }
  return { seen, error: undefined };
}

describe('readTable', () => {
  test('UTF-16 with its BOM, tab-separated', async () => {
    const text = 'id\tname\tcount\r\n1\tSão Tomé\t3\r\n';
    const table = await readAll(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), { columns });
    expect(table).toMatchObject({ format: 'csv', encoding: 'utf-16le', delimiter: '\t', header: columns });
    expect(table.rows).toEqual([{ row: 2, cells: { id: '1', name: 'São Tomé', count: '3' }, extraCells: 0 }]);
  });

  test('a UTF-8 BOM, bars, header names matched loosely, blank rows left out but counted', async () => {
    const table = await readAll(Buffer.from('\uFEFF ID | Name|COUNT\n\n2|x|1|extra\n', 'utf8'), { columns });
    expect(table).toMatchObject({ encoding: 'utf-8', delimiter: '|' });
    expect(table.rows).toEqual([{ row: 3, cells: { id: '2', name: 'x', count: '1' }, extraCells: 1 }]);
  });

  test('a broken quote is a 400 naming the line, thrown by the rows after the rows before it', async () => {
    const good = Array.from({ length: 30_000 }, (_, i) => `${i},a`).join('\n');
    const table = await readTable(Buffer.from(`id,name\n${good}\n30000,"open\n`), { columns });
    const { seen, error } = thrownByRows(table.rows);
    // The slices before the one holding the broken quote were handed out (the first one at least).
    expect(seen).toBeGreaterThan(10_000);
    expect(seen).toBeLessThan(30_000);
    expect(error).toBeInstanceOf(Problem);
    expect((error as Problem).status).toBe(400);
    expect((error as Problem).errors?.[0]?.pointer).toBe('/lines/30002');
  });

  test('rows are read slice by slice as they are iterated, the same as the whole text parsed at once, and again on each iteration', async () => {
    // Over a megabyte: quoted fields with delimiters, doubled quotes and line breaks, characters of
    // several scripts and CRLF endings, so slices end inside quotes, records and line breaks.
    const names = ['Zoë', 'Nguyễn "Bé"', '東京, 港区', 'line\r\nbreak', 'plain', '🚤 boat'];
    const quote = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
    const lines = ['id,name,count'];
    for (let i = 0; i < 40_000; i++) lines.push([`R${i}`, quote(`${names[i % names.length]} ${i}`), String(i % 97)].join(','));
    lines.splice(20_001, 0, 'id,name,count', '');
    const text = `${lines.join('\r\n')}\r\n`;
    expect(text.length).toBeGreaterThan(1_000_000);
    const expected = parseCsv(text, ',').slice(1)
      .map((cells, index) => ({ row: index + 2, cells: { id: cells[0], name: cells[1], count: cells[2] }, extraCells: 0 }))
      .filter((row) => row.cells.id !== 'id' && row.cells.id !== '');
    const table = await readTable(Buffer.from(text), { columns });
    expect([...table.rows]).toEqual(expected);
    expect(table.skipped).toEqual([{ row: 20_002, reason: 'a repeated header row' }]);
    expect([...table.rows]).toHaveLength(40_000);
    expect(table.skipped).toHaveLength(1);
  });

  test('every cell too long is refused together once the rows are read', async () => {
    const long = 'x'.repeat(11);
    const table = await readTable(Buffer.from(`id,name\n1,${long}\n2,ok\n${long},${long}\n`), { columns, maxCellLength: 10 });
    const { seen, error } = thrownByRows(table.rows);
    expect(seen).toBe(3);
    expect((error as Problem).errors?.map((e) => e.pointer)).toEqual(['/rows/2/name', '/rows/4/id', '/rows/4/name']);
  });

  test('binary bytes that are neither CSV nor XLSX are refused', async () => {
    const error = await readTable(Buffer.from([0x00, 0x01, 0x02, 0x03]), { columns }).catch((e: unknown) => e);
    expect((error as Problem).errors?.[0]?.detail).toMatch(/neither CSV text nor an XLSX/);
  });

  test('the size and row limits are 413s naming the limit', async () => {
    const big = await readTable(Buffer.from('id\n1\n'), { columns, maxBytes: 3 }).catch((e: unknown) => e);
    expect((big as Problem).status).toBe(413);
    // Refused before any row is handed out, though rows are otherwise read as they are iterated.
    const many = await readTable(Buffer.from('id\n1\n2\n3\n'), { columns, maxRows: 2 }).catch((e: unknown) => e);
    expect((many as Problem).status).toBe(413);
    expect((many as Problem).detail).toMatch(/more than 2 data rows/);
    // More lines than the limit allows rows, but blank ones and quoted line breaks: within it.
    const spread = await readAll(Buffer.from('id,name\n1,"a\nb\nc"\n\n\n2,x\n'), { columns, maxRows: 2 });
    expect(spread.rows.map((row) => row.cells.id)).toEqual(['1', '2']);
  });
});
