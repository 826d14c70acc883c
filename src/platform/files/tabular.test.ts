import { describe, expect, test } from 'vitest';
import { Problem } from '../http/problem.js';
import { readTable } from './tabular.js';

const columns = ['id', 'name', 'count'];

describe('readTable', () => {
  test('UTF-16 with its BOM, tab-separated', async () => {
    const text = 'id\tname\tcount\r\n1\tSão Tomé\t3\r\n';
    const table = await readTable(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), { columns });
    expect(table).toMatchObject({ format: 'csv', encoding: 'utf-16le', delimiter: '\t', header: columns });
    expect(table.rows).toEqual([{ row: 2, cells: { id: '1', name: 'São Tomé', count: '3' }, extraCells: 0 }]);
  });

  test('a UTF-8 BOM, bars, header names matched loosely, blank rows left out but counted', async () => {
    const table = await readTable(Buffer.from('\uFEFF ID | Name|COUNT\n\n2|x|1|extra\n', 'utf8'), { columns });
    expect(table).toMatchObject({ encoding: 'utf-8', delimiter: '|' });
    expect(table.rows).toEqual([{ row: 3, cells: { id: '2', name: 'x', count: '1' }, extraCells: 1 }]);
  });

  test('a broken quote is a 400 naming the line, not a crash', async () => {
    const error = await readTable(Buffer.from('id,name\n1,"open\n'), { columns }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Problem);
    expect((error as Problem).status).toBe(400);
  });

  test('binary bytes that are neither CSV nor XLSX are refused', async () => {
    const error = await readTable(Buffer.from([0x00, 0x01, 0x02, 0x03]), { columns }).catch((e: unknown) => e);
    expect((error as Problem).errors?.[0]?.detail).toMatch(/neither CSV text nor an XLSX/);
  });

  test('the size and row limits are 413s naming the limit', async () => {
    const big = await readTable(Buffer.from('id\n1\n'), { columns, maxBytes: 3 }).catch((e: unknown) => e);
    expect((big as Problem).status).toBe(413);
    const many = await readTable(Buffer.from('id\n1\n2\n3\n'), { columns, maxRows: 2 }).catch((e: unknown) => e);
    expect((many as Problem).status).toBe(413);
    expect((many as Problem).detail).toMatch(/more than 2 data rows/);
  });
});
