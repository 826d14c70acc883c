import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeTestApp, TEST_PASSWORD, type TestContext } from '../../../test/support/app.js';
import { loadConfig } from '../config.js';
import { sql } from '../db/sql.js';
import { hashPassword, pepperedHash, pepperStoredPasswords, verifyPassword } from './secrets.js';

/**
 * Passwords are peppered (ASVS 2.4.5): argon2id's output keyed with the first generation's data key,
 * which is outside the database. A copy of the database alone verifies no guess; hashes made before
 * the pepper are peppered at start without anyone's password, and still take their password.
 */
const otherKey = () => loadConfig({ LINTAS_DATA_KEY: randomBytes(32).toString('hex') });

describe('a password hash', () => {
  const config = otherKey();

  test('is argon2id with its salt and parameters, peppered; only its password with the same key verifies', async () => {
    const stored = await hashPassword(config, TEST_PASSWORD);
    expect(stored).toMatch(/^\$pepper1\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(config, stored, TEST_PASSWORD)).toBe(true);
    expect(await verifyPassword(config, stored, `${TEST_PASSWORD}!`)).toBe(false);
    // Another installation's key (a copy of the database elsewhere) verifies nothing.
    expect(await verifyPassword(otherKey(), stored, TEST_PASSWORD)).toBe(false);
    // Nor does argon2 alone, from the stored string: the output in it is not argon2's.
    expect(await verify(stored.slice('$pepper1'.length), TEST_PASSWORD)).toBe(false);
    // Two hashes of one password differ (each has its own salt).
    expect(await hashPassword(config, TEST_PASSWORD)).not.toBe(stored);
  });

  test('that is not peppered, or is not a hash, never verifies', async () => {
    const plain = await hash(TEST_PASSWORD, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    expect(await verify(plain, TEST_PASSWORD)).toBe(true);
    expect(await verifyPassword(config, plain, TEST_PASSWORD)).toBe(false);
    for (const stored of [null, '', '$pepper1', '$pepper1$argon2id$v=19$m=19456,t=2,p=1$', '$pepper1$argon2id$v=19$m=x$c2FsdHNhbHRzYWx0$YWJj', TEST_PASSWORD]) {
      expect(await verifyPassword(config, stored, TEST_PASSWORD)).toBe(false);
    }
  });

  test('peppered from the plain hash verifies as one made peppered', async () => {
    const plain = await hash(TEST_PASSWORD, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const peppered = pepperedHash(config, plain);
    expect(peppered.split('$').slice(0, 6)).toEqual(['', 'pepper1', ...plain.split('$').slice(1, 5)]);
    expect(await verifyPassword(config, peppered, TEST_PASSWORD)).toBe(true);
    expect(await verifyPassword(config, peppered, 'another password')).toBe(false);
    expect(() => pepperedHash(config, 'not a hash')).toThrow();
  });
});

describe('hashes stored before the pepper', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeTestApp();
    await t.makeMember('PPR');
  });
  afterAll(() => t.close());

  const storedHash = async (userId: string) =>
    (await t.db.ownerTransaction((tx) => tx.one<{ password_hash: string | null }>(sql`SELECT password_hash FROM lintas_secrets.user_secrets WHERE user_id = ${userId}`))).password_hash;
  const setHash = (userId: string, value: string) =>
    t.db.ownerTransaction((tx) => tx.query(sql`UPDATE lintas_secrets.user_secrets SET password_hash = ${value} WHERE user_id = ${userId}`));
  const peppered = () =>
    t.db.ownerTransaction((tx) => tx.query<{ details: { count: number } }>(sql`SELECT details FROM audit_log WHERE action = 'auth.passwords-peppered' ORDER BY seq`));
  const signIn = (email: string, password = TEST_PASSWORD) => t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password } });

  test('are peppered at once, each once (two processes starting together), and their passwords still sign in', async () => {
    const old = [await t.makeUser('PPR'), await t.makeUser('PPR')];
    const current = await t.makeUser('PPR');
    const none = await t.makeUser('PPR', ['officer'], { password: false });
    const plain = await hash(TEST_PASSWORD, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    for (const user of old) await setHash(user.id, plain);
    const currentHash = await storedHash(current.id);
    // Not yet peppered: the sign-in is refused, as for a wrong password.
    expect((await signIn(old[0]!.email)).statusCode).toBe(401);
    const before = (await peppered()).length;

    const counts = await Promise.all([pepperStoredPasswords(t.db, t.platform.config), pepperStoredPasswords(t.db, t.platform.config)]);
    expect(counts.sort()).toEqual([0, 2]);
    for (const user of old) {
      const stored = await storedHash(user.id);
      expect(stored).toBe(pepperedHash(t.platform.config, plain));
      expect(await verifyPassword(t.platform.config, stored, TEST_PASSWORD)).toBe(true);
    }
    expect(await storedHash(current.id)).toBe(currentHash);
    expect(await storedHash(none.id)).toBeNull();
    expect((await peppered()).slice(before).map((row) => row.details.count)).toEqual([2]);

    expect((await signIn(old[0]!.email)).statusCode).toBe(200);
    expect((await signIn(old[1]!.email, 'not the password at all')).statusCode).toBe(401);
    expect((await signIn(current.email)).statusCode).toBe(200);

    // Again: nothing left to pepper, nothing audited.
    expect(await pepperStoredPasswords(t.db, t.platform.config)).toBe(0);
    expect((await peppered()).length).toBe(before + 1);
  });
});
