/**
 * The linkage bench's data: records holding entity values, written straight into linkage_entities
 * with COPY, each row with its record's access fields, as setRecordEntities writes them. Keys are
 * what the normalisers make of the raw values (a sample is checked against them), so records written
 * later through the API match the generated ones.
 *
 * The value distribution: 85% of values are held by one record only, 14% come from a pool whose
 * values are held by about 3.5 records each (2–5 mostly), and 1% from a small pool of common values
 * held by about 60 records each, past the over-linking guard (20).
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { entityKeys, type EntityInput, type EntityKey } from '../src/modules/linkage/entities/index.js';

export type Kind = 'phone' | 'email' | 'handle' | 'vehicle' | 'iban' | 'mmsi' | 'person';
/** Shares of values by kind (travel documents, vessel names and crypto addresses are left out: their keys need other modules or checksums). */
const KIND_WEIGHTS: [Kind, number][] = [['phone', 0.35], ['email', 0.15], ['handle', 0.12], ['vehicle', 0.08], ['iban', 0.1], ['mmsi', 0.1], ['person', 0.1]];
export const VALUES_PER_RECORD = 5;
const SHARED_SHARE = 0.14;
const COMMON_SHARE = 0.01;
const SHARED_HOLDERS = 3.5;
const COMMON_HOLDERS = 60;
/** Value numbers of each class live in their own range, so classes never meet by accident. */
const SHARED_BASE = 500_000_000;
const COMMON_BASE = 900_000_000;
/** Values the benchmark's own writes use that no generated record holds. */
export const FRESH_BASE = 950_000_000;

export interface GeneratedValue {
  input: EntityInput;
  key: EntityKey;
}

/** A small, fast, seeded generator, so every run writes the same data. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Syllables of generated names: 23 onsets × 7 vowels, so names share few trigrams unless they share words. */
const SYLLABLES = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'w', 'y', 'z', 'kh', 'sh', 'th', 'ng']
  .flatMap((onset) => ['a', 'e', 'i', 'o', 'u', 'ai', 'ou'].map((vowel) => onset + vowel));
/** Word n of about 4 million: three syllables, mixed so neighbouring numbers do not share them. */
const word = (n: number): string => {
  const s = SYLLABLES.length;
  let m = Math.imul(n ^ (n >>> 16), 0x45d9f3b) >>> 0;
  m = Math.imul(m ^ (m >>> 16), 0x45d9f3b) >>> 0;
  const text = SYLLABLES[m % s]! + SYLLABLES[Math.floor(m / s) % s]! + SYLLABLES[Math.floor(m / (s * s)) % s]!;
  return text[0]!.toUpperCase() + text.slice(1);
};

/** ISO 13616 check digits of a British IBAN with this basic bank account number. */
function iban(bban: string): string {
  const digits = (bban + 'GB00').replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  let rest = 0;
  for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  return `GB${String(98 - rest).padStart(2, '0')}${bban}`;
}

/** The raw value number n of a kind, as an officer might write it. */
export function inputOf(kind: Kind, n: number): EntityInput {
  switch (kind) {
    case 'phone':
      return { type: 'phone', value: `+62 81${String(n).padStart(9, '0')}` };
    case 'email':
      return { type: 'email', value: `u${n}@mail.example` };
    case 'handle':
      return { type: 'handle', platform: 'telegram', value: `hand${n}` };
    case 'vehicle':
      return { type: 'vehicle', plate: `B${n}XY`, country: 'IDN' };
    case 'iban':
      return { type: 'iban', value: iban(`WEST${String(n).padStart(14, '0')}`) };
    case 'mmsi':
      return { type: 'vessel', mmsi: String(200_000_000 + (n % 800_000_000)) };
    case 'person':
      return { type: 'person', name: `${word(n)} ${word(n ^ 0x5bd1e995)} ${word(n * 7 + 3)}`, birthYear: 1950 + (n % 55) };
  }
}

/** The key the normaliser makes of value n (computed without it where the form is plain, for speed; `checkKeys` holds the two together). */
export function keyOf(kind: Kind, n: number): EntityKey {
  if (kind === 'person') return entityKeys(inputOf(kind, n))[0]!;
  const raw = inputOf(kind, n);
  const value = 'value' in raw ? raw.value : '';
  switch (kind) {
    case 'phone':
      return { kind, key: value.replace(/ /g, '') };
    case 'email':
      return { kind, key: value };
    case 'handle':
      return { kind, key: `telegram:${value}` };
    case 'vehicle':
      return { kind, key: `IDN:B${n}XY` };
    case 'iban':
      return { kind, key: value };
    case 'mmsi':
      return { kind, key: String(200_000_000 + (n % 800_000_000)) };
  }
}

/** Throws unless the normalisers make the generated keys of a sample of values (the data would not match the API's writes). */
export function checkKeys(): void {
  for (const [kind] of KIND_WEIGHTS) {
    for (const n of [0, 7, 123_456, SHARED_BASE + 5, COMMON_BASE + 3, FRESH_BASE + 99]) {
      const made = entityKeys(inputOf(kind, n))[0];
      const ours = keyOf(kind, n);
      if (JSON.stringify(made) !== JSON.stringify(ours)) throw new Error(`generated key ${JSON.stringify(ours)} is not the normaliser's ${JSON.stringify(made)}`);
    }
  }
}

/** Pool sizes for a number of records: how many shared and common values of each kind. */
export function pools(records: number): { shared: number; common: number } {
  const values = records * VALUES_PER_RECORD;
  return { shared: Math.max(10, Math.round((values * SHARED_SHARE) / SHARED_HOLDERS / KIND_WEIGHTS.length)), common: Math.max(3, Math.round((values * COMMON_SHARE) / COMMON_HOLDERS / KIND_WEIGHTS.length)) };
}

function pickKind(u: number): Kind {
  let sum = 0;
  for (const [kind, weight] of KIND_WEIGHTS) {
    sum += weight;
    if (u < sum) return kind;
  }
  return 'phone';
}

/** A value of the shared pool and of the common pool, for the benchmark's writes. */
export const sharedValue = (kind: Kind, i: number): EntityKey => keyOf(kind, SHARED_BASE + i);
export const commonValue = (kind: Kind, i: number): EntityKey => keyOf(kind, COMMON_BASE + i);

export interface Directory {
  members: string[];
  groups: string[];
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
/** Record and entity ids: UUIDs of their own range (version 7 shape), apart from the app's time-based ones. */
export const recordId = (r: number): string => `a0000000-0000-7000-8000-${hex(r, 12)}`;
const entityId = (e: number): string => `e0000000-0000-7000-8000-${hex(e, 12)}`;

/** COPY text of `records` records: 3–7 values each (5 on average), audiences as leads have them. */
async function* lines(records: number, directory: Directory): AsyncGenerator<string> {
  const next = random(24);
  const { shared, common } = pools(records);
  const unique: Record<string, number> = {};
  let entity = 0;
  let chunk = '';
  for (let r = 0; r < records; r++) {
    const owner = directory.members[r % directory.members.length]!;
    const a = next();
    // Leads are nominal: most are the owner's alone; some are shared by name, with a group, or with all.
    const [audience, members, groups, tlp] =
      a < 0.6 ? ['owner', '{}', '{}', 'AMBER']
      : a < 0.8 ? ['members', `{${directory.members[Math.floor(next() * directory.members.length)]}}`, '{}', 'AMBER']
      : a < 0.9 ? ['groups', '{}', `{${directory.groups[Math.floor(next() * directory.groups.length)]}}`, 'AMBER']
      : ['all', '{}', '{}', 'GREEN'];
    const count = 3 + Math.floor(next() * 5);
    const seen = new Set<string>();
    const id = recordId(r);
    for (let v = 0; v < count; v++) {
      const kind = pickKind(next());
      const c = next();
      const n = c < COMMON_SHARE ? COMMON_BASE + Math.floor(next() * common)
        : c < COMMON_SHARE + SHARED_SHARE ? SHARED_BASE + Math.floor(next() * shared)
        : (unique[kind] = (unique[kind] ?? 0) + 1);
      const key = keyOf(kind, n);
      if (seen.has(`${key.kind} ${key.key}`)) continue;
      seen.add(`${key.kind} ${key.key}`);
      const person = key.kind === 'person' ? `${key.person.skeleton}\t${key.person.birthYear ?? '\\N'}` : '\\N\t\\N';
      chunk += `${entityId(entity++)}\tlinkage\tlead\t${id}\t${key.kind}\t${key.key}\t${person}\tt\t${owner}\t${audience}\t${members}\t${groups}\t${tlp}\n`;
    }
    if (r % 2000 === 1999) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * Loads the records into linkage_entities with COPY, the write trigger off (nothing is queued: the
 * matcher's work is measured apart) and the indexes the matcher reads dropped; `rebuildIndexes` makes
 * them again. Returns the indexes' definitions.
 */
export async function loadEntities(client: pg.Client, records: number, directory: Directory): Promise<{ indexes: string[]; rows: number }> {
  const indexes = await client.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'linkage_entities'
      AND indexname NOT IN ('linkage_entities_pkey', 'linkage_entities_record_id_kind_key_key')`);
  await client.query('TRUNCATE linkage_entities, linkage_queue, linkage_notices, linkage_values CASCADE');
  for (const index of indexes.rows) await client.query(`DROP INDEX ${index.indexname}`);
  await client.query('ALTER TABLE linkage_entities DISABLE TRIGGER linkage_entity_written');
  try {
    await pipeline(
      Readable.from(lines(records, directory)),
      client.query(copyFrom(`COPY linkage_entities (id, module, record_type, record_id, kind, key, skeleton, birth_year, named_in_hits, owner, audience_kind, audience_members, audience_groups, tlp) FROM STDIN`)),
    );
  } finally {
    await client.query('ALTER TABLE linkage_entities ENABLE TRIGGER linkage_entity_written');
  }
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM linkage_entities');
  return { indexes: indexes.rows.map((index) => index.indexdef), rows: Number(rows[0]!.n) };
}
