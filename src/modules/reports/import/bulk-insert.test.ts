import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../../test/support/db.js';
import { sql } from '../../../platform/db/sql.js';
import { COLUMNS, columnValue, INCOMING, prepareBatch, type ColumnKind, type KeyedReport } from './bulk-insert.js';

/**
 * An import batch travels as one array literal per column (or one typed value when every row has
 * the same). Whatever a cell holds (quotes, backslashes, braces, commas, the word NULL, any Unicode)
 * must arrive as the value itself: each batch is compared, column by column, with the same values
 * sent as ordinary parameters.
 */

const tricky = fc.constantFrom('"', '\\', '\\"', '{', '}', ',', 'NULL', 'null', '', ' ', '\n', '\t', "'", '>', 'é', '😀');
const text = fc.array(fc.oneof(tricky, fc.string({ unit: 'binary', maxLength: 4 })), { maxLength: 8 }).map((parts) => parts.join('').replaceAll('\0', ''));
const json = fc.oneof(
  fc.array(fc.record({ from: text, to: text, mode: fc.option(text, { nil: null }) }), { maxLength: 3 }),
  fc.dictionary(text, fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
);
const dates = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2040-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

const valueOf: Record<ColumnKind, fc.Arbitrary<unknown>> = {
  text: fc.option(text, { nil: null }),
  smallint: fc.option(fc.integer({ min: -32_768, max: 32_767 }), { nil: null }),
  int: fc.option(fc.integer(), { nil: null }),
  float8: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)), { nil: null }),
  numeric: fc.option(fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100), { nil: null }),
  bool: fc.option(fc.boolean(), { nil: null }),
  date: fc.option(dates, { nil: null }),
  // deriveColumns gives jsonb columns as JSON text.
  jsonb: fc.option(json.map((value) => JSON.stringify(value)), { nil: null }),
  'text[]': fc.array(text, { maxLength: 4 }),
};

// Each column either varies per row or holds one value on every row (then the batch sends it once).
const column = ([, kind]: (typeof COLUMNS)[number]) =>
  fc.oneof(
    fc.array(valueOf[kind], { minLength: 3, maxLength: 3 }),
    valueOf[kind].map((value) => [value, value, value]),
  );
const batch = fc.tuple(...COLUMNS.map(column)).map((columns) => [0, 1, 2].map((row) => columns.map((values) => values[row])));

describe(`an import batch's values (${TEST_DB_KIND})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(() => t.close());

  test('read back exactly as the same values sent as parameters (property)', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (rows) => {
        const reports: KeyedReport[] = rows.map((values, row) => ({ row: row + 2, key: `key ${row} "é"`, values: COLUMNS.map(([, kind], i) => columnValue(kind, values[i])) }));
        const prepared = prepareBatch(reports);
        const got = await t.db.ownerTransaction((tx) => tx.query(sql`SELECT i.line, i.key, ${INCOMING} FROM ${prepared.rows} ORDER BY i.line`));
        const expected = await t.db.ownerTransaction((tx) =>
          tx.query(
            sql.join(
              rows.map((values, row) =>
                sql`SELECT ${row + 2}::int AS line, ${reports[row]!.key}::text AS key, ${sql.join(
                  COLUMNS.map(([name, kind], i) => sql`${values[i]}::${sql.raw(kind)} AS ${sql.raw(name)}`),
                )}`,
              ),
              ' UNION ALL ',
            ),
          ),
        );
        expect(got).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
