import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, type TestContext, type TestSession } from '../../../test/support/app.js';
import { sql } from '../../platform/db/sql.js';
import { DOCUMENT_TYPES, type DocumentType } from './icao.js';
import { registerOf } from './register.js';
import { buildSnapshot, snapshotKeys } from './snapshot.js';
import { readSnapshot, SnapshotError } from './snapshot-file.js';

/**
 * Offline snapshots answer exactly as the online check does, on random registers and random
 * questions; a tampered or stale file is refused; a delta since a version brings a copy up to date.
 */

const PREFIX = '/api/v1';
let t: TestContext;
let viewer: TestSession;
let run = 0;

async function online(issuer: string, type: DocumentType, number: string): Promise<string> {
  const response = await t.as(viewer, { method: 'POST', url: `${PREFIX}/documents/checks`, payload: { purpose: 'offline comparison', document: { issuer, type, number } } });
  expect(response.statusCode, response.body).toBe(200);
  const data = response.json<{ data: { result: string; hit?: { status: string } } }>().data;
  return data.hit ? `hit ${data.hit.status}` : 'no-hit';
}

const offlineAnswer = (answer: { hit: false } | { hit: true; status: string }): string => (answer.hit ? `hit ${answer.status}` : 'no-hit');

beforeAll(async () => {
  t = await makeTestApp();
  for (const code of ['UTO', 'NZL', 'FJI']) await t.makeMember(code);
  await t.makeMember('AUS');
  viewer = await t.sessionFor(await t.makeUser('AUS', ['officer']));
});
afterAll(() => t.close());

const documentArbitrary = fc.record({
  issuer: fc.constantFrom('UTO', 'NZL', 'FJI'),
  type: fc.constantFrom(...DOCUMENT_TYPES),
  number: fc.stringMatching(/^[A-Z0-9]{1,9}$/),
  status: fc.constantFrom('lost', 'stolen', 'stolen-blank', 'revoked', 'invalid', 'counterfeit', 'forged'),
  audience: fc.constantFrom('all', 'all', 'owner', 'aus', 'other'),
  state: fc.constantFrom('active', 'active', 'active', 'cancelled'),
});

describe('offline snapshots', () => {
  test('answer exactly as the online check on random registers and questions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(documentArbitrary, { minLength: 1, maxLength: 25, selector: (doc) => `${doc.issuer} ${doc.type} ${doc.number}` }), fc.array(documentArbitrary, { maxLength: 10 }), async (docs, strangers) => {
        run++;
        await t.db.ownerTransaction(async (tx) => {
          await tx.query(sql`UPDATE travel_documents SET state = 'cancelled' WHERE state = 'active'`);
          for (const doc of docs) {
            const kind = doc.audience === 'aus' || doc.audience === 'other' ? 'members' : doc.audience;
            const members = doc.audience === 'aus' ? ['AUS'] : doc.audience === 'other' ? [doc.issuer === 'NZL' ? 'FJI' : 'NZL'] : [];
            await tx.query(sql`INSERT INTO travel_documents (issuer, doc_type, number, status, state, owner, audience_kind, audience_members, tlp, remarks)
              VALUES (${doc.issuer}, ${doc.type}, ${doc.number}, ${doc.status}, ${doc.state}, ${doc.issuer}, ${kind}, ${members}, 'AMBER', ${`run ${run}`})`);
          }
        });
        await registerOf(t.platform).rebuild();
        const snapshot = await buildSnapshot(t.db, 'AUS');
        const keys = await snapshotKeys(t.db);
        const offline = readSnapshot(snapshot.file, keys.publicKey, { now: new Date(), maxAgeDays: 2 });
        for (const doc of [...docs, ...strangers]) {
          expect(offlineAnswer(offline.check(doc.issuer, doc.type, doc.number)), `${doc.issuer} ${doc.type} ${doc.number}`).toBe(await online(doc.issuer, doc.type, doc.number));
        }
        // Clean up: the next run starts from an empty register (rows are kept as cancelled history).
        await t.db.ownerTransaction((tx) => tx.query(sql`UPDATE travel_documents SET state = 'cancelled', number = number || 'X' || ${run} WHERE remarks = ${`run ${run}`}`));
      }),
      { numRuns: 8 },
    );
  }, 300_000);

  test('a tampered file is refused, a stale one too, and a delta brings a copy up to date', async () => {
    const issuer = await t.sessionFor(await t.makeUser('UTO', ['officer']));
    const add = async (number: string) => {
      const response = await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents`, payload: { type: 'passport', number, status: 'stolen' } });
      expect(response.statusCode, response.body).toBe(201);
      return response.json<{ data: { id: string } }>().data.id;
    };
    const first = await add('DELTA0001');
    const full = await buildSnapshot(t.db, 'AUS');
    const keys = await snapshotKeys(t.db);
    const now = new Date();
    const register = readSnapshot(full.file, keys.publicKey, { now, maxAgeDays: 2 });
    expect(register.check('UTO', 'passport', 'DELTA0001')).toEqual({ hit: true, status: 'stolen' });

    // One byte changed anywhere: refused as tampered.
    for (const at of [20, Math.floor(full.file.length / 2), full.file.length - 70]) {
      const tampered = Buffer.from(full.file);
      tampered[at] = (tampered[at] ?? 0) ^ 0x01;
      expect(() => readSnapshot(tampered, keys.publicKey, { now, maxAgeDays: 2 })).toThrow(SnapshotError);
    }
    // Too old for the border post's policy.
    const later = new Date(now.getTime() + 3 * 86_400_000);
    expect(() => readSnapshot(full.file, keys.publicKey, { now: later, maxAgeDays: 2 })).toThrow(/stale|days/);

    // Changes since: one cancelled, one added; the delta carries both, and the copy answers as online.
    await add('DELTA0002');
    expect((await t.as(issuer, { method: 'POST', url: `${PREFIX}/documents/${first}/cancel`, payload: {} })).statusCode).toBe(200);
    const delta = await buildSnapshot(t.db, 'AUS', { since: full.version });
    expect(delta).toMatchObject({ baseVersion: full.version, entries: 1, removed: 1 });
    register.applyDelta(delta.file);
    for (const number of ['DELTA0001', 'DELTA0002']) {
      expect(offlineAnswer(register.check('UTO', 'passport', number))).toBe(await online('UTO', 'passport', number));
    }
    expect(register.check('UTO', 'passport', 'DELTA0001')).toEqual({ hit: false });
  });
});
