/**
 * Key rotation (`lintas keys`): re-wrapping every data key under the ring's current key (cheap: no
 * value is sealed again), sealing every declared column again under new data keys (`--reencrypt`),
 * and dropping a key the database no longer needs. Each step is on the audit trail.
 */
import { appendAudit } from '../audit/writer.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { sql } from '../db/sql.js';
import { FIRST_KEY_ID, openDataKeys, sealedKeyId, wrapKey, type Envelope, type Sealer } from './envelope.js';
import { addKeyToFile, readKeyRing, removeKeyFromFile } from './keys.js';

/** A column of sealed values a module declares, so `--reencrypt` can seal them again. */
export interface SealedColumn {
  table: string;
  /** The column of sealed values (bytea). */
  column: string;
  /** The use they are sealed for. */
  use: string;
  /** The column naming the member whose data key seals a row's value. */
  member: string;
  /** The row's key column (uuid); `id` by default. */
  key?: string;
}

const BATCH = 1000;
const identifier = (name: string): string => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a column or table name: ${name}`);
  return `"${name}"`;
};

export interface KeyUse {
  id: string;
  current: boolean;
  /** The data keys it wraps in the database. */
  wraps: number;
}

/** The ring's keys and how many data keys each wraps; keys the database needs that the ring lacks are listed too. */
export async function listKeys(db: Database, config: Pick<Config, 'env' | 'dataDir'>): Promise<KeyUse[]> {
  const counts = await db.ownerTransaction((tx) => tx.query<{ kek_id: string; n: number }>(sql`SELECT kek_id, count(*)::int AS n FROM data_keys GROUP BY kek_id`));
  const ring = readKeyRing(config, { create: false });
  const wraps = new Map(counts.map((row) => [row.kek_id, row.n]));
  const listed = (ring?.keks ?? []).map((kek, i) => ({ id: kek.id, current: i === 0, wraps: wraps.get(kek.id) ?? 0 }));
  const missing = counts.filter((row) => !listed.some((kek) => kek.id === row.kek_id)).map((row) => ({ id: row.kek_id, current: false, wraps: row.n }));
  return [...listed, ...missing];
}

export interface Rotation {
  /** The key that wraps every data key now. */
  kek: string;
  /** A key made and put first in the key file (none when the ring comes from the environment). */
  added: string | null;
  rewrapped: number;
  /** Values sealed again under new data keys (--reencrypt), by table and column. */
  resealed: Record<string, number> | null;
}

/**
 * Re-wraps every data key under the ring's current key, in one transaction. With a key file, a new
 * key is made and put first in it before; with LINTAS_DATA_KEYS or LINTAS_DATA_KEYS_COMMAND the
 * operator puts the new key first (in the variable, or in the secrets manager).
 * `reencrypt`: then retires every current data key and seals every declared column's values again
 * under new ones, a batch a transaction (a crash leaves some rows under the old keys, which still open;
 * running it again finishes).
 */
export async function rotateKeys(
  db: Database,
  config: Pick<Config, 'env' | 'dataDir'>,
  columns: readonly SealedColumn[],
  options: { reencrypt?: boolean; addKey?: boolean } = {},
): Promise<Rotation> {
  // The ring must open the database's keys as it is before anything changes.
  await openDataKeys(db, config);
  let ring = readKeyRing(config, { create: false });
  let added: string | null = null;
  if (ring?.source === 'file' && ring.file && options.addKey !== false) {
    added = addKeyToFile(ring.file);
    ring = readKeyRing(config, { create: false });
  }
  const envelope = await openDataKeys(db, config);
  const kek = envelope.currentKek;
  const rewrapped = await db.ownerTransaction(async (tx) => {
    const rows = await tx.query<{ id: string; use: string; member: string; kek_id: string; wrapped: Uint8Array }>(
      sql`SELECT id::text, use, member, kek_id, wrapped FROM data_keys WHERE kek_id <> ${kek.id} ORDER BY id FOR UPDATE`,
    );
    for (const row of rows) {
      const key = envelope.unwrap(row);
      await tx.query(sql`UPDATE data_keys SET kek_id = ${kek.id}, wrapped = ${wrapKey(kek, row, key)}, rewrapped_at = now() WHERE id = ${row.id}::uuid`);
    }
    await appendAudit(tx, {}, [{ action: 'keys.rotate', objectType: 'data-key', details: { kek: kek.id, added, rewrapped: rows.length, from: [...new Set(rows.map((row) => row.kek_id))].sort() } }]);
    return rows.length;
  });
  const resealed = options.reencrypt ? await reencrypt(db, envelope, columns) : null;
  return { kek: kek.id, added, rewrapped, resealed };
}

/** Retires the current data keys (all but the first generation's) and seals every declared column again under new ones. */
async function reencrypt(db: Database, envelope: Envelope, columns: readonly SealedColumn[]): Promise<Record<string, number>> {
  const retired = await db.ownerTransaction(async (tx) =>
    (await tx.query<{ id: string }>(sql`UPDATE data_keys SET retired_at = now() WHERE retired_at IS NULL AND id <> ${FIRST_KEY_ID}::uuid RETURNING id::text`)).map((row) => row.id),
  );
  const counts: Record<string, number> = {};
  for (const column of columns) counts[`${column.table}.${column.column}`] = await resealColumn(db, envelope, column);
  await db.ownerTransaction((tx) => appendAudit(tx, {}, [{ action: 'keys.reencrypt', objectType: 'data-key', details: { retired: retired.length, resealed: counts } }]));
  return counts;
}

/** Seals a column's values again, in key order, a batch a transaction, skipping values already under a current data key. */
async function resealColumn(db: Database, envelope: Envelope, column: SealedColumn): Promise<number> {
  const table = identifier(column.table);
  const value = identifier(column.column);
  const member = identifier(column.member);
  const key = identifier(column.key ?? 'id');
  let after: string | null = null;
  let total = 0;
  for (;;) {
    const last: string | null = after;
    const done = await db.ownerTransaction(async (tx) => {
      const rows = await tx.query<{ key: string; member: string; value: Uint8Array }>(sql`
        SELECT ${sql.raw(key)}::text AS key, ${sql.raw(member)} AS member, ${sql.raw(value)} AS value FROM ${sql.raw(table)}
        WHERE ${sql.raw(value)} IS NOT NULL ${last === null ? sql`` : sql`AND ${sql.raw(key)} > ${last}::uuid`}
        ORDER BY ${sql.raw(key)} LIMIT ${BATCH} FOR UPDATE`);
      if (rows.length === 0) return true;
      after = rows[rows.length - 1]?.key ?? null;
      const current = new Set((await tx.query<{ id: string }>(sql`SELECT id::text FROM data_keys WHERE retired_at IS NULL`)).map((row) => row.id));
      const sealers = new Map<string, Sealer>();
      const keys: string[] = [];
      const values: string[] = [];
      for (const row of rows) {
        const id = sealedKeyId(row.value);
        if (id !== undefined && current.has(id)) continue;
        const plain = await envelope.open(tx, column.use, row.value);
        const sealer = sealers.get(row.member) ?? (await envelope.sealer(tx, column.use, row.member));
        sealers.set(row.member, sealer);
        keys.push(row.key);
        values.push(sealer.seal(plain).toString('hex'));
      }
      if (keys.length > 0) {
        await tx.query(sql`UPDATE ${sql.raw(table)} t SET ${sql.raw(value)} = decode(v.value, 'hex') FROM unnest(${keys}::uuid[], ${values}::text[]) AS v (key, value)
          WHERE t.${sql.raw(key)} = v.key`);
      }
      total += keys.length;
      return rows.length < BATCH;
    });
    if (done) return total;
  }
}

/**
 * Drops a key from the ring once no data key in the database is wrapped by it (after `rotate`): from
 * the key file, or, with LINTAS_DATA_KEYS or LINTAS_DATA_KEYS_COMMAND, only checked (the operator
 * takes it out of the variable or the secrets manager).
 */
export async function dropKey(db: Database, config: Pick<Config, 'env' | 'dataDir'>, id: string): Promise<{ fromFile: boolean; source: string }> {
  const ring = readKeyRing(config, { create: false });
  if (!ring?.keks.some((kek) => kek.id === id)) throw new Error(`the key ring holds no key ${id}`);
  if (ring.keks[0]?.id === id) throw new Error(`key ${id} is the current key: rotate to a new one first`);
  return db.ownerTransaction(async (tx) => {
    const { n } = await tx.one<{ n: number }>(sql`SELECT count(*)::int AS n FROM data_keys WHERE kek_id = ${id}`);
    if (n > 0) throw new Error(`key ${id} still wraps ${n} data key(s): run lintas keys rotate first`);
    await appendAudit(tx, {}, [{ action: 'keys.drop', objectType: 'data-key', details: { kek: id } }]);
    if (ring.source === 'file' && ring.file) removeKeyFromFile(ring.file, id);
    return { fromFile: ring.source === 'file', source: ring.source === 'LINTAS_DATA_KEYS_COMMAND' ? 'what the secrets manager gives LINTAS_DATA_KEYS_COMMAND' : ring.source };
  });
}
