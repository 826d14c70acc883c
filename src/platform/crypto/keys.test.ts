import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { addKeyToFile, DataKey, dataKeyOf, kekId, readKeyRing, removeKeyFromFile } from './keys.js';

const folder = mkdtempSync(join(tmpdir(), 'lintas-keys-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the data key', () => {
  const key = new DataKey(Buffer.alloc(32, 7));

  test('seals and opens; a changed byte, another use or another key cannot open it', () => {
    const sealed = key.seal('a use', Buffer.from('Family name'));
    expect(sealed.includes(Buffer.from('Family'))).toBe(false);
    expect(key.open('a use', sealed).toString()).toBe('Family name');
    // Each seal takes a new nonce: the same text seals differently.
    expect(key.seal('a use', Buffer.from('Family name')).equals(sealed)).toBe(false);
    for (let i = 0; i < sealed.length; i++) {
      const changed = Buffer.from(sealed);
      changed[i] = (changed[i] as number) ^ 1;
      expect(() => key.open('a use', changed)).toThrow();
    }
    expect(() => key.open('another use', sealed)).toThrow();
    expect(() => new DataKey(Buffer.alloc(32, 8)).open('a use', sealed)).toThrow();
    expect(key.openJson('json', key.sealJson('json', { a: 'b' }))).toEqual({ a: 'b' });
  });

  test('hashes are keyed and separated by use', () => {
    const data = Buffer.from([1, 2, 3]);
    expect(key.hash('probe', data)).toBe(key.hash('probe', data));
    expect(key.hash('probe', data)).not.toBe(key.hash('other', data));
    expect(key.hash('probe', data)).not.toBe(new DataKey(Buffer.alloc(32, 8)).hash('probe', data));
  });

  test('from LINTAS_DATA_KEY (hex or base64), else a key file made once with mode 0600', () => {
    const hex = 'ab'.repeat(32);
    expect(dataKeyOf({ env: { LINTAS_DATA_KEY: hex }, dataDir: folder }).hash('x', Buffer.from('y'))).toBe(new DataKey(Buffer.from(hex, 'hex')).hash('x', Buffer.from('y')));
    const base64 = Buffer.from(hex, 'hex').toString('base64');
    expect(dataKeyOf({ env: { LINTAS_DATA_KEY: base64 }, dataDir: folder }).hash('x', Buffer.from('y'))).toBe(new DataKey(Buffer.from(hex, 'hex')).hash('x', Buffer.from('y')));
    expect(() => dataKeyOf({ env: { LINTAS_DATA_KEY: 'too short' }, dataDir: folder })).toThrow(/64 hex digits/);

    const data = join(folder, 'data');
    const first = dataKeyOf({ env: {}, dataDir: data });
    const file = join(data, 'data.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = readFileSync(file, 'utf8');
    // Another configuration on the same folder reads the same key; the file is never replaced.
    const second = dataKeyOf({ env: {}, dataDir: data });
    expect(second.hash('x', Buffer.from('y'))).toBe(first.hash('x', Buffer.from('y')));
    expect(readFileSync(file, 'utf8')).toBe(written);
  });

  test('the key ring: LINTAS_DATA_KEYS (current first), or one key, or the key file; ids are fingerprints; bad rings are refused', () => {
    const [a, b] = ['11'.repeat(32), '22'.repeat(32)];
    const ring = readKeyRing({ env: { LINTAS_DATA_KEYS: `${a}, ${b}` }, dataDir: folder }, { create: false });
    expect(ring?.keks.map((kek) => kek.id)).toEqual([kekId(Buffer.from(a, 'hex')), kekId(Buffer.from(b, 'hex'))]);
    expect(ring?.keks[0]?.id).toMatch(/^[0-9a-f]{16}$/);
    expect(readKeyRing({ env: { LINTAS_DATA_KEY: a }, dataDir: folder }, { create: false })?.source).toBe('LINTAS_DATA_KEY');
    expect(() => readKeyRing({ env: { LINTAS_DATA_KEYS: a, LINTAS_DATA_KEY: b }, dataDir: folder }, { create: false })).toThrow(/not several/);
    expect(() => readKeyRing({ env: { LINTAS_DATA_KEYS: `${a} ${a}` }, dataDir: folder }, { create: false })).toThrow(/the same key twice/);
    expect(() => readKeyRing({ env: { LINTAS_DATA_KEYS: `${a},nonsense` }, dataDir: folder }, { create: false })).toThrow(/LINTAS_DATA_KEYS, key 2, must be 32 bytes/);
    // No key and no file: nothing, and no file made unless asked.
    const none = join(folder, 'none');
    expect(readKeyRing({ env: {}, dataDir: none }, { create: false })).toBeUndefined();
    const made = readKeyRing({ env: {}, dataDir: none }, { create: true });
    expect(made?.source).toBe('file');
    // The file: a new key goes first, a key not current comes out, the current one stays.
    const file = join(none, 'data.key');
    const first = made?.keks[0]?.id ?? '';
    const added = addKeyToFile(file);
    expect(readKeyRing({ env: {}, dataDir: none }, { create: false })?.keks.map((kek) => kek.id)).toEqual([added, first]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(() => removeKeyFromFile(file, added)).toThrow(/current key/);
    removeKeyFromFile(file, first);
    expect(readKeyRing({ env: {}, dataDir: none }, { create: false })?.keks.map((kek) => kek.id)).toEqual([added]);
    // With several keys and the database's keys not opened, the first-generation key is not guessed.
    expect(() => dataKeyOf({ env: { LINTAS_DATA_KEYS: `${a} ${b}` }, dataDir: folder })).toThrow(/open the database's data keys first/);
  });

  test('LINTAS_DATA_KEYS_COMMAND: the ring is what the command prints (current first); a failure, a timeout or no key stops with the command\'s words, never its output', () => {
    const [a, b] = ['33'.repeat(32), '44'.repeat(32)];
    const ring = (command: string, env: Record<string, string> = {}, commandTimeoutMs?: number) =>
      readKeyRing({ env: { LINTAS_DATA_KEYS_COMMAND: command, ...env }, dataDir: join(folder, 'by-command') }, { create: true, ...(commandTimeoutMs ? { commandTimeoutMs } : {}) });
    // The command sees the configuration's environment (a secrets manager's address or token), keys one a line or separated, comments skipped.
    const printed = ring('printf "# from the manager\\n%s\\n%s, \\n" "$FIRST" "$SECOND"', { FIRST: a, SECOND: b });
    expect(printed?.source).toBe('LINTAS_DATA_KEYS_COMMAND');
    expect(printed?.keks.map((kek) => kek.key.toString('hex'))).toEqual([a, b]);
    expect(ring(`echo ${a},${b}`)?.keks.map((kek) => kek.id)).toEqual([kekId(Buffer.from(a, 'hex')), kekId(Buffer.from(b, 'hex'))]);
    // Even with create, no key file is made: the manager holds the ring.
    expect(existsSync(join(folder, 'by-command', 'data.key'))).toBe(false);

    // A failing command: its exit and its standard error, not the keys it may have printed first.
    const failed = (() => {
      try {
        ring(`echo ${a}; echo 'permission denied for secret lintas' >&2; exit 3`);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(failed).toMatch(/LINTAS_DATA_KEYS_COMMAND failed \(exit 3\): permission denied for secret lintas; no key was read/);
    expect(failed).not.toContain(a);
    expect(() => ring('kill -9 $$')).toThrow(/failed \(signal SIGKILL\)/);
    expect(() => ring('sleep 5', {}, 200)).toThrow(/took more than 0.2 s and was stopped/);
    expect(() => ring('true')).toThrow(/LINTAS_DATA_KEYS_COMMAND holds no key/);
    const garbled = (() => {
      try {
        ring(`echo ${a}; echo not-a-key-${b}`);
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    })();
    expect(garbled).toMatch(/LINTAS_DATA_KEYS_COMMAND output, key 2, must be 32 bytes/);
    expect(garbled).not.toContain(b);
    expect(() => ring(`echo ${a} ${a}`)).toThrow(/the same key twice/);
    // One source only.
    expect(() => ring(`echo ${a}`, { LINTAS_DATA_KEY: b })).toThrow(/set one of LINTAS_DATA_KEYS_COMMAND, LINTAS_DATA_KEYS and LINTAS_DATA_KEY, not several/);
    expect(() => ring(`echo ${a}`, { LINTAS_DATA_KEYS: b })).toThrow(/not several/);
  });
});
