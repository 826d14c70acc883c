import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { template } from '../../../test/support/templates.js';
import { MODULES } from '../../modules/index.js';
import { SEAL_BIOGRAPHIC } from '../../modules/biometrics/galleries.js';
import { migrate } from '../db/migrate.js';
import { sql } from '../db/sql.js';
import { migrationsOf } from '../module.js';
import { openDataKeys, sealedKeyId } from './envelope.js';
import { dataKeyOf, kekId, readKeyRing } from './keys.js';
import { dropKey, listKeys, rotateKeys } from './rotation.js';

/**
 * Envelope encryption end to end (issue 27): holder details and biometric biographic fields are in
 * no table in clear text; rotating the key-encryption key re-wraps the data keys, old values still
 * open, --reencrypt seals them again (first-generation values too), and the old key is dropped; a
 * wrong or missing key stops the start with an error that says so.
 */
const PREFIX = '/api/v1';
const folder = mkdtempSync(join(tmpdir(), 'lintas-envelope-'));
const SURNAME = 'Wirjosandjojo';
const GIVEN = 'Kartini Ayu';
const FAMILY = 'Hadisoebroto';
const columns = MODULES.flatMap((module) => module.sealedColumns ?? []);

let t: TestContext;
let officer: TestSession;
let documentId: string;
let subjectId: string;

beforeAll(async () => {
  // The key ring from a key file in the data folder (made at the first start), as without LINTAS_DATA_KEY.
  t = await makeTestApp({ env: { LINTAS_DATA_KEY: '', LINTAS_DATA: folder } });
  await t.makeMember('UTO');
  officer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
  const added = await t.as(officer, {
    method: 'POST', url: `${PREFIX}/documents`,
    payload: { type: 'passport', number: 'ENV0001', status: 'stolen', holder: { surname: SURNAME, givenNames: GIVEN, nationality: 'uto', birthDate: '1980-02-03', sex: 'F' } },
  });
  expect(added.statusCode, added.body).toBe(201);
  documentId = added.json<{ data: { id: string } }>().data.id;
  const csv = `type,number,status,holder_surname,holder_given_names,holder_nationality\npassport,ENV0002,lost,${SURNAME},${GIVEN},UTO\npassport,ENV0003,lost,,,\n`;
  const imported = await t.as(officer, { method: 'POST', url: `${PREFIX}/documents/import`, headers: { 'content-type': 'text/csv' }, payload: csv });
  expect(imported.json(), imported.body).toMatchObject({ added: 2 });
  const enrolled = await t.as(officer, {
    method: 'POST', url: `${PREFIX}/biometrics/subjects`,
    payload: { reference: 'UTO-ENV-1', template: { format: 'human-faceres-1024', vector: template(7) }, biographic: { familyName: FAMILY, givenNames: GIVEN } },
  });
  expect(enrolled.statusCode, enrolled.body).toBe(201);
  subjectId = enrolled.json<{ data: { id: string } }>().data.id;
});
afterAll(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

const holderOf = async (id: string) => (await t.as(officer, { method: 'GET', url: `${PREFIX}/documents/${id}` })).json<{ data: { holder: unknown } }>().data.holder;
const biographicOf = async (id: string) => (await t.as(officer, { method: 'GET', url: `${PREFIX}/biometrics/subjects/${id}` })).json<{ data: { biographic: unknown } }>().data.biographic;

describe('data at rest', () => {
  test('no table holds a holder’s or a subject’s name in clear text, read as the owner; the API opens them for the issuer', async () => {
    const found = await t.db.ownerTransaction(async (tx) => {
      const tables = await tx.query<{ name: string }>(sql`SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = 'public'`);
      const hits: string[] = [];
      for (const { name } of tables) {
        for (const word of [SURNAME, GIVEN, FAMILY]) {
          const [row] = await tx.query<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.raw(name)} t WHERE t::text ILIKE ${`%${word}%`}`);
          if ((row?.n ?? 0) > 0) hits.push(`${name}: ${word}`);
        }
      }
      return hits;
    });
    expect(found).toEqual([]);
    expect(await holderOf(documentId)).toEqual({ surname: SURNAME, givenNames: GIVEN, nationality: 'UTO', birthDate: '1980-02-03', sex: 'F' });
    const imported = await t.db.ownerTransaction((tx) => tx.query<{ number: string; holder_sealed: Uint8Array | null }>(sql`SELECT number, holder_sealed FROM travel_documents WHERE number IN ('ENV0002', 'ENV0003') ORDER BY number`));
    expect(imported.map((row) => row.holder_sealed === null)).toEqual([false, true]);
    expect(await biographicOf(subjectId)).toEqual({ familyName: FAMILY, givenNames: GIVEN });
    // The same file again: the holder's digest finds it unchanged, though every seal differs.
    const again = await t.as(officer, {
      method: 'POST', url: `${PREFIX}/documents/import`, headers: { 'content-type': 'text/csv' },
      payload: `type,number,status,holder_surname,holder_given_names,holder_nationality\npassport,ENV0002,lost,${SURNAME},${GIVEN},UTO\npassport,ENV0003,lost,Other,,\n`,
    });
    expect(again.json()).toMatchObject({ unchanged: 1, changed: 1 });
  });

  test('a database upgraded from before 0047: migration 0050 drops the plain columns keeping the plain rows aside, and prepare seals them', async () => {
    // The database as 0047 left it, one row still plain, 0050 not yet applied.
    await t.db.ownerTransaction(async (tx) => {
      await tx.execScript(`DROP TABLE lintas_secrets.documents_holder_pending;
        ALTER TABLE travel_documents ADD COLUMN holder_surname text, ADD COLUMN holder_given_names text, ADD COLUMN holder_nationality text,
          ADD COLUMN holder_birth_date date, ADD COLUMN holder_sex text;
        CREATE INDEX travel_documents_holder_plain ON travel_documents (id) WHERE holder_surname IS NOT NULL;
        DELETE FROM schema_migrations WHERE version = 50;`);
      await tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, owner, holder_surname, holder_birth_date) VALUES ('UTO', 'passport', 'ENV0009', 'lost', 'UTO', 'Plainname', '1970-01-01')`);
      await tx.execScript(`ALTER TABLE travel_documents ADD CONSTRAINT travel_documents_holder_not_plain
        CHECK (holder_surname IS NULL AND holder_given_names IS NULL AND holder_nationality IS NULL AND holder_birth_date IS NULL AND holder_sex IS NULL) NOT VALID`);
    });
    expect(await migrate(t.db, migrationsOf(MODULES))).toEqual(['0050_documents_holder_plain_dropped.sql']);
    const columns = await t.db.ownerTransaction((tx) =>
      tx.query(sql`SELECT column_name FROM information_schema.columns WHERE table_name = 'travel_documents' AND column_name LIKE 'holder%' ORDER BY 1`),
    );
    expect(columns).toEqual([{ column_name: 'holder_digest' }, { column_name: 'holder_sealed' }]);
    const documents = MODULES.find((module) => module.name === 'documents');
    await documents?.prepare?.(t.platform);
    await documents?.prepare?.(t.platform);
    const row = await t.db.ownerTransaction((tx) => tx.one<{ id: string; pending: number }>(sql`SELECT id,
      (SELECT count(*)::int FROM lintas_secrets.documents_holder_pending) AS pending FROM travel_documents WHERE number = 'ENV0009'`));
    expect(row.pending).toBe(0);
    expect(await holderOf(row.id)).toEqual({ surname: 'Plainname', birthDate: '1970-01-01' });
  });
});

describe('key rotation', () => {
  test('rotate re-wraps every data key under a new key; old values open; --reencrypt seals them again; the old key is dropped; all audited', async () => {
    const config = t.platform.config;
    const oldKek = readKeyRing(config, { create: false })?.keks[0]?.id ?? '';
    expect(oldKek).toMatch(/^[0-9a-f]{16}$/);
    // A value sealed before envelope encryption (the first generation's key) still opens.
    await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE biometric_subjects SET biographic = ${dataKeyOf(config).sealJson(SEAL_BIOGRAPHIC, { familyName: 'First generation' })} WHERE id = ${subjectId}`));
    expect(await biographicOf(subjectId)).toEqual({ familyName: 'First generation' });
    await expect(dropKey(t.db, config, oldKek)).rejects.toThrow(/current key/);

    const sealedBefore = await t.db.ownerTransaction((tx) => tx.one<{ holder_sealed: Uint8Array }>(sql`SELECT holder_sealed FROM travel_documents WHERE id = ${documentId}`));
    const rotation = await rotateKeys(t.db, config, columns);
    expect(rotation.added).not.toBeNull();
    expect(rotation.kek).toBe(rotation.added);
    expect(rotation.rewrapped).toBeGreaterThanOrEqual(3);
    expect(readKeyRing(config, { create: false })?.keks.map((kek) => kek.id)).toEqual([rotation.added, oldKek]);
    // No value was sealed again: the same bytes, and they open.
    const sealedAfter = await t.db.ownerTransaction((tx) => tx.one<{ holder_sealed: Uint8Array }>(sql`SELECT holder_sealed FROM travel_documents WHERE id = ${documentId}`));
    expect(Buffer.from(sealedAfter.holder_sealed).equals(Buffer.from(sealedBefore.holder_sealed))).toBe(true);
    expect(await listKeys(t.db, config)).toEqual([
      { id: rotation.kek, current: true, wraps: expect.any(Number) as number },
      { id: oldKek, current: false, wraps: 0 },
    ]);

    // --reencrypt: every declared value under a new data key, the first generation's value too.
    const again = await rotateKeys(t.db, config, columns, { reencrypt: true, addKey: false });
    expect(again.added).toBeNull();
    expect(again.resealed).toMatchObject({ 'travel_documents.holder_sealed': 4, 'biometric_subjects.biographic': 1 });
    const resealed = await t.db.ownerTransaction((tx) => tx.one<{ holder_sealed: Uint8Array; biographic: Uint8Array }>(sql`
      SELECT d.holder_sealed, s.biographic FROM travel_documents d, biometric_subjects s WHERE d.id = ${documentId} AND s.id = ${subjectId}`));
    expect(sealedKeyId(resealed.holder_sealed)).not.toBe(sealedKeyId(sealedBefore.holder_sealed));
    expect(sealedKeyId(resealed.biographic)).toBeDefined();

    // The old key goes; a start with the new ring alone opens everything.
    await dropKey(t.db, config, oldKek);
    expect(readKeyRing(config, { create: false })?.keks.map((kek) => kek.id)).toEqual([rotation.kek]);
    await openDataKeys(t.db, config);
    expect(await holderOf(documentId)).toMatchObject({ surname: SURNAME });
    expect(await biographicOf(subjectId)).toEqual({ familyName: 'First generation' });
    const audited = await t.db.ownerTransaction((tx) => tx.query<{ action: string }>(sql`SELECT action FROM audit_log WHERE action LIKE 'keys.%' ORDER BY seq`));
    expect(audited.map((row) => row.action)).toEqual(['keys.rotate', 'keys.rotate', 'keys.reencrypt', 'keys.drop']);
  });

  test('a wrong or missing key stops the start with an error naming the key, and makes no key file', async () => {
    const wrong = randomBytes(32).toString('hex');
    await expect(openDataKeys(t.db, { env: { LINTAS_DATA_KEY: wrong }, dataDir: folder })).rejects.toThrow(
      new RegExp(`wrapped with key [0-9a-f]{16}, but the key ring holds ${kekId(Buffer.from(wrong, 'hex'))} \\(from LINTAS_DATA_KEY\\): the key is wrong or missing`),
    );
    const empty = join(folder, 'empty');
    await expect(openDataKeys(t.db, { env: {}, dataDir: empty })).rejects.toThrow(/no key is configured .*the key is wrong or missing/);
    expect(existsSync(join(empty, 'data.key'))).toBe(false);
    // The right ring still opens.
    await openDataKeys(t.db, t.platform.config);
  });

  test('a secrets manager gives the ring through LINTAS_DATA_KEYS_COMMAND: it opens the data keys, rotate re-wraps under the key it puts first, drop leaves the manager to the operator', async () => {
    const before = readKeyRing(t.platform.config, { create: false });
    const held = (before?.keks ?? []).map((kek) => kek.key.toString('hex'));
    expect(held.length).toBeGreaterThan(0);
    // A file stands for the secrets manager; the command reads it as a manager's client would answer.
    const manager = join(folder, 'manager');
    writeFileSync(manager, `# the ring, current first\n${held.join('\n')}\n`, { mode: 0o600 });
    const viaCommand = { env: { LINTAS_DATA_KEYS_COMMAND: `cat '${manager}'` }, dataDir: join(folder, 'no-key-file-here') };
    const holder = columns.find((column) => column.table === 'travel_documents');
    const holderOfRow = async (envelope: Awaited<ReturnType<typeof openDataKeys>>) =>
      t.db.ownerTransaction(async (tx) => {
        const row = await tx.one<{ holder_sealed: Uint8Array }>(sql`SELECT holder_sealed FROM travel_documents WHERE id = ${documentId}`);
        return envelope.openJson(tx, holder?.use ?? '', row.holder_sealed);
      });
    expect(await holderOfRow(await openDataKeys(t.db, viaCommand))).toMatchObject({ surname: SURNAME });
    expect(existsSync(join(folder, 'no-key-file-here', 'data.key'))).toBe(false);

    // Rotation: the operator puts a new key first in the manager; rotate re-wraps under it and adds no key anywhere.
    const fresh = randomBytes(32).toString('hex');
    writeFileSync(manager, `${fresh}\n${held.join('\n')}\n`);
    const rotation = await rotateKeys(t.db, viaCommand, columns);
    expect(rotation).toMatchObject({ kek: kekId(Buffer.from(fresh, 'hex')), added: null });
    const old = before?.keks[0]?.id ?? '';
    await expect(dropKey(t.db, viaCommand, old)).resolves.toEqual({ fromFile: false, source: 'what the secrets manager gives LINTAS_DATA_KEYS_COMMAND' });
    // The manager still holds the old key (the platform never writes there); once the operator takes it out, the new key alone opens everything.
    writeFileSync(manager, `${fresh}\n`);
    expect(await holderOfRow(await openDataKeys(t.db, viaCommand))).toMatchObject({ surname: SURNAME });
    // And the ring it no longer needs does not: a start with the old ring stops.
    await expect(openDataKeys(t.db, t.platform.config)).rejects.toThrow(/the key is wrong or missing/);

    // Back to the platform's own ring (its key file), so the app's process opens its values again.
    await rotateKeys(t.db, { env: { LINTAS_DATA_KEYS: [...held, fresh].join(',') }, dataDir: folder }, columns);
    await openDataKeys(t.db, t.platform.config);
    expect(await holderOf(documentId)).toMatchObject({ surname: SURNAME });
  });
});
