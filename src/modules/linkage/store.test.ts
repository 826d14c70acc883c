import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { makeTestApp, type TestContext } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { entityKeys, type EntityKey } from './entities/index.js';
import { analysedPlan, rowsRead } from '../../../test/support/plan.js';
import { setRecordEntities, staleEntityRows, type RecordEntities } from './store.js';

/**
 * `setRecordEntities` for many records at once (an import's thousands of reports, in chunks of a
 * thousand): after each write, each record's entity rows are exactly its last keys with its access
 * fields, a key kept keeps its row, and the rows of records not written are untouched.
 */

let t: TestContext;

beforeAll(async () => {
  t = await makeTestApp();
  await t.makeMember('SRA');
  await t.makeMember('SRB');
});
afterAll(async () => {
  await t.close();
});

interface EntityRow {
  id: string;
  record_id: string;
  kind: string;
  key: string;
  skeleton: string | null;
  birth_year: number | null;
  named_in_hits: boolean;
  audience_kind: string;
  audience_members: string[];
  tlp: string;
}

const owner: RecordEntities['access'] = { owner: 'SRA', audience_kind: 'owner', audience_members: [], audience_groups: [], tlp: 'AMBER', handling: [] };
const toSrb: RecordEntities['access'] = { owner: 'SRA', audience_kind: 'members', audience_members: ['SRB'], audience_groups: [], tlp: 'GREEN', handling: ['H1'] };
const phone = (n: number): EntityKey => entityKeys({ type: 'phone', value: `+62 812 ${String(n).padStart(7, '0')}` })[0]!;
const person = (name: string): EntityKey => entityKeys({ type: 'person', name, birthYear: 1980 })[0]!;
const record = (id: string) => ({ module: 'linkage', recordType: 'lead', id });

async function rowsOf(ids: readonly string[]): Promise<EntityRow[]> {
  return t.db.ownerTransaction((tx) =>
    tx.query<EntityRow>(sql`SELECT id, record_id, kind, key, skeleton, birth_year, named_in_hits, audience_kind, audience_members, tlp
      FROM linkage_entities WHERE record_id = ANY(${[...ids]}::uuid[]) ORDER BY record_id, kind, key`),
  );
}

/** What the rows must be: per record, its last item's keys (each once) with its access fields. */
function expected(items: readonly RecordEntities[]): Omit<EntityRow, 'id'>[] {
  const last = new Map(items.map((item) => [item.record.id, item]));
  return [...last.values()]
    .flatMap(({ record: { id }, access, namedInHits, keys }) =>
      [...new Map(keys.map((key) => [`${key.kind} ${key.key}`, key])).values()].map((key) => ({
        record_id: id,
        kind: key.kind,
        key: key.key,
        skeleton: key.kind === 'person' ? key.person.skeleton : null,
        birth_year: key.kind === 'person' ? key.person.birthYear : null,
        named_in_hits: namedInHits,
        audience_kind: access.audience_kind,
        audience_members: [...access.audience_members],
        tlp: access.tlp,
      })),
    )
    .sort((a, b) => (a.record_id + a.kind + a.key < b.record_id + b.kind + b.key ? -1 : 1));
}

const write = (items: readonly RecordEntities[]) => t.db.transaction({ member: 'SRA' }, (tx) => setRecordEntities(tx, items));
const withoutIds = (rows: EntityRow[]) => rows.map(({ id: _id, ...row }) => row).sort((a, b) => (a.record_id + a.kind + a.key < b.record_id + b.kind + b.key ? -1 : 1));

test('1,500 records written at once, then rewritten: each holds exactly its last keys and access, kept keys keep their rows', async () => {
  const ids = Array.from({ length: 1_500 }, () => randomUUID());
  const bystander = randomUUID();
  await write([{ record: record(bystander), access: owner, namedInHits: true, keys: [phone(9_999_999)] }]);
  const before = await rowsOf([bystander]);

  const first: RecordEntities[] = ids.map((id, i) => ({ record: record(id), access: owner, namedInHits: true, keys: [phone(2 * i), phone(2 * i + 1), phone(2 * i)] }));
  await write(first);
  const written = await rowsOf(ids);
  expect(withoutIds(written)).toEqual(expected(first));
  expect(written).toHaveLength(3_000);

  // Kept and changed keys, all keys gone, the sharing changed alone, a person's name; the first record given twice.
  const second: RecordEntities[] = ids.map((id, i): RecordEntities => {
    if (i % 3 === 0) return { record: record(id), access: owner, namedInHits: false, keys: [phone(2 * i), person(`Budi Santoso ${i}`)] };
    if (i % 3 === 1) return { record: record(id), access: owner, namedInHits: true, keys: [] };
    return { record: record(id), access: toSrb, namedInHits: true, keys: [phone(2 * i + 1), phone(2 * i)] };
  });
  second.push({ record: record(ids[0]!), access: toSrb, namedInHits: true, keys: [phone(7_777_777)] });
  await write(second);
  const rewritten = await rowsOf(ids);
  expect(withoutIds(rewritten)).toEqual(expected(second));
  expect(rewritten.filter((row) => row.kind === 'person').map((row) => row.skeleton)).not.toContain(null);

  // A key a record kept is the same row (its id and first-written time stay); the record not written is as it was.
  const idOf = (rows: EntityRow[], recordId: string, key: string) => rows.find((row) => row.record_id === recordId && row.key === key)?.id;
  for (const i of [2, 5, 1_001, 1_499]) {
    for (const key of [phone(2 * i).key, phone(2 * i + 1).key]) expect(idOf(rewritten, ids[i]!, key)).toBe(idOf(written, ids[i]!, key));
  }
  expect(idOf(rewritten, ids[3]!, phone(6).key)).toBe(idOf(written, ids[3]!, phone(6).key));
  expect(await rowsOf([bystander])).toEqual(before);
});

test('a record written with no keys and none before: nothing written, nothing else touched', async () => {
  const id = randomUUID();
  const other = randomUUID();
  await write([{ record: record(other), access: owner, namedInHits: true, keys: [phone(1_234_567)] }]);
  await write([{ record: record(id), access: owner, namedInHits: true, keys: [] }]);
  expect(await rowsOf([id])).toEqual([]);
  expect(await rowsOf([other])).toHaveLength(1);
  await write([]);
  expect(await rowsOf([other])).toHaveLength(1);
});

test('the keys a write no longer holds are found by its records\' ids: on a table never analysed, no other record\'s row is read', async () => {
  // 20,000 records of one key each, the table's statistics never taken (PGlite never takes them).
  const ids = Array.from({ length: 20_000 }, () => randomUUID());
  await write(ids.map((id, i) => ({ record: record(id), access: owner, namedInHits: true, keys: [phone(3_000_000 + i)] })));
  const rewritten = ids.slice(0, 50);
  const kept = rewritten.slice(0, 25);
  const plan = await t.db.transaction({ member: 'SRA' }, (tx) =>
    analysedPlan(tx, staleEntityRows(rewritten.map(record), kept.map((_, i) => ({ at: i + 1, kind: 'phone', key: phone(3_000_000 + i).key })))));
  // The fifty records' own rows (each read to be judged, then those to go deleted) and nothing else,
  // whatever the planner guessed of the sets' sizes: not the 20,000 rows the member holds.
  expect(rowsRead(plan, 'linkage_entities')).toBeLessThanOrEqual(2 * rewritten.length);
  expect((await rowsOf(rewritten)).map((row) => row.record_id).sort()).toEqual([...kept].sort());
  expect(await rowsOf(ids.slice(50, 60))).toHaveLength(10);
});
