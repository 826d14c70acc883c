import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openTestDatabase, TEST_DB_KIND, type TestDatabase } from '../../../../../test/support/db.js';
import { analysedPlan, rowsRead } from '../../../../../test/support/plan.js';
import { sql } from '../../../../platform/db/sql.js';
import type { ReportInput } from '../../schemas.js';
import { batchStatement, COLUMNS, columnValue, INCOMING, keyedReport, prepareBatch, writeBatch, type ColumnKind, type KeyedReport } from './bulk-insert.js';

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

describe(`an import batch's search for rows imported before (${TEST_DB_KIND})`, () => {
  let t: TestDatabase;
  const userId = '6d1f5b2e-8f4a-4c3e-9a57-3b0f6a1c2d4e';
  const target = { member: 'AAA', userId, source: 'lintas', status: 'draft' as const };
  const input = (dead: number): ReportInput => ({ incidentType: 'smuggling-sea', where: { country: 'IDN' }, outcomes: { dead }, sharing: { audience: { kind: 'all' }, tlp: 'GREEN' } });
  const batchOf = (keys: string[], dead = 1): KeyedReport[] => keys.map((key, index) => keyedReport(index + 2, key, input(dead)));
  const keys = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, index) => `${prefix}-${index}`);

  beforeAll(async () => {
    t = await openTestDatabase();
    await t.db.ownerTransaction(async (tx) => {
      await tx.query(sql`INSERT INTO members (code, name, kind, status) VALUES ('AAA', 'Member AAA', 'state', 'member'), ('BBB', 'Member BBB', 'state', 'member')`);
      await tx.query(sql`INSERT INTO users (id, member, name, email, roles) VALUES (${userId}, 'AAA', 'Importer', 'importer@aaa.test', ${['officer']})`);
      await tx.query(sql`INSERT INTO reports (owner, code_list_version, country, incident_type, status, audience_kind, tlp, import_source, import_key)
        SELECT 'BBB', 1, 'IDN', 'smuggling-sea', 'draft', 'all', 'GREEN', 'lintas', 'O-' || g FROM generate_series(1, 2000) g`);
      // Statistics taken before the member imports anything, as at the start of a large import.
      await tx.execScript('ANALYZE reports');
    });
  });
  afterAll(() => t.close());

  test('is one probe a row, however many rows the member imported before, and finds exactly those', async () => {
    const before = batchOf(keys('P', 400));
    const first = await t.db.transaction({ member: 'AAA' }, (tx) => writeBatch(tx, target, prepareBatch(before), true));
    expect(first).toEqual({ inserted: 400, existing: [] });

    // Ten new keys and five imported before: two with the same content, three changed.
    const next = [...batchOf(keys('Q', 10)), ...batchOf(['P-1', 'P-2']), ...batchOf(['P-3', 'P-4', 'P-5'], 7)].map((report, index) => ({ ...report, row: index + 2 }));
    const plan = await t.db.transaction({ member: 'AAA' }, (tx) => analysedPlan(tx, batchStatement(target, prepareBatch(next), false)));
    // The five found and nothing else: not the 400 rows of the member's first batch, nor the others'.
    // (EXPLAIN gives rows a loop as an average, which PostgreSQL 15 rounds: 5 of 15 probes show 0.)
    expect(rowsRead(plan, 'reports')).toBeLessThanOrEqual(5);

    const second = await t.db.transaction({ member: 'AAA' }, (tx) => writeBatch(tx, target, prepareBatch(next), true));
    expect(second.inserted).toBe(10);
    expect(second.existing.map(({ line, same }) => [line, same]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [12, true], [13, true], [14, false], [15, false], [16, false],
    ]);
    const stored = await t.db.ownerTransaction((tx) => tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM reports WHERE owner = 'AAA'`));
    expect(stored.n).toBe(410);
  });
});
